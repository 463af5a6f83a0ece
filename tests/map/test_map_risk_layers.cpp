// `launchmc map`'s containment contours and hazard areas, and `map --kml`: the legend's and
// caption's entries against what /risk/contours and /risk/hazard_areas hold (read here with the
// HDF5 reader directly, not through the map's reader), known polygons drawn at the pixels GMT's
// own `gmt mapproject` program gives (a hole left open, a polygon with longitudes beyond 180),
// a run without /risk saying it has no contours, and the KML read back with GDAL/OGR: its layers,
// feature counts and coordinates against the run file's datasets.
#include <gdal.h>
#include <gtest/gtest.h>
#include <ogr_api.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../support/cli_runner.hpp"
#include "../support/map_png.hpp"
#include "io/hdf5_file.hpp"
#include "map/map_data.hpp"
#include "map/map_render.hpp"

namespace map_risk_layers_test {

namespace fs = std::filesystem;
namespace h5 = launchmc::io::h5;
namespace map = launchmc::map;
namespace risk = launchmc::risk;
using launchmc::test_support::CommandResult;
using launchmc::test_support::count_within;
using launchmc::test_support::Image;
using launchmc::test_support::kConfigDir;
using launchmc::test_support::pixels_of;
using launchmc::test_support::read_png;
using launchmc::test_support::Rgb;
using launchmc::test_support::run_launchmc_in;

// The colours docs/map.md gives the layers.
constexpr Rgb kAircraft{190, 0, 140};
constexpr Rgb kShip{0, 60, 170};
constexpr Rgb kAnyContour{60, 60, 60};

// The caption's sentences (its lines joined back: a wrapped sentence continues on lines that
// start with two spaces).
std::string caption_text(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += l.rfind("  ", 0) == 0 ? " " + l.substr(2) : "\n" + l;
  return s;
}

bool has_label(const std::vector<std::string>& labels, const std::string& text) {
  return std::find(labels.begin(), labels.end(), text) != labels.end();
}

// One entry of a ragged polygon set as stored (docs/hdf5_format.md): its points' box and counts,
// computed from the raw datasets.
struct StoredEntry {
  double west = 1e9, east = -1e9, south = 90, north = -90;
  std::size_t polygons = 0, rings = 0, points = 0;
};
StoredEntry stored_entry(const h5::Group& g, std::size_t e) {
  const auto polygon_end = g.read<std::uint64_t>("polygon_end");
  const auto ring_end = g.read<std::uint64_t>("ring_end");
  const auto point_end = g.read<std::uint64_t>("point_end");
  const auto lon = g.read<double>("lon_deg");
  const auto lat = g.read<double>("lat_deg");
  StoredEntry s;
  const std::uint64_t p0 = e == 0 ? 0 : polygon_end[e - 1], p1 = polygon_end[e];
  s.polygons = p1 - p0;
  if (s.polygons == 0) return s;
  const std::uint64_t r0 = p0 == 0 ? 0 : ring_end[p0 - 1], r1 = ring_end[p1 - 1];
  s.rings = r1 - r0;
  const std::uint64_t q0 = r0 == 0 ? 0 : point_end[r0 - 1], q1 = point_end[r1 - 1];
  s.points = q1 - q0;
  for (std::uint64_t q = q0; q < q1; ++q) {
    s.west = std::min(s.west, lon[q]);
    s.east = std::max(s.east, lon[q]);
    s.south = std::min(s.south, lat[q]);
    s.north = std::max(s.north, lat[q]);
  }
  return s;
}

// Rings and points (closing points included) of an OGR (multi)polygon.
void count_rings(OGRGeometryH g, std::size_t& rings, std::size_t& points) {
  const int n = OGR_G_GetGeometryCount(g);
  if (wkbFlatten(OGR_G_GetGeometryType(g)) == wkbLinearRing || n == 0) {
    ++rings;
    points += static_cast<std::size_t>(OGR_G_GetPointCount(g));
    return;
  }
  for (int i = 0; i < n; ++i) count_rings(OGR_G_GetGeometryRef(g, i), rings, points);
}

// A KML feature's geometry against the stored entry it was written from: its box, and its rings
// and points (KML closes every ring: one point more per ring).
void expect_geometry_of(OGRFeatureH feature, const StoredEntry& e, const std::string& name) {
  OGRGeometryH g = OGR_F_GetGeometryRef(feature);
  OGREnvelope env;
  OGR_G_GetEnvelope(g, &env);
  EXPECT_NEAR(env.MinX, e.west, 1e-6) << name;
  EXPECT_NEAR(env.MaxX, e.east, 1e-6) << name;
  EXPECT_NEAR(env.MinY, e.south, 1e-6) << name;
  EXPECT_NEAR(env.MaxY, e.north, 1e-6) << name;
  std::size_t rings = 0, points = 0;
  count_rings(g, rings, points);
  EXPECT_EQ(rings, e.rings) << name;
  EXPECT_EQ(points, e.points + e.rings) << name;
}

class MapRiskLayers : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("launchmc_map_risk_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    run_ = dir_ / "run.h5";
    risk_ = dir_ / "risk.h5";
    CommandResult r = run_launchmc_in(
        "run " + kConfigDir + "/chollima1_2023.yaml -n 200 --seed 5 -o " + run_.string(), dir_);
    ASSERT_EQ(r.status, 0) << r.err;
    r = run_launchmc_in("risk " + run_.string() + " --no-geography --grid 0.1 -o " + risk_.string(),
                        dir_);
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static map::MapOptions small_map() {
    map::MapOptions o;
    o.region = map::MapRegion{120, 20, 135, 40};
    o.dpi = 60;
    o.width_cm = 20;
    o.max_points = 50;
    return o;
  }
  static fs::path dir_, run_, risk_;
};
fs::path MapRiskLayers::dir_, MapRiskLayers::run_, MapRiskLayers::risk_;

// The legend and caption against /risk as stored: the ship areas drawn with their areas, the
// aircraft area's cell counts, the contour levels that are not reliable or not traced.
TEST_F(MapRiskLayers, LegendAndCaptionSayWhatRiskHolds) {
  const map::MapOptions o = small_map();
  const map::MapLayout L =
      map::draw_map(map::read_map_data(risk_, o.max_points), o, dir_ / "risk.png");
  const std::string caption = caption_text(L.caption);
  const h5::File f = h5::File::open_read(risk_);
  const h5::Group risk = f.root().open_group("risk");
  const h5::Group ships = risk.open_group("hazard_areas/ships");
  const auto body = ships.read<std::string>("body");
  const auto drawn = ships.read<std::uint8_t>("drawn");
  const auto area = ships.read<double>("area_km2");
  ASSERT_GE(body.size(), 2u);  // stage1, the fairings, stage2 land in normal flight
  bool any_ship = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (!drawn[i]) continue;
    any_ship = true;
    const std::string entry =
        body[i] + " (" + map::with_thousands(static_cast<std::uint64_t>(std::llround(area[i]))) +
        " km^2)";
    EXPECT_NE(caption.find(entry), std::string::npos) << entry << "\n" << caption;
  }
  EXPECT_TRUE(any_ship);
  EXPECT_TRUE(has_label(L.legend, "ship hazard areas (97 % containment)"));

