// The Monte Carlo engine: fixed blocks of samples flown in parallel with Intel TBB, handed to a
// sink (the HDF5 writer) and to the summary in sample order. The results depend on the seed only,
// never on the number of threads or on their timing.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/load_scenario.hpp"
#include "engine/outcome.hpp"
#include "engine/sampling.hpp"
#include "engine/summary.hpp"

namespace launchmc::engine {

struct RunOptions {
  std::uint64_t n_samples = 1000;
  std::uint64_t seed = 1;
  std::optional<uncertainty::SamplerKind> sampler;  // default: the config's (else Monte Carlo)
  int threads = 0;                  // 0: all cores
  std::size_t block_size = 256;     // samples per block: part of the result's definition
  std::optional<double> until_ci_width;  // stop at a block boundary once the 95 % CI is this narrow
  // Set (e.g. by a SIGINT/SIGTERM handler) to stop the run: no new block starts, the blocks
  // already being flown finish and reach the sinks, and the run ends as `interrupted`.
  const std::atomic<bool>* cancel = nullptr;
};

// Why a run ended.
enum class RunEnd {
  all_samples,  // every requested sample was flown
  until_ci,     // the interval of P(success) became narrow enough (RunOptions::until_ci_width)
  interrupted,  // RunOptions::cancel was set: the samples flown so far, in order, from row 0
};
const char* to_string(RunEnd end) noexcept;

// What a sink needs to know before the first block.
struct RunLayout {
  const SamplePlan* plan = nullptr;
  std::vector<BodySlot> slots;
  RunMeta meta;
  const RunOptions* options = nullptr;
};

class BlockSink {
 public:
  virtual ~BlockSink() = default;
  virtual void begin(const RunLayout& layout) = 0;
  virtual void write(const Block& block) = 0;  // in sample order, from one thread
  virtual void finish(const Summary& summary, RunEnd end) = 0;
};

using ProgressFn = std::function<void(std::uint64_t done, std::uint64_t total, double elapsed_s)>;

struct RunResult {
  Summary summary;
  RunEnd end = RunEnd::all_samples;
};

RunResult run_monte_carlo(const config::LoadedConfig& config, const RunOptions& options,
                          BlockSink* sink, const ProgressFn& progress);

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
DrawnSample sample_scenario(const config::LoadedConfig& config, std::uint64_t seed,
                            std::uint64_t n_samples, uncertainty::SamplerKind sampler,
                            std::uint64_t index);

}  // namespace launchmc::engine
