// A user's named regions (notified danger zones, EEZs, shipping lanes, islands): one area per
// feature of a GeoJSON FeatureCollection of Polygons and MultiPolygons (holes allowed), named by
// its "name" property. Read with GDAL/OGR, so a shapefile or GeoPackage in lon/lat works too.
//
// Polygons across the antimeridian work in both encodings users meet: split at +-180 into a
// MultiPolygon (RFC 7946, section 3.1.9) and rings written with longitudes beyond 180 (e.g.
// 170..190). Edges are straight in lon/lat (RFC 7946, section 3.1.1), an edge is never taken to
// wrap the short way round: a ring 170 -> -170 spans 340 deg.
#pragma once

#include <string>
#include <vector>

#include "geo/area_classifier.hpp"
#include "geo/area_grid_index.hpp"

namespace launchmc::geo {

class RegionClassifier final : public AreaClassifier {
 public:
  // Throws std::runtime_error naming the file, the feature (features[i], 0-based, and its name)
  // and what was expected when the file cannot be read or a feature is not a valid lon/lat
  // polygon. A feature without a "name" property is named "feature i"; names must be unique.
  explicit RegionClassifier(const std::string& path);

  std::size_t size() const override { return names_.size(); }
  const std::string& name(std::size_t area) const override { return names_.at(area); }
  void classify(double lat_deg, double lon_deg, std::vector<std::size_t>& hits) const override;
  // The regions' rings as read (area index, vertices in file order: the outer ring of each
  // polygon first, then its holes), for drawing them (launchmc map --regions).
  const std::vector<AreaGridIndex::Ring>& rings() const noexcept { return rings_; }

 private:
  std::vector<std::string> names_;
  std::vector<AreaGridIndex::Ring> rings_;
  AreaGridIndex index_;
};

}  // namespace launchmc::geo
