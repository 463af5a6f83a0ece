// Replays every input the fuzzers ever found (tests/fuzz/regressions/<target>/*) through the same
// harness, in the normal build: each must be handled (a refusal is fine) well within a second.
// The seeds (tests/fuzz/seeds) are replayed too, so a harness that stops loading them shows here.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "harness.hpp"

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs_in(const fs::path& dir) {
  std::vector<fs::path> out;
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file() && e.path().filename().string().front() != '.')
        out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Seconds one input may take here. The fuzzers call more than a second a hang; the sanitized
// build is several times slower than this one, and CI machines are shared, hence the margin.
constexpr double kLimitS = 5.0;

template <class Harness>
void replay(const std::vector<fs::path>& files, Harness harness) {
  for (const auto& f : files) {
    const std::string data = bytes_of(f);
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_NO_THROW(harness(reinterpret_cast<const std::uint8_t*>(data.data()), data.size())) << f;
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_LT(s, kLimitS) << f;
  }
}

const fs::path kFuzzDir = fs::path(LAUNCHMC_TESTS_DIR) / "fuzz";

TEST(FuzzRegressions, ConfigInputs) {
  std::vector<fs::path> files = inputs_in(kFuzzDir / "regressions" / "config");
  for (const auto& f : inputs_in(kFuzzDir / "seeds" / "config")) files.push_back(f);
  for (const auto& f : inputs_in(LAUNCHMC_CONFIG_DIR)) files.push_back(f);
  ASSERT_FALSE(files.empty());
  replay(files, launchmc::fuzz::config_input);
}

TEST(FuzzRegressions, RunFileInputs) {
  std::vector<fs::path> files = inputs_in(kFuzzDir / "regressions" / "run_file");
  for (const auto& f : inputs_in(kFuzzDir / "seeds" / "run_file")) files.push_back(f);
  ASSERT_FALSE(files.empty());
  replay(files, launchmc::fuzz::run_file_input);
}

TEST(FuzzRegressions, RegionsInputs) {
  std::vector<fs::path> files = inputs_in(kFuzzDir / "regressions" / "regions");
  for (const auto& f : inputs_in(kFuzzDir / "seeds" / "regions")) files.push_back(f);
  ASSERT_FALSE(files.empty());
  replay(files, launchmc::fuzz::regions_input);
}

// The regions seeds reach the accepted path: the classifier reads them and finds their areas.
TEST(FuzzRegressions, RegionsSeedsAreAccepted) {
  const launchmc::geo::RegionClassifier okinawa(
      (kFuzzDir / "seeds" / "regions" / "okinawa_hole.geojson").string());
  ASSERT_EQ(okinawa.size(), 2u);
  std::vector<std::size_t> hits;
  okinawa.classify(26.2, 127.7, hits);  // inside the box, outside its hole
  EXPECT_EQ(hits, std::vector<std::size_t>{0});
  hits.clear();
  okinawa.classify(26.5, 128.0, hits);  // in the hole
  EXPECT_TRUE(hits.empty());
  const launchmc::geo::RegionClassifier wrap(
      (kFuzzDir / "seeds" / "regions" / "antimeridian.geojson").string());
  ASSERT_EQ(wrap.size(), 3u);
  hits.clear();
  wrap.classify(0.0, -175.0, hits);  // the split polygon's western part
  EXPECT_EQ(hits, std::vector<std::size_t>{0});
  hits.clear();
  wrap.classify(25.0, -172.0, hits);  // 188 E: inside the ring written beyond 180
  EXPECT_EQ(hits, std::vector<std::size_t>{1});
}

TEST(FuzzRegressions, RunFileBytesInputs) {
  replay(inputs_in(kFuzzDir / "regressions" / "run_file_bytes"),
         launchmc::fuzz::run_file_bytes_input);
}

// The bundled configs load through the harness (so the fuzzer's seeds reach the whole schema).
TEST(FuzzRegressions, BundledConfigsLoadThroughTheHarnessText) {
  for (const auto& f : inputs_in(LAUNCHMC_CONFIG_DIR)) {
    const std::string text = bytes_of(f);
    EXPECT_NO_THROW(launchmc::config::load_config(text, f.string())) << f;
  }
}

}  // namespace

namespace {

// The builder's seed describes a file the reader accepts whole, so the fuzzer starts from the
// accepted path and every mutation is one damage away from it.
TEST(FuzzRegressions, ValidLayoutSeedIsAcceptedWhole) {
  const std::string seed = bytes_of(kFuzzDir / "seeds" / "run_file" / "valid_layout.bin");
  const fs::path path =
      fs::temp_directory_path() / ("launchmc_fuzz_seed_" + std::to_string(::getpid()) + ".h5");
  launchmc::fuzz::build_run_file(path.string(), reinterpret_cast<const std::uint8_t*>(seed.data()),
                                 seed.size());
  const launchmc::engine::Summary s = launchmc::io::summarize_run_file(path);
  EXPECT_EQ(s.samples, 8u);
  ASSERT_EQ(s.bodies.size(), 2u);       // stage1 and the vehicle
  EXPECT_EQ(s.bodies[0].impacted, 4u);  // fates 0,1,0,2,0,3,4,0
  fs::remove(path);
}

}  // namespace
