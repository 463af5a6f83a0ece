// Tests of io::AtomicOutput (io/output_file.hpp): the temporary's name, commit and commit_as,
// an uncommitted temporary removed, an existing final file untouched until the commit.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/output_file.hpp"

namespace fs = std::filesystem;
using launchmc::io::AtomicOutput;

namespace {

class AtomicOutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("launchmc_out_" + std::to_string(::getpid()) + "_" +
                                        std::to_string(counter++) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_))
      names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  static std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static void write(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
  }

  fs::path dir_;
};

TEST_F(AtomicOutputTest, TemporaryBesideTheFinalPathAndCommitRenamesIt) {
  const fs::path path = dir_ / "sub" / "dir" / "out.txt";  // missing parents are created
  AtomicOutput out(path);
  char host[256] = {};
  ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
  EXPECT_EQ(out.temporary(),
            fs::path(path.string() + ".tmp-" + host + "-" + std::to_string(::getpid())));
  EXPECT_TRUE(fs::is_directory(path.parent_path()));
  write(out.temporary(), "new");
  EXPECT_FALSE(fs::exists(path));
  out.commit();
  EXPECT_TRUE(out.temporary().empty());
  EXPECT_EQ(slurp(path), "new");
  EXPECT_EQ(std::vector<fs::path>(fs::directory_iterator(path.parent_path()), {}),
            std::vector<fs::path>{path});
  EXPECT_THROW(out.commit(), std::runtime_error);  // once only
}

TEST_F(AtomicOutputTest, UncommittedTemporaryIsRemovedAndTheOldFileKept) {
  const fs::path path = dir_ / "result.txt";
  write(path, "old");
  {
    AtomicOutput out(path);
    write(out.temporary(), "half-written");
    EXPECT_EQ(files().size(), 2u);
  }
  EXPECT_EQ(slurp(path), "old");
  EXPECT_EQ(files(), std::vector<std::string>{"result.txt"});
  EXPECT_THROW(
      {
        AtomicOutput out(path);
        write(out.temporary(), "x");
        throw std::runtime_error("simulation failed");
      },
      std::runtime_error);
  EXPECT_EQ(files(), std::vector<std::string>{"result.txt"});
}

TEST_F(AtomicOutputTest, CommitAsRenamesOntoAnotherPath) {
  const fs::path path = dir_ / "run.h5";
  AtomicOutput out(path);
  write(out.temporary(), "partial rows");
  out.commit_as(launchmc::io::partial_path(path));
  EXPECT_EQ(files(), std::vector<std::string>{"run.h5.partial"});
}

TEST_F(AtomicOutputTest, MoveTransfersTheTemporary) {
  AtomicOutput a(dir_ / "moved.txt");
  write(a.temporary(), "7");
  AtomicOutput b = std::move(a);
  EXPECT_TRUE(a.temporary().empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_THROW(a.commit(), std::runtime_error);
  b.commit();
  AtomicOutput c(dir_ / "other.txt");
  write(c.temporary(), "discarded");
  c = AtomicOutput(dir_ / "third.txt");  // the first temporary is removed
  write(c.temporary(), "3");
  c.commit();
  EXPECT_EQ(files(), (std::vector<std::string>{"moved.txt", "third.txt"}));
}

TEST_F(AtomicOutputTest, CommitWithoutATemporaryFailsAndLeavesTheFinalFile) {
  const fs::path path = dir_ / "x.txt";
  write(path, "old");
  AtomicOutput out(path);  // the writer never created the temporary
  EXPECT_THROW(out.commit(), std::runtime_error);
  EXPECT_EQ(slurp(path), "old");
}

TEST_F(AtomicOutputTest, WriteTextAtomically) {
  const fs::path path = dir_ / "config.yaml";
  write(path, "old");
  launchmc::io::write_text_atomically(path, "new: 1\n");
  EXPECT_EQ(slurp(path), "new: 1\n");
  EXPECT_EQ(files(), std::vector<std::string>{"config.yaml"});
  EXPECT_THROW(launchmc::io::write_text_atomically(dir_ / "config.yaml" / "x", "t"),
               std::runtime_error);  // the parent is a file
  EXPECT_EQ(files(), std::vector<std::string>{"config.yaml"});
}

}  // namespace
