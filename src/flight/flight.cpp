// Names of flight events, statuses and fates; point summaries; the environment and initial
// state of a flight. The flight itself is flown by the sequencer (sequencer.cpp).
#include "flight/flight.hpp"

#include <algorithm>
#include <cmath>

#include "atmosphere/us76.hpp"
#include "common/constants.hpp"

namespace launchmc::flight {

const char* to_string(EventKind kind) noexcept {
  switch (kind) {
    case EventKind::liftoff:
      return "liftoff";
    case EventKind::pitch_over:
      return "pitch_over";
    case EventKind::gravity_turn_end:
      return "gravity_turn_end";
    case EventKind::max_q:
      return "max_q";
    case EventKind::ignition:
      return "ignition";
    case EventKind::burnout:
      return "burnout";
    case EventKind::separation:
      return "separation";
    case EventKind::fairing_jettison:
      return "fairing_jettison";
    case EventKind::payload_separation:
      return "payload_separation";
    case EventKind::insertion:
      return "insertion";
    case EventKind::apogee:
      return "apogee";
    case EventKind::impact:
      return "impact";
    case EventKind::engine_failure:
      return "engine_failure";
    case EventKind::guidance_engaged:
      return "guidance_engaged";
    case EventKind::ignition_failure:
      return "ignition_failure";
    case EventKind::thrust_loss:
      return "thrust_loss";
    case EventKind::breakup:
      return "breakup";
    case EventKind::separation_failure:
      return "separation_failure";
    case EventKind::loss_of_control:
      return "loss_of_control";
  }
  return "unknown";
}

const char* to_string(BodyFate fate) noexcept {
  switch (fate) {
    case BodyFate::impact:
      return "impact";
    case BodyFate::orbiting:
      return "orbiting";
    case BodyFate::time_limit:
      return "time_limit";
    case BodyFate::integration_failure:
      return "integration_failure";
  }
  return "unknown";
}

const char* to_string(FlightStatus status) noexcept {
  switch (status) {
    case FlightStatus::orbit:
      return "orbit";
    case FlightStatus::suborbital:
      return "suborbital";
    case FlightStatus::crash:
      return "crash";
    case FlightStatus::integration_failure:
      return "integration_failure";
    case FlightStatus::time_limit:
      return "time_limit";
  }
  return "unknown";
}

const char* to_string(PoweredFlightEnd end) noexcept {
  switch (end) {
    case PoweredFlightEnd::none:
      return "none";
    case PoweredFlightEnd::guidance_cutoff:
      return "guidance_cutoff";
    case PoweredFlightEnd::timed_cutoff:
      return "timed_cutoff";
    case PoweredFlightEnd::depletion:
      return "depletion";
    case PoweredFlightEnd::motor_burnout:
      return "motor_burnout";
    case PoweredFlightEnd::engine_failure:
      return "engine_failure";
    case PoweredFlightEnd::breakup:
      return "breakup";
  }
  return "unknown";
}

const char* to_string(BreakupCause cause) noexcept {
  switch (cause) {
    case BreakupCause::none:
      return "none";
    case BreakupCause::failure_mode:
      return "failure_mode";
    case BreakupCause::q_alpha:
      return "q_alpha";
    case BreakupCause::termination_rule:
      return "termination_rule";
  }
  return "unknown";
}

void FlightResult::clear() noexcept {
  status = FlightStatus::time_limit;
  events.clear();
  insertion.reset();
  bodies.clear();
  max_q_Pa = max_q_time_s = 0.0;
  apogee_alt_m = range_m = flight_time_s = 0.0;
  failure_mode = -1;
  powered_flight_end = PoweredFlightEnd::none;
  breakup_cause = BreakupCause::none;
  termination_rule = -1;
  ascent_stats = {};
  iip.clear();
}

std::string event_name(const Scenario& scenario, const FlightResult& result,
                       const FlightEvent& event) {
  const std::string kind = to_string(event.kind);
  switch (event.kind) {
    case EventKind::ignition:
    case EventKind::burnout:
    case EventKind::separation:
    case EventKind::engine_failure:
    case EventKind::guidance_engaged:
    case EventKind::ignition_failure:
    case EventKind::thrust_loss:
    case EventKind::breakup:
    case EventKind::separation_failure:
    case EventKind::loss_of_control:
      return scenario.vehicle.stages[static_cast<std::size_t>(event.index)].name + "_" + kind;
    case EventKind::impact:
      if (event.index >= 0)
        return result.bodies[static_cast<std::size_t>(event.index)].name.str() + "_" + kind;
      return kind;
    default:
      return kind;
  }
}

PointSummary summarize_point(const Environment& env, double t_s, const State& y) {
  PointSummary p;
  const Eigen::Vector3d r = y.head<3>(), v = y.segment<3>(3);
  const AirData air = air_data(env, t_s, r, v);
  const Eigen::Vector3d r_ecef = env.rotation.position_eci_to_ecef(r, t_s);
  const geo::Geodetic g = surface_coordinates(env, r_ecef);
  p.lat_deg = g.lat_rad * constants::rad_to_deg;
  p.lon_deg = g.lon_rad * constants::rad_to_deg;
  p.alt_m = g.alt_m;
  const Eigen::Vector3d v_ecef = env.rotation.velocity_eci_to_ecef(r, v, t_s);
  const geo::LocalVelocity lv = geo::local_velocity(r_ecef, v_ecef);
  p.speed_mps = lv.speed_mps;
  p.inertial_speed_mps = v.norm();
  p.flight_path_angle_deg = lv.flight_path_angle_rad * constants::rad_to_deg;
  p.heading_deg = lv.heading_rad * constants::rad_to_deg;
  p.mach = air.mach;
  p.dynamic_pressure_Pa = air.dynamic_pressure_Pa;
  p.mass_kg = y[6];
  return p;
}

Environment make_environment(const Scenario& scenario, const SampleDraws& draws) {
  Environment env;
  env.rotation =
      geo::EarthRotation(scenario.earth_rotation_angle_at_liftoff_rad,
                         scenario.earth.rotating ? constants::earth_rotation_radps : 0.0);
  env.gravity = scenario.earth.gravity;
  env.spherical = scenario.earth.spherical;
  env.sphere_radius_m = scenario.earth.sphere_radius_m;
  env.atmosphere = &atmosphere::us76();
  env.wind = &scenario.wind;
  env.density_scale = scenario.density_scale;
  if (!scenario.density_log_sd.empty()) env.density_log_sd = &scenario.density_log_sd;
  env.density_xi = draws.density_xi;
  env.wind_east_xi = draws.wind_east_xi;
  env.wind_north_xi = draws.wind_north_xi;
  env.gravity_degree = scenario.gravity_degree;
  return env;
}

State initial_state(const Scenario& scenario, const Environment& env) {
  const geo::Geodetic pad{scenario.site.lat_deg * constants::deg_to_rad,
                          scenario.site.lon_deg * constants::deg_to_rad, scenario.site.alt_m};
  const Eigen::Vector3d r_ecef =
      env.spherical ? Eigen::Vector3d((env.sphere_radius_m + pad.alt_m) *
                                      Eigen::Vector3d(std::cos(pad.lat_rad) * std::cos(pad.lon_rad),
                                                      std::cos(pad.lat_rad) * std::sin(pad.lon_rad),
                                                      std::sin(pad.lat_rad)))
                    : geo::geodetic_to_ecef(pad);
  const Eigen::Vector3d r_eci = env.rotation.position_ecef_to_eci(r_ecef, 0.0);
  const Eigen::Vector3d omega(0.0, 0.0, env.rotation.rate_radps());
  State y;
  y.head<3>() = r_eci;
  y.segment<3>(3) = omega.cross(r_eci);
  y[6] = scenario.vehicle.liftoff_mass_kg();
  return y;
}

}  // namespace launchmc::flight
