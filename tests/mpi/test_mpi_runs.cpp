// `mpirun -np R launchmc run ...` (issue 13, src/cli/mpi_run.hpp): the file is the single-process
// run's in every dataset for R = 2 and 3 (attributes of when and how fast aside), a bad config
// gives one message and no file, and --resume reuses a rank's finished part. Built only with
// -DLAUNCHMC_MPI=ON (tests/CMakeLists.txt); Open MPI's mpirun runs the ranks on this machine.
#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "../support/cli_runner.hpp"
#include "../support/run_file_compare.hpp"
#include "../support/scratch_dir.hpp"

namespace launchmc::mpi_runs_test {
namespace {

namespace fs = std::filesystem;
using test_support::CommandResult;
using test_support::compare_run_files;
using test_support::kBinary;
using test_support::kConfigDir;
using test_support::without_speed;

// As root (CI) Open MPI needs these; --oversubscribe: more ranks than this machine's 2 cores.
const std::string kMpirun =
    "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl=self,vader "
    "mpirun --oversubscribe --bind-to none";

CommandResult mpi_launchmc(const fs::path& dir, int ranks, const std::string& args) {
  return test_support::run_launchmc_in(args, dir, kMpirun + " -np " + std::to_string(ranks));
}

// What a run left beside its file: temporaries, OUT.ranks/, checkpoints (empty: nothing).
std::string leftovers(const fs::path& dir) {
  std::string left;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.find(".tmp-") != std::string::npos || name.find(".ranks") != std::string::npos ||
        name.find(".checkpoint") != std::string::npos)
      left += name + " ";
  }
  return left;
}

// How many times `needle` occurs in `text` (one message said once, not once per rank).
std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++n;
  return n;
}

class MpiRuns : public io::ScratchDirTest {};

TEST_F(MpiRuns, TwoAndThreeRanksWriteTheSingleRunsFile) {
  ASSERT_NE(test_support::run_launchmc("--version").out.find("MPI: yes"), std::string::npos);
  // 1000 samples in blocks of 64: 16 blocks (7 + 9 for two ranks; 4, 6, 6 for three:
  // cli::rank_range).
  const std::string args =
      kConfigDir + "/hwasong18_2023.yaml -n 1000 --seed 7 --block-size 64 -j 1 --json";
  const fs::path single = dir_ / "single.h5";
  const CommandResult one =
      test_support::run_launchmc_in("run " + args + " -o " + single.string(), dir_);
  ASSERT_EQ(one.status, 0) << one.err;
  for (int ranks : {2, 3}) {
    const fs::path out = dir_ / ("ranks" + std::to_string(ranks) + ".h5");
    const CommandResult r = mpi_launchmc(dir_, ranks, "run " + args + " -o " + out.string());
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(compare_run_files(single, out), 0) << ranks << " ranks";
    // One summary on stdout (rank 0's), the single run's.
    EXPECT_EQ(without_speed(r.out),
              without_speed(one.out).replace(without_speed(one.out).find(single.string()),
                                             single.string().size(), out.string()))
        << ranks << " ranks";
  }
  EXPECT_EQ(leftovers(dir_), "");
}

