// The risk command's GIS exports (risk_exports.hpp).
#include "io/risk_exports.hpp"

#include <fmt/format.h>

#include <cmath>
#include <numbers>

namespace launchmc::io {

namespace {

using Type = VectorField::Type;

std::string percent_label(double p) { return fmt::format("{:g} %", p * 100.0); }

}  // namespace

std::vector<VectorLayer> iip_corridor_layers(const engine::IipCorridorSummary& c) {
  // Offsets across the nominal track, in the corridor's own local plane (engine/iip_corridor.hpp:
  // equirectangular about the nominal point, radius kCorridorPlaneRadius_m).
  constexpr double deg = std::numbers::pi / 180.0;
  const double r_km = engine::kCorridorPlaneRadius_m * 1e-3;
  const std::size_t n = c.track.size();
  // The local plane of the offsets is good to ~1 % within ~100 km (engine/iip_corridor.hpp); a
  // half-width beyond 1000 km (the IIP racing downrange at the end of powered flight) has no
  // shape in it: the polygons stop there.
  constexpr double kMaxHalfwidth_km = 1000.0;
  // Nominal longitudes unwrapped along the track (a track across the antimeridian stays whole).
  std::vector<double> lon(n, std::numeric_limits<double>::quiet_NaN());
  double prev = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i = 0; i < n; ++i) {
    const double x = c.track[i].nominal_lon_deg;
    if (!std::isfinite(x) || !std::isfinite(c.track[i].nominal_lat_deg)) continue;
    lon[i] = std::isfinite(prev) ? prev + std::remainder(x - prev, 360.0) : x;
    prev = lon[i];
  }
  const auto valid = [&](std::size_t i) { return std::isfinite(lon[i]); };
  VectorLayer corridor{"iip_corridor",
                       GeometryKind::polygon,
                       {{"name", Type::text}, {"p", Type::real}, {"step_s", Type::real}},
                       {}};
  for (std::size_t j = 0; j < engine::kCorridorProbabilities.size(); ++j) {
    VectorFeature f;
    // Contiguous runs of grid points with a nominal IIP, a direction and a half-width.
    std::vector<risk::LonLat> left, right;
    const auto flush = [&] {
      if (left.size() >= 2) {
        risk::Ring ring(right.begin(), right.end());
        ring.insert(ring.end(), left.rbegin(), left.rend());
        for (risk::Polygon& p : risk::assemble_polygons({ring})) f.polygons.push_back(std::move(p));
      }
      left.clear();
      right.clear();
    };
    for (std::size_t i = 0; i < n; ++i) {
      const double hw = c.track[i].cross_halfwidth_km[j];
      const std::size_t a = i > 0 && valid(i - 1) ? i - 1 : i;
      const std::size_t b = i + 1 < n && valid(i + 1) ? i + 1 : i;
      if (!valid(i) || !(hw <= kMaxHalfwidth_km) || a == b) {
        flush();
        continue;
      }
      const double lat0 = c.track[i].nominal_lat_deg;
      const double east = (lon[b] - lon[a]) * deg * r_km * std::cos(lat0 * deg);
      const double north = (c.track[b].nominal_lat_deg - c.track[a].nominal_lat_deg) * deg * r_km;
      const double len = std::hypot(east, north);
      if (!(len > 0)) {
        flush();
        continue;
      }
      // The left normal of the direction of motion, scaled to the half-width.
      const double ne = -north / len * hw, nn = east / len * hw;
      const double dlon = ne / (r_km * std::cos(lat0 * deg)) / deg, dlat = nn / r_km / deg;
      left.push_back({lon[i] + dlon, lat0 + dlat});
      right.push_back({lon[i] - dlon, lat0 - dlat});
    }
    flush();
    if (f.polygons.empty()) continue;
    f.values = {fmt::format("IIP corridor {}", percent_label(engine::kCorridorProbabilities[j])),
                engine::kCorridorProbabilities[j], c.step_s};
    corridor.features.push_back(std::move(f));
  }
  VectorLayer track{
      "iip_track", GeometryKind::line, {{"name", Type::text}, {"kind", Type::text}}, {}};
  const auto line_of = [&](auto lat_of, auto lon_of) {
    std::vector<std::vector<risk::LonLat>> lines(1);
    for (std::size_t i = 0; i < n; ++i) {
      const double la = lat_of(i), lo = lon_of(i);
      if (std::isfinite(la) && std::isfinite(lo))
        lines.back().push_back({lo, la});
      else if (!lines.back().empty())
        lines.emplace_back();
    }
    std::erase_if(lines, [](const auto& l) { return l.size() < 2; });
    return lines;
  };
  VectorFeature nominal;
  nominal.lines = line_of([&](std::size_t i) { return c.track[i].nominal_lat_deg; },
                          [&](std::size_t i) { return lon[i]; });
  nominal.values = {std::string("nominal IIP track"), std::string("nominal")};
  VectorFeature mean;
  mean.lines = line_of([&](std::size_t i) { return c.track[i].mean_lat_deg; },
                       [&](std::size_t i) { return c.track[i].mean_lon_deg; });
  mean.values = {std::string("mean IIP track"), std::string("mean")};
  for (VectorFeature* f : {&nominal, &mean})
    if (!f->lines.empty()) track.features.push_back(std::move(*f));
  std::vector<VectorLayer> out;
  if (!corridor.features.empty()) out.push_back(std::move(corridor));
  if (!track.features.empty()) out.push_back(std::move(track));
  return out;
}

