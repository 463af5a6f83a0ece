// Levenberg-Marquardt targeting of nominal flights.
#include "targeting/target.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <charconv>
#include <cmath>
#include <limits>

#include "common/suggest.hpp"
#include "flight/observers.hpp"
#include "outcome/flight_outcome.hpp"
#include "scenario/parameters.hpp"

namespace launchmc::targeting {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Relative finite-difference step: large enough that the adaptive integrator's step-size choices
// (which make a flight's results a slightly rough function of its inputs) do not swamp the
// derivative, small enough to stay in the linear range.
constexpr double kFdStep = 1e-4;

std::string format_value(double x) { return fmt::format("{:.17g}", x); }

}  // namespace

double default_tolerance(const std::string& name) {
  if (name.ends_with("_s") || name.ends_with("_km")) return 0.1;  // [s], [km]
  return 1e-3;                                                    // [deg] and anything else
}

Goal parse_goal(std::string_view text) {
  const std::size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0)
    throw config::ConfigError(fmt::format("goal '{}': expected NAME=VALUE[:TOLERANCE]", text));
  Goal g;
  g.name = std::string(text.substr(0, eq));
  const std::string_view rest = text.substr(eq + 1);
  const std::size_t colon = rest.find(':');
  // The whole of each number, nothing after it ("1000:0.1abc" is refused).
  auto number = [&](std::string_view t, double& out) {
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    if (t.empty() || ec != std::errc() || end != t.data() + t.size())
      throw config::ConfigError(
          fmt::format("goal '{}': VALUE and TOLERANCE must be numbers", text));
  };
  number(rest.substr(0, colon), g.value);
  if (colon == std::string_view::npos) {
    g.tolerance = default_tolerance(g.name);
  } else {
    number(rest.substr(colon + 1), g.tolerance);
  }
  if (!std::isfinite(g.value))
    throw config::ConfigError(fmt::format("goal '{}': VALUE must be a finite number", text));
  if (!(g.tolerance > 0.0) || !std::isfinite(g.tolerance))
    throw config::ConfigError(
        fmt::format("goal '{}': TOLERANCE must be a finite number > 0", text));
  return g;
}

namespace {
double vacuum_impact_time_s(const Scenario& sc, const flight::FlightResult& r,
                            const std::string& body) {
  for (const flight::BodyResult& b : r.bodies) {
    if (!(b.name == body)) continue;
    // The release state's drag-free arc to the ellipsoid (the IIP at release, src/orbit/iip.hpp):
    // what a radar's ballistic extrapolation from a dense body's last track predicts.
    const flight::IipPoint p =
        flight::iip_of(flight::make_environment(sc), b.release_time_s, b.release_state);
    return b.release_time_s + p.time_to_impact_s;  // NaN when the arc does not come down
  }
  return kNaN;
}
}  // namespace

double goal_value(const Scenario& sc, const flight::FlightResult& r, const std::string& name) {
  const outcome::FlightOutcome o = outcome::derive(sc, r);
  if (name.rfind("insertion.", 0) == 0) {
    // The osculating orbit at the last stage's cutoff, also when it is not (yet) an orbit.
    if (!o.final_cutoff) return kNaN;
    const outcome::OrbitOutcome& c = *o.final_cutoff;
    const std::string field = name.substr(10);
    if (field == "time_s") return c.time_s;
    if (field == "perigee_alt_km") return c.perigee_alt_m / 1e3;
    if (field == "apogee_alt_km") return c.apogee_alt_m / 1e3;
    if (field == "inclination_deg") return c.inclination_deg;
    if (field == "raan_deg") return c.raan_deg;
    if (field == "semi_major_axis_km") return c.semi_major_axis_m / 1e3;
    if (field == "eccentricity") return c.eccentricity;
    throw config::ConfigError("unknown goal '" + name + "'");
  }
  if (name == "apogee_alt_km") return o.on_ground ? o.vehicle_apogee_alt_m / 1e3 : kNaN;
  if (name == "range_km") return o.on_ground ? o.range_m / 1e3 : kNaN;
  if (name == "flight_time_s") return o.on_ground ? o.flight_time_s : kNaN;
  const std::size_t dot = name.find('.');
  if (dot != std::string::npos) {
    const std::string body = name.substr(0, dot), field = name.substr(dot + 1);
    for (const outcome::BodyOutcome& b : o.bodies) {
      if (!(b.name == body)) continue;
      if (!b.impact) return kNaN;
      if (field == "impact_lat_deg") return b.impact->lat_deg;
      if (field == "impact_lon_deg") return b.impact->lon_deg;
      if (field == "impact_range_km") return b.impact->range_from_site_m / 1e3;
      if (field == "impact_time_s") return b.impact->time_s;  // from liftoff
      if (field == "vacuum_impact_time_s") return vacuum_impact_time_s(sc, r, body);
      throw config::ConfigError("unknown goal '" + name + "'");
    }
    throw config::ConfigError(fmt::format("goal '{}': no jettisoned body named '{}'", name, body));
  }
  throw config::ConfigError("unknown goal '" + name + "'");
}

