// Closed-loop energy cutoff (on a stage whose steering stays open loop: the bundled config's
// closed-loop guidance is disabled here): with the last stage's thrust (+-5 %), Isp (+-2 %) and
// stage mass
// (+-3 %) perturbed, a cutoff on the osculating semi-major axis still meets the target orbit's
// energy, whereas the open-loop timed cutoff misses it.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "../support/performance_corners.hpp"
#include "config/load_scenario.hpp"
#include "flight/flight.hpp"

namespace launchmc::flight {
namespace {

using testing_support::kPerformanceCorners;
using testing_support::PerformanceCorner;
using testing_support::stage_at_corner;

const std::string kConfig = std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml";

double semi_major_axis_km(const FlightResult& r) {
  return r.insertion ? r.insertion->elements.semi_major_axis_m / 1e3 : std::nan("");
}

// The bundled config with stage 3's timed cutoff line replaced by `replacement`.
std::string replace_stage3_cutoff(std::string text, const std::string& replacement) {
  const auto stage3 = text.find("name: stage3");
  const auto pos = text.find("      cutoff_time_s:", stage3);
  EXPECT_NE(stage3, std::string::npos);
  EXPECT_NE(pos, std::string::npos);
  text.replace(pos, text.find('\n', pos) - pos, replacement);
  return text;
}

TEST(EnergyCutoff, MeetsTheTargetEnergyUnderPerturbationsWhereTimedCutoffMisses) {
  std::string text = config::read_text_file(kConfig);
  const Scenario nominal = config::load_scenario(text, kConfig);
  const FlightResult nominal_flight = fly(nominal);
  ASSERT_TRUE(nominal_flight.insertion);
  // Target: the reported orbit's semi-major axis, R_e + (493 + 512) / 2 km.
  const double target_km = 6378.137 + 0.5 * (493.0 + 512.0);
  // Guided variant: the third stage burns until that energy (its timed cutoff moved out of the
  // way, up to depletion).
  const std::string guided = replace_stage3_cutoff(
      text, "      energy_cutoff: {semi_major_axis_km: " + std::to_string(target_km) + "}");

  int open_loop_misses = 0;
  for (const PerformanceCorner& c : kPerformanceCorners) {
    SCOPED_TRACE(testing::Message() << c);
    std::vector<config::Override> o = stage_at_corner(2, 4.4e4, 310.0, 750.0, c);
    o.push_back({"vehicle.stages[2].guidance.enabled", "false"});
    const FlightResult g = fly(config::load_scenario(guided, "guided.yaml", o));
    ASSERT_EQ(g.status, FlightStatus::orbit);
    EXPECT_NEAR(semi_major_axis_km(g), target_km, 0.5);
    const FlightResult open = fly(config::load_scenario(text, kConfig, o));
    if (!open.insertion || std::abs(semi_major_axis_km(open) - target_km) > 5.0) ++open_loop_misses;
  }
  EXPECT_GE(open_loop_misses, 6);  // of 8 corners
}

}  // namespace
}  // namespace launchmc::flight

namespace launchmc::flight {
namespace {

// A navigation bias moves the cutoff: with the navigated speed high by dv, the engine stops when
// the navigated orbit reaches a, so the true semi-major axis falls short by the vis-viva
// derivative da = 2 a^2 v dv / mu (at the cutoff point).
TEST(EnergyCutoff, NavigationVelocityBiasShiftsTheOrbitAsVisVivaPredicts) {
  const double target_km = 6880.637;
  const std::string text = replace_stage3_cutoff(
      config::read_text_file(kConfig),
      "      energy_cutoff: {semi_major_axis_km: " + std::to_string(target_km) +
          ", nav_velocity_bias_mps: 0.0}");
  const config::Override open_loop{"vehicle.stages[2].guidance.enabled", "false"};
  const FlightResult exact = fly(config::load_scenario(text, "nav.yaml", {open_loop}));
  const FlightResult biased = fly(config::load_scenario(
      text, "nav.yaml",
      {open_loop, {"vehicle.stages[2].energy_cutoff.nav_velocity_bias_mps", "2.0"}}));
  ASSERT_TRUE(exact.insertion && biased.insertion);
  const double a = exact.insertion->elements.semi_major_axis_m;
  const double v = exact.insertion->state.segment<3>(3).norm();
  const double expected_da = -2.0 * a * a * v * 2.0 / constants::wgs84_gm_m3ps2;  // [m]
  const double da = biased.insertion->elements.semi_major_axis_m - a;
  EXPECT_NEAR(da / expected_da, 1.0, 0.02);
  EXPECT_NEAR(a / 1e3, target_km, 0.05);
}

}  // namespace
}  // namespace launchmc::flight
