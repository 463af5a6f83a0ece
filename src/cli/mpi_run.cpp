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

engine::BlockRange rank_range(const engine::RunPlan& plan, int rank, int ranks) {
  const std::uint64_t blocks = plan.n_blocks();
  if (ranks <= 1) return rank == 0 ? plan.all_blocks() : engine::BlockRange{};
  if (rank < 0 || rank >= ranks) return {};
  const auto others = static_cast<std::uint64_t>(ranks - 1);
  const double b = kRankRowCost / static_cast<double>(others);
  const double share = std::max(0.0, (b - kGatherCost) / (1.0 - kGatherCost + b));
  // Every other rank keeps at least a block (the caller refuses fewer blocks than ranks).
  const std::uint64_t own = std::min<std::uint64_t>(
      static_cast<std::uint64_t>(std::llround(share * static_cast<double>(blocks))),
      blocks > others ? blocks - others : 0);
  if (rank == 0) return {0, own};
  // The rest as RunPlan::shard_range splits a range: floor(i n / K) from `own` on.
  const std::uint64_t rest = blocks - own;
  const auto start = [&](std::uint64_t i) {
    return own + (i / others) * rest + (i % others) * rest / others;
  };
  const auto r = static_cast<std::uint64_t>(rank - 1);
  return {start(r), start(r + 1)};
}

RankAnnouncer::RankAnnouncer() : main_(std::this_thread::get_id()) {}

void RankAnnouncer::send(const mpi::RankMessage& message) {
  // Called with mutex_ held: one thread at a time calls MPI (MPI_THREAD_SERIALIZED).
  if (!mpi::messages_from_any_thread() && std::this_thread::get_id() != main_) {
    waiting_.push_back(message);
    return;
  }
  for (const mpi::RankMessage& m : waiting_) mpi::send_to_root(m);
  waiting_.clear();
  mpi::send_to_root(message);
}

void RankAnnouncer::piece(engine::BlockRange blocks, bool whole_part) {
  const std::lock_guard lock(mutex_);
  mpi::RankMessage m;
  m.kind = mpi::RankMessage::Kind::piece;
  m.begin = blocks.begin;
  m.end = blocks.end;
  m.whole_part = whole_part;
  send(m);
}

void RankAnnouncer::done(std::uint64_t rows, int interrupted_by) {
  const std::lock_guard lock(mutex_);
  mpi::RankMessage m;
  m.kind = mpi::RankMessage::Kind::done;
  m.rows = rows;
  m.interrupted_by = interrupted_by;
  send(m);
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
    const std::filesystem::path part = rank_part_path(output, {r, world.size});
    const engine::BlockRange range = rank_range(plan, r, world.size);
    std::uint64_t next = range.begin;  // the first block not yet fed
    for (;;) {
      mpi::RankMessage m;
      if (!mpi::receive_message(r, m, [&] { return cancel.load(); })) {
        g.interrupted_by = own_signal();
        g.interrupted_rank = 0;
        return g;
      }
      if (m.kind == mpi::RankMessage::Kind::done) {
        if (m.interrupted_by != 0) {
          g.interrupted_by = m.interrupted_by;
          g.interrupted_rank = r;
          return g;
        }
        if (next != range.end)
          throw std::runtime_error(
              fmt::format("rank {} says its part is done, but it handed over only {} of its {}", r,
                          next == range.begin ? std::string("none")
                                              : describe_blocks(plan, {range.begin, next}),
                          describe_blocks(plan, range)));
        break;
      }
      const std::filesystem::path path = m.whole_part ? part : checkpoint_chunk_path(part, m.begin);
      RunPiece piece = open_piece(path);
      if (piece.info.plan_identity != plan.identity() || piece.blocks.begin != m.begin ||
          piece.blocks.end != m.end || m.begin != next || m.end > range.end)
        throw std::runtime_error(fmt::format(
            "rank {} says {} holds {}, but the file does not hold the next blocks of its part ({})",
            r, path.string(), describe_blocks(plan, {m.begin, m.end}),
            describe_blocks(plan, {next, range.end})));
      const std::vector<RunPiece> pieces = {std::move(piece)};
      g.rows += feed_pieces(layout, pieces, sinks);
      next = m.end;
    }
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

RankPart prepare_rank_part(const engine::RunPlan& plan, const std::string& output, mpi::World world,
                           bool resume) {
  RankPart p;
  p.range = rank_range(plan, world.rank, world.size);
  const std::filesystem::path part = rank_part_path(output, world);
  if (resume && is_complete_part(part, plan, p.range)) {
    p.whole_part_done = true;
    return p;
  }
  if (resume && std::filesystem::exists(checkpoint_dir(part)))
    p.finished = checkpoint_chunks(part, plan, p.range);
  else
    remove_checkpoint(part);  // an earlier job's chunks (without --resume: superseded)
  return p;
}

int fly_rank_part(const Study& config, const engine::RunPlan& plan,
                  const engine::Execution& execution, const std::string& output, mpi::World world,
                  const RankPart& p, double every_s) {
  RankAnnouncer announce;
  const auto rows_of = [&](engine::BlockRange r) {
    return plan.end_row(r.end) - plan.first_row(r.begin);
  };
  if (p.whole_part_done) {
    announce.piece(p.range, true);
    announce.done(rows_of(p.range), 0);
    return 0;
  }
  std::uint64_t resumed_at = p.range.begin;
  for (const RunPiece& piece : p.finished) {
    announce.piece(piece.blocks, false);
    resumed_at = piece.blocks.end;
  }
  std::uint64_t rows = rows_of({p.range.begin, resumed_at});
  int signo = 0;
  if (resumed_at < p.range.end) {
    engine::RunLayout layout =
        engine::layout_of(config, plan, {resumed_at, p.range.end}, execution);
    layout.part = engine::PartOfRun{"shard", static_cast<std::uint64_t>(world.rank),
                                    static_cast<std::uint64_t>(world.size)};
    const std::filesystem::path part = rank_part_path(output, world);
    CheckpointSink chunks(part, config, every_s,
                          [&](engine::BlockRange blocks) { announce.piece(blocks, false); });
    const std::vector<engine::BlockSink*> sinks = {&chunks};
    const engine::BlocksResult flown = engine::run_blocks(layout, sinks, execution);
    rows += flown.rows;
    if (flown.end == engine::RunEnd::interrupted) signo = std::max(interrupt_signal(), 1);
  }
  announce.done(rows, signo);
  if (signo == 0) return 0;
  std::cerr << fmt::format(
      "launchmc: rank {} of {} interrupted by {} after {} samples of its part (kept in {}); the "
      "same mpirun command with --resume continues it\n",
      world.rank, world.size, interrupt_signal_name(), rows,
      checkpoint_dir(rank_part_path(output, world)).string());
  return 128 + signo;
}

void remove_rank_parts(const std::string& output) {
  std::error_code ec;
  std::filesystem::remove_all(ranks_dir(output), ec);
}

}  // namespace launchmc::cli
