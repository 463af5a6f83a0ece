// Stratified estimates. See stratified.hpp for the estimators and their references.
#include "stats/stratified.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace launchmc::stats {
namespace {
constexpr double kNoEstimate = std::numeric_limits<double>::quiet_NaN();
}

Strata::Strata(std::vector<double> probabilities) : probabilities_(std::move(probabilities)) {
  if (probabilities_.empty()) throw std::invalid_argument("Strata: no stratum");
  double sum = 0.0;
  for (const double p : probabilities_) {
    if (!(std::isfinite(p) && p >= 0.0))
      throw std::invalid_argument("Strata: a probability is " + std::to_string(p) +
                                  ": must be finite and >= 0");
    sum += p;
  }
  if (std::abs(sum - 1.0) > 1e-9)
    throw std::invalid_argument("Strata: the probabilities sum to " + std::to_string(sum) +
                                ", not 1");
}

std::vector<double> Strata::row_weights(std::span<const std::uint64_t> rows) const {
  if (rows.size() != size()) throw std::invalid_argument("Strata::row_weights: wrong size");
  std::vector<double> w(size(), 0.0);
  for (std::size_t k = 0; k < size(); ++k)
    if (rows[k] > 0) w[k] = probabilities_[k] / static_cast<double>(rows[k]);
  return w;
}

StratifiedProportion stratified_proportion(const Strata& strata,
                                           std::span<const std::uint64_t> successes,
                                           std::span<const std::uint64_t> rows, double confidence) {
  if (successes.size() != strata.size() || rows.size() != strata.size())
    throw std::invalid_argument("stratified_proportion: one count per stratum expected");
  for (std::size_t k = 0; k < strata.size(); ++k)
    if (successes[k] > rows[k])
      throw std::invalid_argument("stratified_proportion: successes > rows in stratum " +
                                  std::to_string(k));
  StratifiedProportion r;
  if (strata.single()) {
    const std::uint64_t s = successes[0], n = rows[0];
    r.ci = wilson_interval(s, n, confidence);
    if (n == 0) {
      r.unobserved = 1.0;
      return r;
    }
    r.p = static_cast<double>(s) / static_cast<double>(n);
    r.effective_trials = static_cast<double>(n);
    r.variance = r.p * (1.0 - r.p) / r.effective_trials;
    return r;
  }
  double observed = 0.0;
  for (std::size_t k = 0; k < strata.size(); ++k)
    if (rows[k] > 0) observed += strata.probability(k);
  r.unobserved = std::max(0.0, 1.0 - observed);
  if (observed <= 0.0) return r;  // p 0, interval [0, 1]
  double p = 0.0, variance = 0.0, design = 0.0;
  for (std::size_t k = 0; k < strata.size(); ++k) {
    if (rows[k] == 0) continue;
    const double pi = strata.probability(k) / observed;
    const double n = static_cast<double>(rows[k]);
    const double pk = static_cast<double>(successes[k]) / n;
    p += pi * pk;
    variance += pi * pi * pk * (1.0 - pk) / n;
    design += pi * pi / n;
  }
  p = std::clamp(p, 0.0, 1.0);
  r.p = p;
  r.variance = variance;
  r.effective_trials = variance > 0.0 ? p * (1.0 - p) / variance : 1.0 / design;
  const Interval ci = wilson_interval_effective(p, r.effective_trials, confidence);
  // Strata without rows may hold any proportion: the interval covers all of them.
  r.ci = {ci.lo * (1.0 - r.unobserved), ci.hi * (1.0 - r.unobserved) + r.unobserved};
  return r;
}

WeightedMoments weighted_moments(std::span<const Moments* const> per_stratum,
                                 std::span<const double> row_weights) {
  if (per_stratum.size() != row_weights.size())
    throw std::invalid_argument("weighted_moments: one weight per stratum expected");
  WeightedMoments r;
  if (per_stratum.size() == 1) {
    const Moments& m = *per_stratum[0];
    r.count = m.count();
    r.weight = row_weights[0] * static_cast<double>(m.count());
    r.effective_count = static_cast<double>(m.count());
    r.mean = m.mean();
    r.std = m.std_dev();
    return r;
  }
  double weighted_sum = 0.0, weight_sq = 0.0;
  for (std::size_t k = 0; k < per_stratum.size(); ++k) {
    const Moments& m = *per_stratum[k];
    if (m.count() == 0) continue;
    const double w = row_weights[k];
    const double c = static_cast<double>(m.count());
    r.count += m.count();
    r.weight += w * c;
    weight_sq += w * w * c;
    weighted_sum += w * m.sum();
  }
  if (r.count == 0 || !(r.weight > 0.0)) {
    r.mean = r.std = kNoEstimate;
    return r;
  }
  r.mean = weighted_sum / r.weight;
  r.effective_count = r.weight * r.weight / weight_sq;
  // Weighted population variance: within-stratum squared deviations (exact sums) plus each
  // stratum's offset from the overall mean.
  double ss = 0.0;
  for (std::size_t k = 0; k < per_stratum.size(); ++k) {
    const Moments& m = *per_stratum[k];
    if (m.count() == 0) continue;
    const double within = co_moment(m.exact_sum_sq(), m.exact_sum(), m.exact_sum(), m.count());
    const double offset = m.mean() - r.mean;
    ss += row_weights[k] * (within + static_cast<double>(m.count()) * offset * offset);
  }
  const double population = std::max(0.0, ss / r.weight);
  r.std = r.count >= 2 && r.effective_count > 1.0
              ? std::sqrt(population * r.effective_count / (r.effective_count - 1.0))
              : kNoEstimate;
  return r;
}

