// Monte Carlo run files: chunked, shuffled and deflated 1-D datasets, one per field.
#include "io/run_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string_view>

#include "common/time_format.hpp"
#include "common/version.hpp"
#include "engine/columns.hpp"
#include "io/group_state.hpp"
#include "io/hdf5_file.hpp"
#include "io/iip_track.hpp"
#include "io/output_file.hpp"

namespace launchmc::io {

namespace {

// Sample columns that files written by older launchmc versions lack: a reader fills them with
// their fill value (docs/hdf5_format.md says which).
bool added_later(std::string_view column) noexcept {
  return column == "powered_flight_end" || column == "breakup_cause" ||
         column == "termination_rule";
}

constexpr std::size_t kChunk = 8192;
constexpr const char* kTargetOrbitGroup = "target_orbit";
constexpr int kDeflate = 4;
// The IIP tracks are the run file's largest table (~140 rows per sample at the default 5 s grid).
// Their grid times compress ~70:1 and are deflated at level 1 (level 4 compresses them no
// better for more CPU). The places and times to impact compress only ~1.4:1 (shuffled and
// deflated at level 1) for ~4 % of a run's CPU time (Chollima-1, 3,000 samples, one thread:
// zlib 4.8 % of the profile, 1.2 % without them): they are stored uncompressed, and the file
// grows by ~25 % (12.1 -> 15.0 MB for those 3,000 samples).
constexpr int kIipDeflate = 1;

// One column's dataset, of its storage type, with the block's doubles converted on append.
class ColumnOut {
 public:
  ColumnOut(h5::Group& g, std::string_view name, std::string_view unit, engine::Storage storage,
            std::string_view meaning, engine::EnumMembers (*members)(), int deflate)
      : storage_(storage) {
    switch (storage) {
      case engine::Storage::f64:
        f64_ = g.create_appendable<double>(name, kChunk, deflate);
        break;
      case engine::Storage::i8:
        i8_ = g.create_appendable<std::int8_t>(name, kChunk, deflate);
        break;
      case engine::Storage::enum_i8:
        i8_ = g.create_appendable(name, members(), kChunk, deflate);
        break;
      case engine::Storage::i64:
        i64_ = g.create_appendable<std::int64_t>(name, kChunk, deflate);
        break;
    }
    h5::Object& o = object();
    if (!unit.empty()) o.set_attribute("units", unit);
    if (!meaning.empty()) o.set_attribute("meaning", meaning);
  }
  void append(const double* v, std::size_t n) {
    switch (storage_) {
      case engine::Storage::f64:
        f64_.append(std::span<const double>(v, n));
        return;
      case engine::Storage::i8:
      case engine::Storage::enum_i8:
        i8_buf_.assign(v, v + n);
        i8_.append(std::span<const std::int8_t>(i8_buf_));
        return;
      case engine::Storage::i64:
        i64_buf_.assign(v, v + n);
        i64_.append(std::span<const std::int64_t>(i64_buf_));
        return;
    }
  }

