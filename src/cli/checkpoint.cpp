// Checkpoints of a run (see checkpoint.hpp).
#include "cli/checkpoint.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

#include "io/output_file.hpp"

namespace launchmc::cli {

std::filesystem::path checkpoint_dir(const std::filesystem::path& output) {
  std::filesystem::path p = output;
  p += ".checkpoint";
  return p;
}

namespace {
std::string chunk_name(std::uint64_t first_block) {
  return fmt::format("chunk_{:012}.h5", first_block);
}
}  // namespace

std::filesystem::path checkpoint_chunk_path(const std::filesystem::path& output,
                                            std::uint64_t first_block) {
  return checkpoint_dir(output) / chunk_name(first_block);
}

CheckpointSink::CheckpointSink(std::filesystem::path output, const Study& config, double every_s,
                               Committed committed)
    : dir_(checkpoint_dir(output)),
      config_(config),
      every_s_(every_s),
      committed_(std::move(committed)) {}

CheckpointSink::~CheckpointSink() = default;

void CheckpointSink::begin(const engine::RunLayout& layout) {
  layout_ = &layout;  // the directory is made with the first chunk (io::AtomicOutput)
}

void CheckpointSink::write(const engine::Block& block) {
  if (!chunk_) {
    // A chunk holds blocks from this one on: a run file of the plan's rows from this block.
    chunk_layout_ = *layout_;
    chunk_layout_.range = {block.index, layout_->range.end};
    chunk_layout_.part = engine::PartOfRun{"checkpoint", 0, 0};
    chunk_ = std::make_unique<io::RunFileWriter>(dir_ / chunk_name(block.index), config_,
                                                 io::RunFileWriter::Compression::stored);
    chunk_->begin(chunk_layout_);
    chunk_rows_ = 0;
    chunk_begin_ = block.index;
    chunk_start_ = std::chrono::steady_clock::now();
  }
  chunk_->write(block);
  chunk_rows_ += block.count;
  chunk_end_ = block.index + 1;
  const double age =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - chunk_start_).count();
  if (age >= every_s_) commit_chunk();
}

void CheckpointSink::commit_chunk() {
  if (!chunk_) return;
  // Renamed into place whole (io::AtomicOutput): a kill before leaves its temporary only.
  chunk_->finish(engine::RunEnd::all_samples, chunk_rows_, 0.0);
  chunk_.reset();
  if (committed_) committed_({chunk_begin_, chunk_end_});
}

void CheckpointSink::finish(engine::RunEnd end, std::uint64_t /*rows*/, double /*elapsed_s*/) {
  if (end == engine::RunEnd::interrupted || committed_) {
    commit_chunk();  // streamed: rank 0 removes the directory once it has read every chunk
    return;
  }
  chunk_.reset();  // the run's file is complete: its temporary goes
  // Renamed away first (atomic), then removed: a kill meanwhile cannot leave a checkpoint with
  // some of its chunks gone.
  std::error_code ec;
  std::filesystem::path doomed = dir_;
  doomed += fmt::format(".removing-{}", ::getpid());
  std::filesystem::rename(dir_, doomed, ec);
  std::filesystem::remove_all(ec ? dir_ : doomed, ec);
}

bool remove_checkpoint(const std::filesystem::path& output) {
  std::error_code ec;
  const std::filesystem::path dir = checkpoint_dir(output);
  if (!std::filesystem::exists(dir, ec)) return false;
  std::filesystem::remove_all(dir, ec);
  if (ec)
    throw std::runtime_error(
        fmt::format("cannot remove the earlier checkpoint {}: {}", dir.string(), ec.message()));
  return true;
}

std::vector<RunPiece> checkpoint_chunks(const std::filesystem::path& output,
                                        const engine::RunPlan& plan, engine::BlockRange range) {
  const std::filesystem::path dir = checkpoint_dir(output);
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    const std::size_t tmp = name.find(".tmp-");
    if (tmp != std::string::npos) {
      // A chunk being written when its process was killed: never to be completed.
      io::clean_stale_temporaries(dir / name.substr(0, tmp));
      continue;
    }
    if (e.is_regular_file() && e.path().extension() == ".h5") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<RunPiece> pieces;
  for (const auto& f : files) pieces.push_back(open_piece(f));
  if (pieces.empty()) return pieces;
  if (pieces.front().info.plan_identity != plan.identity())
    throw std::runtime_error(fmt::format(
        "{} holds blocks of another run (plan identity {}, this run's is {}: the config, --set, "
        "seed, sampler, -n, --block-size or --stratify differ): run with the same arguments, or "
        "remove the directory to start afresh",
        dir.string(), pieces.front().info.plan_identity, plan.identity()));
  common_plan(pieces);  // one plan, one version (this launchmc's), whole blocks
  std::stable_sort(pieces.begin(), pieces.end(), [](const RunPiece& a, const RunPiece& b) {
    return a.blocks.begin < b.blocks.begin;
  });
  std::uint64_t end = range.begin;
  for (const RunPiece& p : pieces) {
    end = std::max(end, p.blocks.end);
    if (p.blocks.begin < range.begin || p.blocks.end > range.end)
      throw std::runtime_error(fmt::format(
          "{} holds {}, outside this run's {}: run with the same --shard, or remove the "
          "directory to start afresh",
          p.path.string(), describe_blocks(plan, p.blocks), describe_blocks(plan, range)));
  }
  const std::vector<std::string> problems =
      coverage_problems(plan, pieces, {range.begin, end}, "checkpoint chunk");
  if (!problems.empty())
    throw std::runtime_error(
        fmt::format("the checkpoint {} is not whole: {}; remove it to start "
                    "afresh",
                    dir.string(), fmt::join(problems, "; ")));
  return pieces;
}

}  // namespace launchmc::cli
