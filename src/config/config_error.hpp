// The error of a config that cannot be used (text, file, overrides): what() is
// "file:line:col: path: message". Callers catch it to exit with status 2.
#pragma once

#include <stdexcept>

namespace launchmc::config {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace launchmc::config
