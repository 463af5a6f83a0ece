// `launchmc map RUN.h5 -o MAP.png`: the command line of the map (src/map/map_render.hpp).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "map/map_render.hpp"

namespace launchmc::cli {

struct MapCmdOptions {
  std::string file;
  std::string output;
  std::string region;  // "W,S,E,N"; empty: from the data
  std::string shore = "low";
  map::MapOptions map;
};

// Registers the `map` subcommand on `app`, its options filling `options`.
CLI::App* add_map_command(CLI::App& app, MapCmdOptions& options);

// Draws the map: the PNG is written to a temporary beside the output and renamed onto it, so a
// failure leaves nothing (and any older map as it was). Returns the exit status; throws
// std::invalid_argument for bad options and std::runtime_error for a bad run file or a GMT
// failure (main reports them).
int run_map(const MapCmdOptions& options);

}  // namespace launchmc::cli
