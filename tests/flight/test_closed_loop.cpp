// Closed-loop (UPFG) guidance of Chollima-1's third stage in the full flight: from every corner of
// the stage's thrust (+-5 %), Isp (+-2 %) and dry mass (+-3 %) the guided stage reaches the tracked
// orbit, 493 x 512 km (catalogue altitudes above the equatorial radius) at 97.4 deg, while the same
// vehicle flown open loop (its calibrated pitch and yaw program, timed cutoff) misses. The
// reference values are the facts the config targets, not outputs of the code.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "../support/performance_corners.hpp"
#include "common/constants.hpp"
#include "config/load_scenario.hpp"
#include "flight/flight.hpp"

namespace launchmc::flight {
namespace {

using testing_support::kPerformanceCorners;
using testing_support::PerformanceCorner;
using testing_support::stage_at_corner;

const std::string kConfig = std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml";
constexpr double kReq_km = constants::wgs84_a_m / 1e3;

struct Orbit {
  bool in_orbit = false;
  double perigee_km = NAN, apogee_km = NAN, incl_deg = NAN;  // catalogue altitudes
};

Orbit orbit_of(const FlightResult& r) {
  Orbit o;
  if (!r.insertion) return o;
  const orbit::Elements& e = r.insertion->elements;
  o.in_orbit = r.status == FlightStatus::orbit;
  o.perigee_km = e.periapsis_radius_m / 1e3 - kReq_km;
  o.apogee_km = e.apoapsis_radius_m / 1e3 - kReq_km;
  o.incl_deg = e.inclination_rad * constants::rad_to_deg;
  return o;
}

TEST(ClosedLoopGuidance, ReachesTheOrbitFromEveryPerformanceCornerWhereOpenLoopMisses) {
  const std::string text = config::read_text_file(kConfig);
  int open_loop_misses = 0;
  for (const PerformanceCorner& c : kPerformanceCorners) {
    SCOPED_TRACE(testing::Message() << c);
    std::vector<config::Override> o = stage_at_corner(2, 4.4e4, 310.0, 750.0, c);
    const FlightResult guided = fly(config::load_scenario(text, kConfig, o));
    EXPECT_EQ(guided.powered_flight_end, PoweredFlightEnd::guidance_cutoff);
    const Orbit g = orbit_of(guided);
    ASSERT_TRUE(g.in_orbit);
    EXPECT_NEAR(g.perigee_km, 493.0, 1.0);
    EXPECT_NEAR(g.apogee_km, 512.0, 1.0);
    EXPECT_NEAR(g.incl_deg, 97.4, 0.01);

    o.push_back({"vehicle.stages[2].guidance.enabled", "false"});
    const FlightResult open = fly(config::load_scenario(text, kConfig, o));
    EXPECT_NE(open.powered_flight_end, PoweredFlightEnd::guidance_cutoff);
    const Orbit ol = orbit_of(open);
    if (!ol.in_orbit || std::abs(ol.perigee_km - 493.0) > 10.0 ||
        std::abs(ol.apogee_km - 512.0) > 10.0)
      ++open_loop_misses;
  }
  EXPECT_GE(open_loop_misses, 6);  // of 8 corners
}

// With the node fixed (raan_deg given: the one the free-node guidance reaches nominally), every
// corner also meets the node.
TEST(ClosedLoopGuidance, MeetsAFixedNodeFromEveryPerformanceCorner) {
  const std::string text = config::read_text_file(kConfig);
  const FlightResult free_node = fly(config::load_scenario(text, kConfig));
  ASSERT_TRUE(free_node.insertion);
  const double raan_deg = free_node.insertion->elements.raan_rad * constants::rad_to_deg;
  std::string fixed = text;
  const std::string key = "inclination_deg: 97.4}";
  const auto pos = fixed.find(key);
  ASSERT_NE(pos, std::string::npos);
  fixed.replace(pos, key.size(),
                "inclination_deg: 97.4, raan_deg: " + std::to_string(raan_deg) + "}");
  for (const PerformanceCorner& c : kPerformanceCorners) {
    SCOPED_TRACE(testing::Message() << c);
    const FlightResult f = fly(config::load_scenario(fixed, "fixed_node.yaml",
                                                     stage_at_corner(2, 4.4e4, 310.0, 750.0, c)));
    const Orbit g = orbit_of(f);
    ASSERT_TRUE(g.in_orbit);
    EXPECT_NEAR(g.perigee_km, 493.0, 1.0);
    EXPECT_NEAR(g.apogee_km, 512.0, 1.0);
    EXPECT_NEAR(g.incl_deg, 97.4, 0.01);
    EXPECT_NEAR(f.insertion->elements.raan_rad * constants::rad_to_deg, raan_deg, 0.01);
  }
}

// Fixing the node at the one the free-node guidance reaches adds a constraint that the free-node
// solution already satisfies, so an efficient guidance spends (nearly) the same propellant: here
// within 20 kg of the ~5.1 t burned. (An earlier calibration, with stage 3 igniting lower and
// flatter, spent 325 kg more with the node fixed and missed the orbit at a corner: this pins it.)
TEST(ClosedLoopGuidance, FixingTheNodeTheFreeNodeGuidanceReachesCostsNoPropellant) {
  const std::string text = config::read_text_file(kConfig);
  const FlightResult free_node = fly(config::load_scenario(text, kConfig));
  ASSERT_TRUE(free_node.insertion);
  const double raan_deg = free_node.insertion->elements.raan_rad * constants::rad_to_deg;
  std::string fixed = text;
  const std::string key = "inclination_deg: 97.4}";
  const auto pos = fixed.find(key);
  ASSERT_NE(pos, std::string::npos);
  fixed.replace(pos, key.size(),
                "inclination_deg: 97.4, raan_deg: " + std::to_string(raan_deg) + "}");
  const FlightResult f = fly(config::load_scenario(fixed, "fixed_node.yaml"));
  ASSERT_TRUE(f.insertion);
  EXPECT_NEAR(f.insertion->state[6], free_node.insertion->state[6], 20.0);  // mass [kg]
}

// Navigation: the guidance stops when the navigated orbit has the target energy. An along-track
// velocity bias dv leaves the true semi-major axis short by the vis-viva amount
// da = 2 a^2 v dv / mu; a radial position bias dr (the navigated radius too high) by
// da = 2 a^2 dr / r^2 (the potential energy -mu/r seen at r + dr).
TEST(ClosedLoopGuidance, NavigationBiasesShiftTheOrbitAsTwoBodyMechanicsPredicts) {
  const std::string text = config::read_text_file(kConfig);
  const FlightResult exact = fly(config::load_scenario(text, kConfig));
  ASSERT_TRUE(exact.insertion);
  const double a = exact.insertion->elements.semi_major_axis_m;
  const double v = exact.insertion->state.segment<3>(3).norm();
  const double r = exact.insertion->state.head<3>().norm();
  const double mu = constants::wgs84_gm_m3ps2;

  const FlightResult vbias = fly(config::load_scenario(
      text, kConfig, {{"vehicle.stages[2].guidance.navigation.velocity_bias_mps[1]", "2.0"}}));
  ASSERT_TRUE(vbias.insertion);
  EXPECT_NEAR((vbias.insertion->elements.semi_major_axis_m - a) / (-2.0 * a * a * v * 2.0 / mu),
              1.0, 0.03);

  const double dr_m = 1000.0;
  const FlightResult rbias = fly(config::load_scenario(
      text, kConfig,
      {{"vehicle.stages[2].guidance.navigation.position_bias_m[0]", std::to_string(dr_m)}}));
  ASSERT_TRUE(rbias.insertion);
  EXPECT_NEAR((rbias.insertion->elements.semi_major_axis_m - a) / (-2.0 * a * a * dr_m / (r * r)),
              1.0, 0.03);
}

// Navigation noise is part of the sample: the same seed flies the same flight, another seed
// another one, and with 100 m / 0.1 m/s per cycle the orbit stays close to the target.
TEST(ClosedLoopGuidance, NavigationNoiseIsReproducibleAndBounded) {
  const std::string text = config::read_text_file(kConfig);
  const std::vector<config::Override> o = {
      {"vehicle.stages[2].guidance.navigation.position_noise_m", "100"},
      {"vehicle.stages[2].guidance.navigation.velocity_noise_mps", "0.1"}};
  Scenario sc = config::load_scenario(text, kConfig, o);
  const FlightResult nominal = fly(sc);  // the nominal flight draws no noise
  SampleDraws draws;
  draws.navigation_noise = true;
  draws.navigation_seed = 11;
  const FlightResult a1 = fly(sc, draws), a2 = fly(sc, draws);
  draws.navigation_seed = 12;
  const FlightResult b = fly(sc, draws);
  ASSERT_TRUE(a1.insertion && a2.insertion && b.insertion);
  EXPECT_EQ(a1.insertion->elements.semi_major_axis_m, a2.insertion->elements.semi_major_axis_m);
  EXPECT_NE(a1.insertion->elements.semi_major_axis_m, b.insertion->elements.semi_major_axis_m);
  ASSERT_TRUE(nominal.insertion);
  EXPECT_NE(a1.insertion->elements.semi_major_axis_m,
            nominal.insertion->elements.semi_major_axis_m);
  draws.navigation_noise = false;
  EXPECT_EQ(fly(sc, draws).insertion->elements.semi_major_axis_m,
            nominal.insertion->elements.semi_major_axis_m);
  for (const FlightResult* f : {&a1, &b}) {
    const Orbit g = orbit_of(*f);
    EXPECT_NEAR(g.perigee_km, 493.0, 3.0);
    EXPECT_NEAR(g.apogee_km, 512.0, 3.0);
    EXPECT_NEAR(g.incl_deg, 97.4, 0.05);
  }
}

}  // namespace
}  // namespace launchmc::flight
