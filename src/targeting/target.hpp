// Solving for config parameters so that the nominal flight meets goals (insertion time and orbit,
// missile apogee/range/flight time, body impact points): damped Gauss-Newton (Levenberg-
// Marquardt) on finite-difference Jacobians, with a refusal when the goals cannot be met or the
// problem is ill-conditioned.
#pragma once

#include <string>
#include <vector>

#include "config/load_scenario.hpp"
#include "flight/flight.hpp"

namespace launchmc::targeting {

// A goal "NAME=VALUE[:TOLERANCE]". Names:
//   insertion.time_s, insertion.perigee_alt_km, insertion.apogee_alt_km,
//   insertion.inclination_deg, insertion.raan_deg, insertion.semi_major_axis_km,
//   insertion.eccentricity   (osculating orbit at the last stage's cutoff,
//                                                    also when it is not yet an orbit)
//   apogee_alt_km, range_km, flight_time_s          (the vehicle's own flight to the ground)
//   <body>.impact_lat_deg, <body>.impact_lon_deg, <body>.impact_range_km,
//   <body>.impact_time_s   (where and when a jettisoned body lands; time from liftoff)
//   <body>.vacuum_impact_time_s  (when its drag-free arc from release meets the ellipsoid: the
//                          splash time a radar's ballistic extrapolation predicts for a dense
//                          body whose last track is high up; time from liftoff)
struct Goal {
  std::string name;
  double value = 0.0;
  double tolerance = 0.0;  // |achieved - value| <= tolerance counts as met
};
Goal parse_goal(std::string_view text);  // throws config::ConfigError
// The default tolerance of a goal (0.1 s, 0.1 km, 1e-3 deg, ...).
double default_tolerance(const std::string& name);

// Every goal name that applies to a scenario whose nominal flight released these bodies.
std::vector<std::string> goal_names(const flight::FlightResult& nominal);
// Throws config::ConfigError for a name that is not a goal (with the nearest valid name).
void check_goal_name(const flight::FlightResult& nominal, const std::string& name);
// Why a goal has no value (NaN) for this flight, for messages.
std::string why_goal_does_not_apply(const flight::FlightResult& result, const std::string& name);

// Achieved value of a goal for a flight (NaN if it does not apply, e.g. no impact).
double goal_value(const Scenario& scenario, const flight::FlightResult& result,
                  const std::string& name);

struct TargetOptions {
  // Fixed overrides applied to every flight of the solve (e.g. a guidance switched off to
  // calibrate the open-loop variant); not part of the solution.
  std::vector<config::Override> fixed;
  int max_iterations = 50;
  double max_condition = 1e8;  // of the tolerance-scaled Jacobian; above: ill-conditioned
};

struct TargetResult {
  bool met = false;  // every goal within tolerance
  bool ill_conditioned = false;
  std::string message;                    // why not, when not met
  std::vector<double> initial, solution;  // parameter values
  std::vector<double> achieved;  // goal values at the solution (NaN: no value), one per goal
  double condition = 0.0;
  int iterations = 0;
  int flights = 0;
};

// Varies the parameters at `paths` in the config text (by overrides, so all validation applies)
// until the goals are met.
TargetResult solve(const std::string& config_text, const std::string& file,
                   const std::vector<std::string>& paths, const std::vector<Goal>& goals,
                   const TargetOptions& options = {});

}  // namespace launchmc::targeting
