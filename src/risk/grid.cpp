// The map grid of the risk maps (grid.hpp).
#include "risk/grid.hpp"

#include <fmt/format.h>

#include <GeographicLib/Constants.hpp>
#include <GeographicLib/Ellipsoid.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

namespace launchmc::risk {

namespace {

double parse_number(std::string_view s, std::string_view what) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v))
    throw std::invalid_argument(fmt::format("{}: '{}' is not a number", what, s));
  return v;
}

}  // namespace

Region parse_region(std::string_view text) {
  std::vector<double> v;
  static constexpr const char* kNames[] = {"LON0", "LAT0", "LON1", "LAT1"};
  std::size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    const std::size_t comma = text.find(',', start);
    const std::string_view part = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (i == 4 || (comma == std::string_view::npos && i != 3))
      throw std::invalid_argument(fmt::format(
          "--region '{}': expected four numbers LON0,LAT0,LON1,LAT1 (west, south, east, north)",
          text));
    v.push_back(parse_number(part, fmt::format("--region {}", kNames[i])));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  Region r{v[0], v[1], v[2], v[3]};
  if (r.lon0_deg < -180 || r.lon0_deg > 360 || r.lon1_deg < -180 || r.lon1_deg > 360)
    throw std::invalid_argument(
        fmt::format("--region '{}': longitudes must be in [-180, 360]", text));
  if (r.lat0_deg < -90 || r.lat1_deg > 90 || !(r.lat0_deg < r.lat1_deg))
    throw std::invalid_argument(fmt::format(
        "--region '{}': latitudes must satisfy -90 <= LAT0 < LAT1 <= 90 (south, north)", text));
  if (r.lon1_deg <= r.lon0_deg) r.lon1_deg += 360.0;  // across the antimeridian
  if (r.lon1_deg - r.lon0_deg > 360.0 || r.lon1_deg == r.lon0_deg)
    throw std::invalid_argument(
        fmt::format("--region '{}': the box spans more than 360 deg of longitude", text));
  return r;
}

Grid::Grid(const Region& region, double step_deg) : step_(step_deg) {
  if (!(step_deg > 0.0 && step_deg <= 10.0))
    throw std::invalid_argument(
        fmt::format("--grid {}: the cell size must be > 0 and <= 10 deg", step_deg));
  if (!(region.lat0_deg < region.lat1_deg) || !(region.lon0_deg < region.lon1_deg) ||
      region.lat0_deg < -90 || region.lat1_deg > 90 || region.lon1_deg - region.lon0_deg > 360)
    throw std::invalid_argument("risk grid: the region is not a box (west < east, south < north)");
  const double w = std::floor(region.lon0_deg / step_deg + 1e-9);
  const double e = std::ceil(region.lon1_deg / step_deg - 1e-9);
  const double s = std::floor(region.lat0_deg / step_deg + 1e-9);
  const double n = std::ceil(region.lat1_deg / step_deg - 1e-9);
  const double nx = std::max(1.0, e - w), ny = std::max(1.0, n - s);
  if (nx * ny > static_cast<double>(kMaxCells))
    throw std::invalid_argument(
        fmt::format("risk grid: {:.0f} x {:.0f} cells of {} deg exceed the limit of {} cells: "
                    "choose a larger --grid or a smaller --region",
                    nx, ny, step_deg, kMaxCells));
  nx_ = static_cast<std::size_t>(nx);
  ny_ = static_cast<std::size_t>(ny);
  // Lattice lines, rounded to 1e-9 deg (0.1 mm) so that 38.05 is not 38.050000000000004; a
  // polar row may reach past the pole (its edges are clamped where it matters).
  const auto lattice = [](double v) { return std::round(v * 1e9) / 1e9; };
  west_ = lattice(w * step_deg);
  north_ = lattice(n * step_deg);
  south_ = lattice(s * step_deg);
  if (static_cast<double>(nx_) * step_ > 360.0 + 1e-9) {  // a whole circle: no more than 360 deg
    nx_ = static_cast<std::size_t>(std::floor(360.0 / step_ + 1e-9));
  }
}

std::size_t Grid::cell_of(double lat_deg, double lon_deg) const noexcept {
  if (!(lat_deg >= std::max(-90.0, south_) && lat_deg <= std::min(90.0, north_)) ||
      !std::isfinite(lon_deg))
    return npos;
  double x = std::fmod(lon_deg - west_, 360.0);
  if (x < 0) x += 360.0;
  auto col = static_cast<std::size_t>(std::floor(x / step_));
  if (col >= nx_) {
    if (x <= static_cast<double>(nx_) * step_)
      col = nx_ - 1;  // on the eastern edge
    else
      return npos;
  }
  auto row = static_cast<std::size_t>(std::floor((north_ - lat_deg) / step_));
  if (row >= ny_) row = ny_ - 1;  // on the southern edge
  return row * nx_ + col;
}

double Grid::row_north_deg(std::size_t row) const noexcept {
  return std::clamp(north_ - static_cast<double>(row) * step_, -90.0, 90.0);
}
double Grid::row_south_deg(std::size_t row) const noexcept {
  return std::clamp(north_ - static_cast<double>(row + 1) * step_, -90.0, 90.0);
}

double Grid::cell_area_km2(std::size_t row) const {
  const GeographicLib::Ellipsoid& wgs84 = GeographicLib::Ellipsoid::WGS84();
  constexpr double deg = std::numbers::pi / 180.0;
  const double rq2 = wgs84.Area() / (4.0 * std::numbers::pi);  // authalic radius squared [m^2]
  const double xi_n = wgs84.AuthalicLatitude(row_north_deg(row));
  const double xi_s = wgs84.AuthalicLatitude(row_south_deg(row));
  return step_ * deg * rq2 * (std::sin(xi_n * deg) - std::sin(xi_s * deg)) * 1e-6;
}

std::string Grid::describe() const {
  return fmt::format("{:g},{:g},{:g},{:g} step {:g} deg ({} x {} cells)", west_, south_, east_deg(),
                     north_, step_, nx_, ny_);
}

}  // namespace launchmc::risk
