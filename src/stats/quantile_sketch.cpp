// DDSketch with unbounded-but-collapsing stores (see quantile_sketch.hpp).
#include "stats/quantile_sketch.hpp"

#include <algorithm>
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
  // Infinity is beyond every finite bucket: the largest index stands for it.
  const std::int32_t i = std::isinf(m) ? std::numeric_limits<std::int32_t>::max() : index_of(m);
  auto& pending = x > 0 ? pending_positive_ : pending_negative_;
  if (pending.capacity() == 0) pending.reserve(kPending);
  pending.push_back(i);
  if (pending.size() >= kPending) settle();
}

namespace {

// Adds the sorted store `from` to the sorted store `to`: equal indices add their counts.
void add_sorted(QuantileSketch::Store& to, const QuantileSketch::Store& from) {
  QuantileSketch::Store merged;
  merged.reserve(to.size() + from.size());
  auto a = to.begin();
  auto b = from.begin();
  while (a != to.end() || b != from.end()) {
    if (b == from.end() || (a != to.end() && a->first < b->first)) {
      merged.push_back(*a++);
    } else if (a == to.end() || b->first < a->first) {
      merged.push_back(*b++);
    } else {
      merged.emplace_back(a->first, a->second + b->second);
      ++a;
      ++b;
    }
  }
  to.swap(merged);
}

// Adds the indices in `pending` (any order) to the sorted store, and empties `pending`.
void merge_pending(QuantileSketch::Store& store, std::vector<std::int32_t>& pending) {
  if (pending.empty()) return;
  std::sort(pending.begin(), pending.end());
  QuantileSketch::Store runs;  // (index, count) of the pending indices, increasing
  for (std::size_t a = 0; a < pending.size();) {
    std::size_t b = a + 1;
    while (b < pending.size() && pending[b] == pending[a]) ++b;
    runs.emplace_back(pending[a], b - a);
    a = b;
  }
  pending.clear();
  add_sorted(store, runs);
}

}  // namespace

void QuantileSketch::settle() const {
  merge_pending(positive_, pending_positive_);
  merge_pending(negative_, pending_negative_);
  collapse_if_needed();
}

const QuantileSketch::Store& QuantileSketch::positive() const {
  settle();
  return positive_;
}
const QuantileSketch::Store& QuantileSketch::negative() const {
  settle();
  return negative_;
}
std::size_t QuantileSketch::buckets() const {
  settle();
  return positive_.size() + negative_.size() + (zero_ > 0);
}

void QuantileSketch::collapse_if_needed() const {
  // Merge the smallest-magnitude buckets (of either sign) until the count of buckets is bounded:
  // each step folds the first bucket of the larger store into its second. The folded buckets are
  // a prefix of each store, erased at once.
  std::size_t first_pos = 0, first_neg = 0;
  while ((positive_.size() - first_pos) + (negative_.size() - first_neg) > kMaxBuckets) {
    collapsed_ = true;
    const bool pos = positive_.size() - first_pos >= negative_.size() - first_neg;
    Store& store = pos ? positive_ : negative_;
    std::size_t& first = pos ? first_pos : first_neg;
    store[first + 1].second += store[first].second;
    ++first;
  }
  positive_.erase(positive_.begin(), positive_.begin() + static_cast<std::ptrdiff_t>(first_pos));
  negative_.erase(negative_.begin(), negative_.begin() + static_cast<std::ptrdiff_t>(first_neg));
}

void QuantileSketch::merge(const QuantileSketch& other) {
  if (other.alpha_ != alpha_)
    throw std::invalid_argument("QuantileSketch::merge: different relative accuracies");
  settle();
  other.settle();
  add_sorted(positive_, other.positive_);
  add_sorted(negative_, other.negative_);
  zero_ += other.zero_;
  count_ += other.count_;
  collapsed_ = collapsed_ || other.collapsed_;
  collapse_if_needed();
}

double QuantileSketch::order_statistic(std::uint64_t k) const {
  settle();
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
  settle();
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

QuantileSketch QuantileSketch::from_state(double relative_accuracy, Store positive, Store negative,
                                          std::uint64_t zeros, bool collapsed) {
  QuantileSketch s(relative_accuracy);
  for (auto* store : {&positive, &negative}) {  // sorted, equal indices added
    std::sort(store->begin(), store->end());
    Store unique;
    for (const auto& [i, c] : *store) {
      if (!unique.empty() && unique.back().first == i) {
        unique.back().second += c;
      } else {
        unique.emplace_back(i, c);
      }
    }
    store->swap(unique);
  }
  s.positive_ = std::move(positive);
  s.negative_ = std::move(negative);
  s.zero_ = zeros;
  s.collapsed_ = collapsed;
  s.count_ = zeros;
  for (const auto& [i, c] : s.positive_) s.count_ += c;
  for (const auto& [i, c] : s.negative_) s.count_ += c;
  return s;
}

bool QuantileSketch::operator==(const QuantileSketch& o) const {
  settle();
  o.settle();
  return alpha_ == o.alpha_ && positive_ == o.positive_ && negative_ == o.negative_ &&
         zero_ == o.zero_ && count_ == o.count_ && collapsed_ == o.collapsed_;
}

}  // namespace launchmc::stats
