// Every impact point of a block of run rows, in one walk: the nominal bodies' slots, the vehicle,
// the other bodies and the breakup fragments of each row, in that order. The readers of impacts
// (the risk reducer, the risk command's impact box, the map) share this walk instead of each
// spelling out the columns and the ragged tables' row ends.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "engine/columns.hpp"
#include "engine/outcome.hpp"
#include "flight/flight.hpp"

namespace launchmc::engine {

struct Impact {
  enum class Kind { body, vehicle, other_body, fragment };
  Kind kind = Kind::body;
  std::size_t row = 0;    // in the block (the run's row is block.first + row)
  std::size_t index = 0;  // body: its slot; other body, fragment: its place among the row's
  std::size_t entry = 0;  // other body, fragment: its entry in the block's ragged table
  double lat_deg = 0, lon_deg = 0;
  double weight = 1.0;            // other bodies and fragments carry their own; 1 otherwise
  double casualty_area_m2 = 0.0;  // a fragment's own (0: none given); 0 for the others
};

// Calls visitor(const Impact&) for every impact of `block`, row by row; a visitor with
// begin_row(r) / end_row(r) members has them called around each row's impacts (rows without any
// impact included). A body counts when its fate is impact, the vehicle when its impact point is
// finite.
template <class Visitor>
void for_each_impact(const Block& b, Visitor&& visitor) {
  static const std::size_t c_vlat = sample_column("vehicle_impact_lat_deg"),
                           c_vlon = sample_column("vehicle_impact_lon_deg"),
                           c_fate = body_column("fate"), c_lat = body_column("impact_lat_deg"),
                           c_lon = body_column("impact_lon_deg"),
                           o_fate = other_body_column("fate"),
                           o_lat = other_body_column("impact_lat_deg"),
                           o_lon = other_body_column("impact_lon_deg"),
                           o_weight = other_body_column("weight"), f_fate = fragment_column("fate"),
                           f_lat = fragment_column("impact_lat_deg"),
                           f_lon = fragment_column("impact_lon_deg"),
                           f_weight = fragment_column("weight"),
                           f_area = fragment_column("casualty_area_m2");
  constexpr double kImpact = static_cast<double>(flight::BodyFate::impact);
  const RaggedBodies& ob = b.other_bodies;
  const RaggedBodies& fr = b.fragments;
  std::size_t o_entry = 0, f_entry = 0;
  Impact i;
  for (std::size_t r = 0; r < b.count; ++r) {
    if constexpr (requires { visitor.begin_row(r); }) visitor.begin_row(r);
    i.row = r;
    i.kind = Impact::Kind::body;
    i.weight = 1.0;
    i.casualty_area_m2 = 0.0;
    i.entry = 0;
    for (std::size_t s = 0; s < b.bodies.size(); ++s) {
      const auto& cols = b.bodies[s];
      if (cols[c_fate][r] != kImpact) continue;
      i.index = s;
      i.lat_deg = cols[c_lat][r];
      i.lon_deg = cols[c_lon][r];
      visitor(std::as_const(i));
    }
    const double vlat = b.sample[c_vlat][r], vlon = b.sample[c_vlon][r];
    if (std::isfinite(vlat) && std::isfinite(vlon)) {
      i.kind = Impact::Kind::vehicle;
      i.index = 0;
      i.lat_deg = vlat;
      i.lon_deg = vlon;
      visitor(std::as_const(i));
    }
    // The ragged tables: a row's entries end at row_end[r] (a table without row ends: none).
    i.kind = Impact::Kind::other_body;
    const std::size_t o_end = ob.row_end.size() > r ? static_cast<std::size_t>(ob.row_end[r]) : 0;
    for (std::size_t first = o_entry; o_entry < o_end; ++o_entry) {
      if (ob.columns[o_fate][o_entry] != kImpact) continue;
      i.index = o_entry - first;
      i.entry = o_entry;
      i.lat_deg = ob.columns[o_lat][o_entry];
      i.lon_deg = ob.columns[o_lon][o_entry];
      i.weight = ob.columns[o_weight][o_entry];
      visitor(std::as_const(i));
    }
    i.kind = Impact::Kind::fragment;
    const std::size_t f_end = fr.row_end.size() > r ? static_cast<std::size_t>(fr.row_end[r]) : 0;
    for (std::size_t first = f_entry; f_entry < f_end; ++f_entry) {
      if (fr.columns[f_fate][f_entry] != kImpact) continue;
      i.index = f_entry - first;
      i.entry = f_entry;
      i.lat_deg = fr.columns[f_lat][f_entry];
      i.lon_deg = fr.columns[f_lon][f_entry];
      i.weight = fr.columns[f_weight][f_entry];
      i.casualty_area_m2 = fr.columns[f_area][f_entry];
      visitor(std::as_const(i));
    }
    if constexpr (requires { visitor.end_row(r); }) visitor.end_row(r);
  }
}

}  // namespace launchmc::engine
