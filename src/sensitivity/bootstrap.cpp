// Percentiles and bootstrap resampling for the sensitivity estimators (see bootstrap.hpp).
#include "sensitivity/bootstrap.hpp"

#include <algorithm>
#include <cmath>

namespace launchmc::sensitivity {

namespace {
__extension__ typedef unsigned __int128 Uint128;  // GCC/Clang; __extension__ for -Wpedantic
}  // namespace

const char* to_string(IndexStatus status) noexcept {
  switch (status) {
    case IndexStatus::ok:
      return "ok";
    case IndexStatus::no_variance:
      return "no_variance";
    case IndexStatus::too_few:
      return "too_few";
  }
  return "unknown";
}

double percentile(std::vector<double>& values, double p) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
               values.end());
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double h = p * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

Interval percentile_interval95(std::vector<double>& replicates) {
  Interval out;
  out.lo = percentile(replicates, 0.025);
  out.hi = percentile(replicates, 0.975);  // already sorted: the second call only interpolates
  return out;
}

void bootstrap_indices(std::uint64_t seed, std::uint64_t b, std::uint64_t n,
                       std::span<std::uint32_t> out) {
  uncertainty::RandomStream stream(seed, b, uncertainty::StreamPurpose::bootstrap);
  for (auto& index : out) {
    const Uint128 product = static_cast<Uint128>(stream()) * n;
    index = static_cast<std::uint32_t>(product >> 64);
  }
}

}  // namespace launchmc::sensitivity
