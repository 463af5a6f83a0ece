// Spearman, PRCC and SRRC against hand counts, the bivariate-normal relation of Spearman's and
// Pearson's correlations, a linear model's known ranking, and weights as repeated rows.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "sensitivity/rank_measures.hpp"
#include "uncertainty/random_stream.hpp"

namespace {

using launchmc::sensitivity::IndexStatus;
using launchmc::sensitivity::rank_measures;
using launchmc::sensitivity::RankMeasures;
using launchmc::sensitivity::weighted_ranks;

TEST(RankMeasures, SpearmanWithTiesByHand) {
  // x = 1..5, y = (5, 6, 7, 8, 7): mid-ranks of y (1, 2, 3.5, 5, 3.5); deviations from 3:
  // x (-2, -1, 0, 1, 2), y (-2, -1, 0.5, 2, 0.5): sum dx dy = 8, sum dx^2 = 10, sum dy^2 = 9.5,
  // rho = 8 / sqrt(95).
  const std::vector<double> x = {1, 2, 3, 4, 5}, y = {5, 6, 7, 8, 7};
  const RankMeasures r = rank_measures(x, 1, y);
  EXPECT_NEAR(r.spearman[0].value, 8.0 / std::sqrt(95.0), 1e-14);
  // Weighted mid-ranks: weights (1, 1, 2, 1, 0.5) of values (3, 1, 3, 2, 5): W = 5.5; value 1:
  // 0.5 / 5.5; 2: (1 + 0.5) / 5.5; 3 (tied, weight 3): (2 + 1.5) / 5.5; 5: (5 + 0.25) / 5.5.
  const std::vector<double> v = {3, 1, 3, 2, 5}, w = {1, 1, 2, 1, 0.5};
  const std::vector<double> rk = weighted_ranks(v, w);
  const double expected[5] = {3.5 / 5.5, 0.5 / 5.5, 3.5 / 5.5, 1.5 / 5.5, 5.25 / 5.5};
  for (int i = 0; i < 5; ++i) EXPECT_DOUBLE_EQ(rk[i], expected[i]) << i;
}

TEST(RankMeasures, IntegerWeightsEqualRepeatedRows) {
  // 2 inputs, 7 rows; weights (2, 1, 3, 1, 1, 2, 1) against the rows repeated that often.
  const std::vector<double> x = {0.3, 1.2, 0.9, 0.1, 0.5, 0.5, 2.0,
                                 1.1, 0.2, 0.7, 1.5, 0.4, 0.8, 1.9};
  const std::vector<double> y = {1.0, 0.4, 2.2, 0.9, 0.3, 1.7, 2.5};
  const std::vector<double> w = {2, 1, 3, 1, 1, 2, 1};
  std::vector<double> xr, yr;
  for (std::size_t i = 0; i < y.size(); ++i)
    for (int c = 0; c < static_cast<int>(w[i]); ++c) {
      xr.insert(xr.end(), {x[2 * i], x[2 * i + 1]});
      yr.push_back(y[i]);
    }
  const RankMeasures a = rank_measures(x, 2, y, w), b = rank_measures(xr, 2, yr);
  for (int j = 0; j < 2; ++j) {
    EXPECT_NEAR(a.spearman[j].value, b.spearman[j].value, 1e-12);
    EXPECT_NEAR(a.prcc[j].value, b.prcc[j].value, 1e-12);
    EXPECT_NEAR(a.srrc[j].value, b.srrc[j].value, 1e-12);
  }
  EXPECT_NEAR(a.effective_n, 121.0 / 21.0, 1e-12);  // (sum w)^2 / sum w^2 = 11^2 / 21
  EXPECT_EQ(b.effective_n, 11.0);
}

TEST(RankMeasures, LinearModelRankingAndAnalyticCorrelations) {
  // y = 3 x1 - x2 + 2 x3 + 0 x4, x1 ~ N(0, 1), x2 ~ N(5, 2), x3 ~ N(0, 0.5), x4 ~ N(0, 1):
  // shares of sd_y = sqrt(14): a_i sd_i / sd_y = (3, -2, 1, 0) / sqrt(14). (x_i, y) is bivariate
  // normal, so Spearman's rho = (6 / pi) asin(rho / 2) (K. Pearson, 1907; Kendall & Stuart, The
  // Advanced Theory of Statistics vol. 2, 1961, eq. 31.21), and SRRC ~ SRC = a_i sd_i / sd_y.
  const std::size_t n = 4000, k = 4;
  const double a[k] = {3, -1, 2, 0}, mean[k] = {0, 5, 0, 0}, sd[k] = {1, 2, 0.5, 1};
  std::vector<double> x(n * k), y(n);
  for (std::size_t i = 0; i < n; ++i) {
    launchmc::uncertainty::RandomStream s(2024, i, launchmc::uncertainty::StreamPurpose::inputs);
    y[i] = 0.0;
    for (std::size_t j = 0; j < k; ++j) {
      x[i * k + j] = mean[j] + sd[j] * s.normal();
      y[i] += a[j] * x[i * k + j];
    }
  }
  const RankMeasures r = rank_measures(x, k, y);
  ASSERT_EQ(r.status, IndexStatus::ok);
  EXPECT_EQ(r.rows_used, n);
  const double sdy = std::sqrt(14.0);
  for (std::size_t j = 0; j < k; ++j) {
    const double rho = a[j] * sd[j] / sdy;
    const double rho_s = 6.0 / std::numbers::pi * std::asin(rho / 2.0);
    const auto& e = r.spearman[j];
    const double w = e.ci95.hi - e.ci95.lo;
    EXPECT_GE(rho_s, e.ci95.lo - 0.25 * w) << j << ": " << e.value;
    EXPECT_LE(rho_s, e.ci95.hi + 0.25 * w) << j << ": " << e.value;
    EXPECT_NEAR(r.srrc[j].value, rho, 0.03) << j;
  }
  // The known order by |a_i sd_i|: x1 > x2 > x3 > x4, for PRCC and SRRC alike.
  for (std::size_t j = 0; j + 1 < k; ++j) {
    EXPECT_GT(std::abs(r.prcc[j].value), std::abs(r.prcc[j + 1].value)) << j;
    EXPECT_GT(std::abs(r.srrc[j].value), std::abs(r.srrc[j + 1].value)) << j;
  }
  EXPECT_LT(r.prcc[1].value, 0.0);  // signs follow a_i
  // The inert input: intervals that hold 0.
  EXPECT_LT(r.prcc[3].ci95.lo, 0.0);
  EXPECT_GT(r.prcc[3].ci95.hi, 0.0);
  EXPECT_LT(r.srrc[3].ci95.lo, 0.0);
  EXPECT_GT(r.srrc[3].ci95.hi, 0.0);
  EXPECT_GT(r.rank_r2, 0.95);  // a linear model is almost linear in its ranks
}

TEST(RankMeasures, ConstantOutputsNaNsAndBadWeights) {
  const std::vector<double> x = {1, 2, 3, 4, 5, 6}, c = {2, 2, 2, 2, 2, 2};
  EXPECT_EQ(rank_measures(x, 1, c).status, IndexStatus::no_variance);
  const std::vector<double> y = {1, std::nan(""), 3, 2, 6, 5};
  const RankMeasures r = rank_measures(x, 1, y);
  EXPECT_EQ(r.rows_used, 5u);
  EXPECT_EQ(r.rows_dropped, 1u);
  // x = (1, 3, 4, 5, 6), y = (1, 3, 2, 6, 5): rank differences d = (0, 1, -1, 1, -1), sum d^2 = 4,
  // rho = 1 - 6 * 4 / (5 * 24) = 0.8 (no ties: Spearman's formula).
  EXPECT_NEAR(r.spearman[0].value, 0.8, 1e-14);
  EXPECT_EQ(rank_measures(std::vector<double>{1, 2}, 1, std::vector<double>{1, 2}).status,
            IndexStatus::too_few);
  EXPECT_THROW(rank_measures(x, 1, y, std::vector<double>{1, 1, -1, 1, 1, 1}),
               std::invalid_argument);
  EXPECT_THROW(rank_measures(x, 2, y), std::invalid_argument);
}

TEST(RankMeasures, ConstantInputUnderWeightsIsLeftOut) {
  // Inputs (x, 0) on 193 rows, each of weight 1.3989637305699483 (the weight of a stratified
  // run's no-failure rows, on which a failure mode's indicator is always 0): the second input is
  // constant. Its weighted mean rank is computed with rounding, so only the values can tell it
  // is constant; it must get NaN measures and stay out of the regression, whose single input x
  // then has PRCC = SRRC = Spearman (one regressor: partial and plain correlation coincide).
  const std::size_t n = 193;
  std::vector<double> xs, x, y;
  for (std::size_t i = 0; i < n; ++i) {
    xs.push_back(static_cast<double>(i));
    x.insert(x.end(), {static_cast<double>(i), 0.0});
    y.push_back(static_cast<double>((i * 37) % n) + 0.5 * static_cast<double>(i));
  }
  const std::vector<double> w(n, 1.3989637305699483);
  const RankMeasures r = rank_measures(x, 2, y, w);
  ASSERT_EQ(r.status, IndexStatus::ok);
  EXPECT_TRUE(std::isnan(r.spearman[1].value));
  EXPECT_TRUE(std::isnan(r.prcc[1].value));
  ASSERT_TRUE(std::isfinite(r.prcc[0].value));
  EXPECT_NEAR(r.prcc[0].value, r.spearman[0].value, 1e-12);
  EXPECT_NEAR(r.srrc[0].value, r.spearman[0].value, 1e-12);
  // The output constant under the same weights: no variance, not noise.
  EXPECT_EQ(rank_measures(xs, 1, std::vector<double>(n, 7.0), w).status, IndexStatus::no_variance);
}

}  // namespace
