// User regions from a GeoJSON file (see region_classifier.hpp).
#include "geo/region_classifier.hpp"

#include <gdal.h>
#include <ogr_api.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

namespace launchmc::geo {

namespace {

// GDAL prints its errors to stderr by default; while reading, they are only recorded (and put in
// our messages through CPLGetLastErrorMsg).
class QuietGdalErrors {
 public:
  QuietGdalErrors() { CPLPushErrorHandler(CPLQuietErrorHandler); }
  ~QuietGdalErrors() { CPLPopErrorHandler(); }
  QuietGdalErrors(const QuietGdalErrors&) = delete;
  QuietGdalErrors& operator=(const QuietGdalErrors&) = delete;
};

struct DatasetCloser {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};

std::string describe(std::size_t index, const std::string& name) {
  return "features[" + std::to_string(index) + "]" + (name.empty() ? "" : " (\"" + name + "\")");
}

}  // namespace

RegionClassifier::RegionClassifier(const std::string& path) {
  GDALAllRegister();
  const auto fail = [&](const std::string& what) {
    return std::runtime_error("regions file " + path + ": " + what);
  };
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw fail("no such file");
  const QuietGdalErrors quiet;
  CPLErrorReset();
  // A .geojson or .json file goes to GDAL's GeoJSON driver alone, which then says what is wrong
  // with the JSON (instead of "not recognized as a supported file format"); other extensions
  // (.shp, .gpkg, ...) go to whichever driver recognises them.
  const std::string ext = std::filesystem::path(path).extension().string();
  const char* const geojson_only[] = {"GeoJSON", nullptr};
  const bool is_json = ext == ".geojson" || ext == ".json" || ext == ".GEOJSON" || ext == ".JSON";
  std::unique_ptr<GDALDataset, DatasetCloser> dataset(
      GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                        is_json ? geojson_only : nullptr, nullptr, nullptr));
  if (!dataset && is_json) {
    // Say where the JSON is broken, which GDAL does not.
    std::ifstream in(path);
    try {
      const nlohmann::json parsed = nlohmann::json::parse(in);
      (void)parsed;
    } catch (const nlohmann::json::exception& e) {  // a parse error, or a number out of range
      throw fail(std::string("is not valid JSON (a GeoJSON FeatureCollection was expected): ") +
                 e.what());
    }
  }
  if (!dataset) {
    throw fail(std::string("cannot be read as GeoJSON (a FeatureCollection of Polygon and "
                           "MultiPolygon features was expected): ") +
               CPLGetLastErrorMsg());
  }
  if (dataset->GetLayerCount() != 1) {
    throw fail("has " + std::to_string(dataset->GetLayerCount()) +
               " layers; one FeatureCollection was expected");
  }
  OGRLayer* layer = dataset->GetLayer(0);
  if (const OGRSpatialReference* srs = layer->GetSpatialRef();
      srs != nullptr && !srs->IsGeographic()) {
    throw fail("is in a projected coordinate system; longitude/latitude (WGS-84) was expected");
  }

