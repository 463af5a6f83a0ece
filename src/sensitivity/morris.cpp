// Morris trajectories, Campolongo's selection and the elementary effects (see morris.hpp for the
// methods and their references).
#include "sensitivity/morris.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include "uncertainty/random_stream.hpp"

namespace launchmc::sensitivity {

namespace {

__extension__ typedef unsigned __int128 Uint128;  // GCC/Clang; __extension__ for -Wpedantic

// A uniform integer in [0, n) by Lemire's multiply-shift (see bootstrap.hpp).
std::uint64_t below(uncertainty::RandomStream& stream, std::uint64_t n) {
  return static_cast<std::uint64_t>((static_cast<Uint128>(stream()) * n) >> 64);
}

constexpr std::uint64_t kMaxDefaultPool = 500;

}  // namespace

std::vector<double> morris_trajectory(std::size_t k, std::size_t levels, std::uint64_t seed,
                                      std::uint64_t m) {
  uncertainty::RandomStream stream(seed, m, uncertainty::StreamPurpose::morris);
  const std::size_t half = levels / 2;
  std::vector<std::size_t> level(k), order(k);
  std::vector<bool> up(k);
  for (std::size_t i = 0; i < k; ++i) {
    const std::size_t base = below(stream, half);
    up[i] = (stream() >> 63) != 0;
    level[i] = up[i] ? base : base + half;
  }
  // Fisher-Yates shuffle of the order in which the inputs move.
  std::iota(order.begin(), order.end(), std::size_t{0});
  for (std::size_t i = k; i > 1; --i) std::swap(order[i - 1], order[below(stream, i)]);
  const double p = static_cast<double>(levels);
  std::vector<double> points((k + 1) * k);
  for (std::size_t i = 0; i < k; ++i) points[i] = (static_cast<double>(level[i]) + 0.5) / p;
  for (std::size_t s = 0; s < k; ++s) {
    std::copy_n(points.begin() + static_cast<std::ptrdiff_t>(s * k), k,
                points.begin() + static_cast<std::ptrdiff_t>((s + 1) * k));
    const std::size_t i = order[s];
    level[i] = up[i] ? level[i] + half : level[i] - half;
    points[(s + 1) * k + i] = (static_cast<double>(level[i]) + 0.5) / p;
  }
  return points;
}

double trajectory_distance(std::span<const double> a, std::span<const double> b, std::size_t k) {
  double d = 0.0;
  for (std::size_t i = 0; i <= k; ++i)
    for (std::size_t j = 0; j <= k; ++j) {
      double s = 0.0;
      for (std::size_t z = 0; z < k; ++z) {
        const double e = a[i * k + z] - b[j * k + z];
        s += e * e;
      }
      d += std::sqrt(s);
    }
  return d;
}

MorrisDesign::MorrisDesign(std::size_t k, std::uint64_t r, std::uint64_t seed,
                           const MorrisDesignOptions& options)
    : k_(k), r_(r), levels_(options.levels) {
  if (k_ < 1) throw std::invalid_argument("Morris design: needs at least one input");
  if (r_ < 2) throw std::invalid_argument("Morris design: needs at least 2 trajectories");
  if (levels_ < 2 || levels_ > 1024 || levels_ % 2 != 0)
    throw std::invalid_argument("Morris design: levels = " + std::to_string(levels_) +
                                ": must be even, 2 to 1024");
  // Default pool: 10 r, at most 500, and at most what keeps the pool^2/2 distances (each
  // (k + 1)^2 k operations) near 2e9 operations.
  const double k1 = static_cast<double>(k_ + 1);
  const auto budget =
      static_cast<std::uint64_t>(std::sqrt(4e9 / (k1 * k1 * static_cast<double>(k_))));
  pool_ =
      options.pool != 0 ? options.pool : std::max(r_, std::min({10 * r_, kMaxDefaultPool, budget}));
  if (pool_ < r_)
    throw std::invalid_argument("Morris design: a pool of " + std::to_string(pool_) +
                                " trajectories cannot give " + std::to_string(r_));
  if (pool_ > r_ && pool_ > 100000)
    throw std::invalid_argument("Morris design: pool of " + std::to_string(pool_) +
                                " trajectories: at most 100000 (its distances are pool^2)");
  std::vector<std::vector<double>> candidates(pool_);
  for (std::uint64_t m = 0; m < pool_; ++m) candidates[m] = morris_trajectory(k_, levels_, seed, m);
  if (pool_ == r_) {
    chosen_.resize(r_);
    std::iota(chosen_.begin(), chosen_.end(), std::uint64_t{0});
  } else {
    // Pairwise distances (each entry computed once, by one thread: the result does not depend on
    // the thread count), then the greedy selection.
    const std::size_t n = pool_;
    std::vector<double> d(n * n, 0.0);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n), [&](const auto& range) {
      for (std::size_t a = range.begin(); a != range.end(); ++a)
        for (std::size_t b = a + 1; b < n; ++b)
          d[a * n + b] = d[b * n + a] = trajectory_distance(candidates[a], candidates[b], k_);
    });
    std::size_t best_a = 0, best_b = 1;
    for (std::size_t a = 0; a < n; ++a)
      for (std::size_t b = a + 1; b < n; ++b)
        if (d[a * n + b] > d[best_a * n + best_b]) best_a = a, best_b = b;
    std::vector<bool> taken(n, false);
    std::vector<double> score(n, 0.0);  // sum of squared distances to the chosen
    auto take = [&](std::size_t c) {
      taken[c] = true;
      chosen_.push_back(c);
      for (std::size_t x = 0; x < n; ++x) score[x] += d[x * n + c] * d[x * n + c];
    };
    take(best_a);
    take(best_b);
    while (chosen_.size() < r_) {
      std::size_t best = n;
      for (std::size_t x = 0; x < n; ++x)
        if (!taken[x] && (best == n || score[x] > score[best])) best = x;
      take(best);
    }
    double sum2 = 0.0;
    for (std::size_t a = 0; a < chosen_.size(); ++a)
      for (std::size_t b = a + 1; b < chosen_.size(); ++b) {
        const double e = d[chosen_[a] * n + chosen_[b]];
        sum2 += e * e;
      }
    spread_ = std::sqrt(sum2);
  }
  if (pool_ == r_ && r_ > kMaxDefaultPool) {
    spread_ = std::numeric_limits<double>::quiet_NaN();  // r^2 distances: not worth computing
  } else if (pool_ == r_) {
    double sum2 = 0.0;
    for (std::size_t a = 0; a < r_; ++a)
      for (std::size_t b = a + 1; b < r_; ++b) {
        const double e = trajectory_distance(candidates[a], candidates[b], k_);
        sum2 += e * e;
      }
    spread_ = std::sqrt(sum2);
  }
  points_.reserve(r_ * (k_ + 1) * k_);
  for (const std::uint64_t c : chosen_)
    points_.insert(points_.end(), candidates[c].begin(), candidates[c].end());
}

