// The GSHHG land mask (see land_classifier.hpp).
//
// How the shorelines get here. GSHHG ships with GMT as "binned" netCDF files: every polygon is cut
// into pieces per square bin, with the levels of the bin corners. Three ways to read them were
// considered (GMT 6.4, Debian 12):
// - `gmt coast -M -W` (here through the C API) dumps the shoreline pieces, bin by bin: open
//   polylines, not closed polygons (a 20 x 37 deg box gives ~720 pieces), so they cannot be fed to
//   an even-odd test on their own, and GMT 6.4 cannot dump the assembled -G land polygons;
// - assembling the bins ourselves, as GMT's modules do with gmt_assemble_shore, needs GMT's
//   development header gmt_dev.h (not its public API) and its projection set-up: a dependency on
//   GMT internals (not tried);
// - `gmt grdlandmask` gives the level of every node of a grid, computed by GMT on its own
//   assembled, closed polygons (lakes as holes, islands in lakes as land), but only at nodes.
// The land mask combines the last and the first, both public API: grdlandmask gives the level at
// the centre of every cell of the index's grid, and the shoreline pieces are the boundary edges
// the index tests between a cell's centre and the point (AreaGridIndex). That is exact for the
// GSHHG polygons at the chosen resolution, and the pieces need no assembly: every piece of
// shoreline flips land and water whatever its level.
#include "geo/land_classifier.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "geo/gmt_session.hpp"

