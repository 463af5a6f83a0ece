// Strict parsing of numeric command-line values.
#include "cli/arguments.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace launchmc::cli {

std::uint64_t parse_whole(std::string_view text, std::string_view option, std::uint64_t lo,
                          std::uint64_t hi) {
  const auto bad = [&]() {
    return UsageError(fmt::format("{} {}: expected a whole number from {} to {}", option,
                                  text.empty() ? "''" : std::string(text), lo, hi));
  };
  if (text.empty() || text.front() == '-' || text.front() == '+') throw bad();
  const char* first = text.data();
  const char* last = text.data() + text.size();
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(first, last, value);
  if (ec == std::errc() && end == last) {
    if (value < lo || value > hi) throw bad();
    return value;
  }
  if (ec == std::errc::result_out_of_range) throw bad();
  // Exponent form ("1e6"): accepted when it is exactly a whole number in range.
  double x = 0;
  const auto [dend, dec] = std::from_chars(first, last, x);
  if (dec != std::errc() || dend != last || !std::isfinite(x) || x != std::floor(x) ||
      x < static_cast<double>(lo) || x > static_cast<double>(hi))
    throw bad();
  return static_cast<std::uint64_t>(x);
}

double parse_real(std::string_view text, std::string_view option, double lo, double hi,
                  bool lo_open, bool hi_open) {
  const std::string range =
      fmt::format("{}{}, {}{}", lo_open ? "(" : "[", lo, hi, hi_open ? ")" : "]");
  double x = 0;
  const char* last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(text.data(), last, x);
  const bool inside = (lo_open ? x > lo : x >= lo) && (hi_open ? x < hi : x <= hi);
  if (text.empty() || ec != std::errc() || end != last || !std::isfinite(x) || !inside)
    throw UsageError(fmt::format("{} {}: expected a number in {}", option,
                                 text.empty() ? "''" : std::string(text), range));
  return x;
}

}  // namespace launchmc::cli
