// `mpirun -np R launchmc run CONFIG -n N -o OUT` (issue 13; src/mpi/world.hpp starts MPI).
//
// Rank r flies shard r of R (RunPlan::shard_range: contiguous blocks), with TBB inside. Ranks
// 1..R-1 write their rows as shard files in OUT.ranks/ (checkpointed like any run) and send rank
// 0 a message when theirs is complete. Rank 0 writes OUT itself: its own blocks as it flies
// them, then each other rank's rows in rank order, read back from its shard file, through the
// same writer and reducers (the single run's: `merge` feeds them the same way). The file is
// therefore the single-process run's in every dataset, for any R. OUT.ranks/ is removed once OUT
// is complete. The ranks must see OUT's directory (a shared file system on a cluster).
//
// `--resume` under mpirun continues each rank's part: rank 0 from OUT.checkpoint/, rank r from
// its shard's checkpoint, and a rank whose shard file is complete does not fly it again.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "cli/merge_command.hpp"
#include "engine/run.hpp"
#include "mpi/world.hpp"

namespace launchmc::cli {

// Where an error of this process is in the ranks' protocol, for main()'s error handler.
enum class RankPhase {
  alone,      // no other rank takes part (no MPI, one rank, or a command rank 0 runs alone)
  preparing,  // every rank prepares the run and then says whether it failed (report_failure)
  flying,     // the ranks agreed and fly: an error ends every rank (mpi::abort_all)
};
RankPhase& rank_phase() noexcept;

// How main() reports an error `message` with exit status `status` given the phase: prints it
// (prefixed with the rank when several fly), and returns the status to exit with; in the
// `flying` phase it ends every rank instead. While `preparing`, only the lowest failing rank
// prints (a bad config fails every rank alike: one message, not R).
int report_failure(const std::string& message, int status);

// The collective end of `preparing`: false when some rank failed (it says why; this rank then
// exits with a failure status quietly).
bool ranks_ready();

// OUT.ranks/ and rank r's shard file in it.
std::filesystem::path ranks_dir(const std::string& output);
// Makes OUT.ranks/ (a rank's shard file goes there); removed again, if still empty, when the
// ranks do not agree to fly.
void make_ranks_dir(const std::string& output);
void unmake_ranks_dir();
std::filesystem::path rank_part_path(const std::string& output, mpi::World world);

// Whether `path` is a complete shard file of `plan` holding exactly `range` (a rank's finished
// part, kept for --resume).
bool is_complete_part(const std::filesystem::path& path, const engine::RunPlan& plan,
                      engine::BlockRange range);

// Rank 0: waits for ranks 1..R-1 in order and feeds each one's shard rows to `sinks`.
struct Gathered {
  std::uint64_t rows = 0;
  int interrupted_by = 0;  // a signal that stopped a rank (or rank 0) before its part was done
  int interrupted_rank = -1;
};
Gathered gather_ranks(const engine::RunLayout& layout, std::span<engine::BlockSink* const> sinks,
                      const std::string& output, mpi::World world, const std::atomic<bool>& cancel,
                      int (*own_signal)());

// Rank 0's part of a run over R ranks: begins `sinks` with the whole run's `layout`, feeds them
// the rows of `finished` (its checkpoint's, with --resume), flies the blocks after those up to
// `own_end` (its shard), calls `flown()` (e.g. to end a progress bar), gathers the other ranks'
// rows, and finishes the sinks once. Ends `interrupted` when this rank's SIGINT/SIGTERM or
// another rank's stopped it.
engine::BlocksResult fly_and_gather(const engine::RunLayout& layout, std::uint64_t own_end,
                                    const std::vector<RunPiece>& finished,
                                    std::span<engine::BlockSink* const> sinks,
                                    const engine::Execution& execution, const std::string& output,
                                    mpi::World world, const std::function<void()>& flown);

// Ranks 1..R-1 of a run whose file is made by rank 0 (sensitivity): shard r of R flown into
// OUT.ranks/, then rank 0 told. 0, or 128 + the signal that interrupted it.
int fly_rank_part(const Study& config, const engine::RunPlan& plan,
                  const engine::Execution& execution, const std::string& output, mpi::World world);

// Removes OUT.ranks/ (after OUT is complete).
void remove_rank_parts(const std::string& output);

}  // namespace launchmc::cli