TEST_F(MpiRuns, StratifiedBreakupsWithTwoRanks) {
  // Failure strata (the weights depend on the whole run's rows per stratum) and fragments.
  const std::string args = kConfigDir +
                           "/chollima1_2023_aug.yaml -n 150 --seed 3 --block-size 16 --stratify "
                           "failures -j 1";
  const fs::path single = dir_ / "single.h5", out = dir_ / "two.h5";
  const CommandResult one =
      test_support::run_launchmc_in("run " + args + " -o " + single.string(), dir_);
  ASSERT_EQ(one.status, 0) << one.err;
  const CommandResult r = mpi_launchmc(dir_, 2, "run " + args + " -o " + out.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(compare_run_files(single, out), 0);
}

TEST_F(MpiRuns, SensitivityStudyOverTwoRanksIsTheSingleProcesss) {
  // The design's flights split over the ranks: the same rows, indices and JSON.
  const std::string args =
      kConfigDir + "/hwasong18_2023.yaml --method sobol -n 32 --seed 3 -j 1 --json";
  const fs::path single = dir_ / "single.h5", out = dir_ / "two.h5";
  const CommandResult one =
      test_support::run_launchmc_in("sensitivity " + args + " -o " + single.string(), dir_);
  ASSERT_EQ(one.status, 0) << one.err;
  const CommandResult r = mpi_launchmc(dir_, 2, "sensitivity " + args + " -o " + out.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(compare_run_files(single, out), 0);
  std::string expected = one.out;
  expected.replace(expected.find(single.string()), single.string().size(), out.string());
  EXPECT_EQ(r.out, expected);
  EXPECT_NE(r.out.find("\"S1\""), std::string::npos) << r.out;
  EXPECT_EQ(leftovers(dir_), "");
}

TEST_F(MpiRuns, ResumeReusesARanksFinishedPart) {
  const std::string args =
      kConfigDir + "/hwasong18_2023.yaml -n 600 --seed 11 --block-size 50 -j 1";
  const fs::path single = dir_ / "single.h5", out = dir_ / "resumed.h5";
  ASSERT_EQ(test_support::run_launchmc_in("run " + args + " -o " + single.string(), dir_).status,
            0);
  // Rank 1's part, as an earlier mpirun that died in the gather left it: blocks 6-11 of 12
  // (cli::rank_range gives rank 0 round(0.468 x 12) = 6), which is also shard 1 of 2.
  fs::create_directories(dir_ / "resumed.h5.ranks");
  const fs::path part = dir_ / "resumed.h5.ranks" / "rank_1_of_2.h5";
  ASSERT_EQ(test_support::run_launchmc_in("run " + args + " --shard 1/2 -o " + part.string(), dir_)
                .status,
            0);
  const CommandResult r = mpi_launchmc(dir_, 2, "run " + args + " --resume -o " + out.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(compare_run_files(single, out), 0);
  EXPECT_EQ(leftovers(dir_), "");
  // Without --resume the part is flown again; the file is the same.
  fs::create_directories(dir_ / "again.h5.ranks");
  const fs::path stale = dir_ / "again.h5.ranks" / "rank_1_of_2.h5";
  fs::copy_file(single, stale);  // not rank 1's part: must not be used
  const CommandResult again =
      mpi_launchmc(dir_, 2, "run " + args + " -o " + (dir_ / "again.h5").string());
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(compare_run_files(single, dir_ / "again.h5"), 0);
}

TEST_F(MpiRuns, KilledMidRunThenResumedEqualsTheSingleRun) {
  // SIGKILL to mpirun and both ranks while they fly, once each rank has checkpointed some blocks
  // (rank 1's chunks are also what rank 0 was writing into the file as they came), then the
  // same mpirun with --resume: the single run's file.
  const std::string plan = kConfigDir + "/hwasong18_2023.yaml -n 2000 --seed 13 --block-size 32";
  const std::string args = plan + " -j 1 --checkpoint-every 0";
  const fs::path single = dir_ / "single.h5", out = dir_ / "killed.h5";
  ASSERT_EQ(
      test_support::run_launchmc_in("run " + plan + " -j 1 -o " + single.string(), dir_).status, 0);
  const std::string job = kMpirun + " -np 2 " + kBinary + " run " + args + " -o " + out.string();
  test_support::run_command("(" + job + ") >/dev/null 2>" + (dir_ / "killed.err").string() + " &");
  const fs::path rank1_chunks = dir_ / "killed.h5.ranks" / "rank_1_of_2.h5.checkpoint";
  const fs::path rank0_chunks = dir_ / "killed.h5.checkpoint";
  for (int i = 0;
       i < 6000 && (io::h5_files_in(rank1_chunks) < 3 || io::h5_files_in(rank0_chunks) < 3); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_GE(io::h5_files_in(rank1_chunks), 3u);
  // "killed[.]h5": a pattern that matches the job's command lines but not pkill's own shell's.
  const std::string pattern = "'" + (dir_ / "killed[.]h5").string() + "'";
  test_support::run_command("pkill -KILL -f " + pattern);
  for (int i = 0; i < 1000 && test_support::run_command("pgrep -f " + pattern).status == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  // Until rank 0 (named by its output's temporary, OUT.tmp-HOST-PID) is reaped, not only dead:
  // the resumed run removes a temporary only when its process is gone.
  for (const auto& e : fs::directory_iterator(dir_)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("killed.h5.tmp-", 0) != 0) continue;
    const pid_t pid = std::stoi(name.substr(name.rfind('-') + 1));
    for (int i = 0; i < 1000 && (kill(pid, 0) == 0 || errno != ESRCH); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_FALSE(fs::exists(out)) << "the job ended before it was killed";
  const CommandResult r = mpi_launchmc(dir_, 2, "run " + args + " --resume -o " + out.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("rank 0 resumed from"), std::string::npos) << r.err;
  EXPECT_EQ(compare_run_files(single, out), 0);
  EXPECT_EQ(leftovers(dir_), "");
}

TEST_F(MpiRuns, RiskOverTwoAndThreeRanksIsTheSingleProcesss) {
  // `mpirun ... risk` splits the passes over the rows (cli/mpi_risk.hpp): the file (its /risk
  // included), the JSON and the GIS exports are the single process's, for 2 and 3 ranks. A
  // stratified August run: strata, breakups, fragments; the default population (Ec), land and
  // countries; --geojson also computes the IIP corridor, whose state travels too.
  const fs::path run = dir_ / "aug.h5";
  const CommandResult made = test_support::run_launchmc_in(
      "run " + kConfigDir +
          "/chollima1_2023_aug.yaml -n 120 --seed 3 --block-size 16 --stratify failures -j 1 -o " +
          run.string(),
      dir_);
  ASSERT_EQ(made.status, 0) << made.err;
  const std::string args = "risk " + run.string() + " --grid 0.2 --json";
  const CommandResult one = test_support::run_launchmc_in(
      args + " -o " + (dir_ / "one.h5").string() + " --geojson " + (dir_ / "one").string(), dir_);
  ASSERT_EQ(one.status, 0) << one.err;
  ASSERT_NE(one.out.find("\"ec\""), std::string::npos);
  for (int ranks : {2, 3}) {
    const std::string tag = "r" + std::to_string(ranks);
    const CommandResult r = mpi_launchmc(
        dir_, ranks,
        args + " -o " + (dir_ / (tag + ".h5")).string() + " --geojson " + (dir_ / tag).string());
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, one.out) << ranks << " ranks";
    // Rank 0 alone speaks: the population note once.
    EXPECT_EQ(occurrences(r.err, "note: population"), 1u) << r.err;
    EXPECT_EQ(compare_run_files(dir_ / "one.h5", dir_ / (tag + ".h5")), 0) << ranks << " ranks";
    for (const char* what : {"_contours.geojson", "_iip_corridor.geojson"})
      EXPECT_EQ(test_support::slurp(dir_ / (tag + what)),
                test_support::slurp(dir_ / ("one" + std::string(what))))
          << ranks << " ranks " << what;
  }
  // A bad input every rank meets is said once, and nothing is written.
  const CommandResult bad =
      mpi_launchmc(dir_, 2,
                   "risk " + run.string() + " --population " + (dir_ / "missing.tif").string() +
                       " -o " + (dir_ / "bad.h5").string());
  EXPECT_NE(bad.status, 0);
  EXPECT_EQ(occurrences(bad.err, "launchmc: error:"), 1u) << bad.err;
  EXPECT_NE(bad.err.find("missing.tif"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(dir_ / "bad.h5"));
}

TEST_F(MpiRuns, RunWithARiskSectionMapsOverTheRanks) {
  // A config's risk: section under mpirun: the ranks fly, then map OUT together; the file is the
  // single process's, /risk included.
  const fs::path conf = dir_ / "hwasong_risk.yaml";
  {
    std::ofstream f(conf);
    f << test_support::slurp(kConfigDir + "/hwasong18_2023.yaml")
      << "\nrisk:\n  grid_deg: 0.5\n  geography: false\n";
  }
  const std::string args = "run " + conf.string() + " -n 300 --seed 11 --block-size 32 -j 1 -o ";
  const fs::path single = dir_ / "single.h5", two = dir_ / "two.h5";
  const CommandResult one = test_support::run_launchmc_in(args + single.string(), dir_);
  ASSERT_EQ(one.status, 0) << one.err;
  ASSERT_NE(one.out.find("risk maps written to"), std::string::npos) << one.out;
  const CommandResult r = mpi_launchmc(dir_, 2, args + two.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("risk maps written to " + two.string()), std::string::npos) << r.out;
  EXPECT_EQ(compare_run_files(single, two), 0);
  EXPECT_EQ(leftovers(dir_), "");
}

TEST_F(MpiRuns, BadInputsGiveOneMessageAndNoFile) {
  const fs::path out = dir_ / "out.h5";
  // A config error every rank meets: said once, by rank 0.
  const fs::path bad = dir_ / "bad.yaml";
  {
    std::ofstream f(bad);
    f << test_support::slurp(kConfigDir + "/hwasong18_2023.yaml") << "\nno_such_key: 1\n";
  }
  CommandResult r = mpi_launchmc(dir_, 2, "run " + bad.string() + " -n 100 -o " + out.string());
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(occurrences(r.err, "no_such_key"), 1u) << r.err;
  EXPECT_FALSE(fs::exists(out));
  // More ranks than blocks; no -o; --until-ci.
  const std::string cfg = kConfigDir + "/hwasong18_2023.yaml";
  r = mpi_launchmc(dir_, 3, "run " + cfg + " -n 100 --block-size 64 -o " + out.string());
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("fewer than 3 ranks"), std::string::npos) << r.err;
  r = mpi_launchmc(dir_, 2, "run " + cfg + " -n 100");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("needs -o OUT"), std::string::npos) << r.err;
  r = mpi_launchmc(dir_, 2, "run " + cfg + " -n 100 --until-ci 0.1 -o " + out.string());
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("--until-ci under mpirun"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(leftovers(dir_), "");
}

}  // namespace
}  // namespace launchmc::mpi_runs_test
