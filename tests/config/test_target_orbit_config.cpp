// Which orbit a scenario aims at (engine::target_orbit_of): the target of the last stage's
// enabled closed-loop guidance in orbit mode, with the tolerances of the config's `limits`
// (target_orbit_tolerance_alt_km, target_orbit_tolerance_incl_deg); none for open-loop launchers
// and missiles. The tolerance keys are read strictly, like every other key.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "config/load_scenario.hpp"
#include "engine/run.hpp"

namespace launchmc::config {
namespace {

const std::string kConfigs = std::string(LAUNCHMC_CONFIG_DIR) + "/";

std::string error_of(const std::string& text) {
  try {
    load_scenario(text, "cfg.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigTargetOrbit, ChollimaAimsAtItsCatalogueOrbit) {
  const Scenario sc = load_scenario_file(kConfigs + "chollima1_2023.yaml");
  const auto t = engine::target_orbit_of(sc);
  ASSERT_TRUE(t.has_value());
  // The config's stage-3 target: {perigee_alt_km: 493, apogee_alt_km: 512, inclination_deg: 97.4}.
  EXPECT_EQ(t->perigee_alt_km, 493.0);
  EXPECT_EQ(t->apogee_alt_km, 512.0);
  EXPECT_EQ(t->inclination_deg, 97.4);
  EXPECT_TRUE(std::isnan(t->raan_deg));
  EXPECT_FALSE(t->node_fixed());
  // Defaults: the file has no limits block.
  EXPECT_EQ(t->tolerance_alt_km, 10.0);
  EXPECT_EQ(t->tolerance_incl_deg, 0.1);
  EXPECT_EQ(sc.limits.target_orbit_tolerance_alt_km, 10.0);
  EXPECT_EQ(sc.limits.target_orbit_tolerance_incl_deg, 0.1);

  // An override of the target moves it.
  const auto moved = engine::target_orbit_of(
      load_scenario_file(kConfigs + "chollima1_2023.yaml",
                         {{"vehicle.stages[2].guidance.target.apogee_alt_km", "600"}}));
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(moved->apogee_alt_km, 600.0);
}

TEST(ConfigTargetOrbit, DisabledGuidanceHasNoTarget) {
  const Scenario sc = load_scenario_file(kConfigs + "chollima1_2023.yaml",
                                         {{"vehicle.stages[2].guidance.enabled", "false"}});
  ASSERT_TRUE(sc.vehicle.stages[2].closed_loop.has_value());  // still configured, switched off
  EXPECT_FALSE(engine::target_orbit_of(sc).has_value());
}

TEST(ConfigTargetOrbit, OpenLoopLaunchersAndMissilesHaveNone) {
  for (const char* f : {"unha3_2012.yaml", "hwasong15_2017.yaml", "hwasong17_2022.yaml",
                        "hwasong18_2023.yaml", "hwasong19_2024.yaml"}) {
    SCOPED_TRACE(f);
    EXPECT_FALSE(engine::target_orbit_of(load_scenario_file(kConfigs + f)).has_value());
  }
  // Hwasong-17's and Hwasong-19's guided stages fly ballistic mode: a guidance, but no orbit.
  for (const char* f : {"hwasong17_2022.yaml", "hwasong19_2024.yaml"}) {
    SCOPED_TRACE(f);
    const Scenario missile = load_scenario_file(kConfigs + f);
    bool guided = false;
    for (const auto& st : missile.vehicle.stages)
      guided = guided || st.active_closed_loop() != nullptr;
    EXPECT_TRUE(guided);
  }
}

TEST(ConfigTargetOrbit, OnlyTheLastStagesGuidanceCounts) {
  Scenario sc = load_scenario_file(kConfigs + "chollima1_2023.yaml");
  ASSERT_EQ(sc.vehicle.stages.size(), 3u);
  sc.vehicle.stages[1].closed_loop = sc.vehicle.stages[2].closed_loop;
  sc.vehicle.stages[1].closed_loop->enabled = true;
  sc.vehicle.stages[2].closed_loop.reset();
  EXPECT_FALSE(engine::target_orbit_of(sc).has_value());
  // Back on the last stage, in ballistic mode: none either.
  sc.vehicle.stages[2].closed_loop = sc.vehicle.stages[1].closed_loop;
  sc.vehicle.stages[2].closed_loop->mode = guidance::ClosedLoopMode::ballistic;
  EXPECT_FALSE(engine::target_orbit_of(sc).has_value());
  sc.vehicle.stages[2].closed_loop->mode = guidance::ClosedLoopMode::orbit;
  sc.vehicle.stages[2].closed_loop->orbit.raan_deg = 123.5;
  const auto t = engine::target_orbit_of(sc);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->raan_deg, 123.5);
  EXPECT_TRUE(t->node_fixed());
}

TEST(ConfigTargetOrbit, LimitsTolerancesReachTheTarget) {
  const std::string text = read_text_file(kConfigs + "chollima1_2023.yaml");
  ASSERT_EQ(text.find("\nlimits:"), std::string::npos);  // so appending a block is valid
  const Scenario sc = load_scenario(
      text +
          "\nlimits: {target_orbit_tolerance_alt_km: 2.5, target_orbit_tolerance_incl_deg: 0.02}\n",
      "cfg.yaml");
  EXPECT_EQ(sc.limits.target_orbit_tolerance_alt_km, 2.5);
  EXPECT_EQ(sc.limits.target_orbit_tolerance_incl_deg, 0.02);
  const auto t = engine::target_orbit_of(sc);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->tolerance_alt_km, 2.5);
  EXPECT_EQ(t->tolerance_incl_deg, 0.02);
  // The other limits keep their defaults.
  EXPECT_EQ(sc.limits.insertion_min_perigee_alt_m, 100e3);
  // Now the key exists, --set can change it.
  const Scenario set = load_scenario(text + "\nlimits: {target_orbit_tolerance_alt_km: 2.5}\n",
                                     "cfg.yaml", {{"limits.target_orbit_tolerance_alt_km", "7"}});
  EXPECT_EQ(set.limits.target_orbit_tolerance_alt_km, 7.0);
  EXPECT_EQ(set.limits.target_orbit_tolerance_incl_deg, 0.1);
}

TEST(ConfigTargetOrbit, ToleranceErrorsAreStrict) {
  const std::string text = read_text_file(kConfigs + "chollima1_2023.yaml") + "\nlimits:\n";
  std::string msg = error_of(text + "  target_orbit_tolerance_alt_km: 0\n");
  EXPECT_NE(msg.find("limits.target_orbit_tolerance_alt_km: = 0: must be > 0"), std::string::npos)
      << msg;
  msg = error_of(text + "  target_orbit_tolerance_incl_deg: -0.1\n");
  EXPECT_NE(msg.find("limits.target_orbit_tolerance_incl_deg: = -0.1: must be > 0"),
            std::string::npos)
      << msg;
  msg = error_of(text + "  target_orbit_tolerance_incl_deg: wide\n");
  EXPECT_NE(msg.find("limits.target_orbit_tolerance_incl_deg"), std::string::npos) << msg;
  msg = error_of(text + "  target_orbit_tolerance_alt_km: .inf\n");
  EXPECT_NE(msg.find("limits.target_orbit_tolerance_alt_km"), std::string::npos) << msg;
  msg = error_of(text + "  target_orbit_tolerance_km: 5\n");
  EXPECT_NE(msg.find("unknown key"), std::string::npos) << msg;
  EXPECT_NE(msg.find("target_orbit_tolerance_alt_km"), std::string::npos)
      << msg;  // the list of known keys
  // Positions: the line of the offending value.
  const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  msg = error_of(text + "  target_orbit_tolerance_alt_km: 0\n");
  EXPECT_NE(msg.find("cfg.yaml:" + std::to_string(lines + 1) + ":"), std::string::npos) << msg;
}

}  // namespace
}  // namespace launchmc::config
