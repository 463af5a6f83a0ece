// Text and JSON renderings of a Monte Carlo run's summary, for `run` and `summarize`: rounded to
// the digits that mean something for the text, every digit for JSON (keys: docs/json.md).
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "engine/summary.hpp"

namespace launchmc::io {

nlohmann::json summary_to_json(const engine::Summary& s);
void print_summary(std::ostream& out, const engine::Summary& s);

}  // namespace launchmc::io
