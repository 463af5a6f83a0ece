// Text and JSON renderings of a run's summary (the keys are a stable interface: docs/json.md).
#include "io/summary_report.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <cmath>

namespace launchmc::io {

using namespace launchmc::engine;

namespace {

nlohmann::json field_json(const FieldStats& f, bool with_quantiles = true) {
  auto num = [](double x) {
    return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
  };
  nlohmann::json j = {{"mean", num(f.mean)}, {"std", num(f.std)}};
  if (with_quantiles) {
    j["q01"] = num(f.q01);
    j["q50"] = num(f.q50);
    j["q99"] = num(f.q99);
  }
  return j;
}

std::string probability_key(double p) { return fmt::format("{:g}", p * 100.0); }

nlohmann::json json_num(double x) {
  return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
}

nlohmann::json spread_json(const Spread& s) {
  return {{"mean", json_num(s.mean)},
          {"std", json_num(s.sd)},
          {"min", json_num(s.min)},
          {"max", json_num(s.max)}};
}

nlohmann::json footprint_json(const FootprintReport& f) {
  using nlohmann::json;
  json el = json::object();
  for (const auto& e : f.ellipses)
    el[probability_key(e.probability)] = {{"semi_major_km", e.semi_major_km},
                                          {"semi_minor_km", e.semi_minor_km},
                                          {"orientation_deg", e.orientation_deg},
                                          {"contained_fraction", json_num(e.contained_fraction)}};
  json regions = json::array();
  for (const auto& r : f.regions) regions.push_back({{"name", r.name}, {"fraction", r.fraction}});
  return {{"name", f.name},
          {"bodies", f.bodies},
          {"weight", f.weight},
          {"impacts", f.impacts},
          {"impact_weight", f.impact_weight},
          {"effective_impacts", f.effective_impacts},
          {"impact_samples", f.impact_samples},
          {"impact_mean_lat_deg", json_num(f.mean_lat_deg)},
          {"impact_mean_lon_deg", json_num(f.mean_lon_deg)},
          {"impact_time_s", spread_json(f.impact_time_s)},
          {"rms_distance_km", f.impacts > 1 ? json_num(f.rms_distance_km) : json(nullptr)},
          {"containment_sample", f.containment_sample},
          {"ellipses", el},
          {"regions", regions},
          {"warnings", f.warnings}};
}

nlohmann::json failure_report_json(const FailureReport& r) {
  using nlohmann::json;
  json modes = json::array();
  for (const FailureModeReport& m : r.modes) {
    json classes = json::array();
    for (const auto& f : m.fragment_classes) classes.push_back(footprint_json(f));
    modes.push_back({{"name", m.mode.name},
                     {"index", m.index},
                     {"stage", m.mode.stage.empty() ? json(nullptr) : json(m.mode.stage)},
                     {"kind", m.mode.kind.empty() ? json(nullptr) : json(m.mode.kind)},
                     {"samples", m.samples},
                     {"weight", m.weight},
                     {"frequency", m.frequency},
                     {"frequency_ci95", m.frequency_ci95
                                            ? json({(*m.frequency_ci95)[0], (*m.frequency_ci95)[1]})
                                            : json(nullptr)},
                     {"breakups", m.breakups},
                     {"breakup_time_s", spread_json(m.breakup_time_s)},
                     {"vehicle", footprint_json(m.vehicle)},
                     {"fragment_classes", classes}});
  }
  return modes;
}

}  // namespace

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
  if (s.strata.empty()) {
    j["stratification"] = nullptr;
  } else {
    json strata = json::array();
    for (const StratumSummary& k : s.strata)
      strata.push_back({{"name", k.name},
                        {"probability", k.probability},
                        {"share", k.share},
                        {"rows", k.rows},
                        {"weight", k.weight}});
    json status = json::object();
    for (int st = 0; st < kStatusCount; ++st)
      status[to_string(static_cast<SampleStatus>(st))] =
          s.status_fractions[static_cast<std::size_t>(st)];
    json failures = json::object();
    for (std::size_t m = 0; m < s.failure_fractions.size() && m < s.meta.failure_names.size(); ++m)
      failures[s.meta.failure_names[m]] = s.failure_fractions[m];
    j["stratification"] = {{"method", "failures"},
                           {"strata", strata},
                           {"p_success_effective_trials", s.p_success_effective_trials},
                           {"status_fractions", status},
                           {"failure_fractions", failures}};
  }
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
    counts[to_string(static_cast<SampleStatus>(st))] =
        s.status_counts[static_cast<std::size_t>(st)];
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
               {"rms_distance_km", b.rms_distance_km},
               {"containment_sample", b.containment_sample},
               {"impact_probability", b.impact_probability},
               {"effective_impacts", b.effective_impacts}};
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
  if (s.iip_corridor) {
    auto num = [](double x) { return std::isfinite(x) ? json(x) : json(nullptr); };
    const IipCorridorSummary& c = *s.iip_corridor;
    json track = json::object();
    auto column = [&](const char* key, auto get) {
      json a = json::array();
      for (const CorridorPoint& p : c.track) a.push_back(num(static_cast<double>(get(p))));
      track[key] = a;
    };
    column("time_s", [](const CorridorPoint& p) { return p.t_s; });
    column("tracks", [](const CorridorPoint& p) { return p.tracks; });
    column("impacting", [](const CorridorPoint& p) { return p.impacting; });
    column("mean_lat_deg", [](const CorridorPoint& p) { return p.mean_lat_deg; });
    column("mean_lon_deg", [](const CorridorPoint& p) { return p.mean_lon_deg; });
    column("nominal_lat_deg", [](const CorridorPoint& p) { return p.nominal_lat_deg; });
    column("nominal_lon_deg", [](const CorridorPoint& p) { return p.nominal_lon_deg; });
    column("along_mean_km", [](const CorridorPoint& p) { return p.along_mean_km; });
    column("along_sd_km", [](const CorridorPoint& p) { return p.along_sd_km; });
    column("cross_mean_km", [](const CorridorPoint& p) { return p.cross_mean_km; });
    column("cross_sd_km", [](const CorridorPoint& p) { return p.cross_sd_km; });
    json half = json::object();
    for (std::size_t k = 0; k < kCorridorProbabilities.size(); ++k) {
      json a = json::array();
      for (const CorridorPoint& p : c.track) a.push_back(num(p.cross_halfwidth_km[k]));
      half[probability_key(kCorridorProbabilities[k])] = a;
    }
    track["cross_halfwidth_km"] = half;
    json over = json::array();
    for (const OverflightRow& r : c.overflight)
      over.push_back({{"name", r.name},
                      {"kind", r.region ? "region" : "line"},
                      {"count", r.count},
                      {"fraction", r.fraction},
                      {"time_s",
                       {{"mean", num(r.time_mean_s)},
                        {"std", num(r.time_sd_s)},
                        {"min", num(r.time_min_s)},
                        {"max", num(r.time_max_s)}}}});
    json probs = json::array();
    for (double p : kCorridorProbabilities) probs.push_back(p);
    j["iip_corridor"] = {{"step_s", c.step_s},
                         {"samples", c.samples},
                         {"probabilities", probs},
                         {"track", track},
                         {"overflight", over}};
  } else {
    j["iip_corridor"] = nullptr;
  }
  j["failure_modes"] = s.failure_report ? failure_report_json(*s.failure_report) : json(nullptr);
  j["rhs_evaluations_per_sample"] = s.rhs_per_sample;
  j["elapsed_s"] = s.meta.elapsed_s;
  j["samples_per_s"] = s.samples_per_s();
  return j;
}

