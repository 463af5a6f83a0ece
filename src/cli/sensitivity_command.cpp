// `launchmc sensitivity CONFIG` and `launchmc sensitivity sample|analyze` (see
// sensitivity_command.hpp; methods in src/sensitivity, the factors of a launch in
// engine/sampling.hpp, files in io/sensitivity_file.hpp, user docs in docs/sensitivity.md).
#include "cli/sensitivity_command.hpp"

#include <fmt/format.h>

#include <bit>
#include <iostream>

#include "cli/arguments.hpp"
#include "cli/interrupt.hpp"
#include "cli/mpi_run.hpp"
#include "cli/progress.hpp"
#include "cli/run_sinks.hpp"
#include "config/load_problem.hpp"
#include "config/load_scenario.hpp"
#include "config/yaml_edit.hpp"
#include "engine/run.hpp"
#include "io/output_file.hpp"
#include "io/run_file.hpp"
#include "io/run_sensitivity.hpp"
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
  command_->require_subcommand(0, 1);
  command_
      ->add_option("config", config_,
                   "CONFIG.yaml: fly a sensitivity study of this launch over its uncertainties "
                   "(Saltelli's design or Morris trajectories through the run engine)")
      ->check(CLI::ExistingFile);
  command_->add_option("--method", config_method_, "sobol (Saltelli's design) or morris")
      ->capture_default_str();
  command_
      ->add_option("-n,--samples", config_samples_,
                   "sobol: base points N (N(k+2) flights, N(2k+2) with --second-order, k factors; "
                   "a power of 2 is best); morris: trajectories r (r(k+1) flights)")
      ->type_name("N");
  command_->add_option("--seed", config_seed_, "seed, 0 to 2^64-1")
      ->capture_default_str()
      ->type_name("S");
  command_->add_flag("--second-order", config_second_order_,
                     "sobol: add the BA_i rows for S2 indices");
  command_->add_option("--levels", config_levels_, "morris: grid levels p (even, 2 to 1024)")
      ->capture_default_str()
      ->type_name("P");
  command_->add_option("--pool", config_pool_, "morris: candidate trajectories M >= r")
      ->type_name("M");
  command_->add_option("-o,--output", run_output_,
                       "the study's file: the run file of its flights, plus /sensitivity");
  command_->add_option("-j,--threads", threads_, "worker threads (0: all cores)")
      ->capture_default_str()
      ->type_name("J");
  command_->add_option("--set", overrides_, "PATH=VALUE: override a config value (repeatable)")
      ->type_name("PATH=VALUE");
  command_->add_flag("--json", config_json_, "print the indices as JSON");
  command_
      ->add_option("--bootstrap", config_bootstrap_,
                   "bootstrap resamples for the intervals, 0 to 100000")
      ->capture_default_str()
      ->type_name("B");

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
  if (!config_.empty()) return run_config();
  throw UsageError(
      "sensitivity: give a CONFIG file (a study of a launch), or the subcommand sample or analyze");
}

