// Elementary-effects screening (Morris): trajectories on a p-level grid, chosen for their spread
// out of a larger pool, and the mu, mu* and sigma of each input's elementary effects.
//
// References:
//  - M. D. Morris, "Factorial sampling plans for preliminary computational experiments",
//    Technometrics 33(2), 161-174, 1991 (trajectories, elementary effects, mu and sigma).
//  - F. Campolongo, J. Cariboni, A. Saltelli, "An effective screening design for sensitivity
//    analysis of large models", Environ. Model. Softw. 22, 1509-1518, 2007 (mu* = mean |EE|, and
//    the selection of r trajectories out of a pool of M maximising their spread, eq. 3).
//
// Grid: input i of a trajectory point sits on one of p levels (p even, default 4). Level l maps
// to the unit-cube value u_l = (l + 1/2) / p, the middle of the l-th of p equiprobable strata, and
// then to the input through its inverse CDF, so that unbounded distributions (normal, lognormal)
// give finite values; a step moves one input by p/2 levels (Morris' Delta = p / (2 (p - 1)) of
// the standard grid l / (p - 1), the same jump in levels), which is Delta_u = 1/2 in u.
// An elementary effect is EE = (y(after) - y(before)) / (u_after - u_before): the output's change
// per unit of the input's probability scale. For an input uniform on [lo, hi] with y = a x,
// EE = a (hi - lo), the value SALib reports on its grid.
//
// Trajectory: a base point whose levels are drawn from {0, ..., p/2 - 1}, each input going up
// (from l to l + p/2) or down (from l + p/2 to l) with probability 1/2, the inputs moved one at a
// time in a random order: k + 1 points. Pool trajectory m is a pure function of (seed, m)
// (RandomStream(seed, m, morris)).
//
// Selection (Campolongo et al. 2007): the distance of trajectories a and b is the sum over their
// point pairs of the Euclidean distance (in u), d_ab = sum_i sum_j |X_a,i - X_b,j|, and the r
// chosen should maximise sqrt(sum over chosen pairs d^2). The exact search is combinatorial; this
// selection is greedy and deterministic: the pair of largest distance first, then repeatedly the
// candidate with the largest sum of squared distances to those chosen (ties to the lower index).
//
// Rows of the design: trajectory t (t = 0..r-1, in the order chosen) gives rows t (k + 1) ..
// t (k + 1) + k, its points in order. Every row of trajectory t has stream index t.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "sensitivity/bootstrap.hpp"
#include "uncertainty/design.hpp"

namespace launchmc::sensitivity {

struct MorrisDesignOptions {
  std::size_t levels = 4;  // p: even, 2..1024
  std::uint64_t pool = 0;  // M >= r candidates; 0: max(r, min(10 r, 500, ~sqrt(4e9/k^3)))
};

class MorrisDesign final : public uncertainty::Design {
 public:
  // k >= 1 inputs, r >= 2 trajectories (sigma needs two).
  MorrisDesign(std::size_t k, std::uint64_t r, std::uint64_t seed,
               const MorrisDesignOptions& options = {});

  std::string_view name() const noexcept override { return "morris"; }
  std::uint64_t rows() const noexcept override { return r_ * (k_ + 1); }
  std::size_t dimensions() const noexcept override { return k_; }
  std::uint64_t row(std::uint64_t i, std::span<double> u) const override;

  std::uint64_t trajectories() const noexcept { return r_; }
  std::uint64_t pool() const noexcept { return pool_; }
  std::size_t levels() const noexcept { return levels_; }
  // Pool index of each chosen trajectory, in design order.
  const std::vector<std::uint64_t>& chosen() const noexcept { return chosen_; }
  // Campolongo's spread sqrt(sum d^2) of the chosen trajectories (NaN without a selection,
  // pool == r, when r > 500).
  double spread() const noexcept { return spread_; }

 private:
  std::size_t k_;
  std::uint64_t r_;
  std::size_t levels_;
  std::uint64_t pool_;
  std::vector<std::uint64_t> chosen_;
  std::vector<double> points_;  // [row * k + input], u values of the chosen trajectories
  double spread_ = 0.0;
};

// One candidate trajectory (k + 1 points of k u-values, row-major): exposed for the tests.
std::vector<double> morris_trajectory(std::size_t k, std::size_t levels, std::uint64_t seed,
                                      std::uint64_t m);

// Campolongo's distance of two trajectories (k + 1 points each, row-major).
double trajectory_distance(std::span<const double> a, std::span<const double> b, std::size_t k);

struct MorrisEffects {
  Estimate mu_star;    // mean |EE| with its percentile-bootstrap interval (over trajectories)
  double mu = 0.0;     // mean EE
  double sigma = 0.0;  // standard deviation of EE (divisor r - 1)
};

struct MorrisIndices {
  IndexStatus status = IndexStatus::ok;
  std::uint64_t trajectories_used = 0;
  std::uint64_t trajectories_dropped = 0;  // a NaN (or infinity) in one of its outputs
  std::vector<MorrisEffects> inputs;
};

// The effects of one output. y: its values on the design's rows in design order; u: the rows'
// unit-cube points, row-major (rows x k), from which each step's input and Delta_u are read (a
// step must change exactly one input: otherwise std::invalid_argument naming the row). A
// trajectory with a non-finite output is left out. no_variance: every used output is equal
// (all effects are then exactly 0); too_few: fewer than 2 trajectories used.
MorrisIndices morris_indices(std::span<const double> y, std::span<const double> u, std::size_t k,
                             const BootstrapOptions& bootstrap = {});

}  // namespace launchmc::sensitivity
