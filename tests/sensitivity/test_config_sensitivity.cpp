// `launchmc sensitivity CONFIG` through the binary: the file it writes (the run's rows in the
// design's order, /sensitivity with the factors), the indices recomputed here from the file's own
// /outcome column with the published estimators (Saltelli et al. 2010 Table 2 (b), Jansen 1999,
// on the centred output as saltelli.hpp says), structural zeros that physics dictates (what
// happens after a spent stage falls away cannot move its impact), Morris screening the same
// inputs to exactly zero, bit-identical files for 1 and 2 threads on Chollima-1, and bad command
// lines refused with nothing written.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "../support/cli_runner.hpp"
#include "../support/scratch_dir.hpp"
#include "io/hdf5_file.hpp"

namespace launchmc_test_config_sensitivity {

namespace fs = std::filesystem;
namespace h5 = launchmc::io::h5;

const std::string kStudyConfigs = launchmc::test_support::kConfigDir;
using StudyResult = launchmc::test_support::CommandResult;

StudyResult study(const std::string& args, const fs::path& dir) {
  return launchmc::test_support::run_launchmc_in(args, dir);
}

// One Sobol' study of Hwasong-18 (14 factors, 64 base points: 1,024 flights, ~2 s) and one
// Morris study (8 trajectories), shared by the tests.
class ConfigSensitivity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("launchmc_cfgsens_" + std::to_string(::getpid())));
    fs::create_directories(*dir_);
    const std::string config = kStudyConfigs + "/hwasong18_2023.yaml";
    const StudyResult s = study("sensitivity " + config + " --method sobol -n 64 --seed 4 -o " +
                                    (*dir_ / "sobol.h5").string() + " --json",
                                *dir_);
    ASSERT_EQ(s.status, 0) << s.err;
    sobol_ = new nlohmann::json(nlohmann::json::parse(s.out));
    const StudyResult m = study("sensitivity " + config + " --method morris -n 8 --seed 4 -o " +
                                    (*dir_ / "morris.h5").string() + " --json",
                                *dir_);
    ASSERT_EQ(m.status, 0) << m.err;
    morris_ = new nlohmann::json(nlohmann::json::parse(m.out));
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(*dir_, ec);
    delete dir_;
    delete sobol_;
    delete morris_;
  }
  static fs::path* dir_;
  static nlohmann::json* sobol_;
  static nlohmann::json* morris_;
};
fs::path* ConfigSensitivity::dir_ = nullptr;
nlohmann::json* ConfigSensitivity::sobol_ = nullptr;
nlohmann::json* ConfigSensitivity::morris_ = nullptr;

const std::vector<std::string> kHwasong18Factors = {"vehicle.stages[0].thrust_scale",
                                                    "vehicle.stages[0].isp_vac_s",
                                                    "vehicle.stages[1].thrust_scale",
                                                    "vehicle.stages[1].isp_vac_s",
                                                    "vehicle.stages[1].propellant_mass_kg",
                                                    "vehicle.payload.mass_kg",
                                                    "vehicle.payload.drag.cd_scale",
                                                    "vehicle.stages[0].spent_drag.cd_scale",
                                                    "vehicle.stages[1].spent_drag.cd_scale",
                                                    "guidance.pitch_kick_deg",
                                                    "launch.azimuth_deg",
                                                    "env.density_xi",
                                                    "env.wind_east_xi",
                                                    "env.wind_north_xi"};

TEST_F(ConfigSensitivity, TheFileHoldsTheDesignsRowsAndTheFactors) {
  const std::size_t k = kHwasong18Factors.size();
  EXPECT_EQ((*sobol_)["design"]["k"], k);
  EXPECT_EQ((*sobol_)["design"]["rows"], 64 * (k + 2));
  h5::File f = h5::File::open_read(*dir_ / "sobol.h5");
  EXPECT_EQ(f.root().attribute<std::string>("sampler"), "saltelli");
  EXPECT_EQ(f.root().read<std::int8_t>("outcome/status").size(), 64 * (k + 2));
  const h5::Group g = f.root().open_group("sensitivity");
  EXPECT_EQ(g.attribute<std::string>("method"), "sobol");
  EXPECT_EQ(g.attribute<std::uint64_t>("N"), 64u);
  EXPECT_EQ(g.read<std::string>("input_names"), kHwasong18Factors);
  // The indices in the file are the printed ones.
  const auto st = g.open_group("outputs").open_group("range_km").read<double>("ST");
  ASSERT_EQ(st.size(), k);
  for (std::size_t i = 0; i < k; ++i)
    EXPECT_EQ(st[i], (*sobol_)["outputs"]["range_km"]["inputs"][kHwasong18Factors[i]]["ST"]);
}

