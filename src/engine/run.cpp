// Monte Carlo run: TBB pipeline of blocks (serial in-order source, parallel flights, serial
// in-order sink), with a bounded number of blocks in flight so memory stays flat.
#include "engine/run.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/info.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

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
  outcome::FlightOutcome outcome;
  flight::FlightWorkspace workspace;
  std::vector<double> drawn;
};

}  // namespace

const char* to_string(RunEnd end) noexcept {
  switch (end) {
    case RunEnd::all_samples:
      return "samples";
    case RunEnd::until_ci:
      return "until_ci";
    case RunEnd::interrupted:
      return "interrupted";
  }
  return "?";
}

SampleStatus success_status_of(const flight::FlightResult& nominal) {
  return nominal.status == flight::FlightStatus::orbit ? SampleStatus::orbit
                                                       : SampleStatus::suborbital;
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

DrawnSample sample_scenario(const Study& config, std::uint64_t seed, std::uint64_t n_samples,
                            uncertainty::SamplerKind sampler, std::uint64_t index,
                            Stratify stratify) {
  const SamplePlan plan(config, seed, n_samples, sampler, stratify);
  SampledScenario s(plan);
  std::vector<double> values(plan.n_drawn());
  DrawnSample out;
  out.valid = s.set_sample(index, values);
  for (std::size_t i = 0; i < values.size(); ++i)
    out.drawn.emplace_back(plan.drawn_names()[i], values[i]);
  out.scenario = s.scenario();
  out.draws = s.draws();
  return out;
}

RunLayout layout_of(const Study& config, const RunPlan& plan, BlockRange range,
                    const Execution& exec) {
  RunLayout layout;
  layout.samples = std::make_shared<const SamplePlan>(
      config, plan.seed, plan.n_samples, plan.design, plan.stratify,
      plan.sensitivity ? &*plan.sensitivity : nullptr);
  layout.plan = &plan;
  layout.range = {range.begin, std::min(range.end, plan.n_blocks())};
  // The nominal flight defines the bodies, their reference impact points and what success is.
  // Its ground track on the IIP's grid rides along (a passive observer: the same flight).
  const flight::Environment nominal_env = flight::make_environment(config.scenario);
  flight::GroundTrackSampler ground(nominal_env, config.scenario.iip.step_s,
                                    layout.nominal_ground_track);
  flight::StepObserver* const observers[] = {&ground};
  flight::FlightResult nominal;
  flight::FlightWorkspace workspace;
  flight::fly(config.scenario, {}, nominal, workspace, nullptr, observers);
  layout.nominal_track =
      std::make_shared<const flight::NominalTrack>(flight::record_nominal_track(config.scenario));
  layout.slots = body_slots(config.scenario, nominal);
  layout.nominal_iip = nominal.iip;
  layout.iip_points_per_row = iip_points_per_row(nominal.iip.size());
  layout.threads_requested = exec.threads;
  layout.threads_used = exec.threads > 0 ? exec.threads : tbb::info::default_concurrency();
  layout.until_ci_width = exec.until_ci_width;
  RunMeta& m = layout.meta;
  m.seed = plan.seed;
  m.samples_requested = plan.n_samples;
  m.sampler = plan.sensitivity ? std::string(layout.samples->design().name())
                               : std::string(uncertainty::to_string(plan.design));
  m.scenario = config.scenario.name;
  m.success_status = success_status_of(nominal);
  m.site_lat_deg = config.scenario.site.lat_deg;
  m.site_lon_deg = config.scenario.site.lon_deg;
  // The vehicle's own impacts are measured from its nominal impact point, or from the launch site
  // when the nominal flight does not come down (a launcher): a point fixed before the run, so the
  // statistics merge exactly however the run is split.
  const outcome::FlightOutcome o = outcome::derive(config.scenario, nominal);
  m.vehicle_ref_lat_deg = o.vehicle_impact ? o.vehicle_impact->lat_deg : m.site_lat_deg;
  m.vehicle_ref_lon_deg = o.vehicle_impact ? o.vehicle_impact->lon_deg : m.site_lon_deg;
  for (const auto& f : config.dispersions.failures) m.failure_names.push_back(f.name);
  for (std::size_t r = 0; r < config.scenario.range_safety.rule_count(); ++r)
    m.termination_rule_names.push_back(config.scenario.range_safety.rule_name(r));
  m.strata = layout.samples->strata();
  m.target_orbit = target_orbit_of(config.scenario);
  return layout;
}

std::unique_ptr<SummaryReducer> summary_reducer_for(const RunLayout& layout, const Study& config) {
  return std::make_unique<SummaryReducer>(layout.slots, layout.meta.success_status,
                                          config.dispersions.failures.size(),
                                          layout.meta.target_orbit, layout.meta.vehicle_ref_lat_deg,
                                          layout.meta.vehicle_ref_lon_deg, layout.meta.strata);
}

std::unique_ptr<IipCorridorReducer> iip_corridor_reducer_for(const RunLayout& layout,
                                                             const Study& config) {
  IipCorridorSetup setup = iip_corridor_setup(config.scenario.iip, layout.nominal_iip,
                                              layout.iip_points_per_row, layout.meta.site_lon_deg);
  setup.strata = layout.meta.strata;
  return std::make_unique<IipCorridorReducer>(std::move(setup));
}

const char* failure_kind_name(FailureKind kind) noexcept {
  switch (kind) {
    case FailureKind::engine_shutdown:
      return "engine_shutdown";
    case FailureKind::ignition_failure:
      return "ignition_failure";
    case FailureKind::thrust_loss:
      return "thrust_loss";
    case FailureKind::flight_termination:
      return "flight_termination";
    case FailureKind::explosion:
      return "explosion";
    case FailureKind::separation_failure:
      return "separation_failure";
    case FailureKind::loss_of_control:
      return "loss_of_control";
  }
  return "";
}

FailureReportSetup failure_report_setup(const RunLayout& layout, const Study& config) {
  FailureReportSetup s;
  const auto& stages = config.scenario.vehicle.stages;
  for (const FailureMode& f : config.dispersions.failures)
    s.modes.push_back({f.name, f.stage < stages.size() ? stages[f.stage].name : std::string(),
                       failure_kind_name(f.kind)});
  for (const IipZone& z : config.scenario.report.regions)
    s.regions.push_back({z.name, true, z.points});
  s.classes = fragment_classes_of(config.scenario);
  s.ref_lat_deg = layout.meta.vehicle_ref_lat_deg;
  s.ref_lon_deg = layout.meta.vehicle_ref_lon_deg;
  s.site_lon_deg = layout.meta.site_lon_deg;
  if (!layout.meta.strata.single()) s.stratum_probability = layout.meta.strata.probabilities();
  return s;
}

std::unique_ptr<FailureReportReducer> failure_report_reducer_for(const RunLayout& layout,
                                                                 const Study& config) {
  return std::make_unique<FailureReportReducer>(failure_report_setup(layout, config));
}

RunPlan plan_of(const Study& config, const RunOptions& opt) {
  RunPlan p;
  p.config_text = config.scenario.config_text;
  p.overrides = opt.overrides;
  p.seed = opt.seed;
  p.design = opt.sampler.value_or(config.dispersions.sampler);
  p.n_samples = opt.n_samples;
  p.block_size = std::max<std::size_t>(1, opt.block_size);
  p.stratify = opt.stratify.value_or(config.dispersions.stratify);
  if (config.dispersions.failures.empty()) p.stratify = Stratify::none;  // nothing to stratify
  return p;
}

RunResult run_monte_carlo(const Study& config, const RunOptions& opt, BlockSink* sink,
                          const ProgressFn& progress) {
  const RunPlan plan = plan_of(config, opt);
  Execution exec;
  exec.threads = opt.threads;
  exec.until_ci_width = opt.until_ci_width;
  exec.cancel = opt.cancel;
  exec.progress = progress;
  const RunLayout layout = layout_of(config, plan, plan.all_blocks(), exec);
  const std::unique_ptr<SummaryReducer> summary = summary_reducer_for(layout, config);
  const std::unique_ptr<IipCorridorReducer> corridor = iip_corridor_reducer_for(layout, config);
  const std::unique_ptr<FailureReportReducer> report = failure_report_reducer_for(layout, config);
  std::vector<BlockSink*> sinks = {summary.get(), corridor.get(), report.get()};
  if (sink != nullptr) sinks.push_back(sink);
  const BlocksResult r = run_blocks(layout, sinks, exec, summary.get());
  RunMeta meta = layout.meta;
  meta.stopped_by = to_string(r.end);
  meta.elapsed_s = r.elapsed_s;
  RunResult result{summary->finish(meta), r.end};
  result.summary.iip_corridor = corridor->finish();
  result.summary.failure_report = report->finish();
  return result;
}

BlocksResult run_blocks(const RunLayout& layout, std::span<BlockSink* const> sinks,
                        const Execution& exec, const SummaryReducer* stop_rule) {
  const auto t_start = std::chrono::steady_clock::now();
  const RunPlan& plan = *layout.plan;
  const BlockRange range = layout.range;
  const SamplePlan& samples = *layout.samples;
  const int threads = layout.threads_used;
  tbb::task_arena arena(threads);
  for (BlockSink* s : sinks) s->begin(layout);

  const std::size_t block_size = plan.block_size;
  const std::size_t n_bodies = layout.slots.size();
  std::uint64_t total_rows = 0;
  for (std::uint64_t b = range.begin; b < range.end; ++b) total_rows += plan.rows_in(b);

  // A pool of block buffers, one per token: allocated once. Two per thread keep every worker busy
  // while the sinks drain; never more than there are blocks.
  const std::size_t tokens = static_cast<std::size_t>(std::min<std::uint64_t>(
      2 * static_cast<std::uint64_t>(threads) + 2, std::max<std::uint64_t>(range.size(), 1)));
  std::vector<std::unique_ptr<Block>> pool_storage;
  std::vector<Block*> free_blocks;
  bool breakups = false;
  // A breakup comes from a breakup failure mode, a loss of control (q-alpha breakup, or the
  // termination rules it may break) or a flight-termination rule.
  for (const FailureMode& f : samples.dispersions().failures)
    breakups = breakups || f.breakup() || f.kind == FailureKind::loss_of_control;
  breakups = breakups || samples.nominal().range_safety.rule_count() > 0;
  const flight::NominalTrack* nominal_track = layout.nominal_track.get();
  const std::size_t fragments_per_sample =
      breakups ? flight::max_breakup_bodies(samples.nominal()) : 0;
  for (std::size_t i = 0; i < tokens; ++i) {
    pool_storage.push_back(std::make_unique<Block>());
    pool_storage.back()->resize(block_size, samples.n_drawn(), n_bodies, layout.iip_points_per_row,
                                fragments_per_sample);
    free_blocks.push_back(pool_storage.back().get());
  }
  std::mutex pool_mutex;

  tbb::enumerable_thread_specific<std::unique_ptr<Worker>> workers;
  std::uint64_t next_block = range.begin;
  std::atomic<bool> stop{false};
  // Why the run ended: the source stage records a cancel, the sink stage an until_ci stop.
  std::atomic<RunEnd> end{RunEnd::all_samples};
  auto end_as = [&end](RunEnd why) {
    RunEnd expected = RunEnd::all_samples;
    end.compare_exchange_strong(expected, why);
  };
  std::uint64_t done = 0;

  arena.execute([&] {
    tbb::parallel_pipeline(
        tokens,
        tbb::make_filter<
            void, Block*>(tbb::filter_mode::serial_in_order, [&](tbb::flow_control& fc) -> Block* {
          if (exec.cancel != nullptr && exec.cancel->load(std::memory_order_relaxed)) {
            end_as(RunEnd::interrupted);
            stop = true;
          }
          if (next_block >= range.end || stop) {
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
          b->first = plan.first_row(next_block);
          b->count = static_cast<std::size_t>(plan.rows_in(next_block));
          ++next_block;
          return b;
        }) & tbb::make_filter<Block*, Block*>(tbb::filter_mode::parallel, [&](Block* b) -> Block* {
          std::unique_ptr<Worker>& w = workers.local();
          if (!w) w = std::make_unique<Worker>(samples);
          for (std::size_t r = 0; r < b->count; ++r) {
            const bool valid = w->sampled.set_sample(b->first + r, w->drawn);
            b->stratum[r] = static_cast<std::uint8_t>(w->sampled.stratum());
            for (std::size_t c = 0; c < w->drawn.size(); ++c) b->drawn[c][r] = w->drawn[c];
            if (!valid) {
              record_invalid(n_bodies, w->sampled.stream(), *b, r);
              continue;
            }
            flight::fly(w->sampled.scenario(), w->sampled.draws(), w->result, w->workspace, nullptr,
                        {}, nominal_track);
            outcome::derive(w->sampled.scenario(), w->result, w->outcome);
            record_flight(layout.slots, w->outcome, w->sampled.stream(), *b, r);
          }
          return b;
        }) & tbb::make_filter<Block*, void>(tbb::filter_mode::serial_in_order, [&](Block* b) {
          // Blocks flown after an until_ci stop are dropped (the stop point depends on the
          // plan only); after a cancel, every block already started is kept: they are complete.
          if (end.load() != RunEnd::until_ci) {
            for (BlockSink* s : sinks) s->write(*b);
            done += b->count;
            if (exec.until_ci_width && stop_rule != nullptr &&
                stop_rule->ci95_width() <= *exec.until_ci_width) {
              end.store(RunEnd::until_ci);  // the run's own end: takes precedence over a cancel
              stop = true;
            }
            if (exec.progress) {
              const double el =
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
              exec.progress(done, total_rows, el);
            }
          }
          std::lock_guard<std::mutex> lock(pool_mutex);
          free_blocks.push_back(b);
        }));
  });

  BlocksResult result;
  result.end = end.load();
  result.rows = done;
  result.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  for (BlockSink* s : sinks) s->finish(result.end, result.rows, result.elapsed_s);
  return result;
}

}  // namespace launchmc::engine
