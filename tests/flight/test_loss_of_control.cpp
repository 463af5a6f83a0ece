// The loss_of_control failure in flight: a zero turn rate flies the commanded trajectory; the
// angle between the thrust and the command grows as rate x (t - t_failure) toward the drawn side
// (checked against the local vertical of a vertical ascent over a non-rotating sphere, computed
// here); the stack does not stage after it; the q-alpha breakup happens where q alpha, recomputed
// here from the recorded history with the US76 density, reaches the limit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "atmosphere/us76.hpp"
#include "config/load_scenario.hpp"
#include "flight/flight.hpp"

namespace launchmc::flight {
namespace {

constexpr double kDegToRad = 3.14159265358979323846 / 180.0;

// The vehicle's own history points with the thrust acting there.
struct Point {
  double t_s;
  State y;
  Eigen::Vector3d thrust_dir;
  double thrust_N;
};
class VehicleHistory final : public TrajectoryRecorder {
 public:
  void record(int id, double t_s, const State& y, const Thrust& th) override {
    if (id == -1) points.push_back({t_s, y, th.direction_eci, th.thrust_N});
  }
  std::vector<Point> points;
};

SampleDraws loss_of_control(std::size_t stage, double t_after_ignition_s, double rate_deg_s,
                            double direction_deg) {
  SampleDraws d;
  d.failure.mode = 0;
  d.failure.stage = stage;
  d.failure.time_after_ignition_s = t_after_ignition_s;
  d.failure.effect = LossOfControl{rate_deg_s * kDegToRad, direction_deg * kDegToRad};
  return d;
}

const FlightEvent* find_event(const FlightResult& r, EventKind kind, int index) {
  for (const auto& e : r.events)
    if (e.kind == kind && e.index == index) return &e;
  return nullptr;
}

const char* kTwoStage = R"(
name: two stage
launch: {lat_deg: 10, lon_deg: 20, azimuth_deg: 90, epoch_utc: "2024-01-01T00:00:00Z"}
vehicle:
  payload: {mass_kg: 100, drag: {ref_area_m2: 0.3, cd_mach: [[0, 1.0]]}}
  stages:
    - {name: s1, thrust_vac_N: 4.0e4, isp_vac_s: 250, propellant_mass_kg: 1000, dry_mass_kg: 200,
       separation_delay_s: 1, q_alpha_limit_Pa_rad: 2000,
       stack_drag: {ref_area_m2: 1, cd_mach: [[0, 0.3]]}, spent_drag: {ref_area_m2: 1, cd_mach: [[0, 1.0]]}}
    - {name: s2, thrust_vac_N: 1.0e4, isp_vac_s: 300, propellant_mass_kg: 300, dry_mass_kg: 50,
       ignition_delay_s: 2,
       stack_drag: {ref_area_m2: 0.5, cd_mach: [[0, 0.3]]}, spent_drag: {ref_area_m2: 0.5, cd_mach: [[0, 1.0]]}}
guidance: {vertical_rise_s: 5, pitch_kick_deg: 20, pitch_kick_duration_s: 5}
)";

TEST(LossOfControl, ZeroRateFliesTheCommandedTrajectoryAndTheStackDoesNotStage) {
  Scenario sc = config::load_scenario(kTwoStage, "two_stage.yaml");
  sc.vehicle.stages[0].q_alpha_limit_Pa_rad.reset();
  const FlightResult nominal = fly(sc);
  const FlightResult failed = fly(sc, loss_of_control(0, 12.0, 0.0, 45.0));
  const FlightEvent* bo_nom = find_event(nominal, EventKind::burnout, 0);
  const FlightEvent* bo = find_event(failed, EventKind::burnout, 0);
  ASSERT_NE(bo_nom, nullptr);
  ASSERT_NE(bo, nullptr);
  ASSERT_NE(find_event(failed, EventKind::loss_of_control, 0), nullptr);
  EXPECT_EQ(failed.failure_mode, 0);
  // The same burnout (to the integrator's tolerance: the failure only splits a segment).
  EXPECT_NEAR(bo->t_s, bo_nom->t_s, 1e-6);
  EXPECT_LT((bo->state.head<3>() - bo_nom->state.head<3>()).norm(), 0.01);
  EXPECT_LT((bo->state.segment<3>(3) - bo_nom->state.segment<3>(3)).norm(), 1e-4);
  // Then no separation and no second stage: the whole stack falls, with the mass of the upper
  // stage and payload still on it.
  EXPECT_NE(find_event(nominal, EventKind::separation, 0), nullptr);
  EXPECT_EQ(find_event(failed, EventKind::separation, 0), nullptr);
  EXPECT_EQ(find_event(failed, EventKind::ignition, 1), nullptr);
  EXPECT_TRUE(failed.bodies.empty());
  EXPECT_EQ(failed.status, FlightStatus::crash);
  EXPECT_EQ(failed.breakup_cause, BreakupCause::none);
  EXPECT_EQ(failed.powered_flight_end, PoweredFlightEnd::depletion);
  const FlightEvent* impact = find_event(failed, EventKind::impact, -1);
  ASSERT_NE(impact, nullptr);
  EXPECT_DOUBLE_EQ(impact->state[6], 200.0 + 50.0 + 300.0 + 100.0);
}

// A vertical ascent (the command is the local vertical throughout) with no gravity, no air and a
// non-rotating sphere: the command at a point is r / |r|, independent of the flight code.
const char* kVertical = R"(
name: vertical
launch: {lat_deg: 0, lon_deg: 0, azimuth_deg: 90, epoch_utc: "2024-01-01T00:00:00Z"}
atmosphere: {density_scale: 0}
earth: {rotating: false, shape: sphere}
gravity: {degree: 0, enabled: false}
vehicle:
  payload: {mass_kg: 100}
  stages:
    - {name: s1, thrust_vac_N: 2.0e4, isp_vac_s: 250, propellant_mass_kg: 1000, dry_mass_kg: 200,
       stack_drag: {ref_area_m2: 1, cd_mach: [[0, 0.0]]}}
guidance: {vertical_rise_s: 1000, pitch_kick_deg: 1, pitch_kick_duration_s: 1}
limits: {max_flight_time_s: 150}
output: {history_step_s: 0.5}
)";

