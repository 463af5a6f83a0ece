// `launchmc map RUN.h5 -o MAP.png`: the command line of the map (src/map/map_render.hpp).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "map/map_render.hpp"

namespace launchmc::cli {

struct MapCmdOptions {
  std::string file;
  std::string output;  // the PNG; empty: none (then kml must be given)
  std::string kml;     // the KML of the map's vector layers; empty: none
  std::string region;  // "W,S,E,N"; empty: from the data
  std::string shore = "low";
  std::string regions;  // a GeoJSON (or other OGR) file of named polygons to outline; empty: none
  map::MapOptions map;
};

// Registers the `map` subcommand on `app`, its options filling `options`.
CLI::App* add_map_command(CLI::App& app, MapCmdOptions& options);

// Draws the map and/or writes its KML (at least one of -o, --kml): each is written to a
// temporary beside it and renamed onto it, the KML first and the PNG once the KML is written, so
// a failure leaves no PNG (and any older map as it was). Returns the exit status; throws
// std::invalid_argument for bad options and std::runtime_error for a bad run file or a GMT
// failure (main reports them).
int run_map(const MapCmdOptions& options);

}  // namespace launchmc::cli
