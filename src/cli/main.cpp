// launchmc command line: `fly` one launch (nominal, or sample i of a run), `run` a Monte Carlo
// study, `summarize` a run file, `risk` its debris-risk maps, `map` it as a PNG, `target` goals,
// `schema` the config schema. Exit status: 0 success, 2 bad config or command line, 1 any other
// failure.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "cli/arguments.hpp"
#include "cli/checkpoint.hpp"
#include "cli/interrupt.hpp"
#include "cli/map_command.hpp"
#include "cli/merge_command.hpp"
#include "cli/mpi_risk.hpp"
#include "cli/mpi_run.hpp"
#include "cli/progress.hpp"
#include "cli/risk_geography.hpp"
#include "cli/run_sinks.hpp"
#include "cli/sensitivity_command.hpp"
#include "common/suggest.hpp"
#include "common/version.hpp"
#include "config/load_scenario.hpp"
#include "config/yaml_edit.hpp"
#include "engine/columns.hpp"
#include "engine/run.hpp"
#include "flight/flight.hpp"
#include "io/flight_report.hpp"
#include "io/output_file.hpp"
#include "io/risk_exports.hpp"
#include "io/risk_file.hpp"
#include "io/run_file.hpp"
#include "io/run_sensitivity.hpp"
#include "io/summary_report.hpp"
#include "mpi/world.hpp"
#include "outcome/flight_outcome.hpp"
#include "scenario/parameters.hpp"
#include "scenario/schema.hpp"
#include "targeting/target.hpp"

