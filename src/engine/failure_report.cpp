// The per-failure-mode report (see failure_report.hpp).
#include "engine/failure_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "engine/columns.hpp"
#include "engine/summary.hpp"
#include "flight/flight.hpp"
#include "stats/proportion.hpp"

namespace launchmc::engine {

namespace {

// The identity of a fragment entry in the bottom-k subsample: its row and its place in the row.
std::uint64_t fragment_id(std::uint64_t row, std::uint64_t k) noexcept { return (row << 20) | k; }

std::optional<std::size_t> weight_column() {
  const auto cols = sample_columns();
  for (std::size_t i = 0; i < cols.size(); ++i)
    if (cols[i].name == "weight") return i;
  return std::nullopt;
}

Spread spread_of(const stats::Moments& m) {
  if (m.count() == 0) return {kNaN, kNaN, kNaN, kNaN};
  return {m.mean(), m.count() > 1 ? m.std_dev() : kNaN, m.min(), m.max()};
}

// The ellipses, rms distance and containment of a footprint from its mean and covariance.
void fill_ellipses(FootprintReport& f, const Eigen::Vector2d& mean, const Eigen::Matrix2d& cov,
                   const std::vector<Eigen::Vector2f>& points, const std::vector<double>* weights) {
  if (!cov.allFinite()) return;
  f.rms_distance_km = std::sqrt(cov.trace()) / 1e3;
  const std::vector<double> levels(kFailureReportEllipses.begin(), kFailureReportEllipses.end());
  f.containment_sample = points.size();
  const std::vector<double> held =
      weights ? stats::contained_fractions(points, *weights, mean, cov, levels)
              : stats::contained_fractions(points, mean, cov, levels);
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const stats::Ellipse e = stats::containment_ellipse(cov, levels[i]);
    f.ellipses.push_back(
        {levels[i], e.semi_major_m / 1e3, e.semi_minor_m / 1e3, e.orientation_deg, held[i]});
  }
}

// What a footprint's statistics hide, in words (the summary's footprint warnings, with the
// effective number of impacts of weighted fragments).
std::vector<std::string> warnings_of(const FootprintReport& f) {
  std::vector<std::string> w;
  if (f.impacts == 0) return w;
  if (f.impacts < 2) {
    w.push_back("1 impact: no spread or ellipse can be estimated");
    return w;
  }
  if (f.impacts < kFewImpacts)
    w.push_back(fmt::format(
        "only {} impacts: the mean, the spread and the ellipses' axes are uncertain (axes by "
        "about +-{:.0f} %)",
        f.impacts, 100.0 / std::sqrt(2.0 * static_cast<double>(f.impacts - 1))));
  else if (f.impact_samples < kFewImpacts)
    w.push_back(fmt::format(
        "{} impacts, but from only {} samples: the fragments of one breakup land together, so "
        "the mean, the spread and the ellipses are about as uncertain as {} points",
        f.impacts, f.impact_samples, f.impact_samples));
  else if (f.effective_impacts < static_cast<double>(kFewImpacts))
    w.push_back(fmt::format(
        "{} impacts, but unequal weights leave the statistics of about {:.0f} equal ones",
        f.impacts, f.effective_impacts));
  append_shape_warnings(w, f.rms_distance_km, f.ellipses, f.containment_sample);
  return w;
}

const char* no_failure = "none";
constexpr const char* kWhat = "failure report";

// FNV-1a over the names, each followed by a 0 byte: which names, in which order.
std::uint64_t hash_names(std::uint64_t h, const std::string& name) noexcept {
  for (const char c : name) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return (h ^ 0u) * 0x100000001b3ULL;
}

std::string group_prefix(std::size_t k, std::size_t n_modes) {
  return k < n_modes ? fmt::format("mode{}.", k) : std::string("none.");
}

}  // namespace

