// A containment ellipse as the summaries report it (engine/summary.hpp, engine/failure_report.hpp).
#pragma once

#include <limits>

namespace launchmc::engine {

struct EllipseStats {
  double probability = 0, semi_major_km = 0, semi_minor_km = 0, orientation_deg = 0;
  // The share of the body's impacts inside the ellipse (stats::contained_fractions): equals
  // `probability` within sampling error when the footprint is Gaussian.
  double contained_fraction = std::numeric_limits<double>::quiet_NaN();
};

}  // namespace launchmc::engine
