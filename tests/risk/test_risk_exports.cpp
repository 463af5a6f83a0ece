// GIS exports (io/vector_export.hpp, io/risk_exports.hpp) read back with an independent reader:
// GDAL/OGR's own drivers (feature counts, fields, coordinates, CRS) and, for GeoJSON, the text
// parsed by nlohmann::json (RFC 7946: closed rings, exterior counter-clockwise, lon first);
// geometries across the antimeridian split into parts within [-180, 180]; the IIP corridor's
// polygon against offsets computed by hand.
#include <gdal.h>
#include <gtest/gtest.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>

#include "../support/scratch_dir.hpp"
#include "io/risk_exports.hpp"
#include "io/vector_export.hpp"

namespace launchmc {
namespace {

namespace fs = std::filesystem;
using io::ScratchDirTest;
using io::VectorField;
using Type = io::VectorField::Type;

class VectorExportTest : public ScratchDirTest {};

// A square with a square hole, and a 2 x 1 deg box from 179 E to 181 E (= 179 W).
io::VectorLayer polygons_layer() {
  risk::Polygon holed{
      {{{120, 20}, {124, 20}, {124, 24}, {120, 24}}, {{121, 21}, {121, 23}, {123, 23}, {123, 21}}}};
  risk::Polygon across{{{{179, -1}, {181, -1}, {181, 0}, {179, 0}}}};
  io::VectorLayer l{"areas",
                    io::GeometryKind::polygon,
                    {{"name", Type::text}, {"p", Type::real}, {"count", Type::integer}},
                    {}};
  l.features.push_back({{holed}, {}, {}, {std::string("holed"), 0.97, std::int64_t{12}}});
  l.features.push_back(
      {{across}, {}, {}, {std::string("across"), std::monostate{}, std::int64_t{3}}});
  return l;
}

double ring_signed_area(const nlohmann::json& ring) {
  double s = 0;
  for (std::size_t i = 0; i + 1 < ring.size(); ++i)
    s += ring[i][0].get<double>() * ring[i + 1][1].get<double>() -
         ring[i + 1][0].get<double>() * ring[i][1].get<double>();
  return s / 2;
}

TEST_F(VectorExportTest, GeoJsonReadBackWithOgrAndAsJson) {
  const fs::path path = dir_ / "areas.geojson";
  io::write_vector_layers(path, io::VectorFormat::geojson, {polygons_layer()});
  // nlohmann::json: RFC 7946 text.
  nlohmann::json j;
  std::ifstream(path) >> j;
  EXPECT_EQ(j["type"], "FeatureCollection");
  ASSERT_EQ(j["features"].size(), 2u);
  const auto& f0 = j["features"][0];
  EXPECT_EQ(f0["properties"]["name"], "holed");
  EXPECT_DOUBLE_EQ(f0["properties"]["p"].get<double>(), 0.97);
  EXPECT_EQ(f0["properties"]["count"], 12);
  const auto& g0 = f0["geometry"];
  const auto& poly = g0["type"] == "MultiPolygon" ? g0["coordinates"][0] : g0["coordinates"];
  ASSERT_EQ(poly.size(), 2u);  // exterior and hole
  EXPECT_EQ(poly[0].size(), 5u);
  EXPECT_EQ(poly[0].front(), poly[0].back());  // closed
  EXPECT_GT(ring_signed_area(poly[0]), 0);     // exterior counter-clockwise
  EXPECT_LT(ring_signed_area(poly[1]), 0);     // hole clockwise
  EXPECT_DOUBLE_EQ(std::fabs(ring_signed_area(poly[0])), 16.0);
  EXPECT_DOUBLE_EQ(std::fabs(ring_signed_area(poly[1])), 4.0);
  // Longitude first: x spans 120..124, y 20..24 (swapped axes would not show it: check a point).
  bool seen = false;
  for (const auto& p : poly[0]) seen |= p[0] == 124.0 && p[1] == 20.0;
  EXPECT_TRUE(seen);
  EXPECT_TRUE(j["features"][1]["properties"]["p"].is_null());
  // Across the antimeridian: two parts, 179..180 and -180..-179, 1 deg^2 each.
  const auto& g1 = j["features"][1]["geometry"];
  ASSERT_EQ(g1["type"], "MultiPolygon");
  ASSERT_EQ(g1["coordinates"].size(), 2u);
  double area = 0;
  for (const auto& part : g1["coordinates"]) {
    for (const auto& p : part[0]) {
      EXPECT_GE(p[0].get<double>(), -180.0);
      EXPECT_LE(p[0].get<double>(), 180.0);
    }
    area += std::fabs(ring_signed_area(part[0]));
  }
  EXPECT_NEAR(area, 2.0, 1e-9);

  // OGR: layer, fields, CRS, geometry.
  GDALAllRegister();
  GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
  ASSERT_NE(ds, nullptr);
  ASSERT_EQ(GDALDatasetGetLayerCount(ds), 1);
  OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
  EXPECT_EQ(OGR_L_GetFeatureCount(layer, 1), 2);
  OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
  ASSERT_NE(srs, nullptr);
  EXPECT_STREQ(OSRGetAuthorityCode(srs, nullptr), "4326");
  OGR_L_ResetReading(layer);
  OGRFeatureH f = OGR_L_GetNextFeature(layer);
  ASSERT_NE(f, nullptr);
  EXPECT_STREQ(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "name")), "holed");
  EXPECT_EQ(OGR_F_GetFieldAsInteger64(f, OGR_F_GetFieldIndex(f, "count")), 12);
  OGREnvelope env;
  OGR_G_GetEnvelope(OGR_F_GetGeometryRef(f), &env);
  EXPECT_EQ(env.MinX, 120.0);
  EXPECT_EQ(env.MaxX, 124.0);
  EXPECT_EQ(env.MinY, 20.0);
  EXPECT_EQ(env.MaxY, 24.0);
  EXPECT_DOUBLE_EQ(OGR_G_Area(OGR_F_GetGeometryRef(f)), 12.0);
  OGR_F_Destroy(f);
  GDALClose(ds);
  // GeoJSON holds one layer.
  EXPECT_THROW(io::write_vector_layers(dir_ / "two.geojson", io::VectorFormat::geojson,
                                       {polygons_layer(), polygons_layer()}),
               std::invalid_argument);
  EXPECT_FALSE(fs::exists(dir_ / "two.geojson"));
}

