// Unit-cube points to input values (see problem.hpp).
#include "sensitivity/problem.hpp"

#include <fmt/format.h>

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

namespace launchmc::sensitivity {

std::string describe(const uncertainty::Distribution& d) {
  using uncertainty::DistributionKind;
  switch (d.kind()) {
    case DistributionKind::normal:
      return fmt::format("normal(mean={:.17g}, sd={:.17g})", d.parameter_mean(), d.parameter_sd());
    case DistributionKind::truncated_normal:
      return fmt::format("truncated_normal(mean={:.17g}, sd={:.17g}, lo={:.17g}, hi={:.17g})",
                         d.parameter_mean(), d.parameter_sd(), d.lo(), d.hi());
    case DistributionKind::uniform:
      return fmt::format("uniform(lo={:.17g}, hi={:.17g})", d.lo(), d.hi());
    case DistributionKind::triangular:
      return fmt::format("triangular(lo={:.17g}, mode={:.17g}, hi={:.17g})", d.lo(), d.mode(),
                         d.hi());
    case DistributionKind::lognormal:
      return fmt::format("lognormal(mean={:.17g}, sd={:.17g})", d.parameter_mean(),
                         d.parameter_sd());
    case DistributionKind::discrete:
      return fmt::format("discrete(mean={:.17g}, variance={:.17g})", d.mean(), d.variance());
  }
  return "unknown";
}

}  // namespace launchmc::sensitivity
