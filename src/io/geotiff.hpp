// GeoTIFF export of lon/lat grids (the risk maps) with GDAL: float64 bands, one per named map,
// georeferenced by a north-up geotransform (west, step, 0, north, 0, -step) in EPSG:4326
// (WGS-84 lon/lat), band descriptions = the maps' names, nodata unset (0 is a value). Written to a
// temporary and renamed (io::AtomicOutput).
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
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
// The same with band i's values made by band_values(i) when it is written and freed after: one
// dense band in memory at a time (a world-wide 0.05 deg grid is 26 M cells, 207 MB a band), and
// GDAL's block cache flushed after each band.
void write_geotiff(const std::filesystem::path& path, const risk::Grid& grid,
                   const std::vector<std::string>& band_names,
                   const std::function<std::vector<double>(std::size_t band)>& band_values);

}  // namespace launchmc::io