double weighted_quantile(std::span<const QuantileSketch* const> per_stratum,
                         std::span<const double> row_weights, double p) {
  if (per_stratum.size() != row_weights.size())
    throw std::invalid_argument("weighted_quantile: one weight per stratum expected");
  if (!(p >= 0.0 && p <= 1.0))
    throw std::domain_error("weighted_quantile: p = " + std::to_string(p) + " is not in [0, 1]");
  if (per_stratum.size() == 1) return per_stratum[0]->quantile(p);
  struct Weighted {
    double value, weight;
  };
  std::vector<Weighted> all;
  double total = 0.0;
  for (std::size_t k = 0; k < per_stratum.size(); ++k) {
    if (per_stratum[k]->count() == 0 || !(row_weights[k] > 0.0)) continue;
    for (const auto& b : per_stratum[k]->buckets_ascending()) {
      all.push_back({b.value, row_weights[k] * static_cast<double>(b.count)});
      total += all.back().weight;
    }
  }
  if (all.empty()) return kNoEstimate;
  // Stable: equal values keep stratum order, so the cumulative sums are the same in every run.
  std::stable_sort(all.begin(), all.end(),
                   [](const Weighted& a, const Weighted& b) { return a.value < b.value; });
  // Sums of weights carry rounding: a cumulative weight that should equal p W exactly (p at a
  // jump of the distribution function) may land a few ulps short of it.
  const double target = p * total - 1e-12 * total;
  double cumulative = 0.0;
  for (const Weighted& x : all) {
    cumulative += x.weight;
    if (cumulative >= target && x.weight > 0.0) return x.value;
  }
  return all.back().value;  // rounding left the total a hair short of p W
}

WeightedImpacts weighted_impacts(std::span<const ImpactAccumulator* const> per_stratum,
                                 std::span<const double> row_weights) {
  if (per_stratum.size() != row_weights.size())
    throw std::invalid_argument("weighted_impacts: one weight per stratum expected");
  WeightedImpacts r;
  if (per_stratum.size() == 1) {
    const ImpactAccumulator& a = *per_stratum[0];
    r.count = a.count();
    r.weight = row_weights[0] * static_cast<double>(a.count());
    r.effective_count = static_cast<double>(a.count());
    r.mean_en_m = a.mean_en_m();
    r.cov_en_m2 = a.covariance_en_m2();
    return r;
  }
  double ref_lat = kNoEstimate, ref_lon = kNoEstimate;
  Eigen::Vector2d sum = Eigen::Vector2d::Zero();
  double weight_sq = 0.0;
  for (std::size_t k = 0; k < per_stratum.size(); ++k) {
    const ImpactAccumulator& a = *per_stratum[k];
    if (a.count() == 0) continue;
    if (std::isnan(ref_lat)) {
      ref_lat = a.ref_lat_deg();
      ref_lon = a.ref_lon_deg();
    } else if (a.ref_lat_deg() != ref_lat || a.ref_lon_deg() != ref_lon) {
      throw std::invalid_argument("weighted_impacts: strata with different reference points");
    }
    const double w = row_weights[k];
    const double c = static_cast<double>(a.count());
    r.count += a.count();
    r.weight += w * c;
    weight_sq += w * w * c;
    sum += w * Eigen::Vector2d(a.sums().x_m.value(), a.sums().y_m.value());
  }
  if (r.count == 0 || !(r.weight > 0.0)) return r;
  r.mean_en_m = sum / r.weight;
  r.effective_count = r.weight * r.weight / weight_sq;
  Eigen::Matrix2d scatter = Eigen::Matrix2d::Zero();
  for (std::size_t k = 0; k < per_stratum.size(); ++k) {
    const ImpactAccumulator& a = *per_stratum[k];
    if (a.count() == 0) continue;
    const ImpactSums& s = a.sums();
    const std::uint64_t n = a.count();
    Eigen::Matrix2d within;
    within(0, 0) = co_moment(s.xx_m2, s.x_m, s.x_m, n);
    within(1, 1) = co_moment(s.yy_m2, s.y_m, s.y_m, n);
    within(0, 1) = within(1, 0) = co_moment(s.xy_m2, s.x_m, s.y_m, n);
    const Eigen::Vector2d offset = a.mean_en_m() - r.mean_en_m;
    scatter += row_weights[k] * (within + static_cast<double>(n) * offset * offset.transpose());
  }
  if (r.count >= 2 && r.effective_count > 1.0)
    r.cov_en_m2 = scatter / r.weight * (r.effective_count / (r.effective_count - 1.0));
  else
    r.cov_en_m2.setConstant(kNoEstimate);
  return r;
}

double weighted_fraction(std::span<const double> fractions, std::span<const std::uint64_t> counts,
                         std::span<const double> row_weights) {
  if (fractions.size() != counts.size() || counts.size() != row_weights.size())
    throw std::invalid_argument("weighted_fraction: one value per stratum expected");
  double num = 0.0, den = 0.0;
  for (std::size_t k = 0; k < fractions.size(); ++k) {
    if (counts[k] == 0) continue;
    const double w = row_weights[k] * static_cast<double>(counts[k]);
    num += w * fractions[k];
    den += w;
  }
  return den > 0.0 ? num / den : kNoEstimate;
}

}  // namespace launchmc::stats
