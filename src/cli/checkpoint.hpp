// Checkpoints of a run (`run -o OUT`): the finished blocks are also written, in order, as small
// run files ("checkpoint chunks", shard-like: docs/hdf5_format.md) into the directory
// OUT.checkpoint/, each renamed into place when complete, a new one every few seconds. A run
// killed at any moment (SIGKILL, a node failure) leaves a checkpoint of the blocks it finished,
// all but the last few seconds' worth; `run ... -o OUT --resume` checks the plan identity, feeds
// the chunks' rows to the sinks as `merge` does and flies only the blocks after them, and the
// final file equals an uninterrupted run's. A run that completes removes the directory.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/merge_command.hpp"
#include "engine/run.hpp"
#include "io/run_file.hpp"

namespace launchmc::cli {

// OUT.checkpoint beside OUT.
std::filesystem::path checkpoint_dir(const std::filesystem::path& output);
// The chunk whose first block is `first_block` in it.
std::filesystem::path checkpoint_chunk_path(const std::filesystem::path& output,
                                            std::uint64_t first_block);

// The sink that writes the chunks. A chunk is committed after `every_s` seconds of blocks (0:
// one chunk per block), and when the run ends (a SIGINT/SIGTERM included). When the run ends
// otherwise than interrupted, the directory is removed (the run's file is then complete: give
// this sink after the run-file writer).
//
// Streamed (ranks 1..R-1 under mpirun, cli/mpi_run.hpp): `committed` is called with the blocks of
// each chunk once it is in place (from the thread that writes the blocks), the last chunk is
// committed when the run ends, and the directory is kept: rank 0 reads the chunks while the rank
// flies, and removes OUT.ranks/ once OUT is complete.
class CheckpointSink final : public engine::BlockSink {
 public:
  using Committed = std::function<void(engine::BlockRange)>;
  CheckpointSink(std::filesystem::path output, const Study& config, double every_s,
                 Committed committed = {});
  ~CheckpointSink() override;
  void begin(const engine::RunLayout& layout) override;
  void write(const engine::Block& block) override;
  void finish(engine::RunEnd end, std::uint64_t rows, double elapsed_s) override;

 private:
  void commit_chunk();

  std::filesystem::path dir_;
  const Study& config_;
  double every_s_;
  Committed committed_;
  const engine::RunLayout* layout_ = nullptr;
  std::uint64_t chunk_begin_ = 0, chunk_end_ = 0;  // the blocks of the chunk being written
  engine::RunLayout chunk_layout_;
  std::unique_ptr<io::RunFileWriter> chunk_;
  std::uint64_t chunk_rows_ = 0;
  std::chrono::steady_clock::time_point chunk_start_;
};

// The chunks found in checkpoint_dir(output) (temporaries of dead processes removed), in block
// order. Refuses (std::runtime_error, nothing changed) chunks of another plan than `plan` or of
// another launchmc version, and chunks that are not a prefix of the plan's blocks held once.
// `range`: the blocks of the run (a shard's); the chunks must hold a prefix of it.
std::vector<RunPiece> checkpoint_chunks(const std::filesystem::path& output,
                                        const engine::RunPlan& plan, engine::BlockRange range);

// A sink that continues after rows fed to it before the execution (a resumed run): begin() is
// not passed on (the sink was begun with the whole run's layout), finish() counts those rows.
class ContinuedSink final : public engine::BlockSink {
 public:
  ContinuedSink(engine::BlockSink& sink, std::uint64_t rows_before)
      : sink_(sink), rows_before_(rows_before) {}
  void write(const engine::Block& block) override { sink_.write(block); }
  void finish(engine::RunEnd end, std::uint64_t rows, double elapsed_s) override {
    sink_.finish(end, rows_before_ + rows, elapsed_s);
  }

 private:
  engine::BlockSink& sink_;
  std::uint64_t rows_before_;
};

// A sink fed part of a run by an execution (run_blocks) while the whole run's begin() and
// finish() are called on it by the caller (rank 0 under mpirun, cli/mpi_run.hpp): only the
// blocks are passed on.
class WritesOnlySink final : public engine::BlockSink {
 public:
  explicit WritesOnlySink(engine::BlockSink& sink) : sink_(sink) {}
  void write(const engine::Block& block) override { sink_.write(block); }

 private:
  engine::BlockSink& sink_;
};

// Removes checkpoint_dir(output) and what it holds (an earlier run's chunks, superseded);
// true when there was one.
bool remove_checkpoint(const std::filesystem::path& output);

}  // namespace launchmc::cli
