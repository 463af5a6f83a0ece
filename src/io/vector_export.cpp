// GeoJSON and KML layers through GDAL/OGR (vector_export.hpp).
#include "io/vector_export.hpp"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "io/output_file.hpp"

namespace launchmc::io {

namespace {

void register_gdal() {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
}

std::unique_ptr<OGRLinearRing> make_ring(const risk::Ring& ring, double shift) {
  auto r = std::make_unique<OGRLinearRing>();
  for (const risk::LonLat& p : ring) r->addPoint(p.lon_deg + shift, p.lat_deg);
  if (!ring.empty()) r->addPoint(ring[0].lon_deg + shift, ring[0].lat_deg);  // closed
  return r;
}

std::unique_ptr<OGRPolygon> make_polygon(const risk::Polygon& p, double shift) {
  auto poly = std::make_unique<OGRPolygon>();
  for (const risk::Ring& r : p.rings) poly->addRingDirectly(make_ring(r, shift).release());
  return poly;
}

risk::Polygon from_ogr(const OGRPolygon& poly, double shift) {
  risk::Polygon out;
  const auto ring_of = [&](const OGRLinearRing* r) {
    risk::Ring ring;
    const int n = r->getNumPoints();
    for (int i = 0; i + 1 < n; ++i) ring.push_back({r->getX(i) + shift, r->getY(i)});  // open
    return ring;
  };
  if (poly.getExteriorRing()) out.rings.push_back(ring_of(poly.getExteriorRing()));
  for (int i = 0; i < poly.getNumInteriorRings(); ++i)
    out.rings.push_back(ring_of(poly.getInteriorRing(i)));
  return out;
}

// The polygons of an intersection result (a Polygon, a MultiPolygon or a collection).
void collect(const OGRGeometry* g, double shift, std::vector<risk::Polygon>& out) {
  if (!g || g->IsEmpty()) return;
  switch (wkbFlatten(g->getGeometryType())) {
    case wkbPolygon:
      out.push_back(from_ogr(*g->toPolygon(), shift));
      break;
    case wkbMultiPolygon:
    case wkbGeometryCollection:
      for (const OGRGeometry* part : *g->toGeometryCollection()) collect(part, shift, out);
      break;
    default:  // points and lines where the polygon touches the antimeridian: no area
      break;
  }
}

// The shift by a multiple of 360 deg that brings `west` into [-180, 180).
double shift_into_range(double west) { return -360.0 * std::floor((west + 180.0) / 360.0); }

std::unique_ptr<OGRPolygon> box(double w, double s, double e, double n) {
  return make_polygon(risk::Polygon{{{{w, s}, {e, s}, {e, n}, {w, n}}}}, 0.0);
}

// A line's pieces in [-180, 180]: cut where it crosses the antimeridian (linear in lon/lat).
std::vector<std::vector<risk::LonLat>> split_line(const std::vector<risk::LonLat>& line) {
  std::vector<std::vector<risk::LonLat>> out;
  if (line.empty()) return out;
  std::vector<risk::LonLat> cur;
  const auto wrap = [](double lon) { return lon + shift_into_range(lon); };
  risk::LonLat prev{wrap(line[0].lon_deg), line[0].lat_deg};
  cur.push_back(prev);
  for (std::size_t i = 1; i < line.size(); ++i) {
    // Unwrapped about the previous point: the short way round.
    double lon = line[i].lon_deg;
    lon = prev.lon_deg + std::remainder(lon - prev.lon_deg, 360.0);
    const risk::LonLat p{lon, line[i].lat_deg};
    if (p.lon_deg > 180.0 || p.lon_deg < -180.0) {
      const double edge = p.lon_deg > 180.0 ? 180.0 : -180.0;
      const double t = (edge - prev.lon_deg) / (p.lon_deg - prev.lon_deg);
      const double lat = prev.lat_deg + t * (p.lat_deg - prev.lat_deg);
      cur.push_back({edge, lat});
      out.push_back(std::move(cur));
      cur = {{-edge, lat}};
      prev = {p.lon_deg - 2 * edge, p.lat_deg};
    } else {
      prev = p;
    }
    cur.push_back(prev);
  }
  if (cur.size() >= 2) out.push_back(std::move(cur));
  return out;
}

}  // namespace

std::vector<risk::Polygon> split_at_antimeridian(const risk::Polygon& polygon) {
  if (polygon.rings.empty() || polygon.rings[0].empty()) return {};
  double west = polygon.rings[0][0].lon_deg, east = west;
  for (const risk::LonLat& p : polygon.rings[0])
    west = std::min(west, p.lon_deg), east = std::max(east, p.lon_deg);
  const double shift = shift_into_range(west);
  if (east + shift <= 180.0) {
    risk::Polygon out = polygon;
    for (risk::Ring& r : out.rings)
      for (risk::LonLat& p : r) p.lon_deg += shift;
    return {out};
  }
  // Across the antimeridian: the part west of it as is, the part east of it 360 deg back.
  const auto poly = make_polygon(polygon, shift);
  std::vector<risk::Polygon> out;
  for (const auto& [w, e, back] :
       {std::tuple{-180.0, 180.0, 0.0}, std::tuple{180.0, 540.0, -360.0}}) {
    std::unique_ptr<OGRGeometry> part(poly->Intersection(box(w, -90.0, e, 90.0).get()));
    if (!part)
      throw std::runtime_error(
          "vector export: OGR could not split a polygon at the antimeridian (GDAL without GEOS?)");
    collect(part.get(), back, out);
  }
  return out;
}

void write_vector_layers(const std::filesystem::path& path, VectorFormat format,
                         const std::vector<VectorLayer>& layers) {
  if (format == VectorFormat::geojson && layers.size() != 1)
    throw std::invalid_argument(
        fmt::format("{}: a GeoJSON file holds one layer ({} given): write one file per layer",
                    path.string(), layers.size()));
  for (const VectorLayer& l : layers)
    for (const VectorFeature& f : l.features)
      if (f.values.size() != l.fields.size())
        throw std::invalid_argument(fmt::format("{}: layer '{}' has {} fields, a feature {} values",
                                                path.string(), l.name, l.fields.size(),
                                                f.values.size()));
  register_gdal();
  const char* driver_name = format == VectorFormat::geojson ? "GeoJSON" : "KML";
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name);
  if (!driver)
    throw std::runtime_error(fmt::format("{}: GDAL has no {} driver", path.string(), driver_name));
  AtomicOutput out(path);
  char** ds_options = nullptr;
  if (format == VectorFormat::kml) ds_options = CSLSetNameValue(ds_options, "NameField", "name");
  GDALDataset* ds = driver->Create(out.temporary().c_str(), 0, 0, 0, GDT_Unknown, ds_options);
  CSLDestroy(ds_options);
  if (!ds)
    throw std::runtime_error(fmt::format("{}: GDAL could not create the {} file: {}", path.string(),
                                         driver_name, CPLGetLastErrorMsg()));
  const auto fail = [&](const std::string& what) {
    GDALClose(ds);
    return std::runtime_error(fmt::format("{}: {}: {}", path.string(), what, CPLGetLastErrorMsg()));
  };
  OGRSpatialReference wgs84;
  wgs84.importFromEPSG(4326);
  wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);  // x = longitude, y = latitude
  for (const VectorLayer& l : layers) {
    const OGRwkbGeometryType type = l.geometry == GeometryKind::polygon ? wkbMultiPolygon
                                    : l.geometry == GeometryKind::line  ? wkbMultiLineString
                                                                        : wkbMultiPoint;
    char** layer_options = nullptr;
    if (format == VectorFormat::geojson)
      layer_options = CSLSetNameValue(layer_options, "RFC7946", "YES");
    OGRLayer* layer = ds->CreateLayer(l.name.c_str(), &wgs84, type, layer_options);
    CSLDestroy(layer_options);
    if (!layer) throw fail(fmt::format("creating layer '{}'", l.name));
    // The layer's index of each of our fields. The KML driver's layers come with fields of their
    // own ("Name" and "Description": the placemarks' <name> and <description>) before ours, so
    // our i-th field is not the layer's i-th: set by position, every value landed one or two
    // fields off (`risk --kml` wrote p under "group"). Our "name" is the driver's "Name".
    const auto index_of = [&](const std::string& name) {
      const OGRFeatureDefn* defn = layer->GetLayerDefn();
      for (int i = 0; i < defn->GetFieldCount(); ++i)
        if (name == defn->GetFieldDefn(i)->GetNameRef()) return i;
      return -1;
    };
    std::vector<int> field_index;
    for (const VectorField& fd : l.fields) {
      int idx = -1;
      if (format == VectorFormat::kml && fd.name == "name") idx = index_of("Name");
      if (idx < 0) {
        OGRFieldDefn def(fd.name.c_str(), fd.type == VectorField::Type::integer ? OFTInteger64
                                          : fd.type == VectorField::Type::real  ? OFTReal
                                                                                : OFTString);
        if (layer->CreateField(&def) != OGRERR_NONE)
          throw fail(fmt::format("creating field '{}' of layer '{}'", fd.name, l.name));
        idx = index_of(fd.name);
      }
      if (idx < 0) throw fail(fmt::format("no field '{}' in layer '{}'", fd.name, l.name));
      field_index.push_back(idx);
    }
    for (const VectorFeature& f : l.features) {
      OGRFeature* feature = OGRFeature::CreateFeature(layer->GetLayerDefn());
      for (std::size_t i = 0; i < f.values.size(); ++i) {
        const int idx = field_index[i];
        const FieldValue& v = f.values[i];
        if (std::holds_alternative<std::int64_t>(v))
          feature->SetField(idx, static_cast<GIntBig>(std::get<std::int64_t>(v)));
        else if (std::holds_alternative<double>(v) && std::isfinite(std::get<double>(v)))
          feature->SetField(idx, std::get<double>(v));
        else if (std::holds_alternative<std::string>(v))
          feature->SetField(idx, std::get<std::string>(v).c_str());
        else
          feature->SetFieldNull(idx);
      }
      std::unique_ptr<OGRGeometry> geometry;
      if (l.geometry == GeometryKind::polygon) {
        auto mp = std::make_unique<OGRMultiPolygon>();
        for (const risk::Polygon& p : f.polygons)
          for (const risk::Polygon& part : split_at_antimeridian(p))
            mp->addGeometryDirectly(make_polygon(part, 0.0).release());
        geometry = std::move(mp);
      } else if (l.geometry == GeometryKind::line) {
        auto ml = std::make_unique<OGRMultiLineString>();
        for (const auto& line : f.lines)
          for (const auto& piece : split_line(line)) {
            auto ls = std::make_unique<OGRLineString>();
            for (const risk::LonLat& p : piece) ls->addPoint(p.lon_deg, p.lat_deg);
            ml->addGeometryDirectly(ls.release());
          }
        geometry = std::move(ml);
      } else {
        auto mp = std::make_unique<OGRMultiPoint>();
        for (const risk::LonLat& p : f.points)
          mp->addGeometryDirectly(new OGRPoint(p.lon_deg + shift_into_range(p.lon_deg), p.lat_deg));
        geometry = std::move(mp);
      }
      feature->SetGeometryDirectly(geometry.release());
      const OGRErr err = layer->CreateFeature(feature);
      OGRFeature::DestroyFeature(feature);
      if (err != OGRERR_NONE) throw fail(fmt::format("writing a feature of layer '{}'", l.name));
    }
  }
  CPLErrorReset();
  GDALClose(ds);  // flushes the file
  if (CPLGetLastErrorType() == CE_Failure)
    throw std::runtime_error(
        fmt::format("{}: GDAL could not finish the file: {}", path.string(), CPLGetLastErrorMsg()));
  out.commit();
}

}  // namespace launchmc::io
