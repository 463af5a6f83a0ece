// `launchmc risk` through the binary on a small run of a bundled scenario (the August 2023
// failure: nominal bodies, the failed vehicle's fragments): the `--json` object's keys as
// docs/json.md gives them, /risk in the file, GeoTIFF files; bad inputs exit non-zero with a
// message and leave the run file byte for byte as it was.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "../support/cli_runner.hpp"
#include "io/hdf5_file.hpp"

namespace {

using launchmc::test_support::CommandResult;
using launchmc::test_support::kConfigDir;
using launchmc::test_support::run_launchmc;
using launchmc::test_support::slurp;
using launchmc::test_support::Stderr;

namespace fs = std::filesystem;

std::set<std::string> keys(const nlohmann::json& j) {
  std::set<std::string> k;
  for (const auto& [key, v] : j.items()) k.insert(key);
  return k;
}

class RiskCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("launchmc_risk_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    run_ = dir_ / "aug.h5";
    const CommandResult r = run_launchmc(
        "run " + kConfigDir + "/chollima1_2023_aug.yaml -n 48 --seed 5 -j 1 -o " + run_.string());
    ASSERT_EQ(r.status, 0);
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static fs::path dir_, run_;
};
fs::path RiskCli::dir_, RiskCli::run_;

TEST_F(RiskCli, JsonKeysAndRiskGroup) {
  const fs::path out = dir_ / "with_risk.h5";
  const CommandResult r =
      run_launchmc("risk " + run_.string() + " --grid 0.2 --json --population none -o " +
                   out.string() + " --geotiff " + (dir_ / "maps").string() + " --geojson " +
                   (dir_ / "gis").string() + " --kml " + (dir_ / "gis.kml").string());
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(keys(j), (std::set<std::string>{"samples", "any", "bodies", "regions", "footprints",
                                            "hazard_areas"}));
  EXPECT_EQ(keys(j["hazard_areas"]), (std::set<std::string>{"ships", "aircraft"}));
  // The run's IIP corridor is exported too (the run has IIP tracks).
  for (const char* layer : {"contours", "hazard_areas", "iip_corridor", "iip_track"})
    EXPECT_TRUE(fs::exists(dir_ / (std::string("gis_") + layer + ".geojson"))) << layer;
  EXPECT_TRUE(fs::exists(dir_ / "gis.kml"));
  EXPECT_EQ(j["samples"], 48);
  EXPECT_EQ(keys(j["any"]),
            (std::set<std::string>{"p_land", "p_land_ci95", "ec", "ec_ci95", "ec_flights"}));
  EXPECT_TRUE(j["any"]["ec"].is_null());  // --population none: left out
  EXPECT_TRUE(j["any"]["ec_flights"].is_null());
  // Every nominal body, the vehicle and every fragment class, in that order.
  std::vector<std::string> names;
  for (const auto& b : j["bodies"]) {
    EXPECT_EQ(keys(b), (std::set<std::string>{"name", "p_land", "p_land_ci95", "countries", "ec",
                                              "ec_ci95", "ec_flights"}));
    names.push_back(b["name"]);
  }
  const auto f = launchmc::io::h5::File::open_read(run_);
  std::vector<std::string> expected = f.root().read<std::string>("body_names");
  expected.emplace_back("vehicle");
  std::vector<std::string> classes = f.root().read<std::string>("fragments/classes");
  std::sort(classes.begin(), classes.end());
  expected.insert(expected.end(), classes.begin(), classes.end());
  EXPECT_EQ(names, expected);
  EXPECT_TRUE(j["regions"].is_array());
  const auto g = launchmc::io::h5::File::open_read(out);
  EXPECT_TRUE(g.root().has("risk/groups/p_impact"));
  EXPECT_EQ(g.root().open_group("risk").attribute<double>("grid_step_deg"), 0.2);
  EXPECT_TRUE(fs::exists(dir_ / "maps_probability.tif"));
  EXPECT_FALSE(fs::exists(dir_ / "maps_ec.tif"));
  // Text output names the missing raster.
  const CommandResult t = run_launchmc(
      "risk " + run_.string() + " --population none -o " + out.string(), Stderr::to_stdout);
  ASSERT_EQ(t.status, 0);
  EXPECT_NE(t.out.find("no population raster"), std::string::npos) << t.out;
  // Without --population, the default population gives Ec (said on stderr), the same as
  // --population default.
  const CommandResult d = launchmc::test_support::run_launchmc_in(
      "risk " + run_.string() + " --json -o " + out.string(), dir_);
  ASSERT_EQ(d.status, 0) << d.err;
  EXPECT_NE(d.err.find("population: the default"), std::string::npos) << d.err;
  const auto jd = nlohmann::json::parse(d.out);
  ASSERT_TRUE(jd["any"]["ec"].is_number()) << d.out;
  const CommandResult e =
      run_launchmc("risk " + run_.string() + " --json --population default -o " + out.string());
  ASSERT_EQ(e.status, 0) << e.out;
  EXPECT_EQ(nlohmann::json::parse(e.out)["any"], jd["any"]);
}

// --regions: a user's GeoJSON (read with OGR) replaces the run's report.regions. Every impact of
// the August flight lies in the western Pacific box and none in the Atlantic one; with
// --no-geography there is no land mask, so p_land is null.
TEST_F(RiskCli, UserRegionsAndNoGeography) {
  const fs::path regions = dir_ / "regions.geojson";
  std::ofstream(regions) << R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "west_pacific"}, "geometry": {"type": "Polygon",
     "coordinates": [[[100, -10], [160, -10], [160, 60], [100, 60], [100, -10]]]}},
    {"type": "Feature", "properties": {"name": "atlantic"}, "geometry": {"type": "Polygon",
     "coordinates": [[[-40, 0], [-30, 0], [-30, 10], [-40, 10], [-40, 0]]]}}]})";
  const fs::path out = dir_ / "with_regions.h5";
  const CommandResult r =
      run_launchmc("risk " + run_.string() + " --grid 0.5 --json --no-geography --regions " +
                   regions.string() + " -o " + out.string());
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["regions"].size(), 2u);
  EXPECT_EQ(j["regions"][0]["name"], "west_pacific");
  EXPECT_EQ(j["regions"][0]["p"], 1.0);
  EXPECT_EQ(j["regions"][1]["name"], "atlantic");
  EXPECT_EQ(j["regions"][1]["p"], 0.0);
  EXPECT_TRUE(j["any"]["p_land"].is_null());
}

