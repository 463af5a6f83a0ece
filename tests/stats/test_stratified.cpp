// Stratified estimates (stats/stratified.hpp) against independent references: the unweighted
// estimators for one stratum, a replicated data set for integer weight ratios (a row of weight 3w
// is three rows of weight w), and the coverage and variance of the interval over simulated
// stratified samples with known stratum proportions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "stats/stratified.hpp"

namespace launchmc::stats {
namespace {

std::vector<const Moments*> ptrs(const std::vector<Moments>& v) {
  std::vector<const Moments*> p;
  for (const auto& m : v) p.push_back(&m);
  return p;
}
std::vector<const QuantileSketch*> ptrs(const std::vector<QuantileSketch>& v) {
  std::vector<const QuantileSketch*> p;
  for (const auto& s : v) p.push_back(&s);
  return p;
}

TEST(Strata, RefusesProbabilitiesThatAreNotADistribution) {
  EXPECT_THROW(Strata({0.5, 0.4}), std::invalid_argument);
  EXPECT_THROW(Strata({1.2, -0.2}), std::invalid_argument);
  EXPECT_THROW(Strata({NAN, 1.0}), std::invalid_argument);
  EXPECT_THROW(Strata(std::vector<double>{}), std::invalid_argument);
  EXPECT_NO_THROW(Strata({0.999, 0.001}));
}

TEST(Strata, RowWeightIsTheStratumProbabilityPerRow) {
  const Strata s({0.9, 0.1, 0.0});
  const std::vector<std::uint64_t> rows = {900, 50, 0};
  const auto w = s.row_weights(rows);
  EXPECT_DOUBLE_EQ(w[0], 0.001);
  EXPECT_DOUBLE_EQ(w[1], 0.002);
  EXPECT_EQ(w[2], 0.0);
  // The weights of a run sum to 1 (to n when scaled by the row count, as /outcome/weight is).
  EXPECT_NEAR(w[0] * 900 + w[1] * 50, 1.0, 1e-15);
}

TEST(StratifiedProportion, OneStratumIsWilsonExactly) {
  const Strata one;
  for (const auto& [s, n] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{
           {0, 10}, {3, 10}, {81, 263}, {10, 10}, {0, 0}}) {
    const std::vector<std::uint64_t> succ = {s}, rows = {n};
    const auto r = stratified_proportion(one, succ, rows);
    const Interval w = wilson_interval(s, n);
    EXPECT_EQ(r.ci.lo, w.lo);
    EXPECT_EQ(r.ci.hi, w.hi);
    if (n > 0) {
      EXPECT_EQ(r.p, static_cast<double>(s) / static_cast<double>(n));
    }
  }
}

TEST(WilsonInterval, EffectiveTrialsFormAgreesWithTheCountForm) {
  // Newcombe (1998) Table I cases, through the real-valued form.
  for (const auto& [k, n] :
       std::vector<std::pair<int, int>>{{81, 263}, {15, 148}, {0, 20}, {1, 29}, {29, 29}}) {
    const Interval a =
        wilson_interval(static_cast<std::uint64_t>(k), static_cast<std::uint64_t>(n));
    const Interval b =
        wilson_interval_effective(static_cast<double>(k) / n, static_cast<double>(n));
    EXPECT_NEAR(a.lo, b.lo, 1e-14);
    EXPECT_NEAR(a.hi, b.hi, 1e-14);
  }
  const Interval none = wilson_interval_effective(0.3, 0.0);
  EXPECT_EQ(none.lo, 0.0);
  EXPECT_EQ(none.hi, 1.0);
  EXPECT_THROW(wilson_interval_effective(1.5, 10.0), std::domain_error);
}

TEST(StratifiedProportion, EqualWeightsGiveThePooledProportion) {
  // pi proportional to n: every row weighs the same; p is the pooled fraction.
  const Strata s({0.6, 0.4});
  const std::vector<std::uint64_t> succ = {30, 8}, rows = {60, 40};
  const auto r = stratified_proportion(s, succ, rows);
  EXPECT_NEAR(r.p, 38.0 / 100.0, 1e-15);
}

TEST(StratifiedProportion, IntervalCoversTheTrueProbabilityAsOftenAsItSays) {
  // A rare stratum oversampled 250-fold: true P = 0.998*0.95 + 0.001*0.2 + 0.001*0.
  const Strata s({0.998, 0.001, 0.001});
  const double truth[3] = {0.95, 0.2, 0.0};
  const std::vector<std::uint64_t> rows = {500, 250, 250};
  const double P = 0.998 * 0.95 + 0.001 * 0.2;
  std::mt19937_64 rng(20261130);
  const int reps = 4000;
  int covered = 0;
  double sum_p = 0, sum_p2 = 0, sum_var = 0;
  for (int i = 0; i < reps; ++i) {
    std::vector<std::uint64_t> succ(3);
    for (int k = 0; k < 3; ++k)
      succ[k] = std::binomial_distribution<std::uint64_t>(rows[k], truth[k])(rng);
    const auto r = stratified_proportion(s, succ, rows);
    covered += (r.ci.lo <= P && P <= r.ci.hi);
    sum_p += r.p;
    sum_p2 += r.p * r.p;
    sum_var += r.variance;
  }
  const double coverage = static_cast<double>(covered) / reps;
  // 95 % nominal; the binomial standard error of the coverage over 4000 reps is 0.0034.
  EXPECT_GT(coverage, 0.93);
  EXPECT_LT(coverage, 0.97);
  const double mean_p = sum_p / reps;
  const double var_p = sum_p2 / reps - mean_p * mean_p;
  // Unbiased: the analytic variance of the estimator is sum pi^2 p (1-p) / n.
  const double analytic = 0.998 * 0.998 * 0.95 * 0.05 / 500 + 1e-6 * 0.2 * 0.8 / 250;
  EXPECT_NEAR(mean_p, P, 4 * std::sqrt(analytic / reps));
  EXPECT_NEAR(var_p / analytic, 1.0, 0.1);
  EXPECT_NEAR(sum_var / reps / analytic, 1.0, 0.05);
}

TEST(StratifiedProportion, StrataWithoutRowsWidenTheIntervalOverTheirProbability) {
  const Strata s({0.9, 0.1});
  const std::vector<std::uint64_t> succ = {45, 0}, rows = {90, 0};
  const auto r = stratified_proportion(s, succ, rows);
  EXPECT_DOUBLE_EQ(r.unobserved, 0.1);
  EXPECT_DOUBLE_EQ(r.p, 0.5);
  const Interval w = wilson_interval(45, 90);
  EXPECT_NEAR(r.ci.lo, 0.9 * w.lo, 1e-12);
  EXPECT_NEAR(r.ci.hi, 0.9 * w.hi + 0.1, 1e-12);
}

TEST(WeightedMoments, OneStratumIsTheUnweightedMomentsExactly) {
  std::vector<Moments> m(1);
  for (const double x : {3.0, 1.5, -2.0, 7.25, 0.1}) m[0].add(x);
  const std::vector<double> w = {0.2};
  const auto r = weighted_moments(ptrs(m), w);
  EXPECT_EQ(r.mean, m[0].mean());
  EXPECT_EQ(r.std, m[0].std_dev());
  EXPECT_EQ(r.count, 5u);
}

// Stratum A rows weigh 0.1, stratum B rows 0.3: the weighted statistics are those of the data set
// in which each B value appears three times.
struct Replicated {
  std::vector<double> a = {1.0, 4.0, 2.5, 9.0, -3.0, 6.5};
  std::vector<double> b = {10.0, 0.5, 7.0};
  // Row weights pi_k / n_k (the strata probabilities themselves do not enter these estimators).
  std::vector<double> weights = {0.1, 0.3};
  std::vector<double> expanded() const {
    std::vector<double> e = a;
    for (const double x : b)
      for (int r = 0; r < 3; ++r) e.push_back(x);
    return e;
  }
};

TEST(WeightedMoments, IntegerWeightRatiosEqualTheReplicatedDataSet) {
  const Replicated d;
  std::vector<Moments> m(2);
  for (const double x : d.a) m[0].add(x);
  for (const double x : d.b) m[1].add(x);
  const auto r = weighted_moments(ptrs(m), d.weights);
  const auto e = d.expanded();
  double mean = 0;
  for (const double x : e) mean += x;
  mean /= static_cast<double>(e.size());
  double pop = 0;
  for (const double x : e) pop += (x - mean) * (x - mean);
  pop /= static_cast<double>(e.size());
  EXPECT_NEAR(r.mean, mean, 1e-13);
  // Kish's n_eff = (6*0.1 + 3*0.3)^2 / (6*0.01 + 3*0.09) = 2.25 / 0.33.
  EXPECT_NEAR(r.effective_count, 2.25 / 0.33, 1e-12);
  EXPECT_NEAR(r.std * r.std * (r.effective_count - 1) / r.effective_count, pop, 1e-12);
  EXPECT_NEAR(r.weight, 1.5, 1e-15);
  EXPECT_EQ(r.count, 9u);
}

TEST(WeightedQuantile, OneStratumIsTheSketchsType7Exactly) {
  std::vector<QuantileSketch> s(1);
  for (int i = 1; i <= 101; ++i) s[0].add(i * 1.5);
  const std::vector<double> w = {0.5};
  for (const double p : {0.0, 0.01, 0.5, 0.99, 1.0})
    EXPECT_EQ(weighted_quantile(ptrs(s), w, p), s[0].quantile(p));
}

TEST(WeightedQuantile, IntegerWeightRatiosGiveTheInverseCdfOfTheReplicatedDataSet) {
  const Replicated d;
  std::vector<QuantileSketch> s(2);
  for (const double x : d.a) s[0].add(x);
  for (const double x : d.b) s[1].add(x);
  auto e = d.expanded();
  std::sort(e.begin(), e.end());
  const auto n = static_cast<double>(e.size());
  for (const double p : {0.01, 0.2, 0.25, 0.5, 0.6, 0.8, 0.99}) {
    // Hyndman & Fan definition 1: the smallest x_(j) with j / n >= p.
    const auto j = static_cast<std::size_t>(std::ceil(p * n - 1e-12));
    const double expected = e[std::max<std::size_t>(j, 1) - 1];
    EXPECT_NEAR(weighted_quantile(ptrs(s), d.weights, p), expected,
                1e-5 * std::abs(expected) + 1e-300)
        << "p = " << p;
  }
  std::vector<QuantileSketch> empty(2);
  EXPECT_TRUE(std::isnan(weighted_quantile(ptrs(empty), d.weights, 0.5)));
}

}  // namespace
}  // namespace launchmc::stats

