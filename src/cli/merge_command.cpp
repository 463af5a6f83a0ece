// The `merge` command and the pieces of runs it reads (see merge_command.hpp).
#include "cli/merge_command.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <stdexcept>

#include "cli/arguments.hpp"
#include "cli/run_sinks.hpp"
#include "common/version.hpp"
#include "config/load_scenario.hpp"
#include "io/output_file.hpp"
#include "io/summary_report.hpp"

namespace launchmc::cli {

namespace {

constexpr std::uint64_t kMaxShards = 1'000'000;

std::string piece_name(const RunPiece& p) { return p.path.string(); }

std::string version_of(const io::RunFile& f) {
  return fmt::format("launchmc {} ({})", f.launchmc_version, f.git_revision);
}

std::string stratify_of(const io::RunFile& f) {
  if (f.part) return f.part->stratify;
  return f.meta.strata.single() ? "none" : "failures";
}

// What makes piece b's plan differ from piece a's, in words ("" if nothing visible does).
std::string plan_difference(const io::RunFile& a, const io::RunFile& b) {
  std::vector<std::string> d;
  if (a.meta.seed != b.meta.seed)
    d.push_back(fmt::format("seed {}, not {}", b.meta.seed, a.meta.seed));
  if (a.meta.sampler != b.meta.sampler)
    d.push_back(fmt::format("sampler {}, not {}", b.meta.sampler, a.meta.sampler));
  if (a.meta.samples_requested != b.meta.samples_requested)
    d.push_back(
        fmt::format("{} samples, not {}", b.meta.samples_requested, a.meta.samples_requested));
  if (a.block_size != b.block_size)
    d.push_back(fmt::format("block size {}, not {}", b.block_size, a.block_size));
  if (stratify_of(a) != stratify_of(b))
    d.push_back(fmt::format("stratify {}, not {}", stratify_of(b), stratify_of(a)));
  if (a.overrides != b.overrides)
    d.push_back(fmt::format("--set [{}], not [{}]", fmt::join(b.overrides, " "),
                            fmt::join(a.overrides, " ")));
  if (a.config_text != b.config_text)
    d.push_back(fmt::format("another config text ({}, not {})", b.config_path, a.config_path));
  return d.empty() ? std::string("another plan") : fmt::format("{}", fmt::join(d, ", "));
}

}  // namespace

engine::PartOfRun parse_shard(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos)
    throw UsageError(
        fmt::format("--shard '{}': expected i/K, e.g. 0/4 (shard i of K, 0 <= i < K)", text));
  engine::PartOfRun part;
  part.kind = "shard";
  part.count = parse_whole(text.substr(slash + 1), "--shard i/K: K", 1, kMaxShards);
  part.index = parse_whole(text.substr(0, slash), "--shard i/K: i", 0, part.count - 1);
  return part;
}

std::string describe_blocks(const engine::RunPlan& plan, engine::BlockRange range) {
  const std::uint64_t last = range.end - 1;
  const std::string rows =
      fmt::format("rows {}-{}", plan.first_row(range.begin), plan.end_row(range.end) - 1);
  if (range.size() == 1) return fmt::format("block {} ({})", range.begin, rows);
  return fmt::format("blocks {}-{} ({})", range.begin, last, rows);
}

RunPiece open_piece(const std::filesystem::path& path) {
  io::RunFileReader reader(path);
  RunPiece p;
  p.path = path;
  p.info = reader.info();
  p.rows = reader.rows();
  if (p.info.plan_identity.empty())
    throw std::runtime_error(fmt::format(
        "{}: the file records no plan identity (written before format 2.0): it cannot be merged",
        path.string()));
  const std::uint64_t bs = p.info.block_size;
  if (bs == 0) throw std::runtime_error(fmt::format("{}: block_size is 0", path.string()));
  p.blocks = {p.info.first_block, p.info.first_block + (p.rows + bs - 1) / bs};
  return p;
}

