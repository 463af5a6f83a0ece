// Numeric parameters of a Scenario addressed by their config path
// ("vehicle.stages[1].thrust_vac_N"), so that a Monte Carlo sample can set them directly in a
// scenario copy without re-reading YAML. The binding walks the config schema
// (scenario/schema_fields.hpp): a path resolves to the field's double with the range and
// dispersability its declaration gives.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.hpp"
#include "scenario/schema.hpp"

namespace launchmc {

struct ParameterRef {
  double* value = nullptr;   // null: the path names nothing
  schema::Range range;       // the values the config accepts (a drawn value outside is not flown)
  bool dispersable = false;  // a Monte Carlo input or `target --vary` may set it
  std::string why_not;       // when value is null: what is wrong with the path

  explicit operator bool() const noexcept { return value != nullptr; }
  bool admissible(double x) const noexcept { return range.contains(x); }
};

// Resolves `path` in `scenario`. The pointer stays valid while the scenario object lives and its
// vectors are not resized. Bindable: every number of the schema that the scenario has (scalar
// keys, the components of a navigation bias, the value cells of the pitch program); not:
// integers (gravity.degree, fairing pieces), keys held in another form (an energy cutoff in km,
// an orbit target's semi-major axis and eccentricity), and the other tables' cells.
ParameterRef resolve_parameter(Scenario& scenario, std::string_view path);

// Every path that resolve_parameter binds in this scenario, in schema order.
std::vector<std::string> parameter_paths(const Scenario& scenario);

}  // namespace launchmc