namespace launchmc::stats {
namespace {

TEST(WeightedImpacts, OneStratumIsTheAccumulatorExactly) {
  std::vector<ImpactAccumulator> a(1, ImpactAccumulator(39.66, 124.70));
  for (const auto& [lat, lon] : std::vector<std::pair<double, double>>{
           {39.0, 124.5}, {38.5, 124.9}, {38.9, 124.1}, {38.2, 124.6}})
    a[0].add(lat, lon);
  const std::vector<const ImpactAccumulator*> p = {&a[0]};
  const std::vector<double> w = {0.25};
  const auto r = weighted_impacts(p, w);
  EXPECT_EQ(r.mean_en_m, a[0].mean_en_m());
  EXPECT_EQ(r.cov_en_m2, a[0].covariance_en_m2());
}

TEST(WeightedImpacts, IntegerWeightRatiosEqualTheReplicatedPoints) {
  // Stratum B's rows weigh three times stratum A's: the same as each B point three times over.
  const std::vector<std::pair<double, double>> pa = {
      {39.0, 124.5}, {38.5, 124.9}, {38.9, 124.1}, {38.2, 124.6}};
  const std::vector<std::pair<double, double>> pb = {{37.0, 125.5}, {37.4, 126.0}};
  std::vector<ImpactAccumulator> a(2, ImpactAccumulator(39.66, 124.70));
  ImpactAccumulator replicated(39.66, 124.70);
  for (const auto& [lat, lon] : pa) {
    a[0].add(lat, lon);
    replicated.add(lat, lon);
  }
  for (const auto& [lat, lon] : pb) {
    a[1].add(lat, lon);
    for (int i = 0; i < 3; ++i) replicated.add(lat, lon);
  }
  const std::vector<const ImpactAccumulator*> p = {&a[0], &a[1]};
  const std::vector<double> w = {0.05, 0.15};
  const auto r = weighted_impacts(p, w);
  EXPECT_NEAR((r.mean_en_m - replicated.mean_en_m()).norm(), 0.0, 1e-6);
  // Population covariances agree (Kish's Bessel factor differs from the replicated n - 1).
  const double n = 10.0;
  const Eigen::Matrix2d pop_r = replicated.covariance_en_m2() * (n - 1) / n;
  const Eigen::Matrix2d pop_w = r.cov_en_m2 * (r.effective_count - 1) / r.effective_count;
  EXPECT_LT((pop_w - pop_r).norm(), 1e-9 * pop_r.norm());
  EXPECT_NEAR(r.weight, 4 * 0.05 + 2 * 0.15, 1e-15);
}

TEST(WeightedFraction, WeighsEachStratumByTheProbabilityItsRowsCarry) {
  const std::vector<double> f = {0.5, 1.0, 0.0}, w = {0.1, 0.3, 0.2};
  const std::vector<std::uint64_t> c = {4, 2, 0};
  EXPECT_NEAR(weighted_fraction(f, c, w), (0.4 * 0.5 + 0.6 * 1.0) / 1.0, 1e-15);
  const std::vector<std::uint64_t> none = {0, 0, 0};
  EXPECT_TRUE(std::isnan(weighted_fraction(f, none, w)));
}

}  // namespace
}  // namespace launchmc::stats
