// Flight-termination rules (scenario.range_safety): an IIP corridor terminates the flight where
// the IIP track recorded without the rule crosses the corridor's edge (interpolated here); a
// deviation limit terminates it where the cross-range from the nominal, recomputed here from the
// two flights' histories, reaches the limit; rules that never fire change nothing, to the bit.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "config/load_scenario.hpp"
#include "flight/flight.hpp"

namespace launchmc::flight {
namespace {

class VehicleHistory final : public TrajectoryRecorder {
 public:
  void record(int id, double t_s, const State& y, const Thrust&) override {
    if (id == -1) {
      t.push_back(t_s);
      states.push_back(y);
    }
  }
  std::vector<double> t;
  std::vector<State> states;
};

std::string two_stage(const std::string& extra) {
  return R"(
name: two stage
launch: {lat_deg: 10, lon_deg: 20, azimuth_deg: 90, epoch_utc: "2024-01-01T00:00:00Z"}
vehicle:
  payload: {mass_kg: 100, drag: {ref_area_m2: 0.3, cd_mach: [[0, 1.0]]}}
  stages:
    - {name: s1, thrust_vac_N: 4.0e4, isp_vac_s: 250, propellant_mass_kg: 1000, dry_mass_kg: 200,
       separation_delay_s: 1,
       stack_drag: {ref_area_m2: 1, cd_mach: [[0, 0.3]]}, spent_drag: {ref_area_m2: 1, cd_mach: [[0, 1.0]]}}
    - {name: s2, thrust_vac_N: 1.0e4, isp_vac_s: 300, propellant_mass_kg: 300, dry_mass_kg: 50,
       ignition_delay_s: 2,
       stack_drag: {ref_area_m2: 0.5, cd_mach: [[0, 0.3]]}, spent_drag: {ref_area_m2: 0.5, cd_mach: [[0, 1.0]]}}
guidance: {vertical_rise_s: 5, pitch_kick_deg: 20, pitch_kick_duration_s: 5}
iip: {step_s: 0.1}
)" + extra;
}

const FlightEvent* find_event(const FlightResult& r, EventKind kind) {
  for (const auto& e : r.events)
    if (e.kind == kind) return &e;
  return nullptr;
}

void expect_identical(const FlightResult& a, const FlightResult& b) {
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.breakup_cause, b.breakup_cause);
  ASSERT_EQ(a.events.size(), b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    EXPECT_EQ(a.events[i].kind, b.events[i].kind);
    EXPECT_EQ(a.events[i].t_s, b.events[i].t_s);
    EXPECT_TRUE(a.events[i].state == b.events[i].state) << i;
  }
  ASSERT_EQ(a.iip.size(), b.iip.size());
  for (std::size_t i = 0; i < a.iip.size(); ++i) {
    EXPECT_EQ(a.iip[i].lat_deg, b.iip[i].lat_deg);
    EXPECT_EQ(a.iip[i].lon_deg, b.iip[i].lon_deg);
  }
  ASSERT_EQ(a.bodies.size(), b.bodies.size());
  for (std::size_t i = 0; i < a.bodies.size(); ++i)
    EXPECT_TRUE(a.bodies[i].impact.state == b.bodies[i].impact.state) << i;
  EXPECT_EQ(a.ascent_stats.rhs_evaluations, b.ascent_stats.rhs_evaluations);
}

TEST(TerminationRules, IipCorridorTerminatesWhereTheIipTrackCrossesItsEdge) {
  const FlightResult free = fly(config::load_scenario(two_stage(""), "free.yaml"));
  // The corridor's east edge halfway between the IIP longitudes at 30.0 s and 30.1 s.
  const std::size_t k = 300;
  ASSERT_GT(free.iip.size(), k + 1);
  ASSERT_NEAR(free.iip[k].t_s, 30.0, 1e-9);
  const double lon0 = free.iip[k].lon_deg, lon1 = free.iip[k + 1].lon_deg;
  ASSERT_GT(lon1, lon0);
  const double edge = 0.5 * (lon0 + lon1);
  for (std::size_t i = 0; i < k; ++i) ASSERT_LT(free.iip[i].lon_deg, edge);  // first crossing
  const double t_ref = 30.0 + 0.1 * (edge - lon0) / (lon1 - lon0);

  const std::string rule = fmt::format(R"(
range_safety:
  iip_corridors:
    - name: east_edge
      points: [{{lat_deg: 5, lon_deg: 15}}, {{lat_deg: 15, lon_deg: 15}}, {{lat_deg: 15, lon_deg: {0:.12f}}},
               {{lat_deg: 5, lon_deg: {0:.12f}}}]
)",
                                       edge);
  const FlightResult r = fly(config::load_scenario(two_stage(rule), "corridor.yaml"));
  ASSERT_EQ(r.breakup_cause, BreakupCause::termination_rule);
  EXPECT_EQ(r.powered_flight_end, PoweredFlightEnd::breakup);
  EXPECT_EQ(r.termination_rule, 0);
  EXPECT_EQ(r.failure_mode, -1);
  EXPECT_EQ(r.status, FlightStatus::crash);
  const FlightEvent* breakup = find_event(r, EventKind::breakup);
  ASSERT_NE(breakup, nullptr);
  EXPECT_NEAR(breakup->t_s, t_ref, 2e-3);
  EXPECT_FALSE(r.bodies.empty());
}

