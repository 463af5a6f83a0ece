// The launchmc command line as scripts use it: `fly --json` keys, `-o` HDF5 histories, exit
// status 2 on bad configs with nothing written.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "../support/cli_runner.hpp"
#include "io/hdf5_file.hpp"

namespace {

using launchmc::test_support::CommandResult;
using launchmc::test_support::kConfigDir;
using launchmc::test_support::run_launchmc;

namespace fs = std::filesystem;

fs::path temp_dir() {
  const fs::path d = fs::temp_directory_path() / ("launchmc_cli_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

TEST(Cli, FlyJsonHasStableKeys) {
  const CommandResult r = run_launchmc("fly " + kConfigDir + "/chollima1_2023.yaml --json");
  ASSERT_EQ(r.status, 0);
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j["insertion"].is_object());
  for (const char* k :
       {"time_s", "perigee_alt_km", "apogee_alt_km", "inclination_deg", "raan_deg", "period_s"})
    EXPECT_TRUE(j["insertion"][k].is_number()) << k;
  ASSERT_FALSE(j["events"].empty());
  for (const auto& e : j["events"])
    for (const char* k : {"time_s", "alt_km", "speed_mps", "lat_deg", "lon_deg"})
      EXPECT_TRUE(e[k].is_number()) << k;
  EXPECT_EQ(j["events"][0]["name"], "liftoff");
  ASSERT_FALSE(j["bodies"].empty());
  for (const auto& b : j["bodies"]) {
    EXPECT_TRUE(b["name"].is_string());
    ASSERT_TRUE(b.contains("impact"));
    if (!b["impact"].is_null()) {
      for (const char* k : {"time_s", "lat_deg", "lon_deg", "speed_mps"})
        EXPECT_TRUE(b["impact"][k].is_number()) << k;
    }
  }
  // An orbit: the ground-flight keys are there, and null.
  EXPECT_TRUE(j.contains("apogee_alt_km") && j["apogee_alt_km"].is_null());
  EXPECT_TRUE(j.contains("range_km") && j["range_km"].is_null());
  EXPECT_TRUE(j.contains("flight_time_s") && j["flight_time_s"].is_null());
}

TEST(Cli, FlyJsonOfMissileHasGroundFlight) {
  const CommandResult r = run_launchmc("fly " + kConfigDir + "/hwasong18_2023.yaml --json");
  ASSERT_EQ(r.status, 0);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["insertion"].is_null());
  EXPECT_TRUE(j["apogee_alt_km"].is_number());
  EXPECT_TRUE(j["range_km"].is_number());
  EXPECT_TRUE(j["flight_time_s"].is_number());
}

TEST(Cli, FlyWritesHistoriesToHdf5) {
  const fs::path out = temp_dir() / "fly.h5";
  const CommandResult r =
      run_launchmc("fly " + kConfigDir + "/chollima1_2023.yaml -o " + out.string());
  ASSERT_EQ(r.status, 0);
  ASSERT_TRUE(fs::exists(out));
  auto file = launchmc::io::h5::File::open_read(out);
  auto root = file.root();
  EXPECT_EQ(root.attribute<std::string>("format"), "launchmc-flight");
  EXPECT_NE(root.attribute<std::string>("config_text").find("Chollima"), std::string::npos);
  const auto t = root.open_group("vehicle").read<double>("time_s");
  ASSERT_GT(t.size(), 700u);  // 1-s samples to insertion at ~705 s, plus events
  for (std::size_t i = 1; i < t.size(); ++i) ASSERT_GT(t[i], t[i - 1]);
  const auto alt = root.open_group("vehicle").read<double>("alt_m");
  EXPECT_EQ(alt.size(), t.size());
  auto bodies = root.open_group("bodies");
  for (const char* name : {"stage1", "stage2", "fairing_1", "fairing_2"}) {
    ASSERT_TRUE(bodies.has(name)) << name;
    const auto balt = bodies.open_group(name).read<double>("alt_m");
    ASSERT_FALSE(balt.empty());
    EXPECT_NEAR(balt.back(), 0.0, 1.0) << name;  // the history ends on the ground
  }
  fs::remove_all(out.parent_path());
}

TEST(Cli, BadConfigExitsTwoAndWritesNothing) {
  const fs::path dir = temp_dir();
  const fs::path cfg = dir / "bad.yaml";
  {
    std::ifstream in(kConfigDir + "/chollima1_2023.yaml");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text.replace(text.find("name: "), 6, "nmae: ");
    std::ofstream(cfg) << text;
  }
  const fs::path out = dir / "out.h5";
  { std::ofstream(out) << "previous result"; }
  const CommandResult r = run_launchmc("fly " + cfg.string() + " -o " + out.string());
  EXPECT_EQ(r.status, 2);
  std::ifstream in(out);
  std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(kept, "previous result");
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos);
  EXPECT_EQ(run_launchmc("fly /nonexistent.yaml").status, 2);
  EXPECT_EQ(run_launchmc("fly " + cfg.string() + " --set launch.nothing=1").status, 2);
  EXPECT_EQ(run_launchmc("frobnicate").status, 2);
  fs::remove_all(dir);
}

}  // namespace