  const h5::Group air = risk.open_group("hazard_areas/aircraft");
  const std::string cells =
      "Of the " + map::with_thousands(air.attribute<std::uint64_t>("cells_hit")) + " cells hit, " +
      map::with_thousands(air.attribute<std::uint64_t>("cells_certain_above")) +
      " are certainly above the threshold, " +
      map::with_thousands(air.attribute<std::uint64_t>("cells_certain_below")) +
      " certainly below and " +
      map::with_thousands(air.attribute<std::uint64_t>("cells_undecided")) + " undecided";
  EXPECT_NE(caption.find(cells), std::string::npos) << cells << "\n" << caption;
  ASSERT_GT(air.attribute<std::uint64_t>("cells_above"), 0u);
  EXPECT_TRUE(has_label(L.legend, "aircraft hazard area (P > 1e-06 per cell)"));

  // Contours: 95 and 99 % of "any", the nominal bodies and the fragment classes.
  const auto names = risk.read<std::string>("groups/name");
  const auto kinds = risk.read<std::string>("groups/kind");
  const h5::Group c = risk.open_group("contours");
  const auto group = c.read<std::uint64_t>("group");
  const auto p = c.read<double>("p");
  const auto c_drawn = c.read<std::uint8_t>("drawn");
  const auto reliable = c.read<std::uint8_t>("reliable");
  int unreliable = 0, traced = 0;
  for (std::size_t i = 0; i < group.size(); ++i) {
    const std::string& kind = kinds[group[i]];
    if (kind != "any" && kind != "body" && kind != "fragment_class") continue;
    if (p[i] != 0.95 && p[i] != 0.99) continue;
    const std::string name = names[group[i]] + (p[i] == 0.95 ? " 95 %" : " 99 %");
    if (!c_drawn[i]) {
      EXPECT_NE(caption.find("Not traced"), std::string::npos) << caption;
    } else if (!reliable[i]) {
      ++unreliable;
      // 200 flights: 99 % leaves 2 beyond the contour, below the 10 the flag asks for.
      EXPECT_NE(caption.find(name), std::string::npos) << name << "\n" << caption;
    }
    traced += c_drawn[i];
  }
  EXPECT_GT(traced, 4);
  ASSERT_GT(unreliable, 0);
  EXPECT_NE(caption.find("Dashed, not reliable"), std::string::npos) << caption;
  EXPECT_TRUE(has_label(L.legend, "dashed: contour not reliable"));
  EXPECT_TRUE(has_label(L.legend, "95 % containment (grey: all debris)"));
  EXPECT_TRUE(has_label(L.legend, "99 % containment"));
  // The vehicle's and the failure modes' contours are left out, and said to be.
  EXPECT_NE(caption.find("Not drawn (in `launchmc risk --kml`): the contours of vehicle"),
            std::string::npos)
      << caption;
}

