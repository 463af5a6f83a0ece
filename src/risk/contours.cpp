// Polygons traced on a map grid (contours.hpp).
#include "risk/contours.hpp"

#include <GeographicLib/PolygonArea.hpp>
#include <GeographicLib/Rhumb.hpp>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <unordered_map>

namespace launchmc::risk {

namespace {

// Twice the signed area of a ring in the lon/lat plane (> 0: counter-clockwise).
double signed_area2(const Ring& ring) {
  double s = 0;
  for (std::size_t i = 0, n = ring.size(); i < n; ++i) {
    const LonLat& a = ring[i];
    const LonLat& b = ring[(i + 1) % n];
    s += (a.lon_deg - ring[0].lon_deg) * (b.lat_deg - ring[0].lat_deg) -
         (b.lon_deg - ring[0].lon_deg) * (a.lat_deg - ring[0].lat_deg);
  }
  return s;
}

double unwrap_about(double lon, double ref) {
  double d = std::fmod(lon - ref, 360.0);
  if (d < -180.0) d += 360.0;
  if (d >= 180.0) d -= 360.0;
  return ref + d;
}

// Even-odd crossing test of one ring (planar, the point unwrapped about the ring's first vertex).
bool inside_ring(const Ring& ring, double lon, double lat) {
  if (ring.empty()) return false;
  const double x = unwrap_about(lon, ring[0].lon_deg);
  bool in = false;
  for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const LonLat& a = ring[i];
    const LonLat& b = ring[j];
    if ((a.lat_deg > lat) != (b.lat_deg > lat)) {
      const double xc =
          a.lon_deg + (lat - a.lat_deg) / (b.lat_deg - a.lat_deg) * (b.lon_deg - a.lon_deg);
      if (x < xc) in = !in;
    }
  }
  return in;
}

}  // namespace

