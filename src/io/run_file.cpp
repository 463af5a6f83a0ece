// Monte Carlo run files: chunked, shuffled and deflated 1-D datasets, one per field.
#include "io/run_file.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>
#include <string_view>

#include "common/time_format.hpp"
#include "common/version.hpp"
#include "io/hdf5_file.hpp"
#include "io/output_file.hpp"

namespace launchmc::io {

namespace {

constexpr std::size_t kChunk = 8192;
constexpr const char* kTargetOrbitGroup = "target_orbit";
constexpr int kDeflate = 4;

// The double columns of /outcome, with their units: name, units, member.
struct DoubleColumn {
  const char* name;
  const char* units;
  std::vector<double> engine::Block::*member;
};
const std::vector<DoubleColumn>& outcome_columns() {
  using B = engine::Block;
  static const std::vector<DoubleColumn> cols = {
      {"insertion_time_s", "s", &B::insertion_time_s},
      {"perigee_alt_m", "m", &B::perigee_alt_m},
      {"apogee_alt_m", "m", &B::apogee_alt_m},
      {"semi_major_axis_m", "m", &B::semi_major_axis_m},
      {"eccentricity", "1", &B::eccentricity},
      {"inclination_deg", "deg", &B::inclination_deg},
      {"raan_deg", "deg", &B::raan_deg},
      {"arg_perigee_deg", "deg", &B::arg_perigee_deg},
      {"max_q_Pa", "Pa", &B::max_q_Pa},
      {"vehicle_apogee_alt_m", "m", &B::apogee_alt_m_vehicle},
      {"range_m", "m", &B::range_m},
      {"flight_time_s", "s", &B::flight_time_s},
      {"vehicle_impact_lat_deg", "deg", &B::vehicle_impact_lat_deg},
      {"vehicle_impact_lon_deg", "deg", &B::vehicle_impact_lon_deg},
  };
  return cols;
}

struct BodyColumn {
  const char* name;
  const char* units;
  std::vector<double> engine::BodyColumns::*member;
};
const std::vector<BodyColumn>& body_columns() {
  using C = engine::BodyColumns;
  static const std::vector<BodyColumn> cols = {
      {"impact_lat_deg", "deg", &C::impact_lat_deg},
      {"impact_lon_deg", "deg", &C::impact_lon_deg},
      {"impact_time_s", "s", &C::impact_time_s},
      {"impact_speed_mps", "m/s", &C::impact_speed_mps},
      {"impact_flight_path_angle_deg", "deg", &C::impact_flight_path_angle_deg},
  };
  return cols;
}

}  // namespace

struct RunFileWriter::Impl {
  std::filesystem::path path;
  std::filesystem::path committed_path;
  const config::LoadedConfig* config = nullptr;
  int threads = 0;
  std::optional<AtomicOutput> output;  // declared before file: the file is closed first
  std::optional<h5::File> file;
  std::vector<h5::AppendableDataset<double>> drawn;
  h5::AppendableDataset<std::int8_t> status, failure_mode, powered_flight_end;
  std::vector<h5::AppendableDataset<double>> outcome;
  h5::AppendableDataset<std::int64_t> rhs;
  struct Body {
    h5::AppendableDataset<std::int8_t> fate;
    std::vector<h5::AppendableDataset<double>> cols;
  };
  std::vector<Body> bodies;
  const engine::RunLayout* layout = nullptr;
};

RunFileWriter::RunFileWriter(std::filesystem::path path, const config::LoadedConfig& config,
                             int threads)
    : impl_(std::make_unique<Impl>()) {
  impl_->path = std::move(path);
  impl_->config = &config;
  impl_->threads = threads;
}

RunFileWriter::~RunFileWriter() = default;

void RunFileWriter::begin(const engine::RunLayout& layout) {
  Impl& m = *impl_;
  m.layout = &layout;
  m.output.emplace(m.path);
  m.file.emplace(h5::File::create(m.output->temporary()));
  h5::Group root = m.file->root();
  root.set_attribute("format", kRunFormat);
  root.set_attribute("format_version", kRunFormatVersion);
  root.set_attribute("launchmc_version", launchmc::version);
  root.set_attribute("git_revision", launchmc::git_revision);
  root.set_attribute("created_utc", utc_now_iso8601());
  root.set_attribute("scenario", m.config->scenario.name);
  root.set_attribute("config_path", m.config->scenario.config_path);
  root.set_attribute("config_text", m.config->scenario.config_text);
  root.set_attribute("seed", static_cast<std::uint64_t>(layout.meta.seed));
  root.set_attribute("sampler", layout.meta.sampler);
  root.set_attribute("samples_requested", static_cast<std::uint64_t>(layout.plan->n_samples));
  root.set_attribute("block_size", static_cast<std::uint64_t>(layout.plan->block_size));
  root.set_attribute("success_status", engine::to_string(layout.meta.success_status));
  root.set_attribute("site_lat_deg", layout.meta.site_lat_deg);
  root.set_attribute("site_lon_deg", layout.meta.site_lon_deg);
  root.set_attribute("threads", static_cast<std::int64_t>(layout.threads_used));
  if (layout.until_ci_width) root.set_attribute("until_ci_width", *layout.until_ci_width);
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
    m.drawn.push_back(inputs.create_appendable<double>(name, kChunk, kDeflate));
  std::vector<std::string> failure_names = layout.meta.failure_names;
  if (!failure_names.empty()) root.create_group("failure_modes").write<std::string>("name", failure_names);

  h5::Group outcome = root.create_group("outcome");
  m.status = outcome.create_appendable("status", engine::status_enum_members(), kChunk, kDeflate);
  m.failure_mode = outcome.create_appendable<std::int8_t>("failure_mode", kChunk, kDeflate);
  m.failure_mode.set_attribute("meaning", "index into /failure_modes/name; -1: no failure");
  m.powered_flight_end = outcome.create_appendable(
      "powered_flight_end", engine::powered_flight_end_enum_members(), kChunk, kDeflate);
  m.powered_flight_end.set_attribute("meaning", "how the last powered phase ended; none: it did not");
  for (const auto& c : outcome_columns()) {
    m.outcome.push_back(outcome.create_appendable<double>(c.name, kChunk, kDeflate));
    m.outcome.back().set_attribute("units", c.units);
  }
  m.rhs = outcome.create_appendable<std::int64_t>("rhs_evaluations", kChunk, kDeflate);

  std::vector<std::string> body_names;
  for (const auto& slot : layout.slots) body_names.push_back(slot.name);
  root.write<std::string>("body_names", body_names);
  h5::Group bodies = root.create_group("bodies");
  for (const auto& slot : layout.slots) {
    h5::Group g = bodies.create_group(slot.name);
    g.set_attribute("nominal_impact_lat_deg", slot.nominal_impact_lat_deg);
    g.set_attribute("nominal_impact_lon_deg", slot.nominal_impact_lon_deg);
    g.set_attribute("class", slot.body_class);
    Impl::Body b;
    b.fate = g.create_appendable("fate", engine::fate_enum_members(), kChunk, kDeflate);
    for (const auto& c : body_columns()) {
      b.cols.push_back(g.create_appendable<double>(c.name, kChunk, kDeflate));
      b.cols.back().set_attribute("units", c.units);
    }
    m.bodies.push_back(std::move(b));
  }
}

void RunFileWriter::write(const engine::Block& blk) {
  Impl& m = *impl_;
  const std::size_t n = blk.count;
  for (std::size_t c = 0; c < m.drawn.size(); ++c)
    m.drawn[c].append(std::span<const double>(blk.drawn[c].data(), n));
  m.status.append(std::span<const std::int8_t>(blk.status.data(), n));
  m.failure_mode.append(std::span<const std::int8_t>(blk.failure_mode.data(), n));
  m.powered_flight_end.append(std::span<const std::int8_t>(blk.powered_flight_end.data(), n));
  const auto& cols = outcome_columns();
  for (std::size_t c = 0; c < cols.size(); ++c)
    m.outcome[c].append(std::span<const double>((blk.*(cols[c].member)).data(), n));
  m.rhs.append(std::span<const std::int64_t>(blk.rhs_evaluations.data(), n));
  const auto& bcols = body_columns();
  for (std::size_t k = 0; k < m.bodies.size(); ++k) {
    m.bodies[k].fate.append(std::span<const std::int8_t>(blk.bodies[k].fate.data(), n));
    for (std::size_t c = 0; c < bcols.size(); ++c)
      m.bodies[k].cols[c].append(std::span<const double>((blk.bodies[k].*(bcols[c].member)).data(), n));
  }
}

void RunFileWriter::finish(const engine::Summary& summary, engine::RunEnd end) {
  Impl& m = *impl_;
  h5::Group root = m.file->root();
  root.set_attribute("samples", static_cast<std::uint64_t>(summary.samples));
  root.set_attribute("stopped_by", engine::to_string(end));
  root.set_attribute("elapsed_s", summary.meta.elapsed_s);
  root.set_attribute("samples_per_s", summary.samples_per_s());
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

void require_attribute(const std::filesystem::path& path, const h5::Object& object,
                       std::string_view object_path, std::string_view name) {
  if (!object.has_attribute(name))
    refuse(path, fmt::format("attribute '{}' of {} is missing", name, object_path));
}

void require_link(const std::filesystem::path& path, const h5::Group& group,
                  std::string_view group_path, std::string_view name, std::string_view kind) {
  if (!group.has(name))
    refuse(path, fmt::format("{} {}/{} is missing", kind, group_path == "/" ? "" : group_path, name));
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
    throw std::runtime_error(fmt::format("{}: cannot open the run file: {}", path.string(), e.what()));
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
  if (version.substr(0, version.find('.')) != "1")
    throw std::runtime_error(fmt::format("{}: run file format version {} is not supported (this "
                                         "launchmc reads 1.x)", path.string(), version));
  for (const char* name : {"seed", "sampler", "scenario", "success_status", "site_lat_deg",
                           "site_lon_deg", "elapsed_s", "block_size", "config_text"})
    require_attribute(path, root, "/", name);
  RunFile& rf = info_;
  rf.meta.seed = root.attribute<std::uint64_t>("seed");
  if (root.has_attribute("samples_requested"))
    rf.meta.samples_requested = root.attribute<std::uint64_t>("samples_requested");
  if (root.has_attribute("stopped_by")) rf.meta.stopped_by = root.attribute<std::string>("stopped_by");
  rf.meta.sampler = root.attribute<std::string>("sampler");
  rf.meta.scenario = root.attribute<std::string>("scenario");
  const std::string success = root.attribute<std::string>("success_status");
  if (success != "orbit" && success != "suborbital")
    refuse(path, fmt::format("attribute 'success_status' of / is '{}', expected orbit or suborbital", success));
  rf.meta.success_status =
      success == "orbit" ? engine::SampleStatus::orbit : engine::SampleStatus::suborbital;
  rf.meta.site_lat_deg = root.attribute<double>("site_lat_deg");
  rf.meta.site_lon_deg = root.attribute<double>("site_lon_deg");
  if (!valid_point(rf.meta.site_lat_deg, rf.meta.site_lon_deg))
    refuse(path, fmt::format("attributes 'site_lat_deg', 'site_lon_deg' of / are ({}, {}), not a point "
                             "(latitude in [-90, 90], finite longitude)",
                             rf.meta.site_lat_deg, rf.meta.site_lon_deg));
  rf.meta.elapsed_s = root.attribute<double>("elapsed_s");
  rf.block_size = root.attribute<std::uint64_t>("block_size");
  rf.config_text = root.attribute<std::string>("config_text");
  if (root.has("failure_modes")) {
    require_link(path, root.open_group("failure_modes"), "/failure_modes", "name", "dataset");
    rf.meta.failure_names = root.open_group("failure_modes").read<std::string>("name");
    // /outcome/failure_mode is int8: -1 (none) and 0..127.
    if (rf.meta.failure_names.size() > 128)
      refuse(path, fmt::format("/failure_modes/name has {} names, at most 128 fit the int8 "
                               "/outcome/failure_mode", rf.meta.failure_names.size()));
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
        refuse(path, fmt::format("attribute 'kind' of {} is {}, not a body kind (0 to 2)", group_path, kind));
      body_class = kLegacyKinds[kind];
    } else {
      refuse(path, fmt::format("attribute 'class' of {} is missing", group_path));
    }
    const double lat = g.attribute<double>("nominal_impact_lat_deg");
    const double lon = g.attribute<double>("nominal_impact_lon_deg");
    if (!(std::isnan(lat) && std::isnan(lon)) && !valid_point(lat, lon))
      refuse(path, fmt::format("attributes 'nominal_impact_lat_deg', '_lon_deg' of {} are ({}, {}): "
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
  require_link(path, root, "/", "outcome", "group");
  h5::Group outcome = root.open_group("outcome");
  require_link(path, outcome, "/outcome", "status", "dataset");
  rows_ = outcome.dataset_size("status");
  // Files written before launchmc recorded how powered flight ended have no such dataset.
  has_powered_flight_end_ = outcome.has("powered_flight_end");

  // Every column next() reads exists and has as many rows as /outcome/status.
  auto same_rows = [&](const h5::Group& g, const std::string& group_path, const std::string& name) {
    require_link(path, g, group_path, name, "dataset");
    const std::size_t n = g.dataset_size(name);
    if (n != rows_)
      refuse(path, fmt::format("dataset {}/{} has {} rows, /outcome/status has {}", group_path, name, n, rows_));
  };
  same_rows(outcome, "/outcome", "failure_mode");
  if (has_powered_flight_end_) same_rows(outcome, "/outcome", "powered_flight_end");
  for (const auto& c : outcome_columns()) same_rows(outcome, "/outcome", c.name);
  same_rows(outcome, "/outcome", "rhs_evaluations");
  const h5::Group inputs = root.open_group("inputs");
  for (const auto& name : rf.drawn_names) same_rows(inputs, "/inputs", name);
  for (const auto& slot : rf.slots) {
    const h5::Group g = bodies.open_group(slot.name);
    same_rows(g, "/bodies/" + slot.name, "fate");
    for (const auto& col : body_columns()) same_rows(g, "/bodies/" + slot.name, col.name);
  }
}

RunFileReader::~RunFileReader() = default;

namespace {

// Refuses the first code of `codes` outside [lo, hi] (a count that `summarize` would drop).
void check_codes(const std::filesystem::path& path, std::string_view dataset, std::string_view what,
                 const std::vector<std::int8_t>& codes, std::size_t first_row, int lo, int hi) {
  for (std::size_t r = 0; r < codes.size(); ++r) {
    if (codes[r] < lo || codes[r] > hi)
      refuse(path, fmt::format("{} row {}: {} is not {} ({} to {})", dataset, first_row + r,
                               static_cast<int>(codes[r]), what, lo, hi));
  }
}

// Refuses a NaN where the format promises a number: the summary takes quantiles of these.
void check_number(const std::filesystem::path& path, std::string_view dataset, double value,
                  std::size_t row, std::string_view because) {
  if (std::isnan(value)) refuse(path, fmt::format("/outcome/{} row {}: NaN, but {}", dataset, row, because));
}

}  // namespace

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

void RunFileReader::read_rows(engine::Block& b, std::size_t n) {
  h5::Group root = file_->root();
  h5::Group outcome = root.open_group("outcome");
  b.first = position_;
  b.count = n;
  outcome.read_range("status", position_, n, b.status);
  check_codes(path_, "/outcome/status", "a status code", b.status, position_, 0, engine::kStatusCount - 1);
  outcome.read_range("failure_mode", position_, n, b.failure_mode);
  check_codes(path_, "/outcome/failure_mode", "-1 or a failure mode of /failure_modes/name", b.failure_mode,
              position_, -1, static_cast<int>(info_.meta.failure_names.size()) - 1);
  if (has_powered_flight_end_) {
    outcome.read_range("powered_flight_end", position_, n, b.powered_flight_end);
    check_codes(path_, "/outcome/powered_flight_end", "a powered-flight end code", b.powered_flight_end,
                position_, 0, flight::kPoweredFlightEndCount - 1);
  } else {
    b.powered_flight_end.assign(n, static_cast<std::int8_t>(flight::PoweredFlightEnd::none));
  }
  for (const auto& c : outcome_columns()) outcome.read_range(c.name, position_, n, b.*(c.member));
  outcome.read_range("rhs_evaluations", position_, n, b.rhs_evaluations);
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t row = position_ + r;
    if (b.status[r] == static_cast<std::int8_t>(engine::SampleStatus::orbit)) {
      const char* because = "the status is orbit";
      check_number(path_, "insertion_time_s", b.insertion_time_s[r], row, because);
      check_number(path_, "perigee_alt_m", b.perigee_alt_m[r], row, because);
      check_number(path_, "apogee_alt_m", b.apogee_alt_m[r], row, because);
      check_number(path_, "inclination_deg", b.inclination_deg[r], row, because);
    }
    if (std::isfinite(b.range_m[r])) {
      check_number(path_, "vehicle_apogee_alt_m", b.apogee_alt_m_vehicle[r], row, "range_m is a number");
      check_number(path_, "flight_time_s", b.flight_time_s[r], row, "range_m is a number");
    }
    if (std::isfinite(b.vehicle_impact_lat_deg[r]) &&
        !valid_point(b.vehicle_impact_lat_deg[r], b.vehicle_impact_lon_deg[r]))
      refuse(path_, fmt::format("/outcome/vehicle_impact_lat_deg, _lon_deg row {}: ({}, {}) is not a "
                                "point (latitude in [-90, 90], finite longitude)",
                                row, b.vehicle_impact_lat_deg[r], b.vehicle_impact_lon_deg[r]));
    if (b.rhs_evaluations[r] < 0 || b.rhs_evaluations[r] > kMaxRhsEvaluations)
      refuse(path_, fmt::format("/outcome/rhs_evaluations row {}: {} is not a count of evaluations (0 to 2^40)",
                                row, b.rhs_evaluations[r]));
  }
  h5::Group inputs = root.open_group("inputs");
  b.drawn.resize(info_.drawn_names.size());
  for (std::size_t c = 0; c < info_.drawn_names.size(); ++c)
    inputs.read_range(info_.drawn_names[c], position_, n, b.drawn[c]);
  h5::Group bodies = root.open_group("bodies");
  b.bodies.resize(info_.slots.size());
  for (std::size_t k = 0; k < info_.slots.size(); ++k) {
    const h5::Group g = bodies.open_group(info_.slots[k].name);
    g.read_range("fate", position_, n, b.bodies[k].fate);
    check_codes(path_, "/bodies/" + info_.slots[k].name + "/fate", "a body fate code", b.bodies[k].fate,
                position_, 0, engine::kFateNotReleased);
    for (const auto& col : body_columns()) g.read_range(col.name, position_, n, b.bodies[k].*(col.member));
    const engine::BodyColumns& c = b.bodies[k];
    for (std::size_t r = 0; r < n; ++r) {
      if (c.fate[r] == static_cast<std::int8_t>(flight::BodyFate::impact) &&
          !valid_point(c.impact_lat_deg[r], c.impact_lon_deg[r]))
        refuse(path_, fmt::format("/bodies/{}/impact_lat_deg, _lon_deg row {}: ({}, {}) is not a point "
                                  "(latitude in [-90, 90], finite longitude), but the fate is impact",
                                  info_.slots[k].name, position_ + r, c.impact_lat_deg[r],
                                  c.impact_lon_deg[r]));
    }
  }
}

RunFile read_run_file(const std::filesystem::path& path) {
  RunFileReader reader(path);
  RunFile rf = reader.info();
  reader.next(rf.samples, reader.rows() > 0 ? reader.rows() : 1);
  rf.samples.count = reader.rows();
  return rf;
}

engine::Summary summarize_run_file(const std::filesystem::path& path) {
  RunFileReader reader(path);
  const RunFile& info = reader.info();
  engine::SummaryAccumulator acc(info.slots, info.meta.success_status, info.meta.failure_names.size(),
                                 info.meta.target_orbit);
  engine::Block block;
  // Slices of 64 Ki rows: memory stays flat however large the file.
  while (reader.next(block, 65536)) acc.add(block);
  return acc.finish(info.meta);
}

engine::Summary summarize_run_file(const RunFile& rf) {
  engine::SummaryAccumulator acc(rf.slots, rf.meta.success_status, rf.meta.failure_names.size(),
                                 rf.meta.target_orbit);
  acc.add(rf.samples);
  return acc.finish(rf.meta);
}

}  // namespace launchmc::io
