// Distributions: the normal quantile against published values and Boost.Math, sample moments of
// every distribution against its analytic mean and variance (4 standard errors), quantile/cdf
// round trips, truncated-normal moments and tails against closed forms, and parameter checks.
#include <gtest/gtest.h>

#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "uncertainty/distribution.hpp"
#include "uncertainty/random_stream.hpp"

namespace launchmc::uncertainty {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::size_t kN = 100000;

// Draws kN values by quantile(u), u from one stream, and checks the sample mean and variance
// against the analytic ones within 4 standard errors: se(mean) = sigma / sqrt(n),
// se(variance) = sqrt((mu4 - sigma^4) / n), mu4 the 4th central moment (given analytically).
void check_moments(const Distribution& d, double mu4, std::uint64_t seed) {
  RandomStream s(seed, 0, StreamPurpose::inputs);
  double sum = 0, sum2 = 0;
  const double m = d.mean();
  for (std::size_t k = 0; k < kN; ++k) {
    const double x = d.quantile(s.uniform01()) - m;  // centred: no cancellation
    ASSERT_TRUE(std::isfinite(x));
    sum += x;
    sum2 += x * x;
  }
  const double n = static_cast<double>(kN);
  const double mean_dev = sum / n;
  const double var = sum2 / n - mean_dev * mean_dev;
  const double sigma2 = d.variance();
  EXPECT_LT(std::abs(mean_dev), 4.0 * std::sqrt(sigma2 / n)) << to_string(d.kind());
  EXPECT_LT(std::abs(var - sigma2), 4.0 * std::sqrt((mu4 - sigma2 * sigma2) / n))
      << to_string(d.kind()) << " sample variance " << var << " vs " << sigma2;
}

// quantile(cdf(x)) == x to a relative (or, near 0, absolute) 1e-12, at the given points.
void check_round_trip(const Distribution& d, const std::vector<double>& xs) {
  for (const double x : xs) {
    const double u = d.cdf(x);
    EXPECT_GT(u, 0.0) << x;
    EXPECT_LT(u, 1.0) << x;
    EXPECT_NEAR(d.quantile(u), x, 1e-12 * std::max(1.0, std::abs(x)))
        << to_string(d.kind()) << " at x = " << x;
  }
}

// Expects std::invalid_argument whose message contains `needle`.
void expect_invalid(const std::function<void()>& f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no exception; expected one mentioning \"" << needle << "\"";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

// Simpson's rule on [a, b] with n (even) intervals.
double simpson(const std::function<double(double)>& f, double a, double b, int n) {
  const double h = (b - a) / n;
  double s = f(a) + f(b);
  for (int k = 1; k < n; ++k) s += f(a + k * h) * (k % 2 == 1 ? 4.0 : 2.0);
  return s * h / 3.0;
}

TEST(StandardNormal, QuantileMatchesPublishedValues) {
  // Abramowitz & Stegun table 26.5 / NIST: z_0.975 = 1.959963984540054, z_0.995 = 2.5758293035489.
  EXPECT_NEAR(standard_normal_quantile(0.975), 1.959963984540054, 1e-15);
  EXPECT_NEAR(standard_normal_quantile(0.025), -1.959963984540054, 1e-15);
  EXPECT_NEAR(standard_normal_quantile(0.995), 2.5758293035489004, 1e-15);
  EXPECT_EQ(standard_normal_quantile(0.5), 0.0);
  EXPECT_EQ(standard_normal_quantile(0.0), -kInf);
  EXPECT_EQ(standard_normal_quantile(1.0), kInf);
  EXPECT_TRUE(std::isnan(standard_normal_quantile(-0.1)));
  EXPECT_TRUE(std::isnan(standard_normal_quantile(std::nan(""))));
  EXPECT_NEAR(standard_normal_cdf(1.959963984540054), 0.975, 1e-16);
}

TEST(StandardNormal, QuantileAndCdfAgreeWithBoostMath) {
  // AS241 is accurate to ~1e-16 relative; Boost.Math's erfc_inv to a few ulps.
  const boost::math::normal_distribution<double> n01;
  double worst = 0.0;
  for (double lp = -300.0; lp < -0.302; lp += 0.01) {  // p from 1e-300 to ~0.5
    const double p = std::pow(10.0, lp);
    const double ours = standard_normal_quantile(p);
    const double ref = boost::math::quantile(n01, p);
    worst = std::max(worst, std::abs(ours - ref) / std::abs(ref));
    if (1.0 - p < 1.0 && 1.0 - p > 0.5) {  // 1 - p as rounded
      const double upper = standard_normal_quantile(1.0 - p);
      const double ref_upper = boost::math::quantile(n01, 1.0 - p);
      worst = std::max(worst, std::abs(upper - ref_upper) / std::abs(ref_upper));
    }
  }
  EXPECT_LT(worst, 4e-15);  // observed 7.8e-16
  // Phi(x) has relative condition number ~x^2, so rounding x / sqrt 2 costs ~x^2 ulps in either
  // implementation: tolerance 4e-16 (1 + x^2) relative.
  for (double x = -37.0; x <= 8.0; x += 0.01) {
    const double tol = 4e-16 * (1.0 + x * x);
    const double ref = boost::math::cdf(n01, x);
    EXPECT_NEAR(standard_normal_cdf(x), ref, tol * ref) << x;
    const double refc = boost::math::cdf(boost::math::complement(n01, -x));
    EXPECT_NEAR(standard_normal_ccdf(-x), refc, tol * refc) << x;
  }
}

TEST(Distribution, Normal) {
  const auto d = Distribution::normal(3.0, 2.0);
  EXPECT_EQ(d.kind(), DistributionKind::normal);
  EXPECT_EQ(d.mean(), 3.0);
  EXPECT_EQ(d.variance(), 4.0);
  EXPECT_NEAR(d.quantile(0.975), 3.0 + 2.0 * 1.959963984540054, 1e-14);
  check_moments(d, 3.0 * 16.0, 11);
  check_round_trip(d, {-10.0, -1.0, 0.0, 3.0, 4.5, 12.0});
  expect_invalid([] { Distribution::normal(0.0, 0.0); }, "sd = 0");
  expect_invalid([] { Distribution::normal(0.0, -1.0); }, "sd = -1: must be > 0");
  expect_invalid([] { Distribution::normal(kInf, 1.0); }, "mean = inf: must be finite");
}

// Raw moments E[Z^k], k = 0..4, of the standard normal truncated to [a, b] by the recursion
// m_k = (k-1) m_{k-2} - (b^{k-1} phi(b) - a^{k-1} phi(a)) / Z (Johnson, Kotz & Balakrishnan vol.
// 1, ch. 13 sec. 10.1), computed here with Boost.Math rather than the code under test.
std::array<double, 5> truncated_raw_moments(double a, double b) {
  const boost::math::normal_distribution<double> n01;
  auto pdf = [&](double x) { return std::isfinite(x) ? boost::math::pdf(n01, x) : 0.0; };
  auto pw = [](double x, int k) { return k == 0 ? 1.0 : std::pow(x, k); };
  const double fa = std::isfinite(a) ? boost::math::cdf(n01, a) : (a < 0 ? 0.0 : 1.0);
  const double qb =
      std::isfinite(b) ? boost::math::cdf(boost::math::complement(n01, b)) : (b > 0 ? 0.0 : 1.0);
  const double z = 1.0 - fa - qb;
  std::array<double, 5> m{};
  m[0] = 1.0;
  m[1] = (pdf(a) - pdf(b)) / z;
  for (int k = 2; k <= 4; ++k) {
    const double tb = std::isfinite(b) ? pw(b, k - 1) * pdf(b) : 0.0;
    const double ta = std::isfinite(a) ? pw(a, k - 1) * pdf(a) : 0.0;
    m[k] = (k - 1) * m[k - 2] - (tb - ta) / z;
  }
  return m;
}

TEST(Distribution, TruncatedNormalMomentsMatchClosedForm) {
  struct Case {
    double mean, sd, lo, hi;
  };
  const std::vector<Case> cases = {{0, 1, -1, 2},  {10, 2, 9, kInf},    {10, 2, -kInf, 7},
                                   {5, 1, 5, 5.5}, {0, 3, -kInf, kInf}, {1, 0.5, 2, 4}};
  std::uint64_t seed = 100;
  for (const auto& c : cases) {
    const auto d = Distribution::truncated_normal(c.mean, c.sd, c.lo, c.hi);
    const double a = (c.lo - c.mean) / c.sd, b = (c.hi - c.mean) / c.sd;
    const auto m = truncated_raw_moments(a, b);
    const double mean_z = m[1], var_z = m[2] - m[1] * m[1];
    EXPECT_NEAR(d.mean(), c.mean + c.sd * mean_z, 1e-12 * (1 + std::abs(c.mean)));
    EXPECT_NEAR(d.variance(), c.sd * c.sd * var_z, 1e-12 * c.sd * c.sd);
    // Independent check of the closed form by quadrature of the density over the support.
    const double lo = std::isfinite(c.lo) ? c.lo : c.mean - 40 * c.sd;
    const double hi = std::isfinite(c.hi) ? c.hi : c.mean + 40 * c.sd;
    auto dens = [&](double x) {
      const double t = (x - c.mean) / c.sd;
      return std::exp(-0.5 * t * t);
    };
    const double z0 = simpson(dens, lo, hi, 20000);
    const double z1 = simpson([&](double x) { return x * dens(x); }, lo, hi, 20000);
    const double z2 =
        simpson([&](double x) { return (x - z1 / z0) * (x - z1 / z0) * dens(x); }, lo, hi, 20000);
    EXPECT_NEAR(d.mean(), z1 / z0, 1e-9 * (1 + std::abs(c.mean)));
    EXPECT_NEAR(d.variance(), z2 / z0, 1e-9 * c.sd * c.sd);
    // Sampling: 4th central moment from the raw moments.
    const double mu4_z = m[4] - 4 * m[1] * m[3] + 6 * m[1] * m[1] * m[2] - 3 * std::pow(m[1], 4);
    check_moments(d, mu4_z * std::pow(c.sd, 4), seed++);
    for (int k = 1; k < 10; ++k) {
      const double x = d.quantile(k / 10.0);
      EXPECT_GE(x, c.lo);
      EXPECT_LE(x, c.hi);
      EXPECT_NEAR(d.cdf(x), k / 10.0, 1e-12);
    }
  }
}

TEST(Distribution, TruncatedNormalIsAccurateInTheTails) {
  const boost::math::normal_distribution<double> n01;
  // Lower truncation 10 sd above the mean: all the mass sits in the far upper tail, where
  // Phi(10) = 1 - 7.6e-24 cannot even be stored; the quantile must work with complements.
  const auto upper = Distribution::truncated_normal(1.0, 2.0, 21.0, kInf);
  const double q10 = boost::math::cdf(boost::math::complement(n01, 10.0));
  for (const double u : {1e-6, 0.1, 0.5, 0.9, 1 - 1e-9}) {
    const double z = boost::math::quantile(boost::math::complement(n01, (1 - u) * q10));
    EXPECT_NEAR(upper.quantile(u), 1.0 + 2.0 * z, 1e-12 * 21.0) << u;
  }
  EXPECT_EQ(upper.quantile(0.0), 21.0);
  EXPECT_TRUE(std::isfinite(upper.quantile(uniform_open_hi)));
  EXPECT_EQ(upper.quantile(1.0), kInf);
  // Known asymptotics: E[Z | Z > 10] = phi(10)/Q(10) = 10.098...; check against Boost.
  EXPECT_NEAR(upper.mean(), 1.0 + 2.0 * boost::math::pdf(n01, 10.0) / q10, 1e-12 * 21.0);
  check_round_trip(upper, {21.0 + 1e-9, 21.01, 21.1, 21.5, 22.0});
  // Mirror image: upper truncation 12 sd below the mean.
  const auto lower = Distribution::truncated_normal(0.0, 1.0, -kInf, -12.0);
  const double p12 = boost::math::cdf(n01, -12.0);
  for (const double u : {1e-9, 0.1, 0.5, 0.9, 1 - 1e-6}) {
    EXPECT_NEAR(lower.quantile(u), boost::math::quantile(n01, u * p12), 1e-12 * 12.0) << u;
  }
  // Both bounds in the far upper tail.
  const auto band = Distribution::truncated_normal(0.0, 1.0, 30.0, 30.5);
  EXPECT_GT(band.quantile(0.5), 30.0);
  EXPECT_LT(band.quantile(0.5), 30.05);  // the density falls by e^-30 per sd: mass hugs 30
  EXPECT_NEAR(band.cdf(band.quantile(0.5)), 0.5, 1e-12);
  // Beyond ~37 sd the mass underflows: refused with a clear message.
  expect_invalid([] { Distribution::truncated_normal(0.0, 1.0, 40.0, kInf); }, "must be >= 1e-300");
  expect_invalid([] { Distribution::truncated_normal(0.0, 1.0, 2.0, 1.0); },
                 "must satisfy lo < hi");
  expect_invalid([] { Distribution::truncated_normal(0.0, 1.0, 1.0, 1.0); },
                 "must satisfy lo < hi");
  expect_invalid([] { Distribution::truncated_normal(0.0, 0.0, -1.0, 1.0); }, "sd = 0");
  expect_invalid([] { Distribution::truncated_normal(0.0, 1.0, std::nan(""), 1.0); }, "lo = nan");
}

TEST(Distribution, Uniform) {
  const auto d = Distribution::uniform(-2.0, 6.0);
  EXPECT_EQ(d.mean(), 2.0);
  EXPECT_NEAR(d.variance(), 64.0 / 12.0, 1e-15);
  EXPECT_EQ(d.quantile(0.25), 0.0);
  EXPECT_EQ(d.cdf(4.0), 0.75);
  EXPECT_EQ(d.quantile(0.0), -2.0);
  EXPECT_EQ(d.quantile(1.0), 6.0);
  check_moments(d, std::pow(8.0, 4) / 80.0, 12);
  check_round_trip(d, {-1.9, 0.0, 3.3, 5.99});
  expect_invalid([] { Distribution::uniform(1.0, 1.0); }, "must satisfy lo < hi");
  expect_invalid([] { Distribution::uniform(-kInf, 1.0); }, "lo = -inf: must be finite");
}

TEST(Distribution, Triangular) {
  const double a = 1.0, c = 2.0, b = 5.0;
  const auto d = Distribution::triangular(a, c, b);
  EXPECT_NEAR(d.mean(), 8.0 / 3.0, 1e-15);
  const double var = (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
  EXPECT_NEAR(d.variance(), var, 1e-15);
  // Closed forms: F(mode) = (c - a)/(b - a); Q(u) = a + sqrt(u (b-a)(c-a)) below it,
  // b - sqrt((1-u)(b-a)(b-c)) above.
  EXPECT_NEAR(d.cdf(c), 0.25, 1e-15);
  EXPECT_NEAR(d.quantile(0.1), a + std::sqrt(0.1 * 4.0 * 1.0), 1e-15);
  EXPECT_NEAR(d.quantile(0.8), b - std::sqrt(0.2 * 4.0 * 3.0), 1e-15);
  // Excess kurtosis of every triangular distribution is -3/5: mu4 = 2.4 sigma^4.
  check_moments(d, 2.4 * var * var, 13);
  check_round_trip(d, {1.01, 1.5, 2.0, 3.0, 4.99});
  // Degenerate modes at either end are right triangles.
  const auto left = Distribution::triangular(0.0, 0.0, 1.0);
  EXPECT_NEAR(left.quantile(0.75), 1.0 - std::sqrt(0.25), 1e-15);
  EXPECT_NEAR(left.mean(), 1.0 / 3.0, 1e-15);
  const auto right = Distribution::triangular(0.0, 1.0, 1.0);
  EXPECT_NEAR(right.quantile(0.25), std::sqrt(0.25), 1e-15);
  check_moments(right, 2.4 * std::pow(right.variance(), 2), 14);
  expect_invalid([] { Distribution::triangular(0.0, 2.0, 1.0); }, "mode = 2: must lie in");
  expect_invalid([] { Distribution::triangular(1.0, 1.0, 1.0); }, "must satisfy lo < hi");
}

TEST(Distribution, LognormalFromMeanAndSd) {
  const double m = 2.0, s = 0.5;
  const auto d = Distribution::lognormal_from_mean_sd(m, s);
  EXPECT_NEAR(d.mean(), m, 1e-14);
  EXPECT_NEAR(d.variance(), s * s, 1e-14);
  // Closed forms: sigma^2 = ln(1 + s^2/m^2), mu = ln m - sigma^2/2, median = exp(mu).
  const double sigma2 = std::log(1.0 + s * s / (m * m));
  const double mu = std::log(m) - 0.5 * sigma2;
  EXPECT_NEAR(d.quantile(0.5), std::exp(mu), 1e-14);
  EXPECT_NEAR(d.quantile(0.975), std::exp(mu + std::sqrt(sigma2) * 1.959963984540054), 1e-13);
  EXPECT_EQ(d.cdf(0.0), 0.0);
  EXPECT_EQ(d.cdf(-1.0), 0.0);
  // Kurtosis e^{4 s2} + 2 e^{3 s2} + 3 e^{2 s2} - 3 (JKB vol. 1, ch. 14).
  const double kurt =
      std::exp(4 * sigma2) + 2 * std::exp(3 * sigma2) + 3 * std::exp(2 * sigma2) - 3;
  check_moments(d, kurt * std::pow(s, 4), 15);
  check_round_trip(d, {0.5, 1.0, 2.0, 3.5, 6.0});
  // Small coefficient of variation: sigma ~ cv (log1p keeps it accurate).
  const auto narrow = Distribution::lognormal_from_mean_sd(1000.0, 1e-5);
  EXPECT_NEAR(narrow.variance(), 1e-10, 1e-18);
  expect_invalid([] { Distribution::lognormal_from_mean_sd(0.0, 1.0); }, "mean = 0: must be > 0");
  expect_invalid([] { Distribution::lognormal_from_mean_sd(1.0, -1.0); }, "sd = -1");
}

TEST(Distribution, DiscreteFrequenciesFollowTheWeights) {
  // Unsorted values and unnormalised weights on purpose.
  const std::vector<double> values = {3.0, -1.0, 10.0, 0.5};
  const std::vector<double> weights = {2.0, 1.0, 0.5, 4.5};
  const auto d = Distribution::discrete(values, weights);
  EXPECT_EQ(d.kind(), DistributionKind::discrete);
  double mean = 0, var = 0, mu4 = 0;
  for (std::size_t k = 0; k < 4; ++k) mean += weights[k] / 8.0 * values[k];
  for (std::size_t k = 0; k < 4; ++k) {
    var += weights[k] / 8.0 * std::pow(values[k] - mean, 2);
    mu4 += weights[k] / 8.0 * std::pow(values[k] - mean, 4);
  }
  EXPECT_NEAR(d.mean(), mean, 1e-15);
  EXPECT_NEAR(d.variance(), var, 1e-14);
  check_moments(d, mu4, 16);
  // Chi-square statistic over the 4 cells: 3 degrees of freedom, mean 3 and sd sqrt(6); accept
  // below mean + 4 sd = 12.8 (P(chi2_3 > 12.8) ~ 0.5%; the seed is fixed, so no flakiness).
  std::vector<double> counts(4, 0.0);
  RandomStream s(17, 0, StreamPurpose::inputs);
  for (std::size_t n = 0; n < kN; ++n) {
    const double x = d.quantile(s.uniform01());
    for (std::size_t k = 0; k < 4; ++k) counts[k] += (x == values[k]);
  }
  double chi2 = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    const double expected = kN * weights[k] / 8.0;
    chi2 += std::pow(counts[k] - expected, 2) / expected;
  }
  EXPECT_LT(chi2, 3.0 + 4.0 * std::sqrt(6.0));
  // cdf is a step function over the sorted values; quantile(cdf(v)) == v.
  EXPECT_EQ(d.cdf(-2.0), 0.0);
  EXPECT_NEAR(d.cdf(-1.0), 1.0 / 8.0, 1e-15);
  EXPECT_NEAR(d.cdf(0.7), 5.5 / 8.0, 1e-15);
  EXPECT_EQ(d.cdf(10.0), 1.0);
  for (const double v : values) EXPECT_EQ(d.quantile(d.cdf(v)), v);
  EXPECT_EQ(d.quantile(0.0), -1.0);
  EXPECT_EQ(d.quantile(1.0), 10.0);
  EXPECT_EQ(d.quantile(uniform_open_lo), -1.0);
  EXPECT_EQ(d.quantile(uniform_open_hi), 10.0);
  // Copies share the table and behave identically.
  const Distribution copy = d;
  EXPECT_EQ(copy.quantile(0.3), d.quantile(0.3));
  expect_invalid(
      [] {
        Distribution::discrete({1.0, 2.0}, {1.0, 0.0});
      },
      "weights[1] = 0: must be > 0");
  expect_invalid([] { Distribution::discrete({1.0, 2.0}, {1.0}); }, "same length");
  expect_invalid([] { Distribution::discrete({}, {}); }, "values is empty");
  expect_invalid([] { Distribution::discrete({kInf}, {1.0}); }, "values[0] = inf");
}

TEST(Distribution, DefaultIsStandardNormal) {
  const Distribution d;
  EXPECT_EQ(d.kind(), DistributionKind::normal);
  EXPECT_EQ(d.mean(), 0.0);
  EXPECT_EQ(d.variance(), 1.0);
  EXPECT_NEAR(d.quantile(0.975), 1.959963984540054, 1e-15);
  EXPECT_EQ(d.lo(), -kInf);
  EXPECT_EQ(d.hi(), kInf);
}

TEST(Distribution, QuantileHandlesTheEndsOfTheUnitInterval) {
  const auto n = Distribution::normal(0.0, 1.0);
  EXPECT_EQ(n.quantile(0.0), -kInf);
  EXPECT_EQ(n.quantile(-1.0), -kInf);
  EXPECT_EQ(n.quantile(2.0), kInf);
  EXPECT_TRUE(std::isnan(n.quantile(std::nan(""))));
  EXPECT_NEAR(n.quantile(uniform_open_lo), -8.2095361516013874, 1e-12);
  EXPECT_NEAR(n.quantile(uniform_open_hi), 8.2095361516013874, 1e-12);
}

}  // namespace
}  // namespace launchmc::uncertainty