namespace launchmc::geo {

namespace {

const std::string kLandName = "land";

// Coordinates for GMT's command line, printed so that they read back to the same double.
std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

char gmt_letter(ShoreResolution r) { return to_string(r)[0]; }

}  // namespace

ShoreResolution parse_shore_resolution(std::string_view text) {
  for (auto r : {ShoreResolution::crude, ShoreResolution::low, ShoreResolution::intermediate,
                 ShoreResolution::high, ShoreResolution::full}) {
    if (text == to_string(r) || (text.size() == 1 && text[0] == gmt_letter(r))) return r;
  }
  throw std::invalid_argument("shoreline resolution '" + std::string(text) +
                              "': expected crude, low, intermediate, high or full (c, l, i, h, f)");
}

std::string_view to_string(ShoreResolution resolution) {
  switch (resolution) {
    case ShoreResolution::crude:
      return "crude";
    case ShoreResolution::low:
      return "low";
    case ShoreResolution::intermediate:
      return "intermediate";
    case ShoreResolution::high:
      return "high";
    case ShoreResolution::full:
      return "full";
  }
  return "low";
}

LandClassifier::LandClassifier(const LonLatBox& box, ShoreResolution resolution)
    : box_(box), resolution_(resolution), index_(load(box, resolution)) {}

AreaGridIndex LandClassifier::load(const LonLatBox& box, ShoreResolution resolution) {
  validate_box(box, "land mask");
  if (box.south_deg < -89.5 || box.north_deg > 89.5) {
    throw std::invalid_argument("land mask: the box must stay within 89.5 deg of the equator");
  }
  const std::string res = std::string("-D") + gmt_letter(resolution);
  // -A0/0/4: every feature however small, levels 0-4 (the same choice for both modules, so the
  // centre levels and the shoreline pieces describe the same polygons).
  const std::string area_rule = "-A0/0/4";
  const auto gmt_failed = [&](const std::exception& e) {
    return std::runtime_error(
        std::string("land mask: cannot read the GSHHG ") + std::string(to_string(resolution)) +
        "-resolution shorelines through GMT (Debian packages gmt and gmt-gshhg-low for crude, "
        "low and intermediate; gmt-gshhg-high or gmt-gshhg-full for the others): " +
        e.what());
  };

  // Shoreline pieces over the box plus a margin that holds every cell of the grid.
  const double w = box.east_deg - box.west_deg, h = box.north_deg - box.south_deg;
  const double margin = std::min(w, h) / 16.0;
  const bool whole_circle = box.east_deg - box.west_deg + 2.0 * margin >= 360.0;
  const LonLatBox fetch{whole_circle ? box.west_deg : box.west_deg - margin,
                        std::max(-90.0, box.south_deg - margin),
                        whole_circle ? box.west_deg + 360.0 : box.east_deg + margin,
                        std::min(90.0, box.north_deg + margin)};
  std::vector<gmt::Segment> shores;
  try {
    shores =
        gmt::run_to_dataset("coast", "-R" + num(fetch.west_deg) + "/" + num(fetch.east_deg) + "/" +
                                         num(fetch.south_deg) + "/" + num(fetch.north_deg) + " " +
                                         res + " " + area_rule + " -W -M");
  } catch (const std::exception& e) {
    throw gmt_failed(e);
  }
  std::vector<BoundaryEdge> edges;
  for (const gmt::Segment& s : shores) {
    // Into the frame of the box: the first vertex wrapped into [west, west + 360), the others
    // kept continuous with it (a piece of shoreline spans less than a bin, never 180 deg).
    double x_prev =
        s.lon_deg.empty()
            ? 0.0
            : s.lon_deg[0] - 360.0 * std::floor((s.lon_deg[0] - fetch.west_deg) / 360.0);
    for (std::size_t i = 1; i < s.lon_deg.size(); ++i) {
      const double x = unwrap_deg(s.lon_deg[i], x_prev);
      edges.push_back({x_prev, s.lat_deg[i - 1], x, s.lat_deg[i]});
      x_prev = x;
    }
  }

  const AreaGridIndex::Grid grid =
      AreaGridIndex::grid_over(box, AreaGridIndex::cell_size_for(box, edges.size()));
  const double east = grid.x0_deg + static_cast<double>(grid.nx) * grid.cell_deg;
  const double north = grid.y0_deg + static_cast<double>(grid.ny) * grid.cell_deg;
  gmt::Grid levels;
  try {
    // Pixel registration (-r): one node at the centre of every cell of the index.
    levels = gmt::run_to_grid("grdlandmask", "-R" + num(grid.x0_deg) + "/" + num(east) + "/" +
                                                 num(grid.y0_deg) + "/" + num(north) + " -I" +
                                                 num(grid.cell_deg) + " -r " + res + " " +
                                                 area_rule + " -N0/1/2/3/4");
  } catch (const std::exception& e) {
    throw gmt_failed(e);
  }
  if (levels.n_columns != grid.nx || levels.n_rows != grid.ny) {
    throw std::runtime_error("land mask: grdlandmask returned a " +
                             std::to_string(levels.n_columns) + " x " +
                             std::to_string(levels.n_rows) + " grid for " +
                             std::to_string(grid.nx) + " x " + std::to_string(grid.ny) + " cells");
  }
  std::vector<std::vector<std::uint8_t>> center_land(1,
                                                     std::vector<std::uint8_t>(grid.nx * grid.ny));
  for (std::size_t iy = 0; iy < grid.ny; ++iy) {
    for (std::size_t ix = 0; ix < grid.nx; ++ix) {
      // Levels 0 ocean, 1 land, 2 lake, 3 island in a lake, 4 pond on such an island.
      const long level = std::lround(levels.value(iy, ix));
      center_land[0][iy * grid.nx + ix] = (level % 2 == 1) ? 1 : 0;
    }
  }
  const std::vector<std::size_t> edge_areas(edges.size(), 0);
  return AreaGridIndex(grid, 1, edges, edge_areas, center_land);
}

const std::string& LandClassifier::name(std::size_t area) const {
  if (area != 0) throw std::out_of_range("land mask: area " + std::to_string(area));
  return kLandName;
}

void LandClassifier::classify(double lat_deg, double lon_deg,
                              std::vector<std::size_t>& hits) const {
  index_.classify(lat_deg, lon_deg, hits);
}

}  // namespace launchmc::geo
