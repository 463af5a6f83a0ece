// `launchmc map --kml FILE`: what the map shows, as vector layers in one KML file (Google Earth,
// QGIS), written through the GIS exports of `launchmc risk` (io/vector_export.hpp,
// io/risk_exports.hpp) so that both commands write the same layers the same way.
#pragma once

#include <filesystem>
#include <vector>

#include "io/vector_export.hpp"
#include "map/map_data.hpp"

namespace launchmc::map {

// The layers, in this order, each present when the map has something of it: "launch_site"
// (a point), "iip_track" (the nominal IIP track) and "iip_corridor" (its 99 % polygon), both as
// `risk --kml` writes them (io::iip_corridor_layers), "ellipses_95" (a polygon per body, as
// drawn), "contours" and "hazard_areas" (io::hazard_vector_layers of RiskAreas: the contours the
// map draws, every hazard area). Not clipped to the map's region.
std::vector<io::VectorLayer> map_vector_layers(const MapData& data);

// Writes them to `path` as KML (to a temporary renamed onto it: io::AtomicOutput). Returns the
// number of layers written. Throws std::runtime_error naming the file when GDAL fails.
std::size_t write_map_kml(const MapData& data, const std::filesystem::path& path);

}  // namespace launchmc::map
