// The uniform-grid point-in-area index (see area_grid_index.hpp).
#include "geo/area_grid_index.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <tuple>

namespace launchmc::geo {

namespace {

// Offset of the grid's origin from the box's south-west corner, in cells: an irrational number
// (sqrt(5) - 2), so no cell centre or border coincides with the round-number bin borders of
// GSHHG or the vertices of hand-drawn polygons.
constexpr double kGridOffsetCells = 0.2360679774997897;
constexpr std::size_t kMinCellsPerAxis = 64;
constexpr double kMaxCells = 2.0e6;
constexpr double kCellsPerEdge = 8.0;

// Twice the signed area of (a, b, p): > 0 when p is left of a -> b.
inline double orient(double ax, double ay, double bx, double by, double px, double py) noexcept {
  return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}

// Does the segment c -> p cross the edge? Each vertex exactly on a line counts as on its right,
// the same choice for both edges sharing it, so a segment through a vertex counts 0 or 2 crossings
// (a symbolic perturbation of the segment), never 1.
inline bool crosses(double cx, double cy, double px, double py, const BoundaryEdge& e) noexcept {
  const bool a_left = orient(cx, cy, px, py, e.x0, e.y0) > 0.0;
  const bool b_left = orient(cx, cy, px, py, e.x1, e.y1) > 0.0;
  if (a_left == b_left) return false;
  const bool c_left = orient(e.x0, e.y0, e.x1, e.y1, cx, cy) > 0.0;
  const bool p_left = orient(e.x0, e.y0, e.x1, e.y1, px, py) > 0.0;
  return c_left != p_left;
}

// Does the edge meet the closed cell [x0, x1] x [y0, y1] (its bounding box is known to overlap)?
// Conservative by `slack` [deg]: an extra edge in a cell costs a test, a missing one a wrong
// answer.
bool edge_meets_cell(const BoundaryEdge& e, double x0, double y0, double x1, double y1,
                     double slack) noexcept {
  const double corners[4][2] = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
  const double len = std::hypot(e.x1 - e.x0, e.y1 - e.y0);
  const double tol = slack * len;  // orient() is the distance to the line times the length
  bool any_left = false, any_right = false;
  for (const auto& c : corners) {
    const double o = orient(e.x0, e.y0, e.x1, e.y1, c[0], c[1]);
    any_left = any_left || o > -tol;
    any_right = any_right || o < tol;
  }
  return any_left && any_right;
}

}  // namespace

void validate_box(const LonLatBox& box, const std::string& what) {
  const bool finite = std::isfinite(box.west_deg) && std::isfinite(box.east_deg) &&
                      std::isfinite(box.south_deg) && std::isfinite(box.north_deg);
  if (!finite || !(box.east_deg > box.west_deg) || box.east_deg - box.west_deg > 360.0 ||
      !(box.north_deg > box.south_deg) || box.south_deg < -90.0 || box.north_deg > 90.0) {
    throw std::invalid_argument(
        what + ": the lon/lat box west " + std::to_string(box.west_deg) + ", south " +
        std::to_string(box.south_deg) + ", east " + std::to_string(box.east_deg) + ", north " +
        std::to_string(box.north_deg) +
        " deg is not valid: need west < east <= west + 360 and -90 <= south < north <= 90");
  }
}

AreaGridIndex::Grid AreaGridIndex::grid_over(const LonLatBox& box, double cell_deg) {
  validate_box(box, "area index");
  if (!(cell_deg > 0.0)) throw std::invalid_argument("area index: cell size must be > 0 deg");
  Grid g;
  g.cell_deg = cell_deg;
  g.x0_deg = box.west_deg - kGridOffsetCells * cell_deg;
  g.y0_deg = box.south_deg - kGridOffsetCells * cell_deg;
  g.nx = static_cast<std::size_t>(std::floor((box.east_deg - g.x0_deg) / cell_deg)) + 1;
  g.ny = static_cast<std::size_t>(std::floor((box.north_deg - g.y0_deg) / cell_deg)) + 1;
  // A box 360 deg wide must not grow past 360 deg, or a point would have two cells.
  if (static_cast<double>(g.nx) * cell_deg > 360.0) {
    g.nx = static_cast<std::size_t>(std::floor(360.0 / cell_deg));
    g.cell_deg = 360.0 / static_cast<double>(g.nx);
    g.x0_deg = box.west_deg;
  }
  return g;
}

double AreaGridIndex::cell_size_for(const LonLatBox& box, std::size_t edge_count) {
  const double w = box.east_deg - box.west_deg, h = box.north_deg - box.south_deg;
  const double max_cell = std::min(w, h) / static_cast<double>(kMinCellsPerAxis);
  const double cells =
      std::clamp(kCellsPerEdge * static_cast<double>(edge_count),
                 static_cast<double>(kMinCellsPerAxis * kMinCellsPerAxis), kMaxCells);
  return std::min(max_cell, std::sqrt(w * h / cells));
}

AreaGridIndex AreaGridIndex::from_rings(const LonLatBox& box, std::size_t area_count,
                                        std::span<const Ring> rings, double cell_deg) {
  validate_box(box, "area index");
  // Edges of every ring and of its copies shifted by whole turns that meet the box in x.
  std::vector<BoundaryEdge> edges;
  std::vector<std::size_t> edge_areas;
  for (const Ring& ring : rings) {
    if (ring.area >= area_count) throw std::invalid_argument("area index: ring of unknown area");
    const std::size_t n = ring.vertices.size();
    if (n < 3) continue;
    double xmin = std::numeric_limits<double>::infinity(), xmax = -xmin;
    for (const GeoPoint& v : ring.vertices) {
      xmin = std::min(xmin, v.lon_deg);
      xmax = std::max(xmax, v.lon_deg);
    }
    for (int turn = -2; turn <= 2; ++turn) {
      const double shift = 360.0 * turn;
      if (xmax + shift < box.west_deg - 1.0 || xmin + shift > box.east_deg + 1.0) continue;
      for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
        const GeoPoint& a = ring.vertices[j];
        const GeoPoint& b = ring.vertices[i];
        if (a.lon_deg == b.lon_deg && a.lat_deg == b.lat_deg) continue;
        edges.push_back({a.lon_deg + shift, a.lat_deg, b.lon_deg + shift, b.lat_deg});
        edge_areas.push_back(ring.area);
      }
    }
  }
  if (!(cell_deg > 0.0)) {
    cell_deg = cell_size_for(box, edges.size());
    // Keep the per-area centre flags (one byte per cell and area, during the build) bounded.
    const double max_cells =
        std::max(4096.0, 6.4e7 / static_cast<double>(std::max<std::size_t>(area_count, 1)));
    const double w = box.east_deg - box.west_deg, h = box.north_deg - box.south_deg;
    cell_deg = std::max(cell_deg, std::sqrt(w * h / max_cells));
  }
  AreaGridIndex index;
  index.grid_ = grid_over(box, cell_deg);
  index.area_count_ = area_count;
  const Grid& g = index.grid_;

