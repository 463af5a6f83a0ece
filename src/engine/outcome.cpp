// Filling outcome columns from flight outcomes, through the column tables.
#include "engine/outcome.hpp"

#include <algorithm>
#include <stdexcept>

#include "engine/columns.hpp"

namespace launchmc::engine {

const char* to_string(SampleStatus s) noexcept {
  switch (s) {
    case SampleStatus::orbit:
      return "orbit";
    case SampleStatus::suborbital:
      return "suborbital";
    case SampleStatus::crash:
      return "crash";
    case SampleStatus::integration_failure:
      return "integration_failure";
    case SampleStatus::time_limit:
      return "time_limit";
    case SampleStatus::invalid_input:
      return "invalid_input";
  }
  return "unknown";
}

std::size_t iip_points_per_row(std::size_t nominal_points) noexcept {
  return 2 * nominal_points + 16;
}

void Block::resize(std::size_t capacity, std::size_t n_drawn, std::size_t n_slots,
                   std::size_t iip_points, std::size_t fragments_per_sample) {
  stream.assign(capacity, 0);
  stratum.assign(capacity, 0);
  drawn.assign(n_drawn, std::vector<double>(capacity));
  sample.clear();
  for (const SampleColumn& c : sample_columns()) sample.emplace_back(capacity, c.fill);
  bodies.assign(n_slots, {});
  for (auto& b : bodies)
    for (const BodyColumn& c : body_columns()) b.emplace_back(capacity, c.fill);
  other_bodies.columns.assign(other_body_columns().size(), {});
  other_bodies.row_end.assign(capacity, 0);
  iip.points_per_row = iip_points;
  iip.columns.assign(iip_columns().size(), {});
  for (auto& c : iip.columns) c.reserve(capacity * iip_points);
  iip.row_end.assign(capacity, 0);
  fragments.columns.assign(fragment_columns().size(), {});
  fragments.row_end.assign(capacity, 0);
  // Every sample of the block may break up: the worst case, reserved once (the hot loop then
  // never allocates for fragments).
  for (auto& c : fragments.columns) c.reserve(capacity * fragments_per_sample);
  fragments.names.reserve(capacity * fragments_per_sample);
  fragments.classes.reserve(capacity * fragments_per_sample);
  clear_other_bodies();
}

void Block::clear_other_bodies() noexcept {
  for (auto& c : other_bodies.columns) c.clear();
  other_bodies.names.clear();
  other_bodies.classes.clear();
  for (auto& c : iip.columns) c.clear();
  for (auto& c : fragments.columns) c.clear();
  fragments.names.clear();
  fragments.classes.clear();
}

std::vector<double>& Block::column(std::string_view name) { return sample[sample_column(name)]; }
const std::vector<double>& Block::column(std::string_view name) const {
  return sample[sample_column(name)];
}
const std::vector<double>& Block::body_column(std::size_t slot, std::string_view name) const {
  return bodies.at(slot)[engine::body_column(name)];
}
std::vector<double>& Block::body_column(std::size_t slot, std::string_view name) {
  return bodies.at(slot)[engine::body_column(name)];
}

namespace {
// Row `row`'s ragged entries end where the previous row's did: it has none (yet).
void close_row(RaggedBodies& r, std::size_t row) noexcept { r.row_end[row] = r.entries(); }
void close_row(RaggedIip& r, std::size_t row) noexcept {
  if (row < r.row_end.size()) r.row_end[row] = r.entries();
}
}  // namespace

void record_invalid(std::size_t n_slots, std::uint64_t stream, Block& b, std::size_t row) {
  if (row == 0) b.clear_other_bodies();
  b.stream[row] = stream;
  const auto cols = sample_columns();
  for (std::size_t c = 0; c < cols.size(); ++c) b.sample[c][row] = cols[c].fill;
  const auto bcols = body_columns();
  for (std::size_t k = 0; k < n_slots; ++k)
    for (std::size_t c = 0; c < bcols.size(); ++c) b.bodies[k][c][row] = bcols[c].fill;
  close_row(b.other_bodies, row);
  close_row(b.iip, row);
  close_row(b.fragments, row);
}

void record_flight(const std::vector<BodySlot>& slots, const outcome::FlightOutcome& o,
                   std::uint64_t stream, Block& b, std::size_t row) {
  record_invalid(slots.size(), stream, b, row);  // start from "nothing"
  const auto cols = sample_columns();
  for (std::size_t c = 0; c < cols.size(); ++c) b.sample[c][row] = cols[c].extract(o);
  const auto bcols = body_columns();
  const auto ocols = other_body_columns();
  RaggedBodies& other = b.other_bodies;
  RaggedBodies& fragments = b.fragments;
  const auto fcols = fragment_columns();
  for (const outcome::BodyOutcome& body : o.bodies) {
    if (body.fragment) {
      for (std::size_t c = 0; c < fcols.size(); ++c)
        fragments.columns[c].push_back(fcols[c].extract(body));
      fragments.names.push_back(body.name);
      fragments.classes.push_back(body.body_class);
      continue;
    }
    std::size_t k = 0;
    while (k < slots.size() && !(body.name == slots[k].name)) ++k;
    if (k < slots.size()) {
      for (std::size_t c = 0; c < bcols.size(); ++c) b.bodies[k][c][row] = bcols[c].extract(body);
      continue;
    }
    // Not a body of the nominal flight: kept in the ragged table, never dropped.
    for (std::size_t c = 0; c < ocols.size(); ++c)
      other.columns[c].push_back(ocols[c].extract(body));
    other.names.push_back(body.name);
    other.classes.push_back(body.body_class);
  }
  close_row(other, row);
  // The IIP track, cut at the reserved capacity so that recording never allocates.
  RaggedIip& iip = b.iip;
  const std::size_t n_iip = std::min(o.iip.size(), iip.points_per_row);
  const auto icols = iip_columns();
  for (std::size_t c = 0; c < icols.size(); ++c)
    for (std::size_t i = 0; i < n_iip; ++i) iip.columns[c].push_back(icols[c].extract(o.iip[i]));
  close_row(iip, row);
  close_row(fragments, row);
}

std::vector<BodySlot> body_slots(const Scenario& sc, const flight::FlightResult& nominal) {
  std::vector<BodySlot> slots;
  const outcome::FlightOutcome o = outcome::derive(sc, nominal);
  for (const outcome::BodyOutcome& body : o.bodies) {
    BodySlot s{body.name.str(), body.body_class.str(), kNaN, kNaN};
    if (body.impact) {
      s.nominal_impact_lat_deg = body.impact->lat_deg;
      s.nominal_impact_lon_deg = body.impact->lon_deg;
    }
    slots.push_back(std::move(s));
  }
  return slots;
}

}  // namespace launchmc::engine
