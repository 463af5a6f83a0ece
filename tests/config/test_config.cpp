// Config loading: strict schema (unknown, duplicate, missing keys), constraints with
// file:line:col and key path, overrides, and the values that reach the scenario.
#include <gtest/gtest.h>

#include <cmath>
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
  const std::string msg =
      error_of(replace(kValid, "  lon_deg: 124.7\n", "  lon_deg: 124.7\n  lat_deg: 40\n"));
  EXPECT_NE(msg.find("cfg.yaml:5:3: launch.lat_deg: duplicate key"), std::string::npos) << msg;
}

TEST(Config, MissingKeyNamesItsParent) {
  const std::string msg = error_of(replace(kValid, "  azimuth_deg: 190\n", ""));
  EXPECT_NE(msg.find("launch: missing required key 'azimuth_deg'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("cfg.yaml:3:"), std::string::npos) << msg;
}

TEST(Config, ConstraintViolationStatesTheConstraint) {
  const std::string msg =
      error_of(replace(kValid, "propellant_mass_kg: 70000", "propellant_mass_kg: -3"));
  EXPECT_NE(msg.find("cfg.yaml:14:27: vehicle.stages[0].propellant_mass_kg: = -3: must be > 0"),
            std::string::npos)
      << msg;
}

TEST(Config, NonNumberIsRejected) {
  const std::string msg = error_of(replace(kValid, "isp_vac_s: 315", "isp_vac_s: fast"));
  EXPECT_NE(msg.find("vehicle.stages[0].isp_vac_s: 'fast' is not a finite number"),
            std::string::npos)
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
  const std::string both =
      replace(kValid, "      thrust_vac_N: 1.7e6\n",
              "      thrust_vac_N: 1.7e6\n      thrust_curve_vac_N: [[0, 1], [1, 1]]\n");
  EXPECT_NE(error_of(both).find("not both"), std::string::npos);
}

}  // namespace
}  // namespace launchmc::config

