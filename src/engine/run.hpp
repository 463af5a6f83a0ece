// The Monte Carlo engine: the blocks of a run plan (engine/plan.hpp) flown in parallel with Intel
// TBB in a task arena of the requested size, handed to the sinks (the HDF5 writer, ...) and to the
// summary in block order. The results depend on the plan only, never on the number of threads or
// on their timing. run_blocks() runs any range of blocks: the seam for MPI ranks, shards and
// resumed runs.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/outcome.hpp"
#include "engine/plan.hpp"
#include "engine/reducer.hpp"
#include "engine/sampling.hpp"
#include "engine/summary.hpp"
#include "scenario/study.hpp"

namespace launchmc::engine {

// A whole run in one call (the CLI's `run`, tests): the plan and its execution in one struct.
struct RunOptions {
  std::uint64_t n_samples = 1000;
  std::uint64_t seed = 1;
  std::optional<uncertainty::SamplerKind> sampler;  // default: the config's (else Monte Carlo)
  int threads = 0;                                  // 0: all cores
  std::size_t block_size = 256;          // samples per block: part of the result's definition
  std::optional<double> until_ci_width;  // stop at a block boundary once the 95 % CI is this narrow
  // Set (e.g. by a SIGINT/SIGTERM handler) to stop the run: no new block starts, the blocks
  // already being flown finish and reach the sinks, and the run ends as `interrupted`.
  const std::atomic<bool>* cancel = nullptr;
  std::vector<std::string> overrides;  // --set PATH=VALUE applied to the config: part of the plan
  // Failure stratification (engine/strata.hpp); default: the config's (uncertainties.stratify).
  std::optional<Stratify> stratify;
};

// How a plan's blocks are executed here: none of it changes a row.
using ProgressFn = std::function<void(std::uint64_t done, std::uint64_t total, double elapsed_s)>;
struct Execution {
  int threads = 0;  // worker threads (a TBB task arena of this size); 0: all cores
  // Stopping rule, checked after each block in order: stop once the 95 % Wilson interval of
  // P(success) is this narrow (the stop point depends on the plan only).
  std::optional<double> until_ci_width;
  // Set (e.g. by a SIGINT/SIGTERM handler) to stop: no new block starts, the blocks already being
  // flown finish and reach the sinks, and the run ends as `interrupted`.
  const std::atomic<bool>* cancel = nullptr;
  ProgressFn progress;
};

// Why a run ended.
enum class RunEnd {
  all_samples,  // every requested sample was flown
  until_ci,     // the interval of P(success) became narrow enough (RunOptions::until_ci_width)
  interrupted,  // RunOptions::cancel was set: the samples flown so far, in order, from row 0
};
const char* to_string(RunEnd end) noexcept;

// What part of a plan a file holds when it is not a whole run: a shard of `run --shard i/K`, or a
// chunk of a run's checkpoint (`run --resume`). Recorded in the run file (docs/hdf5_format.md).
struct PartOfRun {
  std::string kind = "shard";  // "shard" or "checkpoint"
  std::uint64_t index = 0;     // shard i of count K (a checkpoint chunk: 0 of 0)
  std::uint64_t count = 0;
};

// What the sinks need to know before the first block: computed from the plan and the study by
// layout_of() (it flies the nominal flight, which defines the bodies and what success is).
struct RunLayout {
  std::shared_ptr<const SamplePlan> samples;  // the drawn-value columns and the design
  const RunPlan* plan = nullptr;
  BlockRange range;  // the blocks this execution runs
  std::vector<BodySlot> slots;
  // The nominal flight's IIP track (the corridor's reference) and the capacity per row of the
  // blocks' IIP table (iip_points_per_row).
  std::vector<flight::IipPoint> nominal_iip;
  // The nominal flight's ground track on the same grid (where the vehicle is at each IIP time).
  std::vector<flight::GroundPoint> nominal_ground_track;
  std::size_t iip_points_per_row = 0;
  // The nominal flight's track, the reference of the deviation limits of the flight-termination
  // rules: recorded here once, before the samples, read-only in every flight (empty without
  // deviation limits).
  std::shared_ptr<const flight::NominalTrack> nominal_track;
  RunMeta meta;
  int threads_requested = 0;             // Execution::threads as given (0: all cores)
  int threads_used = 0;                  // the arena's size
  std::optional<double> until_ci_width;  // the stopping rule, if any (recorded in files)
  std::optional<PartOfRun> part;         // none: a whole run (its file has no part attributes)
};

RunLayout layout_of(const Study& config, const RunPlan& plan, BlockRange range,
                    const Execution& execution);

// The summary reducer of a run laid out so.
std::unique_ptr<SummaryReducer> summary_reducer_for(const RunLayout& layout, const Study& config);

struct BlocksResult {
  RunEnd end = RunEnd::all_samples;
  std::uint64_t rows = 0;  // handed to the sinks
  double elapsed_s = 0.0;
};

// The IIP corridor reducer of a run laid out so (its reference: the nominal IIP track).
std::unique_ptr<IipCorridorReducer> iip_corridor_reducer_for(const RunLayout& layout,
                                                             const Study& config);

// The per-failure-mode report's reducer of a run laid out so (modes and regions from the config).
FailureReportSetup failure_report_setup(const RunLayout& layout, const Study& config);
std::unique_ptr<FailureReportReducer> failure_report_reducer_for(const RunLayout& layout,
                                                                 const Study& config);
// The config's failure kind names (`mode`), by FailureKind code.
const char* failure_kind_name(FailureKind kind) noexcept;

// Flies the blocks of layout.range and hands each, in block order, to every sink; a sink that is
// a SummaryReducer given as `stop_rule` is consulted after each block for the until_ci rule.
BlocksResult run_blocks(const RunLayout& layout, std::span<BlockSink* const> sinks,
                        const Execution& execution, const SummaryReducer* stop_rule = nullptr);

// The plan of a whole run from its options.
RunPlan plan_of(const Study& config, const RunOptions& options);

struct RunResult {
  Summary summary;
  RunEnd end = RunEnd::all_samples;
};
// A whole run: every block of plan_of(config, options), its summary, and `sink` (if any).
RunResult run_monte_carlo(const Study& config, const RunOptions& options, BlockSink* sink,
                          const ProgressFn& progress);

// The success status of a scenario: what its nominal flight achieves (orbit for a launcher,
// suborbital for a missile).
SampleStatus success_status_of(const flight::FlightResult& nominal);

// The target orbit of a scenario: that of its last stage's closed-loop guidance if it is enabled
// and in orbit mode, with the tolerances of `limits`; none otherwise (open-loop launchers,
// missiles).
std::optional<TargetOrbit> target_orbit_of(const Scenario& scenario);

// One sample as the run flies it (for `fly --sample`): the dispersed model, what it draws
// besides (environment, failure, navigation seed), the drawn values by name, and whether they are
// physical (false: the run records it as invalid_input and does not fly it).
struct DrawnSample {
  Scenario scenario;
  SampleDraws draws;
  std::vector<std::pair<std::string, double>> drawn;
  bool valid = true;
};
DrawnSample sample_scenario(const Study& config, std::uint64_t seed, std::uint64_t n_samples,
                            uncertainty::SamplerKind sampler, std::uint64_t index,
                            Stratify stratify = Stratify::none);

}  // namespace launchmc::engine
