// Builds a validated Scenario from a YAML config (see docs/config.md for the schema).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "config/yaml_reader.hpp"
#include "scenario/dispersions.hpp"
#include "scenario/scenario.hpp"

namespace launchmc::config {

// An override "path=value" applied to the config text before it is read (e.g. from --set).
struct Override {
  std::string path;
  std::string value;
};
Override parse_override(std::string_view text);  // "stages[1].thrust_vac_N=1.2e6"

// A whole config: the nominal scenario and what is uncertain about it.
struct LoadedConfig {
  Scenario scenario;
  Dispersions dispersions;
};
LoadedConfig load_config(const std::string& text, const std::string& file_for_messages,
                         const std::vector<Override>& overrides = {});
LoadedConfig load_config_file(const std::string& path, const std::vector<Override>& overrides = {});

// Reads, overrides and validates. Throws ConfigError ("file:line:col: path: constraint").
Scenario load_scenario(const std::string& text, const std::string& file_for_messages,
                       const std::vector<Override>& overrides = {});
Scenario load_scenario_file(const std::string& path, const std::vector<Override>& overrides = {});

// Largest config file read_text_file accepts [bytes] (the bundled configs are ~10-30 KiB).
inline constexpr std::size_t kMaxConfigBytes = std::size_t{4} << 20;  // 4 MiB

// The text of a config file. ConfigError if it cannot be read, is not a regular file (a
// directory, a FIFO, /dev/zero) or is larger than kMaxConfigBytes.
std::string read_text_file(const std::string& path);

}  // namespace launchmc::config
