// Blocks of rows with impacts placed by hand, for the risk reducer's tests: each row has its
// failure mode, stratum and a list of impacts (a nominal body's, the vehicle's, a fragment's with
// its class, pieces and casualty area), written into the columns the run writes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/columns.hpp"
#include "engine/outcome.hpp"
#include "engine/reducer.hpp"
#include "flight/flight.hpp"

namespace launchmc::risk_test {

struct Impact {
  enum Kind { body, vehicle, fragment } kind = body;
  std::size_t slot = 0;  // body
  std::string cls;       // fragment
  double lat = 0, lon = 0;
  double pieces = 1;   // fragment: /fragments/weight
  double area_m2 = 0;  // fragment: casualty area (0: not given)
};

struct Row {
  int mode = -1;
  std::uint8_t stratum = 0;
  std::vector<Impact> impacts;
};

inline engine::Block make_block(std::uint64_t first, const std::vector<Row>& rows,
                                std::size_t n_slots) {
  engine::Block b;
  b.resize(rows.size(), 0, n_slots);
  b.first = first;
  b.count = rows.size();
  const std::size_t mode = engine::sample_column("failure_mode"),
                    vlat = engine::sample_column("vehicle_impact_lat_deg"),
                    vlon = engine::sample_column("vehicle_impact_lon_deg"),
                    fate = engine::body_column("fate"), lat = engine::body_column("impact_lat_deg"),
                    lon = engine::body_column("impact_lon_deg");
  const auto fcols = engine::fragment_columns();
  constexpr double kImpact = static_cast<double>(flight::BodyFate::impact);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    b.stratum[r] = rows[r].stratum;
    b.sample[mode][r] = rows[r].mode;
    for (std::size_t s = 0; s < n_slots; ++s) b.bodies[s][fate][r] = engine::kFateNotReleased;
    for (const Impact& i : rows[r].impacts) {
      if (i.kind == Impact::body) {
        b.bodies[i.slot][fate][r] = kImpact;
        b.bodies[i.slot][lat][r] = i.lat;
        b.bodies[i.slot][lon][r] = i.lon;
      } else if (i.kind == Impact::vehicle) {
        b.sample[vlat][r] = i.lat;
        b.sample[vlon][r] = i.lon;
      } else {
        for (std::size_t c = 0; c < fcols.size(); ++c) {
          const std::string_view n = fcols[c].name;
          double v = 0;
          if (n == "fate")
            v = kImpact;
          else if (n == "impact_lat_deg")
            v = i.lat;
          else if (n == "impact_lon_deg")
            v = i.lon;
          else if (n == "weight")
            v = i.pieces;
          else if (n == "casualty_area_m2")
            v = i.area_m2;
          b.fragments.columns[c].push_back(v);
        }
        b.fragments.names.emplace_back(i.cls);
        b.fragments.classes.emplace_back(i.cls);
      }
    }
    b.fragments.row_end[r] = b.fragments.names.size();
  }
  return b;
}

// A reducer's saved state, captured for bit-for-bit comparison and restore.
class MemoryState final : public engine::StateWriter, public engine::StateReader {
 public:
  void put(std::string_view name, std::span<const double> v) override {
    doubles_[std::string(name)].assign(v.begin(), v.end());
  }
  void put(std::string_view name, std::span<const std::uint64_t> v) override {
    counts_[std::string(name)].assign(v.begin(), v.end());
  }
  std::vector<double> doubles(std::string_view name) const override {
    return doubles_.at(std::string(name));
  }
  std::vector<std::uint64_t> counts(std::string_view name) const override {
    return counts_.at(std::string(name));
  }
  bool operator==(const MemoryState& o) const {
    if (counts_ != o.counts_ || doubles_.size() != o.doubles_.size()) return false;
    for (const auto& [k, v] : doubles_) {  // bitwise (NaN-safe)
      const auto it = o.doubles_.find(k);
      if (it == o.doubles_.end() || it->second.size() != v.size()) return false;
      for (std::size_t i = 0; i < v.size(); ++i)
        if (std::bit_cast<std::uint64_t>(v[i]) != std::bit_cast<std::uint64_t>(it->second[i]))
          return false;
    }
    return true;
  }

 private:
  std::map<std::string, std::vector<double>> doubles_;
  std::map<std::string, std::vector<std::uint64_t>> counts_;
};

}  // namespace launchmc::risk_test
