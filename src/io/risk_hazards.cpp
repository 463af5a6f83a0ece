// Contours and hazard areas in the run file, JSON and text (risk_hazards.hpp).
#include "io/risk_hazards.hpp"

#include <fmt/format.h>

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace launchmc::io {

namespace {

nlohmann::json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

}  // namespace

void write_polygon_set(h5::Group& g,
                       const std::vector<const std::vector<risk::Polygon>*>& entries) {
  std::vector<std::uint64_t> polygon_end, ring_end, point_end;
  std::vector<double> lon, lat;
  for (const auto* polygons : entries) {
    for (const risk::Polygon& p : *polygons) {
      for (const risk::Ring& r : p.rings) {
        for (const risk::LonLat& q : r) {
          lon.push_back(q.lon_deg);
          lat.push_back(q.lat_deg);
        }
        point_end.push_back(lon.size());
      }
      ring_end.push_back(point_end.size());
    }
    polygon_end.push_back(ring_end.size());
  }
  g.write<std::uint64_t>("polygon_end", polygon_end);
  g.write<std::uint64_t>("ring_end", ring_end);
  g.write<std::uint64_t>("point_end", point_end);
  g.write<double>("lon_deg", lon).set_attribute("units", "deg");
  g.write<double>("lat_deg", lat).set_attribute("units", "deg");
}

std::vector<std::vector<risk::Polygon>> read_polygon_set(const h5::Group& g) {
  const auto polygon_end = g.read<std::uint64_t>("polygon_end");
  const auto ring_end = g.read<std::uint64_t>("ring_end");
  const auto point_end = g.read<std::uint64_t>("point_end");
  const auto lon = g.read<double>("lon_deg");
  const auto lat = g.read<double>("lat_deg");
  if (lon.size() != lat.size()) throw std::runtime_error("polygons: lon_deg and lat_deg differ");
  std::vector<std::vector<risk::Polygon>> out;
  std::uint64_t p0 = 0, r0 = 0, q0 = 0;
  for (const std::uint64_t pe : polygon_end) {
    if (pe < p0 || pe > ring_end.size()) throw std::runtime_error("polygons: bad polygon_end");
    std::vector<risk::Polygon> entry;
    for (; p0 < pe; ++p0) {
      risk::Polygon poly;
      if (ring_end[p0] < r0 || ring_end[p0] > point_end.size())
        throw std::runtime_error("polygons: bad ring_end");
      for (; r0 < ring_end[p0]; ++r0) {
        if (point_end[r0] < q0 || point_end[r0] > lon.size())
          throw std::runtime_error("polygons: bad point_end");
        risk::Ring ring;
        for (; q0 < point_end[r0]; ++q0) ring.push_back({lon[q0], lat[q0]});
        poly.rings.push_back(std::move(ring));
      }
      entry.push_back(std::move(poly));
    }
    out.push_back(std::move(entry));
  }
  return out;
}

void write_hazard_areas(h5::Group& risk_group, const risk::HazardAreas& h,
                        risk::Bandwidth bandwidth) {
  {
    h5::Group g = risk_group.create_group("contours");
    g.set_attribute("meaning",
                    "containment contours: per group with a landed piece and level p, the "
                    "highest-density region of the group's cell map holding p of its expected "
                    "pieces, as polygons; see docs/hdf5_format.md");
    g.set_attribute("bandwidth", risk::to_string(bandwidth));
    g.set_attribute("min_effective_flights", risk::kMinEffectiveFlights);
    g.set_attribute("min_tail_flights", risk::kMinTailFlights);
    std::vector<std::uint64_t> group;
    std::vector<std::uint8_t> drawn, reliable;
    std::vector<double> p, threshold, mass, area, eff, tail, sd_lon, sd_lat, corr, cell;
    std::vector<const std::vector<risk::Polygon>*> polygons;
    for (const risk::Footprint& f : h.footprints)
      for (const risk::ContourLevel& l : f.levels) {
        group.push_back(f.group);
        p.push_back(l.p);
        drawn.push_back(l.drawn);
        threshold.push_back(l.threshold_per_km2);
        mass.push_back(l.mass_inside);
        area.push_back(l.area_km2);
        eff.push_back(f.effective_flights);
        tail.push_back(l.tail_flights);
        reliable.push_back(l.reliable);
        sd_lon.push_back(f.kernel_sd_lon_deg);
        sd_lat.push_back(f.kernel_sd_lat_deg);
        corr.push_back(f.kernel_correlation);
        cell.push_back(f.contour_cell_deg);
        polygons.push_back(&l.polygons);
      }
    g.write<std::uint64_t>("group", group);
    g.write<double>("p", p).set_attribute("units", "1");
    g.write<std::uint8_t>("drawn", drawn);
    g.write<double>("threshold_per_km2", threshold).set_attribute("units", "1/km^2");
    g.write<double>("mass_inside", mass).set_attribute("units", "1");
    g.write<double>("area_km2", area).set_attribute("units", "km^2");
    g.write<double>("effective_flights", eff).set_attribute("units", "1");
    g.write<double>("tail_flights", tail).set_attribute("units", "1");
    g.write<std::uint8_t>("reliable", reliable);
    g.write<double>("kernel_sd_lon_deg", sd_lon).set_attribute("units", "deg");
    g.write<double>("kernel_sd_lat_deg", sd_lat).set_attribute("units", "deg");
    g.write<double>("kernel_correlation", corr).set_attribute("units", "1");
    g.write<double>("cell_deg", cell).set_attribute("units", "deg");
    write_polygon_set(g, polygons);
  }
  h5::Group hz = risk_group.create_group("hazard_areas");
  hz.set_attribute("meaning",
                   "hazard areas of 14 CFR 450.133: ships (97 % containment of each nominal "
                   "body's normal-flight debris), aircraft (cells with P(impact) per flight > "
                   "1e-6); see docs/hdf5_format.md");
  {
    h5::Group g = hz.create_group("ships");
    g.set_attribute("p", risk::kShipContainment);
    std::vector<std::string> body;
    std::vector<std::uint64_t> group;
    std::vector<std::uint8_t> drawn, reliable;
    std::vector<double> area, eff, threshold;
    std::vector<const std::vector<risk::Polygon>*> polygons;
    for (const risk::ShipHazardArea& s : h.ships) {
      body.push_back(s.body);
      group.push_back(s.group);
      drawn.push_back(s.containment.drawn);
      reliable.push_back(s.containment.reliable);
      area.push_back(s.containment.area_km2);
      eff.push_back(s.effective_flights);
      threshold.push_back(s.containment.threshold_per_km2);
      polygons.push_back(&s.containment.polygons);
    }
    g.write<std::string>("body", body);
    g.write<std::uint64_t>("group", group);
    g.write<std::uint8_t>("drawn", drawn);
    g.write<std::uint8_t>("reliable", reliable);
    g.write<double>("area_km2", area).set_attribute("units", "km^2");
    g.write<double>("effective_flights", eff).set_attribute("units", "1");
    g.write<double>("threshold_per_km2", threshold).set_attribute("units", "1/km^2");
    write_polygon_set(g, polygons);
  }
  {
    const risk::AircraftHazardArea& a = h.aircraft;
    h5::Group g = hz.create_group("aircraft");
    g.set_attribute("threshold", a.threshold);
    g.set_attribute("group", static_cast<std::uint64_t>(a.group));
    g.set_attribute("area_km2", a.area_km2);
    g.set_attribute("certain_area_km2", a.certain_area_km2);
    g.set_attribute("cells_hit", a.cells_hit);
    g.set_attribute("cells_above", a.cells_above);
    g.set_attribute("cells_certain_above", a.cells_certain_above);
    g.set_attribute("cells_certain_below", a.cells_certain_below);
    g.set_attribute("cells_undecided", a.cells_undecided);
    g.set_attribute("unhit_upper", a.unhit_upper);
    g.set_attribute("unhit_certain_below", static_cast<std::uint64_t>(a.unhit_certain_below));
    g.set_attribute("single_hit_probability", a.single_hit_probability);
    h5::Group e = g.create_group("estimate");
    write_polygon_set(e, {&a.polygons});
    h5::Group c = g.create_group("certain");
    write_polygon_set(c, {&a.certain_polygons});
  }
}

namespace {

risk::GroupKind group_kind_of(const std::string& text) {
  for (const risk::GroupKind k : {risk::GroupKind::any, risk::GroupKind::body,
                                  risk::GroupKind::vehicle, risk::GroupKind::failure_mode,
                                  risk::GroupKind::normal_flight, risk::GroupKind::fragment_class})
    if (text == risk::to_string(k)) return k;
  throw std::runtime_error(fmt::format("groups/kind: unknown kind '{}'", text));
}

// Checks that every column of a ragged table has `n` rows.
void check_rows(std::size_t n, std::size_t rows, const std::string& what) {
  if (rows != n) throw std::runtime_error(fmt::format("{}: {} rows, expected {}", what, rows, n));
}

}  // namespace

risk::HazardAreas read_hazard_areas(const h5::Group& risk_group) {
  const auto names = risk_group.read<std::string>("groups/name");
  const auto kinds = risk_group.read<std::string>("groups/kind");
  check_rows(names.size(), kinds.size(), "groups/kind");
  risk::HazardAreas h;
  {
    const h5::Group g = risk_group.open_group("contours");
    const risk::Bandwidth bandwidth = risk::parse_bandwidth(g.attribute<std::string>("bandwidth"));
    const auto group = g.read<std::uint64_t>("group");
    const auto p = g.read<double>("p");
    const auto drawn = g.read<std::uint8_t>("drawn");
    const auto reliable = g.read<std::uint8_t>("reliable");
    const auto threshold = g.read<double>("threshold_per_km2");
    const auto mass = g.read<double>("mass_inside");
    const auto area = g.read<double>("area_km2");
    const auto eff = g.read<double>("effective_flights");
    const auto tail = g.read<double>("tail_flights");
    const auto sd_lon = g.read<double>("kernel_sd_lon_deg");
    const auto sd_lat = g.read<double>("kernel_sd_lat_deg");
    const auto corr = g.read<double>("kernel_correlation");
    const auto cell = g.read<double>("cell_deg");
    auto polygons = read_polygon_set(g);
    const std::size_t n = group.size();
    check_rows(n, p.size(), "contours/p");
    check_rows(n, drawn.size(), "contours/drawn");
    check_rows(n, reliable.size(), "contours/reliable");
    check_rows(n, threshold.size(), "contours/threshold_per_km2");
    check_rows(n, mass.size(), "contours/mass_inside");
    check_rows(n, area.size(), "contours/area_km2");
    check_rows(n, eff.size(), "contours/effective_flights");
    check_rows(n, tail.size(), "contours/tail_flights");
    check_rows(n, sd_lon.size(), "contours/kernel_sd_lon_deg");
    check_rows(n, sd_lat.size(), "contours/kernel_sd_lat_deg");
    check_rows(n, corr.size(), "contours/kernel_correlation");
    check_rows(n, cell.size(), "contours/cell_deg");
    check_rows(n, polygons.size(), "contours/polygon_end");
    for (std::size_t i = 0; i < n; ++i) {
      if (group[i] >= names.size())
        throw std::runtime_error(fmt::format("contours/group row {} is {}, /risk has {} groups", i,
                                             group[i], names.size()));
      // The writer puts a group's levels in consecutive rows: a new footprint starts where the
      // group changes.
      if (h.footprints.empty() || h.footprints.back().group != group[i]) {
        risk::Footprint f;
        f.group = group[i];
        f.name = names[group[i]];
        f.kind = group_kind_of(kinds[group[i]]);
        f.effective_flights = eff[i];
        f.bandwidth = bandwidth;
        f.kernel_sd_lon_deg = sd_lon[i];
        f.kernel_sd_lat_deg = sd_lat[i];
        f.kernel_correlation = corr[i];
        f.contour_cell_deg = cell[i];
        h.footprints.push_back(std::move(f));
      }
      risk::ContourLevel l;
      l.p = p[i];
      l.drawn = drawn[i] != 0;
      l.threshold_per_km2 = threshold[i];
      l.mass_inside = mass[i];
      l.area_km2 = area[i];
      l.tail_flights = tail[i];
      l.reliable = reliable[i] != 0;
      l.polygons = std::move(polygons[i]);
      h.footprints.back().levels.push_back(std::move(l));
    }
  }
  {
    const h5::Group g = risk_group.open_group("hazard_areas/ships");
    const double p = g.attribute<double>("p");
    const auto body = g.read<std::string>("body");
    const auto group = g.read<std::uint64_t>("group");
    const auto drawn = g.read<std::uint8_t>("drawn");
    const auto reliable = g.read<std::uint8_t>("reliable");
    const auto area = g.read<double>("area_km2");
    const auto eff = g.read<double>("effective_flights");
    const auto threshold = g.read<double>("threshold_per_km2");
    auto polygons = read_polygon_set(g);
    const std::size_t n = body.size();
    check_rows(n, group.size(), "hazard_areas/ships/group");
    check_rows(n, drawn.size(), "hazard_areas/ships/drawn");
    check_rows(n, reliable.size(), "hazard_areas/ships/reliable");
    check_rows(n, area.size(), "hazard_areas/ships/area_km2");
    check_rows(n, eff.size(), "hazard_areas/ships/effective_flights");
    check_rows(n, threshold.size(), "hazard_areas/ships/threshold_per_km2");
    check_rows(n, polygons.size(), "hazard_areas/ships/polygon_end");
    for (std::size_t i = 0; i < n; ++i) {
      if (group[i] >= names.size())
        throw std::runtime_error(
            fmt::format("hazard_areas/ships/group row {} is {}, /risk has {} groups", i, group[i],
                        names.size()));
      risk::ShipHazardArea s;
      s.body = body[i];
      s.group = group[i];
      s.effective_flights = eff[i];
      s.containment.p = p;
      s.containment.drawn = drawn[i] != 0;
      s.containment.reliable = reliable[i] != 0;
      s.containment.area_km2 = area[i];
      s.containment.threshold_per_km2 = threshold[i];
      s.containment.polygons = std::move(polygons[i]);
      h.ships.push_back(std::move(s));
    }
  }
  {
    const h5::Group g = risk_group.open_group("hazard_areas/aircraft");
    risk::AircraftHazardArea& a = h.aircraft;
    a.threshold = g.attribute<double>("threshold");
    a.group = g.attribute<std::uint64_t>("group");
    a.area_km2 = g.attribute<double>("area_km2");
    a.certain_area_km2 = g.attribute<double>("certain_area_km2");
    a.cells_hit = g.attribute<std::uint64_t>("cells_hit");
    a.cells_above = g.attribute<std::uint64_t>("cells_above");
    a.cells_certain_above = g.attribute<std::uint64_t>("cells_certain_above");
    a.cells_certain_below = g.attribute<std::uint64_t>("cells_certain_below");
    a.cells_undecided = g.attribute<std::uint64_t>("cells_undecided");
    a.unhit_upper = g.attribute<double>("unhit_upper");
    a.unhit_certain_below = g.attribute<std::uint64_t>("unhit_certain_below") != 0;
    a.single_hit_probability = g.attribute<double>("single_hit_probability");
    auto estimate = read_polygon_set(g.open_group("estimate"));
    auto certain = read_polygon_set(g.open_group("certain"));
    check_rows(1, estimate.size(), "hazard_areas/aircraft/estimate/polygon_end");
    check_rows(1, certain.size(), "hazard_areas/aircraft/certain/polygon_end");
    a.polygons = std::move(estimate[0]);
    a.certain_polygons = std::move(certain[0]);
  }
  return h;
}

void add_hazard_areas_json(nlohmann::json& j, const risk::HazardAreas& h) {
  using nlohmann::json;
  json fps = json::array();
  for (const risk::Footprint& f : h.footprints) {
    json levels = json::array();
    for (const risk::ContourLevel& l : f.levels)
      levels.push_back({{"p", l.p},
                        {"drawn", l.drawn},
                        {"area_km2", l.drawn ? json(l.area_km2) : json(nullptr)},
                        {"polygons", l.polygons.size()},
                        {"reliable", l.reliable}});
    fps.push_back({{"name", f.name},
                   {"kind", risk::to_string(f.kind)},
                   {"flights", f.flights},
                   {"effective_flights", f.effective_flights},
                   {"bandwidth", risk::to_string(f.bandwidth)},
                   {"contours", levels}});
  }
  j["footprints"] = fps;
  json ships = json::array();
  for (const risk::ShipHazardArea& s : h.ships)
    ships.push_back(
        {{"body", s.body},
         {"p", s.containment.p},
         {"drawn", s.containment.drawn},
         {"area_km2", s.containment.drawn ? json(s.containment.area_km2) : json(nullptr)},
         {"effective_flights", s.effective_flights},
         {"reliable", s.containment.reliable}});
  const risk::AircraftHazardArea& a = h.aircraft;
  json aircraft = {{"threshold", a.threshold},
                   {"area_km2", a.area_km2},
                   {"cells_above", a.cells_above},
                   {"certain_area_km2", a.certain_area_km2},
                   {"cells_hit", a.cells_hit},
                   {"cells_certain_above", a.cells_certain_above},
                   {"cells_certain_below", a.cells_certain_below},
                   {"cells_undecided", a.cells_undecided},
                   {"unhit_cell_upper", number_or_null(a.unhit_upper)},
                   {"unhit_cells_certainly_below", a.unhit_certain_below},
                   {"single_hit_probability", a.single_hit_probability}};
  j["hazard_areas"] = {{"ships", ships}, {"aircraft", aircraft}};
}

std::string hazard_areas_text(const risk::HazardAreas& h) {
  std::ostringstream s;
  for (const risk::ShipHazardArea& ship : h.ships) {
    if (ship.containment.drawn)
      s << fmt::format(
          "ship hazard area of {} (97 % of its normal-flight impacts): {:.6g} km^2 in {} "
          "polygon(s), {:.0f} effective flights{}\n",
          ship.body, ship.containment.area_km2, ship.containment.polygons.size(),
          ship.effective_flights, ship.containment.reliable ? "" : " (too few: not reliable)");
    else
      s << fmt::format(
          "ship hazard area of {}: not drawn (less than 97 % of its impacts in the "
          "grid)\n",
          ship.body);
  }
  const risk::AircraftHazardArea& a = h.aircraft;
  s << fmt::format(
      "aircraft hazard area (P(impact) per flight > {:g} per cell): {:.6g} km^2, {} cells; of "
      "the {} cells hit, {} certainly above (95 %: {:.6g} km^2), {} certainly below, {} "
      "undecided; a cell never hit is {} (upper bound {:.3g}); one hit weighs {:.3g}\n",
      a.threshold, a.area_km2, a.cells_above, a.cells_hit, a.cells_certain_above,
      a.certain_area_km2, a.cells_certain_below, a.cells_undecided,
      a.unhit_certain_below ? "certainly below" : "not shown to be below", a.unhit_upper,
      a.single_hit_probability);
  return s.str();
}

}  // namespace launchmc::io
