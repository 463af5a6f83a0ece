// `run` under mpirun: the ranks' protocol (see mpi_run.hpp).
#include "cli/mpi_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <system_error>
#include <vector>

#include "cli/checkpoint.hpp"
#include "cli/interrupt.hpp"
#include "cli/merge_command.hpp"
#include "cli/run_sinks.hpp"

namespace launchmc::cli {

RankPhase& rank_phase() noexcept {
  static RankPhase phase = RankPhase::alone;
  return phase;
}

namespace {
std::filesystem::path& made_ranks_dir() {
  static std::filesystem::path dir;
  return dir;
}
}  // namespace

// After the ranks did not agree to fly: OUT.ranks/ goes if this rank made it and it is empty
// (another rank's file in it keeps it).
void unmake_ranks_dir() {
  std::error_code ec;
  if (!made_ranks_dir().empty()) std::filesystem::remove(made_ranks_dir(), ec);
}

void make_ranks_dir(const std::string& output) {
  made_ranks_dir() = ranks_dir(output);
  std::filesystem::create_directories(made_ranks_dir());
}

int report_failure(const std::string& message, int status) {
  const mpi::World world = mpi::world();
  switch (rank_phase()) {
    case RankPhase::alone:
      std::cerr << message << "\n";
      return status;
    case RankPhase::preparing: {
      const int first = mpi::lowest_failing_rank(true);
      rank_phase() = RankPhase::alone;
      unmake_ranks_dir();
      if (first == world.rank)
        std::cerr << message
                  << (first == 0 ? std::string()
                                 : fmt::format(" (rank {} of {})", world.rank, world.size))
                  << "\n";
      return status;
    }
    case RankPhase::flying:
      std::cerr << fmt::format("{} (rank {} of {}: every rank is stopped)\n", message, world.rank,
                               world.size);
      std::cerr.flush();
      mpi::abort_all(status);
  }
  return status;
}

bool ranks_ready() {
  const mpi::World world = mpi::world();
  const bool ready = mpi::lowest_failing_rank(false) == world.size;
  rank_phase() = ready ? RankPhase::flying : RankPhase::alone;
  return ready;
}

std::filesystem::path ranks_dir(const std::string& output) {
  return std::filesystem::path(output + ".ranks");
}

std::filesystem::path rank_part_path(const std::string& output, mpi::World world) {
  return ranks_dir(output) / fmt::format("rank_{}_of_{}.h5", world.rank, world.size);
}

bool is_complete_part(const std::filesystem::path& path, const engine::RunPlan& plan,
                      engine::BlockRange range) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  try {
    const RunPiece piece = open_piece(path);
    return piece.info.plan_identity == plan.identity() && piece.blocks.begin == range.begin &&
           piece.blocks.end == range.end;
  } catch (const std::exception&) {
    return false;  // damaged or of another program: flown again
  }
}

Gathered gather_ranks(const engine::RunLayout& layout, std::span<engine::BlockSink* const> sinks,
                      const std::string& output, mpi::World world, const std::atomic<bool>& cancel,
                      int (*own_signal)()) {
  Gathered g;
  const engine::RunPlan& plan = *layout.plan;
  for (int r = 1; r < world.size; ++r) {
    mpi::RankDone done;
    if (!mpi::receive_done(r, done, [&] { return cancel.load(); })) {
      g.interrupted_by = own_signal();
      g.interrupted_rank = 0;
      return g;
    }
    if (done.interrupted_by != 0) {
      g.interrupted_by = done.interrupted_by;
      g.interrupted_rank = r;
      return g;
    }
    const std::filesystem::path part = rank_part_path(output, {r, world.size});
    const engine::BlockRange range =
        plan.shard_range(static_cast<std::uint64_t>(r), static_cast<std::uint64_t>(world.size));
    std::vector<RunPiece> pieces = {open_piece(part)};
    if (pieces.front().info.plan_identity != plan.identity() ||
        pieces.front().blocks.begin != range.begin || pieces.front().blocks.end != range.end)
      throw std::runtime_error(
          fmt::format("rank {} says it wrote {}, but the file does not hold {} of this run", r,
                      part.string(), describe_blocks(plan, range)));
    g.rows += feed_pieces(layout, pieces, sinks);
  }
  return g;
}

engine::BlocksResult fly_and_gather(const engine::RunLayout& layout, std::uint64_t own_end,
                                    const std::vector<RunPiece>& finished,
                                    std::span<engine::BlockSink* const> sinks,
                                    const engine::Execution& execution, const std::string& output,
                                    mpi::World world, const std::function<void()>& flown) {
  const auto t0 = std::chrono::steady_clock::now();
  for (engine::BlockSink* s : sinks) s->begin(layout);
  engine::BlocksResult result;
  result.rows = feed_pieces(layout, finished, sinks);
  std::uint64_t resumed_at = layout.range.begin;
  for (const RunPiece& p : finished) resumed_at = std::max(resumed_at, p.blocks.end);
  engine::RunLayout own = layout;
  own.range = {resumed_at, own_end};
  std::vector<std::unique_ptr<WritesOnlySink>> writes;
  std::vector<engine::BlockSink*> own_sinks;
  for (engine::BlockSink* s : sinks) {
    writes.push_back(std::make_unique<WritesOnlySink>(*s));
    own_sinks.push_back(writes.back().get());
  }
  const engine::BlocksResult mine = engine::run_blocks(own, own_sinks, execution);
  result.rows += mine.rows;
  result.end = mine.end;
  if (flown) flown();
  if (mine.end != engine::RunEnd::interrupted) {
    static const std::atomic<bool> never{false};
    const Gathered g =
        gather_ranks(layout, sinks, output, world,
                     execution.cancel != nullptr ? *execution.cancel : never, interrupt_signal);
    result.rows += g.rows;
    if (g.interrupted_by != 0) {
      result.end = engine::RunEnd::interrupted;
      if (g.interrupted_rank > 0)
        std::cerr << fmt::format(
            "launchmc: rank {} of {} was stopped by signal {} before its part was done\n",
            g.interrupted_rank, world.size, g.interrupted_by);
    }
  }
  result.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (engine::BlockSink* s : sinks) s->finish(result.end, result.rows, result.elapsed_s);
  return result;
}

int fly_rank_part(const Study& config, const engine::RunPlan& plan,
                  const engine::Execution& execution, const std::string& output, mpi::World world) {
  const auto ranks = static_cast<std::uint64_t>(world.size);
  const engine::BlockRange range = plan.shard_range(static_cast<std::uint64_t>(world.rank), ranks);
  engine::RunLayout layout = engine::layout_of(config, plan, range, execution);
  layout.part = engine::PartOfRun{"shard", static_cast<std::uint64_t>(world.rank), ranks};
  const RunSinks sinks = make_run_sinks(layout, config, rank_part_path(output, world),
                                        io::RunFileWriter::Compression::stored);
  const engine::BlocksResult flown = engine::run_blocks(layout, sinks.list(), execution);
  const bool stopped = flown.end == engine::RunEnd::interrupted;
  const int signo = stopped ? std::max(interrupt_signal(), 1) : 0;
  mpi::send_done({flown.rows, signo});
  return stopped ? 128 + signo : 0;
}

void remove_rank_parts(const std::string& output) {
  std::error_code ec;
  std::filesystem::remove_all(ranks_dir(output), ec);
}

}  // namespace launchmc::cli