  // Centre insideness, row by row: the crossings of each row's centre line with every edge,
  // sorted in x, swept from the west (even-odd rule on a ray from the centre to x = -infinity;
  // rings entirely west of the box cross it an even number of times and are left out).
  std::vector<std::vector<std::size_t>> row_edges(g.ny);
  for (std::size_t k = 0; k < edges.size(); ++k) {
    const BoundaryEdge& e = edges[k];
    const double lo = (std::min(e.y0, e.y1) - g.y0_deg) / g.cell_deg - 0.5;
    const double hi = (std::max(e.y0, e.y1) - g.y0_deg) / g.cell_deg - 0.5;
    const double first = std::max(0.0, std::ceil(lo));
    const double last = std::min(static_cast<double>(g.ny) - 1.0, std::floor(hi));
    for (double r = first; r <= last; r += 1.0) row_edges[static_cast<std::size_t>(r)].push_back(k);
  }
  std::vector<std::vector<std::uint8_t>> inside(area_count,
                                                std::vector<std::uint8_t>(g.nx * g.ny, 0));
  std::vector<std::pair<double, std::size_t>> crossings;
  std::vector<std::uint8_t> parity(area_count);
  for (std::size_t iy = 0; iy < g.ny; ++iy) {
    const double yc = g.center_y(iy);
    crossings.clear();
    for (std::size_t k : row_edges[iy]) {
      const BoundaryEdge& e = edges[k];
      if ((e.y0 > yc) != (e.y1 > yc)) {
        crossings.emplace_back(e.x0 + (yc - e.y0) * (e.x1 - e.x0) / (e.y1 - e.y0), edge_areas[k]);
      }
    }
    std::sort(crossings.begin(), crossings.end());
    std::fill(parity.begin(), parity.end(), 0);
    std::size_t next = 0;
    for (std::size_t ix = 0; ix < g.nx; ++ix) {
      const double xc = g.center_x(ix);
      while (next < crossings.size() && crossings[next].first < xc) {
        parity[crossings[next].second] ^= 1;
        ++next;
      }
      for (std::size_t a = 0; a < area_count; ++a) inside[a][iy * g.nx + ix] = parity[a];
    }
  }
  index.build(edges, edge_areas, inside);
  return index;
}