TEST_F(MapRiskLayers, ARunWithoutRiskSaysItHasNoContours) {
  const map::MapOptions o = small_map();
  const map::MapData d = map::read_map_data(run_, o.max_points);
  EXPECT_FALSE(d.risk_areas.has_value());
  const map::MapLayout L = map::draw_map(d, o, dir_ / "norisk.png");
  const std::string caption = caption_text(L.caption);
  EXPECT_NE(caption.find("No /risk in the file: no containment contours or hazard areas"),
            std::string::npos)
      << caption;
  for (const std::string& label : L.legend) {
    EXPECT_EQ(label.find("containment"), std::string::npos) << label;
    EXPECT_EQ(label.find("hazard area"), std::string::npos) << label;
  }
  EXPECT_EQ(read_png(dir_ / "norisk.png").width, L.width_px);
}

// Known polygons where they are: the aircraft area's outline on its edge, its hatching inside and
// none in its hole; a ship area and a contour's outline; all at pixels from `gmt mapproject`.
TEST_F(MapRiskLayers, KnownPolygonsAreDrawnWhereTheyAreWithTheirHoleOpen) {
  map::MapData d;
  d.run_path = "synthetic.h5";
  d.scenario = "synthetic";
  d.site = {35.0, 125.0};
  d.risk = map::RiskGrid{};  // a /risk with no cell: no colours, but contours and areas
  map::RiskAreas areas;
  risk::AircraftHazardArea& a = areas.hazards.aircraft;
  // 128..132 E, 22..26 N (Philippine Sea) with a hole 129..131 E, 23..25 N.
  a.polygons = {risk::Polygon{{{{128, 22}, {132, 22}, {132, 26}, {128, 26}},
                               {{129, 23}, {129, 25}, {131, 25}, {131, 23}}}}};
  a.cells_above = 12;
  a.cells_hit = 20;
  a.cells_certain_above = 5;
  a.cells_certain_below = 8;
  a.cells_undecided = 7;
  a.area_km2 = 1000;
  a.unhit_certain_below = true;
  risk::ShipHazardArea ship;
  ship.body = "stage1";
  ship.containment.p = 0.97;
  ship.containment.drawn = true;
  ship.containment.reliable = true;
  ship.containment.area_km2 = 500;
  ship.containment.polygons = {risk::Polygon{{{{121, 36}, {123, 36}, {123, 38}, {121, 38}}}}};
  areas.hazards.ships = {ship};
  risk::Footprint any;
  any.name = "any";
  any.kind = risk::GroupKind::any;
  risk::ContourLevel l95;
  l95.p = 0.95;
  l95.drawn = true;
  l95.reliable = true;
  l95.polygons = {risk::Polygon{{{{124, 28}, {126, 28}, {126, 30}, {124, 30}}}}};
  risk::ContourLevel l99 = l95;
  l99.p = 0.99;
  l99.reliable = false;
  l99.polygons = {risk::Polygon{{{{123, 27}, {127, 27}, {127, 31}, {123, 31}}}}};
  any.levels = {l95, l99};
  areas.hazards.footprints = {any};
  d.risk_areas = areas;
  map::MapOptions o;
  o.region = map::MapRegion{120, 20, 135, 40};
  o.dpi = 100;
  const fs::path png = dir_ / "known.png";
  const map::MapLayout L = map::draw_map(d, o, png);
  const Image im = read_png(png);
  const auto px = pixels_of(L, im,
                            {{128.0, 24.0},   // the aircraft area's west edge
                             {128.5, 24.0},   // inside it, between its edge and its hole
                             {130.0, 24.0},   // the hole's middle
                             {121.0, 37.0},   // the ship area's west edge
                             {124.0, 29.0},   // the 95 % contour's west edge
                             {133.5, 24.0}},  // east of everything
                            dir_);
  EXPECT_GE(count_within(im, px[0].first, px[0].second, 2, kAircraft), 3)
      << px[0].first << "," << px[0].second;
  EXPECT_GE(count_within(im, px[1].first, px[1].second, 6, kAircraft), 3);
  EXPECT_EQ(count_within(im, px[2].first, px[2].second, 6, kAircraft), 0);
  EXPECT_GE(count_within(im, px[3].first, px[3].second, 2, kShip), 3);
  EXPECT_GE(count_within(im, px[4].first, px[4].second, 2, kAnyContour), 3);
  EXPECT_EQ(count_within(im, px[5].first, px[5].second, 6, kAircraft), 0);
  const std::string caption = caption_text(L.caption);
  EXPECT_NE(caption.find("Of the 20 cells hit, 5 are certainly above the threshold, 8 certainly "
                         "below and 7 undecided"),
            std::string::npos)
      << caption;
  EXPECT_NE(caption.find("stage1 (500 km^2)"), std::string::npos) << caption;
  EXPECT_NE(caption.find("Dashed, not reliable (fewer than 100 effective flights, or fewer than "
                         "10 expected beyond the contour): any 99 %."),
            std::string::npos)
      << caption;
  EXPECT_TRUE(has_label(L.legend, "ship hazard areas (97 % containment)"));
  EXPECT_TRUE(has_label(L.legend, "aircraft hazard area (P > 1e-06 per cell)"));
}

