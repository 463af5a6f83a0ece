// Spearman, PRCC and SRRC with intervals, weighted (see rank_measures.hpp for the methods and
// their references).
#include "sensitivity/rank_measures.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace launchmc::sensitivity {

namespace {

constexpr double kZ95 = 1.959963984540054;  // Phi^-1(0.975)

Interval fisher_interval(double r, double se) {
  if (!std::isfinite(r) || !(se > 0.0) || !std::isfinite(se)) return {};
  if (std::abs(r) >= 1.0) return {r, r};
  const double z = std::atanh(r);
  return {std::tanh(z - kZ95 * se), std::tanh(z + kZ95 * se)};
}

}  // namespace

std::vector<double> weighted_ranks(std::span<const double> values,
                                   std::span<const double> weights) {
  const std::size_t n = values.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  auto w = [&](std::size_t i) { return weights.empty() ? 1.0 : weights[i]; };
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) total += w(i);
  std::vector<double> ranks(n);
  double below = 0.0;
  for (std::size_t a = 0; a < n;) {
    std::size_t b = a;
    double tied = 0.0;
    while (b < n && values[order[b]] == values[order[a]]) tied += w(order[b++]);
    const double r = (below + 0.5 * tied) / total;
    for (std::size_t c = a; c < b; ++c) ranks[order[c]] = r;
    below += tied;
    a = b;
  }
  return ranks;
}