namespace {

// x with `significant` significant digits in fixed notation (never an exponent): 0.0123 ->
// "0.0123", 12.345 -> "12.3", 10886 -> "10886".
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

// The IIP corridor every 30 s (or every grid point if coarser) and at its last time, and the
// overflight table.
void print_iip_corridor(std::ostream& out, const IipCorridorSummary& c) {
  fmt::print(
      out,
      "\nIIP corridor (vacuum instantaneous impact point during powered flight, every "
      "{:g} s;\ncross-track offsets from the nominal IIP, km; -: no IIP or no nominal IIP):\n",
      c.step_s);
  fmt::print(out, "  {:>7} {:>9} {:>9} {:>10} {:>11} {:>9} {:>9} {:>9} {:>9}\n", "t_s", "with_iip",
             "mean_lat", "mean_lon", "cross_mean", "cross_sd", "half_50%", "half_90%", "half_99%");
  const std::size_t every =
      std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(30.0 / c.step_s)));
  for (std::size_t k = 0; k < c.track.size(); ++k) {
    if (k % every != 0 && k + 1 != c.track.size()) continue;
    const CorridorPoint& p = c.track[k];
    fmt::print(out, "  {:>7.1f} {:>9} {:>9} {:>10} {:>11} {:>9} {:>9} {:>9} {:>9}\n", p.t_s,
               p.impacting,
               std::isfinite(p.mean_lat_deg) ? fmt::format("{:.3f}", p.mean_lat_deg) : "-",
               std::isfinite(p.mean_lon_deg) ? fmt::format("{:.3f}", p.mean_lon_deg) : "-",
               sig(p.cross_mean_km), sig(p.cross_sd_km), sig(p.cross_halfwidth_km[0]),
               sig(p.cross_halfwidth_km[1]), sig(p.cross_halfwidth_km[2]));
  }
  if (c.overflight.empty()) return;
  fmt::print(out, "\nIIP overflight (first crossing of a line / entry into a region):\n");
  fmt::print(out, "  {:<24} {:>7} {:>9} {:>9} {:>10} {:>9} {:>9} {:>9}\n", "name", "kind", "count",
             "fraction", "t_mean_s", "t_sd_s", "t_min_s", "t_max_s");
  auto t = [](double x) { return std::isfinite(x) ? fmt::format("{:.1f}", x) : std::string("-"); };
  for (const OverflightRow& r : c.overflight)
    fmt::print(out, "  {:<24} {:>7} {:>9} {:>9} {:>10} {:>9} {:>9} {:>9}\n", r.name,
               r.region ? "region" : "line", r.count, percent(r.fraction), t(r.time_mean_s),
               t(r.time_sd_s), t(r.time_min_s), t(r.time_max_s));
}