namespace {
const char* const kInsertionFields[] = {"time_s",          "perigee_alt_km", "apogee_alt_km",
                                        "inclination_deg", "raan_deg",       "semi_major_axis_km",
                                        "eccentricity"};
const char* const kGroundGoals[] = {"apogee_alt_km", "range_km", "flight_time_s"};
const char* const kBodyFields[] = {"impact_lat_deg", "impact_lon_deg", "impact_range_km",
                                   "impact_time_s", "vacuum_impact_time_s"};
}  // namespace

std::vector<std::string> goal_names(const flight::FlightResult& nominal) {
  std::vector<std::string> names;
  for (const char* f : kInsertionFields) names.push_back(std::string("insertion.") + f);
  for (const char* g : kGroundGoals) names.emplace_back(g);
  for (const auto& b : nominal.bodies)
    for (const char* f : kBodyFields) names.push_back(b.name.str() + "." + f);
  return names;
}

void check_goal_name(const flight::FlightResult& nominal, const std::string& name) {
  const std::vector<std::string> names = goal_names(nominal);
  for (const auto& n : names)
    if (n == name) return;
  const std::size_t dot = name.find('.');
  if (dot != std::string::npos && name.rfind("insertion.", 0) != 0) {
    bool field_known = false;
    for (const char* f : kBodyFields) field_known = field_known || name.substr(dot + 1) == f;
    if (field_known) {
      std::vector<std::string> bodies;
      for (const auto& b : nominal.bodies) bodies.push_back(b.name.str());
      std::string list;
      for (const auto& b : bodies) list += (list.empty() ? "" : ", ") + b;
      throw config::ConfigError(fmt::format(
          "goal '{}': the nominal flight has no jettisoned body named '{}'{} (bodies: {})", name,
          name.substr(0, dot), did_you_mean(name.substr(0, dot), bodies),
          list.empty() ? "none" : list));
    }
  }
  throw config::ConfigError(fmt::format(
      "unknown goal '{}'{}; goals: insertion.<{}>, {}, "
      "<body>.<{}> (see `launchmc target --help`)",
      name, did_you_mean(name, names),
      "time_s|perigee_alt_km|apogee_alt_km|inclination_deg|raan_deg|semi_major_axis_km|"
      "eccentricity",
      "apogee_alt_km, range_km, flight_time_s",
      "impact_lat_deg|impact_lon_deg|impact_range_km|impact_time_s|vacuum_impact_time_s"));
}

std::string why_goal_does_not_apply(const flight::FlightResult& result, const std::string& name) {
  const std::string status = flight::to_string(result.status);
  if (name.rfind("insertion.", 0) == 0)
    return fmt::format("the flight never reached the last stage's cutoff (it ended as {})", status);
  for (const char* g : kGroundGoals)
    if (name == g)
      return fmt::format(
          "defined only for flights that come down (missiles), and this flight ended as {}",
          status);
  const std::string body = name.substr(0, name.find('.'));
  for (const auto& b : result.bodies)
    if (b.name == body)
      return fmt::format("{} did not reach the ground (its fate: {})", body,
                         flight::to_string(b.fate));
  return fmt::format("the flight (ended as {}) released no body named {}", status, body);
}