TEST(LossOfControl, ThrustTurnsAwayFromTheCommandAtTheDrawnRateTowardTheDrawnSide) {
  const Scenario sc = config::load_scenario(kVertical, "vertical.yaml");
  const double t_fail = 20.0, rate_deg_s = 3.0;
  // 90 deg: to the right of the commanded heading (east at the equator): south.
  VehicleHistory h;
  const FlightResult r = fly(sc, loss_of_control(0, t_fail, rate_deg_s, 90.0), &h);
  const FlightEvent* bo = find_event(r, EventKind::burnout, 0);
  ASSERT_NE(bo, nullptr);
  int checked = 0;
  for (const Point& p : h.points) {
    if (!(p.thrust_N > 0.0) || p.t_s >= bo->t_s) continue;
    const Eigen::Vector3d up = p.y.head<3>().normalized();
    const double angle_deg = std::acos(std::clamp(p.thrust_dir.dot(up), -1.0, 1.0)) / kDegToRad;
    const double expected = p.t_s <= t_fail ? 0.0 : rate_deg_s * (p.t_s - t_fail);
    if (expected > 170.0) continue;  // past pi the angle folds back (a tumble)
    EXPECT_NEAR(angle_deg, expected, 1e-5) << "t = " << p.t_s;
    if (expected > 1.0) {
      // South: the local north is +z at the equator's meridian plane; east is up x z-ish.
      const Eigen::Vector3d north =
          (Eigen::Vector3d::UnitZ() - up.z() * up).normalized();  // local north on the sphere
      const Eigen::Vector3d east = north.cross(up);
      const Eigen::Vector3d side = p.thrust_dir - p.thrust_dir.dot(up) * up;
      EXPECT_LT(side.normalized().dot(north), -0.999) << "t = " << p.t_s;
      EXPECT_NEAR(side.normalized().dot(east), 0.0, 1e-3) << "t = " << p.t_s;
    }
    ++checked;
  }
  EXPECT_GT(checked, 60);
}

TEST(LossOfControl, PitchUpSideOfAVerticalCommandIsAwayFromTheHeading) {
  const Scenario sc = config::load_scenario(kVertical, "vertical.yaml");
  VehicleHistory h;
  fly(sc, loss_of_control(0, 10.0, 2.0, 0.0), &h);
  int checked = 0;
  for (const Point& p : h.points) {
    if (!(p.thrust_N > 0.0) || p.t_s < 15.0 || p.t_s > 40.0) continue;
    const Eigen::Vector3d up = p.y.head<3>().normalized();
    const Eigen::Vector3d north = (Eigen::Vector3d::UnitZ() - up.z() * up).normalized();
    const Eigen::Vector3d east = north.cross(up);
    const Eigen::Vector3d side = (p.thrust_dir - p.thrust_dir.dot(up) * up).normalized();
    EXPECT_LT(side.dot(east), -0.999) << "t = " << p.t_s;  // heading east: leans west
    ++checked;
  }
  EXPECT_GT(checked, 20);
}

