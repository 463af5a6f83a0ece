// Config loading: strict schema (unknown, duplicate, missing keys), constraints with
// file:line:col and key path, overrides, and the values that reach the scenario.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "config/load_scenario.hpp"

namespace launchmc::config {
namespace {

const std::string kValid = R"(name: test
launch:
  lat_deg: 39.6
  lon_deg: 124.7
  azimuth_deg: 190
  epoch_utc: "2023-11-21T13:42:28Z"
vehicle:
  payload: {mass_kg: 300}
  stages:
    - name: s1
      thrust_vac_N: 1.7e6
      isp_vac_s: 315
      nozzle_exit_area_m2: 1.33
      propellant_mass_kg: 70000
      dry_mass_kg: 7000
      stack_drag: {ref_area_m2: 4.5, cd_mach: [[0, 0.3], [1, 0.5]]}
guidance:
  vertical_rise_s: 10
  pitch_kick_deg: 3
  pitch_kick_duration_s: 10
)";

std::string error_of(const std::string& text, const std::vector<Override>& o = {}) {
  try {
    load_scenario(text, "cfg.yaml", o);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return s.replace(pos, from.size(), to);
}

TEST(Config, ValidConfigReachesScenario) {
  const Scenario sc = load_scenario(kValid, "cfg.yaml");
  EXPECT_EQ(sc.name, "test");
  EXPECT_DOUBLE_EQ(sc.site.lat_deg, 39.6);
  EXPECT_DOUBLE_EQ(sc.guidance.azimuth_deg, 190.0);
  ASSERT_EQ(sc.vehicle.stages.size(), 1u);
  EXPECT_DOUBLE_EQ(sc.vehicle.stages[0].engine.thrust_vac_N, 1.7e6);
  EXPECT_DOUBLE_EQ(sc.vehicle.stages[0].stack_drag.cd_area_m2(0.5), 0.4 * 4.5);
  EXPECT_EQ(sc.config_text, kValid);
  // 2023-11-21T13:42:28Z is 1700574148 s after the Unix epoch.
  EXPECT_DOUBLE_EQ(sc.epoch_unix_utc_s, 1700574148.0);
}

TEST(Config, UnknownKeyIsAnErrorWithPosition) {
  const std::string msg = error_of(replace(kValid, "      dry_mass_kg: 7000\n",
                                           "      dry_mass_kg: 7000\n      dry_mas_kg: 7000\n"));
  EXPECT_NE(msg.find("cfg.yaml:16:7: vehicle.stages[0].dry_mas_kg: unknown key"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("dry_mass_kg"), std::string::npos) << msg;  // lists what is expected
}

TEST(Config, DuplicateKeyIsAnError) {
  const std::string msg = error_of(replace(kValid, "  lon_deg: 124.7\n", "  lon_deg: 124.7\n  lat_deg: 40\n"));
  EXPECT_NE(msg.find("cfg.yaml:5:3: launch.lat_deg: duplicate key"), std::string::npos) << msg;
}

TEST(Config, MissingKeyNamesItsParent) {
  const std::string msg = error_of(replace(kValid, "  azimuth_deg: 190\n", ""));
  EXPECT_NE(msg.find("launch: missing required key 'azimuth_deg'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("cfg.yaml:3:"), std::string::npos) << msg;
}

TEST(Config, ConstraintViolationStatesTheConstraint) {
  const std::string msg = error_of(replace(kValid, "propellant_mass_kg: 70000", "propellant_mass_kg: -3"));
  EXPECT_NE(msg.find("cfg.yaml:14:27: vehicle.stages[0].propellant_mass_kg: = -3: must be > 0"),
            std::string::npos)
      << msg;
}

TEST(Config, NonNumberIsRejected) {
  const std::string msg = error_of(replace(kValid, "isp_vac_s: 315", "isp_vac_s: fast"));
  EXPECT_NE(msg.find("vehicle.stages[0].isp_vac_s: 'fast' is not a finite number"), std::string::npos)
      << msg;
}

TEST(Config, TableMustIncrease) {
  const std::string msg = error_of(replace(kValid, "[[0, 0.3], [1, 0.5]]", "[[0, 0.3], [0, 0.5]]"));
  EXPECT_NE(msg.find("vehicle.stages[0].stack_drag.cd_mach[1]: Mach must increase strictly"),
            std::string::npos)
      << msg;
}

TEST(Config, ThrustBelowWeightIsRejected) {
  const std::string msg = error_of(replace(kValid, "thrust_vac_N: 1.7e6", "thrust_vac_N: 5.0e5"));
  EXPECT_NE(msg.find("vehicle.stages[0].thrust_vac_N: sea-level thrust"), std::string::npos) << msg;
  EXPECT_NE(msg.find("cfg.yaml:11:"), std::string::npos) << msg;
}

TEST(Config, BadEpochIsRejected) {
  const std::string msg = error_of(replace(kValid, "2023-11-21T13:42:28Z", "yesterday"));
  EXPECT_NE(msg.find("cfg.yaml:6:14: launch.epoch_utc"), std::string::npos) << msg;
}

TEST(Config, SyntaxErrorHasPosition) {
  const std::string msg = error_of("name: x\nlaunch: [1, 2\n");
  EXPECT_TRUE(std::regex_search(msg, std::regex("cfg\\.yaml:\\d+:\\d+: YAML syntax error"))) << msg;
}

TEST(Config, OverrideChangesTheFlownValue) {
  const Scenario sc = load_scenario(kValid, "cfg.yaml",
                                    {parse_override("vehicle.stages[0].thrust_vac_N=1.8e6"),
                                     parse_override("launch.azimuth_deg=185")});
  EXPECT_DOUBLE_EQ(sc.vehicle.stages[0].engine.thrust_vac_N, 1.8e6);
  EXPECT_DOUBLE_EQ(sc.guidance.azimuth_deg, 185.0);
}

TEST(Config, OverrideOfMissingPathNamesNothing) {
  const std::string msg = error_of(kValid, {parse_override("vehicle.stages[3].thrust_vac_N=1")});
  EXPECT_NE(msg.find("names nothing"), std::string::npos) << msg;
  const std::string msg2 = error_of(kValid, {parse_override("vehicle.stages[0].thrust=1")});
  EXPECT_NE(msg2.find("'vehicle.stages[0].thrust' names nothing"), std::string::npos) << msg2;
  EXPECT_THROW(parse_override("no_equals_sign"), ConfigError);
}

TEST(Config, OverrideValueIsValidatedLikeTheFile) {
  const std::string msg = error_of(kValid, {parse_override("vehicle.stages[0].dry_mass_kg=-1")});
  EXPECT_NE(msg.find("vehicle.stages[0].dry_mass_kg: = -1: must be > 0"), std::string::npos) << msg;
}

TEST(Config, SolidMotorNeedsConsistentTable) {
  std::string solid = replace(kValid, "      thrust_vac_N: 1.7e6\n",
                              "      thrust_curve_vac_N: [[0, 1.8e6], [60, 1.8e6], [61, 0]]\n");
  const Scenario sc = load_scenario(solid, "cfg.yaml");
  EXPECT_TRUE(sc.vehicle.stages[0].engine.solid());
  EXPECT_DOUBLE_EQ(sc.vehicle.stages[0].engine.vacuum_thrust_N(30.0), 1.8e6);
  const std::string both = replace(kValid, "      thrust_vac_N: 1.7e6\n",
                                   "      thrust_vac_N: 1.7e6\n      thrust_curve_vac_N: [[0, 1], [1, 1]]\n");
  EXPECT_NE(error_of(both).find("not both"), std::string::npos);
}

}  // namespace
}  // namespace launchmc::config
