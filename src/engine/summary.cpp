// Monte Carlo summary statistics.
#include "engine/summary.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string_view>

#include "engine/columns.hpp"
#include "engine/state_io.hpp"
#include "geo/frames.hpp"
#include "orbit/elements.hpp"
#include "stats/proportion.hpp"
#include "stats/stratified.hpp"

namespace launchmc::engine {

namespace {

// What the footprint statistics of a body hide, in words.
std::vector<std::string> footprint_warnings(const BodySummary& b) {
  std::vector<std::string> w;
  if (b.impacted < 2) {
    if (b.impacted == 1) w.push_back("1 impact: no spread or ellipse can be estimated");
    return w;
  }
  if (b.impacted < kFewImpacts)
    w.push_back(fmt::format("only {} impacts: the ellipses' axes are uncertain by about +-{:.0f} %",
                            b.impacted,
                            100.0 / std::sqrt(2.0 * static_cast<double>(b.impacted - 1))));
  append_shape_warnings(w, b.rms_distance_km, b.ellipses, b.containment_sample);
  return w;
}

}  // namespace

void append_shape_warnings(std::vector<std::string>& w, double rms_distance_km,
                           const std::vector<EllipseStats>& ellipses,
                           std::uint64_t containment_sample) {
  if (rms_distance_km > kScatteredRmsKm)
    w.push_back(
        fmt::format("impacts scattered over thousands of km (rms distance {:.0f} km from their "
                    "mean): the mean point and the ellipses describe no single footprint",
                    rms_distance_km));
  std::string differ;
  for (const auto& e : ellipses)
    if (containment_differs(e.probability, e.contained_fraction, containment_sample))
      differ += fmt::format("{}the {:g} % ellipse holds {:.1f} %", differ.empty() ? "" : ", ",
                            100.0 * e.probability, 100.0 * e.contained_fraction);
  if (!differ.empty())
    w.push_back(
        fmt::format("not Gaussian: {} of the impacts (clusters or long tails; read the "
                    "empirical fractions, not the nominal levels)",
                    differ));
}

bool containment_differs(double probability, double contained_fraction, std::uint64_t n) noexcept {
  if (n == 0 || !std::isfinite(contained_fraction)) return false;
  const double nn = static_cast<double>(n);
  const double sd = std::sqrt(probability * (1.0 - probability) / nn);
  return std::abs(contained_fraction - probability) > 3.0 * sd + 1.0 / nn;
}

bool TargetOrbit::contains(double semi_major_axis_m, double eccentricity, double incl_deg,
                           double raan) const noexcept {
  const double perigee_km =
      orbit::catalog_altitude_m(semi_major_axis_m * (1.0 - eccentricity)) / 1e3;
  const double apogee_km =
      orbit::catalog_altitude_m(semi_major_axis_m * (1.0 + eccentricity)) / 1e3;
  // Written so that NaN compares false everywhere.
  if (!(std::abs(perigee_km - perigee_alt_km) <= tolerance_alt_km)) return false;
  if (!(std::abs(apogee_km - apogee_alt_km) <= tolerance_alt_km)) return false;
  if (!(std::abs(incl_deg - inclination_deg) <= tolerance_incl_deg)) return false;
  if (node_fixed() && !(std::abs(std::remainder(raan - raan_deg, 360.0)) <= tolerance_incl_deg))
    return false;
  return true;
}

std::vector<OutcomeCount> outcome_list(const OutcomeMatrix& counts, std::uint64_t samples) {
  std::vector<OutcomeCount> list;
  for (int st = 0; st < kStatusCount; ++st) {
    for (int e = 0; e < flight::kPoweredFlightEndCount; ++e) {
      const std::uint64_t n = counts[static_cast<std::size_t>(st)][static_cast<std::size_t>(e)];
      if (n == 0) continue;
      list.push_back({static_cast<SampleStatus>(st), static_cast<flight::PoweredFlightEnd>(e), n,
                      samples > 0 ? static_cast<double>(n) / static_cast<double>(samples) : 0.0});
    }
  }
  // Built in (status, end) order, so a stable sort by count gives the documented tie order.
  std::stable_sort(list.begin(), list.end(),
                   [](const OutcomeCount& a, const OutcomeCount& b) { return a.count > b.count; });
  return list;
}

SummaryReducer::SummaryReducer(std::vector<BodySlot> slots, SampleStatus success_status,
                               std::size_t n_failure_modes, std::optional<TargetOrbit> target,
                               double vehicle_ref_lat_deg, double vehicle_ref_lon_deg,
                               FailureStrata strata)
    : slots_(std::move(slots)),
      success_(success_status),
      target_(target),
      strata_(std::move(strata)) {
  parts_.resize(strata_.size());
  for (Part& p : parts_) {
    p.failure_counts.assign(n_failure_modes, 0);
    for (const auto& s : slots_)
      p.impacts.emplace_back(s.nominal_impact_lat_deg, s.nominal_impact_lon_deg);
    p.impacts.emplace_back(vehicle_ref_lat_deg, vehicle_ref_lon_deg);
  }
}

std::uint64_t SummaryReducer::samples() const noexcept {
  std::uint64_t n = 0;
  for (const Part& p : parts_) n += p.samples;
  return n;
}

std::uint64_t SummaryReducer::successes() const noexcept {
  std::uint64_t n = 0;
  for (const Part& p : parts_) n += p.status_counts[static_cast<std::size_t>(success_)];
  return n;
}

std::vector<std::uint64_t> SummaryReducer::stratum_rows() const {
  std::vector<std::uint64_t> n;
  for (const Part& p : parts_) n.push_back(p.samples);
  return n;
}

std::vector<std::uint64_t> SummaryReducer::successes_by_stratum() const {
  std::vector<std::uint64_t> n;
  for (const Part& p : parts_) n.push_back(p.status_counts[static_cast<std::size_t>(success_)]);
  return n;
}

namespace {

// A block the reducer cannot count exactly: a programming error (the run file reader refuses
// damaged files before their rows get here), so it is reported, never skipped.
[[noreturn]] void bad_block(const Block& b, std::size_t r, std::string_view what, double value) {
  throw std::logic_error(
      fmt::format("SummaryReducer: sample {}: {} {} is out of range", b.first + r, what, value));
}

// The columns the summary reads, resolved once.
struct Columns {
  std::size_t status = sample_column("status"), failure_mode = sample_column("failure_mode"),
              end = sample_column("powered_flight_end"), rhs = sample_column("rhs_evaluations"),
              insertion_time = sample_column("insertion_time_s"),
              perigee = sample_column("perigee_alt_m"), apogee = sample_column("apogee_alt_m"),
              sma = sample_column("semi_major_axis_m"), ecc = sample_column("eccentricity"),
              incl = sample_column("inclination_deg"), raan = sample_column("raan_deg"),
              vehicle_apogee = sample_column("vehicle_apogee_alt_m"),
              range = sample_column("range_m"), flight_time = sample_column("flight_time_s"),
              vehicle_lat = sample_column("vehicle_impact_lat_deg"),
              vehicle_lon = sample_column("vehicle_impact_lon_deg");
  std::size_t fate = body_column("fate"), lat = body_column("impact_lat_deg"),
              lon = body_column("impact_lon_deg"), time = body_column("impact_time_s");
};
const Columns& columns() {
  static const Columns c;
  return c;
}

void add_impact(ImpactReduction& imp, std::uint64_t row, double lat, double lon, double t) {
  const Eigen::Vector2d p = imp.plane.add(lat, lon);
  imp.times_s.add(t);
  imp.points.add(row, p.cast<float>());
}

}  // namespace

void SummaryReducer::add(const Block& b) {
  const Columns& c = columns();
  const std::size_t n = b.count;
  if (n == 0) return;
  if (b.sample.size() != sample_columns().size() || b.bodies.size() != slots_.size())
    throw std::logic_error("SummaryReducer: a block with other columns than the run's");
  const auto& status = b.sample[c.status];
  const auto& fm = b.sample[c.failure_mode];
  const auto& end = b.sample[c.end];
  for (std::size_t r = 0; r < n; ++r) {
    const std::uint64_t row = b.first + r;
    const std::size_t k_stratum = r < b.stratum.size() ? b.stratum[r] : 0;
    if (k_stratum >= parts_.size()) bad_block(b, r, "stratum", static_cast<double>(k_stratum));
    Part& p = parts_[k_stratum];
    ++p.samples;
    const double st = status[r], e = end[r], f = fm[r];
    if (!(st >= 0 && st < kStatusCount && st == std::floor(st))) bad_block(b, r, "status", st);
    if (!(e >= 0 && e < flight::kPoweredFlightEndCount && e == std::floor(e)))
      bad_block(b, r, "powered_flight_end", e);
    if (!(f >= -1 && f < static_cast<double>(p.failure_counts.size()) && f == std::floor(f)))
      bad_block(b, r, "failure_mode", f);
    ++p.status_counts[static_cast<std::size_t>(st)];
    ++p.outcome_counts[static_cast<std::size_t>(st)][static_cast<std::size_t>(e)];
    if (f >= 0) ++p.failure_counts[static_cast<std::size_t>(f)];
    p.rhs_total += static_cast<std::int64_t>(b.sample[c.rhs][r]);
    if (static_cast<int>(st) == static_cast<int>(SampleStatus::orbit)) {
      for (const std::size_t col : {c.perigee, c.apogee, c.incl, c.insertion_time})
        if (std::isnan(b.sample[col][r]))
          bad_block(b, r, "an orbit column with status orbit", b.sample[col][r]);
      p.fields[kPerigee].add(b.sample[c.perigee][r] / 1e3);
      p.fields[kApogee].add(b.sample[c.apogee][r] / 1e3);
      p.fields[kInclination].add(b.sample[c.incl][r]);
      p.fields[kInsertionTime].add(b.sample[c.insertion_time][r]);
      // Catalogue-convention apsis altitudes from the recorded a and e (rows without them, NaN,
      // contribute nothing to these two).
      const double a_m = b.sample[c.sma][r], ecc = b.sample[c.ecc][r];
      if (std::isfinite(a_m) && std::isfinite(ecc)) {
        p.fields[kCatalogPerigee].add(orbit::catalog_altitude_m(a_m * (1.0 - ecc)) / 1e3);
        p.fields[kCatalogApogee].add(orbit::catalog_altitude_m(a_m * (1.0 + ecc)) / 1e3);
      }
      if (target_ && target_->contains(a_m, ecc, b.sample[c.incl][r], b.sample[c.raan][r]))
        ++p.in_target;
    }
    if (std::isfinite(b.sample[c.range][r])) {
      p.fields[kVehicleApogee].add(b.sample[c.vehicle_apogee][r] / 1e3);
      p.fields[kRange].add(b.sample[c.range][r] / 1e3);
      p.fields[kFlightTime].add(b.sample[c.flight_time][r]);
    }
    for (std::size_t k = 0; k < slots_.size(); ++k) {
      const auto& cols = b.bodies[k];
      const double fate = cols[c.fate][r];
      if (!(fate >= 0 && fate <= kFateNotReleased)) bad_block(b, r, "body fate", fate);
      if (fate == 0) add_impact(p.impacts[k], row, cols[c.lat][r], cols[c.lon][r], cols[c.time][r]);
    }
    if (std::isfinite(b.sample[c.vehicle_lat][r]))
      add_impact(p.impacts.back(), row, b.sample[c.vehicle_lat][r], b.sample[c.vehicle_lon][r],
                 b.sample[c.flight_time][r]);
  }
}

void SummaryReducer::merge(const Reducer& other_reducer) {
  const auto* other = dynamic_cast<const SummaryReducer*>(&other_reducer);
  if (other == nullptr || other->slots_.size() != slots_.size() ||
      other->parts_.size() != parts_.size() ||
      other->parts_[0].failure_counts.size() != parts_[0].failure_counts.size())
    throw std::invalid_argument("SummaryReducer::merge: a reducer of another run");
  for (std::size_t s = 0; s < parts_.size(); ++s) {
    Part& p = parts_[s];
    const Part& o = other->parts_[s];
    p.samples += o.samples;
    p.in_target += o.in_target;
    for (std::size_t i = 0; i < p.status_counts.size(); ++i)
      p.status_counts[i] += o.status_counts[i];
    for (std::size_t i = 0; i < p.failure_counts.size(); ++i)
      p.failure_counts[i] += o.failure_counts[i];
    for (std::size_t i = 0; i < p.outcome_counts.size(); ++i)
      for (std::size_t j = 0; j < p.outcome_counts[i].size(); ++j)
        p.outcome_counts[i][j] += o.outcome_counts[i][j];
    p.rhs_total += o.rhs_total;
    for (std::size_t f = 0; f < kFieldCount; ++f) {
      p.fields[f].moments.merge(o.fields[f].moments);
      p.fields[f].sketch.merge(o.fields[f].sketch);
    }
    for (std::size_t k = 0; k < p.impacts.size(); ++k) {
      p.impacts[k].plane.merge(o.impacts[k].plane);
      p.impacts[k].times_s.merge(o.impacts[k].times_s);
      p.impacts[k].points.merge(o.impacts[k].points);
    }
  }
}

void SummaryReducer::save_part(const Part& p, StateWriter& out) {
  std::vector<std::uint64_t> counts = {p.samples, p.in_target,
                                       static_cast<std::uint64_t>(p.rhs_total)};
  out.put("counts", std::span<const std::uint64_t>(counts));
  out.put("status_counts", std::span<const std::uint64_t>(p.status_counts));
  out.put("failure_counts", std::span<const std::uint64_t>(p.failure_counts));
  std::vector<std::uint64_t> outcomes;
  for (const auto& row : p.outcome_counts) outcomes.insert(outcomes.end(), row.begin(), row.end());
  out.put("outcome_counts", std::span<const std::uint64_t>(outcomes));
  for (std::size_t f = 0; f < kFieldCount; ++f) {
    const std::string name = fmt::format("field{}", f);
    put_moments(out, name, p.fields[f].moments);
    const stats::QuantileSketch& q = p.fields[f].sketch;
    std::vector<double> index;
    std::vector<std::uint64_t> count;
    for (const auto* store : {&q.positive(), &q.negative()}) {
      index.push_back(static_cast<double>(store->size()));
      for (const auto& [i, c] : *store) {
        index.push_back(i);
        count.push_back(c);
      }
    }
    out.put(name + ".sketch_index", std::span<const double>(index));
    const std::uint64_t extra[] = {q.zeros(), q.collapsed() ? 1u : 0u};
    out.put(name + ".sketch_counts", std::span<const std::uint64_t>(count));
    out.put(name + ".sketch_zeros_collapsed", std::span<const std::uint64_t>(extra));
  }
  for (std::size_t k = 0; k < p.impacts.size(); ++k) {
    const std::string name = fmt::format("impacts{}", k);
    put_impacts(out, name, p.impacts[k].plane);
    put_moments(out, name + ".times", p.impacts[k].times_s);
    put_points(out, name, p.impacts[k].points);
  }
}

void SummaryReducer::load_part(Part& p, const StateReader& in) {
  const auto counts = in.counts("counts");
  const auto status = in.counts("status_counts");
  const auto failures = in.counts("failure_counts");
  const auto outcomes = in.counts("outcome_counts");
  if (counts.size() != 3 || status.size() != p.status_counts.size() ||
      failures.size() != p.failure_counts.size() ||
      outcomes.size() != kStatusCount * flight::kPoweredFlightEndCount)
    throw std::runtime_error("summary state: counts of another run");
  p.samples = counts[0];
  p.in_target = counts[1];
  p.rhs_total = static_cast<std::int64_t>(counts[2]);
  std::copy(status.begin(), status.end(), p.status_counts.begin());
  p.failure_counts = failures;
  for (std::size_t i = 0; i < p.outcome_counts.size(); ++i)
    for (std::size_t j = 0; j < p.outcome_counts[i].size(); ++j)
      p.outcome_counts[i][j] = outcomes[i * p.outcome_counts[i].size() + j];
  for (std::size_t f = 0; f < kFieldCount; ++f) {
    const std::string name = fmt::format("field{}", f);
    p.fields[f].moments = get_moments(in, name, "summary");
    const auto index = in.doubles(name + ".sketch_index");
    const auto count = in.counts(name + ".sketch_counts");
    const auto extra = in.counts(name + ".sketch_zeros_collapsed");
    stats::QuantileSketch::Store stores[2];
    std::size_t at = 0, c = 0;
    for (auto& store : stores) {
      if (at >= index.size()) throw std::runtime_error("summary state: bad sketch");
      const auto size = static_cast<std::size_t>(index[at++]);
      for (std::size_t i = 0; i < size; ++i) {
        if (at >= index.size() || c >= count.size())
          throw std::runtime_error("summary state: bad sketch");
        store.emplace_back(static_cast<std::int32_t>(index[at++]), count[c++]);
      }
    }
    if (extra.size() != 2) throw std::runtime_error("summary state: bad sketch");
    p.fields[f].sketch =
        stats::QuantileSketch::from_state(kQuantileRelativeAccuracy, std::move(stores[0]),
                                          std::move(stores[1]), extra[0], extra[1] != 0);
  }
  for (std::size_t k = 0; k < p.impacts.size(); ++k) {
    const std::string name = fmt::format("impacts{}", k);
    p.impacts[k].plane = get_impacts(in, name, "summary");
    p.impacts[k].times_s = get_moments(in, name + ".times", "summary");
    p.impacts[k].points = get_points(in, name, kContainmentSample, "summary");
  }
}

// Stratum k > 0 saves its state under names prefixed "stratum<k>."; stratum 0 (all rows when not
// stratified) under the plain names, as before strata existed.
void SummaryReducer::save(StateWriter& out) const {
  save_part(parts_[0], out);
  for (std::size_t k = 1; k < parts_.size(); ++k) {
    PrefixedStateWriter w(out, fmt::format("stratum{}.", k));
    save_part(parts_[k], w);
  }
}

void SummaryReducer::load(const StateReader& in) {
  load_part(parts_[0], in);
  for (std::size_t k = 1; k < parts_.size(); ++k) {
    PrefixedStateReader r(in, fmt::format("stratum{}.", k));
    load_part(parts_[k], r);
  }
}

double SummaryReducer::ci95_width() const {
  const std::vector<std::uint64_t> rows = stratum_rows();
  const std::vector<std::uint64_t> ok = successes_by_stratum();
  const stats::Interval ci = stats::stratified_proportion(strata_.strata(), ok, rows, 0.95).ci;
  return ci.hi - ci.lo;
}

FieldStats SummaryReducer::stats_of(FieldId id, const std::vector<double>& weights) const {
  FieldStats s;
  std::vector<const stats::Moments*> moments;
  std::vector<const stats::QuantileSketch*> sketches;
  for (const Part& p : parts_) {
    moments.push_back(&p.fields[id].moments);
    sketches.push_back(&p.fields[id].sketch);
    s.count += p.fields[id].moments.count();
  }
  if (s.count == 0) {
    s.mean = s.std = s.q01 = s.q50 = s.q99 = std::nan("");
    return s;
  }
  const stats::WeightedMoments m = stats::weighted_moments(moments, weights);
  s.mean = m.mean;
  s.std = s.count > 1 ? m.std : 0.0;
  if (std::isnan(s.std)) s.std = 0.0;  // weighted: fewer than 2 effective rows
  s.q01 = stats::weighted_quantile(sketches, weights, 0.01);
  s.q50 = stats::weighted_quantile(sketches, weights, 0.50);
  s.q99 = stats::weighted_quantile(sketches, weights, 0.99);
  return s;
}

namespace {

// The lat/lon of a point of an impact plane (the back-projection ImpactAccumulator uses).
void plane_to_lat_lon(double ref_lat, double ref_lon, const Eigen::Vector2d& en, double& lat,
                      double& lon) {
  stats::ImpactSums one;
  one.count = 1;
  one.ref_lat_deg = ref_lat;
  one.ref_lon_deg = ref_lon;
  one.x_m.add(en.x());
  one.y_m.add(en.y());
  one.xx_m2.add(en.x() * en.x());
  one.yy_m2.add(en.y() * en.y());
  one.xy_m2.add(en.x() * en.y());
  const stats::ImpactAccumulator a = stats::ImpactAccumulator::from_sums(one);
  lat = a.mean_lat_deg();
  lon = a.mean_lon_deg();
}

}  // namespace

Summary SummaryReducer::finish(const RunMeta& meta) const {
  Summary s;
  s.meta = meta;
  const std::uint64_t samples = this->samples();
  const bool single = parts_.size() == 1;
  const stats::Strata strata = strata_.strata();
  const std::vector<std::uint64_t> rows = stratum_rows();
  // Row weights pi_k / n_k for the stratified estimators (their scale does not matter).
  const std::vector<double> w = strata.row_weights(rows);
  auto fraction = [&](auto&& count_of) {
    std::vector<std::uint64_t> c;
    for (const Part& p : parts_) c.push_back(count_of(p));
    return stats::stratified_proportion(strata, c, rows, 0.95);
  };
  s.samples = samples;
  s.successes = successes();
  const stats::StratifiedProportion ps =
      fraction([&](const Part& p) { return p.status_counts[static_cast<std::size_t>(success_)]; });
  s.p_success = ps.p;
  s.ci95_lo = ps.ci.lo;
  s.ci95_hi = ps.ci.hi;
  s.p_success_effective_trials = ps.effective_trials;
  if (!single) {
    const std::vector<double> row_weight = strata_.weights(rows);
    for (std::size_t k = 0; k < parts_.size(); ++k)
      s.strata.push_back({strata_.names()[k], strata_.probabilities()[k], strata_.share(k), rows[k],
                          row_weight[k]});
  }
  std::uint64_t in_target = 0;
  for (const Part& p : parts_) in_target += p.in_target;
  if (target_) {
    TargetOrbitSummary t;
    t.target = *target_;
    t.count = in_target;
    const stats::StratifiedProportion pt = fraction([](const Part& p) { return p.in_target; });
    t.p = pt.p;
    t.ci95_lo = pt.ci.lo;
    t.ci95_hi = pt.ci.hi;
    s.target_orbit = t;
  }
  OutcomeMatrix outcome_counts{};
  std::int64_t rhs_total = 0;
  s.failure_counts.assign(parts_[0].failure_counts.size(), 0);
  for (const Part& p : parts_) {
    for (std::size_t i = 0; i < s.status_counts.size(); ++i)
      s.status_counts[i] += p.status_counts[i];
    for (std::size_t i = 0; i < s.failure_counts.size(); ++i)
      s.failure_counts[i] += p.failure_counts[i];
    for (std::size_t i = 0; i < outcome_counts.size(); ++i)
      for (std::size_t j = 0; j < outcome_counts[i].size(); ++j)
        outcome_counts[i][j] += p.outcome_counts[i][j];
    rhs_total += p.rhs_total;
  }
  for (std::size_t i = 0; i < s.status_counts.size(); ++i)
    s.status_fractions[i] = fraction([i](const Part& p) { return p.status_counts[i]; }).p;
  for (std::size_t i = 0; i < s.failure_counts.size(); ++i)
    s.failure_fractions.push_back(fraction([i](const Part& p) { return p.failure_counts[i]; }).p);
  s.outcomes = outcome_list(outcome_counts, samples);
  if (!single) {
    for (OutcomeCount& o : s.outcomes) {
      const auto st = static_cast<std::size_t>(o.status);
      const auto e = static_cast<std::size_t>(o.powered_flight_end);
      o.fraction = fraction([st, e](const Part& p) { return p.outcome_counts[st][e]; }).p;
    }
    // Weighted: the likeliest outcome first (ties keep the count order).
    std::stable_sort(
        s.outcomes.begin(), s.outcomes.end(),
        [](const OutcomeCount& a, const OutcomeCount& b) { return a.fraction > b.fraction; });
  }
  s.perigee_alt_km = stats_of(kPerigee, w);
  s.apogee_alt_km = stats_of(kApogee, w);
  s.catalog_perigee_alt_km = stats_of(kCatalogPerigee, w);
  s.catalog_apogee_alt_km = stats_of(kCatalogApogee, w);
  s.inclination_deg = stats_of(kInclination, w);
  s.insertion_time_s = stats_of(kInsertionTime, w);
  s.vehicle_apogee_alt_km = stats_of(kVehicleApogee, w);
  s.range_km = stats_of(kRange, w);
  s.flight_time_s = stats_of(kFlightTime, w);
  s.rhs_per_sample = samples > 0 ? static_cast<double>(rhs_total) / samples : 0.0;
  for (std::size_t k = 0; k <= slots_.size(); ++k) {
    BodySummary bs;
    bs.name = k < slots_.size() ? slots_[k].name : "vehicle";
    std::vector<const stats::ImpactAccumulator*> planes;
    std::vector<const stats::Moments*> times;
    std::vector<std::uint64_t> impacts_by_stratum;
    for (const Part& p : parts_) {
      planes.push_back(&p.impacts[k].plane);
      times.push_back(&p.impacts[k].times_s);
      impacts_by_stratum.push_back(p.impacts[k].plane.count());
      bs.impacted += p.impacts[k].plane.count();
    }
    if (bs.impacted == 0) {
      if (k == slots_.size()) continue;  // the vehicle never came down: no entry
      bs.impact_mean_lat_deg = bs.impact_mean_lon_deg = std::nan("");
      s.bodies.push_back(bs);
      continue;
    }
    const stats::WeightedImpacts wi = stats::weighted_impacts(planes, w);
    bs.effective_impacts = wi.effective_count;
    bs.impact_probability = fraction([k](const Part& p) { return p.impacts[k].plane.count(); }).p;
    if (single) {
      bs.impact_mean_lat_deg = parts_[0].impacts[k].plane.mean_lat_deg();
      bs.impact_mean_lon_deg = parts_[0].impacts[k].plane.mean_lon_deg();
    } else {
      const stats::ImpactAccumulator& ref = parts_[0].impacts[k].plane;
      plane_to_lat_lon(ref.ref_lat_deg(), ref.ref_lon_deg(), wi.mean_en_m, bs.impact_mean_lat_deg,
                       bs.impact_mean_lon_deg);
    }
    const stats::WeightedMoments t = stats::weighted_moments(times, w);
    bs.impact_time_s.count = t.count;
    bs.impact_time_s.mean = t.mean;
    bs.impact_time_s.std = t.count > 1 && std::isfinite(t.std) ? t.std : 0.0;
    if (bs.impacted > 1 && wi.cov_en_m2.allFinite()) {
      const Eigen::Matrix2d cov = wi.cov_en_m2;
      const double az = geo::geodesic_inverse(meta.site_lat_deg, meta.site_lon_deg,
                                              bs.impact_mean_lat_deg, bs.impact_mean_lon_deg)
                            .azimuth2_deg;
      const stats::RangeSpread rs = stats::range_spread(cov, az);
      bs.downrange_sd_km = rs.downrange_sd_m / 1e3;
      bs.crossrange_sd_km = rs.crossrange_sd_m / 1e3;
      bs.rms_distance_km = std::sqrt(cov.trace()) / 1e3;
      const std::vector<double> levels(kEllipseProbabilities.begin(), kEllipseProbabilities.end());
      // The share of the impacts inside each ellipse: per stratum on its own subsample, combined
      // with the weights of the strata's impacts.
      std::vector<std::vector<double>> held_by_stratum;
      for (const Part& p : parts_) {
        std::vector<Eigen::Vector2f> points;
        for (const auto& item : p.impacts[k].points.items()) points.push_back(item.value);
        bs.containment_sample += points.size();
        held_by_stratum.push_back(
            points.empty() ? std::vector<double>(levels.size(), std::nan(""))
                           : stats::contained_fractions(points, wi.mean_en_m, cov, levels));
      }
      for (std::size_t i = 0; i < levels.size(); ++i) {
        double held = held_by_stratum[0][i];
        if (!single) {
          std::vector<double> f;
          for (const auto& h : held_by_stratum) f.push_back(h[i]);
          held = stats::weighted_fraction(f, impacts_by_stratum, w);
        }
        const stats::Ellipse e = stats::containment_ellipse(cov, levels[i]);
        bs.ellipses.push_back(
            {levels[i], e.semi_major_m / 1e3, e.semi_minor_m / 1e3, e.orientation_deg, held});
      }
    }
    bs.warnings = footprint_warnings(bs);
    s.bodies.push_back(bs);
  }
  return s;
}

}  // namespace launchmc::engine