TEST_F(ConfigSensitivity, IndicesAreThePublishedEstimatorsOnTheFilesRange) {
  const std::size_t k = kHwasong18Factors.size(), per = k + 2, n = 64;
  h5::File f = h5::File::open_read(*dir_ / "sobol.h5");
  const std::vector<double> range = f.root().read<double>("outcome/range_m");
  ASSERT_EQ(range.size(), n * per);
  double mean = 0.0;
  for (std::size_t b = 0; b < n; ++b) mean += range[b * per] + range[b * per + per - 1];
  mean /= 2.0 * n;
  auto y = [&](std::size_t b, std::size_t role) { return range[b * per + role] - mean; };
  double v = 0.0;
  for (std::size_t b = 0; b < n; ++b) v += y(b, 0) * y(b, 0) + y(b, per - 1) * y(b, per - 1);
  v /= 2.0 * n;
  for (std::size_t i = 0; i < k; ++i) {
    double s1 = 0.0, st = 0.0;
    for (std::size_t b = 0; b < n; ++b) {
      const double fa = y(b, 0), fb = y(b, per - 1), fab = y(b, 1 + i);
      s1 += fb * (fab - fa);
      st += (fa - fab) * (fa - fab);
    }
    s1 /= n * v;
    st /= 2.0 * n * v;
    const auto& e = (*sobol_)["outputs"]["range_km"]["inputs"][kHwasong18Factors[i]];
    EXPECT_NEAR(e["S1"].get<double>(), s1, 1e-9 + 1e-9 * std::abs(s1)) << kHwasong18Factors[i];
    EXPECT_NEAR(e["ST"].get<double>(), st, 1e-9 + 1e-9 * std::abs(st)) << kHwasong18Factors[i];
  }
}

TEST_F(ConfigSensitivity, WhatHappensAfterAStageFallsAwayDoesNotMoveItsImpact) {
  const auto& out = (*sobol_)["outputs"];
  // The first stage's impact: the second stage's engine (it burns after staging) and the spent
  // second stage's drag cannot reach it; its own spent drag does. (The second stage's propellant
  // and the payload's mass do: the first stage lifts them.)
  for (const char* later : {"vehicle.stages[1].thrust_scale", "vehicle.stages[1].isp_vac_s",
                            "vehicle.stages[1].spent_drag.cd_scale"})
    for (const char* o : {"stage1.downrange_km", "stage1.crossrange_km"}) {
      EXPECT_EQ(out[o]["inputs"][later]["ST"].get<double>(), 0.0) << o << " " << later;
      EXPECT_EQ(out[o]["inputs"][later]["S1"].get<double>(), 0.0) << o << " " << later;
    }
  EXPECT_GT(out["stage1.downrange_km"]["inputs"]["vehicle.stages[0].spent_drag.cd_scale"]["ST"]
                .get<double>(),
            0.0);
  EXPECT_GT(out["stage1.downrange_km"]["inputs"]["vehicle.stages[1].propellant_mass_kg"]["ST"]
                .get<double>(),
            0.0);
  // The re-entry vehicle's range: the spent stages' drag acts on the spent stages only.
  for (const char* spent :
       {"vehicle.stages[0].spent_drag.cd_scale", "vehicle.stages[1].spent_drag.cd_scale"})
    EXPECT_EQ(out["range_km"]["inputs"][spent]["ST"].get<double>(), 0.0) << spent;
  // ... and the first stage's thrust (1 % sd on a lofted trajectory) is a leading driver.
  EXPECT_GT(out["range_km"]["inputs"]["vehicle.stages[0].thrust_scale"]["ST"].get<double>(), 0.1);
  // Every interval holds its estimate.
  for (const auto& [name, o] : out.items())
    for (const auto& [input, e] : o["inputs"].items())
      for (const char* key : {"S1", "ST"}) {
        if (e[key].is_null()) continue;
        EXPECT_LE(e[std::string(key) + "_ci95"][0].get<double>(), e[key].get<double>())
            << name << " " << input;
        EXPECT_GE(e[std::string(key) + "_ci95"][1].get<double>(), e[key].get<double>())
            << name << " " << input;
      }
}

