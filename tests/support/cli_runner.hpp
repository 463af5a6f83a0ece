// Running the launchmc binary (or any shell command) from a test, and reading files back whole:
// the one version the command-line tests share (tests/cli, map, sensitivity, risk, io).
// The test executables get LAUNCHMC_BINARY and LAUNCHMC_CONFIG_DIR from tests/CMakeLists.txt.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace launchmc::test_support {

// The binary under test and the bundled configs' directory.
inline const std::string kBinary = LAUNCHMC_BINARY;
inline const std::string kConfigDir = LAUNCHMC_CONFIG_DIR;

struct CommandResult {
  int status = -1;  // exit status; -1: ended by a signal
  std::string out;  // what it wrote to stdout (stderr too when the command sends it there)
  std::string err;  // stderr, when run_launchmc_in captured it
};

// Runs `command` through the shell (popen) and collects its stdout.
inline CommandResult run_command(const std::string& command) {
  CommandResult r;
  FILE* p = popen(command.c_str(), "r");
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

// A file's bytes (empty when it cannot be read).
inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

enum class Stderr { discard, to_stdout };

// `launchmc ARGS` (ARGS as a shell would split them), stdout collected; stderr discarded
// (2>/dev/null) or sent to stdout (2>&1).
inline CommandResult run_launchmc(const std::string& args, Stderr stderr_to = Stderr::discard) {
  return run_command(kBinary + " " + args +
                     (stderr_to == Stderr::to_stdout ? " 2>&1" : " 2>/dev/null"));
}

// `ENV launchmc ARGS` with stdout and stderr collected apart (stderr through dir/stderr.txt).
// `env`: VAR=VALUE words put before the command (none when empty).
inline CommandResult run_launchmc_in(const std::string& args, const std::filesystem::path& dir,
                                     const std::string& env = "") {
  const std::filesystem::path err = dir / "stderr.txt";
  CommandResult r =
      run_command((env.empty() ? "" : env + " ") + kBinary + " " + args + " 2>" + err.string());
  r.err = slurp(err);
  return r;
}

}  // namespace launchmc::test_support
