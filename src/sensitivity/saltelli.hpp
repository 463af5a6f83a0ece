// Variance-based (Sobol') sensitivity indices: Saltelli's sampling design on a randomised Sobol'
// sequence, and the first-order, total and second-order estimators with bootstrap intervals.
//
// References:
//  - I. M. Sobol', "Global sensitivity indices for nonlinear mathematical models and their Monte
//    Carlo estimates", Math. Comput. Simul. 55, 271-280, 2001 (the indices).
//  - A. Saltelli, "Making best use of model evaluations to compute sensitivity indices", Comput.
//    Phys. Commun. 145, 280-297, 2002 (the A, B, AB_i, BA_i design; second-order indices).
//  - A. Saltelli, P. Annoni, I. Azzini, F. Campolongo, M. Ratto, S. Tarantola, "Variance based
//    sensitivity analysis of model output. Design and estimator for the total sensitivity
//    index", Comput. Phys. Commun. 181, 259-270, 2010 (Table 2 (b): first order; (f): total).
//  - M. J. W. Jansen, "Analysis of variance designs for model output", Comput. Phys. Commun. 117,
//    35-43, 1999 (the total-effect estimator of Table 2 (f)).
//
// The design (rows in this order, the layout SALib's saltelli.sample uses): for each base point
// j = 0..N-1 a block of k + 2 rows (2k + 2 with second order):
//   A_j, AB_1j, ..., AB_kj, [BA_1j, ..., BA_kj,] B_j
// where (A_j, B_j) is point j of a 2k-dimensional Sobol' sequence (A: dimensions 0..k-1, B:
// k..2k-1), AB_ij is A_j with input i taken from B_j, and BA_ij is B_j with input i taken from
// A_j. The sequence keeps its point 0 and is randomised by a digital shift seeded by the user's
// seed (uncertainty/sampler.hpp), so every base point is uniform on the cube and a 2^m prefix
// keeps the net's balance. Every row of block j has stream index j (uncertainty/design.hpp):
// draws that are not inputs of the study are shared by the rows of one base point.
//
// Limits: the inputs must be independent (correlated inputs are refused by the callers); the
// estimators assume a finite output variance. Estimates are not clipped into [0, 1]: with a small
// N they can be slightly negative or above 1, as the intervals show.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "sensitivity/bootstrap.hpp"
#include "uncertainty/design.hpp"
#include "uncertainty/sampler.hpp"

namespace launchmc::sensitivity {

// Where a row sits in its base block.
struct SaltelliRow {
  std::uint64_t base = 0;  // base point j
  // 0: A; 1..k: AB_i with i = role - 1; k+1..2k: BA_i with i = role - k - 1 (second order);
  // k+1 (first order only) or 2k+1: B.
  std::size_t role = 0;
};

class SaltelliDesign final : public uncertainty::Design {
 public:
  // k >= 1 inputs (2k <= 3667, Boost's Sobol' table), n_base >= 1 base points.
  SaltelliDesign(std::size_t k, std::uint64_t n_base, std::uint64_t seed, bool second_order);

  std::string_view name() const noexcept override { return "saltelli"; }
  std::uint64_t rows() const noexcept override { return n_base_ * rows_per_base(); }
  std::size_t dimensions() const noexcept override { return k_; }
  // The row's point of the unit cube; returns its stream index, the base point j. Allocation-free
  // after a thread's first call (a thread-local scratch of 2k values); thread-safe.
  std::uint64_t row(std::uint64_t i, std::span<double> u) const override;

  std::size_t rows_per_base() const noexcept { return second_order_ ? 2 * k_ + 2 : k_ + 2; }
  std::uint64_t n_base() const noexcept { return n_base_; }
  bool second_order() const noexcept { return second_order_; }
  SaltelliRow where(std::uint64_t i) const noexcept {
    return {i / rows_per_base(), static_cast<std::size_t>(i % rows_per_base())};
  }

 private:
  std::size_t k_;
  std::uint64_t n_base_;
  bool second_order_;
  uncertainty::Sampler sobol_;  // 2k dimensions, digitally shifted
};

using SobolOptions = BootstrapOptions;

struct SobolIndices {
  IndexStatus status = IndexStatus::ok;
  std::uint64_t base_points_used = 0;     // base blocks where the output has no NaN
  std::uint64_t base_points_dropped = 0;  // blocks with a NaN in any of their rows
  double mean = 0.0;                      // of the output over the used A and B rows
  double variance = 0.0;                  // V: population variance over the used A and B rows
  std::vector<Estimate> first;            // S1_i (Saltelli 2010, Table 2 (b))
  std::vector<Estimate> total;            // ST_i (Jansen 1999; Saltelli 2010, Table 2 (f))
  // S2_ij for i < j at second[i][j] (Saltelli 2002); empty without second order. The diagonal
  // and the lower triangle are NaN.
  std::vector<std::vector<Estimate>> second;
};

// The indices of one output from its values y on the design's rows, in design order
// (y.size() == n_base * rows_per_base). A base point with a NaN in any of its rows is left out
// (counted in base_points_dropped). The output is centred on the mean of the used A and B rows
// first (which leaves the estimators' expectations unchanged and their variance lower for outputs
// far from zero). Intervals: percentile bootstrap over the used base points, B resamples drawn
// from RandomStream(options.seed, b, bootstrap), so the result is a pure function of its inputs.
SobolIndices sobol_indices(std::span<const double> y, std::size_t k, bool second_order,
                           const SobolOptions& options = {});

}  // namespace launchmc::sensitivity
