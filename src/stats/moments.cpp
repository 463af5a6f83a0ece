// Exact summation of doubles and the moments built on it. See moments.hpp.
//
// Why exact sums: DESIGN.md asks that any split of the work (threads, shards, resumed runs) give
// bit-identical results. Floating-point addition is not associative, so per-block double sums
// merged as (B1 + B2) + (B3 + B4) differ in the last bits from ((B1 + B2) + B3) + B4; and the
// textbook sum/sum-of-squares formula loses about log10(mean^2 / variance) digits to cancellation
// (Chan, Golub & LeVeque, "Algorithms for computing the sample variance", Am. Stat. 37(3), 1983).
// Accumulating the exact sums removes both problems at once: the state is a function of the
// multiset of values only, and the variance is evaluated from exact sums in double-double.
//
// References:
//  - Long fixed-point accumulator: U. Kulisch & W. Miranker, "Computer Arithmetic in Theory and
//    Practice", Academic Press, 1981; R. M. Neal, "Fast exact summation using small and large
//    superaccumulators", arXiv:1505.05571, 2015 (the "large superaccumulator" with lazy carries
//    used here, in 32-bit digits held in 64-bit signed words).
//  - Error-free transformations TwoSum (Knuth, TAOCP vol. 2, 3rd ed., sec. 4.2.2, Theorem B),
//    FastTwoSum (Dekker, "A floating-point technique for extending the available precision",
//    Numer. Math. 18, 1971) and TwoProduct with fma (Ogita, Rump & Oishi, "Accurate sum and dot
//    product", SIAM J. Sci. Comput. 26(6), 2005).
#include "stats/moments.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

