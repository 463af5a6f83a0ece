// A run stopped by SIGTERM or SIGINT keeps its finished samples deliberately (OUT.partial, a
// valid run file whose rows are the first rows of the uninterrupted run), says so on stderr and
// exits with 128 + the signal; temporaries of killed processes are removed by the next run on
// the path, those of live processes and other hosts are left alone.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../support/cli_runner.hpp"
#include "../support/scratch_dir.hpp"
#include "io/hdf5_file.hpp"

extern char** environ;

namespace launchmc::io {
namespace {

using launchmc::test_support::kBinary;
using launchmc::test_support::kConfigDir;
using launchmc::test_support::slurp;

namespace fs = std::filesystem;

// Starts the binary with stdout/stderr to files in `dir`; returns its pid.
pid_t spawn(const std::vector<std::string>& args, const fs::path& dir) {
  std::vector<char*> argv;
  std::vector<std::string> all = {kBinary};
  all.insert(all.end(), args.begin(), args.end());
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, (dir / "stdout.txt").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, (dir / "stderr.txt").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, kBinary.c_str(), &fa, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

int wait_exit(pid_t pid) {
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

bool has_temporary(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return true;
  return false;
}

// Waits until the run reports its first tenth done on stderr (a progress line; stderr is not a
// terminal here), at most 120 s: blocks are then finished and 90 % of the run remains, however
// slow the machine (or a sanitizer build) is.
void wait_for_progress(const fs::path& dir) {
  for (int i = 0; i < 12000; ++i) {
    if (slurp(dir / "stderr.txt").find("progress:") != std::string::npos) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL() << "no progress within 120 s";
}

class InterruptTest : public ScratchDirTest {
 protected:
  void interrupt_with(int signo) {
    const fs::path out = dir_ / "out.h5";
    const pid_t pid = spawn({"run", kConfigDir + "/hwasong18_2023.yaml", "-n", "4000", "--seed",
                             "5", "--block-size", "64", "-j", "2", "-o", out.string()},
                            dir_);
    wait_for_progress(dir_);
    ASSERT_EQ(kill(pid, signo), 0);
    const int status = wait_exit(pid);
    EXPECT_EQ(status, 128 + signo);
    const std::string err = slurp(dir_ / "stderr.txt");
    EXPECT_NE(err.find(signo == SIGINT ? "interrupted by SIGINT" : "interrupted by SIGTERM"),
              std::string::npos)
        << err;
    EXPECT_NE(err.find("out.h5.partial"), std::string::npos) << err;
    EXPECT_EQ(slurp(dir_ / "stdout.txt"), "");  // no summary that could pass for the run's
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(has_temporary(dir_));
    const fs::path partial = dir_ / "out.h5.partial";
    ASSERT_TRUE(fs::exists(partial));

    // A valid run file: every column as long as the sample count, a whole number of blocks.
    std::uint64_t rows = 0;
    std::vector<double> range;
    {
      const h5::File f = h5::File::open_read(partial);
      const h5::Group root = f.root();
      EXPECT_EQ(root.attribute<std::string>("stopped_by"), "interrupted");
      rows = root.attribute<std::uint64_t>("samples");
      EXPECT_GT(rows, 0u);
      EXPECT_LT(rows, 4000u);
      EXPECT_EQ(rows % 64, 0u);
      EXPECT_EQ(root.open_group("outcome").dataset_size("status"), rows);
      range = root.open_group("outcome").read<double>("range_m");
      EXPECT_EQ(range.size(), rows);
    }
    // The partial rows are the first rows of the uninterrupted run (the same seed).
    const fs::path full = dir_ / "full.h5";
    ASSERT_EQ(std::system((kBinary + " run " + kConfigDir + "/hwasong18_2023.yaml -n " +
                           std::to_string(rows) + " --seed 5 --block-size 64 -o " + full.string() +
                           " > /dev/null 2>&1")
                              .c_str()),
              0);
    const auto full_range =
        h5::File::open_read(full).root().open_group("outcome").read<double>("range_m");
    ASSERT_EQ(full_range.size(), rows);
    for (std::size_t i = 0; i < rows; ++i)
      ASSERT_TRUE(full_range[i] == range[i] || (std::isnan(full_range[i]) && std::isnan(range[i])))
          << i;

    // summarize reads it and says it is incomplete.
    const std::string text_cmd =
        kBinary + " summarize " + partial.string() + " > " + (dir_ / "sum.txt").string();
    ASSERT_EQ(std::system(text_cmd.c_str()), 0);
    EXPECT_NE(slurp(dir_ / "sum.txt").find("INCOMPLETE: the run was interrupted after"),
              std::string::npos);
  }
};

TEST_F(InterruptTest, SigtermKeepsTheFinishedSamplesAsAPartialFile) { interrupt_with(SIGTERM); }
TEST_F(InterruptTest, SigintKeepsTheFinishedSamplesAsAPartialFile) { interrupt_with(SIGINT); }

TEST_F(InterruptTest, StaleTemporariesOfDeadProcessesAreRemoved) {
  char host[256] = {};
  ASSERT_EQ(gethostname(host, sizeof host - 1), 0);
  // A dead process: a child that has exited and been reaped.
  const pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  const fs::path out = dir_ / "out.h5";
  const fs::path dead = dir_ / ("out.h5.tmp-" + std::string(host) + "-" + std::to_string(child));
  const fs::path dead_old_name = dir_ / ("out.h5.tmp-" + std::to_string(child));
  const fs::path alive =
      dir_ / ("out.h5.tmp-" + std::string(host) + "-" + std::to_string(getpid()));
  const fs::path elsewhere = dir_ / "out.h5.tmp-some-other-node-12345";
  const fs::path unrelated = dir_ / "other.h5.tmp-1";
  for (const auto& p : {dead, dead_old_name, alive, elsewhere, unrelated}) std::ofstream(p) << "x";
  const pid_t pid =
      spawn({"run", kConfigDir + "/hwasong18_2023.yaml", "-n", "20", "-o", out.string()}, dir_);
  ASSERT_EQ(wait_exit(pid), 0);
  EXPECT_TRUE(fs::exists(out));
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_FALSE(fs::exists(dead_old_name));
  EXPECT_TRUE(fs::exists(alive));
  EXPECT_TRUE(fs::exists(elsewhere));
  EXPECT_TRUE(fs::exists(unrelated));
  const std::string err = slurp(dir_ / "stderr.txt");
  EXPECT_NE(err.find("removed " + dead.string()), std::string::npos) << err;
  EXPECT_NE(err.find("on host some-other-node"), std::string::npos) << err;
  EXPECT_NE(err.find("running process " + std::to_string(getpid())), std::string::npos) << err;
}

}  // namespace
}  // namespace launchmc::io
