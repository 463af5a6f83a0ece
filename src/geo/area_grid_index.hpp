// The point-in-area index behind every AreaClassifier of this folder (land, countries, user
// regions): a uniform lon/lat grid whose cells know, per area, whether their centre is inside and
// which boundary edges cross them. A point is inside an area iff the centre of its cell is, flipped
// once per boundary edge that the segment centre -> point crosses (crossing-number rule on the
// cell's few edges only). Cells away from any boundary answer without a single edge test.
//
// Why not a Boost.Geometry R-tree of polygons or of edges: both answer a query by walking a tree
// and calling back per candidate, and a continental polygon still needs its own ray cast over
// thousands of edges; the uniform grid finds the cell in two multiplications, and with cells sized
// to the data (a few edges per coastal cell) a query costs a handful of orientation tests, never
// allocates, and only reads shared immutable arrays (thread-safe). Exact for the planar polygons
// given (x = longitude, y = latitude, straight edges in that plane, as GeoJSON and GMT define
// them), except for points within rounding (~1e-13 deg) of an edge.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "geo/polygon.hpp"

namespace launchmc::geo {

// A lon/lat box [deg]: west <= lon <= east, south <= lat <= north. east may exceed 180 (a box
// across the antimeridian, e.g. 170..190); east - west <= 360.
struct LonLatBox {
  double west_deg = -180.0;
  double south_deg = -90.0;
  double east_deg = 180.0;
  double north_deg = 90.0;
};

// Throws std::invalid_argument naming `what` when the box is empty, inverted, wider than 360 deg
// or outside [-90, 90] in latitude.
void validate_box(const LonLatBox& box, const std::string& what);

// A straight edge of an area's boundary in the index's plane (x = longitude in the frame of the
// index's box, y = latitude) [deg].
struct BoundaryEdge {
  double x0, y0, x1, y1;
};

class AreaGridIndex {
 public:
  // The grid over `box`: square cells of cell_deg [deg]. Its origin is offset from the box by an
  // irrational fraction of a cell so that cell centres and cell borders never fall exactly on the
  // round-number bin borders and vertices of the data sets (which would be the crossing rule's
  // degenerate cases).
  struct Grid {
    double x0_deg = 0, y0_deg = 0, cell_deg = 1;
    std::size_t nx = 0, ny = 0;
    double center_x(std::size_t ix) const {
      return x0_deg + (static_cast<double>(ix) + 0.5) * cell_deg;
    }
    double center_y(std::size_t iy) const {
      return y0_deg + (static_cast<double>(iy) + 0.5) * cell_deg;
    }
  };
  static Grid grid_over(const LonLatBox& box, double cell_deg);
  // A cell size for `edge_count` boundary edges over `box`: about 8 cells per edge (a few edges
  // per boundary cell), at least 64 x 64 cells and at most ~4 million [deg].
  static double cell_size_for(const LonLatBox& box, std::size_t edge_count);

  // Areas bounded by closed rings (first vertex not repeated, or repeated: either works), each
  // ring tagged with its area; an area's inside is the even-odd rule over all its rings, so holes
  // and islands in holes are rings of the same area. Vertices are used as given in x (no
  // wrapping between consecutive vertices, so a ring written 170..190 stays one ring); the index
  // adds copies of a ring shifted by +-360 deg where they meet the box.
  struct Ring {
    std::size_t area = 0;
    std::vector<GeoPoint> vertices;
  };
  static AreaGridIndex from_rings(const LonLatBox& box, std::size_t area_count,
                                  std::span<const Ring> rings, double cell_deg = 0.0);

  // An empty index: no areas, covers nothing.
  AreaGridIndex() = default;

  // Areas given by their boundary edges (in the box's frame) and by whether each cell's centre is
  // inside (center_inside[area][iy * nx + ix]) from an independent source (GMT's grdlandmask for
  // the land mask, whose shorelines are not closed rings inside a box).
  AreaGridIndex(const Grid& grid, std::size_t area_count, std::span<const BoundaryEdge> edges,
                std::span<const std::size_t> edge_areas,
                const std::vector<std::vector<std::uint8_t>>& center_inside);

  std::size_t area_count() const { return area_count_; }
  const Grid& grid() const { return grid_; }
  std::size_t edge_count() const { return edges_.size(); }

  // Is the point inside the index's box (after wrapping its longitude into the box's frame)?
  bool covers(double lat_deg, double lon_deg) const noexcept;

  // Clears `hits` and appends the areas containing the point, in increasing order. A point
  // outside the box is in no area. Allocates only if `hits` lacks capacity for the areas present
  // in the point's cell.
  void classify(double lat_deg, double lon_deg, std::vector<std::size_t>& hits) const;

 private:
  void build(std::span<const BoundaryEdge> edges, std::span<const std::size_t> edge_areas,
             const std::vector<std::vector<std::uint8_t>>& center_inside);

  // Per cell, one entry per area that is inside at the centre or has edges in the cell, sorted by
  // area; the entry's edges are edges_[edge_begin, edge_begin + edge_count).
  struct Entry {
    std::uint32_t area;
    std::uint32_t center_inside;
    std::uint32_t edge_begin;
    std::uint32_t edge_count;
  };

  Grid grid_;
  std::size_t area_count_ = 0;
  std::vector<std::uint32_t> cell_begin_;  // nx * ny + 1 offsets into entries_
  std::vector<Entry> entries_;
  std::vector<BoundaryEdge> edges_;  // copied per cell, so a cell's edges are contiguous
};

}  // namespace launchmc::geo
