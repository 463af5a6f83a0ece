// `mpirun -np R launchmc run CONFIG -n N -o OUT` (issue 13; src/mpi/world.hpp starts MPI).
//
// Rank r flies a contiguous range of the plan's blocks (rank_range), with TBB inside. Ranks
// 1..R-1 write their rows, about every second, as checkpoint chunks in OUT.ranks/, each
// announced to rank 0 when it is in place. Rank 0 writes OUT itself:
// its own blocks as it flies them, then each other rank's rows in rank order, read from their
// chunks as they come (while the rank still flies), through the same writer and reducers (the
// single run's: `merge` feeds them the same way). The file is therefore the single-process run's
// in every dataset, for any R. Rank 0 flies fewer blocks than the others, so that writing their
// rows after its own ends when they end. OUT.ranks/ is removed once OUT is complete. The ranks
// must see OUT's directory (a shared file system on a cluster).
//
// `--resume` under mpirun continues each rank's part: rank 0 from OUT.checkpoint/, rank r from
// its chunks (a rank whose chunks cover its part flies nothing).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <thread>
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

// OUT.ranks/ and rank r's part in it (its chunks go to checkpoint_dir of this path).
std::filesystem::path ranks_dir(const std::string& output);
// Makes OUT.ranks/ (a rank's chunks go there); removed again, if still empty, when the
// ranks do not agree to fly.
void make_ranks_dir(const std::string& output);
void unmake_ranks_dir();
std::filesystem::path rank_part_path(const std::string& output, mpi::World world);

// The blocks rank `rank` of `ranks` flies: contiguous, in rank order, covering the plan. Rank 0
// also writes the other ranks' rows, at about kGatherCost of a row's flight and write each (what
// is left of its work on them: read, reduce, deflate and write, ~0.17 ms a Chollima-1 row),
// while the others' rows cost them about kRankRowCost of rank 0's own (they neither deflate nor
// reduce, but their rows were measured as dear as rank 0's own: the flight is nearly all of it).
// Rank 0 takes the share f that ends both at once, f + a (1 - f) = b (1 - f) / (R - 1), i.e.
// f = (b / (R - 1) - a) / (1 - a + b / (R - 1)) (0.47 for 2 ranks, 0.28 for 3, 0.18 for 4, ...;
// none from 10 ranks on: rank 0 then only writes), and the others split the rest evenly. Every
// rank computes the same ranges; no row depends on them. Measured 2026-12-01
// (docs/reports/batch_runs_2026-12.md).
inline constexpr double kGatherCost = 0.12;  // a
inline constexpr double kRankRowCost = 1.0;  // b
engine::BlockRange rank_range(const engine::RunPlan& plan, int rank, int ranks);
// How often (seconds) ranks 1..R-1 hand rank 0 a chunk of their rows at most.
inline constexpr double kStreamEvery_s = 1.0;

// Rank r > 0's messages to rank 0 (mpi::RankMessage): the pieces of its part as they are
// complete, then how it ended. Made on the main thread; piece() may be called from the thread
// that runs the sinks: if MPI allows only the main thread, the message waits for the next call
// from it (done() at the latest).
class RankAnnouncer {
 public:
  RankAnnouncer();
  void piece(engine::BlockRange blocks, bool whole_part);
  void done(std::uint64_t rows, int interrupted_by);

 private:
  void send(const mpi::RankMessage& message);
  std::thread::id main_;
  std::mutex mutex_;
  std::vector<mpi::RankMessage> waiting_;
};

// Whether `path` is a complete shard file of `plan` holding exactly `range` (a rank's finished
// part, kept for --resume).
bool is_complete_part(const std::filesystem::path& path, const engine::RunPlan& plan,
                      engine::BlockRange range);

// Rank 0: takes ranks 1..R-1 in order and feeds each one's rows to `sinks` as its pieces are
// announced (their blocks checked to follow on), until it says it is done.
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

// Ranks 1..R-1 (run and sensitivity): what a rank has of its part before it flies, found while
// the ranks prepare (a refused checkpoint is an error of the preparing phase). Its rows are its
// checkpoint chunks only (OUT.ranks/rank_r_of_R.h5.checkpoint/): no shard file, no reducers
// (rank 0 reduces every row once).
struct RankPart {
  engine::BlockRange range;        // rank_range
  std::vector<RunPiece> finished;  // with --resume: the chunks an earlier job left, in order
  // With --resume: a complete shard file of the range (as launchmc 0.1 before 2026-12-01 wrote
  // rank parts, or `run --shard` for that range) stands for the whole part.
  bool whole_part_done = false;
};
RankPart prepare_rank_part(const engine::RunPlan& plan, const std::string& output, mpi::World world,
                           bool resume);
// Flies what is left of the part, handing rank 0 each chunk (one about every `every_s` seconds
// at most) and then saying how it ended. 0, or 128 + the signal that interrupted it.
int fly_rank_part(const Study& config, const engine::RunPlan& plan,
                  const engine::Execution& execution, const std::string& output, mpi::World world,
                  const RankPart& part, double every_s);

// Removes OUT.ranks/ (after OUT is complete).
void remove_rank_parts(const std::string& output);

}  // namespace launchmc::cli