 private:
  h5::Object& object() {
    switch (storage_) {
      case engine::Storage::f64:
        return f64_;
      case engine::Storage::i64:
        return i64_;
      default:
        return i8_;
    }
  }
  engine::Storage storage_;
  h5::AppendableDataset<double> f64_;
  h5::AppendableDataset<std::int8_t> i8_;
  h5::AppendableDataset<std::int64_t> i64_;
  std::vector<std::int8_t> i8_buf_;
  std::vector<std::int64_t> i64_buf_;
};

}  // namespace

struct RunFileWriter::Impl {
  std::filesystem::path path;
  std::filesystem::path committed_path;
  const Study* config = nullptr;
  // Deflate levels: the columns' and the IIP tracks' (0: stored uncompressed).
  int deflate = kDeflate, iip_deflate = kIipDeflate;
  std::vector<std::pair<std::string, const engine::Reducer*>> reducers;
  std::optional<AtomicOutput> output;  // declared before file: the file is closed first
  std::optional<h5::File> file;
  std::vector<h5::AppendableDataset<double>> drawn;
  h5::AppendableDataset<std::uint64_t> stream;
  // The failure strata (engine/strata.hpp): each row's stratum, and the rows per stratum so far.
  h5::AppendableDataset<std::int8_t> stratum;
  std::vector<std::int8_t> stratum_buf;
  std::vector<std::uint64_t> stratum_rows;
  std::uint64_t first_row = 0;
  std::vector<ColumnOut> sample;
  std::vector<std::vector<ColumnOut>> bodies;
  // The ragged table of other bodies: cumulative entry counts per row, the columns, and the name
  // and class of each entry as indices into name lists built in first-appearance order.
  h5::AppendableDataset<std::uint64_t> other_row_end;
  std::vector<ColumnOut> other;
  h5::AppendableDataset<std::int64_t> other_name, other_class;
  std::vector<std::string> names, classes;
  std::uint64_t other_entries = 0;
  std::vector<std::uint64_t> row_end_buf;
  std::vector<std::int64_t> index_buf;
  // The ragged table of the IIP tracks: cumulative point counts per row and the columns.
  h5::AppendableDataset<std::uint64_t> iip_row_end;
  std::vector<h5::AppendableDataset<double>> iip;
  std::uint64_t iip_entries = 0;
  // The flat table of breakup bodies: each entry's sample row, columns and class index.
  h5::AppendableDataset<std::uint64_t> fragment_sample;
  std::vector<ColumnOut> fragment;
  h5::AppendableDataset<std::int64_t> fragment_class;
  std::vector<std::string> fragment_classes;
  std::vector<std::uint64_t> sample_buf;
  const engine::RunLayout* layout = nullptr;
};

RunFileWriter::RunFileWriter(std::filesystem::path path, const Study& config,
                             Compression compression)
    : impl_(std::make_unique<Impl>()) {
  impl_->path = std::move(path);
  impl_->config = &config;
  if (compression == Compression::stored) impl_->deflate = impl_->iip_deflate = 0;
}

RunFileWriter::~RunFileWriter() = default;

void RunFileWriter::save_reducer(std::string name, const engine::Reducer& reducer) {
  impl_->reducers.emplace_back(std::move(name), &reducer);
}

void RunFileWriter::begin(const engine::RunLayout& layout) {
  Impl& m = *impl_;
  m.layout = &layout;
  m.output.emplace(m.path);
  m.file.emplace(h5::File::create(m.output->temporary()));
  h5::Group root = m.file->root();
  const engine::RunPlan& plan = *layout.plan;
  root.set_attribute("format", kRunFormat);
  root.set_attribute("format_version", kRunFormatVersion);
  root.set_attribute("launchmc_version", launchmc::version);
  root.set_attribute("git_revision", launchmc::git_revision);
  root.set_attribute("created_utc", utc_now_iso8601());
  root.set_attribute("scenario", m.config->scenario.name);
  root.set_attribute("config_path", m.config->scenario.config_path);
  root.set_attribute("config_text", plan.config_text);
  root.set_attribute("plan_identity", plan.identity());
  root.set_attribute("seed", static_cast<std::uint64_t>(plan.seed));
  root.set_attribute("sampler", layout.meta.sampler);
  root.set_attribute("samples_requested", static_cast<std::uint64_t>(plan.n_samples));
  root.set_attribute("block_size", static_cast<std::uint64_t>(plan.block_size));
  root.set_attribute("first_block", static_cast<std::uint64_t>(layout.range.begin));
  root.set_attribute("success_status", engine::to_string(layout.meta.success_status));
  root.set_attribute("site_lat_deg", layout.meta.site_lat_deg);
  root.set_attribute("site_lon_deg", layout.meta.site_lon_deg);
  root.set_attribute("vehicle_reference_lat_deg", layout.meta.vehicle_ref_lat_deg);
  root.set_attribute("vehicle_reference_lon_deg", layout.meta.vehicle_ref_lon_deg);
  root.set_attribute("threads", static_cast<std::int64_t>(layout.threads_used));
  root.set_attribute("threads_requested", static_cast<std::int64_t>(layout.threads_requested));
  if (layout.until_ci_width) root.set_attribute("until_ci_width", *layout.until_ci_width);
  if (layout.part) {
    // A part of a run (a shard, a checkpoint chunk): the blocks it was asked for, of how many,
    // and the plan's stratification (with the attributes above, what rebuilds the plan).
    root.set_attribute("part", layout.part->kind);
    if (layout.part->kind == "shard") {
      root.set_attribute("shard_index", static_cast<std::uint64_t>(layout.part->index));
      root.set_attribute("shard_count", static_cast<std::uint64_t>(layout.part->count));
    }
    root.set_attribute("end_block", static_cast<std::uint64_t>(layout.range.end));
    root.set_attribute("total_blocks", static_cast<std::uint64_t>(plan.n_blocks()));
    root.set_attribute("stratify", to_string(plan.stratify));
  }
  h5::Group plan_group = root.create_group("plan");
  plan_group.write<std::string>("overrides", plan.overrides);
  if (const auto& t = layout.meta.target_orbit) {  // what P(target orbit) counts; absent: no target
    h5::Group g = root.create_group(kTargetOrbitGroup);
    g.set_attribute("perigee_alt_km", t->perigee_alt_km);
    g.set_attribute("apogee_alt_km", t->apogee_alt_km);
    g.set_attribute("inclination_deg", t->inclination_deg);
    g.set_attribute("raan_deg", t->raan_deg);  // NaN: free node
    g.set_attribute("tolerance_alt_km", t->tolerance_alt_km);
    g.set_attribute("tolerance_incl_deg", t->tolerance_incl_deg);
  }

  h5::Group inputs = root.create_group("inputs");
  for (const auto& name : layout.samples->drawn_names())
    m.drawn.push_back(inputs.create_appendable<double>(name, kChunk, m.deflate));
  h5::Group design = root.create_group("design");
  m.stream = design.create_appendable<std::uint64_t>("stream_index", kChunk, m.deflate);
  m.stream.set_attribute(
      "meaning", "the stream index that keyed the row's environment, failure and navigation draws");
  m.stratum = design.create_appendable<std::int8_t>("stratum", kChunk, m.deflate);
  m.stratum.set_attribute("meaning",
                          "the row's failure stratum: index into /strata (0 when not stratified)");
  const engine::FailureStrata& strata = layout.samples->strata();
  m.stratum_rows.assign(strata.size(), 0);
  m.first_row = plan.first_row(layout.range.begin);
  {
    h5::Group g = root.create_group("strata");
    g.set_attribute("method", to_string(strata.single() ? Stratify::none : plan.stratify));
    g.set_attribute("period", static_cast<std::uint64_t>(engine::kStratumPeriod));
    g.set_attribute("meaning",
                    "failure strata: row i belongs to stratum /design/stratum[i]; stratum k has "
                    "probability pi_k and `slots` of every `period` consecutive rows; a row of it "
                    "weighs pi_k N / rows_k (/outcome/weight)");
    g.write<std::string>("name", strata.names());
    g.write("probability", std::span<const double>(strata.probabilities()));
    std::vector<std::uint64_t> slots(strata.slots().begin(), strata.slots().end());
    g.write("slots", std::span<const std::uint64_t>(slots));
  }
  std::vector<std::string> failure_names = layout.meta.failure_names;
  if (!failure_names.empty()) {
    h5::Group fm = root.create_group("failure_modes");
    fm.write<std::string>("name", failure_names);
    // Stage and kind of each mode, for the per-failure-mode report of `summarize`.
    std::vector<std::string> stages, kinds;
    for (const engine::FailureModeInfo& f : engine::failure_report_setup(layout, *m.config).modes) {
      stages.push_back(f.stage);
      kinds.push_back(f.kind);
    }
    if (stages.size() == failure_names.size()) {
      fm.write<std::string>("stage", stages);
      fm.write<std::string>("kind", kinds);
    }
  }
  {
    // The polygons of the per-failure-mode report (config report.regions).
    h5::Group regions = root.create_group("report").create_group("regions");
    std::vector<std::string> names;
    std::vector<std::uint64_t> ends;
    std::vector<double> lat, lon;
    for (const IipZone& z : m.config->scenario.report.regions) {
      names.push_back(z.name);
      for (const GeoPoint& p : z.points) {
        lat.push_back(p.lat_deg);
        lon.push_back(p.lon_deg);
      }
      ends.push_back(lat.size());
    }
    regions.write<std::string>("name", names);
    regions.write("row_end", std::span<const std::uint64_t>(ends));
    regions.write("lat_deg", std::span<const double>(lat)).set_attribute("units", "deg");
    regions.write("lon_deg", std::span<const double>(lon)).set_attribute("units", "deg");
    // The fragment classes in the order of the report's saved state (/reducers/failure_report).
    root.open_group("report").write<std::string>("fragment_classes",
                                                 engine::fragment_classes_of(m.config->scenario));
  }
  std::vector<std::string> rule_names = layout.meta.termination_rule_names;
  if (!rule_names.empty())
    root.create_group("termination_rules").write<std::string>("name", rule_names);

  h5::Group outcome = root.create_group("outcome");
  for (const engine::SampleColumn& c : engine::sample_columns())
    m.sample.emplace_back(outcome, c.name, c.unit, c.storage, c.meaning, c.members, m.deflate);

  std::vector<std::string> body_names;
  for (const auto& slot : layout.slots) body_names.push_back(slot.name);
  root.write<std::string>("body_names", body_names);
  h5::Group bodies = root.create_group("bodies");
  for (const auto& slot : layout.slots) {
    h5::Group g = bodies.create_group(slot.name);
    g.set_attribute("nominal_impact_lat_deg", slot.nominal_impact_lat_deg);
    g.set_attribute("nominal_impact_lon_deg", slot.nominal_impact_lon_deg);
    g.set_attribute("class", slot.body_class);
    std::vector<ColumnOut> cols;
    for (const engine::BodyColumn& c : engine::body_columns())
      cols.emplace_back(g, c.name, c.unit, c.storage, c.meaning, c.members, m.deflate);
    m.bodies.push_back(std::move(cols));
  }
  h5::Group other = root.create_group("other_bodies");
  other.set_attribute("meaning",
                      "bodies a sample released that the nominal flight did not: entries "
                      "row_end[i-1] .. row_end[i]-1 are sample i's");
  m.other_row_end = other.create_appendable<std::uint64_t>("row_end", kChunk, m.deflate);
  for (const engine::BodyColumn& c : engine::other_body_columns())
    m.other.emplace_back(other, c.name, c.unit, c.storage, c.meaning, c.members, m.deflate);
  m.other_name = other.create_appendable<std::int64_t>("name_index", kChunk, m.deflate);
  m.other_class = other.create_appendable<std::int64_t>("class_index", kChunk, m.deflate);

  // The IIP tracks (docs/hdf5_format.md), with what the corridor statistics are measured
  // against: the grid, the nominal track and the configured lines and regions.
  const IipSettings& iip_cfg = m.config->scenario.iip;
  h5::Group iip = root.create_group("iip");
  iip.set_attribute(
      "meaning",
      "the vacuum instantaneous impact point of each sample during powered flight, "
      "every step_s from liftoff: points row_end[i-1] .. row_end[i]-1 are sample i's");
  iip.set_attribute("step_s", iip_cfg.step_s);
  iip.set_attribute("points_per_row", static_cast<std::uint64_t>(layout.iip_points_per_row));
  m.iip_row_end = iip.create_appendable<std::uint64_t>("row_end", kChunk, m.deflate);
  for (const engine::IipColumn& c : engine::iip_columns()) {
    // Only the grid times are deflated (see kIipDeflate).
    const bool compresses = c.name == std::string_view("time_s");
    m.iip.push_back(iip.create_appendable<double>(c.name, kChunk, compresses ? m.iip_deflate : 0));
    m.iip.back().set_attribute("units", c.unit);
    m.iip.back().set_attribute("meaning", c.meaning);
  }
  {
    h5::Group nominal = iip.create_group("nominal");
    write_iip_track(nominal, layout.nominal_iip);
    write_ground_track(nominal, layout.nominal_iip, layout.nominal_ground_track);
  }
  {
    h5::Group zones = iip.create_group("zones");
    std::vector<std::string> names, kinds;
    std::vector<std::uint64_t> ends;
    std::vector<double> lat, lon;
    auto add = [&](const IipZone& z, const char* kind) {
      names.push_back(z.name);
      kinds.push_back(kind);
      for (const GeoPoint& p : z.points) {
        lat.push_back(p.lat_deg);
        lon.push_back(p.lon_deg);
      }
      ends.push_back(lat.size());
    };
    for (const IipZone& z : iip_cfg.lines) add(z, "line");
    for (const IipZone& z : iip_cfg.regions) add(z, "region");
    zones.write<std::string>("name", names);
    zones.write<std::string>("kind", kinds);
    zones.write("row_end", std::span<const std::uint64_t>(ends));
    zones.write("lat_deg", std::span<const double>(lat)).set_attribute("units", "deg");
    zones.write("lon_deg", std::span<const double>(lon)).set_attribute("units", "deg");
  }
  h5::Group frag = root.create_group("fragments");
  frag.set_attribute("meaning",
                     "bodies of breakups (flight termination, explosion): one entry per fragment "
                     "flown, standing for `weight` pieces; `sample` is its row");
  m.fragment_sample = frag.create_appendable<std::uint64_t>("sample", kChunk, m.deflate);
  for (const engine::BodyColumn& c : engine::fragment_columns())
    m.fragment.emplace_back(frag, c.name, c.unit, c.storage, c.meaning, c.members, m.deflate);
  m.fragment_class = frag.create_appendable<std::int64_t>("class_index", kChunk, m.deflate);
}

namespace {
std::int64_t index_of(std::vector<std::string>& list, std::string_view name) {
  for (std::size_t i = 0; i < list.size(); ++i)
    if (list[i] == name) return static_cast<std::int64_t>(i);
  list.emplace_back(name);
  return static_cast<std::int64_t>(list.size() - 1);
}
}  // namespace

void RunFileWriter::write(const engine::Block& blk) {
  Impl& m = *impl_;
  const std::size_t n = blk.count;
  for (std::size_t c = 0; c < m.drawn.size(); ++c)
    m.drawn[c].append(std::span<const double>(blk.drawn[c].data(), n));
  m.stream.append(std::span<const std::uint64_t>(blk.stream.data(), n));
  m.stratum_buf.assign(n, 0);
  for (std::size_t r = 0; r < n && r < blk.stratum.size(); ++r) {
    if (blk.stratum[r] >= m.stratum_rows.size())
      throw std::logic_error("RunFileWriter: a row of an unknown stratum");
    m.stratum_buf[r] = static_cast<std::int8_t>(blk.stratum[r]);
  }
  for (std::size_t r = 0; r < n; ++r) ++m.stratum_rows[static_cast<std::size_t>(m.stratum_buf[r])];
  m.stratum.append(std::span<const std::int8_t>(m.stratum_buf));
  for (std::size_t c = 0; c < m.sample.size(); ++c) m.sample[c].append(blk.sample[c].data(), n);
  for (std::size_t k = 0; k < m.bodies.size(); ++k)
    for (std::size_t c = 0; c < m.bodies[k].size(); ++c)
      m.bodies[k][c].append(blk.bodies[k][c].data(), n);
  const engine::RaggedBodies& o = blk.other_bodies;
  m.row_end_buf.resize(n);
  for (std::size_t r = 0; r < n; ++r) m.row_end_buf[r] = m.other_entries + o.row_end[r];
  m.other_row_end.append(std::span<const std::uint64_t>(m.row_end_buf));
  const std::size_t e = o.entries();
  if (e > 0) {
    for (std::size_t c = 0; c < m.other.size(); ++c) m.other[c].append(o.columns[c].data(), e);
    m.index_buf.resize(e);
    for (std::size_t i = 0; i < e; ++i) m.index_buf[i] = index_of(m.names, o.names[i].view());
    m.other_name.append(std::span<const std::int64_t>(m.index_buf));
    for (std::size_t i = 0; i < e; ++i) m.index_buf[i] = index_of(m.classes, o.classes[i].view());
    m.other_class.append(std::span<const std::int64_t>(m.index_buf));
  }
  m.other_entries += e;
  const engine::RaggedIip& iip = blk.iip;
  for (std::size_t r = 0; r < n; ++r)
    m.row_end_buf[r] = m.iip_entries + (r < iip.row_end.size() ? iip.row_end[r] : 0);
  m.iip_row_end.append(std::span<const std::uint64_t>(m.row_end_buf));
  const std::size_t ne = iip.entries();
  if (ne > 0)
    for (std::size_t c = 0; c < m.iip.size(); ++c)
      m.iip[c].append(std::span<const double>(iip.columns[c].data(), ne));
  m.iip_entries += ne;
  const engine::RaggedBodies& fr = blk.fragments;
  const std::size_t nf = fr.entries();
  if (nf > 0) {
    m.sample_buf.resize(nf);
    std::size_t entry = 0;
    for (std::size_t r = 0; r < n; ++r)
      for (; entry < fr.row_end[r]; ++entry) m.sample_buf[entry] = blk.first + r;
    m.fragment_sample.append(std::span<const std::uint64_t>(m.sample_buf));
    for (std::size_t c = 0; c < m.fragment.size(); ++c)
      m.fragment[c].append(fr.columns[c].data(), nf);
    m.index_buf.resize(nf);
    for (std::size_t i = 0; i < nf; ++i)
      m.index_buf[i] = index_of(m.fragment_classes, fr.classes[i].view());
    m.fragment_class.append(std::span<const std::int64_t>(m.index_buf));
  }
}

void RunFileWriter::finish(engine::RunEnd end, std::uint64_t rows, double elapsed_s) {
  Impl& m = *impl_;
  h5::Group root = m.file->root();
  root.set_attribute("samples", static_cast<std::uint64_t>(rows));
  root.set_attribute("stopped_by", engine::to_string(end));
  root.set_attribute("elapsed_s", elapsed_s);
  root.set_attribute("samples_per_s", elapsed_s > 0 ? static_cast<double>(rows) / elapsed_s : 0.0);
  h5::Group other = root.open_group("other_bodies");
  other.write<std::string>("names", m.names);
  other.write<std::string>("classes", m.classes);
  root.open_group("fragments").write<std::string>("classes", m.fragment_classes);
  // The rows' weights, known once the rows per stratum are: pi_k N / n_k for the N rows written
  // (an interrupted or until_ci run: the rows it kept); exactly 1 when not stratified.
  {
    const engine::FailureStrata& strata = m.layout->samples->strata();
    const std::vector<double> weight = strata.weights(m.stratum_rows);
    h5::Group strata_group = root.open_group("strata");
    strata_group.write("rows", std::span<const std::uint64_t>(m.stratum_rows));
    strata_group.write("weight", std::span<const double>(weight));
    h5::AppendableDataset<double> column =
        root.open_group("outcome").create_appendable<double>("weight", kChunk, m.deflate);
    column.set_attribute("units", "1");
    column.set_attribute("meaning",
                         "how many flights the row stands for: pi_k N / n_k for its failure "
                         "stratum k (/strata); 1 when not stratified; the weights sum to N");
    std::vector<double> buf;
    for (std::uint64_t at = 0; at < rows; at += kChunk) {
      const std::uint64_t n = std::min<std::uint64_t>(kChunk, rows - at);
      buf.resize(n);
      for (std::uint64_t i = 0; i < n; ++i)
        buf[i] = weight[strata.stratum_of(m.first_row + at + i)];
      column.append(std::span<const double>(buf));
    }
  }
  // The reducers' mergeable states (engine/reducer.hpp), for merging shards and resumed pieces.
  h5::Group reducers = root.create_group("reducers");
  for (const auto& [name, reducer] : m.reducers) {
    GroupStateWriter w(reducers.create_group(name));
    reducer->save(w);
  }
  // An interrupted run keeps its finished samples (rows 0 .. samples-1, every column complete)
  // apart from the final path, so that a partial result never passes for the requested one.
  m.committed_path = end == engine::RunEnd::interrupted ? partial_path(m.path) : m.path;
  m.file->close();
  m.output->commit_as(m.committed_path);
  // A partial file of an earlier interrupted run on this path is superseded by a complete one.
  if (end != engine::RunEnd::interrupted) {
    std::error_code ec;
    std::filesystem::remove(partial_path(m.path), ec);
  }
}

const std::filesystem::path& RunFileWriter::committed_path() const noexcept {
  return impl_->committed_path;
}

// ---------------------------------------------------------------------------------------------
// Reading. A run file may be damaged (truncated, edited by hand, a disk error) or written by a
// newer launchmc: every fact the summary relies on is checked here, and a file that breaks one
// is refused with its path, the object and the row, never summarised with rows left out.

namespace {

constexpr const char* kDamaged = "the file is damaged or written by a newer launchmc";

[[noreturn]] void refuse(const std::filesystem::path& path, std::string_view what) {
  throw std::runtime_error(fmt::format("{}: {}: {}", path.string(), what, kDamaged));
}

// Rows [position, position + n) of a ragged table's `row_end`, checked to be cumulative counts
// up to `total` entries; `row_end` gets each row's end relative to the first row's start.
// Returns the entries [begin, end) the rows cover.
struct EntryRange {
  std::uint64_t begin = 0, end = 0;
};
EntryRange read_row_ends(const std::filesystem::path& path, const h5::Group& table,
                         std::string_view table_path, std::string_view what, std::uint64_t position,
                         std::size_t n, std::uint64_t total, std::vector<std::uint64_t>& row_end) {
  std::vector<std::uint64_t> ends;
  table.read_range<std::uint64_t>("row_end", position, n, ends);
  EntryRange r;
  if (position > 0) {
    std::vector<std::uint64_t> prev;
    table.read_range<std::uint64_t>("row_end", position - 1, 1, prev);
    r.begin = prev[0];
  }
  r.end = r.begin;
  for (std::size_t k = 0; k < n; ++k) {
    if (ends[k] < r.end || ends[k] > total)
      refuse(path, fmt::format("{}/row_end row {}: {} is not a cumulative count of {} ({} to {})",
                               table_path, position + k, ends[k], what, r.end, total));
    r.end = ends[k];
    row_end[k] = ends[k] - r.begin;
  }
  return r;
}

void require_attribute(const std::filesystem::path& path, const h5::Object& object,
                       std::string_view object_path, std::string_view name) {
  if (!object.has_attribute(name))
    refuse(path, fmt::format("attribute '{}' of {} is missing", name, object_path));
}

void require_link(const std::filesystem::path& path, const h5::Group& group,
                  std::string_view group_path, std::string_view name, std::string_view kind) {
  if (!group.has(name))
    refuse(path,
           fmt::format("{} {}/{} is missing", kind, group_path == "/" ? "" : group_path, name));
}

// A point the impact statistics can project: latitude in [-90, 90], finite longitude.
bool valid_point(double lat_deg, double lon_deg) {
  return lat_deg >= -90.0 && lat_deg <= 90.0 && std::isfinite(lon_deg);
}

// Right-hand-side evaluations of one sample: a count, summed over the file in an int64.
constexpr std::int64_t kMaxRhsEvaluations = std::int64_t{1} << 40;

// A body name is one HDF5 link name under /bodies.
bool plain_link_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

}  // namespace

RunFileReader::RunFileReader(const std::filesystem::path& path) : path_(path) {
  try {
    file_ = std::make_unique<h5::File>(h5::File::open_read(path));
  } catch (const h5::Error& e) {
    throw std::runtime_error(
        fmt::format("{}: cannot open the run file: {}", path.string(), e.what()));
  }
  try {
    read_metadata();
  } catch (const h5::Error& e) {
    // Anything the checks below do not name (a wrong type, an unreadable object).
    refuse(path, e.what());
  }
}

void RunFileReader::read_metadata() {
  const std::filesystem::path& path = path_;
  h5::Group root = file_->root();
  if (!root.has_attribute("format") || root.attribute<std::string>("format") != kRunFormat)
    throw std::runtime_error(path.string() + ": not a launchmc run file");
  require_attribute(path, root, "/", "format_version");
  const std::string version = root.attribute<std::string>("format_version");
  const std::string major = version.substr(0, version.find('.'));
  if (major != "1" && major != "2")
    throw std::runtime_error(
        fmt::format("{}: run file format version {} is not supported (this "
                    "launchmc reads 1.x and 2.x)",
                    path.string(), version));
  format_major_ = major == "1" ? 1 : 2;
  for (const char* name : {"seed", "sampler", "scenario", "success_status", "site_lat_deg",
                           "site_lon_deg", "elapsed_s", "block_size", "config_text"})
    require_attribute(path, root, "/", name);
  RunFile& rf = info_;
  rf.meta.seed = root.attribute<std::uint64_t>("seed");
  if (root.has_attribute("samples_requested"))
    rf.meta.samples_requested = root.attribute<std::uint64_t>("samples_requested");
  if (root.has_attribute("stopped_by"))
    rf.meta.stopped_by = root.attribute<std::string>("stopped_by");
  rf.meta.sampler = root.attribute<std::string>("sampler");
  rf.meta.scenario = root.attribute<std::string>("scenario");
  const std::string success = root.attribute<std::string>("success_status");
  if (success != "orbit" && success != "suborbital")
    refuse(path,
           fmt::format("attribute 'success_status' of / is '{}', expected orbit or suborbital",
                       success));
  rf.meta.success_status =
      success == "orbit" ? engine::SampleStatus::orbit : engine::SampleStatus::suborbital;
  rf.meta.site_lat_deg = root.attribute<double>("site_lat_deg");
  rf.meta.site_lon_deg = root.attribute<double>("site_lon_deg");
  if (!valid_point(rf.meta.site_lat_deg, rf.meta.site_lon_deg))
    refuse(path,
           fmt::format("attributes 'site_lat_deg', 'site_lon_deg' of / are ({}, {}), not a point "
                       "(latitude in [-90, 90], finite longitude)",
                       rf.meta.site_lat_deg, rf.meta.site_lon_deg));
  rf.meta.elapsed_s = root.attribute<double>("elapsed_s");
  // The vehicle's reference point (files before 2.0: the launch site, as summaries now use).
  rf.meta.vehicle_ref_lat_deg = rf.meta.site_lat_deg;
  rf.meta.vehicle_ref_lon_deg = rf.meta.site_lon_deg;
  if (root.has_attribute("vehicle_reference_lat_deg") &&
      root.has_attribute("vehicle_reference_lon_deg")) {
    rf.meta.vehicle_ref_lat_deg = root.attribute<double>("vehicle_reference_lat_deg");
    rf.meta.vehicle_ref_lon_deg = root.attribute<double>("vehicle_reference_lon_deg");
    if (!valid_point(rf.meta.vehicle_ref_lat_deg, rf.meta.vehicle_ref_lon_deg))
      refuse(
          path,
          fmt::format(
              "attributes 'vehicle_reference_lat_deg', '_lon_deg' of / are ({}, {}), not a point",
              rf.meta.vehicle_ref_lat_deg, rf.meta.vehicle_ref_lon_deg));
  }
  if (root.has("plan") && root.open_group("plan").has("overrides"))
    rf.overrides = root.open_group("plan").read<std::string>("overrides");
  if (root.has_attribute("plan_identity"))
    rf.plan_identity = root.attribute<std::string>("plan_identity");
  if (root.has_attribute("launchmc_version") && root.has_attribute("git_revision"))
    rf.written_by = fmt::format("launchmc {} ({})", root.attribute<std::string>("launchmc_version"),
                                root.attribute<std::string>("git_revision"));
  rf.block_size = root.attribute<std::uint64_t>("block_size");
  rf.config_text = root.attribute<std::string>("config_text");
  if (root.has_attribute("config_path"))
    rf.config_path = root.attribute<std::string>("config_path");
  if (root.has_attribute("launchmc_version"))
    rf.launchmc_version = root.attribute<std::string>("launchmc_version");
  if (root.has_attribute("git_revision"))
    rf.git_revision = root.attribute<std::string>("git_revision");
  if (root.has_attribute("first_block")) {
    rf.first_block = root.attribute<std::uint64_t>("first_block");
    if (rf.block_size == 0 || rf.first_block > (std::uint64_t{1} << 50) / rf.block_size)
      refuse(path, fmt::format("attribute 'first_block' of / is {}: not a block of the run",
                               rf.first_block));
  }
  if (root.has_attribute("part")) {
    RunFile::Part part;
    part.kind = root.attribute<std::string>("part");
    for (const char* a : {"end_block", "total_blocks", "stratify"})
      require_attribute(path, root, "/", a);
    part.end_block = root.attribute<std::uint64_t>("end_block");
    part.total_blocks = root.attribute<std::uint64_t>("total_blocks");
    part.stratify = root.attribute<std::string>("stratify");
    if (root.has_attribute("shard_index") && root.has_attribute("shard_count")) {
      part.index = root.attribute<std::uint64_t>("shard_index");
      part.count = root.attribute<std::uint64_t>("shard_count");
    }
    if (part.end_block < rf.first_block || part.end_block > part.total_blocks)
      refuse(path, fmt::format("attributes 'first_block' {}, 'end_block' {}, 'total_blocks' {} "
                               "of / are not a range of blocks",
                               rf.first_block, part.end_block, part.total_blocks));
    rf.part = std::move(part);
  }
  row_offset_ = rf.first_block * rf.block_size;
  if (root.has("failure_modes")) {
    require_link(path, root.open_group("failure_modes"), "/failure_modes", "name", "dataset");
    const h5::Group fm = root.open_group("failure_modes");
    rf.meta.failure_names = fm.read<std::string>("name");
    std::vector<std::string> stages(rf.meta.failure_names.size()),
        kinds(rf.meta.failure_names.size());
    if (fm.has("stage") && fm.has("kind")) {
      stages = fm.read<std::string>("stage");
      kinds = fm.read<std::string>("kind");
      if (stages.size() != rf.meta.failure_names.size() ||
          kinds.size() != rf.meta.failure_names.size())
        refuse(path, "datasets /failure_modes/name, stage and kind differ in length");
    }
    for (std::size_t i = 0; i < rf.meta.failure_names.size(); ++i)
      rf.failure_modes.push_back({rf.meta.failure_names[i], stages[i], kinds[i]});
    // /outcome/failure_mode is int8: -1 (none) and 0..127.
    if (rf.meta.failure_names.size() > 128)
      refuse(path, fmt::format("/failure_modes/name has {} names, at most 128 fit the int8 "
                               "/outcome/failure_mode",
                               rf.meta.failure_names.size()));
  }
  if (root.has("termination_rules")) {
    require_link(path, root.open_group("termination_rules"), "/termination_rules", "name",
                 "dataset");
    rf.meta.termination_rule_names = root.open_group("termination_rules").read<std::string>("name");
    // /outcome/termination_rule is int8: -1 (none) and 0..127.
    if (rf.meta.termination_rule_names.size() > 128)
      refuse(path, fmt::format("/termination_rules/name has {} names, at most 128 fit the int8 "
                               "/outcome/termination_rule",
                               rf.meta.termination_rule_names.size()));
  }
  // Failure strata (files from before them: one stratum, every row weighing 1).
  if (root.has("strata")) {
    const h5::Group g = root.open_group("strata");
    for (const char* name : {"name", "probability", "slots"})
      require_link(path, g, "/strata", name, "dataset");
    const auto names = g.read<std::string>("name");
    const auto probabilities = g.read<double>("probability");
    const auto slots64 = g.read<std::uint64_t>("slots");
    std::vector<std::uint32_t> slots;
    for (const auto q : slots64) {
      if (q > engine::kStratumPeriod) refuse(path, "/strata/slots: a value above the period");
      slots.push_back(static_cast<std::uint32_t>(q));
    }
    try {
      rf.meta.strata = engine::FailureStrata(names, probabilities, slots);
    } catch (const std::invalid_argument& e) {
      refuse(path, fmt::format("/strata: {}", e.what()));
    }
  }
  require_link(path, root, "/", "inputs", "group");
  for (const auto& name : root.open_group("inputs").children()) rf.drawn_names.push_back(name);
  require_link(path, root, "/", "bodies", "group");
  require_link(path, root, "/", "body_names", "dataset");
  h5::Group bodies = root.open_group("bodies");
  for (const auto& name : root.read<std::string>("body_names")) {
    if (!plain_link_name(name)) refuse(path, fmt::format("/body_names has the name '{}'", name));
    require_link(path, bodies, "/bodies", name, "group");
    const h5::Group g = bodies.open_group(name);
    const std::string group_path = "/bodies/" + name;
    for (const char* a : {"nominal_impact_lat_deg", "nominal_impact_lon_deg"})
      require_attribute(path, g, group_path, a);
    // The body's class; files written before classes were labels have an integer "kind".
    std::string body_class;
    if (g.has_attribute("class")) {
      body_class = g.attribute<std::string>("class");
    } else if (g.has_attribute("kind")) {
      constexpr const char* kLegacyKinds[] = {"spent_stage", "fairing_piece", "payload"};
      const std::int64_t kind = g.attribute<std::int64_t>("kind");
      if (kind < 0 || kind >= 3)
        refuse(path, fmt::format("attribute 'kind' of {} is {}, not a body kind (0 to 2)",
                                 group_path, kind));
      body_class = kLegacyKinds[kind];
    } else {
      refuse(path, fmt::format("attribute 'class' of {} is missing", group_path));
    }
    const double lat = g.attribute<double>("nominal_impact_lat_deg");
    const double lon = g.attribute<double>("nominal_impact_lon_deg");
    if (!(std::isnan(lat) && std::isnan(lon)) && !valid_point(lat, lon))
      refuse(path,
             fmt::format("attributes 'nominal_impact_lat_deg', '_lon_deg' of {} are ({}, {}): "
                         "neither a point (latitude in [-90, 90], finite longitude) nor both NaN",
                         group_path, lat, lon));
    rf.slots.push_back({name, body_class, lat, lon});
  }
  // Files without the group: no target orbit (or written before launchmc recorded one).
  if (root.has(kTargetOrbitGroup)) {
    const h5::Group g = root.open_group(kTargetOrbitGroup);
    for (const char* a : {"perigee_alt_km", "apogee_alt_km", "inclination_deg", "raan_deg",
                          "tolerance_alt_km", "tolerance_incl_deg"})
      require_attribute(path, g, std::string("/") + kTargetOrbitGroup, a);
    engine::TargetOrbit t;
    t.perigee_alt_km = g.attribute<double>("perigee_alt_km");
    t.apogee_alt_km = g.attribute<double>("apogee_alt_km");
    t.inclination_deg = g.attribute<double>("inclination_deg");
    t.raan_deg = g.attribute<double>("raan_deg");
    t.tolerance_alt_km = g.attribute<double>("tolerance_alt_km");
    t.tolerance_incl_deg = g.attribute<double>("tolerance_incl_deg");
    rf.meta.target_orbit = t;
  }
  if (root.has("iip")) {  // files from before the IIP tracks have none
    const h5::Group iip = root.open_group("iip");
    engine::IipCorridorSetup setup;
    setup.step_s = iip.attribute<double>("step_s");
    if (!(setup.step_s > 0.0)) refuse(path, "attribute step_s of /iip is not > 0");
    setup.max_points = static_cast<std::size_t>(iip.attribute<std::uint64_t>("points_per_row"));
    if (setup.max_points > (std::size_t{1} << 24))
      refuse(path, "attribute points_per_row of /iip is above 2^24");
    setup.site_lon_deg = rf.meta.site_lon_deg;
    const h5::Group nominal = iip.open_group("nominal");
    const auto t = nominal.read<double>("time_s"), lat = nominal.read<double>("lat_deg"),
               lon = nominal.read<double>("lon_deg"),
               tti = nominal.read<double>("time_to_impact_s");
    if (lat.size() != t.size() || lon.size() != t.size() || tti.size() != t.size())
      refuse(path, "datasets of /iip/nominal differ in length");
    for (std::size_t i = 0; i < t.size(); ++i)
      setup.nominal.push_back({t[i], lat[i], lon[i], tti[i]});
    const h5::Group zones = iip.open_group("zones");
    const auto names = zones.read<std::string>("name"), kinds = zones.read<std::string>("kind");
    const auto ends = zones.read<std::uint64_t>("row_end");
    const auto zlat = zones.read<double>("lat_deg"), zlon = zones.read<double>("lon_deg");
    if (kinds.size() != names.size() || ends.size() != names.size() || zlon.size() != zlat.size())
      refuse(path, "datasets of /iip/zones differ in length");
    std::uint64_t begin = 0;
    for (std::size_t z = 0; z < names.size(); ++z) {
      if (ends[z] < begin || ends[z] > zlat.size())
        refuse(path, fmt::format("/iip/zones/row_end row {}: not a cumulative count", z));
      engine::IipZoneSpec spec{names[z], kinds[z] == "region", {}};
      for (std::uint64_t i = begin; i < ends[z]; ++i) spec.points.push_back({zlat[i], zlon[i]});
      setup.zones.push_back(std::move(spec));
      begin = ends[z];
    }
    iip_entries_ = iip.dataset_size("time_s");
    for (const engine::IipColumn& c : engine::iip_columns())
      if (iip.dataset_size(c.name) != iip_entries_)
        refuse(path, fmt::format("dataset /iip/{} has {} rows, /iip/time_s has {}", c.name,
                                 iip.dataset_size(c.name), iip_entries_));
    setup.strata = rf.meta.strata;
    rf.iip = std::move(setup);
  }
  if (root.has("report") && root.open_group("report").has("regions")) {
    const h5::Group regions = root.open_group("report").open_group("regions");
    for (const char* name : {"name", "row_end", "lat_deg", "lon_deg"})
      require_link(path, regions, "/report/regions", name, "dataset");
    const auto names = regions.read<std::string>("name");
    const auto ends = regions.read<std::uint64_t>("row_end");
    const auto zlat = regions.read<double>("lat_deg"), zlon = regions.read<double>("lon_deg");
    if (ends.size() != names.size() || zlon.size() != zlat.size())
      refuse(path, "datasets of /report/regions differ in length");
    std::uint64_t begin = 0;
    for (std::size_t z = 0; z < names.size(); ++z) {
      if (ends[z] < begin + 3 || ends[z] > zlat.size())
        refuse(path, fmt::format("/report/regions/row_end row {}: not a cumulative count of at "
                                 "least 3 points per region",
                                 z));
      engine::IipZoneSpec spec{names[z], true, {}};
      for (std::uint64_t i = begin; i < ends[z]; ++i) {
        if (!valid_point(zlat[i], zlon[i]))
          refuse(path, fmt::format("/report/regions point {}: ({}, {}) is not a point", i, zlat[i],
                                   zlon[i]));
        spec.points.push_back({zlat[i], zlon[i]});
      }
      rf.report_regions.push_back(std::move(spec));
      begin = ends[z];
    }
  }
  require_link(path, root, "/", "outcome", "group");
  h5::Group outcome = root.open_group("outcome");
  require_link(path, outcome, "/outcome", "status", "dataset");
  rows_ = outcome.dataset_size("status");
  if (rf.iip && root.open_group("iip").dataset_size("row_end") != rows_)
    refuse(path, fmt::format("dataset /iip/row_end has {} rows, /outcome/status has {}",
                             root.open_group("iip").dataset_size("row_end"), rows_));
  // Files written before launchmc recorded how powered flight ended have no such dataset.
  present_.clear();
  for (const engine::SampleColumn& c : engine::sample_columns())
    present_.push_back(!added_later(c.name) || outcome.has(std::string(c.name)));

  // Every column next() reads exists and has as many rows as /outcome/status.
  auto same_rows = [&](const h5::Group& g, const std::string& group_path, const std::string& name) {
    require_link(path, g, group_path, name, "dataset");
    const std::size_t n = g.dataset_size(name);
    if (n != rows_)
      refuse(path, fmt::format("dataset {}/{} has {} rows, /outcome/status has {}", group_path,
                               name, n, rows_));
  };
  for (const engine::SampleColumn& c : engine::sample_columns())
    if (!added_later(c.name) || outcome.has(std::string(c.name)))
      same_rows(outcome, "/outcome", std::string(c.name));
  if (format_major_ >= 2) {
    require_link(path, root, "/", "design", "group");
    same_rows(root.open_group("design"), "/design", "stream_index");
    has_stratum_ = root.open_group("design").has("stratum");
    if (has_stratum_) same_rows(root.open_group("design"), "/design", "stratum");
    require_link(path, root, "/", "other_bodies", "group");
    const h5::Group other = root.open_group("other_bodies");
    same_rows(other, "/other_bodies", "row_end");
    for (const char* name : {"names", "classes", "name_index", "class_index"})
      require_link(path, other, "/other_bodies", name, "dataset");
    other_names_ = other.read<std::string>("names");
    other_classes_ = other.read<std::string>("classes");
    other_entries_ = other.dataset_size("name_index");
    for (const engine::BodyColumn& c : engine::other_body_columns()) {
      require_link(path, other, "/other_bodies", c.name, "dataset");
      if (other.dataset_size(c.name) != other_entries_)
        refuse(path,
               fmt::format("dataset /other_bodies/{} has {} rows, /other_bodies/name_index has {}",
                           c.name, other.dataset_size(c.name), other_entries_));
    }
    if (other.dataset_size("class_index") != other_entries_)
      refuse(path, "datasets /other_bodies/class_index and name_index differ in length");
  }
  if (root.has("fragments")) {  // files from before breakups have none
    const h5::Group frag = root.open_group("fragments");
    for (const char* name : {"sample", "class_index", "classes"})
      require_link(path, frag, "/fragments", name, "dataset");
    fragment_entries_ = frag.dataset_size("sample");
    for (const engine::BodyColumn& c : engine::fragment_columns()) {
      require_link(path, frag, "/fragments", c.name, "dataset");
      if (frag.dataset_size(c.name) != fragment_entries_)
        refuse(path, fmt::format("dataset /fragments/{} has {} rows, /fragments/sample has {}",
                                 c.name, frag.dataset_size(c.name), fragment_entries_));
    }
    if (frag.dataset_size("class_index") != fragment_entries_)
      refuse(path, fmt::format("dataset /fragments/class_index has {} rows, /fragments/sample "
                               "has {}",
                               frag.dataset_size("class_index"), fragment_entries_));
    fragment_classes_ = frag.read<std::string>("classes");
    rf.fragment_classes = fragment_classes_;
    rf.has_fragments = true;
  }
  if (root.has("report") && root.open_group("report").has("fragment_classes"))
    rf.report_fragment_classes = root.open_group("report").read<std::string>("fragment_classes");
  else
    rf.report_fragment_classes = fragment_classes_;
  for (const std::string& c : fragment_classes_)
    if (std::find(rf.report_fragment_classes.begin(), rf.report_fragment_classes.end(), c) ==
        rf.report_fragment_classes.end())
      refuse(path,
             fmt::format("/fragments/classes has '{}', which /report/fragment_classes lacks", c));
  const h5::Group inputs = root.open_group("inputs");
  for (const auto& name : rf.drawn_names) same_rows(inputs, "/inputs", name);
  for (const auto& slot : rf.slots) {
    const h5::Group g = bodies.open_group(slot.name);
    for (const engine::BodyColumn& col : engine::body_columns())
      same_rows(g, "/bodies/" + slot.name, std::string(col.name));
  }
}

RunFileReader::~RunFileReader() = default;

void RunFileReader::seek(std::size_t row) {
  if (row > rows_)
    throw std::out_of_range(
        fmt::format("{}: row {} is beyond the file's {} rows", path_.string(), row, rows_));
  position_ = row;
}

bool RunFileReader::next(engine::Block& b, std::size_t max_rows) {
  if (position_ >= rows_) return false;
  const std::size_t n = std::min<std::size_t>(max_rows, rows_ - position_);
  try {
    read_rows(b, n);
  } catch (const h5::Error& e) {
    refuse(path_, e.what());
  }
  position_ += n;
  return true;
}

namespace {

// Rows [offset, offset + n) of a dataset stored as `storage`, as doubles.
void read_column(const h5::Group& g, std::string_view name, engine::Storage storage,
                 std::size_t offset, std::size_t n, std::vector<double>& out) {
  switch (storage) {
    case engine::Storage::f64:
      g.read_range<double>(name, offset, n, out);
      return;
    case engine::Storage::i8:
    case engine::Storage::enum_i8: {
      std::vector<std::int8_t> v;
      g.read_range<std::int8_t>(name, offset, n, v);
      out.assign(v.begin(), v.end());
      return;
    }
    case engine::Storage::i64: {
      std::vector<std::int64_t> v;
      g.read_range<std::int64_t>(name, offset, n, v);
      out.assign(v.begin(), v.end());
      return;
    }
  }
}

// Refuses the first code of `codes` outside [lo, hi] (a count that `summarize` would drop).
void check_codes(const std::filesystem::path& path, std::string_view dataset, std::string_view what,
                 const std::vector<double>& codes, std::size_t first_row, int lo, int hi) {
  for (std::size_t r = 0; r < codes.size(); ++r) {
    if (codes[r] < lo || codes[r] > hi)
      refuse(path, fmt::format("{} row {}: {} is not {} ({} to {})", dataset, first_row + r,
                               codes[r], what, lo, hi));
  }
}

// Refuses a NaN where the format promises a number: the summary takes statistics of these.
void check_number(const std::filesystem::path& path, std::string_view dataset, double value,
                  std::size_t row, std::string_view because) {
  if (std::isnan(value))
    refuse(path, fmt::format("/outcome/{} row {}: NaN, but {}", dataset, row, because));
}

}  // namespace

void RunFileReader::read_rows(engine::Block& b, std::size_t n) {
  h5::Group root = file_->root();
  h5::Group outcome = root.open_group("outcome");
  b.first = row_offset_ + position_;  // the plan's row (a shard's rows start at its first block)
  b.index = info_.block_size > 0 ? b.first / info_.block_size : 0;
  b.count = n;
  const auto cols = engine::sample_columns();
  b.sample.resize(cols.size());
  for (std::size_t c = 0; c < cols.size(); ++c) {
    if (!present_[c]) {
      // A column added after the file was written (added_later): every row its fill value
      // (powered_flight_end none, breakup_cause none, termination_rule -1).
      b.sample[c].assign(n, cols[c].fill);
      continue;
    }
    read_column(outcome, cols[c].name, cols[c].storage, position_, n, b.sample[c]);
  }
  const auto& status = b.column("status");
  check_codes(path_, "/outcome/status", "a status code", status, position_, 0,
              engine::kStatusCount - 1);
  check_codes(path_, "/outcome/failure_mode", "-1 or a failure mode of /failure_modes/name",
              b.column("failure_mode"), position_, -1,
              static_cast<int>(info_.meta.failure_names.size()) - 1);
  check_codes(path_, "/outcome/powered_flight_end", "a powered-flight end code",
              b.column("powered_flight_end"), position_, 0, flight::kPoweredFlightEndCount - 1);
  check_codes(path_, "/outcome/breakup_cause", "a breakup cause code", b.column("breakup_cause"),
              position_, 0, flight::kBreakupCauseCount - 1);
  check_codes(path_, "/outcome/termination_rule",
              "-1 or a flight-termination rule of /termination_rules/name",
              b.column("termination_rule"), position_, -1,
              static_cast<int>(info_.meta.termination_rule_names.size()) - 1);
  const auto& insertion = b.column("insertion_time_s");
  const auto& perigee = b.column("perigee_alt_m");
  const auto& apogee = b.column("apogee_alt_m");
  const auto& incl = b.column("inclination_deg");
  const auto& range = b.column("range_m");
  const auto& vapogee = b.column("vehicle_apogee_alt_m");
  const auto& ftime = b.column("flight_time_s");
  const auto& vlat = b.column("vehicle_impact_lat_deg");
  const auto& vlon = b.column("vehicle_impact_lon_deg");
  const auto& rhs = b.column("rhs_evaluations");
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t row = position_ + r;
    if (status[r] == static_cast<double>(engine::SampleStatus::orbit)) {
      const char* because = "the status is orbit";
      check_number(path_, "insertion_time_s", insertion[r], row, because);
      check_number(path_, "perigee_alt_m", perigee[r], row, because);
      check_number(path_, "apogee_alt_m", apogee[r], row, because);
      check_number(path_, "inclination_deg", incl[r], row, because);
    }
    if (std::isfinite(range[r])) {
      check_number(path_, "vehicle_apogee_alt_m", vapogee[r], row, "range_m is a number");
      check_number(path_, "flight_time_s", ftime[r], row, "range_m is a number");
    }
    if (std::isfinite(vlat[r]) && !valid_point(vlat[r], vlon[r]))
      refuse(path_,
             fmt::format("/outcome/vehicle_impact_lat_deg, _lon_deg row {}: ({}, {}) is not a "
                         "point (latitude in [-90, 90], finite longitude)",
                         row, vlat[r], vlon[r]));
    if (!(rhs[r] >= 0 && rhs[r] <= static_cast<double>(kMaxRhsEvaluations)))
      refuse(path_,
             fmt::format(
                 "/outcome/rhs_evaluations row {}: {} is not a count of evaluations (0 to 2^40)",
                 row, rhs[r]));
  }
  b.stream.resize(n);
  if (format_major_ >= 2) {
    root.open_group("design").read_range<std::uint64_t>("stream_index", position_, n, b.stream);
  } else {
    for (std::size_t r = 0; r < n; ++r) b.stream[r] = position_ + r;  // 1.x: stream = row
  }
  b.stratum.assign(n, 0);
  if (has_stratum_) {
    std::vector<std::int8_t> k;
    root.open_group("design").read_range<std::int8_t>("stratum", position_, n, k);
    for (std::size_t r = 0; r < n; ++r) {
      if (k[r] < 0 || static_cast<std::size_t>(k[r]) >= info_.meta.strata.size())
        refuse(path_, fmt::format("/design/stratum row {}: {} is not a stratum (0 to {})",
                                  position_ + r, k[r], info_.meta.strata.size() - 1));
      b.stratum[r] = static_cast<std::uint8_t>(k[r]);
    }
  } else if (!info_.meta.strata.single()) {
    refuse(path_, "/design/stratum is missing in a stratified run");
  }
  h5::Group inputs = root.open_group("inputs");
  b.drawn.resize(info_.drawn_names.size());
  for (std::size_t c = 0; c < info_.drawn_names.size(); ++c)
    inputs.read_range<double>(info_.drawn_names[c], position_, n, b.drawn[c]);
  h5::Group bodies = root.open_group("bodies");
  const auto bcols = engine::body_columns();
  const std::size_t fate = engine::body_column("fate"), lat = engine::body_column("impact_lat_deg"),
                    lon = engine::body_column("impact_lon_deg");
  b.bodies.resize(info_.slots.size());
  for (std::size_t k = 0; k < info_.slots.size(); ++k) {
    const h5::Group g = bodies.open_group(info_.slots[k].name);
    b.bodies[k].resize(bcols.size());
    for (std::size_t c = 0; c < bcols.size(); ++c)
      read_column(g, bcols[c].name, bcols[c].storage, position_, n, b.bodies[k][c]);
    const auto& cols_k = b.bodies[k];
    check_codes(path_, "/bodies/" + info_.slots[k].name + "/fate", "a body fate code", cols_k[fate],
                position_, 0, engine::kFateNotReleased);
    for (std::size_t r = 0; r < n; ++r) {
      if (cols_k[fate][r] == static_cast<double>(flight::BodyFate::impact) &&
          !valid_point(cols_k[lat][r], cols_k[lon][r]))
        refuse(path_,
               fmt::format("/bodies/{}/impact_lat_deg, _lon_deg row {}: ({}, {}) is not a point "
                           "(latitude in [-90, 90], finite longitude), but the fate is impact",
                           info_.slots[k].name, position_ + r, cols_k[lat][r], cols_k[lon][r]));
    }
  }
  read_other_bodies(b, n);
  read_iip(b, n);
  read_fragments(b, n);
}

