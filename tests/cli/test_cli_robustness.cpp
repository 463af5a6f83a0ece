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

#include "../support/scratch_dir.hpp"

namespace {

namespace fs = std::filesystem;
const std::string kBinary = LAUNCHMC_BINARY;
const std::string kConfigDir = LAUNCHMC_CONFIG_DIR;

struct Outcome {
  int status = -1;     // exit status; -1: killed by a signal
  std::string output;  // stdout and stderr
};

// Runs launchmc with a 60 s limit (a hang fails the test instead of blocking the suite).
Outcome launchmc(const std::string& args) {
  Outcome r;
  const std::string cmd = "timeout 60 " + kBinary + " " + args + " 2>&1 </dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
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
  Outcome r = launchmc("fly " + dir_.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.output, ": is a directory")) << r.output;
  const auto t0 = std::chrono::steady_clock::now();
  r = launchmc("run /dev/zero -n 4");
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.output, "/dev/zero: is not a regular file")) << r.output;
  const std::string fifo = (dir_ / "fifo.yaml").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  r = launchmc("fly " + fifo);
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.output, "is not a regular file")) << r.output;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
  r = launchmc("fly " + write("big.yaml", std::string((4u << 20) + 1, '#')));
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.output, "larger than 4 MiB")) << r.output;
}

TEST_F(CliRobustness, HostileYamlExitsTwoWithPosition) {
  Outcome r = launchmc("fly " + write("keys.yaml", "name: x\n? [a, b]\n: 1\n"));
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(
      r.output, "keys.yaml:2:3: a list used as a key at the top level: keys must be plain strings"))
      << r.output;
  r = launchmc("fly " + write("doc.yaml", "name: x\n---\nname: y\n"));
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.output, "doc.yaml:2:1: a second YAML document starts here")) << r.output;
  r = launchmc("fly " + write("nul.yaml", std::string("name: x\nlaunch:\0\n", 17)));
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.output, "nul.yaml:2:8: a NUL byte")) << r.output;
  r = launchmc("fly " + kConfigDir +
               "/hwasong18_2023.yaml --set 'vehicle.stages[99999999999999999999].dry_mass_kg=1'");
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(
      contains(r.output, "index 99999999999999999999 is out of range: the list has 2 entries"))
      << r.output;
  EXPECT_FALSE(contains(r.output, "stoul")) << r.output;
}

TEST_F(CliRobustness, DamagedRunFileExitsOneNamingDatasetAndRow) {
  const std::string file = (dir_ / "run.h5").string();
  Outcome r = launchmc("run " + kConfigDir + "/hwasong18_2023.yaml -n 20 -j 1 -o " + file);
  ASSERT_EQ(r.status, 0) << r.output;
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
  r = launchmc("summarize " + file);
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(
      contains(r.output, file + ": /outcome/status row 11: 42 is not a status code (0 to 5): the "
                                "file is damaged or written by a newer launchmc"))
      << r.output;
  // Not a run file at all, and not an HDF5 file: a message, no HDF5 error stack.
  r = launchmc("summarize " + kConfigDir + "/hwasong18_2023.yaml");
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.output, "cannot open the run file")) << r.output;
  EXPECT_FALSE(contains(r.output, "HDF5-DIAG")) << r.output;
}

}  // namespace
