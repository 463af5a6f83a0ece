// The `<body>.impact_time_s` goal: a spent stage's time of fall (from liftoff) against the Kepler
// time of flight of its release state in a vacuum world, and `target` recovering a stage's burn
// from the time its spent stage lands.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "config/load_scenario.hpp"
#include "config/yaml_edit.hpp"
#include "flight/flight.hpp"
#include "orbit/kepler.hpp"
#include "targeting/target.hpp"

namespace launchmc::targeting {
namespace {

// Two stages in a validation world (no air, non-rotating sphere, point-mass gravity): the spent
// first stage flies a Kepler arc from its release state to the ground.
const std::string kTwoStages = R"(
name: impact-time validation
launch: {lat_deg: 10, lon_deg: 20, alt_m: 0, azimuth_deg: 90, epoch_utc: "2024-01-01T00:00:00Z"}
atmosphere: {density_scale: 0}
earth: {rotating: false, shape: sphere}
gravity: {degree: 0}
vehicle:
  payload: {mass_kg: 100}
  stages:
    - name: s1
      thrust_vac_N: 2.0e5
      isp_vac_s: 300
      propellant_mass_kg: 6000
      dry_mass_kg: 1000
      separation_delay_s: 2
      stack_drag: {ref_area_m2: 1, cd_mach: [[0, 0.0]]}
      spent_drag: {ref_area_m2: 1, cd_mach: [[0, 0.0]]}
    - name: s2
      thrust_vac_N: 3.0e4
      isp_vac_s: 310
      propellant_mass_kg: 1500
      dry_mass_kg: 300
      stack_drag: {ref_area_m2: 1, cd_mach: [[0, 0.0]]}
guidance: {vertical_rise_s: 10, pitch_kick_deg: 8, pitch_kick_duration_s: 10}
integrator: {rtol: 1.0e-11, atol_position_m: 1.0e-5, atol_velocity_mps: 1.0e-8, atol_mass_kg: 1.0e-8, event_tolerance_s: 1.0e-7, body_rtol: 1.0e-11}
)";

// Time of fall [s, from liftoff] of a body's release state on its Kepler arc (sphere of the
// scenario's radius, point-mass gravity): the analytic reference of these tests.
double kepler_fall_time_s(const Scenario& sc, const flight::BodyResult& b) {
  const Eigen::Vector3d rr = b.release_state.head<3>(), vv = b.release_state.segment<3>(3);
  const orbit::BallisticArc arc =
      orbit::ballistic_arc(rr.norm(), vv.norm(), std::asin(rr.dot(vv) / (rr.norm() * vv.norm())),
                           sc.earth.sphere_radius_m);
  return b.release_time_s + arc.time_of_flight_s;
}

TEST(ImpactTimeGoal, SpentStageFallsInItsKeplerTimeOfFlight) {
  const Scenario sc = config::load_scenario(kTwoStages, "impact_time.yaml");
  const flight::FlightResult r = flight::fly(sc);
  const flight::BodyResult* s1 = nullptr;
  for (const auto& b : r.bodies)
    if (b.name == "s1") s1 = &b;
  ASSERT_NE(s1, nullptr);
  ASSERT_EQ(s1->fate, flight::BodyFate::impact);
  // Release state in the (non-rotating, so inertial) frame -> analytic time of fall.
  const Eigen::Vector3d rr = s1->release_state.head<3>(), vv = s1->release_state.segment<3>(3);
  const double gamma = std::asin(rr.dot(vv) / (rr.norm() * vv.norm()));
  const orbit::BallisticArc arc =
      orbit::ballistic_arc(rr.norm(), vv.norm(), gamma, sc.earth.sphere_radius_m);
  const double expected = s1->release_time_s + arc.time_of_flight_s;
  ASSERT_GT(arc.time_of_flight_s, 60.0);  // a real arc, not a drop
  // The goal's clock starts at liftoff: release time (burn 6000 kg at 2e5 N, Isp 300 s: 88.3 s,
  // plus the 2 s separation delay) plus the time of flight.
  EXPECT_NEAR(s1->release_time_s, 6000.0 * 300.0 * 9.80665 / 2.0e5 + 2.0, 1e-3);
  EXPECT_NEAR(goal_value(sc, r, "s1.impact_time_s"), expected, 1e-3);  // [s]
}

// `<body>.vacuum_impact_time_s`: the splash time of the release state's drag-free arc. Without air
// it is the body's actual time of fall (Kepler, as above); with air and drag a stage falls later.
TEST(ImpactTimeGoal, VacuumImpactTimeIsTheKeplerTimeOfFallAndDragOnlyDelaysTheSplash) {
  const Scenario sc = config::load_scenario(kTwoStages, "impact_time.yaml");
  const flight::FlightResult r = flight::fly(sc);
  const flight::BodyResult& s1 = r.bodies.front();
  ASSERT_EQ(s1.name, "s1");
  EXPECT_NEAR(goal_value(sc, r, "s1.vacuum_impact_time_s"), kepler_fall_time_s(sc, s1),
              1e-3);  // [s]

  // The same vehicle in air, its spent stage with a broadside drag: the goal is still the
  // release state's Kepler arc, the real splash comes later.
  const std::string in_air = config::replace_scalars(
      kTwoStages,
      {{"atmosphere.density_scale", "1"}, {"vehicle.stages[0].spent_drag.cd_mach[0][1]", "1.0"}},
      "in_air.yaml");
  const Scenario sa = config::load_scenario(in_air, "in_air.yaml");
  const flight::FlightResult ra = flight::fly(sa);
  EXPECT_NEAR(goal_value(sa, ra, "s1.vacuum_impact_time_s"),
              kepler_fall_time_s(sa, ra.bodies.front()), 1e-3);
  EXPECT_GT(goal_value(sa, ra, "s1.impact_time_s"),
            goal_value(sa, ra, "s1.vacuum_impact_time_s") + 10.0);
}

TEST(ImpactTimeGoal, IsAGoalNameAndRefusesUnknownBodies) {
  const Scenario sc = config::load_scenario(kTwoStages, "impact_time.yaml");
  const flight::FlightResult r = flight::fly(sc);
  EXPECT_NO_THROW(check_goal_name(r, "s1.impact_time_s"));
  EXPECT_NO_THROW(check_goal_name(r, "s1.vacuum_impact_time_s"));
  EXPECT_THROW(check_goal_name(r, "s9.impact_time_s"), config::ConfigError);
  bool listed = false;
  for (const auto& n : goal_names(r)) listed = listed || n == "s1.impact_time_s";
  EXPECT_TRUE(listed);
  EXPECT_DOUBLE_EQ(parse_goal("s1.impact_time_s=420").tolerance, 0.1);  // *_s default
}

TEST(ImpactTimeGoal, TargetRecoversThePropellantLoadFromTheTimeOfFall) {
  // The time the spent stage lands (computed analytically, as above, for the true load) pins the
  // first stage's propellant load: start 5 % off and recover it.
  const Scenario sc = config::load_scenario(kTwoStages, "impact_time.yaml");
  const flight::FlightResult r = flight::fly(sc);
  const flight::BodyResult& s1 = r.bodies.front();
  ASSERT_EQ(s1.name, "s1");
  const double t_fall = kepler_fall_time_s(sc, s1);
  const std::string start = config::replace_scalars(
      kTwoStages, {{"vehicle.stages[0].propellant_mass_kg", "5700"}}, "start.yaml");
  const TargetResult t = solve(start, "start.yaml", {"vehicle.stages[0].propellant_mass_kg"},
                               {{"s1.impact_time_s", t_fall, 0.01}});
  ASSERT_TRUE(t.met) << t.message;
  EXPECT_NEAR(t.initial[0], 5700.0, 1e-9);
  EXPECT_NEAR(t.solution[0], 6000.0, 1.0);  // [kg]: 0.01 s of fall time is ~0.1 kg
  EXPECT_NEAR(t.achieved[0], t_fall, 0.01);
}

}  // namespace
}  // namespace launchmc::targeting
