// Lines and polygons on the map (see polygon.hpp).
#include "geo/polygon.hpp"

#include <algorithm>
#include <cmath>

namespace launchmc::geo {

double unwrap_deg(double lon_deg, double ref_deg) noexcept {
  return ref_deg + (lon_deg - ref_deg) - 360.0 * std::floor((lon_deg - ref_deg + 180.0) / 360.0);
}

double segment_hit(double px0, double py0, double px1, double py1, double qx0, double qy0,
                   double qx1, double qy1) noexcept {
  const double rx = px1 - px0, ry = py1 - py0, sx = qx1 - qx0, sy = qy1 - qy0;
  const double den = rx * sy - ry * sx;
  if (den == 0.0) return std::nan("");
  const double wx = qx0 - px0, wy = qy0 - py0;
  const double s = (wx * sy - wy * sx) / den;
  const double u = (wx * ry - wy * rx) / den;
  if (s < 0.0 || s > 1.0 || u < 0.0 || u > 1.0) return std::nan("");
  return s;
}

bool inside_polygon(std::span<const GeoPoint> polygon, double lat_deg, double lon_deg,
                    double ref_lon_deg) noexcept {
  const double x = unwrap_deg(lon_deg, ref_lon_deg), y = lat_deg;
  bool in = false;
  const std::size_t n = polygon.size();
  if (n == 0) return false;
  for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
    const double xi = unwrap_deg(polygon[i].lon_deg, ref_lon_deg), yi = polygon[i].lat_deg;
    const double xj = unwrap_deg(polygon[j].lon_deg, ref_lon_deg), yj = polygon[j].lat_deg;
    if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) in = !in;
  }
  return in;
}

double polygon_margin_deg(std::span<const GeoPoint> polygon, double lat_deg, double lon_deg,
                          double ref_lon_deg) noexcept {
  const std::size_t n = polygon.size();
  if (n == 0) return -1.0;
  const double x = unwrap_deg(lon_deg, ref_lon_deg), y = lat_deg;
  double d2 = INFINITY;
  for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
    const double xi = unwrap_deg(polygon[i].lon_deg, ref_lon_deg), yi = polygon[i].lat_deg;
    const double xj = unwrap_deg(polygon[j].lon_deg, ref_lon_deg), yj = polygon[j].lat_deg;
    // Distance to the segment j -> i: the foot of the perpendicular clamped to the segment.
    const double ex = xi - xj, ey = yi - yj;
    const double len2 = ex * ex + ey * ey;
    const double s =
        len2 > 0.0 ? std::clamp(((x - xj) * ex + (y - yj) * ey) / len2, 0.0, 1.0) : 0.0;
    const double dx = x - (xj + s * ex), dy = y - (yj + s * ey);
    d2 = std::min(d2, dx * dx + dy * dy);
  }
  const double d = std::sqrt(d2);
  return inside_polygon(polygon, lat_deg, lon_deg, ref_lon_deg) ? d : -d;
}

}  // namespace launchmc::geo