std::uint64_t RunFileReader::first_fragment_of(std::uint64_t row) const {
  const h5::Group frag = file_->root().open_group("fragments");
  std::uint64_t lo = 0, hi = fragment_entries_;
  std::vector<std::uint64_t> v;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    frag.read_range<std::uint64_t>("sample", static_cast<std::size_t>(mid), 1, v);
    if (v[0] < row)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

void RunFileReader::read_fragments(engine::Block& b, std::size_t n) {
  engine::RaggedBodies& f = b.fragments;
  const auto fcols = engine::fragment_columns();
  f.columns.resize(fcols.size());
  for (auto& c : f.columns) c.clear();
  f.names.clear();
  f.classes.clear();
  f.row_end.assign(n, 0);
  if (!info_.has_fragments || n == 0) return;
  const h5::Group frag = file_->root().open_group("fragments");
  // The entries of rows [position_, position_ + n): the table is in sample order. Reading in
  // order, each slice starts where the last one ended (so an entry out of order cannot hide
  // between slices); after a seek, a binary search finds the start.
  // `sample` holds the plan's rows: a shard's start at row_offset_.
  const std::uint64_t first = row_offset_ + position_;
  const std::uint64_t begin =
      position_ == fragment_next_row_ ? fragment_next_ : first_fragment_of(first);
  const std::uint64_t end = first_fragment_of(first + n);
  if (end < begin)
    refuse(path_,
           fmt::format("/fragments/sample: entries not in sample order before entry {}", begin));
  const std::size_t count = static_cast<std::size_t>(end - begin);
  std::vector<std::uint64_t> sample;
  if (count > 0)
    frag.read_range<std::uint64_t>("sample", static_cast<std::size_t>(begin), count, sample);
  std::uint64_t previous = first;
  for (std::size_t e = 0; e < count; ++e) {
    if (sample[e] < previous || sample[e] >= first + n)
      refuse(path_, fmt::format("/fragments/sample entry {}: sample {} is not in sample order "
                                "(rows {} to {} expected here)",
                                begin + e, sample[e], previous, first + n - 1));
    previous = sample[e];
    ++f.row_end[static_cast<std::size_t>(sample[e] - first)];
  }
  for (std::size_t r = 1; r < n; ++r) f.row_end[r] += f.row_end[r - 1];
  if (position_ + n == rows_ && end != fragment_entries_)
    refuse(path_, fmt::format("/fragments/sample entry {}: sample {} or later is beyond the "
                              "file's {} rows",
                              end, row_offset_ + rows_, rows_));
  fragment_next_ = end;
  fragment_next_row_ = position_ + n;
  if (count == 0) return;
  for (std::size_t c = 0; c < fcols.size(); ++c)
    read_column(frag, fcols[c].name, fcols[c].storage, static_cast<std::size_t>(begin), count,
                f.columns[c]);
  std::vector<std::int64_t> class_index;
  frag.read_range<std::int64_t>("class_index", static_cast<std::size_t>(begin), count, class_index);
  const std::size_t fate = engine::fragment_column("fate"),
                    lat = engine::fragment_column("impact_lat_deg"),
                    lon = engine::fragment_column("impact_lon_deg"),
                    time = engine::fragment_column("impact_time_s"),
                    weight = engine::fragment_column("weight"),
                    breakup = engine::fragment_column("breakup_time_s");
  check_codes(path_, "/fragments/fate", "a body fate code", f.columns[fate],
              static_cast<std::size_t>(begin), 0, engine::kFateNotReleased);
  for (std::size_t e = 0; e < count; ++e) {
    const std::uint64_t entry = begin + e;
    if (class_index[e] < 0 || class_index[e] >= static_cast<std::int64_t>(fragment_classes_.size()))
      refuse(path_, fmt::format("/fragments/class_index entry {}: {} is not an index into "
                                "/fragments/classes ({} classes)",
                                entry, class_index[e], fragment_classes_.size()));
    if (!(f.columns[weight][e] > 0.0 && std::isfinite(f.columns[weight][e])))
      refuse(path_, fmt::format("/fragments/weight entry {}: {} is not a positive weight", entry,
                                f.columns[weight][e]));
    if (!std::isfinite(f.columns[breakup][e]))
      refuse(path_, fmt::format("/fragments/breakup_time_s entry {}: {} is not a time", entry,
                                f.columns[breakup][e]));
    if (f.columns[fate][e] == static_cast<double>(flight::BodyFate::impact) &&
        (!valid_point(f.columns[lat][e], f.columns[lon][e]) || !std::isfinite(f.columns[time][e])))
      refuse(path_, fmt::format("/fragments entry {}: impact ({}, {}) at {} s is not a point "
                                "and a time, but the fate is impact",
                                entry, f.columns[lat][e], f.columns[lon][e], f.columns[time][e]));
    const std::string& c = fragment_classes_[static_cast<std::size_t>(class_index[e])];
    f.names.emplace_back(c);
    f.classes.emplace_back(c);
  }
}

void RunFileReader::read_iip(engine::Block& b, std::size_t n) {
  engine::RaggedIip& t = b.iip;
  const auto cols = engine::iip_columns();
  t.columns.resize(cols.size());
  for (auto& c : t.columns) c.clear();
  t.row_end.assign(n, 0);
  if (!info_.iip || n == 0 || !read_iip_) return;
  const h5::Group iip = file_->root().open_group("iip");
  const EntryRange range =
      read_row_ends(path_, iip, "/iip", "points", position_, n, iip_entries_, t.row_end);
  const std::uint64_t begin = range.begin;
  const std::size_t count = static_cast<std::size_t>(range.end - begin);
  if (count == 0) return;
  for (std::size_t c = 0; c < cols.size(); ++c)
    iip.read_range<double>(cols[c].name, static_cast<std::size_t>(begin), count, t.columns[c]);
  const auto& time = t.columns[engine::iip_column("time_s")];
  for (std::size_t e = 0; e < count; ++e)
    if (!std::isfinite(time[e]))
      refuse(path_, fmt::format("/iip/time_s entry {}: {} is not a time", begin + e, time[e]));
}

void RunFileReader::read_other_bodies(engine::Block& b, std::size_t n) {
  engine::RaggedBodies& o = b.other_bodies;
  const auto ocols = engine::other_body_columns();
  o.columns.resize(ocols.size());
  for (auto& c : o.columns) c.clear();
  o.names.clear();
  o.classes.clear();
  o.row_end.assign(n, 0);
  if (format_major_ < 2 || n == 0) return;
  const h5::Group other = file_->root().open_group("other_bodies");
  const EntryRange range = read_row_ends(path_, other, "/other_bodies", "entries", position_, n,
                                         other_entries_, o.row_end);
  const std::uint64_t begin = range.begin;
  const std::size_t count = static_cast<std::size_t>(range.end - begin);
  if (count == 0) return;
  for (std::size_t c = 0; c < ocols.size(); ++c)
    read_column(other, ocols[c].name, ocols[c].storage, static_cast<std::size_t>(begin), count,
                o.columns[c]);
  std::vector<std::int64_t> name_index, class_index;
  other.read_range<std::int64_t>("name_index", static_cast<std::size_t>(begin), count, name_index);
  other.read_range<std::int64_t>("class_index", static_cast<std::size_t>(begin), count,
                                 class_index);
  for (std::size_t e = 0; e < count; ++e) {
    if (name_index[e] < 0 || name_index[e] >= static_cast<std::int64_t>(other_names_.size()) ||
        class_index[e] < 0 || class_index[e] >= static_cast<std::int64_t>(other_classes_.size()))
      refuse(path_, fmt::format("/other_bodies entry {}: a name or class index outside its list",
                                begin + e));
    o.names.emplace_back(other_names_[static_cast<std::size_t>(name_index[e])]);
    o.classes.emplace_back(other_classes_[static_cast<std::size_t>(class_index[e])]);
  }
}

RunFile read_run_file(const std::filesystem::path& path) {
  RunFileReader reader(path);
  RunFile rf = reader.info();
  reader.next(rf.samples, reader.rows() > 0 ? reader.rows() : 1);
  rf.samples.count = reader.rows();
  return rf;
}

engine::SummaryReducer summary_reducer_for(const RunFile& info) {
  return engine::SummaryReducer(
      info.slots, info.meta.success_status, info.meta.failure_names.size(), info.meta.target_orbit,
      info.meta.vehicle_ref_lat_deg, info.meta.vehicle_ref_lon_deg, info.meta.strata);
}

engine::FailureReportReducer failure_report_reducer_for(const RunFile& info) {
  engine::FailureReportSetup setup;
  setup.modes = info.failure_modes;
  setup.regions = info.report_regions;
  setup.classes = info.report_fragment_classes;
  setup.ref_lat_deg = info.meta.vehicle_ref_lat_deg;
  setup.ref_lon_deg = info.meta.vehicle_ref_lon_deg;
  setup.site_lon_deg = info.meta.site_lon_deg;
  if (!info.meta.strata.single()) setup.stratum_probability = info.meta.strata.probabilities();
  return engine::FailureReportReducer(std::move(setup));
}

engine::Summary summarize_run_file(const std::filesystem::path& path) {
  RunFileReader reader(path);
  const RunFile& info = reader.info();
  engine::SummaryReducer acc = summary_reducer_for(info);
  std::optional<engine::IipCorridorReducer> corridor;
  if (info.iip) corridor.emplace(*info.iip);
  engine::FailureReportReducer report = failure_report_reducer_for(info);
  engine::Block block;
  // Slices of 64 Ki rows: memory stays flat however large the file.
  while (reader.next(block, 65536)) {
    acc.add(block);
    if (corridor) corridor->add(block);
    report.add(block);
  }
  engine::Summary s = acc.finish(info.meta);
  if (corridor) s.iip_corridor = corridor->finish();
  s.failure_report = report.finish();
  return s;
}

engine::Summary summarize_run_file(const RunFile& rf) {
  engine::SummaryReducer acc = summary_reducer_for(rf);
  acc.add(rf.samples);
  engine::Summary s = acc.finish(rf.meta);
  if (rf.iip) {
    engine::IipCorridorReducer corridor(*rf.iip);
    corridor.add(rf.samples);
    s.iip_corridor = corridor.finish();
  }
  engine::FailureReportReducer report = failure_report_reducer_for(rf);
  report.add(rf.samples);
  s.failure_report = report.finish();
  return s;
}

}  // namespace launchmc::io
