// The containment contours and hazard areas of the risk command (risk/hazard_areas.hpp) in the
// run file (/risk/contours, /risk/hazard_areas: docs/hdf5_format.md), in `risk --json`
// (docs/json.md) and in the terminal text.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/hdf5_file.hpp"
#include "risk/hazard_areas.hpp"

namespace launchmc::io {

// Polygons of several entries as ragged arrays in `g`: polygon_end [entries] (end of each
// entry's polygons), ring_end [polygons] (end of each polygon's rings; its first ring is the
// outer one), point_end [rings], lon_deg, lat_deg [points] (rings not closed: the last point joins
// the first).
void write_polygon_set(h5::Group& g, const std::vector<const std::vector<risk::Polygon>*>& entries);
// The inverse, for readers and tests: polygons per entry.
std::vector<std::vector<risk::Polygon>> read_polygon_set(const h5::Group& g);

// Writes /risk/contours and /risk/hazard_areas into the /risk group `risk`.
void write_hazard_areas(h5::Group& risk, const risk::HazardAreas& hazards,
                        risk::Bandwidth bandwidth);
// The inverse, for readers of a run file (`launchmc map`): a footprint per group with entries in
// /risk/contours (named and kinded from /risk/groups, levels in the file's order, the stored
// columns filled in; expected pieces and flights, not stored there, stay 0), the ships' and the
// aircraft hazard areas (all the attributes the writer stores). Throws std::runtime_error naming
// the dataset for columns of different lengths or group indices outside /risk/groups; the caller
// names the file.
risk::HazardAreas read_hazard_areas(const h5::Group& risk);

// The keys "footprints" and "hazard_areas" of `risk --json`.
void add_hazard_areas_json(nlohmann::json& j, const risk::HazardAreas& hazards);

// Lines for the terminal.
std::string hazard_areas_text(const risk::HazardAreas& hazards);

}  // namespace launchmc::io
