// Estimates from a stratified sample. The rows of a run fall in strata k = 0..K-1 of known
// probabilities pi_k (sum 1), e.g. "no failure" and each failure mode when failures are
// stratified; stratum k received n_k rows drawn from its conditional distribution, so a row of
// it stands for w_k = pi_k / n_k of the population. Every estimate here is the textbook
// stratified (Horvitz-Thompson) one with those row weights (W. G. Cochran, "Sampling
// Techniques", 3rd ed., Wiley 1977, ch. 5: eq. 5.1 for the mean, 5.6 for its variance).
//
// Per-stratum state is kept with integer counts and exact sums (stats::Moments,
// stats::QuantileSketch), combined only here at the end in stratum order: any split of a run
// gives bit-identical estimates. With a single stratum every function returns exactly what the
// unweighted estimator (wilson_interval, Moments, QuantileSketch::quantile) returns.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <vector>

#include "stats/impact_ellipse.hpp"
#include "stats/moments.hpp"
#include "stats/proportion.hpp"
#include "stats/quantile_sketch.hpp"

namespace launchmc::stats {

class Strata {
 public:
  // One stratum of probability 1: plain (unstratified) sampling.
  Strata() : probabilities_{1.0} {}
  // Throws std::invalid_argument unless every probability is finite and >= 0 and they sum to 1
  // within 1e-9.
  explicit Strata(std::vector<double> probabilities);

  std::size_t size() const noexcept { return probabilities_.size(); }
  bool single() const noexcept { return probabilities_.size() == 1; }
  double probability(std::size_t k) const { return probabilities_.at(k); }
  const std::vector<double>& probabilities() const noexcept { return probabilities_; }

  // w_k = pi_k / n_k, 0 when n_k == 0, for the strata's row counts `rows` (size() of them).
  std::vector<double> row_weights(std::span<const std::uint64_t> rows) const;

 private:
  std::vector<double> probabilities_;
};

// P(event) from the successes and rows per stratum: p = sum_k pi_k s_k / n_k over the strata that
// have rows, divided by their total probability (`unobserved` is the probability of strata
// without rows: nothing is known there, and the interval is widened to cover any value in them).
// variance = sum_k pi_k^2 p_k (1 - p_k) / n_k (plug-in), and the interval is Wilson's with the
// effective number of trials p (1 - p) / variance (Korn & Graubard, "Confidence intervals for
// proportions with small expected number of positive counts estimated from survey data", Survey
// Methodology 24, 1998); when every stratum's p_k is 0 or 1 the effective number is
// 1 / sum_k pi_k^2 / n_k. A single stratum: wilson_interval(s, n) exactly.
struct StratifiedProportion {
  double p = 0.0;
  double variance = 0.0;
  double effective_trials = 0.0;
  double unobserved = 0.0;
  Interval ci{0.0, 1.0};
};
StratifiedProportion stratified_proportion(const Strata& strata,
                                           std::span<const std::uint64_t> successes,
                                           std::span<const std::uint64_t> rows,
                                           double confidence = 0.95);

// Mean and standard deviation of a field over the rows that have it, weighted by the row weights
// w_k: mean = sum_k w_k S_k / W with W = sum_k w_k c_k; the standard deviation is the weighted
// population one times the Bessel factor of Kish's effective count n_eff = W^2 / sum_k w_k^2 c_k
// (L. Kish, "Survey Sampling", Wiley 1965, sec. 11.7). A single stratum: Moments::mean() and
// std_dev() exactly. NaN where fewer than 1 (mean) or 2 (std) rows have the field.
struct WeightedMoments {
  std::uint64_t count = 0;     // rows with the field
  double weight = 0.0;         // W: the probability that a flight has the field
  double effective_count = 0;  // n_eff
  double mean = 0.0, std = 0.0;
};
WeightedMoments weighted_moments(std::span<const Moments* const> per_stratum,
                                 std::span<const double> row_weights);

// The p-quantile of a field from per-stratum sketches: the inverse of the weighted empirical
// distribution function (Hyndman & Fan definition 1 with weights: the smallest bucket value at
// which the cumulative weight reaches p W), within the sketch's relative accuracy of that of the
// exact values. A single stratum: QuantileSketch::quantile (definition 7) exactly. NaN if empty.
double weighted_quantile(std::span<const QuantileSketch* const> per_stratum,
                         std::span<const double> row_weights, double p);

// Mean point and covariance of impacts on the common plane of per-stratum accumulators (all with
// the same reference point), weighted by the row weights: the mixture's mean and its population
// covariance (within-stratum co-moments plus the strata's offsets), times Kish's Bessel factor as
// in weighted_moments. A single stratum: ImpactAccumulator::mean_en_m() and covariance_en_m2()
// exactly. Throws std::invalid_argument for accumulators with different reference points.
struct WeightedImpacts {
  std::uint64_t count = 0;
  double weight = 0.0;  // the probability that a flight's body lands (with these row weights)
  double effective_count = 0.0;
  Eigen::Vector2d mean_en_m = Eigen::Vector2d::Constant(std::numeric_limits<double>::quiet_NaN());
  Eigen::Matrix2d cov_en_m2 = Eigen::Matrix2d::Constant(std::numeric_limits<double>::quiet_NaN());
};
WeightedImpacts weighted_impacts(std::span<const ImpactAccumulator* const> per_stratum,
                                 std::span<const double> row_weights);

// A fraction measured within each stratum (e.g. the share of a stratum's impacts inside an
// ellipse, on its own uniform subsample) combined over the strata with the weight each stratum's
// rows carry: sum_k w_k c_k f_k / sum_k w_k c_k over the strata with c_k > 0. NaN if none.
double weighted_fraction(std::span<const double> fractions, std::span<const std::uint64_t> counts,
                         std::span<const double> row_weights);

}  // namespace launchmc::stats
