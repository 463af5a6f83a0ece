// Numbers on the command line, parsed strictly: a wrong value is a clear usage error (exit 2)
// naming the option, the value and the accepted range, never a silent wrap-around (CLI11 reads
// "-5" into an unsigned as 2^64 - 5) or a raw library message.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace launchmc::cli {

// A bad command line; main() reports it and exits with status 2.
class UsageError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// A whole number in [lo, hi]: decimal digits, or a number in exponent form that is a whole number
// ("1e6"). No sign, no spaces, no fraction.
std::uint64_t parse_whole(std::string_view text, std::string_view option, std::uint64_t lo,
                          std::uint64_t hi);

// A finite number in the interval (lo, hi) or [lo, hi] as the flags say.
double parse_real(std::string_view text, std::string_view option, double lo, double hi,
                  bool lo_open, bool hi_open);

// Limits of the run options (docs: README "Run options").
inline constexpr std::uint64_t kMaxSamples = 1'000'000'000'000ULL;  // 1e12
inline constexpr std::uint64_t kMaxBlockSize = 1ULL << 20;
inline constexpr std::uint64_t kMaxThreads = 1024;

}  // namespace launchmc::cli
