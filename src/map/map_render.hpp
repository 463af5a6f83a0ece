// `launchmc map`: a cartographic map of a run file drawn offline with GMT (coastlines and land
// fill from GSHHG, country borders from DCW, graticule, scale bar, legend, title and caption),
// with the run's layers on it: the /risk probability map, the IIP corridor and nominal IIP track,
// every body's impact points, the 95 % ellipses, the launch site. The drawing is a list of layers
// (map_layers.hpp): a new layer (contours, hazard areas) is one more class and one line in
// make_layers.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geo/land_classifier.hpp"
#include "map/map_data.hpp"

namespace launchmc::map {

// A lon/lat box [deg]: west < east (east may exceed 180 for a box across the antimeridian).
struct MapRegion {
  double west_deg = 0, south_deg = 0, east_deg = 0, north_deg = 0;
};
// Parses "W,S,E,N" [deg]; std::invalid_argument naming what is wrong.
MapRegion parse_map_region(std::string_view text);

struct MapOptions {
  std::optional<MapRegion> region;  // none: every impact, the track and the site, with a margin
  std::string title;                // empty: the scenario's name
  int dpi = 150;                    // 50 .. 1200
  double width_cm = 24.0;           // the whole figure's width (map, legend): 12 .. 100 cm
  std::size_t max_points = 5000;    // impact points drawn per body (1 .. 1,000,000)
  geo::ShoreResolution shore = geo::ShoreResolution::low;
};
// Throws std::invalid_argument naming the option for a value out of range.
void validate(const MapOptions& options);

// Where things are on the page, and what was written in words: for the caller's report and for
// tests that look at pixels.
struct MapLayout {
  MapRegion region;
  bool region_from_data = false;
  std::string projection;  // GMT -J, e.g. "M18.1c"
  double page_width_cm = 0, page_height_cm = 0;
  double map_x_cm = 0, map_y_cm = 0;  // the map frame's lower left corner from the page's
  double map_width_cm = 0, map_height_cm = 0;
  int width_px = 0, height_px = 0;  // the PNG's size: the page at the dpi
  std::string title, subtitle;
  std::vector<std::string> legend;   // the legend's labels, top to bottom
  std::vector<std::string> caption;  // the lines under the map
};

// The part of the nominal IIP track the default region holds: from liftoff until the IIP is
// farther from the launch site than the farthest corner of `box` (the IIP of a flight near orbital
// speed runs around the globe in its last seconds); the whole track when `whole`.
std::vector<LatLon> track_in_region_reach(const MapData& data, const MapRegion& box, bool whole);

// True for a set whose rms distance from its mean impact exceeds 1,000 km (the summary's
// threshold for an ellipse: engine::kScatteredRmsKm).
bool scattered(const ImpactSet& set);

// The default region of a run: the box of every impact of the sets that are not scattered (of
// all sets when every one is), the nominal IIP track (as above) and the launch site (longitudes
// unwrapped about the site's), with a margin of 8 % of the larger side (at least 1 deg), widened
// to an aspect the page can hold. Throws std::runtime_error naming the file when there is nothing
// to draw (no impacts and no track).
MapRegion default_region(const MapData& data);

// Draws `data` into a PNG at `png_path` (written as given: the caller makes it atomic). Throws
// std::runtime_error with GMT's messages if GMT fails.
MapLayout draw_map(const MapData& data, const MapOptions& options,
                   const std::filesystem::path& png_path);

// "1,234,567".
std::string with_thousands(std::uint64_t n);

}  // namespace launchmc::map
