// The per-sample record of a Monte Carlo run, as columns: one array per field, filled block by
// block by the workers, appended in sample order by the writer. Layout in docs/hdf5_format.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "flight/flight.hpp"

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
std::vector<std::pair<std::string, std::int8_t>> status_enum_members();

// Body fates (HDF5 enum `fate`): flight::BodyFate plus not_released.
inline constexpr std::int8_t kFateNotReleased = 4;
std::vector<std::pair<std::string, std::int8_t>> fate_enum_members();

// How the last powered phase ended (HDF5 enum `powered_flight_end`): flight::PoweredFlightEnd's
// names and codes.
std::vector<std::pair<std::string, std::int8_t>> powered_flight_end_enum_members();

// A jettisoned body of the nominal flight: samples record their bodies in these slots.
struct BodySlot {
  std::string name;
  std::string body_class;  // flight::BodyResult::body_class
  double nominal_impact_lat_deg;  // reference point of the dispersion statistics (NaN: none)
  double nominal_impact_lon_deg;
};

// Per-body columns.
struct BodyColumns {
  std::vector<std::int8_t> fate;
  std::vector<double> impact_lat_deg, impact_lon_deg, impact_time_s, impact_speed_mps,
      impact_flight_path_angle_deg;
};

// A block of consecutive samples [first, first + count).
struct Block {
  std::uint64_t index = 0;
  std::uint64_t first = 0;
  std::size_t count = 0;
  std::vector<std::vector<double>> drawn;  // [input column][row]
  std::vector<std::int8_t> status;
  std::vector<std::int8_t> failure_mode;
  std::vector<std::int8_t> powered_flight_end;  // flight::PoweredFlightEnd code (0: none)
  // Orbit at insertion (NaN unless status == orbit).
  std::vector<double> insertion_time_s, perigee_alt_m, apogee_alt_m, semi_major_axis_m,
      eccentricity, inclination_deg, raan_deg, arg_perigee_deg;
  // The vehicle's own flight.
  std::vector<double> max_q_Pa, apogee_alt_m_vehicle, range_m, flight_time_s,
      vehicle_impact_lat_deg, vehicle_impact_lon_deg;
  std::vector<std::int64_t> rhs_evaluations;
  std::vector<BodyColumns> bodies;

  void resize(std::size_t capacity, std::size_t n_drawn, std::size_t n_bodies);
};

// Writes sample `row` of `block` from a flight's result (the scenario gives body names).
void record_flight(const Scenario& scenario, const std::vector<BodySlot>& slots,
                   const flight::FlightResult& result, Block& block, std::size_t row);
// Marks sample `row` as not flown (invalid input).
void record_invalid(std::size_t n_bodies, Block& block, std::size_t row);

// Body slots from the nominal flight of the scenario.
std::vector<BodySlot> body_slots(const Scenario& nominal_scenario,
                                 const flight::FlightResult& nominal_result);

}  // namespace launchmc::engine
