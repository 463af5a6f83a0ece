// Monte Carlo run: TBB pipeline of blocks (serial in-order source, parallel flights, serial
// in-order sink), with a bounded number of blocks in flight so memory stays flat.
#include "engine/run.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

namespace launchmc::engine {

namespace {

// A worker's per-thread state: its scenario copy and reusable flight buffers.
struct Worker {
  explicit Worker(const SamplePlan& plan) : sampled(plan), drawn(plan.n_drawn()) {}
  SampledScenario sampled;
  flight::FlightResult result;
  flight::FlightWorkspace workspace;
  std::vector<double> drawn;
};

}  // namespace

const char* to_string(RunEnd end) noexcept {
  switch (end) {
    case RunEnd::all_samples: return "samples";
    case RunEnd::until_ci: return "until_ci";
    case RunEnd::interrupted: return "interrupted";
  }
  return "?";
}

SampleStatus success_status_of(const flight::FlightResult& nominal) {
  return nominal.status == flight::FlightStatus::orbit ? SampleStatus::orbit : SampleStatus::suborbital;
}

std::optional<TargetOrbit> target_orbit_of(const Scenario& scenario) {
  const auto& stages = scenario.vehicle.stages;
  if (stages.empty()) return std::nullopt;
  const vehicle::Stage& last = stages.back();
  const guidance::ClosedLoop* c = last.active_closed_loop();
  if (c == nullptr || c->mode != guidance::ClosedLoopMode::orbit) return std::nullopt;
  const guidance::OrbitTargetSpec& o = c->orbit;
  TargetOrbit t;
  t.perigee_alt_km = o.perigee_alt_km;
  t.apogee_alt_km = o.apogee_alt_km;
  t.inclination_deg = o.inclination_deg;
  t.raan_deg = o.raan_deg;
  t.tolerance_alt_km = scenario.limits.target_orbit_tolerance_alt_km;
  t.tolerance_incl_deg = scenario.limits.target_orbit_tolerance_incl_deg;
  return t;
}

DrawnSample sample_scenario(const config::LoadedConfig& config, std::uint64_t seed,
                            std::uint64_t n_samples, uncertainty::SamplerKind sampler,
                            std::uint64_t index) {
  const SamplePlan plan(config, seed, n_samples, sampler);
  SampledScenario s(plan);
  std::vector<double> values(plan.n_drawn());
  DrawnSample out;
  out.valid = s.set_sample(index, values);
  for (std::size_t i = 0; i < values.size(); ++i) out.drawn.emplace_back(plan.drawn_names()[i], values[i]);
  out.scenario = s.scenario();
  out.draws = s.draws();
  return out;
}

RunResult run_monte_carlo(const config::LoadedConfig& config, const RunOptions& opt,
                          BlockSink* sink, const ProgressFn& progress) {
  const auto t_start = std::chrono::steady_clock::now();
  const int threads = opt.threads > 0 ? opt.threads : tbb::info::default_concurrency();
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism,
                                  static_cast<std::size_t>(threads));

  const uncertainty::SamplerKind sampler_kind = opt.sampler.value_or(config.dispersions.sampler);
  const SamplePlan plan(config, opt.seed, opt.n_samples, sampler_kind);

  // The nominal flight defines the bodies, their reference impact points and what success is.
  const flight::FlightResult nominal = flight::fly(config.scenario);
  RunLayout layout;
  layout.plan = &plan;
  layout.slots = body_slots(config.scenario, nominal);
  layout.options = &opt;
  layout.meta.seed = opt.seed;
  layout.meta.samples_requested = opt.n_samples;
  layout.meta.sampler = uncertainty::to_string(sampler_kind);
  layout.meta.scenario = config.scenario.name;
  layout.meta.success_status = success_status_of(nominal);
  layout.meta.site_lat_deg = config.scenario.site.lat_deg;
  layout.meta.site_lon_deg = config.scenario.site.lon_deg;
  for (const auto& f : config.dispersions.failures) layout.meta.failure_names.push_back(f.name);
  layout.meta.target_orbit = target_orbit_of(config.scenario);
  if (sink != nullptr) sink->begin(layout);