std::vector<Polygon> trace_isolines(std::span<const double> field, const NodeLattice& lat,
                                    double level) {
  if (field.size() != lat.nx * lat.ny)
    throw std::invalid_argument("trace_isolines: the field does not fit the lattice");
  if (!(level > 0.0) || !std::isfinite(level))
    throw std::invalid_argument("trace_isolines: the level must be finite and > 0");
  const auto nx = static_cast<std::ptrdiff_t>(lat.nx), ny = static_cast<std::ptrdiff_t>(lat.ny);
  // Nodes outside the lattice are 0 (< level): the padding closes every ring.
  const auto value = [&](std::ptrdiff_t i, std::ptrdiff_t j) {
    return i < 0 || j < 0 || i >= ny || j >= nx ? 0.0 : field[static_cast<std::size_t>(i * nx + j)];
  };
  // Edge ids: the horizontal edge from node (i, j) to (i, j + 1) and the vertical one from (i, j)
  // to (i + 1, j), for i in [-1, ny], j in [-1, nx].
  const auto edge = [&](std::ptrdiff_t i, std::ptrdiff_t j, int vertical) {
    return static_cast<std::uint64_t>(((i + 1) * (nx + 2) + (j + 1)) * 2 + vertical);
  };
  const auto point_of = [&](std::uint64_t id) {
    const auto v = static_cast<std::ptrdiff_t>(id % 2);
    const auto node = static_cast<std::ptrdiff_t>(id / 2);
    const std::ptrdiff_t i = node / (nx + 2) - 1, j = node % (nx + 2) - 1;
    const double a = value(i, j), b = v ? value(i + 1, j) : value(i, j + 1);
    const double t = (level - a) / (b - a);
    // A crossing towards the padding beyond a polar row would lie past the pole: clamped.
    return v ? LonLat{lat.lon0_deg + static_cast<double>(j) * lat.step_deg,
                      std::clamp(lat.lat0_deg - (static_cast<double>(i) + t) * lat.step_deg, -90.0,
                                 90.0)}
             : LonLat{
                   lat.lon0_deg + (static_cast<double>(j) + t) * lat.step_deg,
                   std::clamp(lat.lat0_deg - static_cast<double>(i) * lat.step_deg, -90.0, 90.0)};
  };
  struct Segment {
    std::uint64_t from, to;
  };
  std::vector<Segment> segments;
  for (std::ptrdiff_t i = -1; i < ny; ++i)
    for (std::ptrdiff_t j = -1; j < nx; ++j) {
      const double tl = value(i, j), tr = value(i, j + 1), br = value(i + 1, j + 1),
                   bl = value(i + 1, j);
      const int c = (tl >= level ? 8 : 0) | (tr >= level ? 4 : 0) | (br >= level ? 2 : 0) |
                    (bl >= level ? 1 : 0);
      if (c == 0 || c == 15) continue;
      const std::uint64_t T = edge(i, j, 0), B = edge(i + 1, j, 0), L = edge(i, j, 1),
                          R = edge(i, j + 1, 1);
      // Each segment runs with {field >= level} on its left (x east, y north).
      const auto add = [&](std::uint64_t a, std::uint64_t b) { segments.push_back({a, b}); };
      const bool centre_in = (tl + tr + br + bl) / 4.0 >= level;
      switch (c) {
        case 1:
          add(B, L);
          break;
        case 2:
          add(R, B);
          break;
        case 3:
          add(R, L);
          break;
        case 4:
          add(T, R);
          break;
        case 5:  // TR and BL inside
          if (centre_in) {
            add(T, L);
            add(B, R);
          } else {
            add(B, L);
            add(T, R);
          }
          break;
        case 6:
          add(T, B);
          break;
        case 7:
          add(T, L);
          break;
        case 8:
          add(L, T);
          break;
        case 9:
          add(B, T);
          break;
        case 10:  // TL and BR inside
          if (centre_in) {
            add(R, T);
            add(L, B);
          } else {
            add(L, T);
            add(R, B);
          }
          break;
        case 11:
          add(R, T);
          break;
        case 12:
          add(L, R);
          break;
        case 13:
          add(B, R);
          break;
        case 14:
          add(L, B);
          break;
        default:
          break;
      }
    }
  // Each crossed edge starts exactly one segment and ends exactly one: follow them into rings.
  std::unordered_map<std::uint64_t, std::size_t> starting;
  starting.reserve(segments.size() * 2);
  for (std::size_t s = 0; s < segments.size(); ++s) starting.emplace(segments[s].from, s);
  std::vector<std::uint8_t> used(segments.size(), 0);
  std::vector<Ring> rings;
  for (std::size_t s0 = 0; s0 < segments.size(); ++s0) {
    if (used[s0]) continue;
    Ring ring;
    for (std::size_t s = s0; !used[s];) {
      used[s] = 1;
      ring.push_back(point_of(segments[s].from));
      const auto next = starting.find(segments[s].to);
      if (next == starting.end()) throw std::logic_error("trace_isolines: an open ring");
      s = next->second;
    }
    if (ring.size() >= 3) rings.push_back(std::move(ring));
  }
  return assemble_polygons(std::move(rings));
}

