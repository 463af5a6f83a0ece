// Exact sums and streaming moments: against two-pass long double references, exactness of sums
// and of merges under any split and order, and the large-offset precision case (705 +- 5 s).
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "stats/moments.hpp"

namespace launchmc::stats {
namespace {

struct TwoPass {
  long double mean;
  long double variance;  // divisor n - 1
};

TwoPass two_pass(const std::vector<double>& v) {
  long double s = 0.0L;
  for (double x : v) s += x;
  const long double mean = s / static_cast<long double>(v.size());
  long double m2 = 0.0L;
  for (double x : v) m2 += (x - mean) * (x - mean);
  return {mean, m2 / static_cast<long double>(v.size() - 1)};
}

Moments accumulate(const std::vector<double>& v, std::size_t begin, std::size_t end) {
  Moments m;
  for (std::size_t i = begin; i < end; ++i) m.add(v[i]);
  return m;
}

bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// ------------------------------------------------------------------------------------------------
// ExactSum

TEST(ExactSum, SumsWithoutRoundingError) {
  ExactSum s;
  s.add(1e100);
  s.add(1.0);
  s.add(-1e100);
  EXPECT_EQ(s.value(), 1.0);  // naive: 0

  // Ten times double(0.1) is 1.0000000000000000555...: rounds to 1 (naive summation: 0.99999...).
  ExactSum t;
  for (int i = 0; i < 10; ++i) t.add(0.1);
  EXPECT_EQ(t.value(), 1.0);
  const DoubleDouble dd = t.value_dd();
  EXPECT_EQ(dd.hi, 1.0);
  EXPECT_NEAR(dd.lo, 5.551115123125783e-17, 1e-31);  // 10 * 0.1000000000000000055511151231257827
}

TEST(ExactSum, SubnormalsAndOverflowedIntermediates) {
  ExactSum s;
  const double tiny = std::numeric_limits<double>::denorm_min();
  for (int i = 0; i < 1000; ++i) s.add(tiny);
  EXPECT_EQ(s.value(), 1000.0 * tiny);

  // An intermediate above DBL_MAX is held exactly.
  ExactSum big;
  big.add(DBL_MAX);
  big.add(DBL_MAX);
  EXPECT_EQ(big.value(), std::numeric_limits<double>::infinity());
  big.add(-DBL_MAX);
  EXPECT_EQ(big.value(), DBL_MAX);
  big.add(-DBL_MAX);
  EXPECT_EQ(big.value(), 0.0);
  EXPECT_TRUE(big == ExactSum{});
}

TEST(ExactSum, NegativeTotalsAndProducts) {
  ExactSum s;
  s.add(-3.5);
  s.add(1.25);
  EXPECT_EQ(s.value(), -2.25);
  // (1 + 2^-30)^2 = 1 + 2^-29 + 2^-60: not a double, held exactly as a product.
  const double a = 1.0 + std::ldexp(1.0, -30);
  ExactSum p;
  p.add_product(a, a);
  p.add(-1.0);
  p.add(-std::ldexp(1.0, -29));
  EXPECT_EQ(p.value(), std::ldexp(1.0, -60));
}

TEST(ExactSum, NonFiniteFlags) {
  ExactSum s;
  s.add(1.0);
  s.add(std::numeric_limits<double>::infinity());
  EXPECT_FALSE(s.is_finite());
  EXPECT_EQ(s.value(), std::numeric_limits<double>::infinity());
  s.add(-std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(s.value()));
  ExactSum n;
  n.add(std::numeric_limits<double>::quiet_NaN());
  EXPECT_TRUE(n.has_nan());
  EXPECT_TRUE(std::isnan(n.value()));
  ExactSum o;
  o.add_product(1e200, 1e200);  // overflow of the product
  EXPECT_EQ(o.value(), std::numeric_limits<double>::infinity());
}

TEST(ExactSum, TermsAreCanonicalAndRoundTrip) {
  std::mt19937_64 rng(20240601);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> v(5000);
  for (auto& x : v) x = std::ldexp(normal(rng), static_cast<int>(rng() % 200) - 100);
  ExactSum forward;
  for (double x : v) forward.add(x);
  std::shuffle(v.begin(), v.end(), rng);
  ExactSum shuffled;
  for (double x : v) shuffled.add(x);
  EXPECT_TRUE(forward == shuffled);
  EXPECT_EQ(forward.terms(), shuffled.terms());
  EXPECT_EQ(forward.value(), shuffled.value());

  const std::vector<double> terms = forward.terms();
  EXPECT_LE(terms.size(), 68u);
  EXPECT_TRUE(ExactSum::from_terms(terms) == forward);
  EXPECT_TRUE(ExactSum{}.terms().empty());
}

// ------------------------------------------------------------------------------------------------
// Moments

TEST(Moments, SmallKnownSample) {
  Moments m;
  for (double x : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0}) m.add(x);
  EXPECT_EQ(m.count(), 8u);
  EXPECT_EQ(m.mean(), 5.0);
  EXPECT_DOUBLE_EQ(m.variance(), 32.0 / 7.0);
  EXPECT_DOUBLE_EQ(m.std_dev(), std::sqrt(32.0 / 7.0));
  EXPECT_EQ(m.min(), 2.0);
  EXPECT_EQ(m.max(), 9.0);
  EXPECT_EQ(m.sum(), 40.0);
  EXPECT_EQ(m.sum_sq(), 232.0);
}

TEST(Moments, EmptyAndSingle) {
  Moments m;
  EXPECT_EQ(m.count(), 0u);
  EXPECT_TRUE(std::isnan(m.mean()));
  EXPECT_TRUE(std::isnan(m.variance()));
  EXPECT_TRUE(std::isnan(m.min()));
  EXPECT_TRUE(std::isnan(m.max()));
  m.add(3.25);
  EXPECT_EQ(m.mean(), 3.25);
  EXPECT_TRUE(std::isnan(m.variance()));
  EXPECT_EQ(m.min(), 3.25);
  EXPECT_EQ(m.max(), 3.25);
}

TEST(Moments, MatchesTwoPassLongDouble) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(3.0, 1.5);
  std::vector<double> v(20000);
  for (auto& x : v) x = dist(rng);
  const Moments m = accumulate(v, 0, v.size());
  const TwoPass ref = two_pass(v);
  EXPECT_NEAR(m.mean(), static_cast<double>(ref.mean), 1e-15 * std::abs(ref.mean));
  EXPECT_NEAR(m.variance(), static_cast<double>(ref.variance), 1e-14 * ref.variance);
  EXPECT_EQ(m.min(), *std::min_element(v.begin(), v.end()));
  EXPECT_EQ(m.max(), *std::max_element(v.begin(), v.end()));
}

