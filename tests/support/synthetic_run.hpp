// Run files from synthetic samples: the run-file tests write rows whose values they know by
// construction, through the same writer and summary accumulator `run` uses.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "config/load_scenario.hpp"
#include "engine/run.hpp"
#include "engine/sampling.hpp"
#include "io/run_file.hpp"

namespace launchmc::testing_support {

struct SyntheticRun {
  std::size_t rows = 0;
  std::size_t block_size = 0;  // the last block may be short
  std::uint64_t seed = 1;
  std::vector<engine::BodySlot> slots;
  std::optional<engine::TargetOrbit> target_orbit;
  io::RunFileWriter::Compression compression = io::RunFileWriter::Compression::deflated;
};

// Writes run.rows samples to `path` in blocks of run.block_size: each row starts from
// record_invalid ("nothing") and is then filled by fill(i, block, r) for sample i in row r.
// Returns the summary computed from the same blocks, as `run` computes it.
template <class Fill>
engine::Summary write_synthetic_run(const std::filesystem::path& path, const Study& cfg,
                                    const SyntheticRun& run, Fill&& fill) {
  engine::RunOptions options;
  options.n_samples = run.rows;
  options.block_size = run.block_size;
  options.seed = run.seed;
  const engine::RunPlan plan = engine::plan_of(cfg, options);
  engine::RunLayout layout;
  layout.samples = std::make_shared<const engine::SamplePlan>(cfg, options.seed, options.n_samples,
                                                              cfg.dispersions.sampler);
  layout.plan = &plan;
  layout.threads_used = 1;
  layout.slots = run.slots;
  layout.meta.seed = options.seed;
  layout.meta.sampler = "mc";
  layout.meta.scenario = cfg.scenario.name;
  layout.meta.success_status = engine::SampleStatus::orbit;
  layout.meta.target_orbit = run.target_orbit;

  engine::SummaryReducer acc(layout.slots, layout.meta.success_status,
                             layout.meta.failure_names.size(), run.target_orbit,
                             layout.meta.vehicle_ref_lat_deg, layout.meta.vehicle_ref_lon_deg);
  io::RunFileWriter writer(path, cfg, run.compression);
  writer.save_reducer("summary", acc);
  writer.begin(layout);
  engine::Block b;
  b.resize(run.block_size, layout.samples->n_drawn(), layout.slots.size());
  for (std::size_t first = 0; first < run.rows; first += run.block_size) {
    b.first = first;
    b.count = std::min(run.block_size, run.rows - first);
    for (std::size_t r = 0; r < b.count; ++r) {
      engine::record_invalid(layout.slots.size(), first + r, b, r);
      fill(first + r, b, r);
    }
    writer.write(b);
    acc.add(b);
  }
  writer.finish(engine::RunEnd::all_samples, run.rows, 0.0);
  return acc.finish(layout.meta);
}

}  // namespace launchmc::testing_support
