// Reads a sensitivity problem (PROBLEM.yaml of `launchmc sensitivity sample`): named inputs with
// absolute distributions in the config's distribution vocabulary (docs/sensitivity.md).
#pragma once

#include <string>

#include "config/config_error.hpp"
#include "sensitivity/problem.hpp"

namespace launchmc::config {

// Throws ConfigError "file:line:col: path: constraint" for anything it cannot use, as the config
// reader does: unknown or duplicate keys, a missing or second distribution, bad parameters,
// duplicate or unusable names, and `correlations` (the estimators need independent inputs).
sensitivity::Problem load_problem(const std::string& text, const std::string& file_for_messages);
sensitivity::Problem load_problem_file(const std::string& path);

}  // namespace launchmc::config
