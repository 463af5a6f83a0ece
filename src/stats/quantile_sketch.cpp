// DDSketch with unbounded-but-collapsing stores (see quantile_sketch.hpp).
#include "stats/quantile_sketch.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace launchmc::stats {

namespace {
constexpr double kZeroMagnitude = 1e-300;
}

QuantileSketch::QuantileSketch(double relative_accuracy) : alpha_(relative_accuracy) {
  if (!(relative_accuracy > 0.0 && relative_accuracy < 1.0))
    throw std::invalid_argument("QuantileSketch: relative accuracy must be in (0, 1)");
  gamma_ = (1.0 + alpha_) / (1.0 - alpha_);
  log_gamma_ = std::log(gamma_);
}

std::int32_t QuantileSketch::index_of(double magnitude) const noexcept {
  return static_cast<std::int32_t>(std::ceil(std::log(magnitude) / log_gamma_));
}

double QuantileSketch::value_of(std::int32_t index) const noexcept {
  return 2.0 * std::exp(index * log_gamma_) / (gamma_ + 1.0);
}

void QuantileSketch::add(double x) {
  if (std::isnan(x)) throw std::invalid_argument("QuantileSketch: NaN (remove it first)");
  ++count_;
  const double m = std::abs(x);
  if (m < kZeroMagnitude) {
    ++zero_;
    return;
  }
  if (std::isinf(m)) {  // beyond every finite bucket: the largest index stands for it
    ++(x > 0 ? positive_ : negative_)[std::numeric_limits<std::int32_t>::max()];
    return;
  }
  ++(x > 0 ? positive_ : negative_)[index_of(m)];
  collapse_if_needed();
}

void QuantileSketch::collapse_if_needed() {
  // Merge the smallest-magnitude buckets (of either sign) until the count of buckets is bounded.
  while (positive_.size() + negative_.size() > kMaxBuckets) {
    collapsed_ = true;
    auto& store = positive_.size() >= negative_.size() ? positive_ : negative_;
    auto first = store.begin();
    auto second = std::next(first);
    second->second += first->second;
    store.erase(first);
  }
}

void QuantileSketch::merge(const QuantileSketch& other) {
  if (other.alpha_ != alpha_)
    throw std::invalid_argument("QuantileSketch::merge: different relative accuracies");
  for (const auto& [i, c] : other.positive_) positive_[i] += c;
  for (const auto& [i, c] : other.negative_) negative_[i] += c;
  zero_ += other.zero_;
  count_ += other.count_;
  collapsed_ = collapsed_ || other.collapsed_;
  collapse_if_needed();
}

double QuantileSketch::order_statistic(std::uint64_t k) const {
  // Ascending: negative values from the largest magnitude down, zeros, positive values up.
  std::uint64_t seen = 0;
  for (auto it = negative_.rbegin(); it != negative_.rend(); ++it) {
    seen += it->second;
    if (k < seen) return -value_of(it->first);
  }
  seen += zero_;
  if (k < seen) return 0.0;
  for (const auto& [i, c] : positive_) {
    seen += c;
    if (k < seen) return i == std::numeric_limits<std::int32_t>::max() ? INFINITY : value_of(i);
  }
  return value_of(positive_.rbegin()->first);  // unreachable for k < count
}

std::vector<QuantileSketch::Bucket> QuantileSketch::buckets_ascending() const {
  std::vector<Bucket> out;
  out.reserve(buckets());
  for (auto it = negative_.rbegin(); it != negative_.rend(); ++it)
    out.push_back({-value_of(it->first), it->second});
  if (zero_ > 0) out.push_back({0.0, zero_});
  for (const auto& [i, c] : positive_)
    out.push_back({i == std::numeric_limits<std::int32_t>::max() ? INFINITY : value_of(i), c});
  return out;
}

double QuantileSketch::quantile(double p) const {
  if (!(p >= 0.0 && p <= 1.0))
    throw std::domain_error("QuantileSketch::quantile: p = " + std::to_string(p) +
                            " is not in [0, 1]");
  if (count_ == 0) return std::numeric_limits<double>::quiet_NaN();
  const double h = static_cast<double>(count_ - 1) * p;
  const auto j = static_cast<std::uint64_t>(std::floor(h));
  const double g = h - static_cast<double>(j);
  const double xj = order_statistic(j);
  if (g == 0.0 || j + 1 >= count_) return xj;
  const double xk = order_statistic(j + 1);
  return xj + g * (xk - xj);
}

QuantileSketch QuantileSketch::from_state(double relative_accuracy,
                                          std::map<std::int32_t, std::uint64_t> positive,
                                          std::map<std::int32_t, std::uint64_t> negative,
                                          std::uint64_t zeros, bool collapsed) {
  QuantileSketch s(relative_accuracy);
  s.positive_ = std::move(positive);
  s.negative_ = std::move(negative);
  s.zero_ = zeros;
  s.collapsed_ = collapsed;
  s.count_ = zeros;
  for (const auto& [i, c] : s.positive_) s.count_ += c;
  for (const auto& [i, c] : s.negative_) s.count_ += c;
  return s;
}

bool QuantileSketch::operator==(const QuantileSketch& o) const noexcept {
  return alpha_ == o.alpha_ && positive_ == o.positive_ && negative_ == o.negative_ &&
         zero_ == o.zero_ && count_ == o.count_ && collapsed_ == o.collapsed_;
}

}  // namespace launchmc::stats
