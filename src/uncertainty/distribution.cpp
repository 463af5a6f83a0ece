// Univariate input distributions by inverse CDF: normal, truncated normal, uniform, triangular,
// lognormal (from the mean and sd of the variable) and discrete. References in distribution.hpp.
#include "uncertainty/distribution.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>

namespace launchmc::uncertainty {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
// Smallest probability mass of a truncation interval we accept (see truncated_normal()).
constexpr double kMinTruncatedMass = 1e-300;

// Horner evaluation of c[0] + c[1] x + ... + c[N-1] x^(N-1).
template <std::size_t N>
constexpr double poly(const double (&c)[N], double x) noexcept {
  double s = c[N - 1];
  for (std::size_t k = N - 1; k-- > 0;) s = s * x + c[k];
  return s;
}

[[noreturn]] void fail(const char* factory, const std::string& what) {
  throw std::invalid_argument(std::string("Distribution::") + factory + ": " + what);
}

std::string num(double x) {
  std::ostringstream os;
  os.precision(17);
  os << x;
  return os.str();
}

void require_finite(const char* factory, const char* name, double x) {
  if (!std::isfinite(x)) fail(factory, std::string(name) + " = " + num(x) + ": must be finite");
}

void require_positive(const char* factory, const char* name, double x) {
  if (!(x > 0.0) || !std::isfinite(x)) {
    fail(factory, std::string(name) + " = " + num(x) + ": must be > 0 and finite");
  }
}

}  // namespace

// --- Standard normal -----------------------------------------------------------------------------

double standard_normal_quantile(double p) noexcept {
  // Coefficients of AS241 PPND16 as published (Wichura 1988), lowest degree first.
  static constexpr double a[] = {3.3871328727963666080e0,  1.3314166789178437745e+2,
                                 1.9715909503065514427e+3, 1.3731693765509461125e+4,
                                 4.5921953931549871457e+4, 6.7265770927008700853e+4,
                                 3.3430575583588128105e+4, 2.5090809287301226727e+3};
  static constexpr double b[] = {1.0,
                                 4.2313330701600911252e+1,
                                 6.8718700749205790830e+2,
                                 5.3941960214247511077e+3,
                                 2.1213794301586595867e+4,
                                 3.9307895800092710610e+4,
                                 2.8729085735721942674e+4,
                                 5.2264952788528545610e+3};
  static constexpr double c[] = {1.42343711074968357734e0,  4.63033784615654529590e0,
                                 5.76949722146069140550e0,  3.64784832476320460504e0,
                                 1.27045825245236838258e0,  2.41780725177450611770e-1,
                                 2.27238449892691845833e-2, 7.74545014278341407640e-4};
  static constexpr double d[] = {1.0,
                                 2.05319162663775882187e0,
                                 1.67638483018380384940e0,
                                 6.89767334985100004550e-1,
                                 1.48103976427480074590e-1,
                                 1.51986665636164571966e-2,
                                 5.47593808499534494600e-4,
                                 1.05075007164441684324e-9};
  static constexpr double e[] = {6.65790464350110377720e0,  5.46378491116411436990e0,
                                 1.78482653991729133580e0,  2.96560571828504891230e-1,
                                 2.65321895265761230930e-2, 1.24266094738807843860e-3,
                                 2.71155556874348757815e-5, 2.01033439929228813265e-7};
  static constexpr double f[] = {1.0,
                                 5.99832206555887937690e-1,
                                 1.36929880922735805310e-1,
                                 1.48753612908506148525e-2,
                                 7.86869131145613259100e-4,
                                 1.84631831751005468180e-5,
                                 1.42151175831644588870e-7,
                                 2.04426310338993978564e-15};
  if (!(p >= 0.0 && p <= 1.0)) return kNaN;
  if (p == 0.0) return -kInf;
  if (p == 1.0) return kInf;
  const double q = p - 0.5;
  if (std::fabs(q) <= 0.425) {  // 0.075 <= p <= 0.925
    const double r = 0.180625 - q * q;
    return q * poly(a, r) / poly(b, r);
  }
  // Tails: r = sqrt(-log(min(p, 1 - p))); 1 - p is exact for p > 0.5.
  double r = std::sqrt(-std::log(q < 0.0 ? p : 1.0 - p));
  double value = 0.0;
  if (r <= 5.0) {
    r -= 1.6;
    value = poly(c, r) / poly(d, r);
  } else {
    r -= 5.0;
    value = poly(e, r) / poly(f, r);
  }
  return q < 0.0 ? -value : value;
}

