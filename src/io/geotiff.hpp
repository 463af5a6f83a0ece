// GeoTIFF export of lon/lat grids (the risk maps) with GDAL: float64 bands, one per named map,
// georeferenced by a north-up geotransform (west, step, 0, north, 0, -step) in EPSG:4326
// (WGS-84 lon/lat), band descriptions = the maps' names, nodata unset (0 is a value). Written to a
// temporary and renamed (io::AtomicOutput).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "risk/grid.hpp"

namespace launchmc::io {

struct GridBand {
  std::string name;
  std::vector<double> values;  // grid.cells(), row-major from the north-west cell
};

// Throws std::runtime_error naming the file when GDAL fails, std::invalid_argument for bands of
// the wrong size or none.
void write_geotiff(const std::filesystem::path& path, const risk::Grid& grid,
                   const std::vector<GridBand>& bands);

}  // namespace launchmc::io
