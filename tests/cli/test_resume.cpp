// Checkpoint and resume: a run killed at any moment (SIGKILL included) leaves the blocks it
// finished in OUT.checkpoint/, and `run ... -o OUT --resume` flies only the others: the final
// file equals an uninterrupted run's in every dataset. A checkpoint of another run is refused.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../support/run_file_compare.hpp"
#include "../support/scratch_dir.hpp"

extern char** environ;

namespace launchmc::resume_test {
namespace {

namespace fs = std::filesystem;
const std::string kResumeBinary = LAUNCHMC_BINARY;
const std::string kResumeConfigDir = LAUNCHMC_CONFIG_DIR;

std::string resume_slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

pid_t resume_spawn(const std::vector<std::string>& args, const fs::path& dir) {
  std::vector<std::string> all = {kResumeBinary};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, (dir / "stdout.txt").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, (dir / "stderr.txt").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, kResumeBinary.c_str(), &fa, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

// The exit status, or minus the signal that ended the process.
int resume_wait(pid_t pid) {
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

class ResumeTest : public io::ScratchDirTest {
 protected:
  std::vector<std::string> run_args(const fs::path& out, const std::string& seed = "5") const {
    return {"run",
            kResumeConfigDir + "/hwasong18_2023.yaml",
            "-n",
            "3000",
            "--seed",
            seed,
            "--block-size",
            "32",
            "-j",
            "2",
            "--checkpoint-every",
            "0",
            "-o",
            out.string()};
  }
  fs::path uninterrupted() {
    const fs::path full = dir_ / "full.h5";
    const pid_t pid = resume_spawn(run_args(full), dir_);
    EXPECT_EQ(resume_wait(pid), 0) << resume_slurp(dir_ / "stderr.txt");
    EXPECT_FALSE(fs::exists(dir_ / "full.h5.checkpoint"));  // removed when the run completes
    return full;
  }
};

TEST_F(ResumeTest, SigkillAtRandomPointsThenResumeEqualsTheUninterruptedRun) {
  const fs::path full = uninterrupted();
  const fs::path out = dir_ / "out.h5";
  const fs::path checkpoint = dir_ / "out.h5.checkpoint";
  std::mt19937 random(20261130);
  std::uniform_int_distribution<int> delay_ms(0, 1500);
  int kills = 0;
  for (int round = 0; round < 3; ++round) {
    std::vector<std::string> args = run_args(out);
    if (round > 0) args.push_back("--resume");
    const std::size_t before = io::h5_files_in(checkpoint);
    const pid_t pid = resume_spawn(args, dir_);
    // Some new chunk first (this round flies blocks), then a random moment.
    for (int i = 0; i < 12000 && io::h5_files_in(checkpoint) <= before; ++i) {
      if (waitpid(pid, nullptr, WNOHANG) != 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    if (kill(pid, SIGKILL) == 0) ++kills;
    resume_wait(pid);
    if (fs::exists(out)) break;  // the run ended before the kill (a fast machine)
    EXPECT_TRUE(fs::exists(checkpoint));
  }
  EXPECT_GT(kills, 0);
  std::vector<std::string> args = run_args(out);
  args.push_back("--resume");
  const pid_t pid = resume_spawn(args, dir_);
  ASSERT_EQ(resume_wait(pid), 0) << resume_slurp(dir_ / "stderr.txt");
  EXPECT_FALSE(fs::exists(checkpoint));
  EXPECT_EQ(test_support::compare_run_files(full, out), 0);
}

TEST_F(ResumeTest, SigtermFlushesTheCheckpointAndResumeEqualsTheUninterruptedRun) {
  const fs::path full = uninterrupted();
  const fs::path out = dir_ / "out.h5";
  const fs::path checkpoint = dir_ / "out.h5.checkpoint";
  pid_t pid = resume_spawn(run_args(out), dir_);
  for (int i = 0; i < 12000 && io::h5_files_in(checkpoint) < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  EXPECT_EQ(resume_wait(pid), 128 + SIGTERM);
  const std::string err = resume_slurp(dir_ / "stderr.txt");
  EXPECT_NE(err.find("--resume continues the run from its checkpoint"), std::string::npos) << err;
  EXPECT_TRUE(fs::exists(dir_ / "out.h5.partial"));
  EXPECT_FALSE(fs::exists(out));

  // A checkpoint of another run (another seed) is refused, and left as it is.
  const std::size_t chunks = io::h5_files_in(checkpoint);
  std::vector<std::string> other = run_args(out, "6");
  other.push_back("--resume");
  pid = resume_spawn(other, dir_);
  EXPECT_EQ(resume_wait(pid), 1);
  EXPECT_NE(resume_slurp(dir_ / "stderr.txt").find("holds blocks of another run"),
            std::string::npos)
      << resume_slurp(dir_ / "stderr.txt");
  EXPECT_EQ(io::h5_files_in(checkpoint), chunks);
  EXPECT_FALSE(fs::exists(out));

  std::vector<std::string> args = run_args(out);
  args.push_back("--resume");
  pid = resume_spawn(args, dir_);
  ASSERT_EQ(resume_wait(pid), 0) << resume_slurp(dir_ / "stderr.txt");
  EXPECT_NE(resume_slurp(dir_ / "stderr.txt").find("already flown"), std::string::npos);
  EXPECT_FALSE(fs::exists(checkpoint));
  EXPECT_FALSE(fs::exists(dir_ / "out.h5.partial"));
  EXPECT_EQ(test_support::compare_run_files(full, out), 0);
}

}  // namespace
}  // namespace launchmc::resume_test