int SensitivityCommand::run_config() const {
  if (config_samples_.empty())
    throw UsageError(
        "sensitivity CONFIG: -n N is required (sobol: base points; morris: trajectories)");
  if (run_output_.empty())
    throw UsageError(
        "sensitivity CONFIG: -o FILE is required (the flights and their indices are written "
        "there)");
  if (config_method_ != "sobol" && config_method_ != "morris")
    throw UsageError(fmt::format("--method '{}': expected sobol or morris", config_method_));
  if (config_method_ == "sobol" &&
      (command_->count("--levels") > 0 || command_->count("--pool") > 0))
    throw UsageError("--levels and --pool are Morris options (--method morris)");
  if (config_method_ == "morris" && config_second_order_)
    throw UsageError("--second-order is a Sobol' option (--method sobol)");
  const std::uint64_t seed = parse_whole(config_seed_, "--seed", 0, UINT64_MAX);
  const std::uint64_t n = parse_whole(config_samples_, "-n", 1, kMaxSamples);
  const auto threads = static_cast<int>(parse_whole(threads_, "-j (0: all cores)", 0, kMaxThreads));
  sensitivity::BootstrapOptions bootstrap;
  bootstrap.bootstrap_resamples = parse_whole(config_bootstrap_, "--bootstrap", 0, 100000);
  bootstrap.seed = seed;
  engine::SensitivityDesignSpec spec;
  spec.method = config_method_;
  spec.n = n;
  spec.second_order = config_second_order_;
  if (config_method_ == "morris") {
    if (n < 2) throw UsageError("-n: Morris needs at least 2 trajectories");
    spec.levels = parse_whole(config_levels_, "--levels", 2, 1024);
    if (spec.levels % 2 != 0)
      throw UsageError(
          fmt::format("--levels {}: must be even (a step moves p/2 levels)", spec.levels));
    if (!config_pool_.empty()) spec.pool = parse_whole(config_pool_, "--pool", n, 100000);
  }
  prepare(run_output_, {config_});
  std::vector<config::Override> overrides;
  for (const auto& o : overrides_) overrides.push_back(config::parse_override(o));
  const Study cfg = config::load_config_file(config_, overrides);

  const std::vector<engine::Factor> factors = engine::sensitivity_factors(cfg);
  const std::size_t k = factors.size();
  if (k == 0)
    throw std::invalid_argument(config_ +
                                ": nothing is uncertain (uncertainties: inputs, density, wind, or "
                                "failures): a sensitivity study needs at least one factor");
  const std::uint64_t per =
      config_method_ == "sobol" ? (config_second_order_ ? 2 * k + 2 : k + 2) : k + 1;
  if (n > kMaxSamples / per)
    throw UsageError(fmt::format("-n {}: {} factors give more than {} flights", n, k, kMaxSamples));
  engine::RunPlan plan;
  plan.config_text = cfg.scenario.config_text;
  plan.overrides = overrides_;
  plan.seed = seed;
  plan.n_samples = n * per;
  plan.stratify = Stratify::none;
  plan.sensitivity = spec;
  // Under mpirun (cli/mpi_run.hpp) rank r flies shard r of R of the design's rows; rank 0 writes
  // the file and computes the indices.
  const mpi::World world = mpi::world();
  if (world.size > 1 && static_cast<std::uint64_t>(world.size) > plan.n_blocks())
    throw UsageError(fmt::format(
        "mpirun -np {}: the design's {} flights make {} blocks of {}, fewer than {} ranks: lower "
        "-np or raise -n",
        world.size, plan.n_samples, plan.n_blocks(), plan.block_size, world.size));
  std::optional<RankPart> part;
  if (world.size > 1 && world.rank > 0) {
    make_ranks_dir(run_output_);
    part = prepare_rank_part(plan, run_output_, world, false);
  }
  if (world.size > 1 && !ranks_ready()) {
    unmake_ranks_dir();
    return 1;
  }
  if (world.rank > 0) {
    engine::Execution rank_exec;
    rank_exec.threads = threads;
    rank_exec.cancel = &interrupt_flag();
    install_interrupt_handlers();
    return fly_rank_part(cfg, plan, rank_exec, run_output_, world, *part, kStreamEvery_s);
  }
  if (cfg.dispersions.stratify != Stratify::none)
    std::cerr << "launchmc: note: the config's uncertainties.stratify is not used: a sensitivity "
                 "design flies its rows with their own probabilities\n";
  if (config_method_ == "sobol" && !std::has_single_bit(n))
    std::cerr << fmt::format(
        "launchmc: note: N = {} is not a power of 2: the Sobol' points balance best for N = 2^m "
        "(e.g. {})\n",
        n, std::bit_ceil(n));
  std::cerr << fmt::format("launchmc: {} design over {} factors: {} flights\n", config_method_, k,
                           plan.n_samples);
  install_interrupt_handlers();

  engine::Execution exec;
  exec.threads = threads;
  exec.cancel = &interrupt_flag();
  Progress progress;
  exec.progress = [&](std::uint64_t d, std::uint64_t t, double e) { progress(d, t, e); };
  const engine::RunLayout layout = engine::layout_of(cfg, plan, plan.all_blocks(), exec);
  const RunSinks run_sinks = make_run_sinks(layout, cfg, run_output_);
  const std::vector<engine::BlockSink*> sinks = run_sinks.list();
  const engine::BlocksResult flown =
      world.size > 1 ? fly_and_gather(layout, rank_range(plan, 0, world.size).end, {}, sinks, exec,
                                      run_output_, world, [&] { progress.end(); })
                     : engine::run_blocks(layout, sinks, exec);
  if (flown.end == engine::RunEnd::interrupted) {
    progress.end();
    std::cerr << fmt::format(
        "launchmc: sensitivity study interrupted by {} after {} of {} flights; they are kept in {} "
        "(an ordinary run file); no index was computed and {} was not written\n",
        interrupt_signal_name(), flown.rows, plan.n_samples,
        run_sinks.writer->committed_path().string(), run_output_);
    return 128 + interrupt_signal();
  }

  if (world.size > 1) remove_rank_parts(run_output_);  // the file is complete
  // The indices of every outcome the flights define, on the design's rows.
  io::RunOutcomes outcomes = io::run_outcomes(run_output_);
  io::OutputTable table;
  for (io::OutcomeColumn& c : outcomes.columns) {
    table.names.push_back(c.name);
    table.columns.push_back(std::move(c.values));
  }
  io::SensitivityDesignFile design;
  io::SensitivityDesignInfo& info = design.info;
  info.method = config_method_;
  info.n = n;
  info.k = k;
  info.seed = seed;
  info.second_order = config_second_order_;
  info.rows = plan.n_samples;
  for (const engine::Factor& f : factors) info.input_names.push_back(f.name);
  const uncertainty::Design& rows = layout.samples->design();
  if (const auto* morris = dynamic_cast<const sensitivity::MorrisDesign*>(&rows)) {
    info.levels = morris->levels();
    info.pool = morris->pool();
    info.spread = morris->spread();
  }
  design.u.resize(plan.n_samples * k);
  for (std::uint64_t i = 0; i < plan.n_samples; ++i)
    rows.row(i, std::span<double>(design.u.data() + i * k, k));
  // Ranks see the factors' uniforms: the inputs' values are monotone in them.
  design.x = design.u;
  io::SensitivityAnalysis analysis = io::analyze_sensitivity(design, table, bootstrap);
  analysis.design_file = config_;
  analysis.outputs_file = "/outcome";  // this file's own rows
  io::add_sensitivity_to_run_file(run_output_, analysis);
  if (config_json_) {
    nlohmann::json j = io::sensitivity_to_json(analysis);
    j["output"] = run_output_;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << io::sensitivity_text(analysis);
    fmt::print("\nflights and indices written to {} (/outcome, /sensitivity)\n", run_output_);
  }
  return 0;
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
