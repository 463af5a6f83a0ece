// The default population: Natural Earth's country populations over their areas, placed by DCW's
// country polygons (see default_population.hpp).
#include "risk/default_population.hpp"

#include <fmt/format.h>
#include <ogrsf_frmts.h>

#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/PolygonArea.hpp>
#include <cmath>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "geo/country_classifier.hpp"

namespace launchmc::risk {

namespace {

// Geodesic area [km^2] of an OGR ring on WGS-84 (its orientation ignored).
double ring_area_km2(const OGRLinearRing& ring) {
  GeographicLib::PolygonArea polygon(GeographicLib::Geodesic::WGS84());
  const int n = ring.getNumPoints();
  // The ring is closed (its last point repeats the first): PolygonArea closes it itself.
  for (int i = 0; i + 1 < n; ++i) polygon.AddPoint(ring.getY(i), ring.getX(i));
  double perimeter = 0.0, area = 0.0;
  polygon.Compute(false, true, perimeter, area);
  return std::abs(area) / 1e6;
}

double polygon_area_km2(const OGRPolygon& p) {
  double a = ring_area_km2(*p.getExteriorRing());
  for (int h = 0; h < p.getNumInteriorRings(); ++h) a -= ring_area_km2(*p.getInteriorRing(h));
  return a;
}

double geometry_area_km2(const OGRGeometry* g) {
  if (g == nullptr) return 0.0;
  switch (wkbFlatten(g->getGeometryType())) {
    case wkbPolygon:
      return polygon_area_km2(*g->toPolygon());
    case wkbMultiPolygon: {
      double a = 0.0;
      for (const OGRPolygon* p : *g->toMultiPolygon()) a += polygon_area_km2(*p);
      return a;
    }
    default:
      return 0.0;
  }
}

}  // namespace

std::map<std::string, CountryDensity> natural_earth_densities(const std::string& countries,
                                                              const std::string& iso_codes) {
  std::ifstream in(iso_codes);
  if (!in)
    throw std::runtime_error(fmt::format(
        "{}: the ISO 3166 table is missing (Debian package iso-codes: apt-get install iso-codes)",
        iso_codes));
  const nlohmann::json iso = nlohmann::json::parse(in);
  std::map<std::string, std::string> alpha2_of_alpha3, alpha2_of_name;
  for (const auto& c : iso.at("3166-1")) {
    const std::string a2 = c.at("alpha_2");
    alpha2_of_alpha3[c.at("alpha_3")] = a2;
    alpha2_of_name[c.at("name")] = a2;
    if (c.contains("common_name")) alpha2_of_name[c.at("common_name")] = a2;
  }

  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(GDALDataset::Open(
      countries.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
  if (!ds)
    throw std::runtime_error(fmt::format(
        "{}: Natural Earth's countries are missing (Debian package python3-geopandas ships "
        "them: apt-get install python3-geopandas)",
        countries));
  OGRLayer* layer = ds->GetLayer(0);
  std::map<std::string, CountryDensity> out;
  for (auto& feature : *layer) {
    const std::string a3 = feature->GetFieldAsString("iso_a3");
    const std::string name = feature->GetFieldAsString("name");
    const double population = feature->GetFieldAsDouble("pop_est");
    std::string a2;
    if (auto it = alpha2_of_alpha3.find(a3); it != alpha2_of_alpha3.end())
      a2 = it->second;
    else if (auto jt = alpha2_of_name.find(name); jt != alpha2_of_name.end())
      a2 = jt->second;
    if (a2.empty() || !(population > 0.0)) continue;  // no ISO country (Kosovo, Somaliland)
    CountryDensity& c = out[a2];
    c.code = a2;
    c.name = name;
    c.population += population;
    c.area_km2 += geometry_area_km2(feature->GetGeometryRef());
  }
  if (out.empty())
    throw std::runtime_error(countries + ": no country with a population and an ISO code");
  return out;
}

PopulationRaster default_population(const geo::LonLatBox& box, double cell_deg,
                                    const geo::CountryClassifier& countries,
                                    const std::map<std::string, CountryDensity>& densities) {
  if (!(cell_deg > 0.0)) throw std::invalid_argument("default_population: cell size must be > 0");
  const auto nx = static_cast<std::size_t>(std::ceil((box.east_deg - box.west_deg) / cell_deg));
  const auto ny = static_cast<std::size_t>(std::ceil((box.north_deg - box.south_deg) / cell_deg));
  // Density per loaded country, by its index in the classifier.
  std::vector<float> of_area(countries.size(), 0.0F);
  for (std::size_t a = 0; a < countries.size(); ++a)
    if (auto it = densities.find(countries.code(a)); it != densities.end())
      of_area[a] = static_cast<float>(it->second.density_per_km2());
  std::vector<float> density(nx * ny, 0.0F);
  std::vector<std::size_t> hits;
  for (std::size_t row = 0; row < ny; ++row) {
    const double lat = box.north_deg - (static_cast<double>(row) + 0.5) * cell_deg;
    for (std::size_t col = 0; col < nx; ++col) {
      const double lon = box.west_deg + (static_cast<double>(col) + 0.5) * cell_deg;
      hits.clear();
      countries.classify(lat, lon, hits);
      if (!hits.empty()) density[row * nx + col] = of_area[hits.front()];
    }
  }
  PopulationRaster raster(box.west_deg, box.north_deg, cell_deg, cell_deg, nx, ny,
                          std::move(density));
  raster.set_source(fmt::format(
      "default: country mean densities (Natural Earth 1:110m pop_est over its polygons' area) "
      "placed by DCW, {:g} deg cells",
      cell_deg));
  return raster;
}

}  // namespace launchmc::risk
