// Vector layers (polygons, lines, points with attributes) written as GeoJSON or KML through
// GDAL/OGR, in EPSG:4326 with longitude first, so that QGIS, Google Earth and any GeoJSON reader
// open them. Longitudes may come unwrapped (a grid across the antimeridian runs past 180):
// geometries are brought into [-180, 180] and split at the antimeridian. Files are written to a
// temporary and renamed onto the path (io::AtomicOutput).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "risk/contours.hpp"

namespace launchmc::io {

enum class VectorFormat {
  geojson,  // RFC 7946: one layer per file
  kml,      // OGC KML 2.2: a folder per layer
};

enum class GeometryKind { polygon, line, point };

struct VectorField {
  enum class Type { integer, real, text };
  std::string name;
  Type type = Type::text;
};
// A feature's value of a field: null, an integer, a real or a text.
using FieldValue = std::variant<std::monostate, std::int64_t, double, std::string>;

struct VectorFeature {
  std::vector<risk::Polygon> polygons;           // polygon layers: one MultiPolygon
  std::vector<std::vector<risk::LonLat>> lines;  // line layers: one MultiLineString
  std::vector<risk::LonLat> points;              // point layers: one MultiPoint
  std::vector<FieldValue> values;                // in the layer's field order
};

struct VectorLayer {
  std::string name;
  GeometryKind geometry = GeometryKind::polygon;
  std::vector<VectorField> fields;
  std::vector<VectorFeature> features;
};

// Writes the layers to `path` (GeoJSON: exactly one layer). A field named "name" becomes the
// KML placemarks' names. Throws std::invalid_argument for a layer that does not fit (values not
// matching the fields, GeoJSON with several layers) and std::runtime_error when GDAL fails,
// naming the file; a failure leaves `path` as it was.
void write_vector_layers(const std::filesystem::path& path, VectorFormat format,
                         const std::vector<VectorLayer>& layers);

// Polygons with longitudes brought into [-180, 180], split at the antimeridian where they cross
// it (OGR/GEOS intersections with the two sides). Exposed for tests.
std::vector<risk::Polygon> split_at_antimeridian(const risk::Polygon& polygon);

}  // namespace launchmc::io