double standard_normal_cdf(double x) noexcept {
  return 0.5 * std::erfc(-x * std::numbers::sqrt2 * 0.5);
}

double standard_normal_ccdf(double x) noexcept {
  return 0.5 * std::erfc(x * std::numbers::sqrt2 * 0.5);
}

double standard_normal_pdf(double x) noexcept {
  return std::exp(-0.5 * x * x) * (std::numbers::inv_sqrtpi * std::numbers::sqrt2 * 0.5);
}

// --- Distributions -------------------------------------------------------------------------------

const char* to_string(DistributionKind kind) noexcept {
  switch (kind) {
    case DistributionKind::normal:
      return "normal";
    case DistributionKind::truncated_normal:
      return "truncated_normal";
    case DistributionKind::uniform:
      return "uniform";
    case DistributionKind::triangular:
      return "triangular";
    case DistributionKind::lognormal:
      return "lognormal";
    case DistributionKind::discrete:
      return "discrete";
  }
  return "unknown";
}

Distribution Distribution::normal(double mean, double sd) {
  require_finite("normal", "mean", mean);
  require_positive("normal", "sd", sd);
  Distribution d;
  d.kind_ = DistributionKind::normal;
  d.mean_ = mean;
  d.sd_ = sd;
  d.lo_ = -kInf;
  d.hi_ = kInf;
  return d;
}

Distribution Distribution::truncated_normal(double mean, double sd, double lo, double hi) {
  require_finite("truncated_normal", "mean", mean);
  require_positive("truncated_normal", "sd", sd);
  if (std::isnan(lo) || std::isnan(hi) || !(lo < hi)) {
    fail("truncated_normal", "lo = " + num(lo) + ", hi = " + num(hi) + ": must satisfy lo < hi");
  }
  Distribution d;
  d.kind_ = DistributionKind::truncated_normal;
  d.mean_ = mean;
  d.sd_ = sd;
  d.lo_ = lo;
  d.hi_ = hi;
  d.alpha_ = (lo - mean) / sd;
  d.beta_ = (hi - mean) / sd;
  d.phi_alpha_ = standard_normal_cdf(d.alpha_);
  d.q_beta_ = standard_normal_ccdf(d.beta_);
  // Z from the two tails that keep relative accuracy: both bounds in the lower half, both in the
  // upper half, or one on each side (then Z >= about 0.5 * max(Phi(beta), Q(alpha)) and nothing
  // cancels badly).
  if (d.beta_ <= 0.0) {
    d.mass_ = standard_normal_cdf(d.beta_) - d.phi_alpha_;
  } else if (d.alpha_ >= 0.0) {
    d.mass_ = standard_normal_ccdf(d.alpha_) - d.q_beta_;
  } else {
    d.mass_ = (1.0 - d.phi_alpha_) - d.q_beta_;
  }
  if (!(d.mass_ >= kMinTruncatedMass)) {
    fail("truncated_normal", "the interval [" + num(lo) + ", " + num(hi) + "] has probability " +
                                 num(d.mass_) + " under N(" + num(mean) + ", " + num(sd) +
                                 "^2): must be >= 1e-300 (bounds within ~37 sd of the mean)");
  }
  return d;
}

Distribution Distribution::uniform(double lo, double hi) {
  require_finite("uniform", "lo", lo);
  require_finite("uniform", "hi", hi);
  if (!(lo < hi))
    fail("uniform", "lo = " + num(lo) + ", hi = " + num(hi) + ": must satisfy lo < hi");
  if (!std::isfinite(hi - lo)) fail("uniform", "hi - lo overflows");
  Distribution d;
  d.kind_ = DistributionKind::uniform;
  d.lo_ = lo;
  d.hi_ = hi;
  return d;
}

Distribution Distribution::triangular(double lo, double mode, double hi) {
  require_finite("triangular", "lo", lo);
  require_finite("triangular", "mode", mode);
  require_finite("triangular", "hi", hi);
  if (!(lo < hi)) {
    fail("triangular", "lo = " + num(lo) + ", hi = " + num(hi) + ": must satisfy lo < hi");
  }
  if (!(lo <= mode && mode <= hi)) {
    fail("triangular",
         "mode = " + num(mode) + ": must lie in [lo, hi] = [" + num(lo) + ", " + num(hi) + "]");
  }
  if (!std::isfinite(hi - lo)) fail("triangular", "hi - lo overflows");
  Distribution d;
  d.kind_ = DistributionKind::triangular;
  d.lo_ = lo;
  d.mode_ = mode;
  d.hi_ = hi;
  return d;
}

