// A sensitivity problem: named model inputs, each with its own (absolute) distribution, assumed
// independent. Read from PROBLEM.yaml by config/load_problem.hpp; the designs map unit-cube points
// to input values through each distribution's inverse CDF.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "uncertainty/distribution.hpp"

namespace launchmc::sensitivity {

struct ProblemInput {
  std::string name;
  uncertainty::Distribution distribution;
};

struct Problem {
  std::vector<ProblemInput> inputs;
  std::size_t dimensions() const noexcept { return inputs.size(); }
};

// Input values of a unit-cube point: x_j = Q_j(u_j), u clamped into the open unit interval
// (uncertainty::u_to_open) so that unbounded distributions give finite values. x.size() must be
// at least u.size() == problem.dimensions().
void to_inputs(const Problem& problem, std::span<const double> u, std::span<double> x);

}  // namespace launchmc::sensitivity

namespace launchmc::sensitivity {
// "uniform(lo=0, hi=1)", "normal(mean=10, sd=2)", ...: for the design file and reports.
std::string describe(const uncertainty::Distribution& distribution);
}  // namespace launchmc::sensitivity