engine::RunPlan common_plan(const std::vector<RunPiece>& pieces) {
  if (pieces.empty()) throw std::invalid_argument("merge: no input files");
  const RunPiece& ref = pieces.front();
  for (const RunPiece& p : pieces) {
    if (p.info.plan_identity != ref.info.plan_identity)
      throw std::runtime_error(fmt::format(
          "{} is not a piece of the run of {} (plan identity {}, not {}: {}); nothing was merged",
          piece_name(p), piece_name(ref), p.info.plan_identity, ref.info.plan_identity,
          plan_difference(ref.info, p.info)));
    if (version_of(p.info) != version_of(ref.info))
      throw std::runtime_error(fmt::format(
          "{} was written by {}, {} by {}: the pieces of one run must come from one program "
          "version (another version may fly other rows); nothing was merged",
          piece_name(p), version_of(p.info), piece_name(ref), version_of(ref.info)));
  }
  if (ref.info.launchmc_version != launchmc::version ||
      ref.info.git_revision != launchmc::git_revision)
    throw std::runtime_error(fmt::format(
        "{} was written by {}, and this is launchmc {} ({}): merge with the launchmc that flew "
        "the pieces (the merged file must be that version's single run); nothing was merged",
        piece_name(ref), version_of(ref.info), launchmc::version, launchmc::git_revision));
  engine::RunPlan plan;
  plan.config_text = ref.info.config_text;
  plan.overrides = ref.info.overrides;
  plan.seed = ref.info.meta.seed;
  plan.design = uncertainty::sampler_from_string(ref.info.meta.sampler);
  plan.n_samples = ref.info.meta.samples_requested;
  plan.block_size = ref.info.block_size;
  plan.stratify = stratify_of(ref.info) == "failures" ? Stratify::failures : Stratify::none;
  if (plan.identity() != ref.info.plan_identity)
    throw std::runtime_error(fmt::format(
        "{}: the plan rebuilt from its attributes has identity {}, the file records {}: the file "
        "is damaged or written by another launchmc",
        piece_name(ref), plan.identity(), ref.info.plan_identity));
  for (const RunPiece& p : pieces) {
    const std::uint64_t first = plan.first_row(p.info.first_block);
    const bool whole_blocks = p.rows % plan.block_size == 0 || first + p.rows == plan.n_samples;
    if (p.blocks.end > plan.n_blocks() || !whole_blocks || first + p.rows > plan.n_samples)
      throw std::runtime_error(fmt::format(
          "{}: its {} rows from block {} are not whole blocks of the plan ({} blocks of {} rows, "
          "{} samples): the file is damaged",
          piece_name(p), p.rows, p.info.first_block, plan.n_blocks(), plan.block_size,
          plan.n_samples));
  }
  return plan;
}

std::vector<std::string> coverage_problems(const engine::RunPlan& plan,
                                           const std::vector<RunPiece>& pieces,
                                           engine::BlockRange wanted, std::string_view what) {
  std::vector<const RunPiece*> order;
  for (const RunPiece& p : pieces)
    if (!p.blocks.empty()) order.push_back(&p);
  std::stable_sort(order.begin(), order.end(), [](const RunPiece* a, const RunPiece* b) {
    return a->blocks.begin < b->blocks.begin;
  });
  std::vector<std::string> problems;
  std::uint64_t covered = wanted.begin;  // blocks before it are held by a piece (or not wanted)
  const RunPiece* last = nullptr;        // the piece that reaches furthest so far
  for (const RunPiece* p : order) {
    if (p->blocks.begin > covered)
      problems.push_back(fmt::format("{} {} missing: no {} covers {}",
                                     describe_blocks(plan, {covered, p->blocks.begin}),
                                     p->blocks.begin - covered == 1 ? "is" : "are", what,
                                     p->blocks.begin - covered == 1 ? "it" : "them"));
    if (last != nullptr && p->blocks.begin < last->blocks.end)
      problems.push_back(fmt::format(
          "{} and {} both hold {}", piece_name(*last), piece_name(*p),
          describe_blocks(plan, {p->blocks.begin, std::min(p->blocks.end, last->blocks.end)})));
    if (last == nullptr || p->blocks.end > last->blocks.end) last = p;
    covered = std::max(covered, p->blocks.end);
  }
  if (covered < wanted.end)
    problems.push_back(fmt::format(
        "{} {} missing: no {} covers {}", describe_blocks(plan, {covered, wanted.end}),
        wanted.end - covered == 1 ? "is" : "are", what, wanted.end - covered == 1 ? "it" : "them"));
  return problems;
}