std::uint64_t MorrisDesign::row(std::uint64_t i, std::span<double> u) const {
  if (u.size() < k_ || i >= rows())
    throw std::invalid_argument("MorrisDesign::row: row " + std::to_string(i) +
                                " or output size out of range");
  std::copy_n(points_.begin() + static_cast<std::ptrdiff_t>(i * k_), k_, u.begin());
  return i / (k_ + 1);
}

MorrisIndices morris_indices(std::span<const double> y, std::span<const double> u, std::size_t k,
                             const BootstrapOptions& bootstrap) {
  if (k < 1) throw std::invalid_argument("morris_indices: needs at least one input");
  const std::size_t per = k + 1;
  if (y.size() % per != 0 || u.size() != y.size() * k)
    throw std::invalid_argument("morris_indices: " + std::to_string(y.size()) +
                                " outputs are not whole trajectories of " + std::to_string(per) +
                                " rows, or the points do not match them");
  const std::size_t r_all = y.size() / per;
  // Per trajectory: the elementary effect of each input (each input moves once).
  std::vector<double> ee;  // [t_used * k + input]
  MorrisIndices out;
  out.inputs.assign(k, MorrisEffects{});
  bool constant = true;
  double first_value = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t t = 0; t < r_all; ++t) {
    const auto yt = y.subspan(t * per, per);
    std::vector<double> effects(k, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t s = 0; s < k; ++s) {
      const std::size_t row = t * per + s;
      std::size_t moved = k, changes = 0;
      for (std::size_t i = 0; i < k; ++i)
        if (u[(row + 1) * k + i] != u[row * k + i]) ++changes, moved = i;
      if (changes != 1 || !std::isnan(effects[moved]))
        throw std::invalid_argument("morris_indices: rows " + std::to_string(row) + " and " +
                                    std::to_string(row + 1) +
                                    " are not one step of a trajectory (one input moves per step, "
                                    "each input once)");
      const double du = u[(row + 1) * k + moved] - u[row * k + moved];
      effects[moved] = (yt[s + 1] - yt[s]) / du;
    }
    if (!std::all_of(yt.begin(), yt.end(), [](double v) { return std::isfinite(v); })) {
      ++out.trajectories_dropped;
      continue;
    }
    for (const double v : yt) {
      if (std::isnan(first_value)) first_value = v;
      constant = constant && v == first_value;
    }
    ee.insert(ee.end(), effects.begin(), effects.end());
  }
  const std::size_t r = ee.size() / k;
  out.trajectories_used = r;
  if (r < 2) {
    out.status = IndexStatus::too_few;
    for (auto& e : out.inputs) e.mu = e.sigma = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  if (constant) out.status = IndexStatus::no_variance;
  const double dr = static_cast<double>(r);
  for (std::size_t i = 0; i < k; ++i) {
    double sum = 0.0, sum_abs = 0.0;
    for (std::size_t t = 0; t < r; ++t) {
      sum += ee[t * k + i];
      sum_abs += std::abs(ee[t * k + i]);
    }
    const double mu = sum / dr;
    double ss = 0.0;
    for (std::size_t t = 0; t < r; ++t) ss += (ee[t * k + i] - mu) * (ee[t * k + i] - mu);
    out.inputs[i].mu = mu;
    out.inputs[i].mu_star.value = sum_abs / dr;
    out.inputs[i].sigma = std::sqrt(ss / (dr - 1.0));
  }
  // mu* intervals: trajectories resampled with replacement (percentile bootstrap).
  const std::size_t n_boot = bootstrap.bootstrap_resamples;
  if (n_boot > 0) {
    std::vector<double> reps(k * n_boot);
    std::vector<std::uint32_t> idx(r);
    for (std::size_t b = 0; b < n_boot; ++b) {
      bootstrap_indices(bootstrap.seed, b, r, idx);
      for (std::size_t i = 0; i < k; ++i) {
        double s = 0.0;
        for (const std::uint32_t t : idx) s += std::abs(ee[t * k + i]);
        reps[i * n_boot + b] = s / dr;
      }
    }
    for (std::size_t i = 0; i < k; ++i) {
      std::vector<double> column(reps.begin() + static_cast<std::ptrdiff_t>(i * n_boot),
                                 reps.begin() + static_cast<std::ptrdiff_t>((i + 1) * n_boot));
      out.inputs[i].mu_star.ci95 = percentile_interval95(column);
    }
  }
  return out;
}

}  // namespace launchmc::sensitivity
