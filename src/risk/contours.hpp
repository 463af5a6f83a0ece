// Polygons traced on a map grid: iso-lines of a field by marching squares (containment contours)
// and the boundary of a set of cells (hazard areas made of cells), as closed rings assembled into
// polygons with holes, and their areas on the WGS-84 ellipsoid.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace launchmc::risk {

struct LonLat {
  double lon_deg = 0, lat_deg = 0;  // lon may exceed 180 on a grid across the antimeridian
};
// A closed ring: the last vertex joins the first (not repeated).
using Ring = std::vector<LonLat>;
// rings[0] is the outer boundary, counter-clockwise (east, then north); the others are holes,
// clockwise (the OGC / GeoJSON RFC 7946 convention).
struct Polygon {
  std::vector<Ring> rings;
};

// Nodes of a field on a lon/lat lattice: node (row, col) of a row-major nx x ny array lies at
// (lon0 + col * step, lat0 - row * step) (row 0 north).
struct NodeLattice {
  std::size_t nx = 0, ny = 0;
  double lon0_deg = 0, lat0_deg = 0, step_deg = 0;
};

// The boundary of {field >= level} as polygons, by marching squares (W. E. Lorensen & H. E. Cline,
// SIGGRAPH 1987, in 2-D) with linear interpolation along the lattice edges: the field is taken as
// below the level outside the lattice, so every ring closes; a saddle cell is resolved by the
// mean of its four corners (connected when the mean is >= level). level must be > 0 and the
// field >= 0 (outside the lattice it is 0).
std::vector<Polygon> trace_isolines(std::span<const double> field, const NodeLattice& lattice,
                                    double level);

// The boundary of the union of the cells with mask != 0 (cell (row, col) of a row-major nx x ny
// array spans lon west + col step .. + step, lat north - row step .. - step): the cells' own edges,
// collinear vertices merged. Cells that touch at a corner only are separate polygons (a ring never
// touches itself).
std::vector<Polygon> trace_cell_union(std::span<const std::uint8_t> mask, std::size_t nx,
                                      std::size_t ny, double west_deg, double north_deg,
                                      double step_deg);

// Rings as polygons: counter-clockwise rings are outer boundaries, each clockwise ring a hole of
// the smallest outer ring around it (rings must not cross, as traced rings never do).
std::vector<Polygon> assemble_polygons(std::vector<Ring> rings);

// Area of a polygon (outer minus holes) on the WGS-84 ellipsoid with rhumb-line edges, exact for
// edges along meridians and parallels as the cells' are (GeographicLib::PolygonAreaRhumb, C. F. F.
// Karney's rhumb-line area) [km^2].
double area_km2(const Polygon& polygon);
double area_km2(std::span<const Polygon> polygons);

// Is the point inside the polygon (even-odd over all its rings, planar in lon/lat with the
// point's longitude unwrapped about the ring's first vertex)?
bool contains(const Polygon& polygon, double lon_deg, double lat_deg);

}  // namespace launchmc::risk
