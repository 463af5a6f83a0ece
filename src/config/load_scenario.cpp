// The config schema: YAML -> Scenario, with every constraint checked where the value is read.
#include "config/load_scenario.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <set>

#include "common/constants.hpp"
#include "geo/time.hpp"
#include "orbit/elements.hpp"
#include "scenario/parameters.hpp"
#include "uncertainty/copula.hpp"

namespace launchmc::config {

namespace {

using constants::deg_to_rad;

// A table of `cols` columns; column 0 (the abscissa) must be strictly increasing.
std::vector<std::vector<double>> read_increasing_rows(const Value& v, std::size_t cols,
                                                      std::string_view abscissa) {
  auto rows = v.rows(cols);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (!(rows[i][0] > rows[i - 1][0]))
      v[i].fail(fmt::format("{} must increase strictly from row to row ({} after {})", abscissa,
                            rows[i][0], rows[i - 1][0]));
  }
  return rows;
}

Table1D table_from_rows(const std::vector<std::vector<double>>& rows, std::size_t ycol) {
  std::vector<double> x, y;
  for (const auto& r : rows) {
    x.push_back(r[0]);
    y.push_back(r[ycol]);
  }
  return Table1D(std::move(x), std::move(y));
}

vehicle::DragModel read_drag(const Value& v) {
  MapReader m(v);
  vehicle::DragModel d;
  d.ref_area_m2 = m.number("ref_area_m2", Range::positive());
  const Value table = m.required("cd_mach");
  const auto rows = read_increasing_rows(table, 2, "Mach");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i][0] < 0.0) table[i][0].fail("Mach must be >= 0");
    if (rows[i][1] < 0.0 || rows[i][1] > 10.0) table[i][1].fail("drag coefficient must be in [0, 10]");
  }
  d.cd_vs_mach = table_from_rows(rows, 1);
  d.cd_scale = m.number_or("cd_scale", 1.0, Range::positive());
  m.finish();
  return d;
}

// Three components [radial, along-track, cross-track].
Eigen::Vector3d read_rsw(const Value& v, double limit) {
  if (!v.is_sequence() || v.size() != 3)
    v.fail("expected [radial, along-track, cross-track], three numbers");
  Eigen::Vector3d x;
  for (std::size_t i = 0; i < 3; ++i) x[static_cast<Eigen::Index>(i)] = v[i].number(Range::closed(-limit, limit));
  return x;
}