TEST(TerminationRules, CorridorWindowOpeningWithTheIipOutsideTerminatesAtTheOpening) {
  // The IIP is past 20.5 deg E well before 40 s: the rule, active from 40 s, fires at 40 s.
  const FlightResult free = fly(config::load_scenario(two_stage(""), "free.yaml"));
  ASSERT_GT(free.iip[400].lon_deg, 20.05);
  const std::string rule = R"(
range_safety:
  iip_corridors:
    - name: late
      active_from_s: 40
      points: [{lat_deg: 5, lon_deg: 15}, {lat_deg: 15, lon_deg: 15}, {lat_deg: 15, lon_deg: 20.05}, {lat_deg: 5, lon_deg: 20.05}]
)";
  const FlightResult r = fly(config::load_scenario(two_stage(rule), "late.yaml"));
  ASSERT_EQ(r.breakup_cause, BreakupCause::termination_rule);
  const FlightEvent* breakup = find_event(r, EventKind::breakup);
  ASSERT_NE(breakup, nullptr);
  EXPECT_NEAR(breakup->t_s, 40.0, 1e-4);
}

TEST(TerminationRules, RulesThatNeverFireChangeNothingToTheBit) {
  const Scenario plain = config::load_scenario(two_stage(""), "plain.yaml");
  const Scenario ruled = config::load_scenario(two_stage(R"(
range_safety:
  iip_corridors:
    - name: wide
      points: [{lat_deg: -60, lon_deg: -100}, {lat_deg: 60, lon_deg: -100}, {lat_deg: 60, lon_deg: 160}, {lat_deg: -60, lon_deg: 160}]
  deviation_limits:
    - {name: loose, cross_range_m: 1.0e6, altitude_m: 1.0e6, flight_path_angle_deg: 180, speed_mps: 1.0e5}
)"),
                                               "ruled.yaml");
  const NominalTrack track = record_nominal_track(ruled);
  ASSERT_GT(track.states.size(), 100u);
  SampleDraws draws;  // a dispersed-like flight: a thrust loss of the second stage
  draws.failure.mode = 0;
  draws.failure.stage = 1;
  draws.failure.time_after_ignition_s = 5.0;
  draws.failure.effect = ThrustLoss{0.7};
  expect_identical(fly(plain), fly(ruled, SampleDraws{}, nullptr, &track));
  expect_identical(fly(plain, draws), fly(ruled, draws, nullptr, &track));
}

TEST(TerminationRules, DeviationLimitTerminatesWhereTheCrossRangeReachesIt) {
  const double limit_m = 500.0;
  const Scenario base = config::load_scenario(two_stage(R"(
range_safety:
  deviation_limits:
    - {name: cross, cross_range_m: 500}
output: {history_step_s: 0.05}
)"),
                                              "dev.yaml");
  const NominalTrack track = record_nominal_track(base);
  VehicleHistory nominal, free;
  fly(base, SampleDraws{}, &nominal);  // the nominal flight: no reference, no deviation rule
  Scenario dispersed = base;
  dispersed.guidance.azimuth_deg += 2.0;  // pushes the trajectory across
  Scenario dispersed_free = dispersed;
  dispersed_free.range_safety = {};
  fly(dispersed_free, SampleDraws{}, &free);
  const FlightResult r = fly(dispersed, SampleDraws{}, nullptr, &track);
  ASSERT_EQ(r.breakup_cause, BreakupCause::termination_rule);
  EXPECT_EQ(r.termination_rule, 0);
  const FlightEvent* breakup = find_event(r, EventKind::breakup);
  ASSERT_NE(breakup, nullptr);

  // Cross-range from the histories at the common grid times: (r - r_nom) . w, w the unit normal
  // of the nominal's inertial plane; its first crossing of the limit, interpolated linearly.
  double t_ref = NAN, prev_t = NAN, prev_excess = NAN;
  std::size_t j = 0;
  for (std::size_t i = 0; i < free.t.size() && std::isnan(t_ref); ++i) {
    while (j < nominal.t.size() && nominal.t[j] < free.t[i]) ++j;
    if (j >= nominal.t.size() || nominal.t[j] != free.t[i]) continue;
    const Eigen::Vector3d rn = nominal.states[j].head<3>(), vn = nominal.states[j].segment<3>(3);
    const Eigen::Vector3d w = rn.cross(vn).normalized();
    const double cross = (free.states[i].head<3>() - rn).dot(w);
    const double excess = std::abs(cross) - limit_m;
    if (prev_excess < 0.0 && excess >= 0.0)
      t_ref = prev_t + (free.t[i] - prev_t) * (-prev_excess) / (excess - prev_excess);
    prev_t = free.t[i];
    prev_excess = excess;
  }
  ASSERT_TRUE(std::isfinite(t_ref));
  EXPECT_NEAR(breakup->t_s, t_ref, 0.01);
  EXPECT_GT(t_ref, 10.0);
}

}  // namespace
}  // namespace launchmc::flight
