// The IIP track that every flight records during powered flight (flight::IipSampler): its grid,
// its extent (liftoff to the end of powered flight), its first point (the pad itself), the
// no-impact points of an orbital ascent, and the config key's range.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "config/load_scenario.hpp"
#include "flight/flight.hpp"

namespace launchmc::flight {
namespace {

std::string vacuum_vehicle(const std::string& extra) {
  return R"(
name: vacuum iip track
launch: {lat_deg: 39.66, lon_deg: 124.7, alt_m: 0, azimuth_deg: 170, epoch_utc: "2023-08-24T03:50:00Z"}
atmosphere: {density_scale: 0}
gravity: {degree: 0}
vehicle:
  payload: {mass_kg: 500}
  stages:
    - name: s1
      thrust_vac_N: 2.0e5
      isp_vac_s: 280
      propellant_mass_kg: 9000
      dry_mass_kg: 1500
      stack_drag: {ref_area_m2: 1, cd_mach: [[0, 0.0]]}
guidance: {vertical_rise_s: 8, pitch_kick_deg: 8, pitch_kick_duration_s: 10}
)" + extra;
}

TEST(IipTrack, OnTheGridFromLiftoffToBurnoutStartingAtThePad) {
  const Scenario sc = config::load_scenario(vacuum_vehicle("iip: {step_s: 7}\n"), "v.yaml");
  const FlightResult r = fly(sc);
  double t_bo = -1.0;
  for (const auto& e : r.events)
    if (e.kind == EventKind::burnout) t_bo = e.t_s;
  // Constant thrust: burn time m_p v_e / F = 9000 * 280 * 9.80665 / 2e5 = 123.57 s.
  ASSERT_NEAR(t_bo, 9000 * 280 * 9.80665 / 2e5, 1e-3);
  const std::size_t n = static_cast<std::size_t>(std::floor(t_bo / 7.0)) + 1;  // 0, 7, ..., 119
  ASSERT_EQ(r.iip.size(), n);
  for (std::size_t k = 0; k < n; ++k) {
    EXPECT_EQ(r.iip[k].t_s, 7.0 * static_cast<double>(k));
    EXPECT_TRUE(std::isfinite(r.iip[k].lat_deg)) << k;
  }
  // On the pad (altitude 0) the vehicle is on the ground: its IIP is the pad, now.
  EXPECT_NEAR(r.iip[0].lat_deg, 39.66, 1e-9);
  EXPECT_NEAR(r.iip[0].lon_deg, 124.7, 1e-9);
  EXPECT_EQ(r.iip[0].time_to_impact_s, 0.0);
  // Downrange (azimuth 170: south) the IIP moves south and its fall time grows.
  EXPECT_LT(r.iip[n - 1].lat_deg, r.iip[n / 2].lat_deg);
  EXPECT_LT(r.iip[n / 2].lat_deg, 39.66);
  EXPECT_GT(r.iip[n - 1].time_to_impact_s, r.iip[n / 2].time_to_impact_s);
}

TEST(IipTrack, AnOrbitalAscentEndsWithNoImpactPoints) {
  const Scenario sc =
      config::load_scenario_file(std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml");
  const FlightResult r = fly(sc);
  ASSERT_EQ(r.status, FlightStatus::orbit);
  ASSERT_TRUE(r.insertion.has_value());
  ASSERT_FALSE(r.iip.empty());
  EXPECT_EQ(sc.iip.step_s, 5.0);
  // The track covers powered flight (coasts between stages included) and no more.
  EXPECT_LE(r.iip.back().t_s, r.insertion->t_s);
  EXPECT_GT(r.iip.back().t_s, r.insertion->t_s - 5.0);
  // Near insertion the perigee is above the surface: no impact point.
  EXPECT_TRUE(std::isnan(r.iip.back().lat_deg));
  EXPECT_TRUE(std::isnan(r.iip.back().time_to_impact_s));
  EXPECT_TRUE(std::isfinite(r.iip[20].lat_deg));
}

TEST(IipTrack, StepOutsideItsRangeIsRefused) {
  EXPECT_THROW(config::load_scenario(vacuum_vehicle("iip: {step_s: 0}\n"), "v.yaml"),
               std::exception);
  EXPECT_THROW(config::load_scenario(vacuum_vehicle("iip: {step_s: 601}\n"), "v.yaml"),
               std::exception);
  EXPECT_THROW(
      config::load_scenario(
          vacuum_vehicle("iip: {lines: [{name: a, points: [{lat_deg: 1, lon_deg: 2}]}]}\n"),
          "v.yaml"),
      std::exception);
}

}  // namespace
}  // namespace launchmc::flight