// A stage's closed-loop guidance (see guidance/closed_loop.hpp and docs/config.md).
guidance::ClosedLoop read_closed_loop(const Value& v) {
  MapReader m(v);
  guidance::ClosedLoop c;
  c.enabled = m.boolean_or("enabled", true);
  const std::string mode = m.string("mode");
  const Value tv = m.required("target");
  MapReader t(tv);
  if (mode == "orbit") {
    c.mode = guidance::ClosedLoopMode::orbit;
    guidance::OrbitTargetSpec& o = c.orbit;
    const auto peri = t.optional_number("perigee_alt_km", Range{80.0, 1e6, false, false});
    const auto apo = t.optional_number("apogee_alt_km", Range{80.0, 1e6, false, false});
    const auto sma = t.optional_number("semi_major_axis_km", Range{6458.0, 1e6, false, false});
    const auto ecc = t.optional_number("eccentricity", Range{0.0, 1.0, false, true});
    if (peri && apo && !sma && !ecc) {
      if (*apo < *peri) t.required("apogee_alt_km").fail("must be >= perigee_alt_km");
      o.perigee_alt_km = *peri;
      o.apogee_alt_km = *apo;
    } else if (sma && ecc && !peri && !apo) {
      o.perigee_alt_km = orbit::catalog_altitude_m(*sma * 1e3 * (1.0 - *ecc)) / 1e3;
      o.apogee_alt_km = orbit::catalog_altitude_m(*sma * 1e3 * (1.0 + *ecc)) / 1e3;
      if (o.perigee_alt_km < 80.0) t.required("eccentricity").fail("puts the perigee below 80 km");
    } else {
      tv.fail("give perigee_alt_km and apogee_alt_km, or semi_major_axis_km and eccentricity");
    }
    o.inclination_deg = t.number("inclination_deg", Range::closed(0.0, 180.0));
    o.raan_deg = t.optional_number("raan_deg", Range::closed(-360.0, 720.0)).value_or(o.raan_deg);
    if (auto ins = t.optional_number("insertion_alt_km", Range::positive())) {
      if (*ins < o.perigee_alt_km - 1e-9 || *ins > o.apogee_alt_km + 1e-9)
        t.required("insertion_alt_km").fail("must lie between the perigee and apogee altitudes");
      o.insertion_alt_km = *ins;
    }
    o.descending = t.boolean_or("descending", false);
  } else if (mode == "ballistic") {
    c.mode = guidance::ClosedLoopMode::ballistic;
    guidance::BallisticTarget& b = c.ballistic;
    const auto lat = t.optional_number("impact_lat_deg", Range::closed(-90.0, 90.0));
    const auto lon = t.optional_number("impact_lon_deg", Range::closed(-180.0, 360.0));
    const auto range = t.optional_number("range_km", Range{1.0, 19000.0, false, false});
    if (lat.has_value() != lon.has_value()) tv.fail("give both impact_lat_deg and impact_lon_deg");
    if (lat.has_value() == range.has_value())
      tv.fail("give the aim point as impact_lat_deg/impact_lon_deg or as range_km (and azimuth_deg)");
    if (lat) {
      b.impact_lat_deg = *lat;
      b.impact_lon_deg = *lon;
    } else {
      b.range_km = *range;
      b.azimuth_deg = t.optional_number("azimuth_deg", Range::closed(-360.0, 720.0)).value_or(b.azimuth_deg);
    }
    b.apogee_alt_km = t.number("apogee_alt_km", Range::positive());
  } else {
    m.required("mode").fail(fmt::format("'{}': expected orbit or ballistic", mode));
  }
  t.finish();
  c.engage_after_ignition_s = m.number_or("engage_after_ignition_s", 0.0, Range::non_negative());
  c.update_interval_s = m.number_or("update_interval_s", 1.0, Range{0.01, 60.0, false, false});
  c.terminal_time_s = m.number_or("terminal_time_s", 4.0, Range::non_negative());
  if (auto nv = m.optional("navigation")) {
    MapReader n(*nv);
    if (auto p = n.optional("position_bias_m")) c.navigation.position_bias_m = read_rsw(*p, 1e6);
    if (auto p = n.optional("velocity_bias_mps")) c.navigation.velocity_bias_mps = read_rsw(*p, 1e4);
    c.navigation.position_noise_m = n.number_or("position_noise_m", 0.0, Range::closed(0.0, 1e6));
    c.navigation.velocity_noise_mps = n.number_or("velocity_noise_mps", 0.0, Range::closed(0.0, 1e4));
    c.navigation.noise_correlation_time_s =
        n.number_or("noise_correlation_time_s", c.navigation.noise_correlation_time_s, Range::positive());
    n.finish();
  }
  m.finish();
  return c;
}