TEST_F(VectorExportTest, KmlLayersAndLinesAcrossTheAntimeridian) {
  io::VectorLayer lines{"tracks", io::GeometryKind::line, {{"name", Type::text}}, {}};
  lines.features.push_back({{}, {{{178, 10}, {182, 12}}}, {}, {std::string("across")}});
  const fs::path path = dir_ / "all.kml";
  io::write_vector_layers(path, io::VectorFormat::kml, {polygons_layer(), lines});
  GDALAllRegister();
  GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
  ASSERT_NE(ds, nullptr);
  ASSERT_EQ(GDALDatasetGetLayerCount(ds), 2);
  OGRLayerH areas = GDALDatasetGetLayerByName(ds, "areas");
  ASSERT_NE(areas, nullptr);
  EXPECT_EQ(OGR_L_GetFeatureCount(areas, 1), 2);
  OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(areas);
  ASSERT_NE(srs, nullptr);
  EXPECT_TRUE(OSRIsGeographic(srs));
  // Every value under its own field (the KML driver's own fields come first in its layers).
  OGR_L_ResetReading(areas);
  OGRFeatureH holed = OGR_L_GetNextFeature(areas);
  ASSERT_NE(holed, nullptr);
  EXPECT_STREQ(OGR_F_GetFieldAsString(holed, OGR_F_GetFieldIndex(holed, "name")), "holed");
  EXPECT_EQ(OGR_F_GetFieldAsDouble(holed, OGR_F_GetFieldIndex(holed, "p")), 0.97);
  EXPECT_EQ(OGR_F_GetFieldAsInteger64(holed, OGR_F_GetFieldIndex(holed, "count")), 12);
  OGR_F_Destroy(holed);
  OGRLayerH tracks = GDALDatasetGetLayerByName(ds, "tracks");
  ASSERT_NE(tracks, nullptr);
  OGR_L_ResetReading(tracks);
  OGRFeatureH f = OGR_L_GetNextFeature(tracks);
  ASSERT_NE(f, nullptr);
  EXPECT_STREQ(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "name")), "across");
  OGRGeometryH g = OGR_F_GetGeometryRef(f);
  ASSERT_EQ(OGR_G_GetGeometryCount(g), 2);  // cut at 180: 178..180 and -180..-178
  OGREnvelope env;
  OGR_G_GetEnvelope(g, &env);
  EXPECT_EQ(env.MinX, -180.0);
  EXPECT_EQ(env.MaxX, 180.0);
  // The crossing at 180 E: halfway from 10 to 12 N.
  OGRGeometryH first = OGR_G_GetGeometryRef(g, 0);
  EXPECT_DOUBLE_EQ(OGR_G_GetX(first, OGR_G_GetPointCount(first) - 1), 180.0);
  EXPECT_DOUBLE_EQ(OGR_G_GetY(first, OGR_G_GetPointCount(first) - 1), 11.0);
  OGR_F_Destroy(f);
  GDALClose(ds);
}