// A grid across the antimeridian stores longitudes beyond 180: the polygon lands where its
// longitude modulo 360 is.
TEST_F(MapRiskLayers, LongitudesBeyond180AreDrawnModulo360) {
  map::MapData d;
  d.run_path = "synthetic.h5";
  d.scenario = "synthetic";
  d.site = {5.0, 172.0};
  d.risk = map::RiskGrid{};
  map::RiskAreas areas;
  // 185..189 E = 175..171 W.
  areas.hazards.aircraft.polygons = {risk::Polygon{{{{185, -2}, {189, -2}, {189, 2}, {185, 2}}}}};
  areas.hazards.aircraft.cells_above = 1;
  d.risk_areas = areas;
  map::MapOptions o;
  o.region = map::MapRegion{170, -10, 200, 10};
  o.dpi = 100;
  const fs::path png = dir_ / "antimeridian.png";
  const map::MapLayout L = map::draw_map(d, o, png);
  const Image im = read_png(png);
  const auto px = pixels_of(L, im, {{185.0, 0.0}, {181.0, 0.0}, {187.0, 0.0}}, dir_);
  EXPECT_GE(count_within(im, px[0].first, px[0].second, 2, kAircraft), 3);
  EXPECT_EQ(count_within(im, px[1].first, px[1].second, 4, kAircraft), 0);
  EXPECT_GE(count_within(im, px[2].first, px[2].second, 6, kAircraft), 3);
}