// The brief's precision case: insertion times ~705 s with sd 5 s over 1e6 samples. The textbook
// sum/sum-of-squares formula in double loses ~4.3 digits to cancellation (mean^2 / var ~ 2e4)
// plus the rounding of 1e6 additions; the exact sums do not.
TEST(Moments, LargeOffsetPrecision) {
  std::mt19937_64 rng(705);
  std::normal_distribution<double> dist(705.0, 5.0);
  std::vector<double> v(1'000'000);
  for (auto& x : v) x = dist(rng);
  const Moments m = accumulate(v, 0, v.size());
  const TwoPass ref = two_pass(v);
  EXPECT_NEAR(m.mean(), static_cast<double>(ref.mean), 1e-15 * 705.0);
  const double rel = std::abs(m.variance() - static_cast<double>(ref.variance)) /
                     static_cast<double>(ref.variance);
  EXPECT_LT(rel, 1e-12);  // the brief asks 1e-10; naive sums give ~6e-10 here

  EXPECT_NEAR(m.std_dev(), 5.0, 5.0 * 4.0 / std::sqrt(2.0 * 1e6));  // sd's standard error
}

// Values whose spread is ~1e-9 of their size: exact sums give the exact variance.
TEST(Moments, ExactForHugeOffsets) {
  Moments m;
  for (int i = 0; i < 10; ++i) m.add(1e9 + i);
  EXPECT_EQ(m.mean(), 1e9 + 4.5);
  EXPECT_DOUBLE_EQ(m.variance(), 55.0 / 6.0);
  Moments p;  // 2^53, 2^53 + 2, 2^53 + 4: variance 4 exactly
  const double base = std::ldexp(1.0, 53);
  for (double d : {0.0, 2.0, 4.0}) p.add(base + d);
  EXPECT_EQ(p.variance(), 4.0);
}