TargetResult solve(const std::string& text, const std::string& file,
                   const std::vector<std::string>& paths, const std::vector<Goal>& goals,
                   const TargetOptions& opt) {
  TargetResult res;
  const Eigen::Index n = static_cast<Eigen::Index>(paths.size());
  const Eigen::Index m = static_cast<Eigen::Index>(goals.size());
  if (n == 0 || m == 0)
    throw config::ConfigError("target: give at least one --vary and one --goal");

  // Initial values, read through the same path binding the Monte Carlo uses.
  {
    Study cfg = config::load_config(text, file, opt.fixed);
    const flight::FlightResult nominal = flight::fly(cfg.scenario);
    for (const auto& g : goals) check_goal_name(nominal, g.name);
    for (const auto& p : paths) {
      const ParameterRef ref = resolve_parameter(cfg.scenario, p);
      if (!ref)
        throw config::ConfigError(
            fmt::format("--vary '{}' names no parameter: {}", p, ref.why_not));
      if (!ref.dispersable)
        throw config::ConfigError(
            fmt::format("--vary '{}' names no parameter that can vary: it is a "
                        "numerical or reporting setting",
                        p));
      // A solid motor's Isp and load are the reference its thrust curve was given at: a solved
      // value written into the config would become the new reference, and the curve would fly
      // as before (the solution would not be the flight the solver saw).
      for (const auto& stage : cfg.scenario.vehicle.stages)
        if (stage.engine.solid() &&
            (ref.value == &stage.engine.isp_vac_s || ref.value == &stage.propellant_mass_kg))
          throw config::ConfigError(fmt::format(
              "--vary '{}': stage {} is a solid motor whose thrust curve is given at this value "
              "(it is the curve's reference, so a solved value written into the config would "
              "not change the flight); vary its thrust_scale or burn time instead, or give the "
              "curve at the new value",
              p, stage.name));
      res.initial.push_back(*ref.value);
    }
  }
  // Residuals scaled by the tolerances: "met" is |r_i| <= 1.
  auto evaluate = [&](const Eigen::VectorXd& x, Eigen::VectorXd& r, std::vector<double>* achieved) {
    std::vector<config::Override> o = opt.fixed;
    for (Eigen::Index i = 0; i < n; ++i)
      o.push_back({paths[static_cast<std::size_t>(i)], format_value(x[i])});
    Scenario sc;
    try {
      sc = config::load_scenario(text, file, o);
    } catch (const config::ConfigError&) {
      return false;  // a trial value outside the parameter's valid range: a failed step
    }
    const flight::FlightResult fr = flight::fly(sc);
    ++res.flights;
    r.resize(m);
    for (Eigen::Index k = 0; k < m; ++k) {
      const Goal& g = goals[static_cast<std::size_t>(k)];
      const double v = goal_value(sc, fr, g.name);
      if (achieved) achieved->push_back(v);
      r[k] = (v - g.value) / g.tolerance;
    }
    return r.allFinite();
  };

  Eigen::VectorXd x(n);
  for (Eigen::Index i = 0; i < n; ++i) x[i] = res.initial[static_cast<std::size_t>(i)];
  Eigen::VectorXd r;
  if (!evaluate(x, r, &res.achieved)) {
    // Say which goals have no value on the starting flight, and why.
    const Scenario sc = config::load_scenario(text, file, opt.fixed);
    const flight::FlightResult fr = flight::fly(sc);
    res.message = "the starting flight gives no value for the goal(s)";
    for (std::size_t k = 0; k < goals.size(); ++k) {
      if (k < res.achieved.size() && std::isfinite(res.achieved[k])) continue;
      res.message +=
          fmt::format(" '{}': {};", goals[k].name, why_goal_does_not_apply(fr, goals[k].name));
    }
    res.message.pop_back();
    res.achieved.resize(goals.size(), kNaN);
    res.solution.assign(res.initial.begin(), res.initial.end());
    return res;
  }
  double cost = r.squaredNorm();
  double lambda = 1e-3;
  Eigen::MatrixXd jac(m, n);
  for (res.iterations = 0; res.iterations < opt.max_iterations; ++res.iterations) {
    if (r.lpNorm<Eigen::Infinity>() <= 1.0) break;
    // Forward differences, steps relative to each parameter's size.
    for (Eigen::Index i = 0; i < n; ++i) {
      Eigen::VectorXd xp = x;
      const double step = kFdStep * std::max(std::abs(x[i]), 1.0);
      xp[i] += step;
      Eigen::VectorXd rp;
      if (!evaluate(xp, rp, nullptr)) {
        xp[i] = x[i] - step;
        evaluate(xp, rp, nullptr);
        jac.col(i) = (r - rp) / step;
      } else {
        jac.col(i) = (rp - r) / step;
      }
    }
    const Eigen::MatrixXd jtj = jac.transpose() * jac;
    const Eigen::VectorXd jtr = jac.transpose() * r;
    bool improved = false;
    for (int tries = 0; tries < 12; ++tries) {
      Eigen::MatrixXd a = jtj;
      a.diagonal() += lambda * jtj.diagonal().cwiseMax(1e-12);
      const Eigen::VectorXd dx = a.ldlt().solve(-jtr);
      Eigen::VectorXd rn;
      if (dx.allFinite() && evaluate(x + dx, rn, nullptr) && rn.squaredNorm() < cost) {
        x += dx;
        r = rn;
        cost = rn.squaredNorm();
        lambda = std::max(lambda * 0.3, 1e-9);
        improved = true;
        break;
      }
      lambda *= 10.0;
    }
    if (!improved) break;
  }
  // Conditioning of the tolerance-scaled problem at the solution.
  {
    for (Eigen::Index i = 0; i < n; ++i) {
      Eigen::VectorXd xp = x;
      const double step = kFdStep * std::max(std::abs(x[i]), 1.0);
      xp[i] += step;
      Eigen::VectorXd rp;
      evaluate(xp, rp, nullptr);
      // Column in units of the parameter's own size, so that the condition number compares
      // relative sensitivities.
      jac.col(i) = (rp - r) / step * std::max(std::abs(x[i]), 1.0);
    }
    const Eigen::JacobiSVD<Eigen::MatrixXd> svd(jac);
    const auto& s = svd.singularValues();
    res.condition =
        s[s.size() - 1] > 0 ? s[0] / s[s.size() - 1] : std::numeric_limits<double>::infinity();
    if (n > m) res.condition = std::numeric_limits<double>::infinity();
  }
  res.solution.assign(x.data(), x.data() + n);
  res.achieved.clear();  // the values at the solution, not at the start
  evaluate(x, r, &res.achieved);
  res.achieved.resize(goals.size(), kNaN);
  res.met = r.lpNorm<Eigen::Infinity>() <= 1.0;
  res.ill_conditioned = !(res.condition <= opt.max_condition);
  if (n > m) {
    res.message = fmt::format(
        "ill-conditioned: {} parameters for {} goals (the solution is not unique: "
        "vary fewer parameters or add goals)",
        n, m);
  } else if (res.ill_conditioned) {
    res.message = fmt::format(
        "ill-conditioned: the scaled Jacobian's condition number is {:.3g} "
        "(> {:.0g}): some goals barely depend on the varied parameters, or two "
        "parameters act alike",
        res.condition, opt.max_condition);
  } else if (!res.met) {
    res.message = "the goals cannot be met with these parameters (the best fit is shown)";
  }
  if (res.ill_conditioned) res.met = false;
  return res;
}

}  // namespace launchmc::targeting