std::vector<VectorLayer> hazard_vector_layers(const risk::HazardAreas& h) {
  std::vector<VectorLayer> layers;
  VectorLayer contours{"contours",
                       GeometryKind::polygon,
                       {{"name", Type::text},
                        {"group", Type::text},
                        {"kind", Type::text},
                        {"p", Type::real},
                        {"area_km2", Type::real},
                        {"effective_flights", Type::real},
                        {"reliable", Type::integer}},
                       {}};
  for (const risk::Footprint& f : h.footprints)
    for (const risk::ContourLevel& l : f.levels) {
      if (!l.drawn || l.polygons.empty()) continue;
      contours.features.push_back({l.polygons,
                                   {},
                                   {},
                                   {fmt::format("{} {}", f.name, percent_label(l.p)), f.name,
                                    std::string(risk::to_string(f.kind)), l.p, l.area_km2,
                                    f.effective_flights, std::int64_t{l.reliable}}});
    }
  layers.push_back(std::move(contours));
  VectorLayer hazards{"hazard_areas",
                      GeometryKind::polygon,
                      {{"name", Type::text},
                       {"kind", Type::text},
                       {"body", Type::text},
                       {"p", Type::real},
                       {"threshold", Type::real},
                       {"area_km2", Type::real},
                       {"reliable", Type::integer}},
                      {}};
  for (const risk::ShipHazardArea& s : h.ships) {
    if (!s.containment.drawn || s.containment.polygons.empty()) continue;
    hazards.features.push_back(
        {s.containment.polygons,
         {},
         {},
         {fmt::format("ship hazard area {}", s.body), std::string("ship"), s.body, s.containment.p,
          std::monostate{}, s.containment.area_km2, std::int64_t{s.containment.reliable}}});
  }
  const risk::AircraftHazardArea& a = h.aircraft;
  if (!a.polygons.empty())
    hazards.features.push_back(
        {a.polygons,
         {},
         {},
         {std::string("aircraft hazard area"), std::string("aircraft"), std::monostate{},
          std::monostate{}, a.threshold, a.area_km2, std::monostate{}}});
  if (!a.certain_polygons.empty())
    hazards.features.push_back(
        {a.certain_polygons,
         {},
         {},
         {std::string("aircraft hazard area, certainly above"), std::string("aircraft_certain"),
          std::monostate{}, std::monostate{}, a.threshold, a.certain_area_km2, std::monostate{}}});
  layers.push_back(std::move(hazards));
  return layers;
}

std::vector<VectorLayer> risk_vector_layers(const RiskComputation& c) {
  std::vector<VectorLayer> layers = hazard_vector_layers(c.hazards);
  if (c.iip_corridor)
    for (VectorLayer& l : iip_corridor_layers(*c.iip_corridor)) layers.push_back(std::move(l));
  return layers;
}

std::vector<std::filesystem::path> write_risk_vector_exports(const std::string& geojson_prefix,
                                                             const std::filesystem::path& kml_path,
                                                             const RiskComputation& c) {
  const std::vector<VectorLayer> layers = risk_vector_layers(c);
  std::vector<std::filesystem::path> written;
  if (!geojson_prefix.empty())
    for (const VectorLayer& l : layers) {
      written.emplace_back(geojson_prefix + "_" + l.name + ".geojson");
      write_vector_layers(written.back(), VectorFormat::geojson, {l});
    }
  if (!kml_path.empty()) {
    write_vector_layers(kml_path, VectorFormat::kml, layers);
    written.push_back(kml_path);
  }
  return written;
}

}  // namespace launchmc::io