// `map --kml` alone (no -o: no PNG), read back with OGR: the layers, their feature counts and
// coordinates against the run file's datasets.
TEST_F(MapRiskLayers, KmlHoldsWhatTheMapShowsWithTheStoredCoordinates) {
  // In a directory of its own: nothing but the KML (and the runner's stderr.txt) appears there.
  const fs::path out_dir = dir_ / "kml_only";
  fs::create_directories(out_dir);
  const fs::path kml = out_dir / "map.kml";
  const CommandResult r =
      run_launchmc_in("map " + risk_.string() + " --kml " + kml.string(), out_dir);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "KML written to " + kml.string() + " (8 layers)\n");
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(out_dir)) files.push_back(e.path().filename());
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"map.kml", "stderr.txt"}));

  const h5::File f = h5::File::open_read(risk_);
  const h5::Group root = f.root();
  const h5::Group risk = root.open_group("risk");
  GDALAllRegister();
  GDALDatasetH ds = GDALOpenEx(kml.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
  ASSERT_NE(ds, nullptr);
  std::vector<std::string> layer_names;
  for (int i = 0; i < GDALDatasetGetLayerCount(ds); ++i)
    layer_names.emplace_back(OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
  // "regions": the config's iip.lines (the Okinawa-Miyako gap).
  EXPECT_EQ(layer_names,
            (std::vector<std::string>{"launch_site", "iip_track", "iip_corridor", "ground_track",
                                      "ellipses_95", "contours", "hazard_areas", "regions"}));

  // The launch site at the root attributes' position.
  OGRLayerH site = GDALDatasetGetLayerByName(ds, "launch_site");
  ASSERT_NE(site, nullptr);
  ASSERT_EQ(OGR_L_GetFeatureCount(site, 1), 1);
  OGR_L_ResetReading(site);
  OGRFeatureH sf = OGR_L_GetNextFeature(site);
  OGREnvelope env;
  OGR_G_GetEnvelope(OGR_F_GetGeometryRef(sf), &env);
  EXPECT_NEAR(env.MinX, root.attribute<double>("site_lon_deg"), 1e-9);
  EXPECT_NEAR(env.MinY, root.attribute<double>("site_lat_deg"), 1e-9);
  OGR_F_Destroy(sf);

  // One nominal track, one corridor polygon (99 %).
  OGRLayerH track = GDALDatasetGetLayerByName(ds, "iip_track");
  ASSERT_NE(track, nullptr);
  EXPECT_EQ(OGR_L_GetFeatureCount(track, 1), 1);
  OGRLayerH corridor = GDALDatasetGetLayerByName(ds, "iip_corridor");
  ASSERT_NE(corridor, nullptr);
  EXPECT_EQ(OGR_L_GetFeatureCount(corridor, 1), 1);

  // The nominal ground track: the stored /iip/nominal/vehicle_* points' box.
  OGRLayerH ground = GDALDatasetGetLayerByName(ds, "ground_track");
  ASSERT_NE(ground, nullptr);
  ASSERT_EQ(OGR_L_GetFeatureCount(ground, 1), 1);
  {
    const h5::Group nominal = root.open_group("iip").open_group("nominal");
    const auto glat = nominal.read<double>("vehicle_lat_deg");
    const auto glon = nominal.read<double>("vehicle_lon_deg");
    OGR_L_ResetReading(ground);
    OGRFeatureH gf = OGR_L_GetNextFeature(ground);
    OGREnvelope genv;
    OGR_G_GetEnvelope(OGR_F_GetGeometryRef(gf), &genv);
    EXPECT_NEAR(genv.MinX, *std::min_element(glon.begin(), glon.end()), 1e-9);
    EXPECT_NEAR(genv.MaxX, *std::max_element(glon.begin(), glon.end()), 1e-9);
    EXPECT_NEAR(genv.MinY, *std::min_element(glat.begin(), glat.end()), 1e-9);
    EXPECT_NEAR(genv.MaxY, *std::max_element(glat.begin(), glat.end()), 1e-9);
    OGR_F_Destroy(gf);
  }

  // Ellipses: the bodies `summarize` gives a drawable 95 % ellipse (at least 30 impacts, not
  // scattered beyond 1,000 km rms).
  const CommandResult s = run_launchmc_in("summarize --json " + risk_.string(), dir_);
  ASSERT_EQ(s.status, 0) << s.err;
  int ellipses = 0;
  const nlohmann::json summary = nlohmann::json::parse(s.out);
  for (const auto& b : summary["bodies"])
    ellipses += b["ellipses"].contains("95") && b["impacted"].get<int>() >= 30 &&
                b["rms_distance_km"].get<double>() <= 1000;
  OGRLayerH ell = GDALDatasetGetLayerByName(ds, "ellipses_95");
  ASSERT_NE(ell, nullptr);
  EXPECT_EQ(OGR_L_GetFeatureCount(ell, 1), ellipses);
  EXPECT_GE(ellipses, 4);

  // Contours: the drawn 95 and 99 % levels of "any", the nominal bodies and the fragment classes;
  // each feature's box and vertices those of its stored polygons.
  const auto names = risk.read<std::string>("groups/name");
  const auto kinds = risk.read<std::string>("groups/kind");
  const h5::Group c = risk.open_group("contours");
  const auto group = c.read<std::uint64_t>("group");
  const auto p = c.read<double>("p");
  const auto drawn = c.read<std::uint8_t>("drawn");
  OGRLayerH contours = GDALDatasetGetLayerByName(ds, "contours");
  ASSERT_NE(contours, nullptr);
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < group.size(); ++i) {
    const std::string& kind = kinds[group[i]];
    if ((kind == "any" || kind == "body" || kind == "fragment_class") &&
        (p[i] == 0.95 || p[i] == 0.99) && drawn[i] && stored_entry(c, i).polygons > 0)
      rows.push_back(i);
  }
  ASSERT_GT(rows.size(), 4u);
  EXPECT_EQ(OGR_L_GetFeatureCount(contours, 1), static_cast<GIntBig>(rows.size()));
  OGR_L_ResetReading(contours);
  for (const std::size_t i : rows) {
    OGRFeatureH cf = OGR_L_GetNextFeature(contours);
    ASSERT_NE(cf, nullptr);
    const std::string name = names[group[i]] + (p[i] == 0.95 ? " 95 %" : " 99 %");
    EXPECT_EQ(OGR_F_GetFieldAsString(cf, OGR_F_GetFieldIndex(cf, "name")), name);
    EXPECT_EQ(OGR_F_GetFieldAsString(cf, OGR_F_GetFieldIndex(cf, "group")), names[group[i]]);
    EXPECT_EQ(OGR_F_GetFieldAsDouble(cf, OGR_F_GetFieldIndex(cf, "p")), p[i]);
    const StoredEntry e = stored_entry(c, i);
    expect_geometry_of(cf, e, name);
    OGR_F_Destroy(cf);
  }

  // Hazard areas: every ship area drawn, then the aircraft area and its certainly-above part.
  const h5::Group ships = risk.open_group("hazard_areas/ships");
  const auto body = ships.read<std::string>("body");
  const auto ship_drawn = ships.read<std::uint8_t>("drawn");
  const h5::Group air = risk.open_group("hazard_areas/aircraft");
  std::vector<std::pair<std::string, StoredEntry>> expected;
  for (std::size_t i = 0; i < body.size(); ++i)
    if (ship_drawn[i] && stored_entry(ships, i).polygons > 0)
      expected.emplace_back("ship hazard area " + body[i], stored_entry(ships, i));
  if (stored_entry(air.open_group("estimate"), 0).polygons > 0)
    expected.emplace_back("aircraft hazard area", stored_entry(air.open_group("estimate"), 0));
  if (stored_entry(air.open_group("certain"), 0).polygons > 0)
    expected.emplace_back("aircraft hazard area, certainly above",
                          stored_entry(air.open_group("certain"), 0));
  ASSERT_GE(expected.size(), 3u);
  OGRLayerH hazards = GDALDatasetGetLayerByName(ds, "hazard_areas");
  ASSERT_NE(hazards, nullptr);
  EXPECT_EQ(OGR_L_GetFeatureCount(hazards, 1), static_cast<GIntBig>(expected.size()));
  OGR_L_ResetReading(hazards);
  for (const auto& [name, e] : expected) {
    OGRFeatureH hf = OGR_L_GetNextFeature(hazards);
    ASSERT_NE(hf, nullptr);
    EXPECT_EQ(OGR_F_GetFieldAsString(hf, OGR_F_GetFieldIndex(hf, "name")), name);
    const std::string kind = OGR_F_GetFieldAsString(hf, OGR_F_GetFieldIndex(hf, "kind"));
    EXPECT_EQ(kind, name.rfind("ship", 0) == 0       ? "ship"
                    : name == "aircraft hazard area" ? "aircraft"
                                                     : "aircraft_certain");
    expect_geometry_of(hf, e, name);
    OGR_F_Destroy(hf);
  }
  GDALClose(ds);
}

