// GeoTIFF export with GDAL (geotiff.hpp).
#include "io/geotiff.hpp"

#include <cpl_error.h>
#include <fmt/format.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include <array>
#include <stdexcept>

#include "io/output_file.hpp"

namespace launchmc::io {

void write_geotiff(const std::filesystem::path& path, const risk::Grid& grid,
                   const std::vector<GridBand>& bands) {
  for (const GridBand& b : bands)
    if (b.values.size() != grid.cells())
      throw std::invalid_argument(fmt::format("GeoTIFF {}: band '{}' has {} values, the grid {}",
                                              path.string(), b.name, b.values.size(),
                                              grid.cells()));
  std::vector<std::string> names;
  for (const GridBand& b : bands) names.push_back(b.name);
  write_geotiff(path, grid, names, [&](std::size_t i) { return bands[i].values; });
}

void write_geotiff(const std::filesystem::path& path, const risk::Grid& grid,
                   const std::vector<std::string>& band_names,
                   const std::function<std::vector<double>(std::size_t band)>& band_values) {
  if (band_names.empty()) throw std::invalid_argument("GeoTIFF " + path.string() + ": no band");
  GDALAllRegister();
  GDALDriverH driver = GDALGetDriverByName("GTiff");
  if (!driver) throw std::runtime_error("GDAL has no GTiff driver");
  AtomicOutput output(path);
  const auto fail = [&](const char* what) {
    throw std::runtime_error(
        fmt::format("GeoTIFF {}: {} ({})", path.string(), what, CPLGetLastErrorMsg()));
  };
  {
    char* options[] = {const_cast<char*>("COMPRESS=DEFLATE"), const_cast<char*>("TILED=YES"),
                       nullptr};
    CPLErrorReset();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALDatasetH ds = GDALCreate(driver, output.temporary().c_str(), static_cast<int>(grid.nx()),
                                 static_cast<int>(grid.ny()), static_cast<int>(band_names.size()),
                                 GDT_Float64, options);
    CPLPopErrorHandler();
    if (!ds) fail("cannot create it");
    std::array<double, 6> gt = {grid.west_deg(), grid.step_deg(), 0.0, grid.north_deg(), 0.0,
                                -grid.step_deg()};
    bool ok = GDALSetGeoTransform(ds, gt.data()) == CE_None;
    OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
    ok = ok && OSRImportFromEPSG(srs, 4326) == OGRERR_NONE;
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    ok = ok && GDALSetSpatialRef(ds, srs) == CE_None;
    OSRDestroySpatialReference(srs);
    for (std::size_t i = 0; ok && i < band_names.size(); ++i) {
      std::vector<double> values = band_values(i);
      if (values.size() != grid.cells()) {
        GDALClose(ds);
        throw std::invalid_argument(fmt::format("GeoTIFF {}: band '{}' has {} values, the grid {}",
                                                path.string(), band_names[i], values.size(),
                                                grid.cells()));
      }
      GDALRasterBandH band = GDALGetRasterBand(ds, static_cast<int>(i) + 1);
      GDALSetDescription(band, band_names[i].c_str());
      ok = GDALRasterIO(band, GF_Write, 0, 0, static_cast<int>(grid.nx()),
                        static_cast<int>(grid.ny()), values.data(), static_cast<int>(grid.nx()),
                        static_cast<int>(grid.ny()), GDT_Float64, 0, 0) == CE_None;
      // The band's tiles to the file now, so that GDAL's cache (by default 5 % of the RAM) does
      // not hold every band.
      ok = ok && GDALFlushRasterCache(band) == CE_None;
    }
    GDALClose(ds);
    if (CPLGetLastErrorType() >= CE_Failure) ok = false;
    if (!ok) fail("writing failed");
  }
  output.commit();
}

}  // namespace launchmc::io