// What is exact: count, min and max always; the sums too (ExactSum), hence mean, variance,
// min, max and the whole state are bit-identical for any split and any merge order.
TEST(Moments, MergeOfAnySplitIsBitIdentical) {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> dist(705.0, 5.0);
  std::vector<double> v(100'000);
  for (auto& x : v) x = dist(rng);
  v[123] = -0.0;
  v[4567] = 0.0;
  const Moments whole = accumulate(v, 0, v.size());
  for (int trial = 0; trial < 20; ++trial) {
    const std::size_t blocks = 1 + rng() % 50;
    std::vector<std::size_t> cuts{0, v.size()};
    for (std::size_t b = 1; b < blocks; ++b) cuts.push_back(rng() % v.size());
    std::sort(cuts.begin(), cuts.end());
    std::vector<Moments> parts;
    for (std::size_t b = 0; b + 1 < cuts.size(); ++b) {
      parts.push_back(accumulate(v, cuts[b], cuts[b + 1]));
    }
    std::shuffle(parts.begin(), parts.end(), rng);  // any merge order
    Moments merged;
    for (const auto& p : parts) merged.merge(p);
    EXPECT_TRUE(merged == whole);
    EXPECT_TRUE(same_bits(merged.mean(), whole.mean()));
    EXPECT_TRUE(same_bits(merged.variance(), whole.variance()));
    EXPECT_TRUE(same_bits(merged.min(), whole.min()));
    EXPECT_TRUE(same_bits(merged.max(), whole.max()));
    EXPECT_EQ(merged.count(), v.size());
  }
}

TEST(Moments, MergeWithEmptyIsIdentity) {
  Moments m;
  for (double x : {1.0, 2.0, 3.5}) m.add(x);
  Moments copy = m;
  copy.merge(Moments{});
  EXPECT_TRUE(copy == m);
  Moments e;
  e.merge(m);
  EXPECT_TRUE(e == m);
}

TEST(Moments, SignedZerosDoNotDependOnOrder) {
  Moments a;
  a.add(0.0);
  a.add(-0.0);
  Moments b;
  b.add(-0.0);
  b.add(0.0);
  EXPECT_TRUE(a == b);
  EXPECT_TRUE(std::signbit(a.min()));
  EXPECT_FALSE(std::signbit(a.max()));
}

TEST(Moments, NaNPoisonsAndAddIfFiniteSkips) {
  Moments m;
  m.add(1.0);
  m.add(std::numeric_limits<double>::quiet_NaN());
  m.add(3.0);
  EXPECT_EQ(m.count(), 3u);
  EXPECT_TRUE(std::isnan(m.mean()));
  EXPECT_TRUE(std::isnan(m.variance()));
  EXPECT_TRUE(std::isnan(m.min()));
  EXPECT_TRUE(std::isnan(m.max()));

  Moments f;
  f.add_if_finite(1.0);
  f.add_if_finite(std::numeric_limits<double>::quiet_NaN());
  f.add_if_finite(std::numeric_limits<double>::infinity());
  f.add_if_finite(3.0);
  EXPECT_EQ(f.count(), 2u);
  EXPECT_EQ(f.mean(), 2.0);
  EXPECT_EQ(f.variance(), 2.0);

  Moments i;
  i.add(1.0);
  i.add(std::numeric_limits<double>::infinity());
  EXPECT_EQ(i.mean(), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(i.variance()));
  EXPECT_EQ(i.max(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(i.min(), 1.0);
}

TEST(Moments, SerialisationRoundTrip) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> dist(-12.0, 0.01);
  Moments m;
  for (int i = 0; i < 1000; ++i) m.add(dist(rng));
  // Exact sums: the restored state is identical, and merges stay bit-identical.
  const Moments exact =
      Moments::from_sums(m.count(), ExactSum::from_terms(m.exact_sum().terms()),
                         ExactSum::from_terms(m.exact_sum_sq().terms()), m.min(), m.max());
  EXPECT_TRUE(exact == m);
  // Rounded doubles: the same to the precision the doubles allow.
  const Moments rounded = Moments::from_sums(m.count(), m.sum(), m.sum_sq(), m.min(), m.max());
  EXPECT_EQ(rounded.mean(), m.mean());
  EXPECT_NEAR(rounded.variance(), m.variance(), 1e-6 * m.variance());
  EXPECT_EQ(rounded.min(), m.min());

  EXPECT_TRUE(Moments::from_sums(0, 0.0, 0.0, 0.0, 0.0) == Moments{});
  EXPECT_THROW(Moments::from_sums(0, 1.0, 1.0, 1.0, 1.0), std::invalid_argument);
  EXPECT_THROW(Moments::from_sums(2, 1.0, 1.0, 2.0, 1.0), std::invalid_argument);
  EXPECT_THROW(Moments::from_sums(2, 1.0, -1.0, 0.0, 1.0), std::invalid_argument);
}

TEST(CoMoment, CrossProductsAboutTheMeans) {
  // a = 1e8 + (1, 2, 3), b = -5e7 + (2, 4, 7): sum (a - abar)(b - bbar) = 5.
  ExactSum sa, sb, sab;
  const double a[] = {1e8 + 1, 1e8 + 2, 1e8 + 3};
  const double b[] = {-5e7 + 2, -5e7 + 4, -5e7 + 7};
  for (int i = 0; i < 3; ++i) {
    sa.add(a[i]);
    sb.add(b[i]);
    sab.add_product(a[i], b[i]);
  }
  EXPECT_EQ(co_moment(sab, sa, sb, 3), 5.0);
  EXPECT_TRUE(std::isnan(co_moment(sab, sa, sb, 0)));
}

}  // namespace
}  // namespace launchmc::stats