RankMeasures rank_measures(std::span<const double> x, std::size_t k, std::span<const double> y,
                           std::span<const double> weights) {
  const std::size_t n_all = y.size();
  if (k < 1 || x.size() != n_all * k || (!weights.empty() && weights.size() != n_all))
    throw std::invalid_argument("rank_measures: " + std::to_string(x.size()) + " input values, " +
                                std::to_string(n_all) + " outputs and " +
                                std::to_string(weights.size()) +
                                " weights do not match k = " + std::to_string(k));
  for (const double w : weights)
    if (!(w >= 0.0) || !std::isfinite(w))
      throw std::invalid_argument("rank_measures: weights must be finite and >= 0");
  RankMeasures out;
  out.spearman.assign(k, Estimate{});
  out.prcc.assign(k, Estimate{});
  out.srrc.assign(k, Estimate{});
  // Usable rows.
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < n_all; ++i) {
    bool ok = std::isfinite(y[i]) && (weights.empty() || weights[i] > 0.0);
    for (std::size_t j = 0; ok && j < k; ++j) ok = std::isfinite(x[i * k + j]);
    if (ok) rows.push_back(i);
  }
  const std::size_t n = rows.size();
  out.rows_used = n;
  out.rows_dropped = n_all - n;
  std::vector<double> w(n, 1.0);
  if (!weights.empty())
    for (std::size_t r = 0; r < n; ++r) w[r] = weights[rows[r]];
  double sw = 0.0, sw2 = 0.0;
  for (const double v : w) sw += v, sw2 += v * v;
  out.effective_n = n > 0 ? sw * sw / sw2 : 0.0;
  if (n < 3) {
    out.status = IndexStatus::too_few;
    return out;
  }
  // Rank columns: the k inputs, then the output.
  const auto m = static_cast<Eigen::Index>(k + 1);
  Eigen::MatrixXd ranks(static_cast<Eigen::Index>(n), m);
  std::vector<double> column(n);
  // Constant columns are found on the values: tied values get bit-identical ranks, but the
  // weighted mean of equal ranks can differ from them in the last bit, so a constant column's
  // rounded variance (~1e-32) would pass for variation and poison the regression (a failure
  // mode's indicator on the rows that reach orbit, where it is always 0).
  std::vector<bool> constant(k + 1);
  for (std::size_t j = 0; j <= k; ++j) {
    for (std::size_t r = 0; r < n; ++r) column[r] = j < k ? x[rows[r] * k + j] : y[rows[r]];
    const std::vector<double> rk = weighted_ranks(column, w);
    constant[j] = std::all_of(rk.begin(), rk.end(), [&](double v) { return v == rk[0]; });
    for (std::size_t r = 0; r < n; ++r)
      ranks(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(j)) = rk[r];
  }
  // Weighted covariance matrix of the ranks, then correlations.
  const Eigen::Map<const Eigen::VectorXd> wv(w.data(), static_cast<Eigen::Index>(n));
  const Eigen::RowVectorXd mean = (wv.transpose() * ranks) / sw;
  const Eigen::MatrixXd centred = ranks.rowwise() - mean;
  const Eigen::MatrixXd cov = centred.transpose() * wv.asDiagonal() * centred / sw;
  Eigen::VectorXd sd = cov.diagonal().cwiseSqrt();
  for (std::size_t j = 0; j <= k; ++j)
    if (constant[j]) sd(static_cast<Eigen::Index>(j)) = 0.0;
  const Eigen::Index iy = m - 1;
  if (!(sd(iy) > 0.0)) {
    out.status = IndexStatus::no_variance;
    return out;
  }
  // Inputs whose rank varies; a constant input has no measure and is left out of the regression.
  std::vector<Eigen::Index> active;
  for (Eigen::Index j = 0; j < iy; ++j)
    if (sd(j) > 0.0) active.push_back(j);
  Eigen::MatrixXd corr(m, m);
  for (Eigen::Index a = 0; a < m; ++a)
    for (Eigen::Index b = 0; b < m; ++b)
      corr(a, b) = sd(a) > 0 && sd(b) > 0 ? cov(a, b) / (sd(a) * sd(b)) : 0.0;
  const double neff = out.effective_n;
  const double se_spearman = neff > 3.0 ? std::sqrt(1.06 / (neff - 3.0)) : 0.0;
  for (const Eigen::Index j : active) {
    Estimate& e = out.spearman[static_cast<std::size_t>(j)];
    e.value = corr(j, iy);
    e.ci95 = fisher_interval(e.value, se_spearman);
  }
  const auto q = static_cast<Eigen::Index>(active.size());
  if (q == 0 || !(neff > static_cast<double>(q) + 3.0)) return out;
  // The active inputs' correlation matrix, and [R_xx r_xy; r_xy' 1].
  Eigen::MatrixXd full(q + 1, q + 1);
  for (Eigen::Index a = 0; a <= q; ++a)
    for (Eigen::Index b = 0; b <= q; ++b)
      full(a, b) = corr(a < q ? active[static_cast<std::size_t>(a)] : iy,
                        b < q ? active[static_cast<std::size_t>(b)] : iy);
  const Eigen::MatrixXd rxx = full.topLeftCorner(q, q);
  const Eigen::VectorXd rxy = full.topRightCorner(q, 1);
  const Eigen::FullPivLU<Eigen::MatrixXd> lu_xx(rxx);
  const Eigen::FullPivLU<Eigen::MatrixXd> lu_full(full);
  if (!lu_xx.isInvertible() || !lu_full.isInvertible()) return out;  // collinear ranks
  const Eigen::MatrixXd p = lu_full.inverse();
  const Eigen::MatrixXd rxx_inv = lu_xx.inverse();
  const Eigen::VectorXd beta = rxx_inv * rxy;
  const double r2 = rxy.dot(beta);
  out.rank_r2 = r2;
  const double se_prcc = 1.0 / std::sqrt(neff - 3.0 - static_cast<double>(q - 1));
  const double resid = std::max(0.0, 1.0 - r2) / (neff - static_cast<double>(q) - 1.0);
  for (Eigen::Index a = 0; a < q; ++a) {
    const auto j = static_cast<std::size_t>(active[static_cast<std::size_t>(a)]);
    Estimate& pr = out.prcc[j];
    pr.value = -p(a, q) / std::sqrt(p(a, a) * p(q, q));
    pr.ci95 = fisher_interval(pr.value, se_prcc);
    Estimate& s = out.srrc[j];
    s.value = beta(a);
    const double se = std::sqrt(resid * rxx_inv(a, a));
    s.ci95 = {s.value - kZ95 * se, s.value + kZ95 * se};
  }
  return out;
}

}  // namespace launchmc::sensitivity
