// Rank-based sensitivity measures from any sample of inputs and outputs (an ordinary Monte Carlo
// run, weighted or not): Spearman's rank correlation, partial rank correlation coefficients
// (PRCC) and standardised rank regression coefficients (SRRC), each with a 95 % interval.
//
// References:
//  - C. Spearman, "The proof and measurement of association between two things", Am. J. Psychol.
//    15, 72-101, 1904.
//  - R. L. Iman & W. J. Conover, "The use of the rank transform in regression", Technometrics
//    21(4), 499-509, 1979; S. M. Blower & H. Dowlatabadi, "Sensitivity and uncertainty analysis
//    of complex models of disease transmission", Int. Stat. Rev. 62(2), 229-243, 1994 (PRCC);
//    A. Saltelli et al., Global Sensitivity Analysis: The Primer, Wiley 2008, ch. 1.2 (SRC/SRRC).
//  - R. A. Fisher, "Frequency distribution of the values of the correlation coefficient in
//    samples from an indefinitely large population", Biometrika 10, 507-521, 1915 (z transform;
//    for a partial correlation given q variables the standard error is 1/sqrt(n - 3 - q));
//    E. C. Fieller, H. O. Hartley & E. S. Pearson, "Tests for rank correlation coefficients. I",
//    Biometrika 44, 470-481, 1957 (var(atanh r_s) ~ 1.06 / (n - 3) for Spearman's r_s).
//
// Weights (stratified runs): a row of weight w counts as w rows. Ranks are weighted mid-ranks,
// the mid-distribution function of the weighted sample: r_i = (W_below + W_tied / 2) / W with
// W_below the weight of the rows with a smaller value, W_tied that of the rows with the same value
// (row i included) and W the total weight. Unweighted this is (mid-rank - 1/2) / n, an affine map
// of the usual mid-rank that leaves every coefficient unchanged. Correlations and regressions are
// then weighted (weighted means and covariances), and the interval formulas use Kish's effective
// sample size n_eff = (sum w)^2 / sum w^2 in place of n (L. Kish, Survey Sampling, Wiley 1965,
// sec. 11.7).
//
// Computation: with R the weighted correlation matrix of the k input ranks and the output rank,
// P = R^-1, PRCC_j = -P_jy / sqrt(P_jj P_yy) (the correlation of the residuals of x_j and y after
// a linear regression of both on the other ranks); SRRC = R_xx^-1 r_xy, with standard errors
// sqrt((1 - R^2) (R_xx^-1)_jj / (n_eff - k - 1)) and a normal 95 % interval (+- 1.96 se).
//
// Limits: rank measures see monotone effects only (a symmetric effect such as x^2 on a symmetric
// input gives ~0); PRCC and SRRC need n_eff > k + 3 rows and inputs that are not exact linear
// functions of each other's ranks.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "sensitivity/bootstrap.hpp"

namespace launchmc::sensitivity {

struct RankMeasures {
  IndexStatus status = IndexStatus::ok;  // no_variance: y constant; too_few: < 3 usable rows
  std::size_t rows_used = 0;             // rows with finite inputs, output and a positive weight
  std::size_t rows_dropped = 0;          // the others (a NaN or infinity, or weight 0)
  double effective_n = 0.0;              // Kish's n_eff (= rows_used without weights)
  double rank_r2 = std::numeric_limits<double>::quiet_NaN();  // R^2 of the rank regression
  std::vector<Estimate> spearman, prcc, srrc;                 // per input; NaN for a constant input
};

// x: rows x k inputs, row-major; y: the output per row; weights: empty (all 1) or one per row,
// finite and >= 0 (std::invalid_argument otherwise, as for mismatched sizes).
RankMeasures rank_measures(std::span<const double> x, std::size_t k, std::span<const double> y,
                           std::span<const double> weights = {});

// The weighted mid-ranks of `values` (see above); exposed for the tests.
std::vector<double> weighted_ranks(std::span<const double> values, std::span<const double> weights);

}  // namespace launchmc::sensitivity
