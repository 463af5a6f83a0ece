// Builds a validated Study (the nominal Scenario, its Dispersions and where it came from) from a
// YAML config (see docs/config.md for the schema). The public header of config/: no yaml-cpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.hpp"
#include "scenario/study.hpp"

namespace launchmc::config {

// An override "path=value" applied to the config text before it is read (e.g. from --set).
struct Override {
  std::string path;
  std::string value;
};
Override parse_override(std::string_view text);  // "stages[1].thrust_vac_N=1.2e6"

// Reads, overrides and validates. Throws ConfigError ("file:line:col: path: constraint").
Study load_config(const std::string& text, const std::string& file_for_messages,
                  const std::vector<Override>& overrides = {});
Study load_config_file(const std::string& path, const std::vector<Override>& overrides = {});

// The nominal scenario alone.
Scenario load_scenario(const std::string& text, const std::string& file_for_messages,
                       const std::vector<Override>& overrides = {});
Scenario load_scenario_file(const std::string& path, const std::vector<Override>& overrides = {});

// A config text of the study's model and failure modes, every key written out (defaults too), in
// schema order; reading it back gives the same model. Comments, `uncertainties` and the
// alternative forms a config may have used (an orbit's a and e) are not kept.
std::string write_config(const Study& study);

// Largest config file read_text_file accepts [bytes] (the bundled configs are ~10-30 KiB).
inline constexpr std::size_t kMaxConfigBytes = std::size_t{4} << 20;  // 4 MiB

// The text of a config file. ConfigError if it cannot be read, is not a regular file (a
// directory, a FIFO, /dev/zero) or is larger than kMaxConfigBytes.
std::string read_text_file(const std::string& path);

}  // namespace launchmc::config
