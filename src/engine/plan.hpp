// A run plan: everything that defines a Monte Carlo run's rows, and nothing about how they are
// computed. The same plan gives the same rows, bit for bit, for any number of threads, any split
// into block ranges, processes, shards or resumed pieces: rows are grouped in blocks of
// block_size, and a block is a pure function of the plan and its index. Drivers (the local TBB
// driver here; MPI ranks, job-array shards and resume later) call run_blocks() on ranges of it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenario/dispersions.hpp"
#include "uncertainty/sampler.hpp"

namespace launchmc::engine {

inline constexpr const char* kRunFormatVersion = "2.0";

struct BlockRange {
  std::uint64_t begin = 0;  // first block
  std::uint64_t end = 0;    // one past the last block
  bool empty() const noexcept { return end <= begin; }
  std::uint64_t size() const noexcept { return empty() ? 0 : end - begin; }
};

// A sensitivity study's design (`launchmc sensitivity CONFIG`): the rows are Saltelli's A, AB_i
// (BA_i) and B points or Morris trajectories over the study's factors (engine/sampling.hpp), not
// a sampler's points. Part of the plan: the same spec gives the same rows.
struct SensitivityDesignSpec {
  std::string method = "sobol";  // "sobol" (Saltelli's design) or "morris"
  std::uint64_t n = 0;           // sobol: base points N; morris: trajectories r
  bool second_order = false;     // sobol: the BA_i rows too
  std::size_t levels = 4;        // morris: grid levels p
  std::uint64_t pool = 0;        // morris: candidate trajectories (0: the default)
};

struct RunPlan {
  std::string config_text;             // the config file as read
  std::vector<std::string> overrides;  // --set PATH=VALUE, in order, applied to config_text
  std::uint64_t seed = 1;
  uncertainty::SamplerKind design = uncertainty::SamplerKind::monte_carlo;
  std::uint64_t n_samples = 1000;
  std::uint64_t block_size = 256;
  // Failure stratification (engine/strata.hpp): part of the plan's text only when not none, so
  // that unstratified plans keep their identities.
  Stratify stratify = Stratify::none;
  // A sensitivity design instead of the sampler's points (n_samples is then its row count).
  std::optional<SensitivityDesignSpec> sensitivity;
  std::string format_version = kRunFormatVersion;

  std::uint64_t n_blocks() const noexcept { return (n_samples + block_size - 1) / block_size; }
  BlockRange all_blocks() const noexcept { return {0, n_blocks()}; }
  std::uint64_t first_row(std::uint64_t block) const noexcept { return block * block_size; }
  std::uint64_t rows_in(std::uint64_t block) const noexcept;
  // One past the last row of the blocks before `block` (clamped to n_samples).
  std::uint64_t end_row(std::uint64_t block) const noexcept;
  // Shard `index` of `count` (run --shard i/K): the contiguous blocks
  // [index * B / count, (index + 1) * B / count) of the plan's B blocks; the K shards cover every
  // block once, and their sizes differ by at most one block.
  BlockRange shard_range(std::uint64_t index, std::uint64_t count) const noexcept;
  // 16 hexadecimal digits: FNV-1a (64 bit) of a canonical text of every field above. Two runs with
  // the same identity have the same rows; merging and resuming check it.
  std::string identity() const;
  // The canonical text that identity() hashes (for messages and tests).
  std::string canonical_text() const;
};

// FNV-1a, 64 bit (Fowler, Noll and Vo; IETF draft-eastlake-fnv): a fast, well-spread hash of
// bytes for identifying content (not a cryptographic hash).
std::uint64_t fnv1a64(std::string_view bytes) noexcept;

}  // namespace launchmc::engine
