// Population-density raster read with GDAL (population.hpp).
#include "risk/population.hpp"

#include <cpl_error.h>
#include <fmt/format.h>
#include <gdal.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <vector>

namespace launchmc::risk {

namespace {

struct DatasetCloser {
  void operator()(void* d) const noexcept { GDALClose(static_cast<GDALDatasetH>(d)); }
};

[[noreturn]] void refuse(const std::filesystem::path& path, const std::string& why) {
  throw std::runtime_error(fmt::format("population raster '{}': {}", path.string(), why));
}

}  // namespace

PopulationRaster::PopulationRaster(const std::filesystem::path& path) : source_(path.string()) {
  GDALAllRegister();
  CPLPushErrorHandler(CPLQuietErrorHandler);
  std::unique_ptr<void, DatasetCloser> ds(GDALOpen(path.c_str(), GA_ReadOnly));
  CPLPopErrorHandler();
  if (!ds) {
    const char* msg = CPLGetLastErrorMsg();
    refuse(path,
           fmt::format("GDAL cannot read it ({})", msg && *msg ? msg : "not a raster GDAL knows"));
  }
  auto* h = static_cast<GDALDatasetH>(ds.get());
  if (GDALGetRasterCount(h) < 1) refuse(path, "it has no raster band");
  std::array<double, 6> gt{};
  if (GDALGetGeoTransform(h, gt.data()) != CE_None)
    refuse(path, "it has no geotransform (georeferencing)");
  if (gt[2] != 0.0 || gt[4] != 0.0 || !(gt[1] > 0.0) || !(gt[5] < 0.0))
    refuse(path, "its geotransform is rotated or not north-up (a lon/lat grid is expected)");
  const auto nx = static_cast<std::size_t>(GDALGetRasterXSize(h));
  const auto ny = static_cast<std::size_t>(GDALGetRasterYSize(h));
  if (nx == 0 || ny == 0 || static_cast<double>(nx) * static_cast<double>(ny) > 2147483647.0)
    refuse(path, fmt::format("{} x {} cells: empty or too large", nx, ny));
  GDALRasterBandH band = GDALGetRasterBand(h, 1);
  int has_nodata = 0;
  const double nodata = GDALGetRasterNoDataValue(band, &has_nodata);
  density_.resize(nx * ny);
  if (GDALRasterIO(band, GF_Read, 0, 0, static_cast<int>(nx), static_cast<int>(ny), density_.data(),
                   static_cast<int>(nx), static_cast<int>(ny), GDT_Float32, 0, 0) != CE_None)
    refuse(path, fmt::format("reading band 1 failed ({})", CPLGetLastErrorMsg()));
  const auto nodata_f = static_cast<float>(nodata);
  for (float& v : density_)
    if (!(v >= 0.0f) || (has_nodata && v == nodata_f)) v = 0.0f;
  west_ = gt[0];
  north_ = gt[3];
  dx_ = gt[1];
  dy_ = -gt[5];
  nx_ = nx;
  ny_ = ny;
}

PopulationRaster::PopulationRaster(double west_deg, double north_deg, double dx_deg, double dy_deg,
                                   std::size_t nx, std::size_t ny,
                                   std::vector<float> density_per_km2)
    : west_(west_deg),
      north_(north_deg),
      dx_(dx_deg),
      dy_(dy_deg),
      nx_(nx),
      ny_(ny),
      density_(std::move(density_per_km2)),
      source_("(values)") {
  if (density_.size() != nx * ny || !(dx_ > 0) || !(dy_ > 0))
    throw std::invalid_argument("PopulationRaster: values do not match nx x ny, or bad cell size");
}

double PopulationRaster::density_per_km2(double lat_deg, double lon_deg) const noexcept {
  const double y = (north_ - lat_deg) / dy_;
  if (!(y >= 0.0) || y >= static_cast<double>(ny_)) return 0.0;
  double x = std::fmod(lon_deg - west_, 360.0);
  if (x < 0) x += 360.0;
  x /= dx_;
  if (!(x >= 0.0) || x >= static_cast<double>(nx_)) return 0.0;
  return density_[static_cast<std::size_t>(y) * nx_ + static_cast<std::size_t>(x)];
}

double PopulationRaster::max_density_per_km2(double west_deg, double south_deg, double east_deg,
                                             double north_deg) const noexcept {
  // Columns whose span [west_ + j dx, west_ + (j + 1) dx] meets the box, modulo 360.
  const double width = east_deg >= west_deg ? east_deg - west_deg : east_deg + 360.0 - west_deg;
  const auto wrap = [](double d) {
    d = std::fmod(d, 360.0);
    return d < 0 ? d + 360.0 : d;
  };
  std::vector<char> column(nx_, 0);
  for (std::size_t j = 0; j < nx_; ++j) {
    // The column's west edge measured east of the box's west edge, in [0, 360).
    const double from_west = wrap(west_ + static_cast<double>(j) * dx_ - west_deg);
    column[j] = width >= 360.0 || from_west <= width || from_west + dx_ >= 360.0;
  }
  double max = 0.0;
  for (std::size_t i = 0; i < ny_; ++i) {
    const double row_north = north_ - static_cast<double>(i) * dy_;
    if (row_north - dy_ > north_deg || row_north < south_deg) continue;
    for (std::size_t j = 0; j < nx_; ++j)
      if (column[j]) max = std::max(max, static_cast<double>(density_[i * nx_ + j]));
  }
  return max;
}

}  // namespace launchmc::risk
