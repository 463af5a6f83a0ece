// Rank sensitivity measures of an ordinary run file (`launchmc summarize --sensitivity`): for
// each scalar outcome, Spearman, PRCC and SRRC of every dispersed input, from the rows the run
// already flew (src/sensitivity/rank_measures.hpp does the statistics; this file picks the
// columns, as the summary defines its outcomes, and the rows where each outcome is defined).
#pragma once

#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "sensitivity/rank_measures.hpp"

namespace launchmc::io {

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
