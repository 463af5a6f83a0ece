// Named polygons as an area classifier (polygon_areas.hpp).
#include "risk/polygon_areas.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace launchmc::risk {

PolygonAreas::PolygonAreas(std::vector<NamedPolygon> polygons, double ref_lon_deg)
    : polygons_(std::move(polygons)), ref_lon_deg_(ref_lon_deg) {
  std::set<std::string> names;
  for (const NamedPolygon& p : polygons_) {
    if (p.vertices.size() < 3)
      throw std::invalid_argument("area '" + p.name + "': a polygon needs 3 vertices or more");
    if (!names.insert(p.name).second)
      throw std::invalid_argument("area '" + p.name + "': the name is used twice");
    Box b{90, -90, 1e9, -1e9};
    for (const geo::GeoPoint& v : p.vertices) {
      const double x = geo::unwrap_deg(v.lon_deg, ref_lon_deg_);
      b.lat0 = std::min(b.lat0, v.lat_deg);
      b.lat1 = std::max(b.lat1, v.lat_deg);
      b.lon0 = std::min(b.lon0, x);
      b.lon1 = std::max(b.lon1, x);
    }
    boxes_.push_back(b);
  }
}

void PolygonAreas::classify(double lat_deg, double lon_deg, std::vector<std::size_t>& hits) const {
  hits.clear();
  const double x = geo::unwrap_deg(lon_deg, ref_lon_deg_);
  for (std::size_t i = 0; i < polygons_.size(); ++i) {
    const Box& b = boxes_[i];
    if (lat_deg < b.lat0 || lat_deg > b.lat1 || x < b.lon0 || x > b.lon1) continue;
    if (geo::inside_polygon(polygons_[i].vertices, lat_deg, lon_deg, ref_lon_deg_))
      hits.push_back(i);
  }
}

}  // namespace launchmc::risk
