// Geodetic outcomes of a flight (see flight_outcome.hpp).
#include "outcome/flight_outcome.hpp"

#include <cmath>

#include "common/constants.hpp"
#include "common/time_format.hpp"
#include "geo/frames.hpp"
#include "orbit/elements.hpp"

namespace launchmc::outcome {

using constants::rad_to_deg;

OrbitOutcome orbit_of(double t_s, const flight::State& y) {
  const orbit::Elements el = orbit::elements_from_state(y.head<3>(), y.segment<3>(3));
  const orbit::ApsisAltitudes aps = orbit::apsis_altitudes(el);
  OrbitOutcome o;
  o.time_s = t_s;
  o.perigee_alt_m = aps.perigee_alt_m;
  o.apogee_alt_m = aps.apogee_alt_m;
  o.catalog_perigee_alt_m = orbit::catalog_altitude_m(el.periapsis_radius_m);
  o.catalog_apogee_alt_m = std::isfinite(el.apoapsis_radius_m)
                               ? orbit::catalog_altitude_m(el.apoapsis_radius_m)
                               : std::numeric_limits<double>::quiet_NaN();
  o.semi_major_axis_m = el.semi_major_axis_m;
  o.eccentricity = el.eccentricity;
  o.inclination_deg = el.inclination_rad * rad_to_deg;
  o.raan_deg = wrap_deg_360(el.raan_rad * rad_to_deg);
  o.arg_perigee_deg = wrap_deg_360(el.arg_perigee_rad * rad_to_deg);
  o.true_anomaly_deg = wrap_deg_360(el.true_anomaly_rad * rad_to_deg);
  o.period_s = el.period_s;
  o.inertial_speed_mps = y.segment<3>(3).norm();
  return o;
}

ImpactOutcome impact_of(const Scenario& model, const flight::Environment& env, double t_s,
                        const flight::State& y) {
  const flight::PointSummary p = flight::summarize_point(env, t_s, y);
  ImpactOutcome i;
  i.time_s = t_s;
  i.lat_deg = p.lat_deg;
  i.lon_deg = p.lon_deg;
  i.speed_mps = p.speed_mps;
  i.flight_path_angle_deg = p.flight_path_angle_deg;
  i.range_from_site_m =
      geo::geodesic_inverse(model.site.lat_deg, model.site.lon_deg, p.lat_deg, p.lon_deg)
          .distance_m;
  return i;
}

void derive(const Scenario& model, const flight::FlightResult& r, FlightOutcome& out) {
  // Geodetic positions need only the Earth's orientation: the nominal environment serves every
  // sample (draws change the air, not the frames).
  const flight::Environment env = flight::make_environment(model);
  out.status = r.status;
  out.powered_flight_end = r.powered_flight_end;
  out.failure_mode = r.failure_mode;
  out.breakup_cause = r.breakup_cause;
  out.termination_rule = r.termination_rule;
  out.insertion.reset();
  // The flight computed its insertion elements from this same state: orbit_of gives them exactly.
  if (r.insertion) out.insertion = orbit_of(r.insertion->t_s, r.insertion->state);
  out.final_cutoff.reset();
  const int last_stage = static_cast<int>(model.vehicle.stages.size()) - 1;
  for (const auto& e : r.events)
    if (e.kind == flight::EventKind::burnout && e.index == last_stage)
      out.final_cutoff = orbit_of(e.t_s, e.state);
  out.max_q_Pa = r.max_q_Pa;
  out.max_q_time_s = r.max_q_time_s;
  // A vehicle that broke up has no ground flight of its own (no impact, no range): its pieces
  // land, as fragments; its apogee, range and time would mix the breakup point into the ground
  // statistics.
  out.on_ground =
      (r.status == flight::FlightStatus::suborbital || r.status == flight::FlightStatus::crash) &&
      r.breakup_cause == flight::BreakupCause::none;
  out.vehicle_apogee_alt_m = r.apogee_alt_m;
  out.range_m = r.range_m;
  out.flight_time_s = r.flight_time_s;
  out.vehicle_impact.reset();
  if (out.on_ground)
    for (const auto& e : r.events)
      if (e.kind == flight::EventKind::impact && e.index < 0)
        out.vehicle_impact = impact_of(model, env, e.t_s, e.state);
  out.rhs_ascent = r.ascent_stats.rhs_evaluations;
  // As much room as the flight reserved (once), so that no later flight allocates here either.
  if (out.iip.capacity() < r.iip.capacity()) out.iip.reserve(r.iip.capacity());
  out.iip.assign(r.iip.begin(), r.iip.end());
  out.rhs_bodies = 0;
  out.bodies.reserve(r.bodies.capacity());  // once (fly reserves for the largest breakup)
  out.bodies.resize(r.bodies.size());
  for (std::size_t i = 0; i < r.bodies.size(); ++i) {
    const flight::BodyResult& b = r.bodies[i];
    BodyOutcome& o = out.bodies[i];
    o.name = b.name;
    o.body_class = b.body_class;
    o.weight = b.weight;
    o.release_time_s = b.release_time_s;
    o.release_mass_kg = b.release_state[6];
    o.casualty_area_m2 = b.casualty_area_m2;
    o.fragment = b.fragment;
    o.fate = b.fate;
    o.impact.reset();
    if (b.fate == flight::BodyFate::impact)
      o.impact = impact_of(model, env, b.impact.t_s, b.impact.state);
    o.rhs_evaluations = b.stats.rhs_evaluations;
    out.rhs_bodies += b.stats.rhs_evaluations;
  }
}

FlightOutcome derive(const Scenario& model, const flight::FlightResult& r) {
  FlightOutcome out;
  derive(model, r, out);
  return out;
}

}  // namespace launchmc::outcome
