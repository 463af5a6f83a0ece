// Batch runs in pieces: `launchmc run CONFIG --shard i/K -o shard_i.h5` flies shard i of K (a
// contiguous range of the plan's blocks, engine/plan.hpp), and `launchmc merge shard_*.h5 -o
// all.h5` checks that the pieces are of one plan and one program version and cover every block
// exactly once, then streams their rows block by block, in block order, through the sinks of a
// single run (the run-file writer and the reducers whose states it saves): the merged file is
// the single run's, dataset for dataset. `run --resume` uses the same pieces (checkpoint chunks).
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/run.hpp"
#include "io/run_file.hpp"

namespace launchmc::cli {

struct MergeCmdOptions {
  std::vector<std::string> inputs;
  std::string output;
  bool json = false;
};

// Registers the `merge` subcommand on `app`, its options filling `options`.
CLI::App* add_merge_command(CLI::App& app, MergeCmdOptions& options);

// Merges (see above). Any refusal (pieces of another run or program version, blocks missing or
// held twice, a damaged piece) throws before anything is written, naming the files and blocks;
// the output is written to a temporary renamed onto it when complete. Returns the exit status.
// `after` (if set) is called with the config and the committed output, as `run` applies the
// config's risk: section to its file; its status is returned.
using AfterMerge = std::function<int(const Study& config, const std::string& output, bool json)>;
int run_merge(const MergeCmdOptions& options, const AfterMerge& after = {});

// "i/K" of `run --shard` (0 <= i < K <= 1e6); a UsageError otherwise.
engine::PartOfRun parse_shard(std::string_view text);

// "block 7 (rows 1792-2047)", "blocks 40-59 (rows 10240-15359)": a range for messages.
std::string describe_blocks(const engine::RunPlan& plan, engine::BlockRange range);

// A run file that holds some blocks of a plan: a shard, a checkpoint chunk, an interrupted run's
// partial file or a whole run.
struct RunPiece {
  std::filesystem::path path;
  io::RunFile info;  // the metadata (no samples)
  std::uint64_t rows = 0;
  engine::BlockRange blocks;  // the plan's blocks its rows are (empty: no rows)
};

// Reads a piece's metadata; refuses a file that is not a run file of format 2 (plan identity).
RunPiece open_piece(const std::filesystem::path& path);

// The plan the pieces share, rebuilt from the first and checked against its recorded identity.
// Refuses (std::runtime_error) a piece of another plan (naming what differs: seed, sampler,
// samples, block size, stratification, overrides, config) or of another program version (also
// than this program's), or whose rows are not whole blocks of the plan.
engine::RunPlan common_plan(const std::vector<RunPiece>& pieces);

// What keeps the pieces from covering `wanted` exactly once: blocks no piece holds, blocks two
// pieces hold (one sentence each; empty: they cover it). `what` names a piece in messages
// ("shard", "checkpoint chunk").
std::vector<std::string> coverage_problems(const engine::RunPlan& plan,
                                           const std::vector<RunPiece>& pieces,
                                           engine::BlockRange wanted, std::string_view what);

// Hands the rows of `pieces` (sorted by first block, covering their blocks once) to `sinks`, one
// plan block at a time in block order (write() only: the caller begins and finishes the sinks).
// Memory: one block. Returns the rows handed.
// `stop`, if given, is asked after each block: true ends the feeding there (a resumed run's
// --until-ci rule).
std::uint64_t feed_pieces(const engine::RunLayout& layout, const std::vector<RunPiece>& pieces,
                          std::span<engine::BlockSink* const> sinks,
                          const std::function<bool()>& stop = {});

// The config of a plan rebuilt from a piece (its config text and overrides, read as from the
// config's recorded path so that the scenario's name and any relative paths are the run's).
Study config_of(const RunPiece& piece);

}  // namespace launchmc::cli