TEST_F(ConfigSensitivity, PlotScriptDrawsTheLeadingFactorsAndSaysHowManyItLeavesOut) {
  const std::string cmd = "/usr/bin/python3 " + std::string(LAUNCHMC_SOURCE_DIR) +
                          "/scripts/plot_sensitivity.py " + (*dir_ / "sobol.h5").string() +
                          " --outputs range_km --top 3 -o " + (*dir_ / "bars.png").string() +
                          " --report 2>" + (*dir_ / "py.txt").string();
  const launchmc::test_support::CommandResult plotted = launchmc::test_support::run_command(cmd);
  ASSERT_EQ(plotted.status, 0) << plotted.out;
  const nlohmann::json r = nlohmann::json::parse(plotted.out)["outputs"]["range_km"];
  ASSERT_EQ(r["bars"].size(), 3u);
  EXPECT_EQ(r["hidden"], kHwasong18Factors.size() - 3);
  // The three largest ST of the printed indices, in order.
  std::vector<std::pair<double, std::string>> st;
  for (const auto& [input, e] : (*sobol_)["outputs"]["range_km"]["inputs"].items())
    st.emplace_back(e["ST"].get<double>(), input);
  std::sort(st.rbegin(), st.rend());
  for (std::size_t b = 0; b < 3; ++b) {
    EXPECT_EQ(r["bars"][b]["input"], st[b].second);
    EXPECT_EQ(r["bars"][b]["ST"].get<double>(), st[b].first);
  }
  EXPECT_GT(fs::file_size(*dir_ / "bars.png"), 10000u);
}

TEST_F(ConfigSensitivity, MorrisScreensTheInertInputsToZero) {
  const auto& range = (*morris_)["outputs"]["range_km"]["inputs"];
  for (const char* spent :
       {"vehicle.stages[0].spent_drag.cd_scale", "vehicle.stages[1].spent_drag.cd_scale"}) {
    EXPECT_EQ(range[spent]["mu_star"].get<double>(), 0.0) << spent;
    EXPECT_EQ(range[spent]["sigma"].get<double>(), 0.0) << spent;
  }
  EXPECT_GT(range["vehicle.stages[0].thrust_scale"]["mu_star"].get<double>(), 1.0);  // km
  h5::File f = h5::File::open_read(*dir_ / "morris.h5");
  EXPECT_EQ(f.root().attribute<std::string>("sampler"), "morris");
  EXPECT_EQ(f.root().read<std::int8_t>("outcome/status").size(),
            8 * (kHwasong18Factors.size() + 1));
}

class ConfigSensitivityRuns : public launchmc::io::ScratchDirTest {
 protected:
  struct Dir {
    fs::path p;
    const fs::path& path() const { return p; }
  };
};

