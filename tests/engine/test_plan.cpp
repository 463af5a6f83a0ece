// Run plans: the identity hash (FNV-1a against its published test vectors, sensitive to every
// field), and run_blocks over block ranges: any split of the blocks, and any thread count, gives
// the rows of the whole run bit for bit, in the same order.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "config/load_scenario.hpp"
#include "engine/run.hpp"

namespace launchmc::engine {
namespace {

TEST(RunPlan, Fnv1aPublishedTestVectors) {
  // From the reference implementation's test suite (IETF draft-eastlake-fnv, FNV-1a 64).
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(RunPlan, IdentityChangesWithEveryField) {
  RunPlan base;
  base.config_text = "name: x\n";
  base.seed = 7;
  base.n_samples = 1000;
  base.block_size = 256;
  const std::string id = base.identity();
  EXPECT_EQ(id.size(), 16u);
  EXPECT_EQ(id, base.identity());  // a pure function
  std::vector<RunPlan> changed(7, base);
  changed[0].config_text = "name: y\n";
  changed[1].overrides = {"launch.azimuth_deg=10"};
  changed[2].seed = 8;
  changed[3].design = uncertainty::SamplerKind::sobol;
  changed[4].n_samples = 1001;
  changed[5].block_size = 128;
  changed[6].format_version = "1.0";
  for (const auto& p : changed) EXPECT_NE(p.identity(), id);
  // Length prefixes keep field boundaries: moving text between two overrides changes the hash.
  RunPlan a = base, b = base;
  a.overrides = {"ab", "c"};
  b.overrides = {"a", "bc"};
  EXPECT_NE(a.identity(), b.identity());
}

TEST(RunPlan, BlocksCoverTheRowsExactlyOnce) {
  RunPlan p;
  p.n_samples = 1000;
  p.block_size = 256;
  EXPECT_EQ(p.n_blocks(), 4u);
  EXPECT_EQ(p.rows_in(0) + p.rows_in(1) + p.rows_in(2) + p.rows_in(3), 1000u);
  EXPECT_EQ(p.rows_in(3), 1000u - 3 * 256);
  EXPECT_EQ(p.rows_in(4), 0u);
  EXPECT_EQ(p.first_row(2), 512u);
}

// Every row's status, drawn values and a few outcome columns, in arrival order.
class Rows final : public BlockSink {
 public:
  void begin(const RunLayout& layout) override { threads_used = layout.threads_used; }
  void write(const Block& b) override {
    for (std::size_t r = 0; r < b.count; ++r) {
      first.push_back(b.first + r);
      status.push_back(b.column("status")[r]);
      for (const char* name : {"perigee_alt_m", "range_m", "max_q_Pa"})
        values.push_back(b.column(name)[r]);
      for (const auto& d : b.drawn) values.push_back(d[r]);
      for (std::size_t k = 0; k < b.bodies.size(); ++k)
        values.push_back(b.body_column(k, "impact_lat_deg")[r]);
    }
  }
  std::vector<std::uint64_t> first;
  std::vector<std::int8_t> status;
  std::vector<double> values;
  int threads_used = 0;
};

TEST(RunBlocks, AnySplitOfTheBlocksGivesTheWholeRunsRows) {
  const auto cfg =
      config::load_config_file(std::string(LAUNCHMC_CONFIG_DIR) + "/hwasong18_2023.yaml");
  RunOptions opt;
  opt.n_samples = 150;
  opt.block_size = 16;  // 10 blocks, the last one short
  opt.seed = 3;
  const RunPlan plan = plan_of(cfg, opt);
  ASSERT_EQ(plan.n_blocks(), 10u);

  Rows whole;
  Execution one_thread;
  one_thread.threads = 1;
  BlockSink* w[] = {&whole};
  run_blocks(layout_of(cfg, plan, plan.all_blocks(), one_thread), w, one_thread);
  EXPECT_EQ(whole.threads_used, 1);
  ASSERT_EQ(whole.first.size(), 150u);

  Rows split;
  Execution two_threads;
  two_threads.threads = 2;
  BlockSink* s[] = {&split};
  for (const BlockRange r : {BlockRange{0, 3}, BlockRange{3, 4}, BlockRange{4, 10}})
    run_blocks(layout_of(cfg, plan, r, two_threads), s, two_threads);
  EXPECT_EQ(split.threads_used, 2);
  EXPECT_EQ(split.first, whole.first);
  EXPECT_EQ(split.status, whole.status);
  ASSERT_EQ(split.values.size(), whole.values.size());
  EXPECT_EQ(
      std::memcmp(split.values.data(), whole.values.data(), whole.values.size() * sizeof(double)),
      0);
  for (std::size_t i = 0; i < whole.first.size(); ++i) EXPECT_EQ(whole.first[i], i);
}

}  // namespace
}  // namespace launchmc::engine
