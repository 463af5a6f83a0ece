// geo::MaskedClassifier: a country counts a point only where the land mask has it. Hand-drawn
// polygons: a "country" box reaching 0.5 deg out to sea past an "island" (the land mask), as DCW's
// polygons reach past GSHHG's shoreline.
#include <gtest/gtest.h>

#include <vector>

#include "geo/masked_classifier.hpp"
#include "risk/polygon_areas.hpp"

namespace masked_classifier_test {
namespace {

using launchmc::geo::MaskedClassifier;
using launchmc::risk::PolygonAreas;

TEST(MaskedClassifier, CountsTheAreasOnlyInsideTheMask) {
  const PolygonAreas land(
      {{"island", {{26.0, 127.5}, {26.0, 128.5}, {27.0, 128.5}, {27.0, 127.5}}}}, 125.0);
  const PolygonAreas countries(
      {{"A", {{25.5, 127.0}, {25.5, 128.0}, {27.5, 128.0}, {27.5, 127.0}}},
       {"B", {{25.5, 128.0}, {25.5, 129.0}, {27.5, 129.0}, {27.5, 128.0}}}},
      125.0);
  const MaskedClassifier on_land(countries, land);
  EXPECT_EQ(on_land.size(), 2u);
  EXPECT_EQ(on_land.name(1), "B");
  std::vector<std::size_t> hits{7, 8};  // cleared by every call
  on_land.classify(26.5, 127.7, hits);  // on the island, in A
  EXPECT_EQ(hits, std::vector<std::size_t>{0});
  on_land.classify(26.5, 128.3, hits);  // on the island, in B
  EXPECT_EQ(hits, std::vector<std::size_t>{1});
  on_land.classify(25.7, 127.7, hits);  // in A's polygon, at sea
  EXPECT_TRUE(hits.empty());
  countries.classify(25.7, 127.7, hits);  // which the countries alone count
  EXPECT_EQ(hits, std::vector<std::size_t>{0});
  on_land.classify(26.5, 126.0, hits);  // neither
  EXPECT_TRUE(hits.empty());
}

}  // namespace
}  // namespace masked_classifier_test
