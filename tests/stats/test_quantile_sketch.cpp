// The quantile sketch against the exact type-7 quantiles of the same data (stats::quantiles), its
// exact merges, and the bottom-k subsample's exactness below k, order independence and
// uniformity.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <utility>
#include <vector>

#include "stats/bottom_k.hpp"
#include "stats/quantile_sketch.hpp"
#include "stats/quantiles.hpp"

namespace launchmc::stats {
namespace {

std::vector<double> data(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> perigee(493.0, 20.0);
  std::vector<double> v;
  for (std::size_t i = 0; i < n; ++i) v.push_back(perigee(rng));
  return v;
}

TEST(QuantileSketch, WithinTheRelativeAccuracyOfTheExactQuantiles) {
  const double ps[] = {0.0, 0.01, 0.25, 0.5, 0.75, 0.99, 1.0};
  for (std::size_t n : {1u, 2u, 7u, 100u, 20000u}) {
    const auto v = data(n, n);
    QuantileSketch s;
    for (double x : v) s.add(x);
    const auto exact = quantiles(v, ps);
    for (std::size_t i = 0; i < std::size(ps); ++i)
      EXPECT_NEAR(s.quantile(ps[i]), exact[i], 1e-5 * std::abs(exact[i]) * (1 + 1e-9))
          << n << " " << ps[i];
  }
}

TEST(QuantileSketch, SignsZerosAndWideRanges) {
  // Values of both signs, zeros, and nine decades: each quantile within alpha of the exact one
  // whenever the two neighbouring order statistics share a sign.
  std::vector<double> v = {-5e3, -2.0, -1e-3, 0.0, 0.0, 1e-6, 3.0, 42.0, 1e3, 7.5e5};
  QuantileSketch s(1e-3);
  for (double x : v) s.add(x);
  const std::vector<double> ps = {0.0, 0.1, 0.2, 1.0 / 3.0, 0.5, 0.6, 0.8, 1.0};
  const auto exact = quantiles(v, ps);
  for (std::size_t i = 0; i < ps.size(); ++i)
    EXPECT_NEAR(s.quantile(ps[i]), exact[i], 1e-3 * std::abs(exact[i]) + 1e-12) << ps[i];
  EXPECT_TRUE(std::isnan(QuantileSketch().quantile(0.5)));
  EXPECT_THROW(s.quantile(1.5), std::domain_error);
  EXPECT_THROW(s.add(std::nan("")), std::invalid_argument);
}

TEST(QuantileSketch, MergesExactlyAndMemoryStaysBounded) {
  const auto v = data(50000, 3);
  QuantileSketch whole, a, b, c;
  for (double x : v) whole.add(x);
  for (std::size_t i = 0; i < v.size(); ++i) (i < 10000 ? a : i < 31000 ? b : c).add(v[i]);
  QuantileSketch merged = c;  // any order
  merged.merge(a);
  merged.merge(b);
  EXPECT_TRUE(merged == whole);
  EXPECT_EQ(merged.quantile(0.01), whole.quantile(0.01));
  // Buckets are bounded by the data's range, not by the count: 493 +- 5 sigma spans
  // ln(593/393) / (2e-5) ~ 20,600 buckets at most.
  EXPECT_LT(whole.buckets(), 21000u);
  QuantileSketch bigger;
  for (int rep = 0; rep < 4; ++rep)
    for (double x : v) bigger.add(x);
  EXPECT_EQ(bigger.buckets(), whole.buckets());
  EXPECT_FALSE(whole.collapsed());
}

TEST(QuantileSketch, QueriesBetweenAddsChangeNothing) {
  // add() buffers bucket indices and a query merges them in: the counts must be those of adding
  // one value at a time, whenever the queries come. A reference count per bucket, by hand.
  const auto v = data(9000, 5);
  QuantileSketch queried, silent;
  std::map<std::int32_t, std::uint64_t> by_hand;
  const double log_gamma = std::log((1.0 + 1e-5) / (1.0 - 1e-5));
  for (std::size_t i = 0; i < v.size(); ++i) {
    queried.add(v[i]);
    silent.add(v[i]);
    ++by_hand[static_cast<std::int32_t>(std::ceil(std::log(v[i]) / log_gamma))];
    if (i % 777 == 0) (void)queried.quantile(0.5);
  }
  EXPECT_TRUE(queried == silent);
  const auto& store = silent.positive();
  ASSERT_EQ(store.size(), by_hand.size());
  std::size_t k = 0;
  for (const auto& [index, count] : by_hand) {
    EXPECT_EQ(store[k].first, index);
    EXPECT_EQ(store[k].second, count);
    ++k;
  }
  EXPECT_TRUE(silent.negative().empty());
}

TEST(BottomK, ExactBelowKAndOrderIndependent) {
  BottomKSample<double> small(100);
  for (std::uint64_t i = 0; i < 60; ++i) small.add(i, static_cast<double>(i));
  EXPECT_TRUE(small.complete());
  EXPECT_EQ(small.size(), 60u);

  // The same items offered in two orders and two splits keep the same subsample.
  BottomKSample<double> forward(500), backward(500), part1(500), part2(500);
  for (std::uint64_t i = 0; i < 20000; ++i) forward.add(i, static_cast<double>(i));
  for (std::uint64_t i = 20000; i-- > 0;) backward.add(i, static_cast<double>(i));
  for (std::uint64_t i = 0; i < 20000; ++i)
    (i % 3 == 0 ? part1 : part2).add(i, static_cast<double>(i));
  part2.merge(part1);
  const auto f = forward.items(), b = backward.items(), m = part2.items();
  ASSERT_EQ(f.size(), 500u);
  for (std::size_t j = 0; j < f.size(); ++j) {
    EXPECT_EQ(f[j].id, b[j].id);
    EXPECT_EQ(f[j].id, m[j].id);
  }
  EXPECT_EQ(part2.seen(), 20000u);
  EXPECT_FALSE(forward.complete());
}

TEST(BottomK, KeptItemsAreAUniformSubsample) {
  // The kept ids' mean estimates the population mean (n - 1) / 2 with standard error
  // sigma / sqrt(k) (sigma = n / sqrt(12)); a fraction below 0.99 n has binomial error.
  const std::uint64_t n = 200000;
  const std::size_t k = 20000;
  BottomKSample<char> s(k);
  for (std::uint64_t i = 0; i < n; ++i) s.add(i, 0);
  double mean = 0.0, below = 0.0;
  for (const auto& it : s.items()) {
    mean += static_cast<double>(it.id);
    below += it.id < 0.99 * n ? 1.0 : 0.0;
  }
  mean /= k;
  below /= k;
  const double se_mean = (n / std::sqrt(12.0)) / std::sqrt(static_cast<double>(k));
  EXPECT_NEAR(mean, (n - 1) / 2.0, 4.0 * se_mean);
  EXPECT_NEAR(below, 0.99, 4.0 * std::sqrt(0.99 * 0.01 / k));
}

// A sample restored from its kept (id, value) items and seen() is the saved one: the same items
// and count, and it merges with more items to what the original merges to.
TEST(BottomK, FromItemsRestoresTheState) {
  BottomKSample<double> a(300), more(300);
  for (std::uint64_t i = 0; i < 5000; ++i) (i < 3000 ? a : more).add(i, 0.5 * i);
  std::vector<std::pair<std::uint64_t, double>> saved;
  for (const auto& it : a.items()) saved.emplace_back(it.id, it.value);
  BottomKSample<double> back = BottomKSample<double>::from_items(300, saved, a.seen());
  EXPECT_EQ(back.seen(), a.seen());
  const auto x = a.items(), y = back.items();
  ASSERT_EQ(x.size(), y.size());
  for (std::size_t j = 0; j < x.size(); ++j) {
    EXPECT_EQ(x[j].key, y[j].key);
    EXPECT_EQ(x[j].id, y[j].id);
    EXPECT_EQ(x[j].value, y[j].value);
  }
  a.merge(more);
  back.merge(more);
  EXPECT_EQ(back.seen(), a.seen());
  const auto p = a.items(), q = back.items();
  ASSERT_EQ(p.size(), q.size());
  for (std::size_t j = 0; j < p.size(); ++j) EXPECT_EQ(p[j].id, q[j].id);
  EXPECT_THROW(BottomKSample<double>::from_items(300, saved, saved.size() - 1),
               std::invalid_argument);
  EXPECT_THROW(BottomKSample<double>::from_items(10, saved, a.seen()), std::invalid_argument);
}

}  // namespace
}  // namespace launchmc::stats
