// A study: the nominal model of one launch, what is uncertain about it, and where it came from.
// The config loader (config/load_scenario) builds one; a Monte Carlo run samples it; what a
// sample draws travels beside the model (scenario/draws.hpp), never inside it.
#pragma once

#include <string>
#include <vector>

#include "scenario/dispersions.hpp"
#include "scenario/scenario.hpp"

namespace launchmc {

struct Study {
  Scenario scenario;        // the nominal model
  Dispersions dispersions;  // dispersed inputs, correlations, environment draws, failure modes

  // Metadata: the title, the config as read, and the --set overrides applied to it, in order.
  std::string name;
  std::string config_path;
  std::string config_text;
  std::vector<std::string> overrides;  // "PATH=VALUE"
};

}  // namespace launchmc
