// Reports of one flight: the JSON object of `fly --json`, the event table, and the HDF5 file of
// time histories. Key names of the JSON are a public interface (docs/json.md).
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
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
  void record(int id, double t_s, const flight::State& state, const flight::Thrust& thrust) override;
  const Track& vehicle() const noexcept { return vehicle_; }
  const std::vector<Track>& bodies() const noexcept { return bodies_; }

 private:
  Track vehicle_;
  std::vector<Track> bodies_;
};

nlohmann::json flight_to_json(const Scenario& scenario, const flight::FlightResult& result);

// Human-readable event table and orbit.
void print_flight_report(std::ostream& out, const Scenario& scenario,
                         const flight::FlightResult& result);

// Writes the file atomically (temporary file, then rename). Layout in docs/hdf5_format.md.
void write_flight_hdf5(const std::filesystem::path& path, const Scenario& scenario,
                       const flight::FlightResult& result, const HistoryRecorder& histories);

}  // namespace launchmc::io