TEST_F(MapRiskLayers, KmlBesideThePngAndBadKmlPathsRefused) {
  const fs::path png = dir_ / "both.png", kml = dir_ / "both.kml";
  CommandResult r =
      run_launchmc_in("map " + run_.string() + " -o " + png.string() + " --kml " + kml.string() +
                          " --dpi 50 --width-cm 14 --region 120,20,135,40",
                      dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::exists(png));
  // No /risk: the site, the IIP track, the corridor, the ground track, the ellipses and the
  // config's iip.lines.
  EXPECT_NE(r.out.find("KML written to " + kml.string() + " (6 layers)"), std::string::npos)
      << r.out;
  GDALAllRegister();
  GDALDatasetH ds = GDALOpenEx(kml.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
  ASSERT_NE(ds, nullptr);
  EXPECT_EQ(GDALDatasetGetLayerByName(ds, "contours"), nullptr);
  EXPECT_EQ(GDALDatasetGetLayerByName(ds, "hazard_areas"), nullptr);
  GDALClose(ds);

  for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
           {"--kml " + (dir_ / "bad.txt").string(), "expected a file name ending in .kml"},
           {"--kml " + (dir_ / "run.h5" / "x.kml").string(), "--kml"},
           {"", "give -o MAP.png, --kml MAP.kml or both"}}) {
    r = run_launchmc_in("map " + run_.string() + " " + args, dir_);
    EXPECT_EQ(r.status, 2) << args << ": " << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << ": " << r.err;
    EXPECT_EQ(r.out, "") << args;
  }
  EXPECT_FALSE(fs::exists(dir_ / "bad.txt"));
}

