// Piecewise-linear lookup table y(x), clamped at both ends: Mach tables, thrust curves, programs.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace launchmc {

class Table1D {
 public:
  Table1D() = default;
  // x must be strictly increasing and the same length as y (at least one point).
  Table1D(std::vector<double> x, std::vector<double> y) : x_(std::move(x)), y_(std::move(y)) {
    if (x_.size() != y_.size()) throw std::invalid_argument("table: x and y differ in length");
    if (x_.empty()) throw std::invalid_argument("table: needs at least one point");
    for (std::size_t i = 1; i < x_.size(); ++i) {
      if (!(x_[i] > x_[i - 1])) {
        throw std::invalid_argument("table: x must be strictly increasing (row " +
                                    std::to_string(i) + ")");
      }
    }
  }

  bool empty() const noexcept { return x_.empty(); }
  std::size_t size() const noexcept { return x_.size(); }
  const std::vector<double>& x() const noexcept { return x_; }
  const std::vector<double>& y() const noexcept { return y_; }
  std::vector<double>& mutable_y() noexcept { return y_; }
  double front_x() const noexcept { return x_.front(); }
  double back_x() const noexcept { return x_.back(); }

  // Linear interpolation; constant extrapolation outside [x0, xn]. No allocation. Always
  // inlined: it sits in the equations of motion (drag coefficient, density and wind
  // dispersions: ~3 lookups per evaluation), where a call makes the caller spill every live
  // floating-point value (all are caller-saved); as a call it cost ~3 % of a run.
  [[gnu::always_inline]] double operator()(double x) const noexcept {
    if (x <= x_.front()) return y_.front();
    if (x >= x_.back()) return y_.back();
    const auto it = std::upper_bound(x_.begin(), x_.end(), x);
    const std::size_t i = static_cast<std::size_t>(it - x_.begin());
    const double w = (x - x_[i - 1]) / (x_[i] - x_[i - 1]);
    return y_[i - 1] + w * (y_[i] - y_[i - 1]);
  }

  // Integral of y over [a, b] (a <= b), with the same clamping as operator().
  double integral(double a, double b) const noexcept {
    if (b <= a) return 0.0;
    double sum = 0.0;
    // Sub-intervals delimited by a, the breakpoints inside (a, b), and b.
    double prev_x = a;
    double prev_y = (*this)(a);
    for (std::size_t i = 0; i < x_.size(); ++i) {
      if (x_[i] <= a) continue;
      if (x_[i] >= b) break;
      sum += 0.5 * (prev_y + y_[i]) * (x_[i] - prev_x);
      prev_x = x_[i];
      prev_y = y_[i];
    }
    sum += 0.5 * (prev_y + (*this)(b)) * (b - prev_x);
    return sum;
  }

 private:
  std::vector<double> x_;
  std::vector<double> y_;
};

}  // namespace launchmc
