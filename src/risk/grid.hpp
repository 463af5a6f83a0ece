// The map grid of the debris-risk maps: cells of `step` degrees of longitude and latitude over a
// region, on a lattice anchored at (0, 0) so that every run, shard and resumed piece given the same
// step cuts the map the same way, and cell areas on the WGS-84 ellipsoid (GeographicLib).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace launchmc::risk {

// A lon/lat box: west and east longitudes (east > west; east may exceed 180 for a box across the
// antimeridian, e.g. 170,-10,190,10), south and north latitudes in [-90, 90].
struct Region {
  double lon0_deg = 0, lat0_deg = 0, lon1_deg = 0, lat1_deg = 0;
};

// Parses "LON0,LAT0,LON1,LAT1" (west, south, east, north; an east longitude below the west one
// is taken as across the antimeridian: +360). Throws std::invalid_argument naming the problem.
Region parse_region(std::string_view text);

class Grid {
 public:
  static constexpr std::size_t npos = std::numeric_limits<std::size_t>::max();
  // At most this many cells (a guard against a region and step that would not fit in memory).
  static constexpr std::uint64_t kMaxCells = 100'000'000;

  Grid() = default;
  // The cells of `step_deg` (0 < step <= 10) covering `region`: its edges are moved outwards to
  // multiples of the step (a polar row may reach past the pole: its area counts to the pole).
  // Throws std::invalid_argument for a bad step or region or more than kMaxCells cells.
  Grid(const Region& region, double step_deg);

  double step_deg() const noexcept { return step_; }
  double west_deg() const noexcept { return west_; }  // western edge of column 0
  double north_deg() const noexcept {
    return north_;
  }  // northern edge of row 0 (a multiple of the step)
  double east_deg() const noexcept { return west_ + static_cast<double>(nx_) * step_; }
  double south_deg() const noexcept { return north_ - static_cast<double>(ny_) * step_; }
  std::size_t nx() const noexcept { return nx_; }  // columns, west to east
  std::size_t ny() const noexcept { return ny_; }  // rows, north to south (as a GeoTIFF)
  std::size_t cells() const noexcept { return nx_ * ny_; }

  // The cell (row * nx + column) holding the point, or npos outside the grid. Longitudes are
  // wrapped into [west, west + 360). A point on an inner edge belongs to the cell east / south
  // of it... except on the eastern and southern edges of the grid, which belong to the last cell.
  std::size_t cell_of(double lat_deg, double lon_deg) const noexcept;
  // Northern and southern edges of row `row` [deg] (clamped to [-90, 90]).
  double row_north_deg(std::size_t row) const noexcept;
  double row_south_deg(std::size_t row) const noexcept;
  // Area of a cell of row `row` on the WGS-84 ellipsoid [km^2]: exact for a lon/lat box,
  // (step in rad) * R_q^2 * (sin xi_north - sin xi_south) with the authalic latitude xi and
  // radius R_q (GeographicLib::Ellipsoid).
  double cell_area_km2(std::size_t row) const;
  // A text for messages and files: "W,S,E,N step S deg (NX x NY cells)".
  std::string describe() const;

 private:
  double step_ = 0, west_ = 0, north_ = 0, south_ = 0;
  std::size_t nx_ = 0, ny_ = 0;
};

}  // namespace launchmc::risk
