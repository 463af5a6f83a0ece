// Sample quantiles (Hyndman & Fan definition 7) against values computed by hand with the
// definition used by numpy.quantile and R's quantile(type = 7), and the edge cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "stats/quantiles.hpp"

namespace launchmc::stats {
namespace {

double q(std::vector<double> v, double p) { return quantile(v, p); }

TEST(Quantile, NumpyDefaultSmallArrays) {
  // numpy.quantile([1, 2, 3, 4], p): h = 3 p.
  EXPECT_DOUBLE_EQ(q({1, 2, 3, 4}, 0.25), 1.75);
  EXPECT_DOUBLE_EQ(q({1, 2, 3, 4}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(q({1, 2, 3, 4}, 0.75), 3.25);
  // [1..5]: h = 4 p.
  EXPECT_DOUBLE_EQ(q({5, 4, 3, 2, 1}, 0.5), 3.0);
  EXPECT_DOUBLE_EQ(q({1, 2, 3, 4, 5}, 0.1), 1.4);
  EXPECT_DOUBLE_EQ(q({1, 2, 3, 4, 5}, 0.9), 4.6);
  // Unsorted with ties: sorted {1, 1, 2, 3, 4, 5, 6, 9}, h = 7 p.
  const std::vector<double> v{3, 1, 4, 1, 5, 9, 2, 6};
  EXPECT_DOUBLE_EQ(q(v, 0.3), 2.1);    // h = 2.1: 2 + 0.1 (3 - 2)
  EXPECT_DOUBLE_EQ(q(v, 0.95), 7.95);  // h = 6.65: 6 + 0.65 (9 - 6)
  EXPECT_DOUBLE_EQ(q(v, 0.1), 1.0);    // h = 0.7 between the tied 1s
  EXPECT_DOUBLE_EQ(q(v, 0.5), 3.5);    // the usual even-n median
  // 0, 1, ..., 10: Q(p) = 10 p.
  std::vector<double> r(11);
  for (int i = 0; i < 11; ++i) r[i] = i;
  EXPECT_NEAR(q(r, 0.33), 3.3, 1e-14);
  EXPECT_NEAR(q(r, 0.999), 9.99, 1e-14);
}

TEST(Quantile, EndsAreMinAndMax) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> dist(0.0, 1.0);
  std::vector<double> v(999);
  for (auto& x : v) x = dist(rng);
  const double lo = *std::min_element(v.begin(), v.end());
  const double hi = *std::max_element(v.begin(), v.end());
  EXPECT_EQ(q(v, 0.0), lo);
  EXPECT_EQ(q(v, 1.0), hi);
  EXPECT_EQ(q({42.0}, 0.0), 42.0);
  EXPECT_EQ(q({42.0}, 0.37), 42.0);
  EXPECT_EQ(q({42.0}, 1.0), 42.0);
}

TEST(Quantile, EmptyIsNaNAndBadInputThrows) {
  EXPECT_TRUE(std::isnan(q({}, 0.5)));
  EXPECT_THROW(q({1.0, 2.0}, -0.01), std::domain_error);
  EXPECT_THROW(q({1.0, 2.0}, 1.01), std::domain_error);
  EXPECT_THROW(q({1.0, 2.0}, std::numeric_limits<double>::quiet_NaN()), std::domain_error);
  EXPECT_THROW(q({1.0, std::numeric_limits<double>::quiet_NaN()}, 0.5), std::invalid_argument);
  const std::vector<double> ps{0.5};
  EXPECT_TRUE(std::isnan(quantiles({}, ps)[0]));
}

TEST(Quantile, InfiniteValues) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> v{inf, 1.0, -inf, 2.0};
  EXPECT_EQ(q(v, 0.0), -inf);
  EXPECT_EQ(q(v, 1.0), inf);
  EXPECT_EQ(q(v, 0.5), 1.5);
  EXPECT_EQ(q(v, 0.1), -inf);
  EXPECT_EQ(q(v, 0.9), inf);
}

TEST(Quantiles, SortedBatchMatchesNthElementAndIsMonotone) {
  std::mt19937_64 rng(12345);
  std::exponential_distribution<double> dist(0.1);
  std::vector<double> v(1001);
  for (auto& x : v) x = dist(rng);
  std::vector<double> ps;
  for (int i = 0; i <= 1000; ++i) ps.push_back(i / 1000.0);
  ps.push_back(0.9973);
  const std::vector<double> batch = quantiles(v, ps);
  ASSERT_EQ(batch.size(), ps.size());
  for (std::size_t k = 0; k < ps.size(); ++k) {
    std::vector<double> copy = v;
    EXPECT_EQ(batch[k], quantile(copy, ps[k])) << "p = " << ps[k];
  }
  for (std::size_t k = 1; k + 1 < ps.size(); ++k) EXPECT_LE(batch[k - 1], batch[k]);
  // n = 1001: p = k / 1000 falls exactly on order statistic k.
  std::vector<double> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(batch[250], sorted[250]);
  EXPECT_EQ(batch[500], sorted[500]);
}

}  // namespace
}  // namespace launchmc::stats
