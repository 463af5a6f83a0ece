// Batch runs in shards: `run --shard i/K` flies blocks [i B/K, (i+1) B/K) of the plan, and
// `merge` of the K files writes the single run's file, dataset for dataset (attributes of when
// and how fast aside); shards that are missing, held twice or of another run are refused with a
// message naming the files and blocks, and nothing is written.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../support/run_file_compare.hpp"
#include "../support/scratch_dir.hpp"
#include "cli/merge_command.hpp"
#include "cli/mpi_run.hpp"
#include "engine/plan.hpp"
#include "io/hdf5_file.hpp"

namespace launchmc::shards_test {
namespace {

namespace fs = std::filesystem;
const std::string kShardsBinary = LAUNCHMC_BINARY;
const std::string kShardsConfigDir = LAUNCHMC_CONFIG_DIR;

struct ShardsCommand {
  int status = 0;
  std::string out, err;
};

std::string shards_slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Runs the binary with `args` (shell words), stdout and stderr captured.
ShardsCommand shards_launchmc(const fs::path& dir, const std::string& args) {
  const fs::path out = dir / "cmd_stdout.txt", err = dir / "cmd_stderr.txt";
  const std::string cmd = kShardsBinary + " " + args + " > " + out.string() + " 2> " + err.string();
  const int raw = std::system(cmd.c_str());
  ShardsCommand r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = shards_slurp(out);
  r.err = shards_slurp(err);
  return r;
}

bool shards_only_expected_files(const fs::path& dir, const fs::path& must_not_exist) {
  if (fs::exists(must_not_exist)) return false;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return false;
  return true;
}

TEST(ShardRanges, CoverEveryBlockOnceInOrder) {
  for (std::uint64_t n : {1ULL, 7ULL, 256ULL, 1000ULL, 4097ULL, 100000ULL}) {
    engine::RunPlan plan;
    plan.n_samples = n;
    plan.block_size = 64;
    for (std::uint64_t k = 1; k <= 9; ++k) {
      std::uint64_t next = 0;
      for (std::uint64_t i = 0; i < k; ++i) {
        const engine::BlockRange r = plan.shard_range(i, k);
        EXPECT_EQ(r.begin, next) << n << " " << i << "/" << k;
        EXPECT_GE(r.end, r.begin);
        EXPECT_LE(r.size(), plan.n_blocks() / k + 1);
        next = r.end;
      }
      EXPECT_EQ(next, plan.n_blocks()) << n << " " << k;
    }
  }
  engine::RunPlan plan;
  plan.n_samples = 1000;
  plan.block_size = 64;
  EXPECT_EQ(cli::describe_blocks(plan, {5, 10}), "blocks 5-9 (rows 320-639)");
  EXPECT_EQ(cli::describe_blocks(plan, {15, 16}), "block 15 (rows 960-999)");
}

// Rank 0 of an MPI run flies the share f of the blocks that makes its work, f + a (1 - f) (its
// own rows, then writing the others' at a each), equal to each other rank's, b (1 - f) / (R - 1)
// (cli/mpi_run.hpp). Here f is found by bisection on that balance, not by the closed form, and
// the ranges must cover the plan once, in rank order, with a block at least for ranks 1..R-1.
double balanced_share_by_bisection(int ranks) {
  const double a = cli::kGatherCost, b = cli::kRankRowCost;
  const auto excess = [&](double f) {  // rank 0's work minus another rank's
    return f + a * (1.0 - f) - b * (1.0 - f) / static_cast<double>(ranks - 1);
  };
  if (excess(0.0) >= 0.0) return 0.0;  // rank 0 is busy enough writing the others' rows
  double lo = 0.0, hi = 1.0;
  for (int i = 0; i < 100; ++i) (excess(0.5 * (lo + hi)) < 0.0 ? lo : hi) = 0.5 * (lo + hi);
  return lo;
}

TEST(RankRanges, RankZeroTakesTheBalancedShareAndTheRestSplitEvenly) {
  // The model's constants as measured (docs/reports/batch_runs_2026-12.md): 2 ranks give rank 0
  // a little less than half, and from some R on it only writes.
  EXPECT_NEAR(balanced_share_by_bisection(2), 0.468, 0.001);
  EXPECT_NEAR(balanced_share_by_bisection(3), 0.275, 0.001);
  EXPECT_EQ(balanced_share_by_bisection(16), 0.0);
  for (std::uint64_t n : {130ULL, 1000ULL, 12000ULL, 100000ULL, 1600000ULL}) {
    engine::RunPlan plan;
    plan.n_samples = n;
    plan.block_size = 64;
    const std::uint64_t blocks = plan.n_blocks();
    for (int ranks = 1; ranks <= 17 && static_cast<std::uint64_t>(ranks) <= blocks; ++ranks) {
      std::uint64_t next = 0;
      std::uint64_t smallest = blocks, largest = 0;
      for (int r = 0; r < ranks; ++r) {
        const engine::BlockRange range = cli::rank_range(plan, r, ranks);
        EXPECT_EQ(range.begin, next) << n << " rank " << r << " of " << ranks;
        EXPECT_GE(range.end, range.begin);
        if (r > 0) {
          EXPECT_GE(range.size(), 1u) << n << " rank " << r << " of " << ranks;
          smallest = std::min(smallest, range.size());
          largest = std::max(largest, range.size());
        }
        next = range.end;
      }
      EXPECT_EQ(next, blocks) << n << " " << ranks;
      if (ranks == 1) continue;
      EXPECT_LE(largest - smallest, 1u) << n << " " << ranks;  // the others: even
      const double want = balanced_share_by_bisection(ranks) * static_cast<double>(blocks);
      const auto own = static_cast<double>(cli::rank_range(plan, 0, ranks).size());
      // Rounded to a block, unless the others' one block each leaves rank 0 less.
      if (blocks >= static_cast<std::uint64_t>(ranks) + static_cast<std::uint64_t>(want))
        EXPECT_NEAR(own, want, 0.5 + 1e-9) << n << " " << ranks;
      else
        EXPECT_EQ(own, static_cast<double>(blocks - static_cast<std::uint64_t>(ranks - 1)));
    }
  }
  engine::RunPlan plan;
  plan.n_samples = 1000;
  plan.block_size = 64;                            // 16 blocks
  EXPECT_EQ(cli::rank_range(plan, 0, 2).end, 7u);  // 0.468 x 16 = 7.49
  EXPECT_EQ(cli::rank_range(plan, 5, 2).size(), 0u);
}

TEST(ShardArguments, AreStrict) {
  EXPECT_EQ(cli::parse_shard("2/3").index, 2u);
  EXPECT_EQ(cli::parse_shard("2/3").count, 3u);
  for (const char* bad : {"3/3", "3", "-1/3", "1/0", "a/b", "1/3/4", ""})
    EXPECT_THROW(cli::parse_shard(bad), std::invalid_argument) << bad;
}

class ShardsTest : public io::ScratchDirTest {
 protected:
  // Runs the single run and its K shards with the same arguments; returns the shard paths.
  std::vector<fs::path> fly_shards(const std::string& run_args, int k, const fs::path& single) {
    const ShardsCommand whole = shards_launchmc(dir_, "run " + run_args + " -o " + single.string());
    EXPECT_EQ(whole.status, 0) << whole.err;
    std::vector<fs::path> shards;
    for (int i = 0; i < k; ++i) {
      shards.push_back(dir_ / ("shard_" + std::to_string(i) + ".h5"));
      const ShardsCommand r =
          shards_launchmc(dir_, "run " + run_args + " -j 1 --shard " + std::to_string(i) + "/" +
                                    std::to_string(k) + " -o " + shards.back().string());
      EXPECT_EQ(r.status, 0) << r.err;
      EXPECT_NE(r.err.find("shard " + std::to_string(i) + "/" + std::to_string(k)),
                std::string::npos)
          << r.err;
    }
    return shards;
  }
  ShardsCommand merge(const std::vector<fs::path>& shards, const fs::path& out) {
    std::string args = "merge";
    for (const auto& s : shards) args += " " + s.string();
    return shards_launchmc(dir_, args + " -o " + out.string());
  }
};

TEST_F(ShardsTest, ThreeShardsMergedEqualTheSingleRun) {
  // 1000 samples in blocks of 64: 16 blocks, not divisible by 3 (5, 5 and 6 blocks).
  const std::string args =
      kShardsConfigDir + "/hwasong18_2023.yaml -n 1000 --seed 7 --block-size 64";
  const fs::path single = dir_ / "single.h5";
  std::vector<fs::path> shards = fly_shards(args, 3, single);
  {
    const io::h5::File f = io::h5::File::open_read(shards[1]);
    const io::h5::Group root = f.root();
    EXPECT_EQ(root.attribute<std::string>("part"), "shard");
    EXPECT_EQ(root.attribute<std::uint64_t>("shard_index"), 1u);
    EXPECT_EQ(root.attribute<std::uint64_t>("shard_count"), 3u);
    EXPECT_EQ(root.attribute<std::uint64_t>("first_block"), 5u);
    EXPECT_EQ(root.attribute<std::uint64_t>("end_block"), 10u);
    EXPECT_EQ(root.attribute<std::uint64_t>("total_blocks"), 16u);
    EXPECT_EQ(root.attribute<std::uint64_t>("samples"), 320u);
    EXPECT_EQ(root.attribute<std::uint64_t>("samples_requested"), 1000u);
    const io::h5::File s = io::h5::File::open_read(single);
    EXPECT_EQ(root.attribute<std::string>("plan_identity"),
              s.root().attribute<std::string>("plan_identity"));
    EXPECT_FALSE(s.root().has_attribute("part"));  // a whole run's file is as it was
  }
  // summarize reads a shard's rows and says that it is one.
  const ShardsCommand sum = shards_launchmc(dir_, "summarize " + shards[1].string());
  EXPECT_EQ(sum.status, 0) << sum.err;
  EXPECT_NE(sum.out.find("PART OF A RUN"), std::string::npos) << sum.out;
  EXPECT_NE(sum.out.find("shard 1/3"), std::string::npos) << sum.out;
  EXPECT_NE(sum.out.find("blocks 5-9 (rows 320-639)"), std::string::npos) << sum.out;
  const ShardsCommand sum_json = shards_launchmc(dir_, "summarize --json " + shards[2].string());
  EXPECT_EQ(sum_json.status, 0) << sum_json.err;
  EXPECT_NE(sum_json.out.find("\"part\""), std::string::npos);

  // Any order on the command line.
  const fs::path merged = dir_ / "all.h5";
  const ShardsCommand m = merge({shards[2], shards[0], shards[1]}, merged);
  ASSERT_EQ(m.status, 0) << m.err;
  EXPECT_EQ(test_support::compare_run_files(single, merged), 0);
  const ShardsCommand s1 = shards_launchmc(dir_, "summarize --json " + single.string());
  const ShardsCommand s2 = shards_launchmc(dir_, "summarize --json " + merged.string());
  // The same summary, how fast aside.
  EXPECT_TRUE(test_support::without_speed(s1.out) == test_support::without_speed(s2.out));
  EXPECT_GT(s1.out.size(), 1000u);
}

TEST_F(ShardsTest, StratifiedShardsMergedEqualTheSingleRun) {
  // Failure strata (the rows' weights depend on the whole run's rows per stratum) and breakups
  // (the fragment table gives the plan's rows).
  const std::string args = kShardsConfigDir +
                           "/chollima1_2023_aug.yaml -n 150 --seed 3 --block-size 16 --stratify "
                           "failures";
  const fs::path single = dir_ / "single.h5";
  const std::vector<fs::path> shards = fly_shards(args, 3, single);
  const fs::path merged = dir_ / "all.h5";
  const ShardsCommand m = merge(shards, merged);
  ASSERT_EQ(m.status, 0) << m.err;
  EXPECT_EQ(test_support::compare_run_files(single, merged), 0);
}

TEST_F(ShardsTest, MissingRepeatedAndForeignShardsAreRefusedAndNothingIsWritten) {
  const std::string args =
      kShardsConfigDir + "/hwasong18_2023.yaml -n 1000 --seed 7 --block-size 64";
  const fs::path single = dir_ / "single.h5";
  const std::vector<fs::path> shards = fly_shards(args, 3, single);
  const fs::path merged = dir_ / "all.h5";

  ShardsCommand r = merge({shards[0], shards[2]}, merged);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("blocks 5-9 (rows 320-639) are missing: no shard covers them"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("nothing was merged"), std::string::npos) << r.err;
  EXPECT_TRUE(shards_only_expected_files(dir_, merged));

  r = merge({shards[0], shards[1]}, merged);  // the tail
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("blocks 10-15 (rows 640-999) are missing"), std::string::npos) << r.err;
  EXPECT_TRUE(shards_only_expected_files(dir_, merged));