std::vector<std::string> fragment_classes_of(const Scenario& scenario) {
  std::vector<std::string> c;
  auto add = [&c](std::string_view name) {
    if (std::find(c.begin(), c.end(), name) == c.end()) c.emplace_back(name);
  };
  for (const vehicle::Stage& st : scenario.vehicle.stages)
    for (const vehicle::DebrisClass& d : st.debris) add(d.name);
  add(flight::kIntactStageClass);
  if (scenario.vehicle.fairing) add(flight::kFairingPieceClass);
  add(flight::kPayloadClass);
  return c;
}

FailureReportReducer::ClassState::ClassState(const FailureReportSetup& s, std::size_t n_regions)
    : plane(s.ref_lat_deg, s.ref_lon_deg),
      t_min(std::numeric_limits<double>::infinity()),
      t_max(-std::numeric_limits<double>::infinity()),
      points(kContainmentSample),
      in_region(n_regions) {}

FailureReportReducer::Group::Group(const FailureReportSetup& s, std::size_t n_regions)
    : vehicle(s.ref_lat_deg, s.ref_lon_deg),
      vehicle_points(kContainmentSample),
      vehicle_in_region(n_regions, 0) {}

FailureReportReducer::FailureReportReducer(FailureReportSetup setup)
    : setup_(std::move(setup)), weight_column_(weight_column()) {
  for (std::size_t g = 0; g <= setup_.modes.size(); ++g)
    groups_.emplace_back(setup_, setup_.regions.size());
}

std::size_t FailureReportReducer::class_index(std::string_view name, std::uint64_t row) const {
  for (std::size_t i = 0; i < setup_.classes.size(); ++i)
    if (setup_.classes[i] == name) return i;
  throw std::logic_error(fmt::format(
      "FailureReportReducer: sample {}: fragment class '{}' is not one of the run's", row, name));
}

FailureReportReducer::Group& FailureReportReducer::group(double code, std::uint64_t row) {
  if (!(code >= -1 && code < static_cast<double>(setup_.modes.size()) && code == std::floor(code)))
    throw std::logic_error(
        fmt::format("FailureReportReducer: sample {}: failure_mode {} is out of range", row, code));
  return code < 0 ? groups_.back() : groups_[static_cast<std::size_t>(code)];
}

