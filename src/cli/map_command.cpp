// The `map` command (see map_command.hpp).
#include "cli/map_command.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <vector>

#include "geo/region_classifier.hpp"
#include "io/output_file.hpp"
#include "map/map_data.hpp"
#include "map/map_kml.hpp"

namespace launchmc::cli {

CLI::App* add_map_command(CLI::App& app, MapCmdOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "map",
      "draw a run file on a map (PNG; GMT, offline): coastlines, borders, launch site, IIP track "
      "and corridor, impacts, 95 % ellipses, and /risk's probability per cell, containment "
      "contours and hazard areas; --kml: the same as vector layers");
  cmd->add_option("file", o.file, "HDF5 file written by run -o (and risk)")->required();
  cmd->add_option("-o,--output", o.output, "the PNG to write (-o, --kml or both)");
  cmd->add_option("--kml", o.kml,
                  "also (or, without -o, only) write the map's vector layers to this KML: launch "
                  "site, nominal IIP track, 99 % IIP corridor, 95 % ellipses, contours, hazard "
                  "areas");
  cmd->add_option("--region", o.region,
                  "W,S,E,N in degrees (default: the footprints that are not scattered, the IIP "
                  "track and the site, with a margin)");
  cmd->add_option("--title", o.map.title, "the title (default: the scenario's name)");
  cmd->add_option("--dpi", o.map.dpi, "resolution of the PNG (50 to 1200)")->capture_default_str();
  cmd->add_option("--width-cm", o.map.width_cm,
                  "width of the whole figure (map and legend), 12 to 100 cm; the PNG is this "
                  "width at --dpi")
      ->capture_default_str();
  cmd->add_option("--max-points", o.map.max_points,
                  "impact points drawn per body at most (a subset chosen by row, the same on "
                  "every render)")
      ->capture_default_str();
  cmd->add_option("--regions", o.regions,
                  "outline and name the polygons of this GeoJSON file (as risk --regions: "
                  "notified danger zones, EEZs); the run's report.regions, iip.regions and "
                  "iip.lines are drawn without it");
  cmd->add_option("--shore", o.shore, "GSHHG coastline resolution: crude, low, intermediate")
      ->capture_default_str();
  return cmd;
}

int run_map(const MapCmdOptions& opt) {
  const auto start = std::chrono::steady_clock::now();
  map::MapOptions options = opt.map;
  if (!opt.region.empty()) options.region = map::parse_map_region(opt.region);
  // Debian's gmt-gshhg-low has GSHHG's crude, low and intermediate resolutions only; GMT would
  // fall back to another resolution silently, and the caption would name the wrong one.
  if (opt.shore != "crude" && opt.shore != "low" && opt.shore != "intermediate" &&
      opt.shore != "c" && opt.shore != "l" && opt.shore != "i")
    throw std::invalid_argument(
        fmt::format("--shore {}: expected crude, low or intermediate (the GSHHG resolutions of "
                    "gmt-gshhg-low)",
                    opt.shore));
  options.shore = geo::parse_shore_resolution(opt.shore);
  map::validate(options);
  if (opt.output.empty() && opt.kml.empty())
    throw std::invalid_argument("-o, --kml: give -o MAP.png, --kml MAP.kml or both");
  const std::filesystem::path output(opt.output), kml(opt.kml);
  if (!opt.output.empty()) {
    if (output.extension() != ".png")
      throw std::invalid_argument(
          fmt::format("-o {}: expected a file name ending in .png (the map is a PNG)", opt.output));
    io::check_output_path(output, "-o", {std::filesystem::path(opt.file)});
  }
  if (!opt.kml.empty()) {
    if (kml.extension() != ".kml")
      throw std::invalid_argument(
          fmt::format("--kml {}: expected a file name ending in .kml", opt.kml));
    io::check_output_path(kml, "--kml", {std::filesystem::path(opt.file)});
    if (!opt.output.empty() && std::filesystem::absolute(kml).lexically_normal() ==
                                   std::filesystem::absolute(output).lexically_normal())
      throw std::invalid_argument("--kml: the same file as -o");
  }
  if (!std::filesystem::is_regular_file(opt.file))
    throw std::runtime_error(fmt::format("map: {}: no such run file", opt.file));
  // The user's regions are read (and refused, naming the file and feature) before any work.
  std::vector<map::NamedShape> user_shapes;
  if (!opt.regions.empty()) {
    const geo::RegionClassifier regions(opt.regions);
    const std::string source = std::filesystem::path(opt.regions).filename().string();
    for (std::size_t a = 0; a < regions.size(); ++a)
      user_shapes.push_back({regions.name(a), source, true, {}});
    // One pass over the rings (a file of many features: not once per feature), in file order.
    for (const auto& ring : regions.rings()) {
      std::vector<map::LatLon>& points = user_shapes[ring.area].rings.emplace_back();
      for (const auto& v : ring.vertices) points.push_back({v.lat_deg, v.lon_deg});
    }
  }

  std::optional<io::AtomicOutput> out;
  if (!opt.output.empty()) {
    out.emplace(output);
    // Fail before the work when the output's directory cannot be written.
    std::ofstream probe(out->temporary(), std::ios::binary);
    if (!probe)
      throw std::runtime_error(
          fmt::format("map: cannot write {}: {}", out->temporary().string(), std::strerror(errno)));
  }
  map::MapData data = map::read_map_data(opt.file, options.max_points);
  for (auto& shape : user_shapes) data.shapes.push_back(std::move(shape));
  std::optional<map::MapLayout> layout;
  if (out) layout = map::draw_map(data, options, out->temporary());
  // The KML before the PNG is committed: a KML that cannot be written leaves no new PNG either.
  std::size_t kml_layers = 0;
  if (!opt.kml.empty()) kml_layers = map::write_map_kml(data, kml);
  if (out) out->commit();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (layout)
    fmt::print("map written to {} ({} x {} px at {} dpi, drawn in {:.1f} s)\n", output.string(),
               layout->width_px, layout->height_px, options.dpi, seconds);
  if (!opt.kml.empty()) fmt::print("KML written to {} ({} layers)\n", kml.string(), kml_layers);
  return 0;
}

}  // namespace launchmc::cli
