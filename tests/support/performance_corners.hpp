// The 8 corners of a stage's performance dispersion used by the guidance tests: thrust +-5 %,
// Isp +-2 %, mass +-3 % (the perturbed initial states), and the config overrides that put
// a stage of a bundled scenario at one of them.
#pragma once

#include <array>
#include <ostream>
#include <string>
#include <vector>

#include "config/load_scenario.hpp"

namespace launchmc::testing_support {

struct PerformanceCorner {
  double thrust = 1.0, isp = 1.0, mass = 1.0;  // factors on the nominal values
};

inline std::ostream& operator<<(std::ostream& out, const PerformanceCorner& c) {
  return out << "thrust x" << c.thrust << " isp x" << c.isp << " mass x" << c.mass;
}

inline constexpr std::array<PerformanceCorner, 8> kPerformanceCorners = {{
    {0.95, 0.98, 0.97},
    {0.95, 0.98, 1.03},
    {0.95, 1.02, 0.97},
    {0.95, 1.02, 1.03},
    {1.05, 0.98, 0.97},
    {1.05, 0.98, 1.03},
    {1.05, 1.02, 0.97},
    {1.05, 1.02, 1.03},
}};

// Overrides of stage `stage`'s vacuum thrust, Isp and dry mass at `c`, from their nominal values.
inline std::vector<config::Override> stage_at_corner(int stage, double thrust_vac_N,
                                                     double isp_vac_s, double dry_mass_kg,
                                                     const PerformanceCorner& c) {
  const std::string p = "vehicle.stages[" + std::to_string(stage) + "].";
  return {{p + "thrust_vac_N", std::to_string(thrust_vac_N * c.thrust)},
          {p + "isp_vac_s", std::to_string(isp_vac_s * c.isp)},
          {p + "dry_mass_kg", std::to_string(dry_mass_kg * c.mass)}};
}

}  // namespace launchmc::testing_support