namespace {

TEST(Cli, RunAndSummarizeAgreeAndFlySampleMatchesTheRow) {
  const fs::path dir = temp_dir();
  const fs::path out = dir / "run.h5";
  const CommandResult r = run_launchmc(
      "run " + kConfigDir + "/chollima1_2023.yaml -n 48 --seed 7 -j 2 --json -o " + out.string());
  ASSERT_EQ(r.status, 0);
  auto from_run = nlohmann::json::parse(r.out);
  for (const char* k : {"samples", "seed", "p_success", "p_success_ci95", "status_counts", "orbit",
                        "bodies", "elapsed_s", "samples_per_s"})
    EXPECT_TRUE(from_run.contains(k)) << k;
  EXPECT_EQ(from_run["samples"], 48);
  EXPECT_EQ(from_run["p_success_ci95"].size(), 2u);
  for (const char* k : {"perigee_alt_km", "apogee_alt_km", "inclination_deg", "insertion_time_s"})
    for (const char* s : {"mean", "std", "q01", "q50", "q99"})
      EXPECT_TRUE(from_run["orbit"][k].contains(s));
  const auto& b0 = from_run["bodies"][0];
  for (const char* k : {"name", "impacted", "impact_mean_lat_deg", "impact_mean_lon_deg",
                        "impact_time_s", "ellipses"})
    EXPECT_TRUE(b0.contains(k)) << k;
  EXPECT_TRUE(b0["ellipses"].contains("95"));

  const CommandResult s = run_launchmc("summarize " + out.string() + " --json");
  ASSERT_EQ(s.status, 0);
  auto from_file = nlohmann::json::parse(s.out);
  EXPECT_EQ(from_run["stopped_by"], "samples");
  EXPECT_EQ(from_run["samples_requested"], 48);
  from_run.erase("output");
  EXPECT_EQ(from_run.dump(), from_file.dump());

  // Row 13 of the file, re-flown alone.
  auto file = launchmc::io::h5::File::open_read(out);
  const auto perigee = file.root().open_group("outcome").read<double>("perigee_alt_m");
  const CommandResult f =
      run_launchmc("fly " + kConfigDir + "/chollima1_2023.yaml --sample 13 --seed 7 --json");
  ASSERT_EQ(f.status, 0);
  const auto j = nlohmann::json::parse(f.out);
  if (std::isfinite(perigee[13])) {
    ASSERT_TRUE(j["insertion"].is_object());
    EXPECT_DOUBLE_EQ(j["insertion"]["perigee_alt_km"].get<double>(), perigee[13] / 1e3);
  } else {
    EXPECT_TRUE(j["insertion"].is_null());
  }
  fs::remove_all(dir);
}

}  // namespace

namespace {

TEST(Cli, TargetWritesCalibratedConfigKeepingComments) {
  const fs::path dir = temp_dir();
  const fs::path out = dir / "calibrated.yaml";
  const CommandResult r =
      run_launchmc("target " + kConfigDir +
                   "/hwasong18_2023.yaml --vary guidance.pitch_kick_deg,vehicle.payload.mass_kg"
                   " --goal apogee_alt_km=6000:0.01,range_km=1100:0.01 --json -o " +
                   out.string());
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["met"].get<bool>());
  std::ifstream a(kConfigDir + "/hwasong18_2023.yaml"), b(out);
  std::string la, lb;
  int changed = 0, lines = 0;
  while (std::getline(a, la) && std::getline(b, lb)) {
    ++lines;
    if (la != lb) {
      ++changed;
      // Only the two solved values change, and their comments stay.
      EXPECT_TRUE(la.find("pitch_kick_deg") != std::string::npos || la.find("    mass_kg: ") == 0)
          << la;
      if (la.find('#') != std::string::npos) {
        EXPECT_EQ(la.substr(la.find('#')), lb.substr(lb.find('#')));
      }
    }
  }
  EXPECT_EQ(changed, 2);
  EXPECT_GT(lines, 40);
  // The calibrated file flies to the goals.
  const auto f = nlohmann::json::parse(run_launchmc("fly " + out.string() + " --json").out);
  EXPECT_NEAR(f["apogee_alt_km"].get<double>(), 6000.0, 0.01);
  EXPECT_NEAR(f["range_km"].get<double>(), 1100.0, 0.01);

  // Unreachable goals: refused, exit 1, nothing written.
  const fs::path out2 = dir / "never.yaml";
  EXPECT_EQ(
      run_launchmc(
          "target " + kConfigDir +
          "/hwasong18_2023.yaml --vary vehicle.payload.mass_kg --goal apogee_alt_km=770000 -o " +
          out2.string())
          .status,
      1);
  EXPECT_FALSE(fs::exists(out2));
  fs::remove_all(dir);
}

}  // namespace
