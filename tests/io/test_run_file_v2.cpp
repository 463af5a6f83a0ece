// Run-file format 2.0: bodies that the nominal flight did not release are kept (the ragged table
// /other_bodies, offsets + flat columns) and read back exactly; each row's stream index is stored;
// the summary reducer's state is saved and restores the run's summary bit for bit, and merges of
// any split equal the whole; and the reader still reads format 1.0 files (tests/data/
// run_format_1_0.h5, written by launchmc before 2.0), column by column as its raw datasets hold
// them.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../support/reducer_state.hpp"
#include "../support/scratch_dir.hpp"
#include "../support/synthetic_run.hpp"
#include "config/load_scenario.hpp"
#include "engine/columns.hpp"
#include "engine/run.hpp"
#include "io/hdf5_file.hpp"
#include "io/run_file.hpp"
#include "io/summary_report.hpp"

namespace launchmc::io {
namespace {

namespace fs = std::filesystem;

class RunFileV2Test : public ScratchDirTest {};

Study hwasong18() {
  return config::load_config_file(std::string(LAUNCHMC_CONFIG_DIR) + "/hwasong18_2023.yaml");
}

// Row i releases (i % 3) extra bodies named after it: 0, 1 or 2 entries, classes alternating.
void fill_other(std::size_t i, engine::Block& b, std::size_t r) {
  engine::RaggedBodies& o = b.other_bodies;
  const auto cols = engine::other_body_columns();
  for (std::size_t k = 0; k < i % 3; ++k) {
    for (std::size_t c = 0; c < cols.size(); ++c)
      o.columns[c].push_back(cols[c].name == "fate" ? 0.0
                                                    : static_cast<double>(1000 * i + 10 * k + c));
    o.names.emplace_back(k == 0 ? "fragment_a" : "fragment_b");
    o.classes.emplace_back(i % 2 == 0 ? "fragment" : "debris");
  }
  o.row_end[r] = o.entries();
  b.column("status")[r] = 1.0;  // suborbital: no orbit columns needed
}

TEST_F(RunFileV2Test, OtherBodiesAreKeptAndReadBackExactly) {
  const auto cfg = hwasong18();
  testing_support::SyntheticRun run;
  run.rows = 50;
  run.block_size = 16;
  const fs::path path = dir_ / "other.h5";
  testing_support::write_synthetic_run(path, cfg, run, fill_other);
  RunFileReader reader(path);
  engine::Block b;
  std::size_t row = 0;
  const auto cols = engine::other_body_columns();
  while (reader.next(b, 7)) {  // slices that cut across the written blocks
    std::size_t entry = 0;
    for (std::size_t r = 0; r < b.count; ++r, ++row) {
      const std::size_t n = row % 3;
      ASSERT_EQ(b.other_bodies.row_end[r], entry + n) << row;
      for (std::size_t k = 0; k < n; ++k, ++entry) {
        EXPECT_EQ(b.other_bodies.names[entry].str(), k == 0 ? "fragment_a" : "fragment_b");
        EXPECT_EQ(b.other_bodies.classes[entry].str(), row % 2 == 0 ? "fragment" : "debris");
        for (std::size_t c = 1; c < cols.size(); ++c)
          EXPECT_EQ(b.other_bodies.columns[c][entry], static_cast<double>(1000 * row + 10 * k + c))
              << cols[c].name;
      }
    }
    EXPECT_EQ(b.other_bodies.entries(), entry);
  }
  EXPECT_EQ(row, 50u);
  // The raw file: one name list, first appearance first.
  const h5::File f = h5::File::open_read(path);
  EXPECT_EQ(f.root().open_group("other_bodies").read<std::string>("names"),
            (std::vector<std::string>{"fragment_a", "fragment_b"}));
  EXPECT_EQ(f.root().open_group("other_bodies").read<std::uint64_t>("row_end").back(),
            49u);  // sum of i % 3
}

TEST_F(RunFileV2Test, TheRunsOwnStateRestoresItsSummaryAndMergesExactly) {
  const auto cfg = hwasong18();
  engine::RunOptions opt;
  opt.n_samples = 300;
  opt.block_size = 32;
  opt.seed = 9;
  const fs::path path = dir_ / "run.h5";
  RunFileWriter writer(path, cfg);
  const engine::RunPlan plan = engine::plan_of(cfg, opt);
  engine::Execution exec;
  exec.threads = 2;
  const engine::RunLayout layout = engine::layout_of(cfg, plan, plan.all_blocks(), exec);
  const auto reducer = engine::summary_reducer_for(layout, cfg);
  writer.save_reducer("summary", *reducer);
  std::vector<engine::BlockSink*> sinks = {reducer.get(), &writer};
  engine::run_blocks(layout, sinks, exec, reducer.get());
  const std::string run_json = summary_to_json(reducer->finish(layout.meta)).dump();

  // The state saved in the file.
  const h5::File f = h5::File::open_read(path);
  auto restored = engine::summary_reducer_for(layout, cfg);
  restored->load(testing_support::FileState(f.root().open_group("reducers").open_group("summary")));
  EXPECT_EQ(summary_to_json(restored->finish(layout.meta)).dump(), run_json);

  // The file's rows re-reduced in two pieces and merged, in either order.
  RunFileReader reader(path);
  auto first = engine::summary_reducer_for(layout, cfg),
       second = engine::summary_reducer_for(layout, cfg);
  engine::Block b;
  reader.next(b, 111);
  first->add(b);
  while (reader.next(b, 50)) second->add(b);
  second->merge(*first);
  EXPECT_EQ(summary_to_json(second->finish(layout.meta)).dump(), run_json);
  // Streams of an MC design are the rows.
  const RunFile rf = read_run_file(path);
  for (std::size_t r = 0; r < rf.samples.count; ++r) ASSERT_EQ(rf.samples.stream[r], r);
}

TEST_F(RunFileV2Test, AStratifiedRunsStateRestoresAndMergesPerStratum) {
  // Chollima-1 (two failure modes) stratified: each stratum's state is saved apart
  // ("stratum<k>." names), restored and merged exactly; summarize gives the run's numbers.
  const auto cfg =
      config::load_config_file(std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml");
  engine::RunOptions opt;
  opt.n_samples = 90;
  opt.block_size = 16;
  opt.seed = 4;
  opt.stratify = Stratify::failures;
  const fs::path path = dir_ / "strat.h5";
  RunFileWriter writer(path, cfg);
  const engine::RunPlan plan = engine::plan_of(cfg, opt);
  engine::Execution exec;
  exec.threads = 2;
  const engine::RunLayout layout = engine::layout_of(cfg, plan, plan.all_blocks(), exec);
  ASSERT_EQ(layout.meta.strata.size(), 3u);
  const auto reducer = engine::summary_reducer_for(layout, cfg);
  writer.save_reducer("summary", *reducer);
  std::vector<engine::BlockSink*> sinks = {reducer.get(), &writer};
  engine::run_blocks(layout, sinks, exec, reducer.get());
  const std::string run_json = summary_to_json(reducer->finish(layout.meta)).dump();
  const h5::File f = h5::File::open_read(path);
  EXPECT_TRUE(f.root().open_group("reducers").open_group("summary").has("stratum2.counts"));
  auto restored = engine::summary_reducer_for(layout, cfg);
  restored->load(testing_support::FileState(f.root().open_group("reducers").open_group("summary")));
  EXPECT_EQ(summary_to_json(restored->finish(layout.meta)).dump(), run_json);
  RunFileReader reader(path);
  auto first = engine::summary_reducer_for(layout, cfg),
       second = engine::summary_reducer_for(layout, cfg);
  engine::Block b;
  reader.next(b, 37);
  first->add(b);
  while (reader.next(b, 20)) second->add(b);
  second->merge(*first);
  EXPECT_EQ(summary_to_json(second->finish(layout.meta)).dump(), run_json);
  // The file's own reducer (strata read back from /strata) gives the same summary.
  engine::Summary from_file = summarize_run_file(path);
  from_file.meta.elapsed_s = layout.meta.elapsed_s;
  nlohmann::json a = summary_to_json(from_file), r = nlohmann::json::parse(run_json);
  for (auto* j : {&a, &r}) {
    j->erase("iip_corridor");   // not reduced by this test's sinks
    j->erase("failure_modes");  // nor is the per-failure-mode report (no saved state)
    j->erase("stopped_by");
  }
  EXPECT_EQ(a.dump(), r.dump());
}

TEST(RecordFlight, BodiesWithoutASlotGoToTheRaggedTableNeverDropped) {
  outcome::FlightOutcome o;
  o.status = flight::FlightStatus::crash;
  o.bodies.resize(3);
  o.bodies[0].name = "stage1";
  o.bodies[1].name = "stage2_fragment";
  o.bodies[1].body_class = "fragment";
  o.bodies[1].weight = 12.0;
  o.bodies[1].fate = flight::BodyFate::impact;
  o.bodies[1].impact = outcome::ImpactOutcome{600.0, 30.5, 125.25, 80.0, -60.0, 400e3};
  o.bodies[2].name = "stage2_fragment_2";
  o.bodies[2].fate = flight::BodyFate::time_limit;
  const std::vector<engine::BodySlot> slots = {{"stage1", "spent_stage", 0.0, 0.0}};
  engine::Block b;
  b.resize(2, 0, slots.size());
  engine::record_invalid(slots.size(), 0, b, 0);
  engine::record_flight(slots, o, 1, b, 1);
  EXPECT_EQ(b.other_bodies.row_end[0], 0u);
  ASSERT_EQ(b.other_bodies.row_end[1], 2u);
  EXPECT_EQ(b.other_bodies.names[0].str(), "stage2_fragment");
  EXPECT_EQ(b.other_bodies.classes[0].str(), "fragment");
  auto col = [&](std::string_view name) {
    return b.other_bodies.columns[engine::other_body_column(name)];
  };
  EXPECT_EQ(col("weight")[0], 12.0);
  EXPECT_EQ(col("impact_lat_deg")[0], 30.5);
  EXPECT_EQ(col("impact_lon_deg")[0], 125.25);
  EXPECT_EQ(col("impact_time_s")[0], 600.0);
  EXPECT_EQ(col("fate")[1], static_cast<double>(flight::BodyFate::time_limit));
  EXPECT_TRUE(std::isnan(col("impact_lat_deg")[1]));
  EXPECT_EQ(b.stream[1], 1u);
  // The slot's own columns hold stage1 (released, fate time_limit by default).
  EXPECT_EQ(b.body_column(0, "fate")[1], static_cast<double>(flight::BodyFate::time_limit));
}

TEST(RunFileFormat1, StillReadsColumnByColumn) {
  const fs::path path = std::string(LAUNCHMC_TEST_DATA_DIR) + "/run_format_1_0.h5";
  const RunFile rf = read_run_file(path);
  ASSERT_EQ(rf.samples.count, 24u);
  const h5::File f = h5::File::open_read(path);
  const h5::Group outcome = f.root().open_group("outcome");
  EXPECT_EQ(f.root().attribute<std::string>("format_version"), "1.0");
  // Integer columns as their stored codes, doubles bit for bit.
  const auto status = outcome.read<std::int8_t>("status");
  const auto rhs = outcome.read<std::int64_t>("rhs_evaluations");
  for (std::size_t r = 0; r < 24; ++r) {
    EXPECT_EQ(rf.samples.column("status")[r], status[r]);
    EXPECT_EQ(rf.samples.column("rhs_evaluations")[r], static_cast<double>(rhs[r]));
    EXPECT_EQ(rf.samples.stream[r], r);  // 1.0 files: the stream index is the row
  }
  for (const engine::SampleColumn& c : engine::sample_columns()) {
    if (c.storage != engine::Storage::f64) continue;
    const auto raw = outcome.read<double>(c.name);
    const auto& read = rf.samples.column(c.name);
    ASSERT_EQ(raw.size(), read.size());
    EXPECT_EQ(std::memcmp(raw.data(), read.data(), raw.size() * sizeof(double)), 0) << c.name;
  }
  EXPECT_EQ(rf.samples.other_bodies.entries(), 0u);
  EXPECT_TRUE(rf.overrides.empty());
  const engine::Summary s = summarize_run_file(path);
  EXPECT_EQ(s.samples, 24u);
}

}  // namespace
}  // namespace launchmc::io

namespace launchmc::io {
namespace {

// The registry is the one list of columns; the format document must name every one of them.
TEST(RunFileDocs, EveryRegisteredColumnIsDocumented) {
  std::ifstream in(std::string(LAUNCHMC_SOURCE_DIR) + "/docs/hdf5_format.md");
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(doc.empty());
  for (const engine::SampleColumn& c : engine::sample_columns()) {
    const std::string n(c.name);
    EXPECT_TRUE(doc.find("`" + n + "`") != std::string::npos ||
                doc.find("`/outcome/" + n + "`") != std::string::npos)
        << n;
  }
  for (const engine::BodyColumn& c : engine::body_columns())
    EXPECT_NE(doc.find(std::string(c.name)), std::string::npos) << c.name;
  for (const engine::BodyColumn& c : engine::other_body_columns())
    EXPECT_NE(doc.find(std::string(c.name)), std::string::npos) << c.name;
  for (const engine::IipColumn& c : engine::iip_columns())
    EXPECT_NE(doc.find("`/iip/" + std::string(c.name) + "`"), std::string::npos) << c.name;
  for (const engine::BodyColumn& c : engine::fragment_columns())
    EXPECT_NE(doc.find(std::string(c.name)), std::string::npos) << c.name;
}

}  // namespace
}  // namespace launchmc::io
