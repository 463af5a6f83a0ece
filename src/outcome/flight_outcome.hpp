// What a flight achieved, in the quantities and units users read: the orbit at insertion and at
// the last stage's cutoff, where and how the vehicle and every released body came down, max-q,
// cost. The one place that turns a flight's ECI states into geodetic outcomes, for the Monte
// Carlo engine's columns, `fly`'s reports and `target`'s goals alike.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/label.hpp"
#include "flight/flight.hpp"

namespace launchmc::outcome {

// Osculating orbit of a state (ECI), with apsis heights above the WGS-84 ellipsoid and in the
// catalogue convention a (1 -/+ e) - R_eq (orbit::catalog_altitude_m).
struct OrbitOutcome {
  double time_s = 0.0;
  double perigee_alt_m = 0.0, apogee_alt_m = 0.0;  // apsis points above the ellipsoid
  double catalog_perigee_alt_m = 0.0, catalog_apogee_alt_m = 0.0;  // NaN apogee: unbound
  double semi_major_axis_m = 0.0, eccentricity = 0.0;
  double inclination_deg = 0.0, raan_deg = 0.0, arg_perigee_deg = 0.0,
         true_anomaly_deg = 0.0;  // [0, 360)
  double period_s = 0.0;
  double inertial_speed_mps = 0.0;
};

// A point where a trajectory met the surface.
struct ImpactOutcome {
  double time_s = 0.0;
  double lat_deg = 0.0, lon_deg = 0.0;  // geodetic, WGS-84
  double speed_mps = 0.0;               // relative to the rotating Earth
  double flight_path_angle_deg = 0.0;   // below the local horizontal: negative
  double range_from_site_m = 0.0;       // WGS-84 geodesic from the launch site
};

struct BodyOutcome {
  Label name, body_class;
  double weight = 1.0;
  double release_time_s = 0.0, release_mass_kg = 0.0;
  double casualty_area_m2 = 0.0;  // of one piece (breakup fragments; 0: not given)
  bool fragment = false;          // a body of a breakup (run file: /fragments)
  flight::BodyFate fate = flight::BodyFate::time_limit;
  std::optional<ImpactOutcome> impact;  // fate == impact
  std::int64_t rhs_evaluations = 0;
};

struct FlightOutcome {
  flight::FlightStatus status = flight::FlightStatus::time_limit;
  flight::PoweredFlightEnd powered_flight_end = flight::PoweredFlightEnd::none;
  int failure_mode = -1;
  flight::BreakupCause breakup_cause = flight::BreakupCause::none;
  int termination_rule = -1;                 // scenario.range_safety rule that fired (-1: none)
  std::optional<OrbitOutcome> insertion;     // status orbit
  std::optional<OrbitOutcome> final_cutoff;  // the last stage's burnout, an orbit or not
  double max_q_Pa = 0.0, max_q_time_s = 0.0;
  // The vehicle's own flight when it ends on the ground (suborbital or crash).
  bool on_ground = false;
  double vehicle_apogee_alt_m = 0.0, range_m = 0.0, flight_time_s = 0.0;
  std::optional<ImpactOutcome> vehicle_impact;
  std::int64_t rhs_ascent = 0, rhs_bodies = 0;
  std::vector<BodyOutcome> bodies;    // as released; capacity kept between flights
  std::vector<flight::IipPoint> iip;  // the IIP track of powered flight; capacity kept
};

// Derives the outcome of flight `r` of `model` into `out`, reusing its storage (no allocation
// once `out` has held as many bodies).
void derive(const Scenario& model, const flight::FlightResult& r, FlightOutcome& out);
FlightOutcome derive(const Scenario& model, const flight::FlightResult& r);

OrbitOutcome orbit_of(double t_s, const flight::State& state);
ImpactOutcome impact_of(const Scenario& model, const flight::Environment& env, double t_s,
                        const flight::State& state);

}  // namespace launchmc::outcome