AreaGridIndex::AreaGridIndex(const Grid& grid, std::size_t area_count,
                             std::span<const BoundaryEdge> edges,
                             std::span<const std::size_t> edge_areas,
                             const std::vector<std::vector<std::uint8_t>>& center_inside)
    : grid_(grid), area_count_(area_count) {
  build(edges, edge_areas, center_inside);
}

void AreaGridIndex::build(std::span<const BoundaryEdge> edges,
                          std::span<const std::size_t> edge_areas,
                          const std::vector<std::vector<std::uint8_t>>& center_inside) {
  const Grid& g = grid_;
  const std::size_t cells = g.nx * g.ny;
  if (edges.size() != edge_areas.size() || center_inside.size() != area_count_) {
    throw std::invalid_argument("area index: edges, their areas and the centre flags disagree");
  }
  for (const auto& flags : center_inside) {
    if (flags.size() != cells) throw std::invalid_argument("area index: centre flags per cell");
  }
  // (cell, area, edge) for every edge and every cell it meets.
  std::vector<std::tuple<std::size_t, std::size_t, std::size_t>> incidences;
  const double slack = 1e-9 * g.cell_deg;
  for (std::size_t k = 0; k < edges.size(); ++k) {
    const BoundaryEdge& e = edges[k];
    if (edge_areas[k] >= area_count_) throw std::invalid_argument("area index: edge area");
    const auto cell_of = [&](double v, double origin, std::size_t n) {
      const double f = std::floor((v - origin) / g.cell_deg);
      return static_cast<std::ptrdiff_t>(std::clamp(f, -1.0, static_cast<double>(n)));
    };
    const std::ptrdiff_t ix0 =
        std::max<std::ptrdiff_t>(0, cell_of(std::min(e.x0, e.x1) - slack, g.x0_deg, g.nx));
    const std::ptrdiff_t ix1 =
        std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(g.nx) - 1,
                                 cell_of(std::max(e.x0, e.x1) + slack, g.x0_deg, g.nx));
    const std::ptrdiff_t iy0 =
        std::max<std::ptrdiff_t>(0, cell_of(std::min(e.y0, e.y1) - slack, g.y0_deg, g.ny));
    const std::ptrdiff_t iy1 =
        std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(g.ny) - 1,
                                 cell_of(std::max(e.y0, e.y1) + slack, g.y0_deg, g.ny));
    for (std::ptrdiff_t iy = iy0; iy <= iy1; ++iy) {
      for (std::ptrdiff_t ix = ix0; ix <= ix1; ++ix) {
        const double cx0 = g.x0_deg + static_cast<double>(ix) * g.cell_deg;
        const double cy0 = g.y0_deg + static_cast<double>(iy) * g.cell_deg;
        if (edge_meets_cell(e, cx0, cy0, cx0 + g.cell_deg, cy0 + g.cell_deg, slack)) {
          incidences.emplace_back(
              static_cast<std::size_t>(iy) * g.nx + static_cast<std::size_t>(ix), edge_areas[k], k);
        }
      }
    }
  }
  std::sort(incidences.begin(), incidences.end());
  if (incidences.size() > std::numeric_limits<std::uint32_t>::max() / 2) {
    throw std::length_error("area index: too many edges for the grid");
  }

  cell_begin_.assign(cells + 1, 0);
  entries_.clear();
  edges_.clear();
  edges_.reserve(incidences.size());
  std::size_t next = 0;
  for (std::size_t c = 0; c < cells; ++c) {
    cell_begin_[c] = static_cast<std::uint32_t>(entries_.size());
    for (std::size_t a = 0; a < area_count_; ++a) {
      const auto edge_begin = static_cast<std::uint32_t>(edges_.size());
      while (next < incidences.size() && std::get<0>(incidences[next]) == c &&
             std::get<1>(incidences[next]) == a) {
        edges_.push_back(edges[std::get<2>(incidences[next])]);
        ++next;
      }
      const auto edge_count = static_cast<std::uint32_t>(edges_.size()) - edge_begin;
      const std::uint32_t in = center_inside[a][c] ? 1U : 0U;
      if (in || edge_count > 0) {
        entries_.push_back({static_cast<std::uint32_t>(a), in, edge_begin, edge_count});
      }
    }
    if (entries_.size() > std::numeric_limits<std::uint32_t>::max() / 2) {
      throw std::length_error("area index: too many cells x areas");
    }
  }
  cell_begin_[cells] = static_cast<std::uint32_t>(entries_.size());
  entries_.shrink_to_fit();
}