std::uint64_t feed_pieces(const engine::RunLayout& layout, const std::vector<RunPiece>& pieces,
                          std::span<engine::BlockSink* const> sinks,
                          const std::function<bool()>& stop) {
  const engine::RunPlan& plan = *layout.plan;
  const std::vector<std::string>& names = layout.samples->drawn_names();
  engine::Block block;
  std::vector<std::vector<double>> drawn(names.size());
  std::uint64_t rows = 0;
  for (const RunPiece& p : pieces) {
    if (p.blocks.empty()) continue;
    io::RunFileReader reader(p.path);
    const io::RunFile& info = reader.info();
    // The file lists its drawn inputs by name (HDF5 orders them alphabetically); the sinks take
    // them in the plan's order.
    std::vector<std::size_t> column(names.size());
    for (std::size_t c = 0; c < names.size(); ++c) {
      const auto it = std::find(info.drawn_names.begin(), info.drawn_names.end(), names[c]);
      if (it == info.drawn_names.end() || info.drawn_names.size() != names.size())
        throw std::runtime_error(
            fmt::format("{}: its drawn inputs (/inputs) are not the plan's: the file is damaged",
                        piece_name(p)));
      column[c] = static_cast<std::size_t>(it - info.drawn_names.begin());
    }
    if (info.slots.size() != layout.slots.size())
      throw std::runtime_error(fmt::format(
          "{}: its bodies (/body_names) are not the plan's: the file is damaged", piece_name(p)));
    for (std::size_t k = 0; k < layout.slots.size(); ++k)
      if (info.slots[k].name != layout.slots[k].name)
        throw std::runtime_error(fmt::format(
            "{}: its bodies (/body_names) are not the plan's: the file is damaged", piece_name(p)));
    for (std::uint64_t b = p.blocks.begin; b < p.blocks.end; ++b) {
      const std::size_t n = static_cast<std::size_t>(plan.rows_in(b));
      if (!reader.next(block, n) || block.count != n || block.first != plan.first_row(b))
        throw std::runtime_error(fmt::format("{}: {} cannot be read whole: the file is damaged",
                                             piece_name(p), describe_blocks(plan, {b, b + 1})));
      block.index = b;
      for (std::size_t c = 0; c < names.size(); ++c) drawn[c].swap(block.drawn[column[c]]);
      block.drawn.swap(drawn);
      for (engine::BlockSink* s : sinks) s->write(block);
      block.drawn.swap(drawn);
      for (std::size_t c = 0; c < names.size(); ++c) drawn[c].swap(block.drawn[column[c]]);
      rows += n;
      if (stop && stop()) return rows;
    }
  }
  return rows;
}

Study config_of(const RunPiece& piece) {
  std::vector<config::Override> overrides;
  for (const std::string& o : piece.info.overrides) overrides.push_back(config::parse_override(o));
  const std::string path = piece.info.config_path.empty() ? piece.path.string() + " (config_text)"
                                                          : piece.info.config_path;
  return config::load_config(piece.info.config_text, path, overrides);
}

CLI::App* add_merge_command(CLI::App& app, MergeCmdOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "merge", "merge the shards of a run (run --shard i/K) into the file the whole run writes");
  cmd->add_option("shards", o.inputs, "the shard files (any order)")->required();
  cmd->add_option("-o,--output", o.output, "the merged run file")->required();
  cmd->add_flag("--json", o.json, "print the merged run's summary as JSON");
  cmd->footer(
      "The shards must be of one plan (config, --set, seed, sampler, -n, --block-size,\n"
      "stratification: the plan identity) and one launchmc version, and cover every block\n"
      "once; otherwise nothing is written and the message names the files and blocks. The\n"
      "merged file equals the single run's (same seed) in every dataset; memory does not grow\n"
      "with the sample count.");
  return cmd;
}

int run_merge(const MergeCmdOptions& opt, const AfterMerge& after) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::filesystem::path> inputs(opt.inputs.begin(), opt.inputs.end());
  io::check_output_path(opt.output, "-o", inputs);
  std::vector<RunPiece> pieces;
  for (const auto& p : inputs) pieces.push_back(open_piece(p));
  const engine::RunPlan plan = common_plan(pieces);
  const std::vector<std::string> problems =
      coverage_problems(plan, pieces, plan.all_blocks(), "shard");
  if (!problems.empty())
    throw std::runtime_error(
        fmt::format("merge: {}; nothing was merged", fmt::join(problems, "; ")));
  std::stable_sort(pieces.begin(), pieces.end(), [](const RunPiece& a, const RunPiece& b) {
    return a.blocks.begin < b.blocks.begin;
  });
  const std::string note = io::describe(io::clean_stale_temporaries(opt.output));
  if (!note.empty()) std::cerr << note << "\n";

  // The single run's layout and sinks (src/cli/main.cpp run_run), fed from the files.
  const Study cfg = config_of(pieces.front());
  engine::Execution exec;
  const engine::RunLayout layout = engine::layout_of(cfg, plan, plan.all_blocks(), exec);
  const RunSinks run_sinks = make_run_sinks(layout, cfg, opt.output);
  const std::vector<engine::BlockSink*> sinks = run_sinks.list();
  for (engine::BlockSink* s : sinks) s->begin(layout);
  const std::uint64_t rows = feed_pieces(layout, pieces, sinks);
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (engine::BlockSink* s : sinks) s->finish(engine::RunEnd::all_samples, rows, elapsed);

  engine::RunMeta meta = layout.meta;
  meta.stopped_by = engine::to_string(engine::RunEnd::all_samples);
  meta.elapsed_s = elapsed;
  const engine::Summary s = run_sinks.summarize(meta);
  if (opt.json) {
    nlohmann::json j = io::summary_to_json(s);
    j["output"] = opt.output;
    std::cout << j.dump(2) << "\n";
  } else {
    io::print_summary(std::cout, s);
    fmt::print("{} files merged ({} samples, {} blocks) into {}\n", pieces.size(), rows,
               plan.n_blocks(), opt.output);
  }
  return after ? after(cfg, opt.output, opt.json) : 0;
}

}  // namespace launchmc::cli
