// Wilson score interval for a binomial proportion. See proportion.hpp.
//
// References: E. B. Wilson, "Probable inference, the law of succession, and statistical
// inference", J. Am. Stat. Assoc. 22, 209-212, 1927; L. D. Brown, T. T. Cai & A. DasGupta,
// "Interval estimation for a binomial proportion", Statistical Science 16(2), 101-133, 2001
// (recommend Wilson for small n); R. G. Newcombe, "Two-sided confidence intervals for the single
// proportion: comparison of seven methods", Statistics in Medicine 17, 857-872, 1998 (method 3;
// its Table I examples are in tests/stats/test_proportion.cpp).
//
// The limits are the roots in p of (p_hat - p)^2 = z^2 p (1 - p) / n, i.e. of
//   (n + z^2) p^2 - (2k + z^2) p + k^2 / n = 0,
// centre (k + z^2/2) / (n + z^2), half-width z / (n + z^2) sqrt(k (n - k) / n + z^2 / 4).
// The upper root is centre + half-width (no cancellation); the lower root is taken from the
// product of the roots, k^2 / (n (n + z^2)), divided by the upper one, which keeps full relative
// precision when k << n (centre - half-width would cancel).
#include "stats/proportion.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace launchmc::stats {

double normal_quantile(double p) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::domain_error("normal_quantile: p = " + std::to_string(p) + ": must be in [0, 1]");
  }
  if (p == 0.0) return -std::numeric_limits<double>::infinity();
  if (p == 1.0) return std::numeric_limits<double>::infinity();
  return boost::math::quantile(boost::math::normal_distribution<double>(), p);
}

Interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double confidence) {
  if (successes > trials) {
    throw std::invalid_argument("wilson_interval: successes = " + std::to_string(successes) +
                                " > trials = " + std::to_string(trials));
  }
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw std::domain_error("wilson_interval: confidence = " + std::to_string(confidence) +
                            ": must be in (0, 1)");
  }
  if (trials == 0) return {0.0, 1.0};
  const double z = normal_quantile(0.5 + 0.5 * confidence);  // two-sided
  const double z2 = z * z;
  const auto k = static_cast<double>(successes);
  const auto n = static_cast<double>(trials);
  const auto f = static_cast<double>(trials - successes);  // exact failures count
  const double denom = n + z2;
  const double centre = (k + 0.5 * z2) / denom;
  const double half = z / denom * std::sqrt(k * f / n + 0.25 * z2);
  double hi = centre + half;
  double lo = (k / n) * (k / denom) / hi;
  if (successes == trials) hi = 1.0;
  lo = std::clamp(lo, 0.0, 1.0);
  hi = std::clamp(hi, 0.0, 1.0);
  return {lo, hi};
}

Interval wilson_interval_effective(double p_hat, double effective_trials, double confidence) {
  if (!(p_hat >= 0.0 && p_hat <= 1.0)) {
    throw std::domain_error("wilson_interval_effective: p_hat = " + std::to_string(p_hat) +
                            ": must be in [0, 1]");
  }
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw std::domain_error("wilson_interval: confidence = " + std::to_string(confidence) +
                            ": must be in (0, 1)");
  }
  if (!(effective_trials > 0.0)) return {0.0, 1.0};
  const double z = normal_quantile(0.5 + 0.5 * confidence);
  const double z2 = z * z;
  const double n = effective_trials;
  const double k = p_hat * n;
  const double f = (1.0 - p_hat) * n;
  const double denom = n + z2;
  const double centre = (k + 0.5 * z2) / denom;
  const double half = z / denom * std::sqrt(k * f / n + 0.25 * z2);
  double hi = centre + half;
  double lo = hi > 0.0 ? p_hat * (k / denom) / hi : 0.0;  // product of the roots, as above
  if (p_hat == 1.0) hi = 1.0;
  if (p_hat == 0.0) lo = 0.0;
  return {std::clamp(lo, 0.0, 1.0), std::clamp(hi, 0.0, 1.0)};
}

}  // namespace launchmc::stats