// Named regions and lines: a closed box, an open line and a region off the map, outlined in the
// regions' colour (docs/map.md) where they are, named in the legend and the caption.
TEST_F(MapRiskLayers, RegionsAndLinesAreOutlinedWhereTheyAre) {
  map::MapData d;
  d.run_path = "synthetic.h5";
  d.scenario = "synthetic";
  d.site = {35.0, 125.0};
  d.shapes = {{"zone A", "zones.geojson", true, {{{22, 128}, {22, 132}, {26, 132}, {26, 128}}}},
              {"gap", "iip.lines", false, {{{30, 121}, {34, 121}}}},
              {"far away", "zones.geojson", true, {{{-40, 10}, {-40, 12}, {-38, 12}}}}};
  map::MapOptions o;
  o.region = map::MapRegion{120, 20, 135, 40};
  o.dpi = 100;
  const fs::path png = dir_ / "regions.png";
  const map::MapLayout L = map::draw_map(d, o, png);
  const Image im = read_png(png);
  constexpr Rgb kRegion{0, 110, 100};
  const auto px = pixels_of(L, im,
                            {{128.0, 23.0},   // the box's west edge
                             {132.0, 23.0},   // its east edge
                             {130.0, 22.0},   // its south edge
                             {121.0, 32.0},   // the line
                             {121.0, 37.0},   // north of the line's end
                             {133.5, 23.0},   // east of the box
                             {129.0, 25.0}},  // inside the box, away from its label
                            dir_);
  for (std::size_t i = 0; i < 4; ++i)
    EXPECT_GE(count_within(im, px[i].first, px[i].second, 2, kRegion), 3) << i;
  for (std::size_t i = 4; i < 7; ++i)
    EXPECT_EQ(count_within(im, px[i].first, px[i].second, 5, kRegion), 0) << i;
  EXPECT_TRUE(has_label(L.legend, "regions and lines (named)"));
  const std::string caption = caption_text(L.caption);
  EXPECT_NE(caption.find("Outlined: zone A (zones.geojson), gap (iip.lines)."), std::string::npos)
      << caption;
  EXPECT_NE(caption.find("Outside the map: 1 region(s) or line(s), e.g. far away."),
            std::string::npos)
      << caption;
}

