// Two run files or two summaries compared with what records when and how fast a run was made left
// out: the check that shards merged, resumed runs and MPI runs give the single run's file.
// The test executables get LAUNCHMC_TESTS_DIR from tests/CMakeLists.txt.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>

namespace launchmc::test_support {

// 0 when the files are equal in every dataset and attribute (tests/cli/compare_run_files.py, which
// prints the differences), created_utc, elapsed_s and samples_per_s aside; else non-zero.
inline int compare_run_files(const std::filesystem::path& a, const std::filesystem::path& b) {
  const std::string cmd = "/usr/bin/python3 " + std::string(LAUNCHMC_TESTS_DIR) +
                          "/cli/compare_run_files.py " + a.string() + " " + b.string() +
                          " --ignore-attribute created_utc --ignore-attribute elapsed_s "
                          "--ignore-attribute samples_per_s";
  const int raw = std::system(cmd.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

// A summary's JSON text without its "elapsed_s" and "samples_per_s" lines.
inline std::string without_speed(const std::string& json) {
  std::string kept, line;
  std::istringstream in(json);
  while (std::getline(in, line))
    if (line.find("\"elapsed_s\"") == std::string::npos &&
        line.find("\"samples_per_s\"") == std::string::npos)
      kept += line + "\n";
  return kept;
}

}  // namespace launchmc::test_support