void FailureReportReducer::add(const Block& b) {
  const std::size_t n = b.count;
  if (n == 0) return;
  if (b.sample.size() != sample_columns().size())
    throw std::logic_error("FailureReportReducer: a block with other columns than the run's");
  static const std::size_t c_mode = sample_column("failure_mode"),
                           c_lat = sample_column("vehicle_impact_lat_deg"),
                           c_lon = sample_column("vehicle_impact_lon_deg"),
                           c_time = sample_column("flight_time_s");
  static const std::size_t f_fate = fragment_column("fate"),
                           f_lat = fragment_column("impact_lat_deg"),
                           f_lon = fragment_column("impact_lon_deg"),
                           f_time = fragment_column("impact_time_s"),
                           f_weight = fragment_column("weight"),
                           f_breakup = fragment_column("breakup_time_s");
  const RaggedBodies& fr = b.fragments;
  const bool has_fragments =
      fr.columns.size() == fragment_columns().size() && fr.row_end.size() >= n;
  const std::size_t n_regions = setup_.regions.size();
  std::uint64_t begin = 0;
  for (std::size_t r = 0; r < n; ++r) {
    const std::uint64_t row = b.first + r;
    Group& g = group(b.sample[c_mode][r], row);
    const double w = weight_column_ ? b.sample[*weight_column_][r] : 1.0;
    ++samples_;
    ++g.samples;
    if (w == 1.0) ++unit_weight_rows_;
    weight_.add(w);
    g.weight.add(w);
    const double lat = b.sample[c_lat][r], lon = b.sample[c_lon][r];
    if (std::isfinite(lat) && std::isfinite(lon)) {
      const Eigen::Vector2d p = g.vehicle.add(lat, lon);
      g.vehicle_time_s.add(b.sample[c_time][r]);
      g.vehicle_points.add(row, p.cast<float>());
      for (std::size_t z = 0; z < n_regions; ++z)
        if (inside_region(setup_.regions[z], lat, lon, setup_.site_lon_deg))
          ++g.vehicle_in_region[z];
    }
    if (!has_fragments) continue;
    const std::uint64_t end = fr.row_end[r];
    if (end > begin) g.breakup_time_s.add(fr.columns[f_breakup][begin]);
    impacted_classes_.clear();
    for (std::uint64_t e = begin; e < end; ++e) {
      const std::size_t ci = class_index(fr.classes[e].view(), row);
      auto it = g.classes.find(ci);
      if (it == g.classes.end()) it = g.classes.emplace(ci, ClassState(setup_, n_regions)).first;
      ClassState& c = it->second;
      const double fw = fr.columns[f_weight][e];
      ++c.bodies;
      c.weight.add(fw);
      if (fr.columns[f_fate][e] != static_cast<double>(flight::BodyFate::impact)) continue;
      if (std::find(impacted_classes_.begin(), impacted_classes_.end(), &c) ==
          impacted_classes_.end()) {
        impacted_classes_.push_back(&c);
        ++c.impact_samples;
      }
      const double flat = fr.columns[f_lat][e], flon = fr.columns[f_lon][e];
      const double t = fr.columns[f_time][e];
      const Eigen::Vector2d p = c.plane.add(flat, flon, fw);
      c.w_t.add_product(fw, t);
      c.w_tt.add_product(fw * t, t);
      c.w2.add_product(fw, fw);
      c.t_min = std::min(c.t_min, t);
      c.t_max = std::max(c.t_max, t);
      c.points.add(fragment_id(row, e - begin), {p.cast<float>(), static_cast<float>(fw)});
      for (std::size_t z = 0; z < n_regions; ++z)
        if (inside_region(setup_.regions[z], flat, flon, setup_.site_lon_deg))
          c.in_region[z].add(fw);
    }
    begin = end;
  }
}

void FailureReportReducer::merge(const Reducer& other_reducer) {
  const auto* o = dynamic_cast<const FailureReportReducer*>(&other_reducer);
  if (o == nullptr || o->setup_identity() != setup_identity())
    throw std::invalid_argument("FailureReportReducer::merge: a reducer of another run");
  samples_ += o->samples_;
  unit_weight_rows_ += o->unit_weight_rows_;
  weight_.merge(o->weight_);
  for (std::size_t k = 0; k < groups_.size(); ++k) {
    Group& g = groups_[k];
    const Group& h = o->groups_[k];
    g.samples += h.samples;
    g.weight.merge(h.weight);
    g.breakup_time_s.merge(h.breakup_time_s);
    g.vehicle.merge(h.vehicle);
    g.vehicle_time_s.merge(h.vehicle_time_s);
    g.vehicle_points.merge(h.vehicle_points);
    for (std::size_t z = 0; z < g.vehicle_in_region.size(); ++z)
      g.vehicle_in_region[z] += h.vehicle_in_region[z];
    for (const auto& [ci, hc] : h.classes) {
      auto it = g.classes.find(ci);
      if (it == g.classes.end()) {
        g.classes.emplace(ci, hc);
        continue;
      }
      ClassState& c = it->second;
      c.bodies += hc.bodies;
      c.impact_samples += hc.impact_samples;
      c.weight.merge(hc.weight);
      c.plane.merge(hc.plane);
      c.w_t.merge(hc.w_t);
      c.w_tt.merge(hc.w_tt);
      c.w2.merge(hc.w2);
      c.t_min = std::min(c.t_min, hc.t_min);
      c.t_max = std::max(c.t_max, hc.t_max);
      c.points.merge(hc.points);
      for (std::size_t z = 0; z < c.in_region.size(); ++z) c.in_region[z].merge(hc.in_region[z]);
    }
  }
}