// map --regions FILE: the file's polygons in the KML's "regions" layer with the file's
// coordinates, beside the config's iip.lines; a bad file is refused naming it, nothing written.
TEST_F(MapRiskLayers, RegionsFileIsDrawnAndExportedAndABadOneRefused) {
  const fs::path zones = dir_ / "zones.geojson";
  std::ofstream(zones) << R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "box"}, "geometry": {"type": "Polygon",
     "coordinates": [[[123.0, 34.0], [124.5, 34.0], [124.5, 35.5], [123.0, 35.5], [123.0, 34.0]]]}}]})";
  const fs::path png = dir_ / "zones.png", kml = dir_ / "zones.kml";
  CommandResult r = run_launchmc_in("map " + run_.string() + " --regions " + zones.string() +
                                        " -o " + png.string() + " --kml " + kml.string() +
                                        " --dpi 50 --width-cm 14 --region 120,20,135,40",
                                    dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  GDALAllRegister();
  GDALDatasetH ds = GDALOpenEx(kml.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
  ASSERT_NE(ds, nullptr);
  OGRLayerH regions = GDALDatasetGetLayerByName(ds, "regions");
  ASSERT_NE(regions, nullptr);
  std::vector<std::string> names;
  OGR_L_ResetReading(regions);
  for (OGRFeatureH f = OGR_L_GetNextFeature(regions); f != nullptr;
       f = OGR_L_GetNextFeature(regions)) {
    names.emplace_back(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "name")));
    if (names.back() == "box") {
      OGREnvelope env;
      OGR_G_GetEnvelope(OGR_F_GetGeometryRef(f), &env);
      EXPECT_NEAR(env.MinX, 123.0, 1e-9);
      EXPECT_NEAR(env.MaxX, 124.5, 1e-9);
      EXPECT_NEAR(env.MinY, 34.0, 1e-9);
      EXPECT_NEAR(env.MaxY, 35.5, 1e-9);
    }
    OGR_F_Destroy(f);
  }
  GDALClose(ds);
  EXPECT_EQ(names, (std::vector<std::string>{"okinawa_miyako_gap", "box"}));

  const fs::path bad = dir_ / "bad_zones.geojson";
  std::ofstream(bad) << R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "line"}, "geometry": {"type": "LineString",
     "coordinates": [[123.0, 34.0], [124.5, 34.0]]}}]})";
  const fs::path png2 = dir_ / "bad_zones.png";
  r = run_launchmc_in(
      "map " + run_.string() + " --regions " + bad.string() + " -o " + png2.string(), dir_);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("regions file " + bad.string() + ": features[0] (\"line\")"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(png2));
}

// A damaged /risk/contours (a column a row short) is refused naming the file and the dataset,
// with nothing written.
TEST_F(MapRiskLayers, DamagedContoursAreRefusedNamingTheDataset) {
  const fs::path damaged = dir_ / "damaged_contours.h5";
  fs::copy_file(risk_, damaged, fs::copy_options::overwrite_existing);
  std::size_t rows = 0;
  {
    h5::File f = h5::File::open_append(damaged);
    h5::Group c = f.root().open_group("risk/contours");
    std::vector<double> p = c.read<double>("p");
    rows = p.size();
    p.pop_back();
    c.remove("p");
    c.write<double>("p", p);
    f.close();
  }
  const fs::path png = dir_ / "damaged.png", kml = dir_ / "damaged.kml";
  const CommandResult r = run_launchmc_in(
      "map " + damaged.string() + " -o " + png.string() + " --kml " + kml.string(), dir_);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("damaged_contours.h5: /risk: contours/p: " + std::to_string(rows - 1) +
                       " rows, expected " + std::to_string(rows)),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(png));
  EXPECT_FALSE(fs::exists(kml));
}

}  // namespace map_risk_layers_test
