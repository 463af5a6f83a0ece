// Rank sensitivity measures of an ordinary run file (`launchmc summarize --sensitivity`): for
// each scalar outcome, Spearman, PRCC and SRRC of every dispersed input, from the rows the run
// already flew (src/sensitivity/rank_measures.hpp does the statistics; this file picks the
// columns, as the summary defines its outcomes, and the rows where each outcome is defined).
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "engine/outcome.hpp"
#include "sensitivity/rank_measures.hpp"

namespace launchmc::io {

struct RunFile;

// One scalar outcome of every row of a run file (NaN where the row does not define it).
struct OutcomeColumn {
  std::string name;  // e.g. catalog_perigee_alt_km, stage1.downrange_km, success
  std::string unit;
  std::string meaning;
  std::vector<double> values;  // [row]
};
struct RunOutcomes {
  std::size_t rows = 0;
  // The outcomes that some row defines, in a fixed order: success, target_orbit (with a target
  // orbit), the catalogue perigee and apogee, inclination, insertion time, the vehicle's apogee
  // and range, then each body's (and the vehicle's) impact downrange and crossrange offsets from
  // its mean impact point.
  std::vector<OutcomeColumn> columns;
};
// Called for every row as the file is read (the file's info, the block, the row in the block, the
// row in the file), e.g. to collect the inputs in the same pass.
using RowVisitor =
    std::function<void(const RunFile&, const engine::Block&, std::size_t, std::size_t)>;
// Reads `path` once, in slices, beside the summary reducer whose mean impact points define the
// offsets. Memory: rows x outcomes doubles. A file that is not a run file throws
// std::runtime_error (RunFileReader's).
RunOutcomes run_outcomes(const std::filesystem::path& path, const RowVisitor& each_row = {});

struct OutcomeRanking {
  std::string name;  // e.g. catalog_perigee_alt_km, stage1.downrange_km, success
  std::string unit;
  std::string meaning;
  std::size_t rows_undefined = 0;  // rows where the outcome is undefined (NaN: no orbit, no impact)
  sensitivity::RankMeasures measures;
};

struct RunSensitivity {
  std::string path;
  std::size_t rows = 0;                  // rows of the file
  bool weighted = false;                 // stratified run: rows carry /outcome/weight
  std::vector<std::string> input_names;  // the inputs ranked, in the file's order (see .cpp)
  std::vector<std::string> notes;        // inputs of the file left out, and why
  std::vector<OutcomeRanking> outcomes;
};

// Reads `path` once, in slices. Memory: rows x (inputs + outcomes) doubles. `only` (empty: all)
// names the outcomes to compute; an unknown name throws std::invalid_argument listing the
// available ones. A file that is not a run file throws std::runtime_error (RunFileReader's).
RunSensitivity run_file_sensitivity(const std::filesystem::path& path,
                                    const std::vector<std::string>& only = {});

// The inputs of `o` ranked by |PRCC|, largest first (inputs without a PRCC last, by |Spearman|;
// ties keep the file's order): indices into RunSensitivity::input_names.
std::vector<std::size_t> ranking(const OutcomeRanking& o);

// `summarize --sensitivity --json` (docs/json.md): inputs in ranking order, NaN as null.
nlohmann::ordered_json run_sensitivity_to_json(const RunSensitivity& s);
// A ranked table per outcome.
void print_run_sensitivity(std::ostream& out, const RunSensitivity& s);

}  // namespace launchmc::io