std::vector<std::uint64_t> FailureReportReducer::setup_identity() const {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const FailureModeInfo& m : setup_.modes) h = hash_names(h, m.name);
  h = hash_names(h, "");
  for (const IipZoneSpec& z : setup_.regions) h = hash_names(h, z.name);
  h = hash_names(h, "");
  for (const std::string& c : setup_.classes) h = hash_names(h, c);
  return {setup_.modes.size(), setup_.regions.size(), setup_.classes.size(),
          setup_.stratum_probability.size(), h};
}

// The names of the state: docs/hdf5_format.md (/reducers/failure_report).
void FailureReportReducer::save(StateWriter& out) const {
  const std::vector<std::uint64_t> id = setup_identity();
  out.put("setup", std::span<const std::uint64_t>(id));
  const double reference[] = {setup_.ref_lat_deg, setup_.ref_lon_deg, setup_.site_lon_deg};
  out.put("reference", std::span<const double>(reference));
  const std::uint64_t counts[] = {samples_, unit_weight_rows_};
  out.put("counts", std::span<const std::uint64_t>(counts));
  put_sum(out, "weight", weight_);
  for (std::size_t k = 0; k < groups_.size(); ++k) {
    const Group& g = groups_[k];
    PrefixedStateWriter w(out, group_prefix(k, setup_.modes.size()));
    put_count(w, "samples", g.samples);
    put_sum(w, "weight", g.weight);
    put_moments(w, "breakup_time_s", g.breakup_time_s);
    put_impacts(w, "vehicle", g.vehicle);
    put_moments(w, "vehicle.times", g.vehicle_time_s);
    put_points(w, "vehicle", g.vehicle_points);
    w.put("vehicle.in_region", std::span<const std::uint64_t>(g.vehicle_in_region));
    std::vector<std::uint64_t> present;
    for (const auto& [ci, c] : g.classes) present.push_back(ci);
    w.put("classes", std::span<const std::uint64_t>(present));
    for (const auto& [ci, c] : g.classes) {
      PrefixedStateWriter cw(w, fmt::format("class{}.", ci));
      const std::uint64_t cc[] = {c.bodies, c.impact_samples};
      cw.put("counts", std::span<const std::uint64_t>(cc));
      put_sum(cw, "weight", c.weight);
      put_weighted_impacts(cw, "plane", c.plane);
      put_sum(cw, "time.w_t", c.w_t);
      put_sum(cw, "time.w_tt", c.w_tt);
      put_sum(cw, "time.w2", c.w2);
      const double mm[] = {c.t_min, c.t_max};
      cw.put("time.min_max", std::span<const double>(mm));
      put_points(cw, "plane", c.points);
      for (std::size_t z = 0; z < c.in_region.size(); ++z)
        put_sum(cw, fmt::format("in_region{}", z), c.in_region[z]);
    }
  }
}