vehicle::Stage read_stage(const Value& v, std::size_t index) {
  MapReader m(v);
  vehicle::Stage s;
  s.name = m.string_or("name", fmt::format("stage{}", index + 1));
  s.dry_mass_kg = m.number("dry_mass_kg", Range::positive());
  s.propellant_mass_kg = m.number("propellant_mass_kg", Range::positive());
  s.engine.isp_vac_s = m.number("isp_vac_s", Range{50.0, 1000.0, false, false});
  s.engine.nozzle_exit_area_m2 = m.number_or("nozzle_exit_area_m2", 0.0, Range::non_negative());
  const auto thrust = m.optional("thrust_vac_N");
  const auto curve = m.optional("thrust_curve_vac_N");
  if (thrust && curve)
    curve->fail("give either thrust_vac_N (liquid) or thrust_curve_vac_N (solid), not both");
  if (!thrust && !curve)
    v.fail("missing thrust: give thrust_vac_N (liquid) or thrust_curve_vac_N (solid motor)");
  if (thrust) s.engine.thrust_vac_N = thrust->number(Range::positive());
  if (curve) {
    const auto rows = read_increasing_rows(*curve, 2, "time");
    if (rows.size() < 2) curve->fail("a thrust curve needs at least 2 rows [time_s, thrust_N]");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (rows[i][0] < 0.0) (*curve)[i][0].fail("time must be >= 0");
      if (rows[i][1] < 0.0) (*curve)[i][1].fail("thrust must be >= 0");
    }
    s.engine.thrust_curve_vac_N = table_from_rows(rows, 1);
    s.engine.thrust_vac_N = *std::max_element(s.engine.thrust_curve_vac_N.y().begin(),
                                              s.engine.thrust_curve_vac_N.y().end());
    if (!(s.engine.thrust_vac_N > 0.0)) curve->fail("thrust curve is zero everywhere");
  }
  s.engine.thrust_scale = m.number_or("thrust_scale", 1.0, Range::positive());
  s.ignition_delay_s = m.number_or("ignition_delay_s", 0.0, Range::non_negative());
  s.cutoff_time_s = m.optional_number("cutoff_time_s", Range::positive());
  if (auto ec = m.optional("energy_cutoff")) {
    MapReader e(*ec);
    const auto a = e.optional_number("semi_major_axis_km", Range{6000.0, 1e6, false, false});
    const auto apo = e.optional_number("apogee_alt_km", Range::positive());
    if (a.has_value() == apo.has_value())
      ec->fail("give exactly one of semi_major_axis_km and apogee_alt_km");
    s.energy_cutoff = vehicle::EnergyCutoff{
        a ? vehicle::CutoffQuantity::semi_major_axis : vehicle::CutoffQuantity::apogee_altitude,
        (a ? *a : *apo) * 1e3, e.number_or("nav_velocity_bias_mps", 0.0, Range::closed(-1000, 1000)),
        e.number_or("nav_position_bias_m", 0.0, Range::closed(-1e6, 1e6))};
    e.finish();
  }
  if (auto gv = m.optional("guidance")) {
    s.closed_loop = read_closed_loop(*gv);
    if (s.energy_cutoff && s.closed_loop->enabled)
      gv->fail("a stage with closed-loop guidance cuts off on its target: remove energy_cutoff (or disable the guidance)");
  }
  s.separation_delay_s = m.number_or("separation_delay_s", 0.0, Range::non_negative());
  s.stack_drag = read_drag(m.required("stack_drag"));
  if (auto d = m.optional("spent_drag")) s.spent_drag = read_drag(*d);
  m.finish();
  return s;
}

vehicle::Vehicle read_vehicle(const Value& v) {
  MapReader m(v);
  vehicle::Vehicle veh;
  {
    MapReader p(m.required("payload"));
    veh.payload.name = p.string_or("name", "payload");
    veh.payload.mass_kg = p.number("mass_kg", Range::positive());
    veh.payload.separation_delay_s = p.optional_number("separation_delay_s", Range::non_negative());
    if (auto d = p.optional("drag")) veh.payload.drag = read_drag(*d);
    p.finish();
  }
  if (auto fv = m.optional("fairing")) {
    MapReader f(*fv);
    vehicle::Fairing fr;
    fr.mass_kg = f.number("mass_kg", Range::positive());
    fr.pieces = f.has("pieces") ? f.required("pieces").integer(1, 8) : 2;
    fr.jettison_alt_m = f.optional_number("jettison_alt_m", Range::positive());
    fr.jettison_time_s = f.optional_number("jettison_time_s", Range::positive());
    if (fr.jettison_alt_m.has_value() == fr.jettison_time_s.has_value())
      fv->fail("give exactly one of jettison_alt_m and jettison_time_s");
    fr.separation_speed_mps = f.number_or("separation_speed_mps", 0.0, Range::closed(0.0, 100.0));
    fr.drag = read_drag(f.required("drag"));
    f.finish();
    veh.fairing = fr;
  }
  const Value stages = m.required("stages");
  if (stages.size() == 0) stages.fail("at least one stage is needed");
  std::set<std::string> names;
  for (std::size_t i = 0; i < stages.size(); ++i) {
    veh.stages.push_back(read_stage(stages[i], i));
    if (!names.insert(veh.stages.back().name).second)
      stages[i].fail(fmt::format("stage name '{}' is used twice", veh.stages.back().name));
  }
  if (names.contains(veh.payload.name))
    v.fail(fmt::format("payload name '{}' is also a stage name", veh.payload.name));
  m.finish();
  return veh;
}