// The per-failure-mode report: one block per mode (modes no sample drew in one line).
void print_failure_report(std::ostream& out, const FailureReport& r) {
  fmt::print(out,
             "\nby failure mode (frequency: the mode's share of the samples' weight; impacts: mean "
             "point, time after liftoff, 50/90/99 % ellipses' semi-axes in km; fragments weighted "
             "by the pieces they stand for{}):\n",
             r.regions.empty() ? "" : "; regions: share of the bodies' weight inside");
  auto t = [](double x) { return std::isfinite(x) ? fmt::format("{:.1f}", x) : std::string("-"); };
  auto footprint = [&](const FootprintReport& f) {
    if (f.impacts == 0) {
      fmt::print(out, "    {:<16} no impact ({} bodies)\n", f.name, f.bodies);
      return;
    }
    std::string axes;
    for (const auto& e : f.ellipses)
      axes += fmt::format("{}{}x{}", axes.empty() ? "" : " ", sig(e.semi_major_km),
                          sig(e.semi_minor_km));
    fmt::print(out, "    {:<16} {:>9} impacts ({} weight) at {:.4f} {:.4f}, t {} +-{} s{}{}\n",
               f.name, f.impacts, sig(f.impact_weight, 4), f.mean_lat_deg, f.mean_lon_deg,
               t(f.impact_time_s.mean), t(f.impact_time_s.sd), axes.empty() ? "" : ", ellipses ",
               axes);
    for (const auto& reg : f.regions)
      fmt::print(out, "      in {:<24} {:>8}\n", reg.name, percent(reg.fraction));
    for (const auto& w : f.warnings) fmt::print(out, "      warning: {}\n", w);
  };
  for (const FailureModeReport& m : r.modes) {
    const std::string what =
        m.index < 0
            ? std::string("none (no failure drawn)")
            : fmt::format("{} ({}{}{})", m.mode.name, m.mode.kind.empty() ? "?" : m.mode.kind,
                          m.mode.stage.empty() ? "" : ", stage ", m.mode.stage);
    const std::string ci = m.frequency_ci95
                               ? fmt::format("  95% CI [{}, {}]", percent((*m.frequency_ci95)[0]),
                                             percent((*m.frequency_ci95)[1]))
                               : std::string();
    fmt::print(out, "  {}: {} samples, frequency {}{}\n", what, m.samples, percent(m.frequency),
               ci);
    if (m.samples == 0) continue;
    if (m.breakups > 0)
      fmt::print(out, "    breakup at {} +-{} s (min {}, max {}) in {} samples\n",
                 t(m.breakup_time_s.mean), t(m.breakup_time_s.sd), t(m.breakup_time_s.min),
                 t(m.breakup_time_s.max), m.breakups);
    footprint(m.vehicle);
    for (const auto& f : m.fragment_classes) footprint(f);
  }
}

}  // namespace

