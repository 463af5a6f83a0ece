// The target orbit in run files: RunFileWriter stores it (group /target_orbit, attributes
// perigee_alt_km, apogee_alt_km, inclination_deg, raan_deg (NaN: free), tolerance_alt_km,
// tolerance_incl_deg), RunFileReader reads it back, and `summarize` of the file gives the same
// target_orbit as the run's own summary; a file without the group (no target, or an older
// launchmc) gives null.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "../support/scratch_dir.hpp"
#include "../support/synthetic_run.hpp"
#include "config/load_scenario.hpp"
#include "engine/run.hpp"
#include "engine/sampling.hpp"
#include "io/hdf5_file.hpp"
#include "io/run_file.hpp"
#include "io/summary_report.hpp"

namespace launchmc::io {
namespace {

namespace fs = std::filesystem;
using engine::SampleStatus;

class TargetOrbitRunFile : public ScratchDirTest {};

const std::string kChollima = std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml";
constexpr double kReqM = 6378137.0;
constexpr std::size_t kRows = 600;
constexpr std::size_t kBlockSize = 250;

// Sample i: an orbit unless i % 5 == 4; catalogue perigee 493 + d, apogee 512 - d with
// d = 1.1 ((i % 29) - 14) km (|d| <= 9.9 for i % 29 in [5, 23], >= 11 otherwise), inclination
// 97.4 + 0.03 ((i % 11) - 5) (within 0.09 deg for i % 11 in [2, 8], >= 0.12 off otherwise), RAAN
// 359.87 + 0.05 (i % 7) wrapped to [0, 360): 359.87, 359.92, 359.97, 0.02, 0.07, 0.12, 0.17, i.e.
// -0.08 ... +0.07 deg from 359.95 for i % 7 <= 3 and 0.12 or more for i % 7 >= 4.
bool orbit_of(std::size_t i) { return i % 5 != 4; }
double d_km_of(std::size_t i) { return 1.1 * (static_cast<double>(i % 29) - 14.0); }
double incl_of(std::size_t i) { return 97.4 + 0.03 * (static_cast<double>(i % 11) - 5.0); }
double raan_of(std::size_t i) {
  return std::fmod(359.87 + 0.05 * static_cast<double>(i % 7), 360.0);
}

engine::TargetOrbit target(double raan_deg) {
  engine::TargetOrbit t;
  t.perigee_alt_km = 493.0;
  t.apogee_alt_km = 512.0;
  t.inclination_deg = 97.4;
  t.raan_deg = raan_deg;
  t.tolerance_alt_km = 10.0;
  t.tolerance_incl_deg = 0.1;
  return t;
}

// The count by hand, from the index arithmetic above (not from the elements).
std::uint64_t expected_count(bool node_fixed) {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < kRows; ++i) {
    if (!orbit_of(i)) continue;
    if (i % 29 < 5 || i % 29 > 23) continue;  // |d| > 10
    const std::size_t k = i % 11;
    if (k < 2 || k > 8) continue;  // |0.03 (k - 5)| > 0.1
    if (node_fixed && i % 7 >= 4) continue;
    ++n;
  }
  return n;
}

// Writes kRows synthetic samples with the given target in the layout; returns the summary the
// run computes from the same blocks.
engine::Summary write_run(const fs::path& path, const Study& cfg,
                          std::optional<engine::TargetOrbit> t) {
  testing_support::SyntheticRun run;
  run.rows = kRows;
  run.block_size = kBlockSize;
  run.seed = 5;
  run.target_orbit = t;
  return testing_support::write_synthetic_run(
      path, cfg, run, [](std::size_t i, engine::Block& b, std::size_t r) {
        b.column("status")[r] =
            static_cast<std::int8_t>(orbit_of(i) ? SampleStatus::orbit : SampleStatus::crash);
        // Failed samples keep elements that would be on target: they must not count.
        const double rp = kReqM + (493.0 + (orbit_of(i) ? d_km_of(i) : 0.0)) * 1e3;
        const double ra = kReqM + (512.0 - (orbit_of(i) ? d_km_of(i) : 0.0)) * 1e3;
        b.column("semi_major_axis_m")[r] = 0.5 * (rp + ra);
        b.column("eccentricity")[r] = (ra - rp) / (ra + rp);
        b.column("inclination_deg")[r] = incl_of(i);
        b.column("raan_deg")[r] = raan_of(i);
        b.column("perigee_alt_m")[r] = rp - kReqM;
        b.column("apogee_alt_m")[r] = ra - kReqM;
        b.column("insertion_time_s")[r] = 700.0;
        for (auto& col : b.drawn) col[r] = 0.0;
      });
}

std::string printed(const engine::Summary& s) {
  std::ostringstream out;
  io::print_summary(out, s);
  return out.str();
}

TEST_F(TargetOrbitRunFile, SummarizeGivesTheRunsTargetOrbitFreeNode) {
  const auto cfg = config::load_config_file(kChollima);
  const fs::path path = dir_ / "free.h5";
  const engine::Summary run =
      write_run(path, cfg, target(std::numeric_limits<double>::quiet_NaN()));
  const std::uint64_t want = expected_count(false);
  ASSERT_GT(want, 100u);
  ASSERT_LT(want, kRows * 4 / 5);
  ASSERT_TRUE(run.target_orbit.has_value());
  EXPECT_EQ(run.target_orbit->count, want);

  // The file holds the target.
  {
    const h5::File f = h5::File::open_read(path);
    ASSERT_TRUE(f.root().has("target_orbit"));
    const h5::Group g = f.root().open_group("target_orbit");
    EXPECT_EQ(g.attribute<double>("perigee_alt_km"), 493.0);
    EXPECT_EQ(g.attribute<double>("apogee_alt_km"), 512.0);
    EXPECT_EQ(g.attribute<double>("inclination_deg"), 97.4);
    EXPECT_TRUE(std::isnan(g.attribute<double>("raan_deg")));
    EXPECT_EQ(g.attribute<double>("tolerance_alt_km"), 10.0);
    EXPECT_EQ(g.attribute<double>("tolerance_incl_deg"), 0.1);
  }
  const RunFileReader reader(path);
  ASSERT_TRUE(reader.info().meta.target_orbit.has_value());
  EXPECT_EQ(reader.info().meta.target_orbit->inclination_deg, 97.4);
  EXPECT_FALSE(reader.info().meta.target_orbit->node_fixed());

  for (const engine::Summary& s :
       {summarize_run_file(path), summarize_run_file(read_run_file(path))}) {
    ASSERT_TRUE(s.target_orbit.has_value());
    EXPECT_EQ(s.target_orbit->count, want);
    EXPECT_EQ(io::summary_to_json(s)["target_orbit"].dump(),
              io::summary_to_json(run)["target_orbit"].dump());
    EXPECT_TRUE(io::summary_to_json(s)["target_orbit"]["raan_deg"].is_null());
    EXPECT_EQ(printed(s), printed(run));
  }
}

TEST_F(TargetOrbitRunFile, SummarizeGivesTheRunsTargetOrbitFixedNode) {
  const auto cfg = config::load_config_file(kChollima);
  const fs::path path = dir_ / "fixed.h5";
  const engine::TargetOrbit t = target(359.95);
  const engine::Summary run = write_run(path, cfg, t);
  const std::uint64_t want = expected_count(true);
  ASSERT_LT(want, expected_count(false));
  EXPECT_EQ(run.target_orbit->count, want);
  const engine::Summary s = summarize_run_file(path);
  ASSERT_TRUE(s.target_orbit.has_value());
  EXPECT_EQ(s.target_orbit->count, want);
  EXPECT_EQ(s.target_orbit->target.raan_deg, 359.95);
  const nlohmann::json j = io::summary_to_json(s);
  EXPECT_EQ(j["target_orbit"]["raan_deg"], 359.95);
  EXPECT_EQ(j["target_orbit"].dump(), io::summary_to_json(run)["target_orbit"].dump());
  EXPECT_EQ(printed(s), printed(run));
}

TEST_F(TargetOrbitRunFile, NoTargetAndOldFilesGiveNull) {
  const auto cfg = config::load_config_file(kChollima);
  const fs::path none = dir_ / "none.h5";
  write_run(none, cfg, std::nullopt);
  EXPECT_FALSE(h5::File::open_read(none).root().has("target_orbit"));
  EXPECT_TRUE(io::summary_to_json(summarize_run_file(none))["target_orbit"].is_null());

  // A file of a launchmc from before the target orbit: delete the group.
  const fs::path old = dir_ / "old.h5";
  write_run(old, cfg, target(std::numeric_limits<double>::quiet_NaN()));
  {
    const hid_t file = H5Fopen(old.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(file, 0);
    EXPECT_GE(H5Ldelete(file, "/target_orbit", H5P_DEFAULT), 0);
    H5Fclose(file);
  }
  const engine::Summary s = summarize_run_file(old);
  EXPECT_FALSE(s.target_orbit.has_value());
  const nlohmann::json j = io::summary_to_json(s);
  ASSERT_TRUE(j.contains("target_orbit"));
  EXPECT_TRUE(j["target_orbit"].is_null());
  EXPECT_EQ(printed(s).find("target orbit"), std::string::npos);
}

TEST_F(TargetOrbitRunFile, RunAndSummarizeOfChollimaAgree) {
  // The real thing: run_monte_carlo writes the file, summarize reads it.
  const auto cfg = config::load_config_file(kChollima);
  const fs::path path = dir_ / "chollima.h5";
  engine::RunOptions opt;
  opt.n_samples = 300;
  opt.seed = 4;
  engine::RunResult r;
  {
    RunFileWriter writer(path, cfg);
    r = engine::run_monte_carlo(cfg, opt, &writer, nullptr);
  }
  ASSERT_TRUE(r.summary.target_orbit.has_value());
  const engine::Summary s = summarize_run_file(path);
  const nlohmann::json a = io::summary_to_json(r.summary), b = io::summary_to_json(s);
  EXPECT_EQ(a["target_orbit"].dump(), b["target_orbit"].dump());
  EXPECT_EQ(b["target_orbit"]["perigee_alt_km"], 493.0);
  EXPECT_EQ(b["target_orbit"]["apogee_alt_km"], 512.0);
  EXPECT_EQ(b["target_orbit"]["inclination_deg"], 97.4);
  EXPECT_TRUE(b["target_orbit"]["raan_deg"].is_null());
  EXPECT_GT(b["target_orbit"]["count"].get<std::uint64_t>(), 0u);

  // Open loop: no group, null.
  const auto open =
      config::load_config_file(kChollima, {{"vehicle.stages[2].guidance.enabled", "false"}});
  const fs::path open_path = dir_ / "open.h5";
  opt.n_samples = 20;
  {
    RunFileWriter writer(open_path, open);
    engine::run_monte_carlo(open, opt, &writer, nullptr);
  }
  EXPECT_FALSE(h5::File::open_read(open_path).root().has("target_orbit"));
  EXPECT_TRUE(io::summary_to_json(summarize_run_file(open_path))["target_orbit"].is_null());
}

}  // namespace
}  // namespace launchmc::io
