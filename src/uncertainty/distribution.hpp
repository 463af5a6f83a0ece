// Univariate input distributions, each sampled by inverse CDF from a uniform u in (0,1) (so they
// work with Monte Carlo, Latin hypercube, Sobol' and the Gaussian copula alike).
#pragma once

#include <limits>
#include <memory>
#include <vector>

namespace launchmc::uncertainty {

// --- Standard normal -----------------------------------------------------------------------------

// Phi^-1(p) by Wichura's algorithm AS241 (PPND16), M. J. Wichura, "Algorithm AS 241: The
// percentage points of the normal distribution", Applied Statistics 37(3), 477-484, 1988:
// relative accuracy about 1e-16 for 1e-300 < p < 1. p = 0 gives -inf, p = 1 gives +inf, p outside
// [0, 1] or NaN gives NaN. Pure arithmetic plus std::log and std::sqrt: bit-identical wherever
// those two agree.
double standard_normal_quantile(double p) noexcept;

// Phi(x) = erfc(-x / sqrt 2) / 2: keeps its relative accuracy in the lower tail (no 1 + erf
// cancellation) down to x ~ -37.5, where it underflows. Relative error ~(1 + x^2) 1e-16, from
// rounding x / sqrt 2 (Phi's condition number is ~x^2; the quantile undoes it to ~1e-16).
double standard_normal_cdf(double x) noexcept;

// Q(x) = 1 - Phi(x) = erfc(x / sqrt 2) / 2, accurate in the upper tail.
double standard_normal_ccdf(double x) noexcept;

// phi(x) = exp(-x^2 / 2) / sqrt(2 pi).
double standard_normal_pdf(double x) noexcept;

// --- Distributions -------------------------------------------------------------------------------

enum class DistributionKind { normal, truncated_normal, uniform, triangular, lognormal, discrete };

const char* to_string(DistributionKind kind) noexcept;

// A value type: cheap to copy (a discrete distribution shares its immutable table), no allocation
// in quantile(), cdf(), mean(), variance(). Factories throw std::invalid_argument naming the
// factory, the offending parameter and the constraint.
//
// quantile(u) is the inverse CDF Q(u) = inf{x : F(x) >= u}; u is meant to lie in (0, 1). u <= 0
// gives the lower end of the support and u >= 1 the upper end (possibly infinite); NaN gives NaN.
class Distribution {
 public:
  // The standard normal N(0, 1), so that Distribution can sit in default-constructed structs.
  Distribution() = default;

  // N(mean, sd^2); sd > 0, mean and sd finite.
  static Distribution normal(double mean, double sd);

  // N(mean, sd^2) conditioned on lo <= X <= hi, lo < hi, either bound may be infinite. The
  // probability mass Z = Phi(beta) - Phi(alpha) of the interval (alpha = (lo - mean)/sd,
  // beta = (hi - mean)/sd) must be >= 1e-300 (lo at most ~37 sd above the mean or hi ~37 sd below):
  // beyond that Z underflows. quantile() inverts through whichever tail (Phi or its complement Q)
  // holds the target probability, so bounds far in either tail keep full relative accuracy.
  // Moments: Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions vol. 1, 2nd ed.,
  // 1994, ch. 13 sec. 10.1 (truncated normal distributions).
  static Distribution truncated_normal(double mean, double sd, double lo, double hi);

  // U(lo, hi), lo < hi, both finite.
  static Distribution uniform(double lo, double hi);

  // Triangular on [lo, hi] with mode lo <= mode <= hi, lo < hi, all finite (Kotz & van Dorp,
  // Beyond Beta, World Scientific 2004, ch. 1: mean (lo+mode+hi)/3, variance
  // (lo^2+mode^2+hi^2-lo mode-lo hi-mode hi)/18).
  static Distribution triangular(double lo, double mode, double hi);

  // Lognormal with the given mean m > 0 and standard deviation s > 0 of the variable itself:
  // X = exp(mu + sigma Z) with sigma^2 = ln(1 + s^2/m^2) and mu = ln m - sigma^2/2, since
  // E X = exp(mu + sigma^2/2) and Var X = (exp(sigma^2) - 1) exp(2 mu + sigma^2) (Johnson, Kotz
  // & Balakrishnan vol. 1, ch. 14, lognormal distributions).
  static Distribution lognormal_from_mean_sd(double mean, double sd);

  // P(X = values[k]) = weights[k] / sum(weights). Weights finite and > 0, values finite, same
  // non-zero length. The pairs are sorted by value (so quantile() is monotone in u, as the copula
  // needs); equal values are allowed and simply add their weights.
  static Distribution discrete(std::vector<double> values, std::vector<double> weights);

  double quantile(double u) const noexcept;  // inverse CDF
  double cdf(double x) const noexcept;       // P(X <= x)
  double mean() const noexcept;              // analytic
  double variance() const noexcept;          // analytic
  DistributionKind kind() const noexcept { return kind_; }

  // Parameters as given to the factory (for reports): normal/truncated: parent mean and sd;
  // lognormal: mean and sd of X; uniform/triangular/truncated: lo, hi (and mode).
  double parameter_mean() const noexcept { return mean_; }
  double parameter_sd() const noexcept { return sd_; }
  double lo() const noexcept { return lo_; }  // lower end of the support (may be -inf)
  double hi() const noexcept { return hi_; }  // upper end of the support (may be +inf)
  double mode() const noexcept { return mode_; }

 private:
  struct DiscreteTable {
    std::vector<double> values;      // ascending
    std::vector<double> cumulative;  // P(X <= values[k]); the last entry is exactly 1
    double mean = 0.0;
    double variance = 0.0;
  };

  DistributionKind kind_ = DistributionKind::normal;
  double mean_ = 0.0;  // normal, truncated: parent mean; lognormal: mean of X
  double sd_ = 1.0;    // normal, truncated: parent sd; lognormal: sd of X
  double lo_ = -std::numeric_limits<double>::infinity();  // support
  double hi_ = std::numeric_limits<double>::infinity();   // support
  double mode_ = 0.0;                                     // triangular
  double mu_ = 0.0;                                       // lognormal: mean of ln X
  double sigma_ = 0.0;                                    // lognormal: sd of ln X
  // Truncated normal, standardised bounds and tail probabilities, each computed directly.
  double alpha_ = 0.0, beta_ = 0.0;
  double phi_alpha_ = 0.0;  // Phi(alpha)
  double q_beta_ = 0.0;     // Q(beta) = 1 - Phi(beta)
  double mass_ = 1.0;       // Z = Phi(beta) - Phi(alpha)
  std::shared_ptr<const DiscreteTable> table_;
};

}  // namespace launchmc::uncertainty