namespace launchmc::stats {

namespace {

constexpr double kQuietNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kDigitBits = 32;
constexpr int kMinExponent = -1074;  // weight of digit 0's unit: the smallest subnormal
constexpr std::int64_t kDigitMask = 0xffffffffLL;

// s + e == a + b exactly (Knuth's TwoSum: no precondition on the magnitudes).
void two_sum(double a, double b, double& s, double& e) noexcept {
  s = a + b;
  const double bb = s - a;
  e = (a - (s - bb)) + (b - bb);
}

// s + e == a + b exactly, for |a| >= |b| or a == 0 (Dekker's FastTwoSum).
void fast_two_sum(double a, double b, double& s, double& e) noexcept {
  s = a + b;
  e = b - (s - a);
}

template <std::size_t N>
void normalize_digits(std::array<std::int64_t, N>& d) noexcept {
  for (std::size_t i = 0; i + 1 < N; ++i) {
    const std::int64_t carry = d[i] >> kDigitBits;  // arithmetic shift: floor division (C++20)
    d[i] &= kDigitMask;
    d[i + 1] += carry;
  }
}

double digit_value(std::int64_t digit, int index) noexcept {
  return std::ldexp(static_cast<double>(digit), kDigitBits * index + kMinExponent);
}

bool same_bits(double a, double b) noexcept {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// Order on non-NaN doubles with -0 < +0, so that min and max do not depend on the order of zeros.
bool before(double a, double b) noexcept {
  return a < b || (a == b && std::signbit(a) && !std::signbit(b));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// ExactSum

void ExactSum::add(double x) noexcept {
  if (x == 0.0) return;
  if (!std::isfinite(x)) {
    add_flag(x);
    return;
  }
  add_finite(x);
}

void ExactSum::add_product(double a, double b) noexcept {
  const double p = a * b;
  if (!std::isfinite(p)) {
    add_flag(p);  // overflow (+-inf), inf * finite, or NaN (incl. inf * 0)
    return;
  }
  const double e = std::fma(a, b, -p);  // exact: a * b == p + e
  if (p != 0.0) add_finite(p);
  if (e != 0.0) add_finite(e);
}

void ExactSum::add_flag(double x) noexcept {
  if (std::isnan(x)) {
    flags_ |= kFlagNaN;
  } else {
    flags_ |= x > 0.0 ? kFlagPosInf : kFlagNegInf;
  }
}

void ExactSum::add_finite(double x) noexcept {
  if (pending_ >= kMaxPending) normalize();
  // |x| = mantissa * 2^(position - 1074) with a 53-bit integer mantissa (subnormals: exponent
  // field 0, no hidden bit, same scale as exponent field 1).
  const auto bits = std::bit_cast<std::uint64_t>(x);
  const auto exponent_field = static_cast<int>((bits >> 52) & 0x7ff);
  std::uint64_t mantissa = bits & ((std::uint64_t{1} << 52) - 1);
  int position = 0;
  if (exponent_field != 0) {
    mantissa |= std::uint64_t{1} << 52;
    position = exponent_field - 1;
  }
  const int index = position / kDigitBits;
  const int shift = position % kDigitBits;
  // mantissa << shift spans up to 85 bits: three 32-bit digits.
  const std::uint64_t low = mantissa << shift;
  const std::uint64_t high = shift == 0 ? 0 : mantissa >> (64 - shift);
  const auto d0 = static_cast<std::int64_t>(low & 0xffffffffULL);
  const auto d1 = static_cast<std::int64_t>(low >> 32);
  const auto d2 = static_cast<std::int64_t>(high);
  if (bits >> 63) {
    digits_[index] -= d0;
    digits_[index + 1] -= d1;
    digits_[index + 2] -= d2;
  } else {
    digits_[index] += d0;
    digits_[index + 1] += d1;
    digits_[index + 2] += d2;
  }
  ++pending_;
}

void ExactSum::normalize() noexcept {
  normalize_digits(digits_);
  pending_ = 0;
}

void ExactSum::merge(const ExactSum& other) noexcept {
  flags_ |= other.flags_;
  ExactSum rhs = other;
  rhs.normalize();
  normalize();
  for (int i = 0; i < kDigits; ++i) digits_[i] += rhs.digits_[i];
  pending_ = 2;  // each digit now below 2^33 in magnitude: as if after two additions
}

double ExactSum::nonfinite_value() const noexcept {
  if ((flags_ & kFlagNaN) || ((flags_ & kFlagPosInf) && (flags_ & kFlagNegInf))) return kQuietNaN;
  return (flags_ & kFlagPosInf) ? std::numeric_limits<double>::infinity()
                                : -std::numeric_limits<double>::infinity();
}

bool ExactSum::magnitude(std::array<std::int64_t, kDigits>& d, bool& negative) const noexcept {
  d = digits_;
  normalize_digits(d);
  // Digits below the top one are in [0, 2^32), so the sign of the value is that of the top digit.
  negative = d[kDigits - 1] < 0;
  if (negative) {
    for (auto& digit : d) digit = -digit;
    normalize_digits(d);
  }
  return std::any_of(d.begin(), d.end(), [](std::int64_t digit) { return digit != 0; });
}

DoubleDouble ExactSum::value_dd() const noexcept {
  if (flags_ != 0) return {nonfinite_value(), 0.0};
  std::array<std::int64_t, kDigits> d;
  bool negative = false;
  if (!magnitude(d, negative)) return {0.0, 0.0};
  int top = kDigits - 1;
  while (d[top] == 0) --top;
  // The top four digits (at least 97 significant bits); each digit converts exactly.
  double hi = digit_value(d[top], top);
  double lo = 0.0;
  for (int j = top - 1; j >= 0 && j >= top - 3; --j) {
    double err = 0.0;
    two_sum(hi, digit_value(d[j], j), hi, err);
    lo += err;
  }
  if (!std::isfinite(hi)) {
    return {negative ? -std::numeric_limits<double>::infinity()
                     : std::numeric_limits<double>::infinity(),
            0.0};
  }
  double s = 0.0;
  double e = 0.0;
  fast_two_sum(hi, lo, s, e);
  return negative ? DoubleDouble{-s, -e} : DoubleDouble{s, e};
}

double ExactSum::value() const noexcept { return value_dd().hi; }

std::vector<double> ExactSum::terms() const {
  if (flags_ != 0) return {nonfinite_value()};
  std::array<std::int64_t, kDigits> d;
  bool negative = false;
  std::vector<double> out;
  if (!magnitude(d, negative)) return out;
  for (int j = kDigits - 1; j >= 0; --j) {
    if (d[j] != 0) out.push_back(negative ? -digit_value(d[j], j) : digit_value(d[j], j));
  }
  return out;
}

ExactSum ExactSum::from_terms(std::span<const double> terms) noexcept {
  ExactSum s;
  for (double t : terms) s.add(t);
  return s;
}

bool ExactSum::operator==(const ExactSum& other) const noexcept {
  if (flags_ != other.flags_) return false;
  auto a = digits_;
  auto b = other.digits_;
  normalize_digits(a);
  normalize_digits(b);
  return a == b;
}

double exact_mean(const ExactSum& sum, std::uint64_t n) noexcept {
  if (n == 0) return kQuietNaN;
  const auto nd = static_cast<double>(n);
  const DoubleDouble s = sum.value_dd();
  if (!std::isfinite(s.hi)) return s.hi / nd;
  // (hi + lo) / n: quotient, then the correction from the exact remainder.
  const double q = s.hi / nd;
  const double r = std::fma(-q, nd, s.hi) + s.lo;
  return q + r / nd;
}

double co_moment(const ExactSum& sum_ab, const ExactSum& sum_a, const ExactSum& sum_b,
                 std::uint64_t n) noexcept {
  if (n == 0) return kQuietNaN;
  const DoubleDouble a = sum_a.value_dd();
  const DoubleDouble b = sum_b.value_dd();
  const DoubleDouble c = sum_ab.value_dd();
  const auto nd = static_cast<double>(n);
  if (!std::isfinite(a.hi) || !std::isfinite(b.hi) || !std::isfinite(c.hi)) {
    return c.hi - a.hi / nd * b.hi;  // propagates NaN / inf
  }
  // m = a / n in double-double; then m * b (the mean times a sum, never larger than S_ab's
  // scale, so it does not overflow where S_a * S_b would).
  const double mh = a.hi / nd;
  const double ml = (std::fma(-mh, nd, a.hi) + a.lo) / nd;
  const double ph = mh * b.hi;
  const double pl = std::fma(mh, b.hi, -ph) + (mh * b.lo + ml * b.hi);
  double s = 0.0;
  double e = 0.0;
  two_sum(c.hi, -ph, s, e);
  e += c.lo - pl;
  return s + e;
}

// ---------------------------------------------------------------------------------------------
// Moments

void Moments::add(double x) noexcept {
  ++count_;
  sum_.add(x);
  sum_sq_.add_product(x, x);
  if (before(x, min_)) min_ = x;
  if (before(max_, x)) max_ = x;
}

void Moments::add_if_finite(double x) noexcept {
  if (std::isfinite(x)) add(x);
}

void Moments::merge(const Moments& other) noexcept {
  count_ += other.count_;
  sum_.merge(other.sum_);
  sum_sq_.merge(other.sum_sq_);
  if (before(other.min_, min_)) min_ = other.min_;
  if (before(max_, other.max_)) max_ = other.max_;
}

double Moments::mean() const noexcept { return exact_mean(sum_, count_); }

double Moments::variance() const noexcept {
  if (count_ < 2) return kQuietNaN;
  // A NaN was added, or inf - inf; else, finite values whose squares overflowed: +inf.
  if (!sum_.is_finite()) return kQuietNaN;
  if (!sum_sq_.is_finite()) return sum_sq_.value();
  const double m2 = co_moment(sum_sq_, sum_, sum_, count_);
  return std::max(m2, 0.0) / static_cast<double>(count_ - 1);
}

double Moments::std_dev() const noexcept { return std::sqrt(variance()); }

double Moments::min() const noexcept {
  if (count_ == 0 || sum_.has_nan()) return kQuietNaN;
  return min_;
}

double Moments::max() const noexcept {
  if (count_ == 0 || sum_.has_nan()) return kQuietNaN;
  return max_;
}

Moments Moments::from_sums(std::uint64_t count, double sum, double sum_sq, double min, double max) {
  ExactSum s;
  ExactSum s2;
  s.add(sum);
  s2.add(sum_sq);
  return from_sums(count, s, s2, min, max);
}

Moments Moments::from_sums(std::uint64_t count, const ExactSum& sum, const ExactSum& sum_sq,
                           double min, double max) {
  Moments m;
  if (count == 0) {
    if (!(sum == ExactSum{}) || !(sum_sq == ExactSum{})) {
      throw std::invalid_argument("Moments::from_sums: count = 0 with nonzero sums");
    }
    return m;
  }
  if (min > max) throw std::invalid_argument("Moments::from_sums: min > max");
  if (sum_sq.value() < 0.0) throw std::invalid_argument("Moments::from_sums: sum_sq < 0");
  m.count_ = count;
  m.sum_ = sum;
  m.sum_sq_ = sum_sq;
  m.min_ = min;
  m.max_ = max;
  return m;
}

bool Moments::operator==(const Moments& other) const noexcept {
  return count_ == other.count_ && sum_ == other.sum_ && sum_sq_ == other.sum_sq_ &&
         same_bits(min_, other.min_) && same_bits(max_, other.max_);
}

}  // namespace launchmc::stats
