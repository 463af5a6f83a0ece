// Exact sample quantiles of stored values: Hyndman & Fan (1996) definition 7, the default of R's
// quantile() and numpy's quantile()/percentile() (method "linear").
#pragma once

#include <span>
#include <vector>

namespace launchmc::stats {

// Definition 7: with the n values sorted x_0 <= ... <= x_{n-1}, h = (n - 1) p, j = floor(h),
// g = h - j:  Q(p) = x_j + g (x_{j+1} - x_j)  (x_j when g == 0). Q(0) = min, Q(1) = max, and
// Q(0.5) is the usual median. Interpolates as numpy does (from the nearer end), so the result is
// monotone in p and exact at the order statistics.
//
// quantile() reorders `values` (std::nth_element, O(n)); quantiles() sorts its copy once
// (O(n log n)) and returns one quantile per entry of ps, in the order given; both give identical
// results. Empty values -> NaN. NaNs must be removed by the caller: throws std::invalid_argument
// if any value is NaN, std::domain_error if p is not in [0, 1].
double quantile(std::vector<double>& values, double p);
std::vector<double> quantiles(std::vector<double> values, std::span<const double> ps);

}  // namespace launchmc::stats
