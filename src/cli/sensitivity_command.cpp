// `launchmc sensitivity sample|analyze` (see sensitivity_command.hpp; methods in src/sensitivity,
// files in io/sensitivity_file.hpp, user docs in docs/sensitivity.md).
#include "cli/sensitivity_command.hpp"

#include <fmt/format.h>

#include <bit>
#include <iostream>

#include "cli/arguments.hpp"
#include "config/load_problem.hpp"
#include "io/output_file.hpp"
#include "io/sensitivity_file.hpp"
#include "sensitivity/morris.hpp"
#include "sensitivity/saltelli.hpp"

namespace launchmc::cli {

namespace {

// Most rows a design file may hold (a design of more is better flown by `sensitivity CONFIG`).
constexpr std::uint64_t kMaxDesignRows = std::uint64_t{1} << 32;

void prepare(const std::string& output, const std::vector<std::filesystem::path>& inputs) {
  io::check_output_path(output, "-o", inputs);
  const std::string note = io::describe(io::clean_stale_temporaries(output));
  if (!note.empty()) std::cerr << note << "\n";
}

}  // namespace

SensitivityCommand::SensitivityCommand(CLI::App& app) {
  command_ = app.add_subcommand(
      "sensitivity",
      "sensitivity studies: `sample` a design for any model, `analyze` its outputs (Sobol' "
      "indices or Morris screening)");
  command_->require_subcommand(1);

  sample_ = command_->add_subcommand(
      "sample", "write a sensitivity design (one row per model evaluation) for PROBLEM.yaml");
  sample_
      ->add_option("problem", problem_,
                   "PROBLEM.yaml: inputs: [{name: x1, uniform: {lo: 0, hi: 1}}, ...]")
      ->required();
  sample_->add_option("--method", method_, "sobol (Saltelli's design) or morris")
      ->capture_default_str();
  sample_
      ->add_option("-n,--samples", samples_,
                   "sobol: base points N (rows N(k+2), N(2k+2) with --second-order; a power of "
                   "2 is best); morris: trajectories r (rows r(k+1))")
      ->required()
      ->type_name("N");
  sample_->add_option("--seed", seed_, "seed, 0 to 2^64-1")->capture_default_str()->type_name("S");
  sample_->add_flag("--second-order", second_order_, "sobol: add the BA_i rows for S2 indices");
  sample_->add_option("--levels", levels_, "morris: grid levels p (even, 2 to 1024)")
      ->capture_default_str()
      ->type_name("P");
  sample_
      ->add_option("--pool", pool_,
                   "morris: candidate trajectories M >= r for Campolongo's selection "
                   "(default: 10 r, at most 500)")
      ->type_name("M");
  sample_->add_option("-o,--output", design_output_, "the design file (HDF5)")->required();

  analyze_ = command_->add_subcommand(
      "analyze", "sensitivity indices of a model's outputs on a design's rows");
  analyze_->add_option("design", design_, "design file written by `sensitivity sample`")
      ->required();
  analyze_
      ->add_option("--outputs", outputs_,
                   "CSV: a header of output names, then one line per design row in the design's "
                   "order (empty or nan: missing)")
      ->required()
      ->type_name("Y.csv");
  analyze_->add_flag("--json", json_, "print the indices as JSON");
  analyze_->add_option("-o,--output", results_output_,
                       "write the indices to this HDF5 file (/sensitivity)");
  analyze_
      ->add_option("--bootstrap", bootstrap_, "bootstrap resamples for the intervals, 0 to 100000")
      ->capture_default_str()
      ->type_name("B");
  analyze_
      ->add_option("--bootstrap-seed", bootstrap_seed_,
                   "seed of the resamples (default: the design's seed)")
      ->type_name("S");
}

int SensitivityCommand::run() const {
  if (sample_->parsed()) return run_sample();
  if (analyze_->parsed()) return run_analyze();
  throw UsageError("sensitivity: expected the subcommand sample or analyze");
}

int SensitivityCommand::run_sample() const {
  const std::uint64_t seed = parse_whole(seed_, "--seed", 0, UINT64_MAX);
  const std::uint64_t n = parse_whole(samples_, "-n", 1, kMaxDesignRows);
  if (method_ != "sobol" && method_ != "morris")
    throw UsageError(fmt::format("--method '{}': expected sobol or morris", method_));
  if (method_ == "sobol" && (sample_->count("--levels") > 0 || sample_->count("--pool") > 0))
    throw UsageError("--levels and --pool are Morris options (--method morris)");
  if (method_ == "morris" && second_order_)
    throw UsageError("--second-order is a Sobol' option (--method sobol)");
  prepare(design_output_, {problem_});
  const sensitivity::Problem problem = config::load_problem_file(problem_);
  const std::size_t k = problem.dimensions();

  io::SensitivityDesignInfo info;
  info.method = method_;
  info.n = n;
  info.k = k;
  info.seed = seed;
  for (const auto& input : problem.inputs) {
    info.input_names.push_back(input.name);
    info.input_distributions.push_back(sensitivity::describe(input.distribution));
  }
  std::unique_ptr<uncertainty::Design> design;
  const std::uint64_t per = method_ == "sobol" ? (second_order_ ? 2 * k + 2 : k + 2) : k + 1;
  if (n > kMaxDesignRows / per)
    throw UsageError(fmt::format("-n {}: {} rows of {} inputs; at most 2^32 rows", n, n * per, k));
  if (method_ == "sobol") {
    info.second_order = second_order_;
    design = std::make_unique<sensitivity::SaltelliDesign>(k, n, seed, second_order_);
    if (!std::has_single_bit(n))
      std::cerr << fmt::format(
          "launchmc: note: N = {} is not a power of 2: the Sobol' points balance best for N = "
          "2^m (e.g. {})\n",
          n, std::bit_ceil(n));
  } else {
    if (n < 2) throw UsageError("-n: Morris needs at least 2 trajectories");
    sensitivity::MorrisDesignOptions mo;
    mo.levels = parse_whole(levels_, "--levels", 2, 1024);
    if (mo.levels % 2 != 0)
      throw UsageError(
          fmt::format("--levels {}: must be even (a step moves p/2 levels)", mo.levels));
    if (!pool_.empty()) mo.pool = parse_whole(pool_, "--pool", n, 100000);
    auto morris = std::make_unique<sensitivity::MorrisDesign>(k, n, seed, mo);
    info.levels = morris->levels();
    info.pool = morris->pool();
    info.spread = morris->spread();
    design = std::move(morris);
  }
  info.rows = design->rows();
  io::write_sensitivity_design(design_output_, problem, *design, info);
  fmt::print("{} design: {} inputs, {} rows written to {} (/design/inputs/<name>)\n", method_, k,
             info.rows, design_output_);
  return 0;
}

int SensitivityCommand::run_analyze() const {
  if (!results_output_.empty()) prepare(results_output_, {design_, outputs_});
  sensitivity::BootstrapOptions bootstrap;
  bootstrap.bootstrap_resamples = parse_whole(bootstrap_, "--bootstrap", 0, 100000);
  const io::SensitivityDesignFile design = io::read_sensitivity_design(design_);
  bootstrap.seed = bootstrap_seed_.empty()
                       ? design.info.seed
                       : parse_whole(bootstrap_seed_, "--bootstrap-seed", 0, UINT64_MAX);
  const io::OutputTable table = io::read_output_csv(outputs_);
  if (table.rows() != design.info.rows)
    throw std::invalid_argument(fmt::format(
        "{}: {} data rows, but the design {} has {} rows (one line per design row, in its order)",
        outputs_, table.rows(), design_, design.info.rows));
  io::SensitivityAnalysis analysis = io::analyze_sensitivity(design, table, bootstrap);
  analysis.design_file = design_;
  analysis.outputs_file = outputs_;
  if (!results_output_.empty()) io::write_sensitivity_results(results_output_, analysis);
  if (json_) {
    nlohmann::json j = io::sensitivity_to_json(analysis);
    if (!results_output_.empty()) j["output"] = results_output_;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << io::sensitivity_text(analysis);
    if (!results_output_.empty())
      fmt::print("\nindices written to {} (/sensitivity)\n", results_output_);
  }
  return 0;
}

}  // namespace launchmc::cli