namespace launchmc::config {
namespace {

std::string with_uncertainties(const std::string& block) { return kValid + block; }

TEST(ConfigUncertainties, InputsReachTheDispersions) {
  const Study c = load_config(with_uncertainties(R"(uncertainties:
  sampler: lhs
  inputs:
    - {path: "vehicle.stages[0].thrust_vac_N", normal: {sd_percent: 1.0}}
    - {path: "launch.azimuth_deg", uniform: {lo: -0.5, hi: 0.5}}
    - {path: "vehicle.stages[0].isp_vac_s", triangular: {lo: -3, mode: 0, hi: 1}}
  correlations:
    - {paths: ["vehicle.stages[0].thrust_vac_N", "vehicle.stages[0].isp_vac_s"], matrix: [[1, 0.3], [0.3, 1]]}
  density_sd_percent: [[0, 2], [100000, 20]]
failures:
  - {name: s1_out, stage: s1, probability: 0.1}
)"),
                              "cfg.yaml");
  const Dispersions& d = c.dispersions;
  ASSERT_EQ(d.inputs.size(), 3u);
  EXPECT_EQ(d.sampler, uncertainty::SamplerKind::latin_hypercube);
  // Relative spread: 1 % of 1.7e6 N.
  EXPECT_NEAR(std::sqrt(d.inputs[0].distribution.variance()), 1.7e4, 1e-6);
  EXPECT_DOUBLE_EQ(d.inputs[0].distribution.mean(), 1.7e6);
  EXPECT_DOUBLE_EQ(d.inputs[1].distribution.mean(), 190.0);
  EXPECT_NEAR(d.inputs[2].distribution.mean(), 315.0 + (-3.0 + 0.0 + 1.0) / 3.0, 1e-12);
  ASSERT_EQ(d.correlations.size(), 1u);
  EXPECT_TRUE(d.density);
  ASSERT_EQ(d.failures.size(), 1u);
  EXPECT_DOUBLE_EQ(d.failures[0].probability, 0.1);
  // The default window is the whole nominal burn: m_p Isp g0 / F.
  EXPECT_NEAR(d.failures[0].window_end_s, 70000.0 * 315.0 * 9.80665 / 1.7e6, 1e-9);
}

TEST(ConfigUncertainties, PathThatNamesNothingIsAnErrorWithLine) {
  const std::string msg = error_of(with_uncertainties(R"(uncertainties:
  inputs:
    - {path: "vehicle.stages[4].thrust_vac_N", normal: {sd: 1}}
)"));
  EXPECT_NE(msg.find("cfg.yaml:23:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'vehicle.stages[4].thrust_vac_N' names no parameter"), std::string::npos)
      << msg;
}

TEST(ConfigUncertainties, NonPositiveDefiniteCorrelationIsRejected) {
  const std::string msg = error_of(with_uncertainties(R"(uncertainties:
  inputs:
    - {path: "vehicle.stages[0].thrust_vac_N", normal: {sd_percent: 1.0}}
    - {path: "vehicle.stages[0].isp_vac_s", normal: {sd: 1}}
    - {path: "vehicle.stages[0].dry_mass_kg", normal: {sd: 1}}
  correlations:
    - paths: ["vehicle.stages[0].thrust_vac_N", "vehicle.stages[0].isp_vac_s", "vehicle.stages[0].dry_mass_kg"]
      matrix: [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]
)"));
  EXPECT_NE(msg.find("uncertainties.correlations[0].matrix"), std::string::npos) << msg;
  EXPECT_NE(msg.find("positive definite"), std::string::npos) << msg;
}

TEST(ConfigUncertainties, DistributionKeysAreStrict) {
  EXPECT_NE(error_of(with_uncertainties(R"(uncertainties:
  inputs:
    - {path: "launch.azimuth_deg", normal: {sd: 1, sd_percent: 1}}
)"))
                .find("not both"),
            std::string::npos);
  EXPECT_NE(error_of(with_uncertainties(R"(uncertainties:
  inputs:
    - {path: "launch.azimuth_deg", normal: {sd: 1}, uniform: {lo: -1, hi: 1}}
)"))
                .find("exactly one distribution"),
            std::string::npos);
  EXPECT_NE(error_of(with_uncertainties(R"(uncertainties:
  inputs:
    - {path: "launch.azimuth_deg", gaussian: {sd: 1}}
)"))
                .find("unknown key"),
            std::string::npos);
  EXPECT_NE(error_of(with_uncertainties(R"(failures:
  - {name: x, stage: s9, probability: 0.1}
)"))
                .find("'s9' is not a stage name"),
            std::string::npos);
}

}  // namespace
}  // namespace launchmc::config

namespace launchmc::config {
namespace {

// A stage's closed-loop guidance block: what reaches the scenario, and the errors.
std::string with_guidance(const std::string& block) {
  std::string s = kValid;
  const std::string anchor = "      stack_drag: {ref_area_m2: 4.5";
  return s.insert(s.find(anchor), block);
}

TEST(ConfigGuidance, OrbitTargetReachesTheStageInCatalogueConvention) {
  const Scenario sc = load_scenario(
      with_guidance(
          "      guidance:\n"
          "        mode: orbit\n"
          "        target: {semi_major_axis_km: 6880.637, eccentricity: 0.0013807, "
          "inclination_deg: 97.4}\n"
          "        navigation: {velocity_bias_mps: [0.1, -0.2, 0.3], position_noise_m: 50}\n"),
      "cfg.yaml");
  ASSERT_TRUE(sc.vehicle.stages[0].closed_loop);
  const guidance::ClosedLoop& c = *sc.vehicle.stages[0].closed_loop;
  EXPECT_EQ(c.mode, guidance::ClosedLoopMode::orbit);
  // a(1 -/+ e) - 6378.137 km, by hand: 6880.637 * (1 - 0.0013807) - 6378.137 = 493.0000...
  EXPECT_NEAR(c.orbit.perigee_alt_km, 6880.637 * (1 - 0.0013807) - 6378.137, 1e-9);
  EXPECT_NEAR(c.orbit.apogee_alt_km, 6880.637 * (1 + 0.0013807) - 6378.137, 1e-9);
  EXPECT_TRUE(std::isnan(c.orbit.raan_deg));
  EXPECT_DOUBLE_EQ(c.navigation.velocity_bias_mps[2], 0.3);
  EXPECT_DOUBLE_EQ(c.navigation.position_noise_m, 50.0);
  EXPECT_DOUBLE_EQ(c.navigation.noise_correlation_time_s, 60.0);
  const guidance::OrbitTarget t = c.orbit.resolve();
  EXPECT_NEAR(t.semi_major_axis_m, 6880637.0, 1e-6);
  EXPECT_NEAR(t.eccentricity, 0.0013807, 1e-12);
  EXPECT_NEAR(t.insertion_radius_m, t.perigee_radius_m(), 1e-6);  // default: insert at perigee
}

TEST(ConfigGuidance, ErrorsNameTheKeyAndWhatIsExpected) {
  const std::string orbit = "      guidance:\n        mode: orbit\n";
  std::string msg =
      error_of(with_guidance("      guidance:\n        mode: loop\n        target: {range_km: "
                             "1000, apogee_alt_km: 500}\n"));
  EXPECT_NE(msg.find("vehicle.stages[0].guidance.mode: 'loop': expected orbit or ballistic"),
            std::string::npos)
      << msg;
  msg = error_of(
      with_guidance(orbit + "        target: {perigee_alt_km: 500, inclination_deg: 97}\n"));
  EXPECT_NE(
      msg.find("give perigee_alt_km and apogee_alt_km, or semi_major_axis_km and eccentricity"),
      std::string::npos)
      << msg;
  msg = error_of(with_guidance(
      orbit + "        target: {perigee_alt_km: 500, apogee_alt_km: 400, inclination_deg: 97}\n"));
  EXPECT_NE(msg.find("apogee_alt_km: must be >= perigee_alt_km"), std::string::npos) << msg;
  msg = error_of(with_guidance(orbit + "        target: {perigee_alt_km: 400, apogee_alt_km: 500, "
                                       "inclination_deg: 97, insertion_alt_km: 600}\n"));
  EXPECT_NE(msg.find("insertion_alt_km: must lie between the perigee and apogee altitudes"),
            std::string::npos)
      << msg;
  msg =
      error_of(with_guidance(
          orbit + "        target: {perigee_alt_km: 400, apogee_alt_km: 500, inclination_deg: 97}\n"
                  "        navigation: {position_bias_m: [1, 2]}\n"));
  EXPECT_NE(msg.find("position_bias_m: expected [radial, along-track, cross-track]"),
            std::string::npos)
      << msg;
  msg = error_of(with_guidance(
      "      energy_cutoff: {semi_major_axis_km: 6880}\n" + orbit +
      "        target: {perigee_alt_km: 400, apogee_alt_km: 500, inclination_deg: 97}\n"));
  EXPECT_NE(msg.find("remove energy_cutoff"), std::string::npos) << msg;
  msg = error_of(with_guidance(
      "      guidance:\n        mode: ballistic\n        target: {range_km: 1000}\n"));
  EXPECT_NE(msg.find("guidance.target: missing required key 'apogee_alt_km'"), std::string::npos)
      << msg;
  msg =
      error_of(with_guidance("      guidance:\n        mode: ballistic\n"
                             "        target: {range_km: 1000, impact_lat_deg: 40, impact_lon_deg: "
                             "130, apogee_alt_km: 900}\n"));
  EXPECT_NE(msg.find("give the aim point as impact_lat_deg/impact_lon_deg or as range_km"),
            std::string::npos)
      << msg;
  // Line and column of the offending node.
  msg = error_of(with_guidance(
      orbit + "        target: {perigee_alt_km: 400, apogee_alt_km: 500, inclination_deg: 200}\n"));
  EXPECT_NE(msg.find("cfg.yaml:18:76: vehicle.stages[0].guidance.target.inclination_deg: = 200: "
                     "must be in [0, 180]"),
            std::string::npos)
      << msg;
}

}  // namespace
}  // namespace launchmc::config