Distribution Distribution::lognormal_from_mean_sd(double mean, double sd) {
  require_positive("lognormal_from_mean_sd", "mean", mean);
  require_positive("lognormal_from_mean_sd", "sd", sd);
  Distribution d;
  d.kind_ = DistributionKind::lognormal;
  d.mean_ = mean;
  d.sd_ = sd;
  const double cv = sd / mean;
  const double sigma2 = std::log1p(cv * cv);  // ln(1 + s^2/m^2), accurate for small cv
  d.sigma_ = std::sqrt(sigma2);
  d.mu_ = std::log(mean) - 0.5 * sigma2;
  if (!(d.sigma_ > 0.0) || !std::isfinite(d.sigma_) || !std::isfinite(d.mu_)) {
    fail("lognormal_from_mean_sd", "sd / mean = " + num(cv) + " is out of the representable range");
  }
  d.lo_ = 0.0;
  d.hi_ = kInf;
  return d;
}

Distribution Distribution::discrete(std::vector<double> values, std::vector<double> weights) {
  if (values.empty()) fail("discrete", "values is empty: need at least one value");
  if (values.size() != weights.size()) {
    fail("discrete", "values has " + std::to_string(values.size()) + " entries but weights has " +
                         std::to_string(weights.size()) + ": must have the same length");
  }
  double total = 0.0;
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (!std::isfinite(values[k])) {
      fail("discrete",
           "values[" + std::to_string(k) + "] = " + num(values[k]) + ": must be finite");
    }
    if (!(weights[k] > 0.0) || !std::isfinite(weights[k])) {
      fail("discrete",
           "weights[" + std::to_string(k) + "] = " + num(weights[k]) + ": must be > 0 and finite");
    }
    total += weights[k];
  }
  if (!std::isfinite(total)) fail("discrete", "the sum of the weights overflows");

  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t i, std::size_t j) { return values[i] < values[j]; });
  auto table = std::make_shared<DiscreteTable>();
  table->values.reserve(values.size());
  table->cumulative.reserve(values.size());
  double running = 0.0;
  for (const std::size_t k : order) {
    const double p = weights[k] / total;
    running += weights[k];
    table->values.push_back(values[k]);
    table->cumulative.push_back(running / total);
    table->mean += p * values[k];
  }
  table->cumulative.back() = 1.0;
  for (const std::size_t k : order) {
    const double dv = values[k] - table->mean;
    table->variance += weights[k] / total * dv * dv;
  }
  Distribution d;
  d.kind_ = DistributionKind::discrete;
  d.lo_ = table->values.front();
  d.hi_ = table->values.back();
  d.table_ = std::move(table);
  return d;
}

double Distribution::quantile(double u) const noexcept {
  if (std::isnan(u)) return kNaN;
  if (u <= 0.0) return lo_;  // the ends of the support, exactly
  if (u >= 1.0) return hi_;
  switch (kind_) {
    case DistributionKind::normal:
      return mean_ + sd_ * standard_normal_quantile(u);
    case DistributionKind::truncated_normal: {
      // Target Phi(z) = Phi(alpha) + u Z, or equivalently Q(z) = Q(beta) + (1 - u) Z: both are
      // sums of non-negative terms, so each keeps full relative accuracy; invert the one <= 1/2.
      double z = 0.0;
      const double p = phi_alpha_ + u * mass_;
      if (p <= 0.5) {
        z = standard_normal_quantile(p);
      } else {
        z = -standard_normal_quantile(q_beta_ + (1.0 - u) * mass_);
      }
      z = std::clamp(z, alpha_, beta_);
      return std::clamp(mean_ + sd_ * z, lo_, hi_);
    }
    case DistributionKind::uniform:
      return std::min(lo_ + u * (hi_ - lo_), hi_);
    case DistributionKind::triangular: {
      const double width = hi_ - lo_;
      if (u * width <= mode_ - lo_) {  // u <= F(mode) = (mode - lo) / (hi - lo)
        return std::min(lo_ + std::sqrt(u * width * (mode_ - lo_)), hi_);
      }
      return std::max(hi_ - std::sqrt((1.0 - u) * width * (hi_ - mode_)), lo_);
    }
    case DistributionKind::lognormal:
      return std::exp(mu_ + sigma_ * standard_normal_quantile(u));
    case DistributionKind::discrete: {
      const auto& cum = table_->cumulative;
      const auto it = std::lower_bound(cum.begin(), cum.end(), u);  // first k: F(v_k) >= u
      const auto k = static_cast<std::size_t>(it - cum.begin());
      return table_->values[std::min(k, cum.size() - 1)];
    }
  }
  return kNaN;
}

