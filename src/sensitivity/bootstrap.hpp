// Helpers shared by the sensitivity estimators: a confidence interval, the percentile of a
// bootstrap distribution, and the seeded resampling of row indices.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "uncertainty/random_stream.hpp"

namespace launchmc::sensitivity {

struct Interval {
  double lo = std::numeric_limits<double>::quiet_NaN();
  double hi = std::numeric_limits<double>::quiet_NaN();
};

struct BootstrapOptions {
  std::uint64_t bootstrap_resamples = 1000;  // B; 0: no intervals
  std::uint64_t seed = 0;                    // of the bootstrap resamples
};

// Whether an output's indices could be estimated.
enum class IndexStatus {
  ok,
  no_variance,  // the output takes one value on every used row: no index is defined
  too_few,      // too few usable rows (base points, trajectories) after NaNs were left out
};
const char* to_string(IndexStatus status) noexcept;

// An estimate with its confidence interval (NaN when not estimable: see the estimator's status).
struct Estimate {
  double value = std::numeric_limits<double>::quiet_NaN();
  Interval ci95;
};

// The p-quantile (0 <= p <= 1) of `values` by linear interpolation between order statistics
// (Hyndman & Fan 1996, definition 7, the default of R and NumPy). NaN entries are ignored; NaN if
// none remains. Sorts `values` in place.
double percentile(std::vector<double>& values, double p);

// The central 95 % percentile interval of a bootstrap distribution (B. Efron & R. Tibshirani,
// An Introduction to the Bootstrap, Chapman & Hall 1993, ch. 13): its 2.5 and 97.5 percentiles.
Interval percentile_interval95(std::vector<double>& replicates);

// Resample `count` indices of [0, n) with replacement for bootstrap replicate b: a pure function
// of (seed, b), from RandomStream(seed, b, bootstrap), each index by Lemire's multiply-shift
// ((x * n) >> 64 on 128 bits; D. Lemire, "Fast random integer generation in an interval", ACM
// TOMACS 29(1), 2019; its bias, < n / 2^64, is negligible here).
void bootstrap_indices(std::uint64_t seed, std::uint64_t b, std::uint64_t n,
                       std::span<std::uint32_t> out);

}  // namespace launchmc::sensitivity