void FailureReportReducer::load(const StateReader& in) {
  const std::vector<std::uint64_t> mine = setup_identity(), saved = in.counts("setup");
  if (saved.size() != mine.size()) throw std::runtime_error("failure report state: bad setup");
  if (saved != mine) {
    const bool names_only = std::equal(mine.begin(), mine.end() - 1, saved.begin());
    throw std::runtime_error(fmt::format(
        "failure report state: saved by a reducer of another setup ({} failure modes, {} report "
        "regions, {} fragment classes, {} strata; this one: {}, {}, {}, {}){}",
        saved[0], saved[1], saved[2], saved[3], mine[0], mine[1], mine[2], mine[3],
        names_only ? ": the names of its failure modes, regions or fragment classes differ" : ""));
  }
  const auto reference = in.doubles("reference");
  if (reference.size() != 3 || reference[0] != setup_.ref_lat_deg ||
      reference[1] != setup_.ref_lon_deg || reference[2] != setup_.site_lon_deg)
    throw std::runtime_error(
        "failure report state: saved by a reducer with another reference point or launch site");
  const auto counts = in.counts("counts");
  if (counts.size() != 2 || counts[1] > counts[0])
    throw std::runtime_error("failure report state: bad counts");
  // Restored into a fresh reducer, swapped in only once all of it has been read.
  FailureReportReducer r(setup_);
  r.samples_ = counts[0];
  r.unit_weight_rows_ = counts[1];
  r.weight_ = get_sum(in, "weight");
  const std::size_t n_regions = setup_.regions.size();
  std::uint64_t group_samples = 0;
  for (std::size_t k = 0; k < r.groups_.size(); ++k) {
    Group& g = r.groups_[k];
    const std::string prefix = group_prefix(k, setup_.modes.size());
    PrefixedStateReader gr(in, prefix);
    g.samples = get_count(gr, "samples", kWhat);
    group_samples += g.samples;
    g.weight = get_sum(gr, "weight");
    g.breakup_time_s = get_moments(gr, "breakup_time_s", kWhat);
    g.vehicle = get_impacts(gr, "vehicle", kWhat);
    g.vehicle_time_s = get_moments(gr, "vehicle.times", kWhat);
    g.vehicle_points = get_points(gr, "vehicle", kContainmentSample, kWhat);
    g.vehicle_in_region = gr.counts("vehicle.in_region");
    if (g.vehicle_in_region.size() != n_regions)
      throw std::runtime_error("failure report state: bad " + prefix + "vehicle.in_region");
    for (const std::uint64_t ci : gr.counts("classes")) {
      if (ci >= setup_.classes.size() || g.classes.count(ci) != 0)
        throw std::runtime_error("failure report state: bad " + prefix + "classes");
      PrefixedStateReader cr(gr, fmt::format("class{}.", ci));
      ClassState c(setup_, n_regions);
      const auto cc = cr.counts("counts");
      const auto mm = cr.doubles("time.min_max");
      if (cc.size() != 2 || mm.size() != 2)
        throw std::runtime_error(fmt::format("failure report state: bad {}class{}", prefix, ci));
      c.bodies = cc[0];
      c.impact_samples = cc[1];
      c.weight = get_sum(cr, "weight");
      c.plane = get_weighted_impacts(cr, "plane", kWhat);
      c.w_t = get_sum(cr, "time.w_t");
      c.w_tt = get_sum(cr, "time.w_tt");
      c.w2 = get_sum(cr, "time.w2");
      c.t_min = mm[0];
      c.t_max = mm[1];
      c.points = get_weighted_points(cr, "plane", kContainmentSample, kWhat);
      for (std::size_t z = 0; z < n_regions; ++z)
        c.in_region[z] = get_sum(cr, fmt::format("in_region{}", z));
      g.classes.emplace(ci, std::move(c));
    }
  }
  if (group_samples != r.samples_)
    throw std::runtime_error("failure report state: the groups' samples do not add up");
  samples_ = r.samples_;
  unit_weight_rows_ = r.unit_weight_rows_;
  weight_ = std::move(r.weight_);
  groups_ = std::move(r.groups_);
}