double Distribution::cdf(double x) const noexcept {
  if (std::isnan(x)) return kNaN;
  switch (kind_) {
    case DistributionKind::normal:
      return standard_normal_cdf((x - mean_) / sd_);
    case DistributionKind::truncated_normal: {
      if (x <= lo_) return 0.0;
      if (x >= hi_) return 1.0;
      const double z = (x - mean_) / sd_;
      const double f = z <= 0.0 ? (standard_normal_cdf(z) - phi_alpha_) / mass_
                                : 1.0 - (standard_normal_ccdf(z) - q_beta_) / mass_;
      return std::clamp(f, 0.0, 1.0);
    }
    case DistributionKind::uniform:
      return std::clamp((x - lo_) / (hi_ - lo_), 0.0, 1.0);
    case DistributionKind::triangular: {
      if (x <= lo_) return 0.0;
      if (x >= hi_) return 1.0;
      const double width = hi_ - lo_;
      if (x <= mode_) return (x - lo_) * (x - lo_) / (width * (mode_ - lo_));
      return 1.0 - (hi_ - x) * (hi_ - x) / (width * (hi_ - mode_));
    }
    case DistributionKind::lognormal:
      if (x <= 0.0) return 0.0;
      return standard_normal_cdf((std::log(x) - mu_) / sigma_);
    case DistributionKind::discrete: {
      const auto& v = table_->values;
      const auto it = std::upper_bound(v.begin(), v.end(), x);  // first value > x
      if (it == v.begin()) return 0.0;
      return table_->cumulative[static_cast<std::size_t>(it - v.begin()) - 1];
    }
  }
  return kNaN;
}

double Distribution::mean() const noexcept {
  switch (kind_) {
    case DistributionKind::normal:
      return mean_;
    case DistributionKind::truncated_normal: {
      const double pa = std::isfinite(alpha_) ? standard_normal_pdf(alpha_) : 0.0;
      const double pb = std::isfinite(beta_) ? standard_normal_pdf(beta_) : 0.0;
      return mean_ + sd_ * (pa - pb) / mass_;
    }
    case DistributionKind::uniform:
      return 0.5 * (lo_ + hi_);
    case DistributionKind::triangular:
      return (lo_ + mode_ + hi_) / 3.0;
    case DistributionKind::lognormal:
      return std::exp(mu_ + 0.5 * sigma_ * sigma_);
    case DistributionKind::discrete:
      return table_->mean;
  }
  return kNaN;
}

double Distribution::variance() const noexcept {
  switch (kind_) {
    case DistributionKind::normal:
      return sd_ * sd_;
    case DistributionKind::truncated_normal: {
      // Var = sd^2 [1 + (alpha phi(alpha) - beta phi(beta))/Z - ((phi(alpha) - phi(beta))/Z)^2],
      // written as 1 + (phi(alpha)(alpha - m) + phi(beta)(m - beta))/Z with m the standardised
      // mean, so an infinite bound contributes exactly 0.
      const double pa = std::isfinite(alpha_) ? standard_normal_pdf(alpha_) : 0.0;
      const double pb = std::isfinite(beta_) ? standard_normal_pdf(beta_) : 0.0;
      const double m = (pa - pb) / mass_;
      double s = 1.0;
      if (std::isfinite(alpha_)) s += pa * (alpha_ - m) / mass_;
      if (std::isfinite(beta_)) s += pb * (m - beta_) / mass_;
      return sd_ * sd_ * std::max(s, 0.0);
    }
    case DistributionKind::uniform:
      return (hi_ - lo_) * (hi_ - lo_) / 12.0;
    case DistributionKind::triangular:
      return (lo_ * lo_ + mode_ * mode_ + hi_ * hi_ - lo_ * mode_ - lo_ * hi_ - mode_ * hi_) / 18.0;
    case DistributionKind::lognormal: {
      const double s2 = sigma_ * sigma_;
      return std::expm1(s2) * std::exp(2.0 * mu_ + s2);
    }
    case DistributionKind::discrete:
      return table_->variance;
  }
  return kNaN;
}

}  // namespace launchmc::uncertainty
