// The coarse default population (`risk --population default`): country mean densities against
// official areas, the islands a 1:110m map lacks placed by DCW (Okinawa, Miyako-jima), the sea
// empty, and a cell's value the country's density.
//
// References (independent of the code: official land areas, not Natural Earth's polygons):
//  - Japan 377,975 km^2 (Geospatial Information Authority of Japan, 2023 area survey);
//  - North Korea 120,538 km^2, South Korea 100,410 km^2 (CIA World Factbook, "Area: total").
// The populations are Natural Earth's own 2019 estimates (the data the default is built from, not
// a result of the code): Japan 126,264,931, North Korea 25,666,161, South Korea 51,709,098.
// Natural Earth's 1:110m polygons leave out small islands, so their area is a few percent short
// and the densities a few percent high: the tolerance is 8 %.
#include <gtest/gtest.h>

#include "geo/country_classifier.hpp"
#include "risk/default_population.hpp"

namespace launchmc_test_default_population {

using namespace launchmc;

const std::map<std::string, risk::CountryDensity>& densities() {
  static const auto d = risk::natural_earth_densities();
  return d;
}

TEST(DefaultPopulation, CountryDensitiesMatchOfficialAreas) {
  const struct {
    const char* code;
    double population, official_area_km2;
  } cases[] = {
      {"JP", 126264931.0, 377975.0}, {"KP", 25666161.0, 120538.0}, {"KR", 51709098.0, 100410.0}};
  for (const auto& c : cases) {
    ASSERT_TRUE(densities().count(c.code)) << c.code;
    const risk::CountryDensity& d = densities().at(c.code);
    EXPECT_DOUBLE_EQ(d.population, c.population) << c.code;
    const double official = c.population / c.official_area_km2;
    EXPECT_NEAR(d.density_per_km2(), official, 0.08 * official) << c.code;
  }
  EXPECT_TRUE(densities().count("FR"));
  EXPECT_TRUE(densities().count("NO"));
  EXPECT_TRUE(densities().count("CN"));
}

TEST(DefaultPopulation, TheRasterPutsEachCountrysDensityOnItsLandOnly) {
  const geo::LonLatBox box{120.0, 20.0, 135.0, 42.0};
  const geo::CountryClassifier countries(box);
  const risk::PopulationRaster raster = risk::default_population(box, 0.05, countries, densities());
  EXPECT_EQ(raster.nx(), 300u);
  EXPECT_EQ(raster.ny(), 440u);
  const double jp = densities().at("JP").density_per_km2();
  const double kp = densities().at("KP").density_per_km2();
  const double cn = densities().at("CN").density_per_km2();
  // Tokyo is outside the box; Kyushu, Okinawa main island and Miyako-jima are in it.
  EXPECT_FLOAT_EQ(raster.density_per_km2(32.80, 130.70), static_cast<float>(jp));  // Kumamoto
  EXPECT_FLOAT_EQ(raster.density_per_km2(26.33, 127.80), static_cast<float>(jp));  // Okinawa
  EXPECT_FLOAT_EQ(raster.density_per_km2(24.78, 125.31), static_cast<float>(jp));  // Miyako-jima
  EXPECT_FLOAT_EQ(raster.density_per_km2(39.02, 125.75), static_cast<float>(kp));  // Pyongyang
  EXPECT_FLOAT_EQ(raster.density_per_km2(31.23, 121.47), static_cast<float>(cn));  // Shanghai
  // The Yellow Sea, the East China Sea and the Pacific are empty.
  EXPECT_EQ(raster.density_per_km2(35.0, 124.0), 0.0);
  EXPECT_EQ(raster.density_per_km2(30.0, 125.0), 0.0);
  EXPECT_EQ(raster.density_per_km2(25.0, 132.0), 0.0);
  EXPECT_NE(raster.source().find("default"), std::string::npos);
}

TEST(DefaultPopulation, MissingPackagedDataIsNamed) {
  try {
    risk::natural_earth_densities("/nonexistent/countries.shp");
    ADD_FAILURE() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("python3-geopandas"), std::string::npos) << e.what();
  }
  try {
    risk::natural_earth_densities(risk::kNaturalEarthCountries, "/nonexistent/iso.json");
    ADD_FAILURE() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("iso-codes"), std::string::npos) << e.what();
  }
}

}  // namespace launchmc_test_default_population