guidance::OpenLoopProgram read_guidance(const Value& v, double azimuth_deg) {
  MapReader m(v);
  guidance::OpenLoopProgram g;
  g.azimuth_deg = azimuth_deg;
  g.vertical_rise_s = m.number("vertical_rise_s", Range::non_negative());
  g.pitch_kick_deg = m.number("pitch_kick_deg", Range::closed(0.0, 90.0));
  g.pitch_kick_duration_s = m.number("pitch_kick_duration_s", Range::positive());
  const double kick_end = g.vertical_rise_s + g.pitch_kick_duration_s;
  if (auto e = m.optional("gravity_turn_end_s")) {
    g.gravity_turn_end_s = e->number(Range{kick_end, 1e308, false, false});
  }
  if (auto p = m.optional("pitch_program")) {
    const auto rows = read_increasing_rows(*p, 2, "time");
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (rows[i][1] < -90.0 || rows[i][1] > 90.0) (*p)[i][1].fail("pitch must be in [-90, 90] deg");
    g.pitch_program_deg = table_from_rows(rows, 1);
  }
  if (std::isfinite(g.gravity_turn_end_s) && g.pitch_program_deg.empty())
    v.fail("gravity_turn_end_s needs a pitch_program to follow it");
  if (auto ys = m.optional("yaw_steps")) {
    double prev_end = 0.0;
    for (std::size_t i = 0; i < ys->size(); ++i) {
      MapReader y((*ys)[i]);
      guidance::YawStep step;
      step.start_s = y.number("start_s", Range::non_negative());
      step.duration_s = y.number_or("duration_s", 0.0, Range::non_negative());
      step.azimuth_deg = y.number("azimuth_deg", Range::closed(-360.0, 720.0));
      y.finish();
      if (step.start_s < prev_end)
        (*ys)[i].fail("yaw steps must be in time order and must not overlap");
      prev_end = step.start_s + step.duration_s;
      g.yaw_steps.push_back(step);
    }
  }
  m.finish();
  return g;
}