bool AreaGridIndex::covers(double lat_deg, double lon_deg) const noexcept {
  const double x = lon_deg - 360.0 * std::floor((lon_deg - grid_.x0_deg) / 360.0);
  const double fx = (x - grid_.x0_deg) / grid_.cell_deg;
  const double fy = (lat_deg - grid_.y0_deg) / grid_.cell_deg;
  return fx >= 0.0 && fx < static_cast<double>(grid_.nx) && fy >= 0.0 &&
         fy < static_cast<double>(grid_.ny);
}

void AreaGridIndex::classify(double lat_deg, double lon_deg, std::vector<std::size_t>& hits) const {
  hits.clear();
  // Longitude wrapped into [x0, x0 + 360), the frame of the grid and of its edges.
  const double x = lon_deg - 360.0 * std::floor((lon_deg - grid_.x0_deg) / 360.0);
  const double fx = (x - grid_.x0_deg) / grid_.cell_deg;
  const double fy = (lat_deg - grid_.y0_deg) / grid_.cell_deg;
  if (!(fx >= 0.0 && fx < static_cast<double>(grid_.nx) && fy >= 0.0 &&
        fy < static_cast<double>(grid_.ny))) {
    return;  // outside the box (or NaN)
  }
  const auto ix = static_cast<std::size_t>(fx), iy = static_cast<std::size_t>(fy);
  const std::size_t c = iy * grid_.nx + ix;
  const double cx = grid_.center_x(ix), cy = grid_.center_y(iy);
  for (std::uint32_t k = cell_begin_[c]; k < cell_begin_[c + 1]; ++k) {
    const Entry& entry = entries_[k];
    bool inside = entry.center_inside != 0;
    const BoundaryEdge* e = edges_.data() + entry.edge_begin;
    for (std::uint32_t i = 0; i < entry.edge_count; ++i) {
      if (crosses(cx, cy, x, lat_deg, e[i])) inside = !inside;
    }
    if (inside) hits.push_back(entry.area);
  }
}

}  // namespace launchmc::geo
