// Rewrites scalar values inside a YAML config's text, keeping every other byte (comments, layout,
// quoting, key order) as it was.
#pragma once

#include <string>
#include <vector>

#include "config/config_error.hpp"

namespace launchmc::config {

// One scalar to rewrite: `path` in parameter-path syntax ("vehicle.stages[1].thrust_vac_N",
// "guidance.pitch_program[2][1]"); `value` is the new value, e.g. "1.2345e6". A plain scalar is
// replaced by `value` verbatim; inside single or double quotes `value` is escaped as needed and the
// quotes are kept.
struct ScalarEdit {
  std::string path;
  std::string value;
};

// Returns `text` with the scalar at each path replaced by its new value. Everything else is
// unchanged: comments, blank lines, CRLF line ends, flow ({a: 1}) and block styles, other values.
// Re-reading the result gives exactly the tree that set_scalar() would give for the same edits
// (this is checked before returning).
// Throws ConfigError ("file:line:col: path: ...", file = file_for_messages) if the text does not
// parse, a path is malformed, names nothing, names a map, a list or a null, goes through an alias
// (*name: edit the anchored value instead), names a block scalar (| or >), is edited twice, or the
// new value cannot be written there (e.g. "a: b" or "[1]" as a plain scalar).
std::string replace_scalars(const std::string& text, const std::vector<ScalarEdit>& edits,
                            const std::string& file_for_messages);

}  // namespace launchmc::config
