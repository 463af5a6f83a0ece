// Failure strata: probabilities, shares and the row pattern (see strata.hpp).
#include "engine/strata.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace launchmc::engine {

namespace {

// Relative shares -> slots of kStratumPeriod, by largest remainder; a stratum with a positive
// share keeps at least one slot. Deterministic (ties: the lower stratum).
std::vector<std::uint32_t> quantize(const std::vector<double>& shares) {
  double total = 0.0;
  for (const double s : shares) total += s;
  const std::size_t k_count = shares.size();
  std::vector<std::uint32_t> slots(k_count, 0);
  std::vector<double> rest(k_count, 0.0);
  std::int64_t used = 0;
  for (std::size_t k = 0; k < k_count; ++k) {
    const double exact = shares[k] / total * kStratumPeriod;
    slots[k] = static_cast<std::uint32_t>(std::floor(exact));
    if (shares[k] > 0.0 && slots[k] == 0) slots[k] = 1;
    rest[k] = shares[k] > 0.0 ? exact - slots[k] : -1e300;
    used += slots[k];
  }
  while (used < kStratumPeriod) {
    std::size_t best = 0;
    for (std::size_t k = 1; k < k_count; ++k)
      if (rest[k] > rest[best]) best = k;
    ++slots[best];
    rest[best] -= 1.0;
    ++used;
  }
  while (used > kStratumPeriod) {  // forced single slots overfilled the period
    std::size_t best = 0;
    for (std::size_t k = 1; k < k_count; ++k)
      if (slots[k] > slots[best]) best = k;
    --slots[best];
    --used;
  }
  return slots;
}

}  // namespace

FailureStrata::FailureStrata() : names_{"all"}, probabilities_{1.0}, slots_{kStratumPeriod} {}

FailureStrata::FailureStrata(const Dispersions& d, Stratify how) : FailureStrata() {
  if (how != Stratify::failures || d.failures.empty()) return;
  const std::size_t modes = d.failures.size();
  if (modes + 1 > 127)
    throw std::invalid_argument(
        fmt::format("stratify: {} failure modes: at most 126 can be stratified", modes));
  names_ = {"none"};
  probabilities_ = {0.0};
  double failing = 0.0;
  std::size_t possible = 0;
  for (const FailureMode& f : d.failures) {
    names_.push_back(f.name);
    probabilities_.push_back(f.per_flight_probability());
    failing += probabilities_.back();
    if (probabilities_.back() > 0.0) ++possible;
  }
  // The same sum order as the brute-force draw's cumulative probabilities.
  probabilities_[0] = std::max(0.0, 1.0 - failing);
  std::vector<double> shares(size(), 0.0);
  if (!d.stratum_shares.empty()) {
    if (d.stratum_shares.size() != size())
      throw std::invalid_argument("stratify: one share per stratum expected");
    shares = d.stratum_shares;
    for (std::size_t k = 0; k < size(); ++k)
      if (probabilities_[k] > 0.0 && !(shares[k] > 0.0))
        throw std::invalid_argument(
            fmt::format("stratify: stratum '{}' has probability {:g} and needs a share > 0",
                        names_[k], probabilities_[k]));
  } else {
    for (std::size_t k = 0; k < size(); ++k) {
      if (!(probabilities_[k] > 0.0)) continue;
      const double floor_share = k == 0 ? 0.5 : 0.5 / static_cast<double>(possible);
      shares[k] = std::max(probabilities_[k], floor_share);
    }
  }
  slots_ = quantize(shares);
  build_pattern();
}

FailureStrata::FailureStrata(std::vector<std::string> names, std::vector<double> probabilities,
                             std::vector<std::uint32_t> slots)
    : names_(std::move(names)), probabilities_(std::move(probabilities)), slots_(std::move(slots)) {
  std::uint64_t total = 0;
  for (const auto s : slots_) total += s;
  if (probabilities_.empty() || names_.size() != probabilities_.size() ||
      slots_.size() != probabilities_.size() || total != kStratumPeriod ||
      probabilities_.size() > 127)
    throw std::invalid_argument("strata: inconsistent names, probabilities and slots");
  (void)stats::Strata(probabilities_);  // validates the probabilities
  if (!single()) build_pattern();
}

void FailureStrata::build_pattern() {
  // Tijdeman's rule in exact integer arithmetic, with q_k = slots_k = share_k L (L the period)
  // and delta = 1 / (2K - 2), K the strata with slots. At row t (1-based) a stratum is eligible
  // once t share_k - c_k >= delta, i.e. (t q_k - c_k L)(2K - 2) >= L; of the eligible strata the
  // one with the earliest deadline (c_k + 1 - delta) / share_k gets the row:
  // ((c_a + 1)(2K - 2) - 1) q_b < ((c_b + 1)(2K - 2) - 1) q_a. Ties: the lower stratum. Then
  // |c_k(t) - t share_k| <= 1 - delta for every t (Tijdeman 1980, theorem 1), and the pattern
  // holds exactly q_k rows of stratum k.
  std::int64_t active = 0;
  for (const auto q : slots_)
    if (q > 0) ++active;
  const std::int64_t d2 = active > 1 ? 2 * active - 2 : 1;
  const std::int64_t period = kStratumPeriod;
  pattern_.assign(kStratumPeriod, 0);
  std::vector<std::int64_t> c(size(), 0);
  for (std::int64_t t = 1; t <= period; ++t) {
    std::size_t best = size();
    for (const bool released_only : {true, false}) {  // the second pass never runs (theorem)
      for (std::size_t k = 0; k < size(); ++k) {
        const std::int64_t q = slots_[k];
        if (q == 0 || c[k] >= q) continue;
        if (released_only && (t * q - c[k] * period) * d2 < period) continue;
        if (best == size()) {
          best = k;
          continue;
        }
        const std::int64_t lhs = ((c[k] + 1) * d2 - 1) * slots_[best];
        const std::int64_t rhs = ((c[best] + 1) * d2 - 1) * q;
        if (lhs < rhs) best = k;
      }
      if (best != size()) break;
    }
    pattern_[static_cast<std::size_t>(t - 1)] = static_cast<std::uint8_t>(best);
    ++c[best];
  }
}

std::vector<std::uint64_t> FailureStrata::rows_in(std::uint64_t first, std::uint64_t count) const {
  std::vector<std::uint64_t> rows(size(), 0);
  if (single()) {
    rows[0] = count;
    return rows;
  }
  // Whole periods, then the rows left over.
  auto prefix = [&](std::uint64_t n, std::vector<std::uint64_t>& into, bool add) {
    const std::uint64_t periods = n / kStratumPeriod;
    for (std::size_t k = 0; k < size(); ++k)
      into[k] = add ? into[k] + periods * slots_[k] : into[k] - periods * slots_[k];
    for (std::uint64_t i = 0; i < n % kStratumPeriod; ++i) {
      if (add)
        ++into[pattern_[i]];
      else
        --into[pattern_[i]];
    }
  };
  prefix(first + count, rows, true);
  prefix(first, rows, false);
  return rows;
}

std::vector<double> FailureStrata::weights(std::span<const std::uint64_t> rows) const {
  if (rows.size() != size()) throw std::invalid_argument("FailureStrata::weights: wrong size");
  if (single()) return {1.0};
  std::uint64_t total = 0;
  for (const auto n : rows) total += n;
  std::vector<double> w(size(), 0.0);
  for (std::size_t k = 0; k < size(); ++k)
    if (rows[k] > 0)
      w[k] = probabilities_[k] * static_cast<double>(total) / static_cast<double>(rows[k]);
  return w;
}

}  // namespace launchmc::engine
