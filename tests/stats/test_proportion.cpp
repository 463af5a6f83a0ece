// Wilson score interval against the published examples of Newcombe (1998), its defining property
// (inverting the score test), edge cases, monotonicity, and seeded binomial coverage.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>

#include "stats/proportion.hpp"

namespace launchmc::stats {
namespace {

// R. G. Newcombe, "Two-sided confidence intervals for the single proportion: comparison of seven
// methods", Statistics in Medicine 17, 857-872 (1998), Table I, method 3 (score interval without
// continuity correction), 95 %, printed to 4 decimals.
TEST(Wilson, NewcombeTableI) {
  struct Case {
    std::uint64_t k, n;
    double lo, hi;
  };
  for (const Case& c : {Case{81, 263, 0.2553, 0.3662}, Case{15, 148, 0.0624, 0.1605},
                        Case{0, 20, 0.0, 0.1611}, Case{1, 29, 0.0061, 0.1718}}) {
    const Interval ci = wilson_interval(c.k, c.n);
    EXPECT_NEAR(ci.lo, c.lo, 0.5e-4) << c.k << "/" << c.n;
    EXPECT_NEAR(ci.hi, c.hi, 0.5e-4) << c.k << "/" << c.n;
  }
}

TEST(Wilson, ExactEndsAndDegenerateCases) {
  for (std::uint64_t n : {1u, 2u, 10u, 1000u, 1000000u}) {
    EXPECT_EQ(wilson_interval(0, n).lo, 0.0);
    EXPECT_GT(wilson_interval(0, n).hi, 0.0);
    EXPECT_EQ(wilson_interval(n, n).hi, 1.0);
    EXPECT_LT(wilson_interval(n, n).lo, 1.0);
    // Symmetry: lo(k, n) = 1 - hi(n - k, n).
    EXPECT_NEAR(wilson_interval(n, n).lo, 1.0 - wilson_interval(0, n).hi, 1e-15);
  }
  const Interval none = wilson_interval(0, 0);
  EXPECT_EQ(none.lo, 0.0);
  EXPECT_EQ(none.hi, 1.0);
  EXPECT_THROW(wilson_interval(3, 2), std::invalid_argument);
  EXPECT_THROW(wilson_interval(1, 2, 0.0), std::domain_error);
  EXPECT_THROW(wilson_interval(1, 2, 1.0), std::domain_error);
  EXPECT_THROW(wilson_interval(1, 2, std::numeric_limits<double>::quiet_NaN()), std::domain_error);
}

// The Wilson limits are where the score statistic (p_hat - p) / sqrt(p (1 - p) / n) equals -+z.
TEST(Wilson, InvertsTheScoreTest) {
  for (double conf : {0.8, 0.95, 0.99, 0.9999}) {
    const double z = normal_quantile(0.5 + 0.5 * conf);
    for (auto [k, n] : {std::pair<std::uint64_t, std::uint64_t>{1, 7},
                        {3, 10},
                        {50, 100},
                        {999, 1000},
                        {1, 1000000000000ULL},
                        {17, 40}}) {
      const Interval ci = wilson_interval(k, n, conf);
      const double p_hat = static_cast<double>(k) / static_cast<double>(n);
      // n by value: clang 14 (the sanitized build) cannot capture a structured binding.
      const auto score = [&, n = n](double p) {
        return (p_hat - p) / std::sqrt(p * (1.0 - p) / static_cast<double>(n));
      };
      EXPECT_NEAR(score(ci.lo), z, 1e-9 * z) << k << "/" << n << " at " << conf;
      EXPECT_NEAR(score(ci.hi), -z, 1e-9 * z) << k << "/" << n << " at " << conf;
      EXPECT_LT(ci.lo, p_hat);
      EXPECT_GT(ci.hi, p_hat);
    }
  }
}

TEST(Wilson, Monotone) {
  // No successes: the upper limit shrinks as n grows.
  double prev = 1.0;
  for (std::uint64_t n = 1; n <= 2000; ++n) {
    const double hi = wilson_interval(0, n).hi;
    EXPECT_LT(hi, prev) << n;
    prev = hi;
  }
  // Same observed proportion (30 %): the width shrinks as n grows.
  double prev_width = 1.0;
  for (std::uint64_t m = 1; m <= 300; ++m) {
    const Interval ci = wilson_interval(3 * m, 10 * m);
    EXPECT_LT(ci.hi - ci.lo, prev_width) << 10 * m;
    prev_width = ci.hi - ci.lo;
  }
  // Fixed n: both limits increase with k.
  Interval last = wilson_interval(0, 50);
  for (std::uint64_t k = 1; k <= 50; ++k) {
    const Interval ci = wilson_interval(k, 50);
    EXPECT_GT(ci.lo, last.lo);
    EXPECT_GT(ci.hi, last.hi);
    last = ci;
  }
}

// Coverage for p = 0.1, n = 1000 over 2000 seeded replicates: nominal 0.95; the estimate's
// standard error is sqrt(0.95 * 0.05 / 2000) = 0.005, so [0.93, 0.97] is +- 4 standard errors.
TEST(Wilson, Coverage) {
  std::mt19937_64 rng(19270601);
  std::binomial_distribution<std::uint64_t> binomial(1000, 0.1);
  int covered = 0;
  const int reps = 2000;
  for (int r = 0; r < reps; ++r) {
    const Interval ci = wilson_interval(binomial(rng), 1000);
    if (ci.lo <= 0.1 && 0.1 <= ci.hi) ++covered;
  }
  const double coverage = static_cast<double>(covered) / reps;
  EXPECT_GE(coverage, 0.93);
  EXPECT_LE(coverage, 0.97);
}

TEST(NormalQuantile, KnownValues) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-15);
  EXPECT_NEAR(normal_quantile(0.8413447460685429), 1.0, 1e-14);  // Phi(1)
  EXPECT_NEAR(normal_quantile(0.9986501019683699), 3.0, 1e-12);  // Phi(3)
  EXPECT_EQ(normal_quantile(0.5), 0.0);
  EXPECT_NEAR(normal_quantile(0.025), -normal_quantile(0.975), 1e-15);
  EXPECT_EQ(normal_quantile(0.0), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(normal_quantile(1.0), std::numeric_limits<double>::infinity());
  EXPECT_THROW(normal_quantile(-0.1), std::domain_error);
  EXPECT_THROW(normal_quantile(1.1), std::domain_error);
  EXPECT_THROW(normal_quantile(std::numeric_limits<double>::quiet_NaN()), std::domain_error);
}

}  // namespace
}  // namespace launchmc::stats
