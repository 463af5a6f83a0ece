// Footprints and hazard areas from the risk maps' cell table (risk_reducer.hpp), with no
// assumption of a Gaussian shape:
// - a group's containment contours: the highest-density regions holding 50/95/97/99/99.9 % of the
//   group's expected pieces, traced as polygons on its (optionally kernel-smoothed) cell map;
// - the ships' hazard areas of 14 CFR 450.133: each nominal body's 97 % containment of
// normal-flight
//   debris;
// - the aircraft hazard area of 14 CFR 450.133: the cells where P(impact) per flight exceeds 1e-6,
//   with the sampling uncertainty of each cell against that threshold.
// Everything works on the grid (O(cells)): memory and time do not grow with the sample count.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "risk/contours.hpp"
#include "risk/risk_reducer.hpp"

namespace launchmc::risk {

// The containment levels drawn for every group.
inline constexpr std::array<double, 5> kContainmentLevels{0.50, 0.95, 0.97, 0.99, 0.999};
// 14 CFR 450.101 / 450.133 (FAA launch and reentry safety criteria): waterborne vessel hazard
// areas are the 97 % containment of normal-flight debris; aircraft hazard areas bound where the
// probability of impact exceeds 1e-6.
inline constexpr double kShipContainment = 0.97;
inline constexpr double kAircraftImpactProbability = 1e-6;
// A contour level is flagged unreliable unless the group has at least this many effective
// flights, and at least kMinTailFlights of them are expected outside the level (n_eff (1 - p)):
// the boundary of a 99.9 % contour drawn from 1,000 flights rests on one flight.
inline constexpr double kMinEffectiveFlights = 100;
inline constexpr double kMinTailFlights = 10;

// How the cell map is smoothed before its contours are traced.
enum class Bandwidth {
  scott,  // a Gaussian kernel of covariance n_eff^(-1/3) Sigma (Scott's rule in 2-D)
  none,   // the empirical cell map
};
// "scott" or "none"; throws std::invalid_argument naming the choices.
Bandwidth parse_bandwidth(std::string_view text);
const char* to_string(Bandwidth b) noexcept;

struct ContourLevel {
  double p = 0;        // the share of the group's expected pieces inside
  bool drawn = false;  // false: less than p of the pieces landed in the grid (nothing traced)
  // The density on the boundary [expected pieces / km^2 per flight]; NaN when not drawn.
  double threshold_per_km2 = std::numeric_limits<double>::quiet_NaN();
  double mass_inside = 0;   // the share of the pieces in the cells above the threshold (>= p)
  double area_km2 = 0;      // of the polygons, WGS-84
  double tail_flights = 0;  // effective flights expected outside: n_eff (1 - p)
  bool reliable = false;    // n_eff >= kMinEffectiveFlights and tail_flights >= kMinTailFlights
  std::vector<Polygon> polygons;
};

struct Footprint {
  std::size_t group = 0;  // canonical index (RiskReducer::group_names)
  std::string name;
  GroupKind kind = GroupKind::any;
  double expected_pieces = 0;  // per flight, in and outside the grid
  std::uint64_t flights = 0;   // flights with a piece of the group landing
  double effective_flights = 0;
  Bandwidth bandwidth = Bandwidth::scott;
  // The kernel: standard deviations [deg] along longitude and latitude and their correlation
  // (zeros for Bandwidth::none).
  // Of the heaviest cluster when the footprint is split into clusters, each smoothed on its own.
  double kernel_sd_lon_deg = 0, kernel_sd_lat_deg = 0, kernel_correlation = 0;
  // The cells the contours were traced on [deg]: the grid's, or a multiple of it for a footprint
  // spread over more than a million cells.
  double contour_cell_deg = 0;
  std::vector<ContourLevel> levels;
};

// The contours of group `g` at `levels` (each in (0, 1)). `result` is reducer.finish().
Footprint compute_footprint(const RiskReducer& reducer, const RiskResult& result, std::size_t g,
                            std::span<const double> levels, Bandwidth bandwidth);

struct ShipHazardArea {
  std::string body;       // the nominal body
  std::size_t group = 0;  // its normal-flight group (its own group in a run without failures)
  double effective_flights = 0;
  ContourLevel containment;  // at kShipContainment
};

struct AircraftHazardArea {
  double threshold = kAircraftImpactProbability;
  std::size_t group = 0;  // "any": all debris of all flights
  // Cells whose estimated P(at least one piece in the cell) per flight exceeds the threshold.
  std::vector<Polygon> polygons;
  double area_km2 = 0;
  std::uint64_t cells_above = 0;
  // The sampling uncertainty, per cell hit by a piece, from the 95 % Wilson interval on the
  // stratified effective number of trials (stats::stratified_proportion): certainly above
  // (lower bound > threshold), certainly below (upper bound <= threshold), undecided otherwise.
  std::vector<Polygon> certain_polygons;  // the union of the certainly-above cells
  double certain_area_km2 = 0;
  std::uint64_t cells_hit = 0, cells_certain_above = 0, cells_certain_below = 0,
                cells_undecided = 0;
  // Cells never hit: the upper bound of their interval (zero hits), and whether that is below
  // the threshold (else the sample cannot show that any cell of the map is under it).
  double unhit_upper = 0;
  bool unhit_certain_below = false;
  // The probability one flight's hit carries in the stratum of the lightest rows: a cell's
  // estimate is a multiple of such weights, so a threshold below it is not resolved by the sample.
  double single_hit_probability = 0;
};

// The aircraft hazard area of group `g` (default "any").
AircraftHazardArea compute_aircraft_hazard_area(const RiskReducer& reducer,
                                                const RiskResult& result, std::size_t g = 0,
                                                double threshold = kAircraftImpactProbability);

struct HazardAreas {
  std::vector<Footprint> footprints;  // every group with a landed piece, at kContainmentLevels
  std::vector<ShipHazardArea> ships;  // every nominal body that lands in normal flight
  AircraftHazardArea aircraft;
};
HazardAreas compute_hazard_areas(const RiskReducer& reducer, const RiskResult& result,
                                 Bandwidth bandwidth);

}  // namespace launchmc::risk
