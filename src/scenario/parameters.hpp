// Numeric parameters of a Scenario addressed by their config path ("vehicle.stages[1].thrust_vac_N"),
// so that a Monte Carlo sample can set them directly in a scenario copy without re-reading YAML.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.hpp"

namespace launchmc {

struct ParameterRef {
  double* value = nullptr;  // null: the path names nothing
  double min_value = -1e308;  // values below (or equal, if min_open) are not physical
  bool min_open = false;
  std::string why_not;      // when value is null: what is wrong with the path

  explicit operator bool() const noexcept { return value != nullptr; }
  bool admissible(double x) const noexcept { return min_open ? x > min_value : x >= min_value; }
};

// Resolves `path` in `scenario`. The pointer stays valid while the scenario object lives and its
// vectors are not resized.
ParameterRef resolve_parameter(Scenario& scenario, std::string_view path);

// Every addressable path of this scenario (for messages and documentation).
std::vector<std::string> parameter_paths(const Scenario& scenario);

}  // namespace launchmc
