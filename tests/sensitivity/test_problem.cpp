// PROBLEM.yaml: every distribution of the vocabulary with absolute values, checked against the
// parameters written (support, mean, variance from their closed forms), and the mapping of unit-
// cube points to inputs through the inverse CDFs.
#include <gtest/gtest.h>

#include <cmath>

#include "config/load_problem.hpp"
#include "sensitivity/problem.hpp"

namespace {

TEST(SensitivityProblem, EveryDistributionWithAbsoluteValues) {
  const auto p = launchmc::config::load_problem(
      "inputs:\n"
      "  - {name: n, normal: {mean: 10, sd: 2}}\n"
      "  - {name: t, truncated_normal: {mean: 0, sd: 1, lo: -1, hi: 3}}\n"
      "  - {name: u, uniform: {lo: 4, hi: 10}}\n"
      "  - {name: tri, triangular: {lo: 0, mode: 1, hi: 4}}\n"
      "  - {name: ln, lognormal: {mean: 2, sd: 1}}\n"
      "  - {name: d, discrete: {values: [8, 9], weights: [1, 3]}}\n",
      "p.yaml");
  ASSERT_EQ(p.dimensions(), 6u);
  const auto& in = p.inputs;
  EXPECT_EQ(in[0].name, "n");
  EXPECT_EQ(in[0].distribution.mean(), 10.0);
  EXPECT_DOUBLE_EQ(in[0].distribution.variance(), 4.0);
  EXPECT_EQ(in[1].distribution.lo(), -1.0);  // absolute bounds, not offsets from the mean
  EXPECT_EQ(in[1].distribution.hi(), 3.0);
  EXPECT_EQ(in[2].distribution.lo(), 4.0);
  EXPECT_DOUBLE_EQ(in[2].distribution.variance(), 3.0);  // 6^2 / 12
  EXPECT_DOUBLE_EQ(in[3].distribution.mean(), 5.0 / 3.0);
  EXPECT_DOUBLE_EQ(in[3].distribution.mode(), 1.0);
  EXPECT_NEAR(in[4].distribution.mean(), 2.0, 1e-12);
  EXPECT_NEAR(in[4].distribution.variance(), 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(in[5].distribution.mean(), 8.75);
  // u -> x: the quantile of each (uniform: lo + u (hi - lo); discrete: 8 below u = 1/4).
  const std::vector<double> u = {0.5, 0.5, 0.25, 0.5, 0.5, 0.2};
  std::vector<double> x(6);
  launchmc::sensitivity::to_inputs(p, u, x);
  EXPECT_EQ(x[0], 10.0);
  EXPECT_EQ(x[2], 5.5);
  EXPECT_EQ(x[5], 8.0);
  // Relative forms have no nominal to refer to: refused as unknown keys.
  EXPECT_THROW(launchmc::config::load_problem(
                   "inputs:\n  - {name: n, normal: {mean: 10, sd_percent: 2}}\n", "p.yaml"),
               launchmc::config::ConfigError);
  EXPECT_THROW(launchmc::config::load_problem(
                   "inputs:\n  - {name: t, triangular: {lo: 0, hi: 4}}\n", "p.yaml"),
               launchmc::config::ConfigError);  // mode is required
}

}  // namespace