// A config's risk: section: `run -o` ends with the maps `launchmc risk` computes with the same
// options (every /risk/cells dataset equal), paths taken relative to the config's folder; a file
// the section names that does not exist stops the run before any flight; without -o it is said
// to be left out.
TEST_F(RiskCli, ConfigRiskSectionAppliedAtTheEndOfRun) {
  const fs::path conf_dir = dir_ / "conf";
  fs::create_directories(conf_dir / "data");
  std::ofstream(conf_dir / "data" / "zones.geojson") << R"({"type": "FeatureCollection",
    "features": [{"type": "Feature", "properties": {"name": "everywhere_east"}, "geometry":
    {"type": "Polygon", "coordinates": [[[100, -10], [160, -10], [160, 60], [100, 60],
    [100, -10]]]}}]})";
  const std::string base = slurp(kConfigDir + "/chollima1_2023_aug.yaml");
  const std::string section =
      "\nrisk:\n  grid_deg: 0.25\n  geography: false\n  regions: data/zones.geojson\n"
      "  intact_casualty_area_m2: 12\n";
  std::ofstream(conf_dir / "aug_risk.yaml") << base << section;
  const fs::path out = dir_ / "aug_risk.h5";
  const CommandResult r = run_launchmc("run " + (conf_dir / "aug_risk.yaml").string() +
                                       " -n 48 --seed 5 -j 1 -o " + out.string());
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("risk maps written to " + out.string()), std::string::npos) << r.out;
  const fs::path again = dir_ / "aug_risk_again.h5";
  ASSERT_EQ(run_launchmc("risk " + out.string() + " --grid 0.25 --no-geography --regions " +
                         (conf_dir / "data" / "zones.geojson").string() +
                         " --intact-casualty-area 12 -o " + again.string())
                .status,
            0);
  const auto a = launchmc::io::h5::File::open_read(out);
  const auto b = launchmc::io::h5::File::open_read(again);
  const auto ra = a.root().open_group("risk"), rb = b.root().open_group("risk");
  EXPECT_EQ(ra.attribute<double>("grid_step_deg"), 0.25);
  EXPECT_EQ(ra.attribute<double>("intact_casualty_area_m2"), 12.0);
  for (const char* name : {"probability", "expected_impacts"})
    EXPECT_EQ(ra.open_group("cells").read<double>(name), rb.open_group("cells").read<double>(name))
        << name;
  EXPECT_EQ(ra.open_group("areas/regions").read<std::string>("name"),
            (std::vector<std::string>{"everywhere_east", "(any)"}));
  EXPECT_EQ(ra.open_group("areas/regions").read<double>("p"),
            rb.open_group("areas/regions").read<double>("p"));

  // A missing file: refused before the flights, naming the key; nothing written.
  std::ofstream(conf_dir / "bad.yaml") << base << "\nrisk:\n  population: data/missing.tif\n";
  const fs::path bad_out = dir_ / "bad.h5";
  const CommandResult bad =
      run_launchmc("run " + (conf_dir / "bad.yaml").string() + " -n 8 -o " + bad_out.string(),
                   Stderr::to_stdout);
  EXPECT_EQ(bad.status, 2) << bad.out;
  EXPECT_NE(bad.out.find("risk.population"), std::string::npos) << bad.out;
  EXPECT_EQ(bad.out.find("progress"), std::string::npos) << bad.out;
  EXPECT_FALSE(fs::exists(bad_out));
  // A key the section does not have: the loader's message with the line.
  std::ofstream(conf_dir / "typo.yaml") << base << "\nrisk:\n  grid: 0.1\n";
  const CommandResult typo =
      run_launchmc("run " + (conf_dir / "typo.yaml").string() + " -n 8", Stderr::to_stdout);
  EXPECT_EQ(typo.status, 2) << typo.out;
  EXPECT_NE(typo.out.find("risk.grid"), std::string::npos) << typo.out;
  // Without -o: run, and say the maps were left out.
  const CommandResult no_out =
      run_launchmc("run " + (conf_dir / "aug_risk.yaml").string() + " -n 8", Stderr::to_stdout);
  EXPECT_EQ(no_out.status, 0) << no_out.out;
  EXPECT_NE(no_out.out.find("risk: section was not applied"), std::string::npos) << no_out.out;
}

