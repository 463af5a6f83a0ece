// Issue 8 at the command line: hostile configs and damaged run files give a clear message and the
// documented exit status (2 bad config, 1 other failure), never a crash, a hang or a raw trace.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "../support/cli_runner.hpp"
#include "../support/scratch_dir.hpp"

namespace {

namespace fs = std::filesystem;
using launchmc::test_support::CommandResult;
using launchmc::test_support::kBinary;
using launchmc::test_support::kConfigDir;

// Runs launchmc with a 60 s limit (a hang fails the test instead of blocking the suite), stderr
// with stdout, stdin empty.
CommandResult run_with_limit(const std::string& args) {
  return launchmc::test_support::run_command("timeout 60 " + kBinary + " " + args +
                                             " 2>&1 </dev/null");
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

class CliRobustness : public launchmc::io::ScratchDirTest {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
};

TEST_F(CliRobustness, ConfigThatIsNotARegularFileExitsTwo) {
  CommandResult r = run_with_limit("fly " + dir_.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.out, ": is a directory")) << r.out;
  const auto t0 = std::chrono::steady_clock::now();
  r = run_with_limit("run /dev/zero -n 4");
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.out, "/dev/zero: is not a regular file")) << r.out;
  const std::string fifo = (dir_ / "fifo.yaml").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  r = run_with_limit("fly " + fifo);
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.out, "is not a regular file")) << r.out;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
  r = run_with_limit("fly " + write("big.yaml", std::string((4u << 20) + 1, '#')));
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.out, "larger than 4 MiB")) << r.out;
}

TEST_F(CliRobustness, HostileYamlExitsTwoWithPosition) {
  CommandResult r = run_with_limit("fly " + write("keys.yaml", "name: x\n? [a, b]\n: 1\n"));
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(
      r.out, "keys.yaml:2:3: a list used as a key at the top level: keys must be plain strings"))
      << r.out;
  r = run_with_limit("fly " + write("doc.yaml", "name: x\n---\nname: y\n"));
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.out, "doc.yaml:2:1: a second YAML document starts here")) << r.out;
  r = run_with_limit("fly " + write("nul.yaml", std::string("name: x\nlaunch:\0\n", 17)));
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.out, "nul.yaml:2:8: a NUL byte")) << r.out;
  r = run_with_limit(
      "fly " + kConfigDir +
      "/hwasong18_2023.yaml --set 'vehicle.stages[99999999999999999999].dry_mass_kg=1'");
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.out, "index 99999999999999999999 is out of range: the list has 2 entries"))
      << r.out;
  EXPECT_FALSE(contains(r.out, "stoul")) << r.out;
}

TEST_F(CliRobustness, DamagedRunFileExitsOneNamingDatasetAndRow) {
  const std::string file = (dir_ / "run.h5").string();
  CommandResult r =
      run_with_limit("run " + kConfigDir + "/hwasong18_2023.yaml -n 20 -j 1 -o " + file);
  ASSERT_EQ(r.status, 0) << r.out;
  // Row 11's status becomes 42 (written raw, with the dataset's own enum type).
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  const hid_t ds = H5Dopen2(f, "/outcome/status", H5P_DEFAULT);
  const hid_t type = H5Dget_type(ds);
  const hid_t space = H5Dget_space(ds);
  const hsize_t start[1] = {11}, count[1] = {1};
  H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr);
  const hid_t mem = H5Screate_simple(1, count, nullptr);
  const std::int8_t bad = 42;
  ASSERT_GE(H5Dwrite(ds, type, mem, space, H5P_DEFAULT, &bad), 0);
  for (hid_t id : {mem, space}) H5Sclose(id);
  H5Tclose(type);
  H5Dclose(ds);
  H5Fclose(f);
  r = run_with_limit("summarize " + file);
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.out, file +
                                  ": /outcome/status row 11: 42 is not a status code (0 to 5): the "
                                  "file is damaged or written by a newer launchmc"))
      << r.out;
  // Not a run file at all, and not an HDF5 file: a message, no HDF5 error stack.
  r = run_with_limit("summarize " + kConfigDir + "/hwasong18_2023.yaml");
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.out, "cannot open the run file")) << r.out;
  EXPECT_FALSE(contains(r.out, "HDF5-DIAG")) << r.out;
}

}  // namespace