std::vector<Polygon> trace_cell_union(std::span<const std::uint8_t> mask, std::size_t nx,
                                      std::size_t ny, double west_deg, double north_deg,
                                      double step_deg) {
  if (mask.size() != nx * ny)
    throw std::invalid_argument("trace_cell_union: the mask does not fit the grid");
  const auto in = [&](std::ptrdiff_t i, std::ptrdiff_t j) {
    return i >= 0 && j >= 0 && i < static_cast<std::ptrdiff_t>(ny) &&
           j < static_cast<std::ptrdiff_t>(nx) &&
           mask[static_cast<std::size_t>(i) * nx + static_cast<std::size_t>(j)] != 0;
  };
  // Directed boundary edges between corners (i, j) (row i of corners from the north, column j),
  // the cell on their left: direction 0 east, 1 north, 2 west, 3 south.
  struct Edge {
    std::uint64_t from, to;
    int dir;
  };
  const auto corner = [&](std::size_t i, std::size_t j) {
    return static_cast<std::uint64_t>(i) * (nx + 1) + j;
  };
  std::vector<Edge> edges;
  for (std::size_t i = 0; i < ny; ++i)
    for (std::size_t j = 0; j < nx; ++j) {
      if (!in(static_cast<std::ptrdiff_t>(i), static_cast<std::ptrdiff_t>(j))) continue;
      const auto si = static_cast<std::ptrdiff_t>(i), sj = static_cast<std::ptrdiff_t>(j);
      // Counter-clockwise: south-west -> south-east -> north-east -> north-west.
      if (!in(si + 1, sj)) edges.push_back({corner(i + 1, j), corner(i + 1, j + 1), 0});
      if (!in(si, sj + 1)) edges.push_back({corner(i + 1, j + 1), corner(i, j + 1), 1});
      if (!in(si - 1, sj)) edges.push_back({corner(i, j + 1), corner(i, j), 2});
      if (!in(si, sj - 1)) edges.push_back({corner(i, j), corner(i + 1, j), 3});
    }
  // At most two edges leave a corner (two cells touching at it diagonally).
  std::unordered_map<std::uint64_t, std::array<std::size_t, 2>> leaving;
  constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
  leaving.reserve(edges.size() * 2);
  for (std::size_t e = 0; e < edges.size(); ++e) {
    auto [it, fresh] = leaving.try_emplace(edges[e].from, std::array<std::size_t, 2>{e, none});
    if (!fresh) it->second[1] = e;
  }
  const auto point_of = [&](std::uint64_t c) {
    return LonLat{west_deg + static_cast<double>(c % (nx + 1)) * step_deg,
                  north_deg - static_cast<double>(c / (nx + 1)) * step_deg};
  };
  std::vector<std::uint8_t> used(edges.size(), 0);
  std::vector<Ring> rings;
  for (std::size_t e0 = 0; e0 < edges.size(); ++e0) {
    if (used[e0]) continue;
    Ring ring;
    for (std::size_t e = e0; !used[e];) {
      used[e] = 1;
      const auto& out = leaving.at(edges[e].to);
      // At a corner of two diagonal cells, turn left: each cell keeps its own ring.
      std::size_t next = out[0];
      if (out[1] != none && (edges[out[1]].dir == (edges[e].dir + 1) % 4)) next = out[1];
      if (edges[next].dir != edges[e].dir) ring.push_back(point_of(edges[e].to));  // a corner
      e = next;
    }
    if (ring.size() >= 4) rings.push_back(std::move(ring));
  }
  return assemble_polygons(std::move(rings));
}

std::vector<Polygon> assemble_polygons(std::vector<Ring> rings) {
  std::vector<Polygon> polygons;
  std::vector<double> outer_area;
  std::vector<Ring> holes;
  for (Ring& r : rings) {
    const double a = signed_area2(r);
    if (a > 0) {
      polygons.push_back({{std::move(r)}});
      outer_area.push_back(a);
    } else if (a < 0) {
      holes.push_back(std::move(r));
    }
  }
  for (Ring& h : holes) {
    std::size_t best = polygons.size();
    for (std::size_t p = 0; p < polygons.size(); ++p)
      if ((best == polygons.size() || outer_area[p] < outer_area[best]) &&
          inside_ring(polygons[p].rings[0], h[0].lon_deg, h[0].lat_deg))
        best = p;
    if (best == polygons.size()) {  // not inside any outer ring: an outer ring drawn backwards
      std::reverse(h.begin(), h.end());
      outer_area.push_back(signed_area2(h));
      polygons.push_back({{std::move(h)}});
    } else {
      polygons[best].rings.push_back(std::move(h));
    }
  }
  return polygons;
}

double area_km2(const Polygon& polygon) {
  double total_m2 = 0;
  for (const Ring& ring : polygon.rings) {
    GeographicLib::PolygonAreaRhumb area(GeographicLib::Rhumb::WGS84(), false);
    for (const LonLat& p : ring) area.AddPoint(p.lat_deg, p.lon_deg);
    double perimeter = 0, a = 0;
    area.Compute(false, true, perimeter, a);  // signed: counter-clockwise positive
    total_m2 += a;
  }
  return total_m2 * 1e-6;
}

double area_km2(std::span<const Polygon> polygons) {
  double total = 0;
  for (const Polygon& p : polygons) total += area_km2(p);
  return total;
}

bool contains(const Polygon& polygon, double lon_deg, double lat_deg) {
  bool in = false;
  for (const Ring& r : polygon.rings)
    if (inside_ring(r, lon_deg, lat_deg)) in = !in;
  return in;
}

}  // namespace launchmc::risk
