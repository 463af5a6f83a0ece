// The map's KML (see map_kml.hpp).
#include "map/map_kml.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "io/risk_exports.hpp"

namespace launchmc::map {

namespace {

using FieldType = io::VectorField::Type;

// The corridor's probability the map draws (map_data.cpp: engine::kCorridorProbabilities[2]).
constexpr double kMapCorridorProbability = 0.99;

}  // namespace

std::vector<io::VectorLayer> map_vector_layers(const MapData& d) {
  std::vector<io::VectorLayer> layers;
  io::VectorLayer site{"launch_site", io::GeometryKind::point, {{"name", FieldType::text}}, {}};
  site.features.push_back(
      {{}, {}, {{d.site.lon_deg, d.site.lat_deg}}, {fmt::format("launch site ({})", d.scenario)}});
  layers.push_back(std::move(site));

  if (d.iip_corridor) {
    // The map draws the nominal track and the 99 % band only: the same here (the layers' first
    // field is the name; the track's second its kind, the corridor's second its probability).
    std::vector<io::VectorLayer> corridor = io::iip_corridor_layers(*d.iip_corridor);
    for (const char* name : {"iip_track", "iip_corridor"})
      for (io::VectorLayer& l : corridor) {
        if (l.name != name) continue;
        std::erase_if(l.features, [&](const io::VectorFeature& f) {
          if (l.name == "iip_track") return std::get<std::string>(f.values[1]) != "nominal";
          return std::abs(std::get<double>(f.values[1]) - kMapCorridorProbability) > 1e-9;
        });
        if (!l.features.empty()) layers.push_back(std::move(l));
      }
  }
  if (d.nominal_ground_track.size() >= 2) {
    io::VectorLayer ground{"ground_track", io::GeometryKind::line, {{"name", FieldType::text}}, {}};
    std::vector<risk::LonLat> line;
    for (const LatLon& p : d.nominal_ground_track) line.push_back({p.lon_deg, p.lat_deg});
    ground.features.push_back({{}, {std::move(line)}, {}, {std::string("nominal ground track")}});
    layers.push_back(std::move(ground));
  }
  if (!d.ellipses_95.empty()) {
    io::VectorLayer ellipses{
        "ellipses_95",
        io::GeometryKind::polygon,
        {{"name", FieldType::text}, {"body", FieldType::text}, {"p", FieldType::real}},
        {}};
    for (const Outline& o : d.ellipses_95) {
      risk::Ring ring;
      for (const LatLon& p : o.points) ring.push_back({p.lon_deg, p.lat_deg});
      // Outlines are closed (the last point repeats the first); rings are not.
      if (ring.size() > 1) ring.pop_back();
      // Counter-clockwise as an outer ring must be (the outline's turn is the ellipse's
      // parametrisation's): by the sign of its area, longitudes unwrapped about the first point.
      double twice_area = 0;
      for (std::size_t i = 0; i < ring.size(); ++i) {
        const risk::LonLat& a = ring[i];
        const risk::LonLat& b = ring[(i + 1) % ring.size()];
        const double ax = std::remainder(a.lon_deg - ring[0].lon_deg, 360.0);
        const double bx = std::remainder(b.lon_deg - ring[0].lon_deg, 360.0);
        twice_area += ax * b.lat_deg - bx * a.lat_deg;
      }
      if (twice_area < 0) std::reverse(ring.begin(), ring.end());
      ellipses.features.push_back({{risk::Polygon{{std::move(ring)}}},
                                   {},
                                   {},
                                   {fmt::format("{} 95 % ellipse", o.name), o.name, 0.95}});
    }
    layers.push_back(std::move(ellipses));
  }
  if (d.risk_areas)
    for (io::VectorLayer& l : io::hazard_vector_layers(d.risk_areas->hazards))
      layers.push_back(std::move(l));
  if (!d.shapes.empty()) {
    // Outlines, as the map draws them (a region's rings closed): a region's holes stay open
    // whatever the file's ring orientation.
    io::VectorLayer regions{"regions",
                            io::GeometryKind::line,
                            {{"name", FieldType::text}, {"source", FieldType::text}},
                            {}};
    for (const NamedShape& s : d.shapes) {
      io::VectorFeature f{{}, {}, {}, {s.name, s.source}};
      for (const auto& ring : s.rings) {
        std::vector<risk::LonLat> line;
        for (const LatLon& p : ring) line.push_back({p.lon_deg, p.lat_deg});
        if (s.closed && !ring.empty() &&
            (ring.front().lat_deg != ring.back().lat_deg ||
             ring.front().lon_deg != ring.back().lon_deg))
          line.push_back({ring.front().lon_deg, ring.front().lat_deg});
        if (line.size() >= 2) f.lines.push_back(std::move(line));
      }
      if (!f.lines.empty()) regions.features.push_back(std::move(f));
    }
    if (!regions.features.empty()) layers.push_back(std::move(regions));
  }
  return layers;
}

std::size_t write_map_kml(const MapData& data, const std::filesystem::path& path) {
  const std::vector<io::VectorLayer> layers = map_vector_layers(data);
  io::write_vector_layers(path, io::VectorFormat::kml, layers);
  return layers.size();
}

}  // namespace launchmc::map