  SummaryAccumulator summary(layout.slots, layout.meta.success_status,
                             config.dispersions.failures.size(), layout.meta.target_orbit);
  const std::size_t block_size = std::max<std::size_t>(1, opt.block_size);
  const std::uint64_t n_blocks = (opt.n_samples + block_size - 1) / block_size;
  const std::size_t n_bodies = layout.slots.size();

  // A pool of block buffers, one per token: allocated once. Two per thread keep every worker busy
  // while the writer drains; never more than there are blocks.
  const std::size_t tokens = static_cast<std::size_t>(
      std::min<std::uint64_t>(2 * static_cast<std::uint64_t>(threads) + 2, std::max<std::uint64_t>(n_blocks, 1)));
  std::vector<std::unique_ptr<Block>> pool_storage;
  std::vector<Block*> free_blocks;
  for (std::size_t i = 0; i < tokens; ++i) {
    pool_storage.push_back(std::make_unique<Block>());
    pool_storage.back()->resize(block_size, plan.n_drawn(), n_bodies);
    free_blocks.push_back(pool_storage.back().get());
  }
  std::mutex pool_mutex;

  tbb::enumerable_thread_specific<std::unique_ptr<Worker>> workers;
  std::uint64_t next_block = 0;
  std::atomic<bool> stop{false};  // decided by the in-order sink stage only
  // Why the run ended: the source stage records a cancel, the sink stage an until_ci stop.
  std::atomic<RunEnd> end{RunEnd::all_samples};
  auto end_as = [&end](RunEnd why) {
    RunEnd expected = RunEnd::all_samples;
    end.compare_exchange_strong(expected, why);
  };
  std::uint64_t done = 0;

  tbb::parallel_pipeline(
      tokens,
      tbb::make_filter<void, Block*>(
          tbb::filter_mode::serial_in_order,
          [&](tbb::flow_control& fc) -> Block* {
            if (opt.cancel != nullptr && opt.cancel->load(std::memory_order_relaxed)) {
              end_as(RunEnd::interrupted);
              stop = true;
            }
            if (next_block >= n_blocks || stop) {
              fc.stop();
              return nullptr;
            }
            Block* b = nullptr;
            {
              std::lock_guard<std::mutex> lock(pool_mutex);
              b = free_blocks.back();
              free_blocks.pop_back();
            }
            b->index = next_block;
            b->first = next_block * block_size;
            b->count = static_cast<std::size_t>(
                std::min<std::uint64_t>(block_size, opt.n_samples - b->first));
            ++next_block;
            return b;
          }) &
          tbb::make_filter<Block*, Block*>(
              tbb::filter_mode::parallel,
              [&](Block* b) -> Block* {
                std::unique_ptr<Worker>& w = workers.local();
                if (!w) w = std::make_unique<Worker>(plan);
                for (std::size_t r = 0; r < b->count; ++r) {
                  const bool valid = w->sampled.set_sample(b->first + r, w->drawn);
                  for (std::size_t c = 0; c < w->drawn.size(); ++c) b->drawn[c][r] = w->drawn[c];
                  if (!valid) {
                    record_invalid(n_bodies, *b, r);
                    continue;
                  }
                  flight::fly(w->sampled.scenario(), w->sampled.draws(), w->result, w->workspace);
                  record_flight(w->sampled.scenario(), layout.slots, w->result, *b, r);
                }
                return b;
              }) &
          tbb::make_filter<Block*, void>(tbb::filter_mode::serial_in_order, [&](Block* b) {
            // Blocks flown after an until_ci stop are dropped (the stop point depends on the seed
            // only); after a cancel, every block already started is kept: they are complete.
            if (end.load() != RunEnd::until_ci) {
              if (sink != nullptr) sink->write(*b);
              summary.add(*b);
              done += b->count;
              if (opt.until_ci_width && summary.ci95_width() <= *opt.until_ci_width) {
                end.store(RunEnd::until_ci);  // the run's own end: takes precedence over a cancel
                stop = true;
              }
              if (progress) {
                const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
                progress(done, opt.n_samples, el);
              }
            }
            std::lock_guard<std::mutex> lock(pool_mutex);
            free_blocks.push_back(b);
          }));

  RunMeta meta = layout.meta;
  meta.stopped_by = to_string(end.load());
  meta.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  RunResult result{summary.finish(meta), end.load()};
  if (sink != nullptr) sink->finish(result.summary, result.end);
  return result;
}

}  // namespace launchmc::engine