  const fs::path copy = dir_ / "shard_1_again.h5";
  fs::copy_file(shards[1], copy);
  r = merge({shards[0], shards[1], copy, shards[2]}, merged);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find(shards[1].string() + " and " + copy.string() +
                       " both hold blocks 5-9 (rows 320-639)"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(shards_only_expected_files(dir_, merged));

  // Shard 1 of the same config with another seed.
  const fs::path foreign = dir_ / "foreign.h5";
  const ShardsCommand f = shards_launchmc(
      dir_, "run " + kShardsConfigDir +
                "/hwasong18_2023.yaml -n 1000 --seed 8 --block-size 64 -j 1 --shard 1/3 -o " +
                foreign.string());
  ASSERT_EQ(f.status, 0) << f.err;
  r = merge({shards[0], foreign, shards[2]}, merged);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find(foreign.string() + " is not a piece of the run of " + shards[0].string()),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("seed 8, not 7"), std::string::npos) << r.err;
  EXPECT_TRUE(shards_only_expected_files(dir_, merged));

  // An existing output is left as it was by a refusal.
  { std::ofstream(merged) << "older"; }
  r = merge({shards[0], shards[2]}, merged);
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(shards_slurp(merged), "older");

  // Bad shard arguments of run.
  r = shards_launchmc(dir_, "run " + args + " --shard 3/3 -o " + (dir_ / "x.h5").string());
  EXPECT_EQ(r.status, 2) << r.err;
  r = shards_launchmc(dir_, "run " + args + " --shard 0/17 -o " + (dir_ / "x.h5").string());
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("fewer than 17 shards"), std::string::npos) << r.err;
  r = shards_launchmc(dir_, "run " + args + " --shard 0/2 --until-ci 0.01");
  EXPECT_EQ(r.status, 2) << r.err;
}

}  // namespace
}  // namespace launchmc::shards_test
