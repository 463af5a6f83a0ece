// `target`: recovers known parameters from the nominal flight's own results, and refuses
// underdetermined or unreachable problems.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "config/load_scenario.hpp"
#include "config/yaml_edit.hpp"
#include "flight/flight.hpp"
#include "targeting/target.hpp"

namespace launchmc::targeting {
namespace {

const std::string kConfig = std::string(LAUNCHMC_CONFIG_DIR) + "/hwasong18_2023.yaml";

std::string perturbed_text(const std::string& text, const std::vector<config::Override>& o) {
  std::vector<config::ScalarEdit> edits;
  for (const auto& ov : o) edits.push_back({ov.path, ov.value});
  return config::replace_scalars(text, edits, "perturbed.yaml");
}

TEST(Target, RecoversPerturbedParametersFromNominalResults) {
  const std::string text = config::read_text_file(kConfig);
  const Scenario nominal = config::load_scenario(text, kConfig);
  const flight::FlightResult r = flight::fly(nominal);
  const double kick0 = nominal.guidance.pitch_kick_deg;
  const double mass0 = nominal.vehicle.payload.mass_kg;
  // Goals: the nominal flight's own apogee and range, tightly.
  const std::vector<Goal> goals = {{"apogee_alt_km", r.apogee_alt_m / 1e3, 0.01},
                                   {"range_km", r.range_m / 1e3, 0.01}};
  const std::string start =
      perturbed_text(text, {{"guidance.pitch_kick_deg", fmt::format("{:.17g}", kick0 * 1.08)},
                            {"vehicle.payload.mass_kg", fmt::format("{:.17g}", mass0 * 0.93)}});
  const TargetResult t =
      solve(start, "perturbed.yaml", {"guidance.pitch_kick_deg", "vehicle.payload.mass_kg"}, goals);
  ASSERT_TRUE(t.met) << t.message;
  EXPECT_NEAR(t.initial[0], kick0 * 1.08, 1e-9);
  EXPECT_NEAR(t.solution[0] / kick0, 1.0, 1e-4);
  EXPECT_NEAR(t.solution[1] / mass0, 1.0, 1e-4);
  EXPECT_LT(t.condition, 1e8);
}

TEST(Target, RefusesMoreParametersThanGoals) {
  const std::string text = config::read_text_file(kConfig);
  const TargetResult t =
      solve(text, kConfig, {"guidance.pitch_kick_deg", "vehicle.payload.mass_kg"},
            {{"range_km", 1001.2, 0.1}});
  EXPECT_FALSE(t.met);
  EXPECT_NE(t.message.find("ill-conditioned"), std::string::npos) << t.message;
}

TEST(Target, RefusesGoalsThatCannotBeMet) {
  const std::string text = config::read_text_file(kConfig);
  // Twice the Moon's distance is out of reach of any re-entry vehicle mass.
  const TargetResult t =
      solve(text, kConfig, {"vehicle.payload.mass_kg"}, {{"apogee_alt_km", 7.7e5, 1.0}});
  EXPECT_FALSE(t.met);
  EXPECT_FALSE(t.message.empty());
}

TEST(Target, RefusesToVaryTheReferenceOfASolidMotorsThrustCurve) {
  // Hwasong-19's stages are solid motors given by thrust curves at their stated Isp and load: a
  // solved value of either would become the curve's reference when written back, and fly as
  // before. Chollima-1's liquid first stage's Isp may vary (a loose goal: met at once).
  const std::string solid = std::string(LAUNCHMC_CONFIG_DIR) + "/hwasong19_2024.yaml";
  const std::string text = config::read_text_file(solid);
  for (const char* path : {"vehicle.stages[0].isp_vac_s", "vehicle.stages[2].propellant_mass_kg"}) {
    try {
      solve(text, solid, {path}, {{"apogee_alt_km", 7000.0, 1.0}});
      ADD_FAILURE() << path << " was accepted";
    } catch (const config::ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("thrust curve"), std::string::npos) << e.what();
    }
  }
  const std::string liquid = std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml";
  TargetOptions one_step;
  EXPECT_NO_THROW(solve(config::read_text_file(liquid), liquid, {"vehicle.stages[0].isp_vac_s"},
                        {{"insertion.apogee_alt_km", 500.0, 1000.0}}, one_step));
}

TEST(Target, GoalSyntax) {
  const Goal g = parse_goal("insertion.perigee_alt_km=493:0.5");
  EXPECT_EQ(g.name, "insertion.perigee_alt_km");
  EXPECT_DOUBLE_EQ(g.value, 493.0);
  EXPECT_DOUBLE_EQ(g.tolerance, 0.5);
  EXPECT_DOUBLE_EQ(parse_goal("range_km=1000").tolerance, 0.1);
  EXPECT_THROW(parse_goal("range_km"), config::ConfigError);
  EXPECT_THROW(parse_goal("range_km=far"), config::ConfigError);
}

}  // namespace
}  // namespace launchmc::targeting
