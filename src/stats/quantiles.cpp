// Hyndman & Fan definition 7 sample quantiles. See quantiles.hpp.
//
// References: R. J. Hyndman & Y. Fan, "Sample quantiles in statistical packages", The American
// Statistician 50(4), 361-365, 1996 (definition 7, p_k = (k - 1) / (n - 1)); the interpolation
// follows numpy's `_lerp` (numpy/lib/function_base.py, numpy >= 1.22), which evaluates
// a + (b - a) g for g < 1/2 and b - (b - a)(1 - g) otherwise, to stay monotone and exact at ends.
#include "stats/quantiles.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace launchmc::stats {

namespace {

void check_p(double p) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::domain_error("quantile: p = " + std::to_string(p) + ": must be in [0, 1]");
  }
}

void check_no_nan(const std::vector<double>& values) {
  if (std::any_of(values.begin(), values.end(), [](double v) { return std::isnan(v); })) {
    throw std::invalid_argument("quantile: values contain NaN (remove them first)");
  }
}

// Position of Q(p) among the order statistics: index j and fraction g in [0, 1).
void position(std::size_t n, double p, std::size_t& j, double& g) {
  const double h = static_cast<double>(n - 1) * p;
  const double fl = std::floor(h);
  j = static_cast<std::size_t>(fl);
  g = h - fl;
  if (j >= n - 1) {  // p == 1 (or rounding at the top)
    j = n - 1;
    g = 0.0;
  }
}

double interpolate(double a, double b, double g) {
  if (g == 0.0 || a == b) return a;
  if (std::isinf(a) || std::isinf(b)) return (1.0 - g) * a + g * b;  // limit: inf wins
  const double d = b - a;
  return g < 0.5 ? a + d * g : b - d * (1.0 - g);
}

}  // namespace

double quantile(std::vector<double>& values, double p) {
  check_p(p);
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  check_no_nan(values);
  std::size_t j = 0;
  double g = 0.0;
  position(values.size(), p, j, g);
  const auto nth = values.begin() + static_cast<std::ptrdiff_t>(j);
  std::nth_element(values.begin(), nth, values.end());
  const double a = *nth;
  if (g == 0.0) return a;
  const double b = *std::min_element(nth + 1, values.end());  // x_{j+1}
  return interpolate(a, b, g);
}

std::vector<double> quantiles(std::vector<double> values, std::span<const double> ps) {
  for (double p : ps) check_p(p);
  std::vector<double> out(ps.size(), std::numeric_limits<double>::quiet_NaN());
  if (values.empty()) return out;
  check_no_nan(values);
  std::sort(values.begin(), values.end());
  for (std::size_t k = 0; k < ps.size(); ++k) {
    std::size_t j = 0;
    double g = 0.0;
    position(values.size(), ps[k], j, g);
    out[k] = g == 0.0 ? values[j] : interpolate(values[j], values[j + 1], g);
  }
  return out;
}

}  // namespace launchmc::stats
