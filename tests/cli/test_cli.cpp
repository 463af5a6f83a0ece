// The launchmc command line as scripts use it: `fly --json` keys, `-o` HDF5 histories, exit
// status 2 on bad configs with nothing written.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "io/hdf5_file.hpp"

namespace {

namespace fs = std::filesystem;
const std::string kBinary = LAUNCHMC_BINARY;
const std::string kConfigDir = LAUNCHMC_CONFIG_DIR;

struct RunResult {
  int status = -1;
  std::string out;
};

RunResult run(const std::string& args) {
  RunResult r;
  const std::string cmd = kBinary + " " + args + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

fs::path temp_dir() {
  const fs::path d = fs::temp_directory_path() / ("launchmc_cli_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

TEST(Cli, FlyJsonHasStableKeys) {
  const RunResult r = run("fly " + kConfigDir + "/chollima1_2023.yaml --json");
  ASSERT_EQ(r.status, 0);
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j["insertion"].is_object());
  for (const char* k : {"time_s", "perigee_alt_km", "apogee_alt_km", "inclination_deg", "raan_deg", "period_s"})
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
  const RunResult r = run("fly " + kConfigDir + "/hwasong18_2023.yaml --json");
  ASSERT_EQ(r.status, 0);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["insertion"].is_null());
  EXPECT_TRUE(j["apogee_alt_km"].is_number());
  EXPECT_TRUE(j["range_km"].is_number());
  EXPECT_TRUE(j["flight_time_s"].is_number());
}

TEST(Cli, FlyWritesHistoriesToHdf5) {
  const fs::path out = temp_dir() / "fly.h5";
  const RunResult r = run("fly " + kConfigDir + "/chollima1_2023.yaml -o " + out.string());
  ASSERT_EQ(r.status, 0);
  ASSERT_TRUE(fs::exists(out));
  auto file = launchmc::io::h5::File::open_read(out);
  auto root = file.root();
  EXPECT_EQ(root.attribute_string("format"), "launchmc-flight");
  EXPECT_NE(root.attribute_string("config_text").find("Chollima"), std::string::npos);
  const auto t = root.open_group("vehicle").read_doubles("time_s");
  ASSERT_GT(t.size(), 700u);  // 1-s samples to insertion at ~705 s, plus events
  for (std::size_t i = 1; i < t.size(); ++i) ASSERT_GT(t[i], t[i - 1]);
  const auto alt = root.open_group("vehicle").read_doubles("alt_m");
  EXPECT_EQ(alt.size(), t.size());
  auto bodies = root.open_group("bodies");
  for (const char* name : {"stage1", "stage2", "fairing_1", "fairing_2"}) {
    ASSERT_TRUE(bodies.has(name)) << name;
    const auto balt = bodies.open_group(name).read_doubles("alt_m");
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
  {
    std::ofstream(out) << "previous result";
  }
  const RunResult r = run("fly " + cfg.string() + " -o " + out.string());
  EXPECT_EQ(r.status, 2);
  std::ifstream in(out);
  std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(kept, "previous result");
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos);
  EXPECT_EQ(run("fly /nonexistent.yaml").status, 2);
  EXPECT_EQ(run("fly " + cfg.string() + " --set launch.nothing=1").status, 2);
  EXPECT_EQ(run("frobnicate").status, 2);
  fs::remove_all(dir);
}

}  // namespace
