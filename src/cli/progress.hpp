// Progress of a long run on stderr: a bar redrawn in place on a terminal, else (a log file, a
// batch job) a line every 10 % or 10 s.
#pragma once

#include <fmt/format.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace launchmc::cli {

class Progress {
 public:
  Progress() : tty_(isatty(STDERR_FILENO) != 0) {}
  void operator()(std::uint64_t done, std::uint64_t total, double elapsed_s) {
    const double rate = elapsed_s > 0 ? done / elapsed_s : 0.0;
    const double eta = rate > 0 ? (total - done) / rate : 0.0;
    const double frac = total > 0 ? static_cast<double>(done) / total : 1.0;
    if (tty_) {
      const int width = 30;
      const int filled = static_cast<int>(frac * width);
      fmt::print(stderr, "\r[{}{}] {:>10}/{} {:>8.0f} samples/s ETA {:>6.0f} s",
                 std::string(filled, '#'), std::string(width - filled, ' '), done, total, rate,
                 eta);
      if (done >= total) fmt::print(stderr, "\n");
      std::fflush(stderr);
    } else if (done >= total || elapsed_s - last_line_s_ >= 10.0 || frac - last_frac_ >= 0.1) {
      fmt::print(stderr, "progress: {}/{} samples, {:.0f} samples/s, ETA {:.0f} s\n", done, total,
                 rate, eta);
      last_line_s_ = elapsed_s;
      last_frac_ = frac;
    }
  }
  void end() {
    if (tty_) fmt::print(stderr, "\n");
  }

 private:
  bool tty_;
  double last_line_s_ = 0.0;
  double last_frac_ = 0.0;
};

}  // namespace launchmc::cli
