// The per-sample record of a Monte Carlo run, as columns (engine/columns.hpp): one array per
// column, filled block by block by the workers, appended in sample order by the writer. Layout in
// docs/hdf5_format.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/label.hpp"
#include "flight/flight.hpp"
#include "outcome/flight_outcome.hpp"

namespace launchmc::engine {

// Outcome status codes (HDF5 enum `status`). Stable: files and scripts depend on them.
enum class SampleStatus : std::int8_t {
  orbit = 0,
  suborbital = 1,
  crash = 2,
  integration_failure = 3,
  time_limit = 4,
  invalid_input = 5,  // a drawn input was not physical (e.g. negative mass): not flown
};
inline constexpr int kStatusCount = 6;
const char* to_string(SampleStatus s) noexcept;

// Body fates (HDF5 enum `fate`): flight::BodyFate plus not_released.
inline constexpr std::int8_t kFateNotReleased = 4;

// A released body of the nominal flight: samples record their bodies in these slots (by name);
// bodies a sample releases that the nominal flight did not go to the ragged table of other bodies.
struct BodySlot {
  std::string name;
  std::string body_class;         // flight::BodyResult::body_class
  double nominal_impact_lat_deg;  // reference point of the dispersion statistics (NaN: none)
  double nominal_impact_lon_deg;
};

// Entries of varying number per row (offsets + flat columns): the bodies of a sample that have no
// slot. Row r's entries are [row_end[r - 1], row_end[r]) (row_end[-1] = 0).
struct RaggedBodies {
  std::vector<std::uint64_t> row_end;        // [row]
  std::vector<std::vector<double>> columns;  // [other_body_columns()][entry]
  std::vector<Label> names, classes;         // [entry]
  std::size_t entries() const noexcept { return names.size(); }
};

// The IIP tracks of a block's rows (offsets + flat columns, as RaggedBodies): row r's points are
// [row_end[r - 1], row_end[r]). Storage for points_per_row points per row is reserved by
// Block::resize, so recording never allocates; a longer track is cut there (its later points
// dropped): see iip_points_per_row.
struct RaggedIip {
  std::vector<std::uint64_t> row_end;        // [row]
  std::vector<std::vector<double>> columns;  // [iip_columns()][entry]
  std::size_t points_per_row = 0;
  std::size_t entries() const noexcept { return columns.empty() ? 0 : columns[0].size(); }
};

// Capacity per row of the IIP table for a run whose nominal flight recorded `nominal_points`
// points: twice as many, plus 16 (dispersed samples burn a few percent longer at most).
std::size_t iip_points_per_row(std::size_t nominal_points) noexcept;

// A block of consecutive rows [first, first + count) of a run.
struct Block {
  std::uint64_t index = 0;
  std::uint64_t first = 0;
  std::size_t count = 0;
  std::vector<std::uint64_t> stream;  // [row]: the stream index of its draws
  // [row]: its failure stratum (engine/strata.hpp; 0 when not stratified). Set by the engine
  // beside `stream`; record_flight and record_invalid leave it alone.
  std::vector<std::uint8_t> stratum;
  std::vector<std::vector<double>> drawn;                // [input][row]
  std::vector<std::vector<double>> sample;               // [sample_columns()][row]
  std::vector<std::vector<std::vector<double>>> bodies;  // [slot][body_columns()][row]
  RaggedBodies other_bodies;
  RaggedIip iip;
  // The bodies of breakups (fragments and intact pieces), with fragment_columns(); names unused.
  RaggedBodies fragments;

  // iip_points: RaggedIip::points_per_row (0: no IIP points are recorded).
  // `fragments_per_sample`: most breakup bodies a sample can have (flight::max_breakup_bodies;
  // 0 without breakup failure modes): the fragment table is reserved for a block of them.
  void resize(std::size_t capacity, std::size_t n_drawn, std::size_t n_slots,
              std::size_t iip_points = 0, std::size_t fragments_per_sample = 0);
  // A sample column by name (tests, tools); the engine resolves indices once instead.
  std::vector<double>& column(std::string_view name);
  const std::vector<double>& column(std::string_view name) const;
  const std::vector<double>& body_column(std::size_t slot, std::string_view name) const;
  std::vector<double>& body_column(std::size_t slot, std::string_view name);
  // Starts the ragged tables afresh (row_end sized to the capacity), keeping their storage.
  void clear_other_bodies() noexcept;
};

// Writes row `row` of `block` from a flight's derived outcome; bodies match the slots by name,
// the others go to the ragged table (in their order of release). Rows must be recorded in order.
// No allocation once the block's buffers have grown to the run's needs.
void record_flight(const std::vector<BodySlot>& slots, const outcome::FlightOutcome& o,
                   std::uint64_t stream, Block& block, std::size_t row);
// Marks row `row` as not flown (invalid input): every column at its fill value.
void record_invalid(std::size_t n_slots, std::uint64_t stream, Block& block, std::size_t row);

// Body slots from the nominal flight of the scenario.
std::vector<BodySlot> body_slots(const Scenario& nominal_scenario,
                                 const flight::FlightResult& nominal_result);

}  // namespace launchmc::engine
