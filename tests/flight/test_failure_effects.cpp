// The failure effects in flight: a separation failure (the spent stage stays attached, the next
// stage flies its mass and drag, or does not ignite), an ignition failure and a thrust loss, on a
// two-stage vehicle; expectations from the event table and the rocket equation's direction (more
// mass or less thrust: less speed), not from numbers of the code under test.
#include <gtest/gtest.h>

#include <string>

#include "config/load_scenario.hpp"
#include "flight/flight.hpp"

namespace launchmc::flight {
namespace {

Scenario two_stage() {
  return config::load_config(R"(
name: two stage
launch: {lat_deg: 10, lon_deg: 20, azimuth_deg: 90, epoch_utc: "2024-01-01T00:00:00Z"}
vehicle:
  payload: {mass_kg: 100}
  stages:
    - {name: s1, thrust_vac_N: 4.0e4, isp_vac_s: 250, propellant_mass_kg: 1000, dry_mass_kg: 200,
       separation_delay_s: 1,
       stack_drag: {ref_area_m2: 1, cd_mach: [[0, 0.3]]}, spent_drag: {ref_area_m2: 1, cd_mach: [[0, 1.0]]}}
    - {name: s2, thrust_vac_N: 1.0e4, isp_vac_s: 300, propellant_mass_kg: 300, dry_mass_kg: 50,
       ignition_delay_s: 2,
       stack_drag: {ref_area_m2: 0.5, cd_mach: [[0, 0.3]]}, spent_drag: {ref_area_m2: 0.5, cd_mach: [[0, 1.0]]}}
guidance: {vertical_rise_s: 5, pitch_kick_deg: 20, pitch_kick_duration_s: 5}
)",
                             "two_stage.yaml")
      .scenario;
}

SampleDraws failure(FailureEffect effect, std::size_t stage, double t = 0.0) {
  SampleDraws d;
  d.failure.mode = 0;
  d.failure.stage = stage;
  d.failure.time_after_ignition_s = t;
  d.failure.effect = effect;
  return d;
}

bool has_event(const FlightResult& r, EventKind kind, int index) {
  for (const auto& e : r.events)
    if (e.kind == kind && e.index == index) return true;
  return false;
}

double speed_at_burnout(const FlightResult& r, int stage) {
  for (const auto& e : r.events)
    if (e.kind == EventKind::burnout && e.index == stage) return e.state.segment<3>(3).norm();
  return NAN;
}

TEST(FailureEffects, SeparationFailureFliesTheStuckStageAlong) {
  const Scenario sc = two_stage();
  const FlightResult nominal = fly(sc);
  const FlightResult stuck = fly(sc, failure(SeparationFailure{true}, 0));
  EXPECT_TRUE(has_event(nominal, EventKind::separation, 0));
  EXPECT_TRUE(has_event(stuck, EventKind::separation_failure, 0));
  EXPECT_FALSE(has_event(stuck, EventKind::separation, 0));
  EXPECT_TRUE(has_event(stuck, EventKind::ignition, 1));
  EXPECT_EQ(stuck.failure_mode, 0);
  // s1 is not released on its own: it falls with s2 (released together at s2's burnout: none
  // here, the last stage keeps the payload), so no body named s1.
  for (const BodyResult& b : stuck.bodies) EXPECT_NE(b.name.str(), "s1");
  // 200 kg more to push: less speed at s2's burnout, and the same propellant burnt (depletion
  // at the burnout mass that includes the stuck stage).
  EXPECT_LT(speed_at_burnout(stuck, 1), speed_at_burnout(nominal, 1) - 50.0);
  for (const auto& e : stuck.events)
    if (e.kind == EventKind::burnout && e.index == 1) {
      EXPECT_NEAR(e.state[6], 200 + 50 + 100, 1e-6);
    }
}

TEST(FailureEffects, SeparationFailureWithoutIgnitionAndIgnitionFailureFall) {
  const Scenario sc = two_stage();
  for (const FailureEffect& effect :
       {FailureEffect(SeparationFailure{false}), FailureEffect(IgnitionFailure{})}) {
    const std::size_t stage = std::holds_alternative<IgnitionFailure>(effect) ? 1 : 0;
    const FlightResult r = fly(sc, failure(effect, stage));
    EXPECT_FALSE(has_event(r, EventKind::ignition, 1));
    EXPECT_EQ(r.status, FlightStatus::crash);
    EXPECT_EQ(r.powered_flight_end, PoweredFlightEnd::engine_failure);
    EXPECT_EQ(r.failure_mode, 0);
  }
}

TEST(FailureEffects, ThrustLossBurnsLongerAndReachesLessSpeed) {
  const Scenario sc = two_stage();
  const FlightResult nominal = fly(sc);
  const FlightResult weak = fly(sc, failure(ThrustLoss{0.5}, 1, 5.0));
  EXPECT_TRUE(has_event(weak, EventKind::thrust_loss, 1));
  double t_nominal = 0, t_weak = 0;
  for (const auto& e : nominal.events)
    if (e.kind == EventKind::burnout && e.index == 1) t_nominal = e.t_s;
  for (const auto& e : weak.events)
    if (e.kind == EventKind::burnout && e.index == 1) t_weak = e.t_s;
  // Half the mass flow after 5 s of a 88 s burn: the burn lasts ~83 s longer.
  EXPECT_GT(t_weak - t_nominal, 70.0);
  EXPECT_LT(speed_at_burnout(weak, 1), speed_at_burnout(nominal, 1));
}

}  // namespace
}  // namespace launchmc::flight
