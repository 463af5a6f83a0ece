// Failure stratification of a run: which stratum (no failure, or one failure mode) each row
// belongs to, as a deterministic function of the row index only, so that any split of the run
// (threads, block sizes, shards) assigns the same rows to the same strata.
//
// Strata: k = 0 "none" (no failure) with probability pi_0 = 1 - sum_m p_m, and k = 1 + m for
// failure mode m with pi_k = p_m (FailureMode::per_flight_probability). A row of stratum k > 0
// draws its failure from mode m alone (its time from the mode's own distribution, as brute force
// does once the mode is drawn); a row of stratum 0 has no failure. Every row then carries the
// weight w = pi_k N / n_k (N rows, n_k of them in stratum k): the weights sum to N, and the
// weighted statistics are the stratified (Horvitz-Thompson) estimates of stats/stratified.hpp.
//
// Shares. The rows are allotted in a fixed pattern of kStratumPeriod rows that holds exactly
// slots_k = share_k * kStratumPeriod rows of stratum k: shares are multiples of 1/65536.
// Within the pattern the rows are interleaved by Tijdeman's rule (R. Tijdeman, "The chairman
// assignment problem", Discrete Math. 32, 1980: of the strata that may take row t without getting
// ahead of their share, the one whose next row is due first), so that every prefix of n rows
// holds n share_k rows of stratum k within 1 - 1/(2K - 2) for K strata
// (tests/engine/test_strata.cpp).
// The default shares: share_k proportional to max(pi_k, floor_k) with floor_0 = 1/2 and
// floor_k = 1/(2M) for each of the M failure modes of positive probability (a stratum of
// probability 0 gets no rows), normalised: with rare failures (pi_0 near 1) about a third of the
// rows go to failures, spread evenly over the modes, and a mode likelier than its floor keeps
// its natural share or more.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "scenario/dispersions.hpp"
#include "stats/stratified.hpp"

namespace launchmc::engine {

inline constexpr std::uint32_t kStratumPeriod = 65536;

class FailureStrata {
 public:
  // A single stratum of probability 1 (no stratification).
  FailureStrata();
  // The strata of `d` when `how` is failures and there are failure modes; else a single stratum.
  // d.stratum_shares (if not empty) gives the relative shares by stratum. Throws
  // std::invalid_argument for shares that cannot give an unbiased estimate (a stratum of positive
  // probability with share 0) or more than 127 strata.
  FailureStrata(const Dispersions& d, Stratify how);
  // From stored probabilities and slots (a run file); names for the report.
  FailureStrata(std::vector<std::string> names, std::vector<double> probabilities,
                std::vector<std::uint32_t> slots);

  std::size_t size() const noexcept { return probabilities_.size(); }
  bool single() const noexcept { return probabilities_.size() == 1; }
  const std::vector<std::string>& names() const noexcept { return names_; }
  const std::vector<double>& probabilities() const noexcept { return probabilities_; }
  const std::vector<std::uint32_t>& slots() const noexcept { return slots_; }
  double share(std::size_t k) const { return slots_.at(k) / static_cast<double>(kStratumPeriod); }
  stats::Strata strata() const { return stats::Strata(probabilities_); }

  // The stratum of row `row` (0 for a single stratum).
  std::size_t stratum_of(std::uint64_t row) const noexcept {
    return single() ? 0 : pattern_[row % kStratumPeriod];
  }
  // Rows of each stratum among rows [first, first + count).
  std::vector<std::uint64_t> rows_in(std::uint64_t first, std::uint64_t count) const;
  // The weight of a row of each stratum, pi_k N / n_k for N = sum of `rows` (0 where n_k = 0);
  // exactly 1 for a single stratum.
  std::vector<double> weights(std::span<const std::uint64_t> rows) const;

 private:
  void build_pattern();
  std::vector<std::string> names_;
  std::vector<double> probabilities_;
  std::vector<std::uint32_t> slots_;
  std::vector<std::uint8_t> pattern_;  // [kStratumPeriod]: the stratum of row i mod period
};

}  // namespace launchmc::engine
