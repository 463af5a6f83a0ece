// A population-density raster for the expected casualties: persons per km^2 on a north-up
// lon/lat grid (EPSG:4326), as GPW and GHS-POP distribute it (GeoTIFF or ESRI ASCII grid), read
// whole with GDAL. Cells with the raster's nodata value, negative or NaN values, and points
// outside the raster have density 0 (sea, no data). Memory: 4 bytes per raster cell.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace launchmc::risk {

class PopulationRaster {
 public:
  // Reads band 1 of `path`. Throws std::runtime_error naming the file when GDAL cannot open it,
  // it has no band, its geotransform is rotated or not north-up, or it is larger than 2^31 cells.
  explicit PopulationRaster(const std::filesystem::path& path);
  // A raster from values (row 0 north, density [1/km^2]): tests, and a uniform density.
  PopulationRaster(double west_deg, double north_deg, double dx_deg, double dy_deg, std::size_t nx,
                   std::size_t ny, std::vector<float> density_per_km2);

  // Persons per km^2 at a geodetic point (longitude wrapped into the raster's 360 deg).
  double density_per_km2(double lat_deg, double lon_deg) const noexcept;
  // The largest density of the raster's cells that overlap the box [west, east] x [south, north]
  // (longitudes taken modulo 360; west > east: the box crosses the antimeridian) [1/km^2]: the
  // bound on the density a piece can meet there, for the expected casualties' interval when no
  // sampled piece met a populated cell.
  double max_density_per_km2(double west_deg, double south_deg, double east_deg,
                             double north_deg) const noexcept;
  const std::string& source() const noexcept { return source_; }
  // What the raster is, for files and reports (a built raster's default is "(values)").
  void set_source(std::string source) { source_ = std::move(source); }
  std::size_t nx() const noexcept { return nx_; }
  std::size_t ny() const noexcept { return ny_; }

 private:
  double west_ = 0, north_ = 0, dx_ = 1, dy_ = 1;  // dy > 0: rows go south
  std::size_t nx_ = 0, ny_ = 0;
  std::vector<float> density_;
  std::string source_;
};

}  // namespace launchmc::risk
