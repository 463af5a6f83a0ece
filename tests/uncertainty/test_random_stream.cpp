// RandomStream and mix_seed: reference vectors of SplitMix64 and xoshiro256++, reproducibility,
// independence of neighbouring streams, and the range and moments of uniform01() and normal().
#include <gtest/gtest.h>

#include <array>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <unordered_set>
#include <vector>

#include "uncertainty/random_stream.hpp"

namespace launchmc::uncertainty {
namespace {

// Sample correlation of two equally long series.
double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    mx += x[k];
    my += y[k];
  }
  mx /= n;
  my /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    sxy += (x[k] - mx) * (y[k] - my);
    sxx += (x[k] - mx) * (x[k] - mx);
    syy += (y[k] - my) * (y[k] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

TEST(RandomStream, XoshiroMatchesReferenceImplementation) {
  // Outputs of Vigna's xoshiro256plusplus.c from the state {1, 2, 3, 4} (as published with the
  // rand_xoshiro crate's reference test).
  auto stream = RandomStream::from_state({1, 2, 3, 4});
  const std::array<std::uint64_t, 10> expected = {41943041ULL,
                                                  58720359ULL,
                                                  3588806011781223ULL,
                                                  3591011842654386ULL,
                                                  9228616714210784205ULL,
                                                  9973669472204895162ULL,
                                                  14011001112246962877ULL,
                                                  12406186145184390807ULL,
                                                  15849039046786891736ULL,
                                                  10450023813501588000ULL};
  for (const auto e : expected) EXPECT_EQ(stream(), e);
  EXPECT_THROW(RandomStream::from_state({0, 0, 0, 0}), std::invalid_argument);
}

TEST(RandomStream, SeedsThroughSplitMix64) {
  // SplitMix64 from state 0 (Vigna's splitmix64.c): 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4,
  // 0x06C45D188009454F, 0xF88BB8A8724C81EC; these four words are the xoshiro state of stream 0.
  EXPECT_EQ(splitmix64_mix(0x9e3779b97f4a7c15ULL), 0xE220A8397B1DCDAFULL);
  RandomStream a(std::uint64_t{0});
  auto b = RandomStream::from_state(
      {0xE220A8397B1DCDAFULL, 0x6E789E6AA1B965F4ULL, 0x06C45D188009454FULL, 0xF88BB8A8724C81ECULL});
  for (int k = 0; k < 100; ++k) EXPECT_EQ(a(), b());
}

TEST(RandomStream, SameSeedIndexPurposeGivesSameSequence) {
  RandomStream a(42, 7, StreamPurpose::inputs);
  RandomStream b(42, 7, StreamPurpose::inputs);
  for (int k = 0; k < 1000; ++k) ASSERT_EQ(a(), b());
  RandomStream c(42, 7, StreamPurpose::failures);
  RandomStream d(42, 7, StreamPurpose::failures);
  for (int k = 0; k < 100; ++k) ASSERT_EQ(c.normal(), d.normal());
}

TEST(RandomStream, DifferentIndexPurposeOrSeedGivesDifferentSequence) {
  const std::uint64_t first = RandomStream(42, 7, StreamPurpose::inputs)();
  EXPECT_NE(first, RandomStream(42, 8, StreamPurpose::inputs)());
  EXPECT_NE(first, RandomStream(42, 7, StreamPurpose::environment)());
  EXPECT_NE(first, RandomStream(43, 7, StreamPurpose::inputs)());
  // mix_seed is a bijection of the index for fixed seed and purpose: no two samples share a seed.
  std::unordered_set<std::uint64_t> seen;
  for (std::uint64_t i = 0; i < 100000; ++i) seen.insert(mix_seed(42, i, 1));
  EXPECT_EQ(seen.size(), 100000u);
  // ... and purposes of one sample do not collide either.
  for (std::uint64_t p = 1; p <= 6; ++p) EXPECT_EQ(seen.count(mix_seed(42, 100000, p)), 0u);
}

TEST(RandomStream, FirstDrawsOfNeighbouringStreamsAreUncorrelated) {
  // Over n = 10^5 indices, the correlation of the first uniform of streams i and i + 1 (and of two
  // purposes of the same i, and of two seeds) is within 4 / sqrt(n) of 0 (its standard error is
  // 1 / sqrt(n) for independent series).
  constexpr std::size_t n = 100000;
  std::vector<double> x(n), y(n), z(n), w(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = RandomStream(2024, i, StreamPurpose::inputs).uniform01();
    y[i] = RandomStream(2024, i + 1, StreamPurpose::inputs).uniform01();
    z[i] = RandomStream(2024, i, StreamPurpose::environment).uniform01();
    w[i] = RandomStream(2025, i, StreamPurpose::inputs).uniform01();
  }
  const double bound = 4.0 / std::sqrt(static_cast<double>(n));
  EXPECT_LT(std::abs(correlation(x, y)), bound);
  EXPECT_LT(std::abs(correlation(x, z)), bound);
  EXPECT_LT(std::abs(correlation(x, w)), bound);
  // Lag-1 correlation within one stream.
  RandomStream s(2024, 0, StreamPurpose::inputs);
  std::vector<double> a(n), b(n);
  double prev = s.uniform01();
  for (std::size_t k = 0; k < n; ++k) {
    a[k] = prev;
    prev = s.uniform01();
    b[k] = prev;
  }
  EXPECT_LT(std::abs(correlation(a, b)), bound);
}

TEST(RandomStream, Uniform01IsInOpenIntervalWithUniformMoments) {
  constexpr std::size_t n = 1000000;
  RandomStream s(1, 0, StreamPurpose::inputs);
  double sum = 0, sum2 = 0, lo = 1, hi = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double u = s.uniform01();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    // 53-bit grid: u * 2^53 is an integer.
    ASSERT_EQ(std::floor(u * 0x1.0p53), u * 0x1.0p53);
    sum += u;
    sum2 += u * u;
    lo = std::min(lo, u);
    hi = std::max(hi, u);
  }
  const double mean = sum / n;
  const double var = sum2 / n - mean * mean;
  EXPECT_LT(std::abs(mean - 0.5), 4.0 * std::sqrt(1.0 / 12.0 / n));
  // Var of U(0,1): 1/12, mu4 = 1/80, se of the sample variance sqrt((1/80 - 1/144) / n).
  EXPECT_LT(std::abs(var - 1.0 / 12.0), 4.0 * std::sqrt((1.0 / 80.0 - 1.0 / 144.0) / n));
  EXPECT_LT(lo, 1e-5);
  EXPECT_GT(hi, 1.0 - 1e-5);
}

TEST(RandomStream, NormalHasStandardMoments) {
  constexpr std::size_t n = 200000;
  RandomStream s(3, 0, StreamPurpose::navigation);
  double sum = 0, sum2 = 0, sum3 = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double z = s.normal();
    ASSERT_TRUE(std::isfinite(z));
    ASSERT_LT(std::abs(z), 8.3);  // |Phi^-1(2^-53)| = 8.21
    sum += z;
    sum2 += z * z;
    sum3 += z * z * z;
  }
  const double mean = sum / n;
  const double var = sum2 / n - mean * mean;
  EXPECT_LT(std::abs(mean), 4.0 / std::sqrt(n));
  EXPECT_LT(std::abs(var - 1.0), 4.0 * std::sqrt(2.0 / n));  // mu4 - sigma^4 = 2
  EXPECT_LT(std::abs(sum3 / n), 4.0 * std::sqrt(15.0 / n));  // Var(Z^3) = 15
}