  std::vector<AreaGridIndex::Ring> rings;
  std::set<std::string> seen;
  double lat_min = 90.0, lat_max = -90.0, lon_min = 180.0, lon_max = -180.0;
  std::size_t index = 0;
  layer->ResetReading();
  for (OGRFeature* raw = layer->GetNextFeature(); raw != nullptr;
       raw = layer->GetNextFeature(), ++index) {
    const std::unique_ptr<OGRFeature> feature(raw);
    std::string name;
    const int name_field = feature->GetFieldIndex("name");
    if (name_field >= 0 && feature->IsFieldSetAndNotNull(name_field)) {
      name = feature->GetFieldAsString(name_field);
    }
    const std::string where = describe(index, name);
    if (name.empty()) name = "feature " + std::to_string(index);
    if (!seen.insert(name).second) {
      throw fail(where + ": the name \"" + name +
                 "\" is used by an earlier feature; region names "
                 "must be unique");
    }
    const OGRGeometry* geometry = feature->GetGeometryRef();
    if (geometry == nullptr)
      throw fail(where + ": no geometry; a Polygon or MultiPolygon was expected");
    std::vector<const OGRPolygon*> polygons;
    switch (wkbFlatten(geometry->getGeometryType())) {
      case wkbPolygon:
        polygons.push_back(geometry->toPolygon());
        break;
      case wkbMultiPolygon:
        for (const OGRPolygon* p : *geometry->toMultiPolygon()) polygons.push_back(p);
        break;
      default:
        throw fail(where + ": geometry is a " +
                   OGRGeometryTypeToName(wkbFlatten(geometry->getGeometryType())) +
                   "; a Polygon or MultiPolygon was expected");
    }
    const std::size_t area = names_.size();
    const std::size_t rings_before = rings.size();
    for (std::size_t p = 0; p < polygons.size(); ++p) {
      std::size_t ring_number = 0;
      for (const OGRLinearRing* ring : *polygons[p]) {
        const std::string ring_where =
            where + ", polygon " + std::to_string(p) + ", ring " + std::to_string(ring_number++);
        if (ring->getNumPoints() < 4) {
          throw fail(ring_where + ": " + std::to_string(ring->getNumPoints()) +
                     " positions; a closed ring of at least 4 was expected");
        }
        AreaGridIndex::Ring r{area, {}};
        for (const OGRPoint& point : *ring) {
          const double lon = point.getX(), lat = point.getY();
          if (!std::isfinite(lon) || !std::isfinite(lat) || lat < -90.0 || lat > 90.0 ||
              lon < -540.0 || lon > 540.0) {
            throw fail(ring_where + ": position [" + std::to_string(lon) + ", " +
                       std::to_string(lat) +
                       "] is not [longitude, latitude] in degrees (latitude within +-90)");
          }
          r.vertices.push_back({lat, lon});
          lat_min = std::min(lat_min, lat);
          lat_max = std::max(lat_max, lat);
          lon_min = std::min(lon_min, lon);
          lon_max = std::max(lon_max, lon);
        }
        rings.push_back(std::move(r));
      }
    }
    // An empty Polygon or MultiPolygon ("coordinates": []) is valid GeoJSON but bounds nothing.
    if (rings.size() == rings_before)
      throw fail(where + ": an empty " +
                 OGRGeometryTypeToName(wkbFlatten(geometry->getGeometryType())) +
                 "; a polygon with at least an outer ring was expected");
    names_.push_back(name);
  }
  if (names_.empty()) throw fail("has no features; at least one Polygon feature was expected");

  // The index covers the regions' latitudes and, when they stay within [-180, 180] and span less
  // than half the globe, their longitudes; otherwise the whole circle (rings beyond 180 are
  // shifted copies there).
  const double pad = 1e-6 + 0.01 * (lat_max - lat_min);
  LonLatBox box{-180.0, std::max(-90.0, lat_min - pad), 180.0, std::min(90.0, lat_max + pad)};
  const double lon_pad = 1e-6 + 0.01 * (lon_max - lon_min);
  if (lon_min - lon_pad >= -180.0 && lon_max + lon_pad <= 180.0 && lon_max - lon_min < 180.0) {
    box.west_deg = lon_min - lon_pad;
    box.east_deg = lon_max + lon_pad;
  }
  if (!(box.north_deg > box.south_deg)) box.north_deg = box.south_deg + 1e-6;
  index_ = AreaGridIndex::from_rings(box, names_.size(), rings);
  rings_ = std::move(rings);
}

void RegionClassifier::classify(double lat_deg, double lon_deg,
                                std::vector<std::size_t>& hits) const {
  index_.classify(lat_deg, lon_deg, hits);
}

}  // namespace launchmc::geo
