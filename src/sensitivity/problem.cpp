// Unit-cube points to input values (see problem.hpp).
#include "sensitivity/problem.hpp"

#include <stdexcept>

#include "uncertainty/random_stream.hpp"

namespace launchmc::sensitivity {

void to_inputs(const Problem& problem, std::span<const double> u, std::span<double> x) {
  if (u.size() != problem.dimensions() || x.size() < u.size())
    throw std::invalid_argument("sensitivity::to_inputs: point size does not match the problem");
  for (std::size_t j = 0; j < u.size(); ++j)
    x[j] = problem.inputs[j].distribution.quantile(uncertainty::u_to_open(u[j]));
}

}  // namespace launchmc::sensitivity
