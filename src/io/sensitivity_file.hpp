// The files of `launchmc sensitivity sample|analyze`: the design file (/design: one row per model
// evaluation), the users' output table (CSV), and the indices (/sensitivity), as JSON and as a
// ranked text table. Layouts: docs/hdf5_format.md; JSON: docs/json.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sensitivity/morris.hpp"
#include "sensitivity/problem.hpp"
#include "sensitivity/rank_measures.hpp"
#include "sensitivity/saltelli.hpp"
#include "uncertainty/design.hpp"

namespace launchmc::io {

inline constexpr const char* kSensitivityDesignFormat = "launchmc-sensitivity-design";
inline constexpr const char* kSensitivityFormatVersion = "1.0";  // /design and /sensitivity

// What a design is: recorded as attributes of /design, read back by `analyze`.
struct SensitivityDesignInfo {
  std::string method;   // "sobol" (Saltelli's design) or "morris"
  std::uint64_t n = 0;  // sobol: base points N; morris: trajectories r
  std::size_t k = 0;    // inputs
  std::uint64_t seed = 0;
  bool second_order = false;  // sobol
  std::size_t levels = 0;     // morris: p (0 for sobol)
  std::uint64_t pool = 0;     // morris: candidate trajectories M (0 for sobol)
  // morris: Campolongo's spread sqrt(sum d^2) of the chosen trajectories (written, not read)
  double spread = std::numeric_limits<double>::quiet_NaN();
  std::uint64_t rows = 0;  // model evaluations
  std::vector<std::string> input_names;
  std::vector<std::string> input_distributions;  // as sensitivity::describe() gives them
};

// Writes the design to `path` through a temporary renamed onto it: /design with the info as
// attributes, /design/inputs/<name> (the input values), /design/u/<name> (the unit-cube points),
// /design/stream (each row's stream index: its base point or trajectory) and /design/role (its
// place in the block: Saltelli role, Morris step). Rows are computed and written in chunks:
// memory does not grow with the row count.
void write_sensitivity_design(const std::filesystem::path& path,
                              const sensitivity::Problem& problem,
                              const uncertainty::Design& design, const SensitivityDesignInfo& info);

struct SensitivityDesignFile {
  SensitivityDesignInfo info;
  std::vector<double> u;  // rows x k, row-major
  std::vector<double> x;  // the input values, rows x k, row-major
};
// Reads a design file; std::invalid_argument naming the file and what is wrong (not a design
// file, an unknown major version, attributes and datasets that disagree).
SensitivityDesignFile read_sensitivity_design(const std::filesystem::path& path);

// A CSV table of outputs: a header of names, then one row of numbers per design row.
struct OutputTable {
  std::vector<std::string> names;
  std::vector<std::vector<double>> columns;  // [output][row]
  std::size_t rows() const { return columns.empty() ? 0 : columns.front().size(); }
};
// Reads `path`: comma-separated, a header line of unique names (no '/', surrounding spaces and
// double quotes removed), then data lines of as many fields. An empty field or nan/NaN/NAN is a
// missing value (NaN); inf and -inf are read as infinities (both make the row's block unusable
// for the estimators); anything else that is not a whole number is refused. CRLF line ends are
// accepted, and a leading UTF-8 byte-order mark ignored; blank lines are allowed only at the end.
// Errors: std::invalid_argument "FILE:LINE[:FIELD]: what was expected".
OutputTable read_output_csv(const std::filesystem::path& path);

struct SensitivityOutput {
  std::string name;
  std::optional<sensitivity::SobolIndices> sobol;
  std::optional<sensitivity::MorrisIndices> morris;
  // Sobol' designs: Spearman, PRCC and SRRC on the 2N rows of A and B (every base point's two
  // independent draws; the AB_i rows repeat their values and are left out).
  std::optional<sensitivity::RankMeasures> ranks;
};

struct SensitivityAnalysis {
  SensitivityDesignInfo design;
  std::string design_file;
  std::string outputs_file;
  std::uint64_t bootstrap_resamples = 0;
  std::uint64_t bootstrap_seed = 0;
  std::vector<SensitivityOutput> outputs;
};

// The indices of every column of `table` on the design's rows (the row counts must agree:
// std::invalid_argument otherwise).
SensitivityAnalysis analyze_sensitivity(const SensitivityDesignFile& design,
                                        const OutputTable& table,
                                        const sensitivity::BootstrapOptions& bootstrap);

// {"method", "design", "outputs": {NAME: {"status", ..., "inputs": {INPUT: {"S1", "S1_ci95",
// "ST", "ST_ci95", "spearman", "spearman_ci95", "prcc", "prcc_ci95", "srrc", "srrc_ci95"}}}}}
// (Morris: "mu", "mu_star", "mu_star_ci95", "sigma"); NaN as null.
nlohmann::json sensitivity_to_json(const SensitivityAnalysis& analysis);
// Per output, the inputs ranked by ST (Morris: mu*), with intervals.
std::string sensitivity_text(const SensitivityAnalysis& analysis);
// /sensitivity in a new file at `path` (through a temporary renamed onto it).
void write_sensitivity_results(const std::filesystem::path& path,
                               const SensitivityAnalysis& analysis);
// /sensitivity added to the run file `run` of a `sensitivity CONFIG` study (through a copy
// renamed onto it: on failure the run file is left as it was).
void add_sensitivity_to_run_file(const std::filesystem::path& run,
                                 const SensitivityAnalysis& analysis);

}  // namespace launchmc::io
