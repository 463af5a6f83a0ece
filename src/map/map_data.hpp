// What `launchmc map` draws, read from a run file (docs/hdf5_format.md): the launch site, the
// impact points of every body (a deterministic subsample when there are many), the summary's 95 %
// ellipses, the nominal IIP track and the IIP corridor, and the /risk probability map, containment
// contours and hazard areas when `launchmc risk` has written them. Plain data: no GMT, no drawing.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/iip_corridor.hpp"
#include "risk/hazard_areas.hpp"

namespace launchmc::map {

struct LatLon {
  double lat_deg = 0.0;
  double lon_deg = 0.0;  // east, as stored in the file: (-180, 180]
};

// The impacts of one body of the run (a nominal body, the vehicle itself, the bodies released
// after failures, or a fragment class of the breakups).
struct ImpactSet {
  enum class Kind { body, vehicle, other_bodies, fragment_class };
  std::string name;  // "stage1", "vehicle", "other bodies", the fragment class
  Kind kind = Kind::body;
  std::uint64_t total = 0;    // impacts of the run (entries for fragments: one flown each)
  std::vector<LatLon> shown;  // a subsample of at most max_points, chosen by row (see below)
  // Bounding box of all impacts (not only those shown), longitudes unwrapped about the launch
  // site's so that a set across the antimeridian stays contiguous [deg].
  double south_deg = 90, north_deg = -90, west_deg = 1e9, east_deg = -1e9;
  // Root-mean-square distance of the drawn impacts from their mean, on a local equirectangular
  // plane (R = 6371 km) [km]: how scattered the set is (0 below 2 points).
  double rms_km = 0;
};

// A closed outline on the ground: a containment ellipse or the IIP corridor.
struct Outline {
  std::string name;
  std::vector<LatLon> points;  // closed: the last point equals the first
};

// The /risk map of one group ("any": every impact of the flight): its cells with a probability
// (sparse, as stored: a grid across the globe has millions of cells), row 0 north.
struct RiskGrid {
  std::string group;
  double west_deg = 0, north_deg = 0, step_deg = 0;
  std::size_t nx = 0, ny = 0;
  std::vector<std::uint64_t> cell;  // row * nx + column, ascending
  std::vector<double> probability;  // [i]: P(a piece lands in cell[i]) per flight, > 0
  std::uint64_t samples = 0;
};

// The containment levels the map draws of each drawn group (the file has 50, 95, 97, 99 and
// 99.9 %: five nested outlines per group would hide the footprints).
inline constexpr std::array<double, 2> kMapContourLevels{0.95, 0.99};

// What the map shows of /risk/contours and /risk/hazard_areas (io::read_hazard_areas).
struct RiskAreas {
  // footprints: those of the group "any", of the nominal bodies and of the fragment classes, each
  // with its kMapContourLevels levels (as stored: drawn or not, reliable or not); ships and
  // aircraft: every hazard area of the file.
  risk::HazardAreas hazards;
  std::vector<std::string> groups_left_out;  // the other footprints' groups (vehicle, modes, ...)
};

// A named outline the map draws and labels: a user's region (map --regions FILE: notified
// danger zones, EEZs), the run's report.regions and iip.regions (closed) or its iip.lines (open).
struct NamedShape {
  std::string name;
  std::string source;  // where it comes from, for the caption: "report.regions", the file's name
  bool closed = true;
  std::vector<std::vector<LatLon>> rings;  // closed: outer ring(s) and holes; open: one line
};

struct MapData {
  std::filesystem::path run_path;
  std::string scenario;
  std::uint64_t samples = 0, seed = 0;
  std::string sampler;
  LatLon site;
  std::vector<ImpactSet> impacts;       // nominal bodies in order, vehicle, other bodies, classes
  std::vector<Outline> ellipses_95;     // one per body with a drawable ellipse
  std::vector<std::string> no_ellipse;  // "stage3: scattered over 2,300 km (rms)", ...
  std::vector<LatLon> nominal_iip;      // the nominal flight's IIP track (NaN points dropped)
  // Its ground track in powered flight on the same grid (/iip/nominal/vehicle_*; empty in files
  // from before 2026-12-01).
  std::vector<LatLon> nominal_ground_track;
  std::optional<Outline> iip_corridor_99;  // cross-track 99 % band about the nominal IIP
  std::optional<engine::IipCorridorSummary> iip_corridor;  // the corridor itself (for --kml)
  std::optional<RiskGrid> risk;
  std::optional<RiskAreas> risk_areas;  // none without /risk/contours (no /risk, or /risk 1.0)
  // The run's report.regions, iip.regions and iip.lines (a polygon in both sections once), then
  // those the caller adds (map --regions).
  std::vector<NamedShape> shapes;
};

// Reads a run file in slices (memory: the subsamples, not the rows). Each set keeps at most
// `max_points` impacts: those whose row (fragments: row and entry) hashes smallest (bottom-k,
// stats::BottomKSample), so the choice is the same for every render of the file and unbiased
// (rows of a stratified run are not taken in a pattern). Throws std::runtime_error naming the
// file for a file that is not a run file, or a damaged /risk (its contours and hazard areas
// included).
MapData read_map_data(const std::filesystem::path& run_path, std::size_t max_points);

}  // namespace launchmc::map
