// Mergeable streaming moments (count, mean, variance, min, max) on exact sums of doubles: any split
// of the samples into blocks, runs or shards, merged in any order, gives bit-identical results.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace launchmc::stats {

// An unevaluated sum hi + lo with |lo| <= ulp(hi) / 2 (a "double-double", ~106 bits).
struct DoubleDouble {
  double hi;
  double lo;
};

// The exact sum of any number of doubles (a Kulisch-style long fixed-point accumulator covering the
// whole double range), so that addition and merging are associative and commutative: the state,
// and everything derived from it, depends only on the multiset of values added, never on the order
// or the split. Non-finite inputs are tracked apart as flags (+inf, -inf, NaN) and propagate as
// IEEE addition would (+inf plus -inf is NaN). ~0.6 KB; add() is O(1) (a few integer adds).
// Limits: a sum beyond DBL_MAX (~1.8e308) reads as +-inf; at most 2^64 terms.
class ExactSum {
 public:
  void add(double x) noexcept;
  // Adds the exact product a * b (error-free transformation with fma). Exact unless the product
  // overflows (added as +-inf) or its rounding error falls below the subnormal range (|a b| below
  // ~1e-292), where the error term is itself rounded.
  void add_product(double a, double b) noexcept;
  void merge(const ExactSum& other) noexcept;

  // The exact value rounded to a double (faithfully: within one ulp; correctly rounded except in
  // ties closer than 2^-96 relative). NaN / +-inf if such values were added.
  double value() const noexcept;
  // The exact value as hi + lo, accurate to ~2^-96 relative.
  DoubleDouble value_dd() const noexcept;
  bool is_finite() const noexcept { return flags_ == 0; }  // no NaN or +-inf was added
  bool has_nan() const noexcept { return (flags_ & kFlagNaN) != 0; }

  // Serialisation: a short list of same-signed doubles whose exact sum is the value (one per
  // nonzero 32-bit digit, largest first; typically 2-4 terms, at most 68; a single NaN or +-inf if
  // non-finite; empty for zero). It is canonical: equal sums give equal lists. from_terms() of it
  // restores the state exactly (when |value| <= DBL_MAX).
  std::vector<double> terms() const;
  static ExactSum from_terms(std::span<const double> terms) noexcept;

  // Same exact value (and same non-finite flags).
  bool operator==(const ExactSum& other) const noexcept;

 private:
  // Digit i weighs 2^(32 i - 1074): digit 0 holds the smallest subnormal; 68 digits reach 2^1102,
  // enough for 2^64 additions of DBL_MAX. Between normalisations digits are signed 64-bit and hold
  // up to 2^30 pending additions of < 2^32 each without overflow.
  static constexpr int kDigits = 68;
  static constexpr std::uint32_t kMaxPending = 1u << 30;
  static constexpr std::uint8_t kFlagPosInf = 1;
  static constexpr std::uint8_t kFlagNegInf = 2;
  static constexpr std::uint8_t kFlagNaN = 4;

  void add_finite(double x) noexcept;
  void add_flag(double x) noexcept;
  void normalize() noexcept;  // digits 0..66 to [0, 2^32), the top one signed: a unique form
  double nonfinite_value() const noexcept;
  // Normalised magnitude digits (copied) and the sign of the value; false if zero.
  bool magnitude(std::array<std::int64_t, kDigits>& digits, bool& negative) const noexcept;

  std::array<std::int64_t, kDigits> digits_{};
  std::uint32_t pending_ = 0;
  std::uint8_t flags_ = 0;
};

// Mean sum / n from an exact sum, correctly rounded but for rare ties (NaN if n == 0).
double exact_mean(const ExactSum& sum, std::uint64_t n) noexcept;

// Sum over the samples of (a - mean a)(b - mean b), from the exact sums of a, b and a*b over n
// samples, evaluated in double-double: S_ab - (S_a / n) S_b. For a = b it is the sum of squared
// deviations, accurate to a few ulps however large the mean is relative to the spread.
double co_moment(const ExactSum& sum_ab, const ExactSum& sum_a, const ExactSum& sum_b,
                 std::uint64_t n) noexcept;

// Count, sum, sum of squares, min and max of a stream of doubles. The sums are exact (ExactSum),
// so merge() is exact, associative and commutative: accumulating per block and merging the blocks
// gives bit-for-bit the same state -- and the same mean, variance, min and max -- as one pass over
// all the samples, whatever the split points and the merge order (min and max of signed zeros
// included: -0 is the min of {0, -0}, +0 the max). Only from_sums() with rounded doubles loses
// this (see there).
//
// add(NaN) poisons: the count includes it and mean, variance, min and max are NaN thereafter; use
// add_if_finite() to skip NaN and +-inf. Adding +-inf makes the mean +-inf and the variance NaN.
// Values beyond ~1.3e154 in magnitude overflow the sum of squares (variance +inf).
class Moments {
 public:
  void add(double x) noexcept;
  void add_if_finite(double x) noexcept;
  void merge(const Moments& other) noexcept;

  std::uint64_t count() const noexcept { return count_; }
  double mean() const noexcept;      // NaN if count == 0
  double variance() const noexcept;  // sample variance (divisor n - 1); NaN if count < 2
  double std_dev() const noexcept;   // sqrt(variance())
  double min() const noexcept;       // NaN if count == 0 or a NaN was added
  double max() const noexcept;

  // Raw state for serialisation: sum() and sum_sq() are the exact sums rounded to double;
  // exact_sum() and exact_sum_sq() (ExactSum::terms()) keep them exactly.
  double sum() const noexcept { return sum_.value(); }
  double sum_sq() const noexcept { return sum_sq_.value(); }
  const ExactSum& exact_sum() const noexcept { return sum_; }
  const ExactSum& exact_sum_sq() const noexcept { return sum_sq_; }

  // Rebuild from serialised state. With exact sums the state is restored exactly. With rounded
  // doubles the restored sums are those doubles: merging stays deterministic, but is no longer
  // bit-identical to the unsplit run. min/max are ignored when count == 0. Throws
  // std::invalid_argument if count == 0 with nonzero sums, or count > 0 with min > max.
  static Moments from_sums(std::uint64_t count, double sum, double sum_sq, double min, double max);
  static Moments from_sums(std::uint64_t count, const ExactSum& sum, const ExactSum& sum_sq,
                           double min, double max);

  // Identical state (count, exact sums, min and max including the sign of zero).
  bool operator==(const Moments& other) const noexcept;

 private:
  std::uint64_t count_ = 0;
  ExactSum sum_;
  ExactSum sum_sq_;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

}  // namespace launchmc::stats
