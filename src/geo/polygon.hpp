// Lines and polygons on the map, as the IIP overflight table (engine/iip_corridor) and the IIP
// corridor of the flight-termination rules (flight/range_safety) see them: vertices in geodetic
// (lat, lon) degrees with straight edges in that plane (x = longitude unwrapped about a reference
// longitude, y = latitude). Not geodesics: an edge must not span the antimeridian, and a long
// edge bows away from the great circle between its ends. One implementation for both users.
#pragma once

#include <span>

namespace launchmc::geo {

// A vertex of a line or a polygon (geodetic, WGS-84).
struct GeoPoint {
  double lat_deg = 0.0;
  double lon_deg = 0.0;  // east positive
};

// Longitude unwrapped about a reference: in [ref - 180, ref + 180) [deg].
double unwrap_deg(double lon_deg, double ref_deg) noexcept;

// Parameter s in [0, 1] along p0->p1 where it meets segment q0->q1, or NaN (planar, x = lon,
// y = lat). Collinear overlaps count as no crossing (a measure-zero case for a flown track).
double segment_hit(double px0, double py0, double px1, double py1, double qx0, double qy0,
                   double qx1, double qy1) noexcept;

// Is (lat, lon) inside the polygon? Even-odd rule in the plane unwrapped about ref_lon_deg.
bool inside_polygon(std::span<const GeoPoint> polygon, double lat_deg, double lon_deg,
                    double ref_lon_deg) noexcept;

// Signed distance from (lat, lon) to the polygon's boundary in that plane [deg]: > 0 inside,
// < 0 outside, 0 on an edge. Continuous across the boundary, so an integrator's event locator
// finds where a trajectory's point leaves the polygon as its root.
double polygon_margin_deg(std::span<const GeoPoint> polygon, double lat_deg, double lon_deg,
                          double ref_lon_deg) noexcept;

}  // namespace launchmc::geo
