// Monte Carlo summary statistics.
#include "engine/summary.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string_view>

#include "geo/frames.hpp"
#include "orbit/elements.hpp"
#include "stats/proportion.hpp"
#include "stats/quantiles.hpp"

namespace launchmc::engine {

namespace {

FieldStats field_stats(const std::vector<double>& values) {
  FieldStats f;
  f.count = values.size();
  if (values.empty()) {
    f.mean = f.std = f.q01 = f.q50 = f.q99 = std::nan("");
    return f;
  }
  stats::Moments m;
  for (double x : values) m.add(x);
  f.mean = m.mean();
  f.std = values.size() > 1 ? m.std_dev() : 0.0;
  const double ps[] = {0.01, 0.50, 0.99};
  const auto q = stats::quantiles(values, ps);
  f.q01 = q[0];
  f.q50 = q[1];
  f.q99 = q[2];
  return f;
}

nlohmann::json field_json(const FieldStats& f, bool with_quantiles = true) {
  auto num = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
  nlohmann::json j = {{"mean", num(f.mean)}, {"std", num(f.std)}};
  if (with_quantiles) {
    j["q01"] = num(f.q01);
    j["q50"] = num(f.q50);
    j["q99"] = num(f.q99);
  }
  return j;
}

std::string probability_key(double p) { return fmt::format("{:g}", p * 100.0); }

// What the footprint statistics of a body hide, in words.
std::vector<std::string> footprint_warnings(const BodySummary& b) {
  std::vector<std::string> w;
  if (b.impacted < 2) {
    if (b.impacted == 1) w.push_back("1 impact: no spread or ellipse can be estimated");
    return w;
  }
  if (b.impacted < kFewImpacts)
    w.push_back(fmt::format("only {} impacts: the ellipses' axes are uncertain by about +-{:.0f} %",
                            b.impacted, 100.0 / std::sqrt(2.0 * static_cast<double>(b.impacted - 1))));
  if (b.rms_distance_km > kScatteredRmsKm)
    w.push_back(fmt::format("impacts scattered over thousands of km (rms distance {:.0f} km from their "
                            "mean): the mean point and the ellipses describe no single footprint",
                            b.rms_distance_km));
  std::string differ;
  for (const auto& e : b.ellipses)
    if (containment_differs(e.probability, e.contained_fraction, b.impacted))
      differ += fmt::format("{}the {:g} % ellipse holds {:.1f} %", differ.empty() ? "" : ", ",
                            100.0 * e.probability, 100.0 * e.contained_fraction);
  if (!differ.empty())
    w.push_back(fmt::format("not Gaussian: {} of the impacts (clusters or long tails; read the "
                            "empirical fractions, not the nominal levels)", differ));
  return w;
}

}  // namespace

bool containment_differs(double probability, double contained_fraction, std::uint64_t n) noexcept {
  if (n == 0 || !std::isfinite(contained_fraction)) return false;
  const double nn = static_cast<double>(n);
  const double sd = std::sqrt(probability * (1.0 - probability) / nn);
  return std::abs(contained_fraction - probability) > 3.0 * sd + 1.0 / nn;
}

bool TargetOrbit::contains(double semi_major_axis_m, double eccentricity, double incl_deg,
                           double raan) const noexcept {
  const double perigee_km = orbit::catalog_altitude_m(semi_major_axis_m * (1.0 - eccentricity)) / 1e3;
  const double apogee_km = orbit::catalog_altitude_m(semi_major_axis_m * (1.0 + eccentricity)) / 1e3;
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

SummaryAccumulator::SummaryAccumulator(std::vector<BodySlot> slots, SampleStatus success_status,
                                       std::size_t n_failure_modes, std::optional<TargetOrbit> target)
    : slots_(std::move(slots)),
      success_(success_status),
      target_(target),
      failure_counts_(n_failure_modes, 0) {
  for (const auto& s : slots_) impacts_.emplace_back(s.nominal_impact_lat_deg, s.nominal_impact_lon_deg);
  impacts_.emplace_back();  // the vehicle: reference = its first impact
  impact_times_.resize(slots_.size() + 1);
  impact_points_en_m_.resize(slots_.size() + 1);
}

namespace {

// A block the accumulator cannot count exactly: a programming error (the run file reader refuses
// damaged files before their rows get here), so it is reported, never skipped.
[[noreturn]] void bad_block(const Block& b, std::size_t r, std::string_view what, int value) {
  throw std::logic_error(fmt::format("SummaryAccumulator: sample {}: {} {} is out of range",
                                     b.first + r, what, value));
}

}  // namespace

void SummaryAccumulator::add(const Block& b) {
  const std::size_t n = b.count;
  if (n == 0) return;
  if (b.status.size() < n || b.failure_mode.size() < n || b.powered_flight_end.size() < n ||
      b.rhs_evaluations.size() < n || b.bodies.size() != slots_.size())
    throw std::logic_error("SummaryAccumulator: a block with fewer columns or rows than its count");
  for (std::size_t r = 0; r < b.count; ++r) {
    ++samples_;
    const int st = b.status[r];
    if (st < 0 || st >= kStatusCount) bad_block(b, r, "status", st);
    const int end = b.powered_flight_end[r];
    if (end < 0 || end >= flight::kPoweredFlightEndCount) bad_block(b, r, "powered_flight_end", end);
    ++status_counts_[static_cast<std::size_t>(st)];
    ++outcome_counts_[static_cast<std::size_t>(st)][static_cast<std::size_t>(end)];
    const int fm = b.failure_mode[r];
    if (fm < -1 || fm >= static_cast<int>(failure_counts_.size())) bad_block(b, r, "failure_mode", fm);
    if (fm >= 0) ++failure_counts_[static_cast<std::size_t>(fm)];
    rhs_total_ += b.rhs_evaluations[r];
    if (b.status[r] == static_cast<std::int8_t>(SampleStatus::orbit)) {
      perigee_km_.push_back(b.perigee_alt_m[r] / 1e3);
      apogee_km_.push_back(b.apogee_alt_m[r] / 1e3);
      inclination_deg_.push_back(b.inclination_deg[r]);
      insertion_s_.push_back(b.insertion_time_s[r]);
      // Catalogue-convention apsis altitudes from the recorded a and e (blocks built without
      // them, NaN, contribute nothing to these two rows).
      const double a_m = b.semi_major_axis_m[r], e = b.eccentricity[r];
      if (std::isfinite(a_m) && std::isfinite(e)) {
        catalog_perigee_km_.push_back(orbit::catalog_altitude_m(a_m * (1.0 - e)) / 1e3);
        catalog_apogee_km_.push_back(orbit::catalog_altitude_m(a_m * (1.0 + e)) / 1e3);
      }
      if (target_ && target_->contains(a_m, e, b.inclination_deg[r], b.raan_deg[r])) ++in_target_;
    }
    if (std::isfinite(b.range_m[r])) {
      vehicle_apogee_km_.push_back(b.apogee_alt_m_vehicle[r] / 1e3);
      range_km_.push_back(b.range_m[r] / 1e3);
      flight_time_s_.push_back(b.flight_time_s[r]);
    }
    for (std::size_t k = 0; k < slots_.size(); ++k) {
      const BodyColumns& c = b.bodies[k];
      if (c.fate[r] < 0 || c.fate[r] > kFateNotReleased) bad_block(b, r, "body fate", c.fate[r]);
      if (c.fate[r] == 0) {
        impact_points_en_m_[k].push_back(impacts_[k].add(c.impact_lat_deg[r], c.impact_lon_deg[r]).cast<float>());
        impact_times_[k].add(c.impact_time_s[r]);
      }
    }
    if (std::isfinite(b.vehicle_impact_lat_deg[r])) {
      impact_points_en_m_.back().push_back(
          impacts_.back().add(b.vehicle_impact_lat_deg[r], b.vehicle_impact_lon_deg[r]).cast<float>());
      impact_times_.back().add(b.flight_time_s[r]);
    }
  }
}

double SummaryAccumulator::ci95_width() const {
  const stats::Interval ci = stats::wilson_interval(successes(), samples_, 0.95);
  return ci.hi - ci.lo;
}

Summary SummaryAccumulator::finish(const RunMeta& meta) const {
  Summary s;
  s.meta = meta;
  s.samples = samples_;
  s.successes = successes();
  s.p_success = samples_ > 0 ? static_cast<double>(s.successes) / samples_ : 0.0;
  const stats::Interval ci = stats::wilson_interval(s.successes, samples_, 0.95);
  s.ci95_lo = ci.lo;
  s.ci95_hi = ci.hi;
  if (target_) {
    TargetOrbitSummary t;
    t.target = *target_;
    t.count = in_target_;
    t.p = samples_ > 0 ? static_cast<double>(in_target_) / samples_ : 0.0;
    const stats::Interval tci = stats::wilson_interval(in_target_, samples_, 0.95);
    t.ci95_lo = tci.lo;
    t.ci95_hi = tci.hi;
    s.target_orbit = t;
  }
  s.status_counts = status_counts_;
  s.failure_counts = failure_counts_;
  s.outcomes = outcome_list(outcome_counts_, samples_);
  s.perigee_alt_km = field_stats(perigee_km_);
  s.apogee_alt_km = field_stats(apogee_km_);
  s.catalog_perigee_alt_km = field_stats(catalog_perigee_km_);
  s.catalog_apogee_alt_km = field_stats(catalog_apogee_km_);
  s.inclination_deg = field_stats(inclination_deg_);
  s.insertion_time_s = field_stats(insertion_s_);
  s.vehicle_apogee_alt_km = field_stats(vehicle_apogee_km_);
  s.range_km = field_stats(range_km_);
  s.flight_time_s = field_stats(flight_time_s_);
  s.rhs_per_sample = samples_ > 0 ? static_cast<double>(rhs_total_) / samples_ : 0.0;
  for (std::size_t k = 0; k <= slots_.size(); ++k) {
    BodySummary bs;
    bs.name = k < slots_.size() ? slots_[k].name : "vehicle";
    const stats::ImpactAccumulator& acc = impacts_[k];
    bs.impacted = acc.count();
    if (bs.impacted == 0) {
      if (k == slots_.size()) continue;  // the vehicle never came down: no entry
      bs.impact_mean_lat_deg = bs.impact_mean_lon_deg = std::nan("");
      s.bodies.push_back(bs);
      continue;
    }
    bs.impact_mean_lat_deg = acc.mean_lat_deg();
    bs.impact_mean_lon_deg = acc.mean_lon_deg();
    const stats::Moments& t = impact_times_[k];
    bs.impact_time_s.count = t.count();
    bs.impact_time_s.mean = t.mean();
    bs.impact_time_s.std = t.count() > 1 ? t.std_dev() : 0.0;
    if (bs.impacted > 1) {
      const Eigen::Matrix2d cov = acc.covariance_en_m2();
      const double az = geo::geodesic_inverse(meta.site_lat_deg, meta.site_lon_deg,
                                              bs.impact_mean_lat_deg, bs.impact_mean_lon_deg)
                            .azimuth2_deg;
      const stats::RangeSpread rs = stats::range_spread(cov, az);
      bs.downrange_sd_km = rs.downrange_sd_m / 1e3;
      bs.crossrange_sd_km = rs.crossrange_sd_m / 1e3;
      bs.rms_distance_km = std::sqrt(cov.trace()) / 1e3;
      const std::vector<double> levels(kEllipseProbabilities.begin(), kEllipseProbabilities.end());
      const std::vector<double> held =
          stats::contained_fractions(impact_points_en_m_[k], acc.mean_en_m(), cov, levels);
      for (std::size_t i = 0; i < levels.size(); ++i) {
        const stats::Ellipse e = stats::containment_ellipse(cov, levels[i]);
        bs.ellipses.push_back({levels[i], e.semi_major_m / 1e3, e.semi_minor_m / 1e3, e.orientation_deg, held[i]});
      }
    }
    bs.warnings = footprint_warnings(bs);
    s.bodies.push_back(bs);
  }
  return s;
}

nlohmann::json summary_to_json(const Summary& s) {
  using nlohmann::json;
  json j;
  j["scenario"] = s.meta.scenario;
  j["samples"] = s.samples;
  j["samples_requested"] = s.meta.samples_requested;
  j["stopped_by"] = s.meta.stopped_by;
  j["seed"] = s.meta.seed;
  j["sampler"] = s.meta.sampler;
  j["success_status"] = to_string(s.meta.success_status);
  j["p_success"] = s.p_success;
  j["p_success_ci95"] = {s.ci95_lo, s.ci95_hi};
  if (s.target_orbit) {
    const TargetOrbitSummary& t = *s.target_orbit;
    j["target_orbit"] = {
        {"perigee_alt_km", t.target.perigee_alt_km},
        {"apogee_alt_km", t.target.apogee_alt_km},
        {"inclination_deg", t.target.inclination_deg},
        {"raan_deg", t.target.node_fixed() ? json(t.target.raan_deg) : json(nullptr)},
        {"tolerance_alt_km", t.target.tolerance_alt_km},
        {"tolerance_incl_deg", t.target.tolerance_incl_deg},
        {"count", t.count},
        {"p", t.p},
        {"ci95", {t.ci95_lo, t.ci95_hi}}};
  } else {
    j["target_orbit"] = nullptr;
  }
  json counts = json::object();
  for (int st = 0; st < kStatusCount; ++st)
    counts[to_string(static_cast<SampleStatus>(st))] = s.status_counts[static_cast<std::size_t>(st)];
  j["status_counts"] = counts;
  json failures = json::object();
  for (std::size_t m = 0; m < s.failure_counts.size() && m < s.meta.failure_names.size(); ++m)
    failures[s.meta.failure_names[m]] = s.failure_counts[m];
  j["failure_counts"] = failures;
  json outcomes = json::array();
  for (const auto& o : s.outcomes)
    outcomes.push_back({{"status", to_string(o.status)},
                        {"powered_flight_end", flight::to_string(o.powered_flight_end)},
                        {"count", o.count},
                        {"fraction", o.fraction}});
  j["outcomes"] = outcomes;
  j["orbit"] = {{"perigee_alt_km", field_json(s.perigee_alt_km)},
                {"apogee_alt_km", field_json(s.apogee_alt_km)},
                {"catalog_perigee_alt_km", field_json(s.catalog_perigee_alt_km)},
                {"catalog_apogee_alt_km", field_json(s.catalog_apogee_alt_km)},
                {"inclination_deg", field_json(s.inclination_deg)},
                {"insertion_time_s", field_json(s.insertion_time_s)}};
  j["ground"] = {{"apogee_alt_km", field_json(s.vehicle_apogee_alt_km)},
                 {"range_km", field_json(s.range_km)},
                 {"flight_time_s", field_json(s.flight_time_s)}};
  j["bodies"] = json::array();
  for (const auto& b : s.bodies) {
    auto num = [](double x) { return std::isfinite(x) ? json(x) : json(nullptr); };
    json jb = {{"name", b.name},
               {"impacted", b.impacted},
               {"impact_mean_lat_deg", num(b.impact_mean_lat_deg)},
               {"impact_mean_lon_deg", num(b.impact_mean_lon_deg)},
               {"impact_time_s", field_json(b.impact_time_s, false)},
               {"downrange_sd_km", b.downrange_sd_km},
               {"crossrange_sd_km", b.crossrange_sd_km},
               {"rms_distance_km", b.rms_distance_km}};
    json el = json::object();
    for (const auto& e : b.ellipses)
      el[probability_key(e.probability)] = {{"semi_major_km", e.semi_major_km},
                                            {"semi_minor_km", e.semi_minor_km},
                                            {"orientation_deg", e.orientation_deg},
                                            {"contained_fraction", num(e.contained_fraction)}};
    jb["ellipses"] = el;
    jb["warnings"] = b.warnings;
    j["bodies"].push_back(jb);
  }
  j["rhs_evaluations_per_sample"] = s.rhs_per_sample;
  j["elapsed_s"] = s.meta.elapsed_s;
  j["samples_per_s"] = s.samples_per_s();
  return j;
}

namespace {

// x with `significant` significant digits in fixed notation (never an exponent): 0.0123 -> "0.0123",
// 12.345 -> "12.3", 10886 -> "10886".
std::string sig(double x, int significant = 3) {
  if (!std::isfinite(x)) return "-";
  if (x == 0.0) return "0";
  const int magnitude = static_cast<int>(std::floor(std::log10(std::abs(x))));
  const int decimals = std::clamp(significant - 1 - magnitude, 0, 9);
  return fmt::format("{:.{}f}", x, decimals);
}

// Decimals that show a value to about a tenth of its spread `sd` (e.g. the standard deviation of
// a dispersed quantity, or an interval's width).
int decimals_for(double sd, int fallback = 4) {
  if (!(sd > 0.0) || !std::isfinite(sd)) return fallback;
  return std::clamp(1 - static_cast<int>(std::floor(std::log10(sd))), 0, 9);
}

std::string percent(double fraction) { return fmt::format("{:.2f} %", 100.0 * fraction); }

}  // namespace

void print_summary(std::ostream& out, const Summary& s) {
  fmt::print(out, "{}: {} samples, seed {}, sampler {}\n", s.meta.scenario, s.samples, s.meta.seed,
             s.meta.sampler);
  if (s.meta.stopped_by == "interrupted")
    fmt::print(out, "INCOMPLETE: the run was interrupted after {} of {} requested samples; the "
               "statistics below are those of the samples flown\n", s.samples, s.meta.samples_requested);
  else if (s.meta.stopped_by == "until_ci")
    fmt::print(out, "stopped by --until-ci after {} of {} requested samples (the 95 % interval of "
               "P({}) was narrow enough)\n", s.samples, s.meta.samples_requested,
               to_string(s.meta.success_status));
  // Probabilities to two significant digits of their interval's width.
  const int pd = std::max(2, decimals_for(s.ci95_hi - s.ci95_lo) + 1);
  fmt::print(out, "P({}) = {:.{}f}  95% CI [{:.{}f}, {:.{}f}] (Wilson)\n", to_string(s.meta.success_status),
             s.p_success, pd, s.ci95_lo, pd, s.ci95_hi, pd);
  if (s.target_orbit) {
    const TargetOrbitSummary& t = *s.target_orbit;
    const std::string node =
        t.target.node_fixed()
            ? fmt::format(", RAAN {:.2f} +-{:.2f} deg", t.target.raan_deg, t.target.tolerance_incl_deg)
            : std::string();
    const int td = std::max(2, decimals_for(t.ci95_hi - t.ci95_lo) + 1);
    fmt::print(out, "P(target orbit: {:g} x {:g} km +-{:g} km, {:.2f} +-{:.2f} deg{}) = {:.{}f}  95% CI [{:.{}f}, {:.{}f}]\n",
               t.target.perigee_alt_km, t.target.apogee_alt_km, t.target.tolerance_alt_km,
               t.target.inclination_deg, t.target.tolerance_incl_deg, node, t.p, td, t.ci95_lo, td,
               t.ci95_hi, td);
  }
  const double n = s.samples > 0 ? static_cast<double>(s.samples) : 1.0;
  fmt::print(out, "\nstatus of the samples (adds up to {}):\n", s.samples);
  for (int st = 0; st < kStatusCount; ++st)
    if (s.status_counts[static_cast<std::size_t>(st)] > 0)
      fmt::print(out, "  {:<30} {:>10}  {:>8}\n", to_string(static_cast<SampleStatus>(st)),
                 s.status_counts[static_cast<std::size_t>(st)],
                 percent(static_cast<double>(s.status_counts[static_cast<std::size_t>(st)]) / n));
  if (!s.failure_counts.empty()) {
    fmt::print(out, "\nfailure modes drawn (a sample may draw a failure and still succeed, or "
               "fail without one):\n");
    for (std::size_t m = 0; m < s.failure_counts.size() && m < s.meta.failure_names.size(); ++m)
      fmt::print(out, "  {:<30} {:>10}  {:>8}\n", s.meta.failure_names[m], s.failure_counts[m],
                 percent(static_cast<double>(s.failure_counts[m]) / n));
  }
  if (!s.outcomes.empty()) fmt::print(out, "\noutcomes (status after how powered flight ended; adds up to {}):\n", s.samples);
  for (const auto& o : s.outcomes) {
    const std::string what =
        o.powered_flight_end == flight::PoweredFlightEnd::none
            ? std::string(to_string(o.status))
            : fmt::format("{} after {}", to_string(o.status), flight::to_string(o.powered_flight_end));
    fmt::print(out, "  {:<30} {:>10}  {:>8}\n", what, o.count, percent(o.fraction));
  }
  // Each row to about a tenth of its own spread.
  auto row = [&](const char* name, const FieldStats& f) {
    if (f.count == 0) return;
    const int d = decimals_for(f.std);
    fmt::print(out, "  {:<24} {:>8} {:>12.{}f} {:>10} {:>12.{}f} {:>12.{}f} {:>12.{}f}\n", name, f.count,
               f.mean, d, sig(f.std, 2), f.q01, d, f.q50, d, f.q99, d);
  };
  if (s.perigee_alt_km.count > 0 || s.range_km.count > 0)
    fmt::print(out, "\n  {:<24} {:>8} {:>12} {:>10} {:>12} {:>12} {:>12}\n", "", "count", "mean", "std",
               "q01", "q50", "q99");
  row("perigee_alt_km", s.perigee_alt_km);
  row("apogee_alt_km", s.apogee_alt_km);
  row("catalog_perigee_alt_km", s.catalog_perigee_alt_km);
  row("catalog_apogee_alt_km", s.catalog_apogee_alt_km);
  row("inclination_deg", s.inclination_deg);
  row("insertion_time_s", s.insertion_time_s);
  row("vehicle apogee_alt_km", s.vehicle_apogee_alt_km);
  row("range_km", s.range_km);
  row("flight_time_s", s.flight_time_s);

  if (!s.bodies.empty()) {
    fmt::print(out, "\nimpacts (mean point; time; spread along and across the line from the launch site)\n");
    fmt::print(out, "  {:<12} {:>15} {:>10} {:>11} {:>9} {:>8} {:>13} {:>13}\n", "body", "impacted",
               "lat_deg", "lon_deg", "t_mean_s", "t_sd_s", "downrange_km", "crossrange_km");
    for (const auto& b : s.bodies) {
      const std::string impacted = fmt::format("{} / {}", b.impacted, s.samples);
      if (b.impacted == 0) {
        fmt::print(out, "  {:<12} {:>15}\n", b.name, impacted);
        continue;
      }
      fmt::print(out, "  {:<12} {:>15} {:>10.4f} {:>11.4f} {:>9.1f} {:>8} {:>13} {:>13}\n", b.name,
                 impacted, b.impact_mean_lat_deg, b.impact_mean_lon_deg, b.impact_time_s.mean,
                 sig(b.impact_time_s.std, 2), b.impacted > 1 ? sig(b.downrange_sd_km) : "-",
                 b.impacted > 1 ? sig(b.crossrange_sd_km) : "-");
    }
    fmt::print(out, "\ncontainment ellipses (normal fit to the impacts; 'holds': the share of the "
               "body's impacts inside)\n");
    fmt::print(out, "  {:<12} {:>7} {:>14} {:>14} {:>12} {:>8}\n", "body", "level", "semi-major_km",
               "semi-minor_km", "azimuth_deg", "holds");
    for (const auto& b : s.bodies) {
      bool first = true;
      for (const auto& e : b.ellipses) {
        const bool differs = containment_differs(e.probability, e.contained_fraction, b.impacted);
        fmt::print(out, "  {:<12} {:>7} {:>14} {:>14} {:>12.0f} {:>8}{}\n", first ? b.name : "",
                   fmt::format("{:g} %", 100.0 * e.probability), sig(e.semi_major_km), sig(e.semi_minor_km),
                   e.orientation_deg, fmt::format("{:.1f} %", 100.0 * e.contained_fraction),
                   differs ? "  <- differs" : "");
        first = false;
      }
    }
    bool any = false;
    for (const auto& b : s.bodies) {
      for (const auto& w : b.warnings) {
        if (!any) fmt::print(out, "\nwarnings:\n");
        any = true;
        fmt::print(out, "  {}: {}\n", b.name, w);
      }
    }
  }
  fmt::print(out, "\n{:.0f} right-hand-side evaluations per sample; {:.1f} s, {:.0f} samples/s\n",
             s.rhs_per_sample, s.meta.elapsed_s, s.samples_per_s());
}

}  // namespace launchmc::engine
