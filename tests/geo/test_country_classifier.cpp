// Tests of geo/country_classifier on the DCW polygons GMT ships (Debian gmt-dcw, installed by
// scripts/setup.sh): the countries near the Chollima-1 flights and their capitals and islands.
#include <gtest/gtest.h>

#include <vector>

#include "geo/country_classifier.hpp"

namespace {

using launchmc::geo::CountryClassifier;
using launchmc::geo::LonLatBox;

constexpr LonLatBox kChollimaBox{115.0, 5.0, 135.0, 42.0};

const CountryClassifier& chollima_countries() {
  static const CountryClassifier countries(kChollimaBox);
  return countries;
}

// The codes of the countries containing the point.
std::vector<std::string> codes_at(const CountryClassifier& countries, double lat, double lon) {
  std::vector<std::size_t> hits;
  countries.classify(lat, lon, hits);
  std::vector<std::string> codes;
  for (std::size_t a : hits) codes.push_back(countries.code(a));
  return codes;
}

using Codes = std::vector<std::string>;

TEST(CountryClassifier, LoadsTheCountriesWhoseExtentMeetsTheBox) {
  const CountryClassifier& countries = chollima_countries();
  for (const char* code : {"CN", "JP", "KP", "KR", "PH", "TW"}) {
    EXPECT_TRUE(countries.find_code(code).has_value()) << code;
  }
  EXPECT_FALSE(countries.find_code("FR").has_value());
  EXPECT_FALSE(countries.find_code("US").has_value());
  EXPECT_EQ(countries.name(*countries.find_code("JP")), "Japan");
}

TEST(CountryClassifier, CapitalsAndIslandsAreInTheirCountries) {
  const CountryClassifier& countries = chollima_countries();
  EXPECT_EQ(codes_at(countries, 26.5, 127.9), Codes{"JP"});    // Okinawa main island
  EXPECT_EQ(codes_at(countries, 24.78, 125.33), Codes{"JP"});  // Miyako-jima
  EXPECT_EQ(codes_at(countries, 39.02, 125.75), Codes{"KP"});  // Pyongyang
  EXPECT_EQ(codes_at(countries, 37.57, 126.98), Codes{"KR"});  // Seoul
  EXPECT_EQ(codes_at(countries, 15.5, 121.0), Codes{"PH"});    // central Luzon
  EXPECT_EQ(codes_at(countries, 25.03, 121.56), Codes{"TW"});  // Taipei
  EXPECT_EQ(codes_at(countries, 39.9, 116.4), Codes{"CN"});    // Beijing
  EXPECT_EQ(codes_at(countries, 35.5, 123.5), Codes{});        // Yellow Sea
  EXPECT_EQ(codes_at(countries, 20.0, 132.0), Codes{});        // Philippine Sea
}

// South Africa's polygon has a hole, Lesotho, that GMT marks as a hole ring ("-Ph South
// Africa"): both load, and a point of Lesotho is in Lesotho alone.
TEST(CountryClassifier, HoleRingsLeaveTheEnclaveOut) {
  const CountryClassifier south(LonLatBox{15.0, -36.0, 34.0, -20.0}, {"ZA", "LS"});
  EXPECT_EQ(codes_at(south, -29.31, 27.48), Codes{"LS"});  // Maseru
  EXPECT_EQ(codes_at(south, -26.2, 28.04), Codes{"ZA"});   // Johannesburg
  EXPECT_EQ(codes_at(south, -33.92, 18.42), Codes{"ZA"});  // Cape Town
}

TEST(CountryClassifier, ChosenCodesOnlyAndUnknownCodes) {
  const CountryClassifier korea(kChollimaBox, {"KR", "KP"});
  ASSERT_EQ(korea.size(), 2U);
  EXPECT_EQ(korea.code(0), "KP");  // sorted by code
  EXPECT_EQ(codes_at(korea, 37.57, 126.98), Codes{"KR"});
  EXPECT_EQ(codes_at(korea, 26.5, 127.9), Codes{});
  try {
    const CountryClassifier bad(kChollimaBox, {"JPN"});
    FAIL() << "an unknown code was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("JPN"), std::string::npos) << e.what();
  }
  EXPECT_THROW(CountryClassifier(kChollimaBox, {}, "/nonexistent/dcw"), std::runtime_error);
}

TEST(CountryClassifier, AcrossTheAntimeridian) {
  // Fiji's islands lie on both sides of 180; Tonga east of it. The box is written 175..185.
  const CountryClassifier countries({175.0, -22.0, 185.0, -15.0}, {"FJ", "TO"});
  EXPECT_EQ(codes_at(countries, -17.8, 178.0), Codes{"FJ"});     // Viti Levu
  EXPECT_EQ(codes_at(countries, -21.15, -175.28), Codes{"TO"});  // Tongatapu (west of its lagoon)
  EXPECT_EQ(codes_at(countries, -21.15, 184.72), Codes{"TO"});   // the same place
  EXPECT_EQ(codes_at(countries, -17.0, -178.0), Codes{});        // open sea
}

}  // namespace