namespace {

constexpr int kExitConfig = 2;
constexpr int kExitFailure = 1;

struct FlyOptions {
  std::string config;
  std::string from;  // a run file: fly one of its rows with its config, overrides, seed and design
  std::string output;
  bool json = false;
  std::vector<std::string> overrides;
  std::string sample;  // numbers as text: parsed strictly by cli::parse_whole
  std::string seed = "1";
  std::string samples = "1000";
  std::string sampler;
  std::string stratify;
};

// Before anything is written to `output`: refuse a path that must not be written, and clean the
// temporaries that killed processes left there.
void prepare_output(const std::string& output, const std::string& config) {
  if (output.empty()) return;
  launchmc::io::check_output_path(output, "-o", {config});
  const std::string note = launchmc::io::describe(launchmc::io::clean_stale_temporaries(output));
  if (!note.empty()) std::cerr << note << "\n";
}

// `run -o OUT` when an interrupted run left OUT.partial: say that this run will replace it.
void note_partial(const std::string& output) {
  if (output.empty()) return;
  const std::filesystem::path partial = launchmc::io::partial_path(output);
  std::error_code ec;
  if (std::filesystem::exists(partial, ec))
    std::cerr << fmt::format(
        "launchmc: note: {} holds the samples of an earlier interrupted run; "
        "it is removed when this run completes\n",
        partial.string());
}

std::vector<launchmc::config::Override> parse_overrides(const std::vector<std::string>& texts) {
  std::vector<launchmc::config::Override> out;
  for (const auto& o : texts) out.push_back(launchmc::config::parse_override(o));
  return out;
}

// The row of a run file that `fly --sample I --from RUN.h5` re-flies, and how to compare with it.
struct FromRun {
  std::string path;
  launchmc::engine::Block row;  // the file's record of the row (count 0: beyond its samples)
  std::string written_by;
  bool has_fragments = false;  // the file has /fragments
};

launchmc::Stratify parse_stratify(const std::string& text) {
  if (text == "failures") return launchmc::Stratify::failures;
  if (text == "none") return launchmc::Stratify::none;
  throw launchmc::cli::UsageError(fmt::format("--stratify '{}': expected none or failures", text));
}

int run_fly(const FlyOptions& opt, const CLI::App& cmd) {
  using namespace launchmc;
  std::optional<std::uint64_t> sample;
  std::uint64_t seed = 0, samples = 0;
  std::optional<FromRun> from;
  Study cfg;
  std::string sampler_name = opt.sampler;
  std::optional<Stratify> stratify;
  if (!opt.stratify.empty()) stratify = parse_stratify(opt.stratify);
  if (!opt.from.empty()) {
    // Everything that defines the row comes from the file: refuse what would fly another one.
    if (!opt.config.empty())
      throw cli::UsageError("fly: give either CONFIG or --from RUN.h5, not both");
    if (opt.sample.empty()) throw cli::UsageError("fly --from RUN.h5: --sample I is required");
    for (const char* o : {"--seed", "-n", "--sampler", "--set", "--stratify"})
      if (cmd.count(o) > 0)
        throw cli::UsageError(
            fmt::format("fly --from RUN.h5: {} comes from the run file (it would fly "
                        "another sample than the row)",
                        o));
    io::RunFileReader reader(opt.from);
    const io::RunFile& info = reader.info();
    seed = info.meta.seed;
    samples = info.meta.samples_requested;
    sampler_name = info.meta.sampler;
    if (sampler_name == "saltelli" || sampler_name == "morris")
      throw std::invalid_argument(
          opt.from +
          ": the rows of a sensitivity study (`launchmc sensitivity CONFIG`) are not "
          "re-flown by fly --from; its config and seed are in the file's attributes");
    stratify = info.meta.strata.single() ? Stratify::none : Stratify::failures;
    if (samples == 0)
      throw std::runtime_error(opt.from +
                               ": the file does not record its sample count (written before format "
                               "2.0): use CONFIG --seed -n --sampler");
    sample = cli::parse_whole(opt.sample, "--sample", 0, samples - 1);
    cfg = config::load_config(info.config_text, opt.from + " (config_text)",
                              parse_overrides(info.overrides));
    from = FromRun{opt.from, {}, {}, false};
    // A shard's rows are the plan's rows from its first block on.
    const std::uint64_t first_row = info.first_block * info.block_size;
    if (*sample >= first_row && *sample - first_row < reader.rows()) {
      reader.seek(static_cast<std::size_t>(*sample - first_row));
      reader.next(from->row, 1);
    }
    from->written_by = info.written_by;
    from->has_fragments = info.has_fragments;
  } else {
    if (opt.config.empty())
      throw cli::UsageError("fly: a CONFIG file (or --sample I --from RUN.h5) is required");
    if (!opt.sample.empty()) {
      seed = cli::parse_whole(opt.seed, "--seed", 0, UINT64_MAX);
      samples = cli::parse_whole(opt.samples, "-n", 1, cli::kMaxSamples);
      sample = cli::parse_whole(opt.sample, "--sample", 0, samples - 1);
    }
    prepare_output(opt.output, opt.config);
    cfg = config::load_config_file(opt.config, parse_overrides(opt.overrides));
  }
  if (from) prepare_output(opt.output, opt.from);
  Scenario scenario = cfg.scenario;
  SampleDraws draws;  // the nominal flight draws nothing
  std::vector<std::pair<std::string, double>> drawn;
  if (sample) {
    const auto kind = sampler_name.empty() ? cfg.dispersions.sampler
                                           : uncertainty::sampler_from_string(sampler_name);
    engine::DrawnSample s = engine::sample_scenario(cfg, seed, samples, kind, *sample,
                                                    stratify.value_or(cfg.dispersions.stratify));
    scenario = std::move(s.scenario);
    draws = s.draws;
    drawn = std::move(s.drawn);
    if (!s.valid) {
      std::cerr << "launchmc: sample " << *sample
                << " has a non-physical input; a run records it as invalid_input\n";
      return kExitFailure;
    }
  }

  io::HistoryRecorder histories;
  const auto t0 = std::chrono::steady_clock::now();
  // A sample's deviation limits are measured against the nominal flight, recorded as the run
  // records it (engine::layout_of); the nominal flight itself has no reference (null).
  const flight::NominalTrack nominal_track =
      sample ? flight::record_nominal_track(cfg.scenario) : flight::NominalTrack{};
  const flight::FlightResult result =
      flight::fly(scenario, draws, opt.output.empty() ? nullptr : &histories,
                  sample ? &nominal_track : nullptr);
  const double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  if (!opt.output.empty()) io::write_flight_hdf5(opt.output, scenario, result, histories);
  // With --from: the flight's outcome against the file's record of the row, column by column.
  std::vector<std::string> differences;
  if (from && from->row.count == 1) {
    const outcome::FlightOutcome o = outcome::derive(scenario, result);
    for (const engine::SampleColumn& c : engine::sample_columns()) {
      const double now = c.extract(o), then = from->row.column(c.name)[0];
      if (!(now == then || (std::isnan(now) && std::isnan(then))))
        differences.push_back(fmt::format("{} (file {:.17g}, now {:.17g})", c.name, then, now));
    }
    // The breakup bodies (/fragments): as many, in the same order, of the same classes and with
    // every column equal (files from before breakups have none to compare).
    if (from->has_fragments) {
      const engine::RaggedBodies& file = from->row.fragments;
      const std::size_t n_file = file.entries();
      std::size_t n_now = 0;
      for (const outcome::BodyOutcome& b : o.bodies) {
        if (!b.fragment) continue;
        const std::size_t e = n_now++;
        if (e >= n_file) continue;
        if (!(file.classes[e] == b.body_class))
          differences.push_back(fmt::format("fragments[{}].class (file {}, now {})", e,
                                            file.classes[e].view(), b.body_class.view()));
        const auto fcols = engine::fragment_columns();
        for (std::size_t c = 0; c < fcols.size(); ++c) {
          const double now = fcols[c].extract(b), then = file.columns[c][e];
          if (!(now == then || (std::isnan(now) && std::isnan(then))))
            differences.push_back(fmt::format("fragments[{}].{} (file {:.17g}, now {:.17g})", e,
                                              fcols[c].name, then, now));
        }
      }
      if (n_now != n_file)
        differences.push_back(fmt::format("fragments (file {} entries, now {})", n_file, n_now));
    }
  }
  if (opt.json) {
    nlohmann::json j = io::flight_to_json(scenario, result);
    j["elapsed_s"] = elapsed_s;
    if (from) {
      j["from"] = from->path;
      j["reproduced"] =
          from->row.count == 1 ? nlohmann::json(differences.empty()) : nlohmann::json(nullptr);
      j["differences"] = differences;
    }
    if (sample) {
      j["sample"] = *sample;
      j["seed"] = seed;
      nlohmann::json d = nlohmann::json::object();
      for (const auto& [name, value] : drawn) d[name] = value;
      j["drawn"] = d;
    }
    if (!opt.output.empty()) j["output"] = opt.output;
    std::cout << j.dump(2) << "\n";
  } else {
    if (sample) {
      fmt::print("sample {} of seed {}:\n", *sample, seed);
      for (const auto& [name, value] : drawn) fmt::print("  {:<40} {:.10g}\n", name, value);
      fmt::print("\n");
    }
    io::print_flight_report(std::cout, scenario, result);
    fmt::print("flight computed in {:.2f} ms\n", elapsed_s * 1e3);
    if (from && from->row.count == 0)
      fmt::print("row {} is beyond the samples {} holds: nothing to compare with\n", *sample,
                 from->path);
    else if (from && differences.empty())
      fmt::print("reproduces row {} of {} exactly (every outcome column{})\n", *sample, from->path,
                 from->has_fragments ? " and fragment" : "");
    else if (from)
      fmt::print("DIFFERS from row {} of {} (written by {}) in: {}\n", *sample, from->path,
                 from->written_by, fmt::join(differences, "; "));
    if (!opt.output.empty()) fmt::print("time histories written to {}\n", opt.output);
  }
  return 0;
}

struct RunCmdOptions {
  std::string config;
  std::string output;
  bool json = false;
  std::vector<std::string> overrides;
  // Numbers as text, parsed strictly by cli::parse_whole / parse_real.
  std::string samples = "1000";
  std::string seed = "1";
  std::string sampler;
  std::string threads = "0";
  std::string until_ci;
  std::string block_size = "256";
  std::string stratify;
  std::string shard;    // "i/K": fly shard i of K (cli/merge_command.hpp)
  bool resume = false;  // continue from OUT.checkpoint (cli/checkpoint.hpp)
  bool no_checkpoint = false;
  std::string checkpoint_every = "5";
};

struct RiskCmdOptions {
  std::string file;
  std::string grid = "0.05";
  std::string region;
  std::string population;
  std::string intact_casualty_area;
  std::string output;
  std::string geotiff;
  std::string regions;
  std::string shore = "low";
  std::string contour_bandwidth = "scott";
  std::string geojson, kml;
  bool no_geography = false;
  bool json = false;
};

// `risk`: the debris-risk maps of a run file, written under /risk (of a copy renamed onto -o, by
// default the run file itself), printed as text or JSON, and exported as GeoTIFF. With
// `over_ranks` under mpirun, every rank calls this and they share the passes over the rows
// (cli/mpi_risk.hpp); rank 0 alone writes and prints.
int run_risk(const RiskCmdOptions& opt, std::ostream& text_out = std::cout,
             bool over_ranks = false) {
  using namespace launchmc;
  io::RiskOptions options;
  std::optional<cli::MpiRiskTeam> team;
  if (over_ranks && mpi::world().size > 1) {
    team.emplace(mpi::world());
    options.team = &*team;
  }
  options.grid_deg = cli::parse_real(opt.grid, "--grid", 0.0, 10.0, true, false);
  if (!opt.region.empty()) options.region = risk::parse_region(opt.region);
  if (!opt.intact_casualty_area.empty())
    options.intact_casualty_area_m2 =
        cli::parse_real(opt.intact_casualty_area, "--intact-casualty-area", 0.0, 1e6, false, false);
  // `default` (also when not given, unless --no-geography: it is placed by the DCW countries):
  // the bundled coarse population (risk/default_population.hpp); `none`: no Ec; else a file.
  const std::string population =
      !opt.population.empty() ? opt.population : (opt.no_geography ? "none" : "default");
  if (population == "default")
    options.default_population = true;
  else if (population != "none")
    options.population = population;
  options.contour_bandwidth = risk::parse_bandwidth(opt.contour_bandwidth);
  options.iip_corridor = !opt.geojson.empty() || !opt.kml.empty();
  const std::filesystem::path run(opt.file);
  if (!std::filesystem::is_regular_file(run))
    throw std::runtime_error(fmt::format("{}: no such run file", opt.file));
  const std::filesystem::path output = opt.output.empty() ? run : std::filesystem::path(opt.output);
  if (!opt.output.empty()) io::check_output_path(output, "-o", {});
  if (!opt.geotiff.empty())
    io::check_output_path(opt.geotiff + "_probability.tif", "--geotiff", {run});
  if (!opt.geojson.empty())
    io::check_output_path(opt.geojson + "_contours.geojson", "--geojson", {run});
  if (!opt.kml.empty()) io::check_output_path(opt.kml, "--kml", {run});
  cli::RiskGeographyOptions geo_options;
  geo_options.land_and_countries = !opt.no_geography;
  geo_options.shore = geo::parse_shore_resolution(opt.shore);
  geo_options.regions_file = opt.regions;
  if (!opt.regions.empty() && !std::filesystem::is_regular_file(opt.regions))
    throw std::invalid_argument(fmt::format("--regions {}: no such file", opt.regions));
  const io::RiskComputation risk =
      io::compute_risk_with_geography(run, options, [&geo_options](const risk::Region& impacts) {
        return cli::risk_geography(geo_options, impacts);
      });
  if (!risk.lead) return 0;  // rank 0 finishes, writes and prints
  io::write_risk(run, output, risk);
  std::vector<std::filesystem::path> written;
  if (!opt.geotiff.empty()) written = io::write_risk_geotiffs(opt.geotiff, risk);
  for (const auto& f : io::write_risk_vector_exports(opt.geojson, opt.kml, risk))
    written.push_back(f);
  if (options.default_population)
    std::cerr << "launchmc risk: note: population: the default (no --population FILE): each "
                 "country at its mean density (Natural Earth 2019 estimates over its area), a "
                 "coarse stand-in for a real raster (README, \"debris-risk maps\")\n";
  if (!risk.population)
    std::cerr << "launchmc risk: no population raster (--population none, or --no-geography "
                 "without --population FILE): expected casualties are left out (ec: null)\n";
  if (opt.json) {
    std::cout << io::risk_to_json(risk).dump(2) << "\n";
  } else {
    text_out << io::risk_text(risk);
    text_out << fmt::format("risk maps written to {} (/risk)\n", output.string());
    for (const auto& t : written) text_out << fmt::format("written: {}\n", t.string());
  }
  return 0;
}

// The `risk` command's options from a config's `risk:` section, for the run file `output`; the
// section's paths are relative to the config's folder. Throws std::invalid_argument naming the
// key when a file it names does not exist (checked before the run, not after it).
RiskCmdOptions risk_options_of(const launchmc::RiskSettings& r, const std::string& config,
                               const std::string& output) {
  const std::filesystem::path folder = std::filesystem::path(config).parent_path();
  const auto resolve = [&](const std::string& path, const char* key) -> std::string {
    if (path.empty()) return {};
    const std::filesystem::path given(path);
    const std::filesystem::path p = given.is_absolute() ? given : folder / given;
    if (!std::filesystem::is_regular_file(p))
      throw std::invalid_argument(
          fmt::format("{}: risk.{}: no such file {}", config, key, p.string()));
    return p.string();
  };
  RiskCmdOptions o;
  o.file = output;
  o.grid = fmt::format("{:.17g}", r.grid_deg);
  if (r.region)
    o.region = fmt::format("{:.17g},{:.17g},{:.17g},{:.17g}", r.region->west_deg,
                           r.region->south_deg, r.region->east_deg, r.region->north_deg);
  o.population = r.population == "default" || r.population == "none"
                     ? r.population
                     : resolve(r.population, "population");
  o.regions = resolve(r.regions, "regions");
  o.shore = std::string(launchmc::geo::to_string(r.shore));
  o.no_geography = !r.geography;
  o.intact_casualty_area = fmt::format("{:.17g}", r.intact_casualty_area_m2);
  return o;
}

int run_run(const RunCmdOptions& opt) {
  using namespace launchmc;
  engine::RunOptions ro;
  ro.n_samples = cli::parse_whole(opt.samples, "-n", 1, cli::kMaxSamples);
  ro.seed = cli::parse_whole(opt.seed, "--seed", 0, UINT64_MAX);
  ro.threads =
      static_cast<int>(cli::parse_whole(opt.threads, "-j (0: all cores)", 0, cli::kMaxThreads));
  ro.block_size = cli::parse_whole(opt.block_size, "--block-size", 1, cli::kMaxBlockSize);
  if (!opt.until_ci.empty())
    ro.until_ci_width = cli::parse_real(opt.until_ci, "--until-ci", 0.0, 1.0, true, true);
  const double checkpoint_every =
      cli::parse_real(opt.checkpoint_every, "--checkpoint-every", 0.0, 86400.0, false, false);
  if (opt.resume && opt.output.empty())
    throw cli::UsageError("--resume needs -o OUT: the checkpoint it continues is OUT.checkpoint/");
  if (opt.resume && opt.no_checkpoint)
    throw cli::UsageError("--resume with --no-checkpoint: a resumed run keeps its checkpoint");
  // Under mpirun (cli/mpi_run.hpp) rank r flies a contiguous range of blocks: ranks 1..R-1 into
  // checkpoint chunks in OUT.ranks/, rank 0 into OUT, to which it adds the others' rows.
  const mpi::World world = mpi::world();
  const bool ranked = world.size > 1;
  const std::string& output = opt.output;  // the file this process writes (rank 0's)
  if (ranked) {
    if (opt.output.empty())
      throw cli::UsageError(
          "under mpirun, run needs -o OUT: the ranks' rows are gathered through OUT.ranks/");
    if (!opt.shard.empty())
      throw cli::UsageError("--shard under mpirun: the ranks already split the run; give one");
    if (!opt.until_ci.empty())
      throw cli::UsageError(
          "--until-ci under mpirun: the stop depends on every row before it; run it in one "
          "process");
    if (world.rank > 0) cli::make_ranks_dir(opt.output);
  }
  if (world.rank == 0) {
    prepare_output(output, opt.config);
    note_partial(output);
  }
  const Study cfg = config::load_config_file(opt.config, parse_overrides(opt.overrides));
  // The config's risk: section is checked before the flights (its files, its region).
  std::optional<RiskCmdOptions> risk_after;
  if (cfg.scenario.risk) {
    risk_after = risk_options_of(*cfg.scenario.risk, opt.config, opt.output);
    if (!risk_after->region.empty()) risk::parse_region(risk_after->region);
  }
  if (!opt.sampler.empty()) ro.sampler = uncertainty::sampler_from_string(opt.sampler);
  if (!opt.stratify.empty()) ro.stratify = parse_stratify(opt.stratify);
  ro.overrides = opt.overrides;
  cli::install_interrupt_handlers();

  // The plan (what the rows are), its layout, and the sinks: the summary and the run file.
  const engine::RunPlan plan = engine::plan_of(cfg, ro);
  engine::Execution exec;
  exec.threads = ro.threads;
  exec.until_ci_width = ro.until_ci_width;
  exec.cancel = &cli::interrupt_flag();
  launchmc::cli::Progress progress;
  if (world.rank == 0)
    exec.progress = [&](std::uint64_t d, std::uint64_t t, double e) { progress(d, t, e); };
  // A shard flies its range of the plan's blocks; its file records which (merge_command.hpp).
  std::optional<engine::PartOfRun> shard;
  engine::BlockRange range = plan.all_blocks();
  // The blocks this process flies: its range, or under mpirun rank 0's part of the run.
  std::uint64_t fly_end = range.end;
  if (ranked) {
    const auto ranks = static_cast<std::uint64_t>(world.size);
    if (ranks > plan.n_blocks())
      throw cli::UsageError(fmt::format(
          "mpirun -np {}: the plan has {} blocks of {} samples (-n {}), fewer than {} ranks: "
          "lower -np or --block-size",
          world.size, plan.n_blocks(), plan.block_size, plan.n_samples, world.size));
    if (world.rank > 0) {
      // Ranks 1..R-1 fly their part into checkpoint chunks that rank 0 writes into OUT.
      const cli::RankPart part = cli::prepare_rank_part(plan, opt.output, world, opt.resume);
      if (!cli::ranks_ready()) {
        cli::unmake_ranks_dir();
        return kExitFailure;
      }
      const int status =
          cli::fly_rank_part(cfg, plan, exec, opt.output, world, part,
                             std::min(opt.no_checkpoint ? cli::kStreamEvery_s : checkpoint_every,
                                      cli::kStreamEvery_s));
      // The config's risk: section: the ranks map OUT together once rank 0 has written it.
      if (!risk_after) return status;
      if (!cli::ranks_ready_to_map(status == 0)) return status == 0 ? kExitFailure : status;
      return run_risk(*risk_after, std::cout, true);
    }
    fly_end = cli::rank_range(plan, 0, world.size).end;
  }
  if (!opt.shard.empty()) {
    shard = cli::parse_shard(opt.shard);
    if (ro.until_ci_width)
      throw cli::UsageError(
          "--shard with --until-ci: the stop depends on every row before it; run the shards "
          "whole and merge them");
    if (shard->count > plan.n_blocks())
      throw cli::UsageError(fmt::format(
          "--shard {}: the plan has {} blocks of {} samples (-n {}), fewer than {} shards: lower "
          "K or --block-size",
          opt.shard, plan.n_blocks(), plan.block_size, plan.n_samples, shard->count));
    range = plan.shard_range(shard->index, shard->count);
    fly_end = range.end;
  }
  engine::RunLayout layout = engine::layout_of(cfg, plan, range, exec);
  layout.part = shard;
  cli::RunSinks run_sinks = cli::make_run_sinks(layout, cfg, output);
  const engine::SummaryReducer* const summary = run_sinks.summary.get();
  std::unique_ptr<io::RunFileWriter>& writer = run_sinks.writer;
  std::vector<engine::BlockSink*> sinks = run_sinks.list();
  // The checkpoint (cli/checkpoint.hpp): the blocks an earlier run on this path finished (with
  // --resume), and the chunks this run writes; last of the sinks, after the run file's writer.
  std::vector<cli::RunPiece> finished;
  std::unique_ptr<cli::CheckpointSink> checkpoint;
  if (!output.empty()) {
    const std::filesystem::path dir = cli::checkpoint_dir(output);
    if (opt.resume) {
      if (std::filesystem::exists(dir)) {
        finished = cli::checkpoint_chunks(output, plan, {range.begin, fly_end});
      } else if (world.rank == 0) {
        std::cerr << fmt::format(
            "launchmc: note: --resume: there is no checkpoint {}; the run starts from its "
            "first block\n",
            dir.string());
      }
    } else if (cli::remove_checkpoint(output) && world.rank == 0) {
      std::cerr << fmt::format(
          "launchmc: note: the checkpoint {} of an earlier run was removed (--resume continues "
          "one)\n",
          dir.string());
    }
    if (!opt.no_checkpoint)
      checkpoint = std::make_unique<cli::CheckpointSink>(output, cfg, checkpoint_every);
  }
  // Every rank is ready (or one says why not, and all stop): from here an error stops them all.
  if (ranked && !cli::ranks_ready()) {
    writer.reset();  // their temporaries go, then OUT.ranks/ if this rank made it
    checkpoint.reset();
    cli::unmake_ranks_dir();
    return kExitFailure;
  }
  engine::BlocksResult br;
  if (ranked && world.rank == 0) {
    // Rank 0: its own blocks (after those of its checkpoint, with --resume), then the other
    // ranks' rows, all through the sinks of the whole run (cli/mpi_run.hpp).
    if (checkpoint) sinks.push_back(checkpoint.get());
    if (!finished.empty()) {
      std::uint64_t resumed_at = range.begin;
      for (const cli::RunPiece& p : finished) resumed_at = std::max(resumed_at, p.blocks.end);
      std::cerr << fmt::format("launchmc: rank 0 resumed from {}: {} already flown\n",
                               cli::checkpoint_dir(output).string(),
                               cli::describe_blocks(plan, {range.begin, resumed_at}));
    }
    br = cli::fly_and_gather(layout, fly_end, finished, sinks, exec, opt.output, world,
                             [&] { progress.end(); });
  } else if (finished.empty()) {
    if (checkpoint) sinks.push_back(checkpoint.get());
    br = engine::run_blocks(layout, sinks, exec, summary);
  } else {
    // Resumed: the finished blocks' rows go to the sinks as `merge` feeds them, then the rest
    // of the range is flown (the checkpoint already holds the former).
    const auto t0 = std::chrono::steady_clock::now();
    for (engine::BlockSink* s : sinks) s->begin(layout);
    bool stopped = false;
    const std::uint64_t before = cli::feed_pieces(layout, finished, sinks, [&] {
      stopped = ro.until_ci_width && summary->ci95_width() <= *ro.until_ci_width;
      return stopped;
    });
    std::uint64_t resumed_at = range.begin;
    for (const cli::RunPiece& p : finished) resumed_at = std::max(resumed_at, p.blocks.end);
    std::cerr << fmt::format("launchmc: resumed from {}: {} already flown\n",
                             cli::checkpoint_dir(output).string(),
                             cli::describe_blocks(plan, {range.begin, resumed_at}));
    engine::RunLayout rest = layout;
    rest.range = {stopped ? range.end : resumed_at, range.end};
    std::vector<std::unique_ptr<cli::ContinuedSink>> continued;
    std::vector<engine::BlockSink*> rest_sinks;
    for (engine::BlockSink* s : sinks) {
      continued.push_back(std::make_unique<cli::ContinuedSink>(*s, before));
      rest_sinks.push_back(continued.back().get());
    }
    rest_sinks.push_back(checkpoint.get());
    if (stopped) {
      checkpoint->begin(rest);
      br.end = engine::RunEnd::until_ci;
      br.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      for (engine::BlockSink* s : rest_sinks) s->finish(br.end, 0, br.elapsed_s);
    } else {
      br = engine::run_blocks(rest, rest_sinks, exec, summary);
    }
  }
  engine::RunMeta meta = layout.meta;
  meta.stopped_by = engine::to_string(br.end);
  meta.elapsed_s = br.elapsed_s;
  engine::RunResult r{run_sinks.summarize(meta), br.end};
  if (r.end == engine::RunEnd::interrupted) {
    // Deliberately: the finished samples are kept apart from the final path, nothing is printed
    // on stdout (a script must not mistake a partial summary for the run's), and the status says
    // which signal ended the run (128 + its number, the shell's convention).
    progress.end();
    const std::string kept =
        writer ? fmt::format(
                     "the {} finished samples are kept in {} (`launchmc summarize` reads it); {} "
                     "was not written",
                     r.summary.samples, writer->committed_path().string(), opt.output)
               : std::string("no output file was requested");
    // Under mpirun rank 0 also stops when another rank was interrupted (SIGTERM by default).
    const int signo = cli::interrupt_signal() != 0 ? cli::interrupt_signal() : SIGTERM;
    std::cerr << fmt::format(
        "launchmc: run interrupted by {} after {} of {} samples; {}\n",
        cli::interrupt_signal() != 0 ? cli::interrupt_signal_name() : "another rank's signal",
        r.summary.samples, ro.n_samples, kept);
    if (checkpoint)
      std::cerr << fmt::format(
          "launchmc: the same {}command with --resume continues the run from its checkpoint "
          "{}{}\n",
          ranked ? "mpirun " : "", cli::checkpoint_dir(opt.output).string(),
          ranked ? " and the other ranks' in " + cli::ranks_dir(opt.output).string() : "");
    if (ranked && risk_after) cli::ranks_ready_to_map(false);  // the others wait to map OUT
    return 128 + signo;
  }
  if (ranked) cli::remove_rank_parts(opt.output);  // OUT is complete
  if (opt.json) {
    nlohmann::json j = io::summary_to_json(r.summary);
    if (!opt.output.empty()) j["output"] = opt.output;
    std::cout << j.dump(2) << "\n";
  } else {
    io::print_summary(std::cout, r.summary);
    if (!opt.output.empty()) fmt::print("samples written to {}\n", opt.output);
  }
  if (shard) {
    std::cerr << fmt::format(
        "launchmc: shard {}/{}: {} of {} samples{}; `launchmc merge` the {} shards for the "
        "run's file and summary\n",
        shard->index, shard->count, cli::describe_blocks(plan, range), plan.n_samples,
        opt.output.empty() ? std::string(" (no -o: nothing kept)") : " written to " + opt.output,
        shard->count);
    if (risk_after)
      std::cerr << "launchmc: the config's risk: section is applied by `launchmc merge` to the "
                   "merged file, not to a shard\n";
    return 0;
  }
  if (risk_after) {
    if (opt.output.empty()) {
      std::cerr << "launchmc run: the config's risk: section was not applied: the maps go into "
                   "the run file, and there is none (give -o FILE)\n";
    } else {
      // With --json, stdout carries the summary's object alone: the maps' lines go to stderr.
      if (ranked && !cli::ranks_ready_to_map(true)) return kExitFailure;
      return run_risk(*risk_after, opt.json ? std::cerr : std::cout, ranked);
    }
  }
  return 0;
}

int run_summarize(const std::string& path, bool json, bool sensitivity,
                  const std::string& outputs) {
  using namespace launchmc;
  if (!outputs.empty() && !sensitivity)
    throw std::invalid_argument("summarize: --outputs needs --sensitivity");
  if (sensitivity) {
    // Rank measures from the rows the run flew (io/run_sensitivity.hpp): no extra flights.
    std::vector<std::string> names;
    for (std::size_t at = 0; at <= outputs.size() && !outputs.empty();) {
      const std::size_t comma = std::min(outputs.find(',', at), outputs.size());
      if (comma > at) names.push_back(outputs.substr(at, comma - at));
      at = comma + 1;
    }
    const io::RunSensitivity rs = io::run_file_sensitivity(std::filesystem::path(path), names);
    if (json)
      std::cout << io::run_sensitivity_to_json(rs).dump(2) << "\n";
    else
      io::print_run_sensitivity(std::cout, rs);
    return 0;
  }
  // A shard (or checkpoint chunk) holds some blocks of a run: say so before its statistics.
  std::optional<io::RunFile::Part> part;
  std::string part_note;
  nlohmann::json part_json;
  {
    const io::RunFileReader reader{std::filesystem::path(path)};
    const io::RunFile& info = reader.info();
    if (info.part) {
      part = info.part;
      engine::RunPlan p;
      p.n_samples = info.meta.samples_requested;
      p.block_size = std::max<std::uint64_t>(1, info.block_size);
      const engine::BlockRange held{
          info.first_block, info.first_block + (reader.rows() + p.block_size - 1) / p.block_size};
      const std::string what = part->kind == "shard"
                                   ? fmt::format("shard {}/{}", part->index, part->count)
                                   : fmt::format("a {} piece", part->kind);
      part_note = fmt::format(
          "{} is {} of a run of {} samples in {} blocks: it holds {}; the statistics below are "
          "those of these rows only (`launchmc merge` the shards for the run's)",
          path, what, p.n_samples, part->total_blocks,
          held.empty() ? std::string("no rows") : cli::describe_blocks(p, held));
      part_json = {{"kind", part->kind},
                   {"shard_index", part->index},
                   {"shard_count", part->count},
                   {"first_block", info.first_block},
                   {"end_block", part->end_block},
                   {"total_blocks", part->total_blocks},
                   {"first_row", p.first_row(info.first_block)},
                   {"rows", reader.rows()},
                   {"note", part_note}};
    }
  }
  const engine::Summary s = io::summarize_run_file(std::filesystem::path(path));
  if (json) {
    nlohmann::json j = io::summary_to_json(s);
    if (part) j["part"] = part_json;
    std::cout << j.dump(2) << "\n";
  } else {
    if (part) fmt::print("PART OF A RUN: {}\n", part_note);
    io::print_summary(std::cout, s);
  }
  return 0;
}

struct SchemaCmdOptions {
  bool markdown = false;
  std::string table;
  std::string update;
  std::string paths_config;
};

// `schema`: the parameter tables of docs/config.md as the schema declares them (all, or one),
// the same tables rewritten in place in a Markdown file, or the parameter paths of a config.
int run_schema(const SchemaCmdOptions& opt) {
  using namespace launchmc;
  if (!opt.paths_config.empty()) {
    Scenario sc = config::load_scenario_file(opt.paths_config);
    for (const std::string& p : parameter_paths(sc)) {
      const ParameterRef ref = resolve_parameter(sc, p);
      fmt::print("{:<64} {:>16.10g}  {:<22} {}\n", p, *ref.value, ref.range.interval(),
                 ref.dispersable ? "dispersable" : "setting");
    }
    return 0;
  }
  if (!opt.update.empty()) {
    const std::string before = config::read_text_file(opt.update);
    const std::string after = schema::update_markdown(before);
    if (after != before) io::write_text_atomically(opt.update, after);
    fmt::print("{}: {}\n", opt.update,
               after != before ? "tables updated" : "tables already up to date");
    return 0;
  }
  if (!opt.table.empty()) {
    std::cout << schema::markdown_table(opt.table);
    return 0;
  }
  for (const std::string& name : schema::table_names())
    std::cout << fmt::format("<!-- schema: {} -->\n{}<!-- /schema -->\n\n", name,
                             schema::markdown_table(name));
  return 0;
}

struct TargetCmdOptions {
  std::string config;
  std::vector<std::string> vary;
  std::vector<std::string> goals;
  std::string output;
  std::vector<std::string> overrides;
  bool json = false;
};

std::vector<std::string> split_commas(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    std::size_t start = 0;
    while (start <= item.size()) {
      const std::size_t comma = item.find(',', start);
      const std::string part =
          item.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!part.empty()) out.push_back(part);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

int run_target(const TargetCmdOptions& opt) {
  using namespace launchmc;
  prepare_output(opt.output, opt.config);
  const std::string text = config::read_text_file(opt.config);
  const std::vector<std::string> paths = split_commas(opt.vary);
  std::vector<targeting::Goal> goals;
  for (const auto& g : split_commas(opt.goals)) goals.push_back(targeting::parse_goal(g));
  targeting::TargetOptions topt;
  for (const auto& o : opt.overrides) topt.fixed.push_back(config::parse_override(o));
  const targeting::TargetResult r = targeting::solve(text, opt.config, paths, goals, topt);

  if (opt.json) {
    nlohmann::json j;
    j["met"] = r.met;
    j["message"] = r.message;
    j["condition"] =
        std::isfinite(r.condition) ? nlohmann::json(r.condition) : nlohmann::json(nullptr);
    j["flights"] = r.flights;
    j["iterations"] = r.iterations;
    j["parameters"] = nlohmann::json::array();
    for (std::size_t i = 0; i < paths.size(); ++i)
      j["parameters"].push_back(
          {{"path", paths[i]}, {"initial", r.initial[i]}, {"solution", r.solution[i]}});
    j["goals"] = nlohmann::json::array();
    for (std::size_t k = 0; k < goals.size(); ++k)
      j["goals"].push_back(
          {{"name", goals[k].name},
           {"target", goals[k].value},
           {"tolerance", goals[k].tolerance},
           {"achieved", std::isfinite(r.achieved.at(k)) ? nlohmann::json(r.achieved[k])
                                                        : nlohmann::json(nullptr)}});
    std::cout << j.dump(2) << "\n";
  } else {
    fmt::print("{:<44} {:>16} {:>16}\n", "parameter", "initial", "solution");
    for (std::size_t i = 0; i < paths.size(); ++i)
      fmt::print("{:<44} {:>16.8g} {:>16.8g}\n", paths[i], r.initial[i], r.solution[i]);
    fmt::print("\n{:<34} {:>14} {:>14} {:>12} {:>10}\n", "goal", "target", "achieved", "residual",
               "tolerance");
    for (std::size_t k = 0; k < goals.size(); ++k) {
      const double a = r.achieved.at(k);
      if (std::isfinite(a))
        fmt::print("{:<34} {:>14.6f} {:>14.6f} {:>12.3g} {:>10.3g}\n", goals[k].name,
                   goals[k].value, a, a - goals[k].value, goals[k].tolerance);
      else
        fmt::print("{:<34} {:>14.6f} {:>14} {:>12} {:>10.3g}\n", goals[k].name, goals[k].value,
                   "n/a", "n/a", goals[k].tolerance);
    }
    fmt::print("\n{} flights, {} iterations, condition number {:.3g}\n", r.flights, r.iterations,
               r.condition);
  }
  if (!r.met) {
    std::cerr << "launchmc: target: " << r.message << "; nothing written\n";
    return kExitFailure;
  }
  if (!opt.output.empty()) {
    std::vector<config::ScalarEdit> edits;
    for (std::size_t i = 0; i < paths.size(); ++i)
      edits.push_back({paths[i], fmt::format("{:.10g}", r.solution[i])});
    io::write_text_atomically(opt.output, config::replace_scalars(text, edits, opt.config));
    if (!opt.json) fmt::print("calibrated config written to {} (comments kept)\n", opt.output);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // MPI when an MPI launcher started this process (src/mpi/world.hpp), finalized on return.
  std::optional<launchmc::mpi::Session> mpi_session;
  try {
    mpi_session.emplace(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "launchmc: error: cannot start MPI: " << e.what() << "\n";
    return kExitFailure;
  }
  CLI::App app{"launchmc: Monte Carlo launch outcome estimator"};
  app.set_version_flag(
      "--version",
      fmt::format("launchmc {} ({})\nMPI: {}", launchmc::version, launchmc::git_revision,
                  launchmc::mpi::built_with_mpi()
                      ? "yes (" + launchmc::mpi::library_version() + "; mpirun -np R launchmc run)"
                      : std::string("no (build with -DLAUNCHMC_MPI=ON)")));
  app.require_subcommand(1);

  FlyOptions fly;
  CLI::App* fly_cmd = app.add_subcommand("fly", "fly the nominal launch of a config");
  fly_cmd->add_option("config", fly.config, "scenario YAML file (not with --from)");
  fly_cmd->add_option(
      "--from", fly.from,
      "with --sample I: fly row I of this run file, with its config, overrides, seed, "
      "sampler and sample count, and compare with the row it holds");
  fly_cmd->add_option("-o,--output", fly.output, "write time histories to this HDF5 file");
  fly_cmd->add_flag("--json", fly.json, "print results as one JSON object");
  fly_cmd->add_option("--set", fly.overrides, "override a config value: PATH=VALUE (repeatable)");
  fly_cmd
      ->add_option("--sample", fly.sample,
                   "fly sample I (0-based row) of a run instead of the nominal launch")
      ->type_name("I");
  fly_cmd->add_option("--seed", fly.seed, "seed of that run (0 to 2^64-1)")
      ->capture_default_str()
      ->type_name("S");
  fly_cmd
      ->add_option("-n,--samples", fly.samples,
                   "sample count of that run (matters for Latin hypercube only)")
      ->capture_default_str()
      ->type_name("N");
  fly_cmd->add_option("--sampler", fly.sampler, "sampler of that run: mc, lhs, sobol");
  fly_cmd->add_option("--stratify", fly.stratify,
                      "failure stratification of that run: none or failures (default: the "
                      "config's uncertainties.stratify)");

  RunCmdOptions run;
  CLI::App* run_cmd = app.add_subcommand("run", "fly a Monte Carlo study of dispersed launches");
  run_cmd->add_option("config", run.config, "scenario YAML file")->required();
  run_cmd
      ->add_option("-n,--samples", run.samples, "number of samples, 1 to 1e12 (1e6 style accepted)")
      ->capture_default_str()
      ->type_name("N");
  run_cmd->add_option("--seed", run.seed, "master seed, 0 to 2^64-1")
      ->capture_default_str()
      ->type_name("S");
  run_cmd->add_option("-o,--output", run.output, "write every sample to this HDF5 file");
  run_cmd->add_option("--sampler", run.sampler,
                      "mc, lhs or sobol (default: the config's, else mc)");
  run_cmd
      ->add_option("-j,--threads", run.threads, "worker threads, 1 to 1024; 0: all cores (default)")
      ->type_name("T");
  run_cmd
      ->add_option("--until-ci", run.until_ci,
                   "stop at the first block boundary where the 95 % Wilson interval of P(success) "
                   "is narrower than W (0 < W < 1), e.g. 0.002; the stop depends only on the seed")
      ->type_name("W");
  run_cmd
      ->add_option("--block-size", run.block_size,
                   "samples per block, 1 to 1048576 (part of the result's definition: sample "
                   "order and --until-ci stops)")
      ->capture_default_str()
      ->type_name("B");
  run_cmd
      ->add_option("--stratify", run.stratify,
                   "none: draw each flight's failure with its probability; failures: give a "
                   "fixed share of the samples to no failure and to each failure mode, drawn "
                   "conditionally on it, and weight every sample (default: the config's "
                   "uncertainties.stratify, else none)")
      ->type_name("HOW");
  run_cmd
      ->add_option("--shard", run.shard,
                   "fly shard i of K (0 <= i < K): the blocks [i B/K, (i+1) B/K) of the run's B "
                   "blocks; `launchmc merge` the K files into the whole run's file")
      ->type_name("i/K");
  run_cmd->add_flag("--resume", run.resume,
                    "continue an interrupted or killed run with -o OUT from its checkpoint "
                    "OUT.checkpoint/ (the same arguments; the file equals an uninterrupted run's)");
  run_cmd
      ->add_option("--checkpoint-every", run.checkpoint_every,
                   "with -o OUT: commit the finished blocks to OUT.checkpoint/ every S seconds "
                   "(0: after every block); a killed run loses at most the last S seconds")
      ->capture_default_str()
      ->type_name("S");
  run_cmd->add_flag("--no-checkpoint", run.no_checkpoint,
                    "with -o OUT: write no checkpoint (a killed run then keeps nothing)");
  run_cmd->add_flag("--json", run.json, "print the summary as JSON");
  run_cmd->add_option("--set", run.overrides, "override a config value: PATH=VALUE (repeatable)");

  TargetCmdOptions target;
  CLI::App* target_cmd = app.add_subcommand(
      "target", "solve for config parameters so that the nominal flight meets goals");
  target_cmd->add_option("config", target.config, "scenario YAML file")->required();
  target_cmd->add_option("--vary", target.vary, "parameter paths to solve for: PATH[,PATH...]")
      ->required();
  target_cmd
      ->add_option("--goal", target.goals, "goals: NAME=VALUE[:TOLERANCE][,...] (names below)")
      ->required();
  target_cmd->footer(
      "Goals (NAME):\n"
      "  insertion.time_s, insertion.perigee_alt_km, insertion.apogee_alt_km,\n"
      "  insertion.inclination_deg, insertion.raan_deg, insertion.semi_major_axis_km,\n"
      "  insertion.eccentricity      the osculating orbit at the last stage's cutoff\n"
      "  apogee_alt_km, range_km, flight_time_s\n"
      "                              the vehicle's own flight to the ground (missiles)\n"
      "  <body>.impact_lat_deg, <body>.impact_lon_deg, <body>.impact_range_km,\n"
      "  <body>.impact_time_s        where and when (from liftoff) a jettisoned body lands\n"
      "                              (stage1, fairing_1, ...;\n"
      "                              `launchmc fly CONFIG` lists the bodies)\n"
      "  <body>.vacuum_impact_time_s when its drag-free arc from release meets the ground: the\n"
      "                              splash time a radar's ballistic extrapolation predicts\n"
      "Default tolerances: 0.1 for *_s and *_km goals, 1e-3 otherwise.\n"
      "Exit status: 0 goals met (and -o written); 1 not met or ill-conditioned (nothing written);\n"
      "2 bad config or command line.");
  target_cmd->add_option("-o,--output", target.output,
                         "write the calibrated config here (comments kept)");
  target_cmd->add_flag("--json", target.json, "print the result as JSON");
  target_cmd->add_option(
      "--set", target.overrides,
      "hold a config value fixed during the solve: PATH=VALUE (repeatable; not written)");

  std::string summarize_path;
  bool summarize_json = false;
  CLI::App* sum_cmd = app.add_subcommand("summarize", "print the summary of a run file");
  sum_cmd->add_option("file", summarize_path, "HDF5 file written by run -o")->required();
  sum_cmd->add_flag("--json", summarize_json, "print the summary as JSON");
  bool summarize_sensitivity = false;
  std::string summarize_outputs;
  sum_cmd->add_flag("--sensitivity", summarize_sensitivity,
                    "rank the dispersed inputs per outcome instead (Spearman, PRCC, SRRC with "
                    "95 % intervals, weighted for stratified runs; docs/sensitivity.md)");
  sum_cmd
      ->add_option("--outputs", summarize_outputs,
                   "with --sensitivity: only these outcomes, NAME[,NAME...]")
      ->type_name("NAMES");

  RiskCmdOptions risk_opt;
  CLI::App* risk_cmd = app.add_subcommand(
      "risk",
      "debris-risk maps of a run file: impact probability per cell and area, expected "
      "casualties; written under /risk");
  risk_cmd->add_option("file", risk_opt.file, "HDF5 file written by run -o")->required();
  risk_cmd->add_option("--grid", risk_opt.grid, "cell size in degrees (0 < S <= 10)")
      ->capture_default_str()
      ->type_name("S");
  risk_cmd
      ->add_option("--region", risk_opt.region,
                   "the map's box LON0,LAT0,LON1,LAT1 (west, south, east, north; default: the "
                   "impacts' bounding box)")
      ->type_name("BOX");
  risk_cmd
      ->add_option("--population", risk_opt.population,
                   "population density raster, persons per km^2 on a lon/lat grid (GeoTIFF or "
                   "ESRI ASCII grid): expected casualties; `default` (when not given, unless "
                   "--no-geography): country mean densities from packaged data (coarse: README); "
                   "`none`: no expected casualties")
      ->type_name("FILE");
  risk_cmd
      ->add_option("--intact-casualty-area", risk_opt.intact_casualty_area,
                   "casualty area of an intact body (nominal bodies, the vehicle, intact pieces) "
                   "in m^2 (default 30)")
      ->type_name("M2");
  risk_cmd->add_option("-o,--output", risk_opt.output,
                       "write the run file with /risk here (default: replace the run file)");
  risk_cmd
      ->add_option("--geotiff", risk_opt.geotiff,
                   "write PREFIX_probability.tif and (with --population) PREFIX_ec.tif")
      ->type_name("PREFIX");
  risk_cmd
      ->add_option("--regions", risk_opt.regions,
                   "named polygons (GeoJSON FeatureCollection, or any polygon layer GDAL/OGR "
                   "reads): P(impact) inside each (default: the run's report.regions)")
      ->type_name("FILE");
  risk_cmd
      ->add_option("--shore", risk_opt.shore,
                   "GSHHG coastline resolution of the land mask: crude, low, intermediate (high "
                   "and full with Debian's gmt-gshhg-high / -full)")
      ->capture_default_str()
      ->type_name("RES");
  risk_cmd
      ->add_option("--geojson", risk_opt.geojson,
                   "write PREFIX_contours.geojson, PREFIX_hazard_areas.geojson and (with IIP "
                   "tracks) PREFIX_iip_corridor.geojson, PREFIX_iip_track.geojson (EPSG:4326)")
      ->type_name("PREFIX");
  risk_cmd
      ->add_option("--kml", risk_opt.kml,
                   "write the contours, hazard areas and IIP corridor as one KML file")
      ->type_name("FILE");
  risk_cmd
      ->add_option("--contour-bandwidth", risk_opt.contour_bandwidth,
                   "smoothing of the containment contours: scott (Gaussian kernel, Scott's rule) "
                   "or none (the empirical cell map)")
      ->capture_default_str()
      ->type_name("RULE");
  risk_cmd->add_flag("--no-geography", risk_opt.no_geography,
                     "no land mask nor countries (p_land and countries null; no GMT data needed)");
  risk_cmd->add_flag("--json", risk_opt.json, "print the result as JSON");

  launchmc::cli::MapCmdOptions map_opt;
  CLI::App* map_cmd = launchmc::cli::add_map_command(app, map_opt);
  SchemaCmdOptions schema_opt;
  CLI::App* schema_cmd = app.add_subcommand("schema",
                                            "print the config schema: the parameter tables of "
                                            "docs/config.md, or a config's parameter paths");
  schema_cmd->add_flag("--markdown", schema_opt.markdown,
                       "Markdown tables, each between its docs markers (the default)");
  schema_cmd->add_option("--table", schema_opt.table, "only this table (top, launch, stage, ...)")
      ->type_name("NAME");
  schema_cmd
      ->add_option("--update", schema_opt.update,
                   "rewrite the tables between the markers of this Markdown file (docs/config.md)")
      ->type_name("FILE");
  schema_cmd
      ->add_option(
          "--paths", schema_opt.paths_config,
          "list the parameter paths of this config: value, range, dispersable or a setting")
      ->type_name("CONFIG");

  launchmc::cli::MergeCmdOptions merge_opt;
  CLI::App* merge_cmd = launchmc::cli::add_merge_command(app, merge_opt);
  launchmc::cli::SensitivityCommand sensitivity(app);

  // A first argument that is neither an option nor a command: name it (CLI11 would only say that
  // a subcommand is required).
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> commands;
    for (const CLI::App* sub : app.get_subcommands({})) commands.push_back(sub->get_name());
    if (std::find(commands.begin(), commands.end(), argv[1]) == commands.end()) {
      std::cerr << fmt::format(
          "launchmc: unknown command '{}'{} (commands: fly, run, merge, summarize, risk, map, "
          "target, schema, sensitivity; "
          "launchmc --help)\n",
          argv[1], launchmc::did_you_mean(argv[1], commands));
      return kExitConfig;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitConfig;
  }

  // Under mpirun, `run` and `sensitivity CONFIG` split their flights over the ranks
  // (cli/mpi_run.hpp), `risk` its passes over the rows (cli/mpi_risk.hpp). The other commands
  // read or write one file in one pass, or fly one trajectory: rank 0 runs them alone.
  const launchmc::mpi::World world = launchmc::mpi::world();
  if (world.size > 1) {
    if (!run_cmd->parsed() && !sensitivity.flies() && !risk_cmd->parsed()) {
      if (world.rank > 0) return 0;
      std::cerr << fmt::format(
          "launchmc: note: under mpirun only `run`, `sensitivity CONFIG` and `risk` use the {} "
          "ranks; this command runs on rank 0 alone\n",
          world.size);
    } else {
      launchmc::cli::rank_phase() = launchmc::cli::RankPhase::preparing;
    }
  }
  using launchmc::cli::report_failure;
  try {
    if (fly_cmd->parsed()) return run_fly(fly, *fly_cmd);
    if (run_cmd->parsed()) return run_run(run);
    if (sum_cmd->parsed())
      return run_summarize(summarize_path, summarize_json, summarize_sensitivity,
                           summarize_outputs);
    if (risk_cmd->parsed()) return run_risk(risk_opt, std::cout, true);
    if (map_cmd->parsed()) return launchmc::cli::run_map(map_opt);
    if (merge_cmd->parsed())  // the config's risk: section, as `run` applies it
      return launchmc::cli::run_merge(
          merge_opt, [](const launchmc::Study& cfg, const std::string& output, bool json) {
            if (!cfg.scenario.risk) return 0;
            return run_risk(risk_options_of(*cfg.scenario.risk, cfg.scenario.config_path, output),
                            json ? std::cerr : std::cout);
          });
    if (target_cmd->parsed()) return run_target(target);
    if (schema_cmd->parsed()) return run_schema(schema_opt);
    if (sensitivity.parsed()) return sensitivity.run();
  } catch (const launchmc::cli::PeersFailed&) {
    return kExitFailure;  // the lowest failing rank said why
  } catch (const launchmc::config::ConfigError& e) {
    return report_failure(std::string("launchmc: config error: ") + e.what(), kExitConfig);
  } catch (const std::invalid_argument& e) {
    return report_failure(std::string("launchmc: ") + e.what(), kExitConfig);
  } catch (const std::bad_alloc&) {
    return report_failure(
        "launchmc: error: out of memory (lower -n, --block-size or -j, or the size of the "
        "config's tables)",
        kExitFailure);
  } catch (const std::exception& e) {
    return report_failure(std::string("launchmc: error: ") + e.what(), kExitFailure);
  }
  return 0;
}