// One dispersed input: `path` and exactly one distribution key. Spreads are absolute (in the
// parameter's unit) or relative to the nominal value (keys ending in _percent); lo/hi/mode are
// deviations from the nominal value; discrete values are absolute values.
UncertainInput read_input(const Value& v, Scenario& sc) {
  MapReader m(v);
  const Value path = m.required("path");
  const std::string path_text = path.string();
  const ParameterRef ref = resolve_parameter(sc, path_text);
  if (!ref) path.fail(fmt::format("'{}' names no parameter: {}", path_text, ref.why_not));
  const double nominal = *ref.value;
  std::optional<uncertainty::Distribution> dist;
  static const char* kinds[] = {"normal", "truncated_normal", "uniform", "triangular", "lognormal",
                                "discrete"};
  std::optional<Value> spec;
  std::string kind;
  for (const char* k : kinds) {
    if (auto s = m.optional(k)) {
      if (spec) s->fail("give exactly one distribution per input");
      spec = s;
      kind = k;
    }
  }
  if (!spec) m.finish();  // an unknown key (a misspelt distribution) is the better message
  if (!spec)
    v.fail("missing distribution: one of normal, truncated_normal, uniform, triangular, lognormal, "
           "discrete");
  MapReader d(*spec);
  // An absolute amount `key` or a relative one `key_percent` (of |nominal|).
  auto amount = [&](const std::string& key, bool required, const Range& range) -> std::optional<double> {
    const auto abs = d.optional_number(key, range);
    const auto pct = d.optional_number(key + "_percent", range);
    if (abs && pct) spec->fail(fmt::format("give {} or {}_percent, not both", key, key));
    if (pct) return *pct / 100.0 * std::abs(nominal);
    if (!abs && required) spec->fail(fmt::format("missing {} (or {}_percent)", key, key));
    return abs;
  };
  try {
    if (kind == "normal") {
      const double sd = *amount("sd", true, Range::positive());
      const double bias = amount("bias", false, Range::any()).value_or(0.0);
      dist = uncertainty::Distribution::normal(nominal + bias, sd);
    } else if (kind == "truncated_normal") {
      const double sd = *amount("sd", true, Range::positive());
      const double lo = *amount("lo", true, Range::any());
      const double hi = *amount("hi", true, Range::any());
      if (!(lo < hi)) spec->fail("lo must be below hi");
      dist = uncertainty::Distribution::truncated_normal(nominal, sd, nominal + lo, nominal + hi);
    } else if (kind == "uniform") {
      const auto half = amount("half_width", false, Range::positive());
      double lo = 0, hi = 0;
      if (half) {
        lo = -*half;
        hi = *half;
      } else {
        lo = *amount("lo", true, Range::any());
        hi = *amount("hi", true, Range::any());
      }
      if (!(lo < hi)) spec->fail("lo must be below hi");
      dist = uncertainty::Distribution::uniform(nominal + lo, nominal + hi);
    } else if (kind == "triangular") {
      const double lo = *amount("lo", true, Range::any());
      const double mode = amount("mode", false, Range::any()).value_or(0.0);
      const double hi = *amount("hi", true, Range::any());
      if (!(lo <= mode && mode <= hi && lo < hi)) spec->fail("need lo <= mode <= hi and lo < hi");
      dist =
          uncertainty::Distribution::triangular(nominal + lo, nominal + mode, nominal + hi);
    } else if (kind == "lognormal") {
      if (!(nominal > 0.0)) spec->fail("a lognormal input needs a positive nominal value");
      const double sd = *amount("sd", true, Range::positive());
      dist = uncertainty::Distribution::lognormal_from_mean_sd(nominal, sd);
    } else {
      const Value values = d.required("values");
      const Value weights = d.required("weights");
      std::vector<double> xs, ws;
      for (std::size_t i = 0; i < values.size(); ++i) xs.push_back(values[i].number());
      for (std::size_t i = 0; i < weights.size(); ++i) ws.push_back(weights[i].number(Range::positive()));
      if (xs.empty() || xs.size() != ws.size())
        weights.fail("values and weights must be non-empty lists of the same length");
      dist = uncertainty::Distribution::discrete(xs, ws);
    }
  } catch (const std::invalid_argument& e) {
    spec->fail(e.what());
  }
  d.finish();
  m.finish();
  return UncertainInput{path_text, *dist, nominal};
}

Table1D read_profile(const Value& v, std::string_view what) {
  const auto rows = read_increasing_rows(v, 2, "altitude");
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i][1] < 0.0) v[i][1].fail(fmt::format("{} must be >= 0", what));
  return table_from_rows(rows, 1);
}

Dispersions read_uncertainties(const Value& v, Scenario& sc) {
  MapReader m(v);
  Dispersions disp;
  if (auto s = m.optional("sampler")) {
    try {
      disp.sampler = uncertainty::sampler_from_string(s->string());
    } catch (const std::invalid_argument&) {
      s->fail(fmt::format("'{}': expected mc, lhs or sobol", s->string()));
    }
  }
  std::set<std::string> seen;
  if (auto inputs = m.optional("inputs")) {
    for (std::size_t i = 0; i < inputs->size(); ++i) {
      disp.inputs.push_back(read_input((*inputs)[i], sc));
      if (!seen.insert(disp.inputs.back().path).second)
        (*inputs)[i].fail(fmt::format("'{}' is dispersed twice", disp.inputs.back().path));
    }
  }
  if (auto cv = m.optional("correlations")) {
    std::set<std::size_t> used;
    for (std::size_t g = 0; g < cv->size(); ++g) {
      MapReader c((*cv)[g]);
      CorrelationGroup group;
      const Value paths = c.required("paths");
      for (std::size_t i = 0; i < paths.size(); ++i) {
        const std::string p = paths[i].string();
        std::size_t idx = disp.inputs.size();
        for (std::size_t j = 0; j < disp.inputs.size(); ++j)
          if (disp.inputs[j].path == p) idx = j;
        if (idx == disp.inputs.size()) paths[i].fail(fmt::format("'{}' is not a dispersed input", p));
        if (!used.insert(idx).second) paths[i].fail(fmt::format("'{}' is in two correlation groups", p));
        group.inputs.push_back(idx);
      }
      const Value mat = c.required("matrix");
      const auto rows = mat.rows(group.inputs.size(), group.inputs.size());
      if (rows.size() != group.inputs.size())
        mat.fail(fmt::format("expected a {0} x {0} matrix", group.inputs.size()));
      group.matrix.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.size()));
      for (std::size_t i = 0; i < rows.size(); ++i)
        for (std::size_t j = 0; j < rows.size(); ++j)
          group.matrix(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
      try {
        uncertainty::GaussianCopula check(group.matrix);
      } catch (const std::invalid_argument& e) {
        mat.fail(e.what());
      }
      c.finish();
      disp.correlations.push_back(std::move(group));
    }
  }
  if (auto dv = m.optional("density_sd_percent")) {
    // Coefficient of variation cv(h) -> log-space sd s(h) = sqrt(ln(1 + cv^2)).
    Table1D cv = read_profile(*dv, "density sd");
    std::vector<double> s;
    for (double pct : cv.y()) s.push_back(std::sqrt(std::log1p((pct / 100.0) * (pct / 100.0))));
    sc.density_log_sd = Table1D(cv.x(), s);
    disp.density = true;
  }
  if (auto wv = m.optional("wind_sd_mps")) {
    sc.wind.set_perturbation_sigma(read_profile(*wv, "wind sd"));
    disp.wind = true;
  }
  m.finish();
  return disp;
}