// A nominal IIP track due north along 125 E with a cross-track half-width of 10 km (50 %) and
// 30 km (90 %), none (99 %): corridor polygons +- the half-width in longitude at each latitude,
// by hand: dlon = hw / (R cos lat) in radians, R = 6371.0088 km.
TEST_F(VectorExportTest, IipCorridorPolygonsByHand) {
  engine::IipCorridorSummary c;
  c.step_s = 5;
  for (int i = 0; i < 5; ++i) {
    engine::CorridorPoint p;
    p.t_s = 5.0 * i;
    p.nominal_lat_deg = 30.0 + i;
    p.nominal_lon_deg = 125.0;
    p.mean_lat_deg = 30.0 + i;
    p.mean_lon_deg = 125.01;
    p.cross_halfwidth_km = {10.0, 30.0, std::numeric_limits<double>::quiet_NaN()};
    c.track.push_back(p);
  }
  const auto layers = io::iip_corridor_layers(c);
  ASSERT_EQ(layers.size(), 2u);
  ASSERT_EQ(layers[0].name, "iip_corridor");
  ASSERT_EQ(layers[0].features.size(), 2u);  // 50 % and 90 %; 99 % has no half-width
  const auto& ring = layers[0].features[0].polygons.at(0).rings.at(0);
  ASSERT_EQ(ring.size(), 10u);
  const double r = 6371.0088;
  for (const risk::LonLat& p : ring) {
    const double lat = p.lat_deg * std::numbers::pi / 180;
    const double dlon = 10.0 / (r * std::cos(lat)) * 180 / std::numbers::pi;
    EXPECT_NEAR(std::fabs(p.lon_deg - 125.0), dlon, 1e-9) << p.lat_deg;
  }
  EXPECT_EQ(std::get<double>(layers[0].features[1].values[1]), 0.9);
  ASSERT_EQ(layers[1].features.size(), 2u);  // nominal and mean tracks
  EXPECT_EQ(layers[1].features[0].lines.at(0).size(), 5u);
  // Written as GeoJSON and read back by OGR: the 50 % corridor is 20 km wide: area ~ 20 km x
  // 4 deg of latitude ~ 8,900 km^2 (OGR's area is in deg^2: compare the extents instead).
  const fs::path path = dir_ / "corridor.geojson";
  io::write_vector_layers(path, io::VectorFormat::geojson, {layers[0]});
  GDALAllRegister();
  GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
  ASSERT_NE(ds, nullptr);
  OGRLayerH l = GDALDatasetGetLayer(ds, 0);
  OGREnvelope env;
  ASSERT_EQ(OGR_L_GetExtent(l, &env, 1), OGRERR_NONE);
  EXPECT_NEAR(env.MinY, 30.0, 1e-6);
  EXPECT_NEAR(env.MaxY, 34.0, 1e-6);
  const double dlon30 =
      30.0 / (r * std::cos(34.0 * std::numbers::pi / 180)) * 180 / std::numbers::pi;
  EXPECT_NEAR(env.MaxX, 125.0 + dlon30, 1e-6);  // the 90 % corridor, widest in degrees at 34 N
  GDALClose(ds);
}

}  // namespace
}  // namespace launchmc
