// Confidence intervals for a binomial proportion, e.g. P(success) from a Monte Carlo run:
// the Wilson score interval.
#pragma once

#include <cstdint>

namespace launchmc::stats {

struct Interval {
  double lo;
  double hi;
};

// Wilson score interval for `successes` out of `trials` at the two-sided `confidence` level: the
// set of p that a score test would not reject. Unlike the Wald interval p +- z sqrt(p(1-p)/n), it
// stays in [0, 1], is never of zero width, and keeps close to nominal coverage for small n or p
// near 0 or 1. Exact ends: lo = 0 when successes == 0, hi = 1 when successes == trials.
// trials == 0 -> [0, 1]. Throws std::invalid_argument if successes > trials, std::domain_error if
// confidence is not in (0, 1).
Interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double confidence = 0.95);

// The same interval for an estimate p_hat from an effective number of trials n_eff > 0 (a
// weighted or stratified sample): the roots in p of (p_hat - p)^2 = z^2 p (1 - p) / n_eff.
// n_eff <= 0 or NaN -> [0, 1]. Throws std::domain_error if p_hat is not in [0, 1] or confidence
// is not in (0, 1).
Interval wilson_interval_effective(double p_hat, double effective_trials, double confidence = 0.95);

// Standard normal quantile Phi^-1(p) (Boost.Math): -inf at 0, +inf at 1; throws
// std::domain_error for p outside [0, 1] or NaN.
double normal_quantile(double p);

}  // namespace launchmc::stats