FailureReport FailureReportReducer::finish() const {
  FailureReport rep;
  rep.samples = samples_;
  rep.weight = weight_.value();
  for (const IipZoneSpec& z : setup_.regions) rep.regions.push_back(z.name);
  const bool unweighted = unit_weight_rows_ == samples_;
  for (std::size_t k = 0; k < groups_.size(); ++k) {
    const Group& g = groups_[k];
    FailureModeReport m;
    m.index = k < setup_.modes.size() ? static_cast<int>(k) : -1;
    m.mode = k < setup_.modes.size() ? setup_.modes[k] : FailureModeInfo{no_failure, "", ""};
    m.samples = g.samples;
    m.weight = g.weight.value();
    m.frequency = rep.weight > 0 ? m.weight / rep.weight : 0.0;
    const auto& pi = setup_.stratum_probability;
    if (pi.size() == setup_.modes.size() + 1) {
      // Stratified: the group is its stratum; its weight is pi_k N (docs/hdf5_format.md).
      m.frequency = pi[k < setup_.modes.size() ? k + 1 : 0];
      m.weight = m.frequency * static_cast<double>(samples_);
    } else if (unweighted && samples_ > 0) {
      const stats::Interval ci = stats::wilson_interval(g.samples, samples_, 0.95);
      m.frequency_ci95 = std::array<double, 2>{ci.lo, ci.hi};
    }
    m.breakups = g.breakup_time_s.count();
    m.breakup_time_s = spread_of(g.breakup_time_s);

    // The vehicle: plain statistics of the group's rows.
    FootprintReport& v = m.vehicle;
    v.name = "vehicle";
    v.bodies = g.samples;
    v.weight = static_cast<double>(g.samples);
    v.impacts = g.vehicle.count();
    v.impact_weight = static_cast<double>(v.impacts);
    v.effective_impacts = static_cast<double>(v.impacts);
    v.impact_samples = v.impacts;
    v.mean_lat_deg = v.impacts > 0 ? g.vehicle.mean_lat_deg() : kNaN;
    v.mean_lon_deg = v.impacts > 0 ? g.vehicle.mean_lon_deg() : kNaN;
    v.impact_time_s = spread_of(g.vehicle_time_s);
    if (v.impacts > 1) {
      std::vector<Eigen::Vector2f> pts;
      for (const auto& item : g.vehicle_points.items()) pts.push_back(item.value);
      fill_ellipses(v, g.vehicle.mean_en_m(), g.vehicle.covariance_en_m2(), pts, nullptr);
    }
    for (std::size_t z = 0; z < setup_.regions.size(); ++z)
      v.regions.push_back(
          {setup_.regions[z].name, g.samples > 0 ? static_cast<double>(g.vehicle_in_region[z]) /
                                                       static_cast<double>(g.samples)
                                                 : 0.0});
    v.warnings = warnings_of(v);

    // The fragment classes: weighted by the pieces each fragment stands for.
    std::vector<std::size_t> by_name;
    for (const auto& entry : g.classes) by_name.push_back(entry.first);
    std::sort(by_name.begin(), by_name.end(), [this](std::size_t a, std::size_t b) {
      return setup_.classes[a] < setup_.classes[b];
    });
    for (const std::size_t ci : by_name) {
      const ClassState& c = g.classes.at(ci);
      FootprintReport f;
      f.name = setup_.classes[ci];
      f.bodies = c.bodies;
      f.weight = c.weight.value();
      f.impacts = c.plane.count();
      f.impact_weight = c.plane.weight();
      f.effective_impacts = c.plane.effective_count();
      f.impact_samples = c.impact_samples;
      f.mean_lat_deg = f.impacts > 0 ? c.plane.mean_lat_deg() : kNaN;
      f.mean_lon_deg = f.impacts > 0 ? c.plane.mean_lon_deg() : kNaN;
      if (f.impacts > 0 && f.impact_weight > 0) {
        const double W = f.impact_weight, mean = c.w_t.value() / W;
        const double dof = W - c.w2.value() / W;
        const double ss = c.w_tt.value() - c.w_t.value() * mean;
        f.impact_time_s = {mean,
                           f.impacts > 1 && dof > 0 ? std::sqrt(std::max(ss, 0.0) / dof) : kNaN,
                           c.t_min, c.t_max};
      } else {
        f.impact_time_s = {kNaN, kNaN, kNaN, kNaN};
      }
      if (f.impacts > 1) {
        std::vector<Eigen::Vector2f> pts;
        std::vector<double> ws;
        for (const auto& item : c.points.items()) {
          pts.push_back(item.value.p);
          ws.push_back(item.value.w);
        }
        fill_ellipses(f, c.plane.mean_en_m(), c.plane.covariance_en_m2(), pts, &ws);
      }
      for (std::size_t z = 0; z < setup_.regions.size(); ++z)
        f.regions.push_back(
            {setup_.regions[z].name, f.weight > 0 ? c.in_region[z].value() / f.weight : 0.0});
      f.warnings = warnings_of(f);
      m.fragment_classes.push_back(std::move(f));
    }
    rep.modes.push_back(std::move(m));
  }
  return rep;
}

}  // namespace launchmc::engine
