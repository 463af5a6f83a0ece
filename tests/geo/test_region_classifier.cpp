// Tests of geo/region_classifier: a user's GeoJSON regions (holes, multipolygons, both encodings
// of a polygon across the antimeridian, unnamed features) and the messages for bad files.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "../support/scratch_dir.hpp"
#include "geo/region_classifier.hpp"

namespace {

using launchmc::geo::RegionClassifier;
using Hits = std::vector<std::size_t>;

class RegionClassifierTest : public launchmc::io::ScratchDirTest {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  static std::string collection(const std::string& features) {
    return R"({"type": "FeatureCollection", "features": [)" + features + "]}";
  }
  static std::string feature(const std::string& name, const std::string& geometry) {
    return R"({"type": "Feature", "properties": {"name": ")" + name + R"("}, "geometry": )" +
           geometry + "}";
  }
  // The message of the error reading `text`, or "" when it was accepted.
  std::string error_of(const std::string& text) {
    try {
      RegionClassifier regions(write("bad.geojson", text));
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  }
};

Hits hits_at(const RegionClassifier& regions, double lat, double lon) {
  Hits hits;
  regions.classify(lat, lon, hits);
  return hits;
}

TEST_F(RegionClassifierTest, PolygonsWithHolesAndMultiPolygons) {
  const std::string text = collection(
      feature("Okinawa box with a hole",
              R"({"type": "Polygon", "coordinates": [
                   [[127.5, 26.0], [128.5, 26.0], [128.5, 27.0], [127.5, 27.0], [127.5, 26.0]],
                   [[127.8, 26.4], [127.8, 26.6], [128.0, 26.6], [128.0, 26.4], [127.8, 26.4]]]})") +
      "," + feature("two boxes", R"({"type": "MultiPolygon", "coordinates": [
                   [[[120, 20], [121, 20], [121, 21], [120, 21], [120, 20]]],
                   [[[127.9, 26.9], [130, 26.9], [130, 28], [127.9, 28], [127.9, 26.9]]]]})") +
      "," +
      R"({"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates":
           [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}})");
  const RegionClassifier regions(write("regions.geojson", text));
  ASSERT_EQ(regions.size(), 3U);
  EXPECT_EQ(regions.name(0), "Okinawa box with a hole");
  EXPECT_EQ(regions.name(1), "two boxes");
  EXPECT_EQ(regions.name(2), "feature 2");  // no "name" property
  EXPECT_EQ(hits_at(regions, 26.2, 127.6), Hits{0});
  EXPECT_EQ(hits_at(regions, 26.5, 127.9), Hits{});         // in the hole
  EXPECT_EQ(hits_at(regions, 26.95, 128.2), (Hits{0, 1}));  // where the boxes overlap
  EXPECT_EQ(hits_at(regions, 20.5, 120.5), Hits{1});
  EXPECT_EQ(hits_at(regions, 27.5, 129.5), Hits{1});
  EXPECT_EQ(hits_at(regions, 0.5, 0.5), Hits{2});
  EXPECT_EQ(hits_at(regions, 25.0, 125.0), Hits{});
}

TEST_F(RegionClassifierTest, AntimeridianBothEncodings) {
  // The same region, 170 E to 170 W and 10 S to 10 N: split at 180 as RFC 7946 asks, and as one
  // ring with longitudes beyond 180.
  const std::string text =
      collection(feature("split", R"({"type": "MultiPolygon", "coordinates": [
                   [[[170, -10], [180, -10], [180, 10], [170, 10], [170, -10]]],
                   [[[-180, -10], [-170, -10], [-170, 10], [-180, 10], [-180, -10]]]]})") +
                 "," + feature("beyond 180", R"({"type": "Polygon", "coordinates": [
                   [[170, -10], [190, -10], [190, 10], [170, 10], [170, -10]]]})"));
  const RegionClassifier regions(write("pacific.geojson", text));
  for (double lon : {170.5, 175.0, 179.99, -179.99, -175.0, -170.5, 185.0, -535.0}) {
    EXPECT_EQ(hits_at(regions, 0.0, lon), (Hits{0, 1})) << lon;
    EXPECT_EQ(hits_at(regions, 9.9, lon), (Hits{0, 1})) << lon;
    EXPECT_EQ(hits_at(regions, 10.1, lon), Hits{}) << lon;
  }
  for (double lon : {169.5, -169.5, 0.0, 90.0, -90.0})
    EXPECT_EQ(hits_at(regions, 0.0, lon), Hits{}) << lon;
}

TEST_F(RegionClassifierTest, BadFilesNameTheFileTheFeatureAndWhatWasExpected) {
  const auto expect_error = [&](const std::string& text, std::vector<std::string> parts) {
    const std::string message = error_of(text);
    ASSERT_FALSE(message.empty()) << "accepted: " << text;
    EXPECT_NE(message.find("bad.geojson"), std::string::npos) << message;
    for (const auto& part : parts) EXPECT_NE(message.find(part), std::string::npos) << message;
  };
  expect_error("{not json", {"GeoJSON"});
  expect_error(collection(feature("zone A", R"({"type": "Point", "coordinates": [1, 2]})")),
               {"features[0]", "zone A", "Point", "Polygon or MultiPolygon"});
  expect_error(
      collection(
          feature("ok", R"({"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]})") +
          "," + R"({"type": "Feature", "properties": {"name": "no shape"}, "geometry": null})"),
      {"features[1]", "no shape", "no geometry"});
  expect_error(
      collection(feature("north of the pole",
                         R"({"type": "Polygon", "coordinates": [[[0,80],[1,80],[1,95],[0,80]]]})")),
      {"features[0]", "latitude"});
  expect_error(
      collection(
          feature("same", R"({"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]})") +
          "," +
          feature("same", R"({"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]})")),
      {"features[1]", "unique"});
  expect_error(collection(""), {"no features"});
  // An empty MultiPolygon (found by fuzz_regions: it used to leave the index without a box and
  // throw std::invalid_argument about a latitude of 91.8).
  expect_error(collection(feature("empty", R"({"type": "MultiPolygon", "coordinates": []})")),
               {"features[0]", "\"empty\"", "an empty Multi Polygon", "outer ring"});
  expect_error(collection(feature("empty", R"({"type": "Polygon", "coordinates": []})")),
               {"features[0]", "no geometry"});
  EXPECT_NE(error_of("").find("bad.geojson"), std::string::npos);
  try {
    RegionClassifier regions((dir_ / "missing.geojson").string());
    FAIL() << "a missing file was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.geojson"), std::string::npos) << e.what();
  }
}

}  // namespace