std::vector<FailureMode> read_failures(const Value& v, const Scenario& sc) {
  std::vector<FailureMode> out;
  double total = 0.0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    MapReader m(v[i]);
    FailureMode f;
    f.name = m.string("name");
    const Value stage = m.required("stage");
    const std::string stage_name = stage.string();
    bool found = false;
    for (std::size_t k = 0; k < sc.vehicle.stages.size(); ++k)
      if (sc.vehicle.stages[k].name == stage_name) {
        f.stage = k;
        found = true;
      }
    if (!found) stage.fail(fmt::format("'{}' is not a stage name", stage_name));
    f.probability = m.number("probability", Range::closed(0.0, 1.0));
    const auto& st = sc.vehicle.stages[f.stage];
    double burn = st.engine.nominal_burn_time_s(st.propellant_mass_kg);
    if (st.cutoff_time_s) burn = std::min(burn, *st.cutoff_time_s);
    f.window_start_s = m.number_or("window_start_s", 0.0, Range::non_negative());
    f.window_end_s = m.number_or("window_end_s", burn, Range::positive());
    if (!(f.window_start_s < f.window_end_s))
      v[i].fail("window_start_s must be below window_end_s");
    const std::string mode = m.string_or("mode", "engine_shutdown");
    if (mode != "engine_shutdown") m.required("mode").fail(fmt::format("'{}': expected engine_shutdown", mode));
    m.finish();
    total += f.probability;
    out.push_back(std::move(f));
  }
  if (total > 1.0) v.fail(fmt::format("failure probabilities add up to {} > 1", total));
  return out;
}

}  // namespace

Override parse_override(std::string_view text) {
  const std::size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == text.size())
    throw ConfigError(fmt::format("override '{}': expected PATH=VALUE", text));
  return {std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

std::string read_text_file(const std::string& path) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below); a regular file
  // ignores the flag. The type is checked on the open descriptor, not on the name, so the file
  // cannot be swapped between the check and the read.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    throw ConfigError(fmt::format("{}: cannot open the config file: {}", path, std::strerror(errno)));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    throw ConfigError(fmt::format("{}: cannot read the config file: {}", path, std::strerror(errno)));
  if (S_ISDIR(st.st_mode)) throw ConfigError(fmt::format("{}: is a directory, not a config file", path));
  if (!S_ISREG(st.st_mode))
    throw ConfigError(fmt::format("{}: is not a regular file (a config must be a YAML file, not a "
                                  "device, FIFO or socket)",
                                  path));
  // At most the cap plus one byte, even if the file grows while it is read.
  std::string text;
  std::size_t want = kMaxConfigBytes + 1;
  while (text.size() < want) {
    char buffer[65536];
    const ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, want - text.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw ConfigError(fmt::format("{}: cannot read the config file: {}", path, std::strerror(errno)));
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  if (text.size() > kMaxConfigBytes)
    throw ConfigError(fmt::format("{}: the config file is larger than {} MiB, the limit for configs",
                                  path, kMaxConfigBytes >> 20));
  return text;
}