TEST_F(RiskCli, BadInputsExitNonZeroAndLeaveTheFile) {
  const std::string before = slurp(run_);
  struct BadRisk {  // (not Case: test_bad_inputs.cpp's, in the same unity batch)
    std::string args;
    int status;
    std::string message;
  };
  std::ofstream(dir_ / "junk.tif") << "not a raster";
  std::ofstream(dir_ / "text.h5") << "not hdf5";
  const std::string r = run_.string();
  for (const BadRisk& c : std::vector<BadRisk>{
           {"risk " + (dir_ / "nope.h5").string(), 1, "no such run file"},
           {"risk " + (dir_ / "text.h5").string(), 1, "text.h5"},
           {"risk " + r + " --region 1,2,3", 2, "--region"},
           {"risk " + r + " --region 120,40,130,30", 2, "LAT0 < LAT1"},
           {"risk " + r + " --grid 0", 2, "--grid"},
           {"risk " + r + " --grid abc", 2, "--grid"},
           {"risk " + r + " --grid 0.0001", 2, "cells"},
           {"risk " + r + " --population " + (dir_ / "junk.tif").string(), 1, "junk.tif"},
           {"risk " + r + " --population " + (dir_ / "missing.tif").string(), 1, "missing.tif"},
           {"risk " + r + " --regions " + (dir_ / "missing.geojson").string(), 2,
            "missing.geojson"},
           {"risk " + r + " --regions " + (dir_ / "junk.tif").string(), 1, "junk.tif"},
           {"risk " + r + " --shore coarse", 2, "crude"},
           {"risk " + r + " --contour-bandwidth wide", 2, "scott"},
       }) {
    const CommandResult res = run_launchmc(c.args, Stderr::to_stdout);
    EXPECT_EQ(res.status, c.status) << c.args << "\n" << res.out;
    EXPECT_NE(res.out.find(c.message), std::string::npos) << c.args << "\n" << res.out;
    EXPECT_EQ(slurp(run_), before) << c.args;
  }
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << e.path();
}

}  // namespace
