// Quantiles in bounded memory, mergeable exactly: the relative-accuracy sketch DDSketch (C. Masson,
// J. E. Rim and H. K. Lee, "DDSketch: a fast and fully-mergeable quantile sketch with
// relative-error guarantees", PVLDB 12(12), 2019). A value x != 0 falls in the bucket
// i = ceil(log_gamma |x|), gamma = (1 + alpha) / (1 - alpha); the bucket stands for
// 2 gamma^i / (gamma + 1), within alpha (relative) of every value in it. Counts per bucket add,
// so merging sketches in any order, or splitting a run, gives the identical sketch.
//
// quantile(p) follows Hyndman & Fan's definition 7 as stats::quantile does (h = (n - 1) p,
// interpolating between the order statistics at floor(h) and floor(h) + 1), with each order
// statistic replaced by its bucket's value: the result is within alpha (relative) of the exact
// type-7 quantile when the two order statistics have the same sign, and within alpha of each of
// them otherwise. Memory: one bucket per occupied (index, sign), at most
// ln(max|x| / min|x|) / (2 alpha) of them for data spanning that range, whatever the count; beyond
// kMaxBuckets (a pathological range) the smallest-magnitude buckets are collapsed into one, which
// degrades only quantiles that fall among the smallest |x| (collapsed() says it happened).
//
// Speed: add() is on the per-sample path of the reducers (the IIP corridor adds one value per
// sample and grid time), so it only appends the bucket index to a pending buffer; the buffer is
// sorted and merged into the sorted (index, count) stores when it fills and before any query.
// The stores are flat vectors, not a tree: no allocation per new bucket, and a merge is linear.
// The counts, hence every quantile and the saved state, are those of adding one value at a time.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace launchmc::stats {

class QuantileSketch {
 public:
  static constexpr double kDefaultRelativeAccuracy = 1e-5;
  static constexpr std::size_t kMaxBuckets = 1 << 20;

  explicit QuantileSketch(double relative_accuracy = kDefaultRelativeAccuracy);

  // NaN is refused (std::invalid_argument): filter first. |x| below 1e-300 counts as zero.
  void add(double x);
  // Throws std::invalid_argument for a different relative accuracy.
  void merge(const QuantileSketch& other);

  std::uint64_t count() const noexcept { return count_; }
  double relative_accuracy() const noexcept { return alpha_; }
  bool collapsed() const {
    settle();
    return collapsed_;
  }
  std::size_t buckets() const;
  // Hyndman & Fan definition 7 within alpha (see above); NaN when empty; std::domain_error for p
  // outside [0, 1].
  double quantile(double p) const;

  // The occupied buckets in ascending order of value: (the value a bucket stands for, its count);
  // zeros as (0, count). For combining sketches with weights (stats/stratified.hpp).
  struct Bucket {
    double value;
    std::uint64_t count;
  };
  std::vector<Bucket> buckets_ascending() const;

  // Raw state, for serialisation: (bucket index, count) in increasing index, for positive and
  // negative values, and the count of zeros. A store is the same whatever the order of the adds.
  // The const queries settle pending adds first (mutable state): do not query one sketch from two
  // threads at once while another adds to it, as for any container.
  using Store = std::vector<std::pair<std::int32_t, std::uint64_t>>;
  const Store& positive() const;
  const Store& negative() const;
  std::uint64_t zeros() const noexcept { return zero_; }
  // The stores need not be sorted nor unique: equal indices add.
  static QuantileSketch from_state(double relative_accuracy, Store positive, Store negative,
                                   std::uint64_t zeros, bool collapsed);
  bool operator==(const QuantileSketch& other) const;

 private:
  std::int32_t index_of(double magnitude) const noexcept;
  double value_of(std::int32_t index) const noexcept;
  // The value standing for the k-th smallest (0-based) of the added values.
  double order_statistic(std::uint64_t k) const;
  // Merges the pending indices into the stores, then collapses beyond kMaxBuckets.
  void settle() const;
  void collapse_if_needed() const;

  // Indices waiting to be counted, per sign; merged when one holds kPending of them.
  static constexpr std::size_t kPending = 2048;

  double alpha_;
  double gamma_;
  double log_gamma_;
  mutable Store positive_;  // |x| buckets of x > 0, increasing index
  mutable Store negative_;  // |x| buckets of x < 0, increasing index
  mutable std::vector<std::int32_t> pending_positive_, pending_negative_;
  std::uint64_t zero_ = 0;
  std::uint64_t count_ = 0;
  mutable bool collapsed_ = false;
};

}  // namespace launchmc::stats