TEST(LossOfControl, BreaksUpWhereQAlphaReachesTheLimit) {
  Scenario sc = config::load_scenario(kTwoStage, "two_stage.yaml");
  sc.history_step_s = 0.01;
  const double limit = *sc.vehicle.stages[0].q_alpha_limit_Pa_rad;
  VehicleHistory h;
  const FlightResult r = fly(sc, loss_of_control(0, 8.0, 4.0, 200.0), &h);
  ASSERT_EQ(r.breakup_cause, BreakupCause::q_alpha);
  EXPECT_EQ(r.powered_flight_end, PoweredFlightEnd::breakup);
  EXPECT_EQ(r.termination_rule, -1);
  EXPECT_EQ(r.failure_mode, 0);
  EXPECT_EQ(r.status, FlightStatus::crash);
  const FlightEvent* breakup = find_event(r, EventKind::breakup, 0);
  ASSERT_NE(breakup, nullptr);
  EXPECT_FALSE(r.bodies.empty());  // the debris (here the intact stages and payload)

  // q alpha from the history: US76 density at the geodetic height (computed here on WGS-84 by
  // the usual iteration), the air rotating with the Earth (no wind), alpha between the recorded
  // thrust direction and the air-relative velocity.
  const double omega = 7.292115e-5;  // WGS-84 rotation rate [rad/s]
  const double a = 6378137.0, f = 1.0 / 298.257223563, e2 = f * (2.0 - f);
  auto height = [&](const Eigen::Vector3d& r_m) {
    const double p = std::hypot(r_m.x(), r_m.y());
    double lat = std::atan2(r_m.z(), p * (1.0 - e2)), hgt = 0.0;
    for (int i = 0; i < 10; ++i) {
      const double n = a / std::sqrt(1.0 - e2 * std::sin(lat) * std::sin(lat));
      hgt = p / std::cos(lat) - n;
      lat = std::atan2(r_m.z(), p * (1.0 - e2 * n / (n + hgt)));
    }
    return hgt;
  };
  double t_cross = NAN, prev_t = NAN, prev_excess = NAN;
  for (const Point& p : h.points) {
    if (!(p.thrust_N > 0.0) || p.t_s < 8.0) continue;
    const Eigen::Vector3d rr = p.y.head<3>(), v = p.y.segment<3>(3);
    const Eigen::Vector3d v_air = v - Eigen::Vector3d(-omega * rr.y(), omega * rr.x(), 0.0);
    const double rho = atmosphere::us76().at(height(rr)).density_kgpm3;
    const double q = 0.5 * rho * v_air.squaredNorm();
    const double alpha = std::acos(std::clamp(p.thrust_dir.dot(v_air.normalized()), -1.0, 1.0));
    const double excess = q * alpha - limit;
    if (prev_excess < 0.0 && excess >= 0.0) {
      t_cross = prev_t + (p.t_s - prev_t) * (-prev_excess) / (excess - prev_excess);
      break;
    }
    prev_t = p.t_s;
    prev_excess = excess;
  }
  ASSERT_TRUE(std::isfinite(t_cross));
  EXPECT_NEAR(breakup->t_s, t_cross, 0.01);
  EXPECT_GT(breakup->t_s, 8.0 + 0.2);  // the turn took time to build the angle
}

TEST(LossOfControl, WithoutAQAlphaLimitTheTumbleFliesToBurnout) {
  Scenario sc = config::load_scenario(kTwoStage, "two_stage.yaml");
  sc.vehicle.stages[0].q_alpha_limit_Pa_rad.reset();
  const FlightResult r = fly(sc, loss_of_control(0, 20.0, 1.0, 90.0));
  EXPECT_EQ(r.breakup_cause, BreakupCause::none);
  EXPECT_NE(find_event(r, EventKind::burnout, 0), nullptr);
  EXPECT_EQ(find_event(r, EventKind::separation, 0), nullptr);
}

}  // namespace
}  // namespace launchmc::flight
