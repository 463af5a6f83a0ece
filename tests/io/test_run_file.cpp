// Run files (io/run_file.hpp) and flight reports (io/flight_report.hpp) carry how powered flight
// ended: the /outcome/powered_flight_end enum column round-trips through RunFileWriter and
// RunFileReader (whole and in slices), a file without it (written before the column existed)
// reads as all `none`, `summarize` counts the same outcomes as the blocks it was written from,
// and `fly` reports it in JSON, text and HDF5.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "config/load_scenario.hpp"
#include "engine/run.hpp"
#include "engine/sampling.hpp"
#include "io/flight_report.hpp"
#include "io/hdf5_file.hpp"
#include "io/run_file.hpp"

namespace launchmc::io {
namespace {

namespace fs = std::filesystem;
using engine::SampleStatus;
using flight::PoweredFlightEnd;

class RunFileIoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("launchmc_runfile_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path dir_;
};

config::LoadedConfig chollima() {
  return config::load_config_file(std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml");
}

constexpr std::size_t kRows = 1000;
constexpr std::size_t kBlockSize = 300;  // the last block is short

// Status and powered-flight end of sample i: every combination occurs, in a pattern that a
// shifted, truncated or constant column would not reproduce.
SampleStatus status_of(std::size_t i) {
  return static_cast<SampleStatus>((i * 7 + i / 13) % engine::kStatusCount);
}
PoweredFlightEnd end_of(std::size_t i) {
  return static_cast<PoweredFlightEnd>((i * 5 + i / 7) % flight::kPoweredFlightEndCount);
}

// Writes kRows synthetic samples in blocks of kBlockSize; returns their summary computed from the
// blocks exactly as `run` does.
engine::Summary write_synthetic_run(const fs::path& path, const config::LoadedConfig& cfg) {
  engine::RunOptions options;
  options.n_samples = kRows;
  options.block_size = kBlockSize;
  options.seed = 3;
  const engine::SamplePlan plan(cfg, options.seed, options.n_samples, cfg.dispersions.sampler);
  engine::RunLayout layout;
  layout.plan = &plan;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  layout.slots = {{"s1", flight::BodyKind::spent_stage, 0, nan, nan}};
  layout.meta.seed = options.seed;
  layout.meta.sampler = "mc";
  layout.meta.scenario = cfg.scenario.name;
  layout.meta.success_status = SampleStatus::orbit;
  layout.options = &options;

  RunFileWriter writer(path, cfg, 1);
  writer.begin(layout);
  engine::SummaryAccumulator acc(layout.slots, layout.meta.success_status, layout.meta.failure_names.size());
  engine::Block b;
  b.resize(kBlockSize, plan.n_drawn(), layout.slots.size());
  for (std::size_t first = 0; first < kRows; first += kBlockSize) {
    b.first = first;
    b.count = std::min(kBlockSize, kRows - first);
    for (std::size_t r = 0; r < b.count; ++r) {
      engine::record_invalid(layout.slots.size(), b, r);
      b.status[r] = static_cast<std::int8_t>(status_of(first + r));
      b.powered_flight_end[r] = static_cast<std::int8_t>(end_of(first + r));
      if (status_of(first + r) == SampleStatus::orbit) {  // the orbit statistics need an orbit
        b.insertion_time_s[r] = 500.0;
        b.perigee_alt_m[r] = 200e3 + static_cast<double>(first + r);
        b.apogee_alt_m[r] = 500e3;
        b.inclination_deg[r] = 97.0;
      }
      for (auto& col : b.drawn) col[r] = static_cast<double>(first + r);
    }
    writer.write(b);
    acc.add(b);
  }
  const engine::Summary summary = acc.finish(layout.meta);
  writer.finish(summary, false);
  return summary;
}

TEST_F(RunFileIoTest, PoweredFlightEndRoundTripsWholeAndInSlices) {
  const auto cfg = chollima();
  const fs::path path = dir_ / "run.h5";
  write_synthetic_run(path, cfg);

  const RunFile whole = read_run_file(path);
  ASSERT_EQ(whole.samples.count, kRows);
  ASSERT_GE(whole.samples.powered_flight_end.size(), kRows);
  for (std::size_t i = 0; i < kRows; ++i) {
    ASSERT_EQ(whole.samples.powered_flight_end[i], static_cast<std::int8_t>(end_of(i))) << i;
    ASSERT_EQ(whole.samples.status[i], static_cast<std::int8_t>(status_of(i))) << i;
  }

  RunFileReader reader(path);
  engine::Block slice;
  std::size_t seen = 0;
  while (reader.next(slice, 77)) {
    for (std::size_t r = 0; r < slice.count; ++r)
      ASSERT_EQ(slice.powered_flight_end[r], static_cast<std::int8_t>(end_of(seen + r))) << seen + r;
    seen += slice.count;
  }
  EXPECT_EQ(seen, kRows);
}

TEST_F(RunFileIoTest, PoweredFlightEndIsAnHdf5EnumOfTheFlightEnumsNames) {
  const auto cfg = chollima();
  const fs::path path = dir_ / "run.h5";
  write_synthetic_run(path, cfg);
  const h5::File f = h5::File::open_read(path);
  const h5::Group outcome = f.root().open_group("outcome");
  ASSERT_TRUE(outcome.has("powered_flight_end"));
  EXPECT_EQ(outcome.dataset_size("powered_flight_end"), kRows);
  const h5::EnumMembers members = outcome.enum_members("powered_flight_end");
  ASSERT_EQ(members.size(), static_cast<std::size_t>(flight::kPoweredFlightEndCount));
  for (int e = 0; e < flight::kPoweredFlightEndCount; ++e) {
    EXPECT_EQ(members[static_cast<std::size_t>(e)].first,
              flight::to_string(static_cast<PoweredFlightEnd>(e)));
    EXPECT_EQ(members[static_cast<std::size_t>(e)].second, e);
  }
}

TEST_F(RunFileIoTest, SummaryOfTheFileCountsTheSameOutcomesAsTheBlocks) {
  const auto cfg = chollima();
  const fs::path path = dir_ / "run.h5";
  const engine::Summary from_blocks = write_synthetic_run(path, cfg);
  const engine::Summary from_file = summarize_run_file(path);
  const engine::Summary from_whole = summarize_run_file(read_run_file(path));

  // Count by hand.
  engine::OutcomeMatrix expected{};
  for (std::size_t i = 0; i < kRows; ++i)
    ++expected[static_cast<std::size_t>(status_of(i))][static_cast<std::size_t>(end_of(i))];
  const auto expected_list = engine::outcome_list(expected, kRows);
  ASSERT_EQ(expected_list.size(),
            static_cast<std::size_t>(engine::kStatusCount * flight::kPoweredFlightEndCount));
  for (const engine::Summary* s : {&from_blocks, &from_file, &from_whole}) {
    ASSERT_EQ(s->outcomes.size(), expected_list.size());
    for (std::size_t k = 0; k < expected_list.size(); ++k) {
      EXPECT_EQ(s->outcomes[k].status, expected_list[k].status) << k;
      EXPECT_EQ(s->outcomes[k].powered_flight_end, expected_list[k].powered_flight_end) << k;
      EXPECT_EQ(s->outcomes[k].count, expected_list[k].count) << k;
    }
  }
  EXPECT_EQ(engine::summary_to_json(from_blocks)["outcomes"].dump(),
            engine::summary_to_json(from_file)["outcomes"].dump());
}

TEST_F(RunFileIoTest, FileWithoutTheColumnReadsAsNone) {
  const auto cfg = chollima();
  const fs::path path = dir_ / "old.h5";
  write_synthetic_run(path, cfg);
  // Make it a file of an older launchmc: no /outcome/powered_flight_end.
  {
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(file, 0);
    EXPECT_GE(H5Ldelete(file, "/outcome/powered_flight_end", H5P_DEFAULT), 0);
    H5Fclose(file);
  }
  ASSERT_FALSE(h5::File::open_read(path).root().has("outcome/powered_flight_end"));

  const RunFile rf = read_run_file(path);
  ASSERT_EQ(rf.samples.count, kRows);
  ASSERT_EQ(rf.samples.powered_flight_end.size(), kRows);
  for (std::size_t i = 0; i < kRows; ++i) {
    ASSERT_EQ(rf.samples.powered_flight_end[i], 0) << i;
    ASSERT_EQ(rf.samples.status[i], static_cast<std::int8_t>(status_of(i))) << i;
  }
  // The outcomes are then one per status, all with `none`.
  const engine::Summary s = summarize_run_file(path);
  ASSERT_EQ(s.outcomes.size(), static_cast<std::size_t>(engine::kStatusCount));
  std::uint64_t total = 0;
  for (const auto& o : s.outcomes) {
    EXPECT_EQ(o.powered_flight_end, PoweredFlightEnd::none);
    EXPECT_EQ(o.count, s.status_counts[static_cast<std::size_t>(o.status)]);
    total += o.count;
  }
  EXPECT_EQ(total, kRows);
}

TEST_F(RunFileIoTest, FlyReportsShowHowPoweredFlightEnded) {
  const auto cfg = chollima();
  flight::FlightResult r;
  r.status = flight::FlightStatus::suborbital;
  r.powered_flight_end = PoweredFlightEnd::depletion;

  const nlohmann::json j = flight_to_json(cfg.scenario, r);
  ASSERT_TRUE(j.contains("powered_flight_end"));
  EXPECT_EQ(j["powered_flight_end"], "depletion");
  EXPECT_EQ(j["status"], "suborbital");

  std::ostringstream text;
  print_flight_report(text, cfg.scenario, r);
  EXPECT_NE(text.str().find("status: suborbital\npowered flight end: depletion\n"), std::string::npos)
      << text.str();

  const fs::path path = dir_ / "fly.h5";
  write_flight_hdf5(path, cfg.scenario, r, HistoryRecorder{});
  const h5::File f = h5::File::open_read(path);
  EXPECT_EQ(f.root().attribute_string("powered_flight_end"), "depletion");
  EXPECT_EQ(f.root().attribute_string("status"), "suborbital");

  r.powered_flight_end = PoweredFlightEnd::none;
  EXPECT_EQ(flight_to_json(cfg.scenario, r)["powered_flight_end"], "none");
}

}  // namespace
}  // namespace launchmc::io
