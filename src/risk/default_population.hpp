// The coarse default population for expected casualties when the user has no raster (`risk
// --population default`): every point of a country has the country's mean density, its
// population over its area, from packaged data only (nothing fetched):
//  - population: Natural Earth's `pop_est` (1:110m Admin 0 countries, the copy Debian's
//    python3-geopandas ships as naturalearth_lowres; the estimates are of 2019);
//  - area: the geodesic area of the same Natural Earth polygons (GeographicLib, WGS-84);
//  - where a country is: the DCW polygons (gmt-dcw), finer than Natural Earth's 1:110m (which has
//    no Okinawa or Miyako-jima), matched to Natural Earth by ISO 3166-1 codes (iso-codes' table
//    maps Natural Earth's alpha-3 codes to DCW's alpha-2, or the names where Natural Earth has no
//    code; Kosovo, Northern Cyprus and Somaliland have neither and get no density).
// Limits (also in the README): a country-wide mean puts a city's density on its mountains and its
// empty islands (Japan: 333 per km^2 everywhere, where Tokyo has thousands and the Senkaku none);
// countries Natural Earth does not list at 1:110m (small island states, Hong Kong, Macao) and
// disputed areas get 0; the estimates are of 2019. A user's GPW or GHS-POP raster is the real
// answer; this default only orders risks between countries.
#pragma once

#include <map>
#include <string>

#include "geo/area_grid_index.hpp"
#include "risk/population.hpp"

namespace launchmc::geo {
class CountryClassifier;
}

namespace launchmc::risk {

inline constexpr const char* kNaturalEarthCountries =
    "/usr/lib/python3/dist-packages/geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp";
inline constexpr const char* kIsoCodesTable = "/usr/share/iso-codes/json/iso_3166-1.json";

struct CountryDensity {
  std::string code;  // ISO 3166-1 alpha-2
  std::string name;  // Natural Earth's
  double population = 0.0;
  double area_km2 = 0.0;
  double density_per_km2() const { return area_km2 > 0.0 ? population / area_km2 : 0.0; }
};

// Natural Earth's countries with a population and an ISO alpha-2 code, by that code. Throws
// std::runtime_error naming the Debian package when a file is missing.
std::map<std::string, CountryDensity> natural_earth_densities(
    const std::string& countries = kNaturalEarthCountries,
    const std::string& iso_codes = kIsoCodesTable);

// The raster over `box` with cells of `cell_deg`: each cell the mean density of the country whose
// DCW polygon holds its centre (0 at sea, and in countries without a density). Its source()
// says what it is.
PopulationRaster default_population(const geo::LonLatBox& box, double cell_deg,
                                    const geo::CountryClassifier& countries,
                                    const std::map<std::string, CountryDensity>& densities);

}  // namespace launchmc::risk
