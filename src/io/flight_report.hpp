// Reports of one flight: the JSON object of `fly --json`, the event table, and the HDF5 file of
// time histories. Key names of the JSON are a public interface (docs/json.md).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "flight/flight.hpp"

namespace launchmc::io {

// Collects time histories of the vehicle (id -1) and of each body (id k).
class HistoryRecorder : public flight::TrajectoryRecorder {
 public:
  struct Track {
    std::vector<double> t_s;
    std::vector<flight::State> states;
    std::vector<flight::Thrust> thrust;
  };
  // Throws std::length_error beyond max_points points in all (a history step far too small for
  // the flight: memory and file size would be unbounded).
  void record(int id, double t_s, const flight::State& state,
              const flight::Thrust& thrust) override;
  static constexpr std::size_t kMaxPoints = 5'000'000;  // ~0.5 GB in memory and in the file
  explicit HistoryRecorder(std::size_t max_points = kMaxPoints) : max_points_(max_points) {}
  const Track& vehicle() const noexcept { return vehicle_; }
  const std::vector<Track>& bodies() const noexcept { return bodies_; }

 private:
  Track vehicle_;
  std::vector<Track> bodies_;
  std::size_t max_points_;
  std::size_t points_ = 0;
};

nlohmann::json flight_to_json(const Scenario& scenario, const flight::FlightResult& result);

// Human-readable event table and orbit.
void print_flight_report(std::ostream& out, const Scenario& scenario,
                         const flight::FlightResult& result);

// Writes the file atomically (temporary file, then rename). Layout in docs/hdf5_format.md.
void write_flight_hdf5(const std::filesystem::path& path, const Scenario& scenario,
                       const flight::FlightResult& result, const HistoryRecorder& histories);

}  // namespace launchmc::io