Scenario load_scenario_file(const std::string& path, const std::vector<Override>& overrides) {
  return load_config(read_text_file(path), path, overrides).scenario;
}

Scenario load_scenario(const std::string& text, const std::string& file,
                       const std::vector<Override>& overrides) {
  return load_config(text, file, overrides).scenario;
}

LoadedConfig load_config_file(const std::string& path, const std::vector<Override>& overrides) {
  return load_config(read_text_file(path), path, overrides);
}

LoadedConfig load_config(const std::string& text, const std::string& file,
                         const std::vector<Override>& overrides) {
  Value root = parse_document(text, file);
  for (const Override& o : overrides) set_scalar(root.node(), o.path, o.value);

  MapReader top(root);
  Scenario sc;
  sc.config_path = file;
  sc.config_text = text;
  sc.name = top.string_or("name", file);

  double azimuth_deg = 0.0;
  {
    MapReader l(top.required("launch"));
    sc.site.lat_deg = l.number("lat_deg", Range::closed(-90.0, 90.0));
    sc.site.lon_deg = l.number("lon_deg", Range::closed(-180.0, 360.0));
    sc.site.alt_m = l.number_or("alt_m", 0.0, Range::closed(-500.0, 9000.0));
    azimuth_deg = l.number("azimuth_deg", Range::closed(-360.0, 720.0));
    const Value epoch = l.required("epoch_utc");
    try {
      sc.epoch_unix_utc_s = geo::parse_utc_iso8601(epoch.string());
    } catch (const std::invalid_argument& e) {
      epoch.fail(fmt::format("'{}': {}", epoch.string(), e.what()));
    }
    l.finish();
  }
  sc.earth_rotation_angle_at_liftoff_rad = geo::gmst_rad(sc.epoch_unix_utc_s);

  if (auto av = top.optional("atmosphere")) {
    MapReader a(*av);
    sc.density_scale = a.number_or("density_scale", 1.0, Range::closed(0.0, 100.0));
    const double wind_scale = a.number_or("wind_scale", 1.0, Range::closed(-100.0, 100.0));
    if (auto w = a.optional("winds")) {
      const auto rows = read_increasing_rows(*w, 3, "altitude");
      sc.wind = atmosphere::WindProfile(table_from_rows(rows, 1), table_from_rows(rows, 2), wind_scale);
    }
    a.finish();
  }
  if (auto gv = top.optional("gravity")) {
    MapReader g(*gv);
    const Value deg = g.required("degree");
    sc.gravity_degree = deg.integer(0, 4);
    if (sc.gravity_degree == 1) deg.fail("= 1: must be 0 (point mass), 2, 3 or 4");
    sc.earth.gravity = g.boolean_or("enabled", true);
    g.finish();
  }
  if (auto ev = top.optional("earth")) {
    MapReader e(*ev);
    sc.earth.rotating = e.boolean_or("rotating", true);
    const std::string shape = e.string_or("shape", "wgs84");
    if (shape == "sphere") {
      sc.earth.spherical = true;
    } else if (shape != "wgs84") {
      e.required("shape").fail(fmt::format("'{}': expected wgs84 or sphere", shape));
    }
    sc.earth.sphere_radius_m =
        e.number_or("sphere_radius_m", sc.earth.sphere_radius_m, Range{6.0e6, 7.0e6, false, false});
    e.finish();
  }
  sc.vehicle = read_vehicle(top.required("vehicle"));
  sc.guidance = read_guidance(top.required("guidance"), azimuth_deg);

  if (auto iv = top.optional("integrator")) {
    MapReader i(*iv);
    IntegratorSettings& s = sc.integrator;
    s.rtol = i.number_or("rtol", s.rtol, Range{1e-14, 1e-2, false, false});
    s.atol_position_m = i.number_or("atol_position_m", s.atol_position_m, Range::positive());
    s.atol_velocity_mps = i.number_or("atol_velocity_mps", s.atol_velocity_mps, Range::positive());
    s.atol_mass_kg = i.number_or("atol_mass_kg", s.atol_mass_kg, Range::positive());
    s.max_step_s = i.number_or("max_step_s", s.max_step_s, Range::positive());
    s.body_rtol = i.number_or("body_rtol", s.body_rtol, Range{0.0, 1e-2, false, false});
    s.terminal_atol_velocity_mps = i.number_or("terminal_atol_velocity_mps",
                                               s.terminal_atol_velocity_mps, Range::non_negative());
    s.event_tolerance_s =
        i.number_or("event_tolerance_s", s.event_tolerance_s, Range{1e-9, 1e-3, false, false});
    i.finish();
  }
  if (auto lv = top.optional("limits")) {
    MapReader l(*lv);
    FlightLimits& s = sc.limits;
    s.max_flight_time_s = l.number_or("max_flight_time_s", s.max_flight_time_s, Range::positive());
    s.max_body_flight_time_s =
        l.number_or("max_body_flight_time_s", s.max_body_flight_time_s, Range::positive());
    s.insertion_min_perigee_alt_m = l.number_or("insertion_min_perigee_alt_m",
                                                s.insertion_min_perigee_alt_m, Range::any());
    s.orbiting_body_min_perigee_alt_m = l.number_or(
        "orbiting_body_min_perigee_alt_m", s.orbiting_body_min_perigee_alt_m, Range::positive());
    s.target_orbit_tolerance_alt_km = l.number_or(
        "target_orbit_tolerance_alt_km", s.target_orbit_tolerance_alt_km, Range::positive());
    s.target_orbit_tolerance_incl_deg = l.number_or(
        "target_orbit_tolerance_incl_deg", s.target_orbit_tolerance_incl_deg, Range::positive());
    l.finish();
  }
  if (auto ov = top.optional("output")) {
    MapReader o(*ov);
    // At least 1 ms: finer than any event the model resolves, and a bound on the histories' size.
    sc.history_step_s = o.number_or("history_step_s", sc.history_step_s, Range::closed(1e-3, 1e6));
    o.finish();
  }
  Dispersions dispersions;
  if (auto uv = top.optional("uncertainties")) dispersions = read_uncertainties(*uv, sc);
  if (auto fv = top.optional("failures")) dispersions.failures = read_failures(*fv, sc);
  top.finish();

  // Cross-field checks, reported at the key they concern.
  const auto& doc = root.document();
  auto fail_path = [&](const std::string& path, std::string_view message) -> void {
    const auto it = doc.marks.find(path);
    const std::string where = it != doc.marks.end() ? doc.where(it->second) : doc.file;
    throw ConfigError(fmt::format("{}: {}: {}", where, path, message));
  };
  const vehicle::Stage& first = sc.vehicle.stages.front();
  const double liftoff_weight_N = sc.vehicle.liftoff_mass_kg() * constants::g0_mps2;
  const double sea_level_thrust_N = first.engine.thrust_N(0.0, 101325.0);
  if (!(sea_level_thrust_N > liftoff_weight_N)) {
    fail_path(first.engine.solid() ? "vehicle.stages[0].thrust_curve_vac_N"
                                   : "vehicle.stages[0].thrust_vac_N",
              fmt::format("sea-level thrust {:.0f} N at ignition does not exceed the liftoff weight "
                          "{:.0f} N (thrust-to-weight must be > 1)",
                          sea_level_thrust_N, liftoff_weight_N));
  }
  for (std::size_t i = 0; i < sc.vehicle.stages.size(); ++i) {
    const auto& s = sc.vehicle.stages[i];
    if (i + 1 < sc.vehicle.stages.size() && s.spent_drag.none())
      fail_path(fmt::format("vehicle.stages[{}]", i),
                "a stage that separates needs spent_drag (it is flown to impact)");
    if (s.engine.thrust_N(0.0, 0.0) <= 0.0 && !s.engine.solid())
      fail_path(fmt::format("vehicle.stages[{}].thrust_vac_N", i), "must be > 0");
  }
  if (sc.vehicle.payload.separation_delay_s && sc.vehicle.payload.drag.none())
    fail_path("vehicle.payload", "a payload that separates needs drag (it may be flown to impact)");
  return {std::move(sc), std::move(dispersions)};
}

}  // namespace launchmc::config