TEST_F(ConfigSensitivityRuns, AChollimaStudyIsBitIdenticalForOneAndTwoThreads) {
  const Dir dir{dir_};
  const std::string config = kStudyConfigs + "/chollima1_2023.yaml";
  std::string json[2];
  for (int j = 1; j <= 2; ++j) {
    const StudyResult r =
        study("sensitivity " + config + " -n 8 --seed 9 --bootstrap 100 -j " + std::to_string(j) +
                  " --json -o " + (dir.path() / ("j" + std::to_string(j) + ".h5")).string(),
              dir.path());
    ASSERT_EQ(r.status, 0) << r.err;
    nlohmann::json parsed = nlohmann::json::parse(r.out);
    parsed.erase("output");
    json[j - 1] = parsed.dump();
  }
  EXPECT_EQ(json[0], json[1]);
  for (const char* group : {"/outcome", "/inputs", "/bodies", "/sensitivity", "/design"}) {
    const std::string cmd = "h5diff " + (dir.path() / "j1.h5").string() + " " +
                            (dir.path() / "j2.h5").string() + " " + group + " " + group;
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
}

TEST_F(ConfigSensitivityRuns, RankMeasuresOfARunWhereEveryFlightFailsUseAReferenceMode) {
  // The May 2023 scenario draws one of its failure modes on every flight: the modes' indicators
  // sum to 1, which no regression can separate from its intercept. summarize --sensitivity leaves
  // the last mode out (and says so), and the partial measures are then defined.
  const fs::path run = dir_ / "may.h5";
  const StudyResult r = study(
      "run " + kStudyConfigs + "/chollima1_2023_may.yaml -n 300 --seed 2 -o " + run.string(), dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  const StudyResult s = study("summarize --sensitivity " + run.string() + " --json", dir_);
  ASSERT_EQ(s.status, 0) << s.err;
  const nlohmann::json j = nlohmann::json::parse(s.out);
  std::vector<std::string> modes;
  for (const auto& name : j["inputs"])
    if (name.get<std::string>().rfind("failure.mode=", 0) == 0) modes.push_back(name);
  ASSERT_FALSE(modes.empty());
  bool noted = false;
  for (const auto& note : j["notes"])
    noted = noted || note.get<std::string>().find("left out: every row draws a failure") !=
                         std::string::npos;
  EXPECT_TRUE(noted) << j["notes"];
  const auto& thrust =
      j["outputs"]["stage1.downrange_km"]["inputs"]["vehicle.stages[0].thrust_vac_N"];
  ASSERT_FALSE(thrust["prcc"].is_null());
  EXPECT_GT(thrust["prcc"].get<double>(), 0.9);  // the first stage's thrust drives its impact
}

TEST_F(ConfigSensitivityRuns, SecondOrderStudiesFlyTheBARowsAndReportEveryPair) {
  const StudyResult r = study("sensitivity " + kStudyConfigs +
                                  "/hwasong18_2023.yaml -n 4 --second-order --bootstrap 50 -o " +
                                  (dir_ / "s2.h5").string() + " --json",
                              dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  const std::size_t k = kHwasong18Factors.size();
  EXPECT_EQ(j["design"]["rows"], 4 * (2 * k + 2));
  EXPECT_TRUE(j["design"]["second_order"].get<bool>());
  h5::File f = h5::File::open_read(dir_ / "s2.h5");
  EXPECT_EQ(f.root().read<std::int8_t>("outcome/status").size(), 4 * (2 * k + 2));
  const auto& pairs = j["outputs"]["range_km"]["second_order"];
  EXPECT_EQ(pairs.size(), k * (k - 1) / 2);
  EXPECT_TRUE(pairs.contains(kHwasong18Factors[0] + "," + kHwasong18Factors[1]));
}

TEST_F(ConfigSensitivityRuns, BadCommandLinesAreRefusedAndWriteNothing) {
  const Dir dir{dir_};
  const std::string config = kStudyConfigs + "/hwasong18_2023.yaml";
  const std::string out = (dir.path() / "s.h5").string();
  const std::pair<std::string, std::string> cases[] = {
      {"sensitivity " + config + " -o " + out, "-n N is required"},
      {"sensitivity " + config + " -n 8", "-o FILE is required"},
      {"sensitivity " + config + " -n 8 --levels 6 -o " + out, "Morris options"},
      {"sensitivity " + config + " -n 8 --method morris --second-order -o " + out, "Sobol' option"},
      {"sensitivity " + config + " -n 8 --method fast -o " + out, "expected sobol or morris"},
      {"sensitivity " + config + " -n 8 --set launch.azimuth_deg=abc -o " + out,
       "launch.azimuth_deg"},
      {"sensitivity", "give a CONFIG file"},
  };
  for (const auto& [args, message] : cases) {
    const StudyResult r = study(args, dir.path());
    EXPECT_EQ(r.status, 2) << args << "\n" << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << "\n" << r.err;
    EXPECT_FALSE(fs::exists(out)) << args;
  }
}

}  // namespace launchmc_test_config_sensitivity
