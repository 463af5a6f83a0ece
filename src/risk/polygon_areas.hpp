// Named polygons as a geo::AreaClassifier: the config's `report.regions` recorded in a run file
// (/report/regions) are the risk command's "regions" until user GeoJSON regions arrive, and tests
// draw their land and countries with it. Polygons as geo/polygon.hpp sees them (straight edges
// in lon/lat, even-odd rule, unwrapped about a reference longitude); a bounding box per polygon
// skips most tests. Linear in the number of polygons: meant for a handful.
#pragma once

#include <string>
#include <vector>

#include "geo/area_classifier.hpp"
#include "geo/polygon.hpp"

namespace launchmc::risk {

struct NamedPolygon {
  std::string name;
  std::vector<geo::GeoPoint> vertices;
};

class PolygonAreas final : public geo::AreaClassifier {
 public:
  // Longitudes are unwrapped about `ref_lon_deg` (e.g. the launch site's): a polygon must lie
  // within 180 deg of it. Throws std::invalid_argument for duplicate names or < 3 vertices.
  PolygonAreas(std::vector<NamedPolygon> polygons, double ref_lon_deg);
  std::size_t size() const override { return polygons_.size(); }
  const std::string& name(std::size_t area) const override { return polygons_.at(area).name; }
  void classify(double lat_deg, double lon_deg, std::vector<std::size_t>& hits) const override;

 private:
  struct Box {
    double lat0, lat1, lon0, lon1;  // unwrapped
  };
  std::vector<NamedPolygon> polygons_;
  std::vector<Box> boxes_;
  double ref_lon_deg_;
};

}  // namespace launchmc::risk