TEST(RandomStream, WorksWithStandardAndBoostDistributions) {
  RandomStream s(5, 1, StreamPurpose::environment);
  std::uniform_int_distribution<int> die(1, 6);
  boost::random::normal_distribution<double> gauss(10.0, 2.0);
  for (int k = 0; k < 1000; ++k) {
    const int d = die(s);
    EXPECT_GE(d, 1);
    EXPECT_LE(d, 6);
    EXPECT_TRUE(std::isfinite(gauss(s)));
  }
  static_assert(RandomStream::min() == 0);
  static_assert(RandomStream::max() == UINT64_MAX);
}

TEST(RandomStream, UToOpenNeverReturnsZeroOrOne) {
  EXPECT_EQ(u_to_open(0.0), uniform_open_lo);
  EXPECT_EQ(u_to_open(-3.0), uniform_open_lo);
  EXPECT_EQ(u_to_open(1.0), uniform_open_hi);
  EXPECT_EQ(u_to_open(2.0), uniform_open_hi);
  EXPECT_EQ(u_to_open(0.25), 0.25);
  EXPECT_LT(uniform_open_hi, 1.0);
  EXPECT_GT(uniform_open_lo, 0.0);
  EXPECT_TRUE(std::isnan(u_to_open(std::nan(""))));
}

}  // namespace
}  // namespace launchmc::uncertainty