void print_summary(std::ostream& out, const Summary& s) {
  fmt::print(out, "{}: {} samples, seed {}, sampler {}\n", s.meta.scenario, s.samples, s.meta.seed,
             s.meta.sampler);
  if (s.meta.stopped_by == "interrupted")
    fmt::print(out,
               "INCOMPLETE: the run was interrupted after {} of {} requested samples; the "
               "statistics below are those of the samples flown\n",
               s.samples, s.meta.samples_requested);
  else if (s.meta.stopped_by == "until_ci")
    fmt::print(out,
               "stopped by --until-ci after {} of {} requested samples (the 95 % interval of "
               "P({}) was narrow enough)\n",
               s.samples, s.meta.samples_requested, to_string(s.meta.success_status));
  const bool stratified = !s.strata.empty();
  if (stratified) {
    fmt::print(out,
               "stratified by failure mode: each stratum's rows are drawn conditionally on it and "
               "weigh probability * {} / rows;\nevery statistic below is weighted\n",
               s.samples);
    fmt::print(out, "  {:<30} {:>12} {:>8} {:>10} {:>12}\n", "stratum", "probability", "share",
               "rows", "weight");
    for (const StratumSummary& k : s.strata)
      fmt::print(out, "  {:<30} {:>12} {:>8} {:>10} {:>12}\n", k.name, sig(k.probability, 4),
                 sig(k.share, 4), k.rows, sig(k.weight, 4));
  }
  // Probabilities to two significant digits of their interval's width.
  const int pd = std::max(2, decimals_for(s.ci95_hi - s.ci95_lo) + 1);
  fmt::print(out, "P({}) = {:.{}f}  95% CI [{:.{}f}, {:.{}f}] (Wilson{})\n",
             to_string(s.meta.success_status), s.p_success, pd, s.ci95_lo, pd, s.ci95_hi, pd,
             stratified ? fmt::format(" on {:.0f} effective samples", s.p_success_effective_trials)
                        : std::string());
  if (s.target_orbit) {
    const TargetOrbitSummary& t = *s.target_orbit;
    const std::string node = t.target.node_fixed()
                                 ? fmt::format(", RAAN {:.2f} +-{:.2f} deg", t.target.raan_deg,
                                               t.target.tolerance_incl_deg)
                                 : std::string();
    const int td = std::max(2, decimals_for(t.ci95_hi - t.ci95_lo) + 1);
    fmt::print(out,
               "P(target orbit: {:g} x {:g} km +-{:g} km, {:.2f} +-{:.2f} deg{}) = {:.{}f}  95% CI "
               "[{:.{}f}, {:.{}f}]\n",
               t.target.perigee_alt_km, t.target.apogee_alt_km, t.target.tolerance_alt_km,
               t.target.inclination_deg, t.target.tolerance_incl_deg, node, t.p, td, t.ci95_lo, td,
               t.ci95_hi, td);
  }
  const double n = s.samples > 0 ? static_cast<double>(s.samples) : 1.0;
  fmt::print(out, "\nstatus of the samples (adds up to {}{}):\n", s.samples,
             stratified ? "; the percentages are weighted: estimated probabilities" : "");
  for (int st = 0; st < kStatusCount; ++st)
    if (s.status_counts[static_cast<std::size_t>(st)] > 0)
      fmt::print(
          out, "  {:<30} {:>10}  {:>8}\n", to_string(static_cast<SampleStatus>(st)),
          s.status_counts[static_cast<std::size_t>(st)],
          percent(stratified
                      ? s.status_fractions[static_cast<std::size_t>(st)]
                      : static_cast<double>(s.status_counts[static_cast<std::size_t>(st)]) / n));
  if (!s.failure_counts.empty()) {
    fmt::print(out,
               "\nfailure modes drawn (a sample may draw a failure and still succeed, or "
               "fail without one):\n");
    for (std::size_t m = 0; m < s.failure_counts.size() && m < s.meta.failure_names.size(); ++m)
      fmt::print(out, "  {:<30} {:>10}  {:>8}\n", s.meta.failure_names[m], s.failure_counts[m],
                 percent(stratified && m < s.failure_fractions.size()
                             ? s.failure_fractions[m]
                             : static_cast<double>(s.failure_counts[m]) / n));
  }
  if (!s.outcomes.empty())
    fmt::print(out, "\noutcomes (status after how powered flight ended; adds up to {}):\n",
               s.samples);
  for (const auto& o : s.outcomes) {
    const std::string what = o.powered_flight_end == flight::PoweredFlightEnd::none
                                 ? std::string(to_string(o.status))
                                 : fmt::format("{} after {}", to_string(o.status),
                                               flight::to_string(o.powered_flight_end));
    fmt::print(out, "  {:<30} {:>10}  {:>8}\n", what, o.count, percent(o.fraction));
  }
  // Each row to about a tenth of its own spread.
  auto row = [&](const char* name, const FieldStats& f) {
    if (f.count == 0) return;
    const int d = decimals_for(f.std);
    fmt::print(out, "  {:<24} {:>8} {:>12.{}f} {:>10} {:>12.{}f} {:>12.{}f} {:>12.{}f}\n", name,
               f.count, f.mean, d, sig(f.std, 2), f.q01, d, f.q50, d, f.q99, d);
  };
  if (s.perigee_alt_km.count > 0 || s.range_km.count > 0)
    fmt::print(out, "\n  {:<24} {:>8} {:>12} {:>10} {:>12} {:>12} {:>12}\n", "", "count", "mean",
               "std", "q01", "q50", "q99");
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
    fmt::print(
        out,
        "\nimpacts (mean point; time; spread along and across the line from the launch site)\n");
    fmt::print(out, "  {:<12} {:>15} {:>10} {:>11} {:>9} {:>8} {:>13} {:>13}\n", "body", "impacted",
               "lat_deg", "lon_deg", "t_mean_s", "t_sd_s", "downrange_km", "crossrange_km");
    for (const auto& b : s.bodies) {
      const std::string impacted =
          stratified ? fmt::format("{} ({})", b.impacted, percent(b.impact_probability))
                     : fmt::format("{} / {}", b.impacted, s.samples);
      if (b.impacted == 0) {
        fmt::print(out, "  {:<12} {:>15}\n", b.name, impacted);
        continue;
      }
      fmt::print(out, "  {:<12} {:>15} {:>10.4f} {:>11.4f} {:>9.1f} {:>8} {:>13} {:>13}\n", b.name,
                 impacted, b.impact_mean_lat_deg, b.impact_mean_lon_deg, b.impact_time_s.mean,
                 sig(b.impact_time_s.std, 2), b.impacted > 1 ? sig(b.downrange_sd_km) : "-",
                 b.impacted > 1 ? sig(b.crossrange_sd_km) : "-");
    }
    fmt::print(out,
               "\ncontainment ellipses (normal fit to the impacts; 'holds': the share of the "
               "body's impacts inside)\n");
    fmt::print(out, "  {:<12} {:>7} {:>14} {:>14} {:>12} {:>8}\n", "body", "level", "semi-major_km",
               "semi-minor_km", "azimuth_deg", "holds");
    for (const auto& b : s.bodies) {
      bool first = true;
      for (const auto& e : b.ellipses) {
        const bool differs =
            containment_differs(e.probability, e.contained_fraction, b.containment_sample);
        fmt::print(out, "  {:<12} {:>7} {:>14} {:>14} {:>12.0f} {:>8}{}\n", first ? b.name : "",
                   fmt::format("{:g} %", 100.0 * e.probability), sig(e.semi_major_km),
                   sig(e.semi_minor_km), e.orientation_deg,
                   fmt::format("{:.1f} %", 100.0 * e.contained_fraction),
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
  if (stratified && !s.bodies.empty()) {
    fmt::print(out,
               "\neffective impacts (Kish, (sum w)^2 / sum w^2: what the weighted footprints are "
               "worth in unweighted impacts):\n");
    for (const auto& b : s.bodies)
      if (b.impacted > 0)
        fmt::print(out, "  {:<12} {:>10.0f} of {}\n", b.name, b.effective_impacts, b.impacted);
  }
  if (s.iip_corridor && !s.iip_corridor->track.empty()) print_iip_corridor(out, *s.iip_corridor);
  if (s.failure_report && s.failure_report->modes.size() > 1)
    print_failure_report(out, *s.failure_report);
  fmt::print(out, "\n{:.0f} right-hand-side evaluations per sample; {:.1f} s, {:.0f} samples/s\n",
             s.rhs_per_sample, s.meta.elapsed_s, s.samples_per_s());
}

}  // namespace launchmc::io
