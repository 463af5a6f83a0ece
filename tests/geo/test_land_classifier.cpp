// Tests of geo/land_classifier on the GSHHG shorelines GMT ships (Debian gmt-gshhg-low, installed
// by scripts/setup.sh): the land and sea points of issue 11 near the Chollima-1 launch, a lake,
// and agreement with GMT's own point-by-point land test (gmt select) on random points.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "geo/gmt_session.hpp"
#include "geo/land_classifier.hpp"

namespace {

using launchmc::geo::LandClassifier;
using launchmc::geo::LonLatBox;
using launchmc::geo::ShoreResolution;

// The region of the Chollima-1 flights (Sohae to the Philippine Sea).
constexpr LonLatBox kChollimaBox{115.0, 5.0, 135.0, 42.0};

const LandClassifier& chollima_land() {
  static const LandClassifier land(kChollimaBox, ShoreResolution::low);
  return land;
}

bool on_land(const LandClassifier& land, double lat, double lon) {
  std::vector<std::size_t> hits;
  land.classify(lat, lon, hits);
  return !hits.empty();
}

TEST(LandClassifier, OkinawaAndMiyakoAreLandTheSeasAreNot) {
  const LandClassifier& land = chollima_land();
  ASSERT_EQ(land.size(), 1U);
  EXPECT_EQ(land.name(0), "land");
  EXPECT_TRUE(on_land(land, 26.5, 127.9));          // Okinawa main island
  EXPECT_TRUE(on_land(land, 24.78, 125.33));        // Miyako-jima
  EXPECT_TRUE(on_land(land, 39.0, 125.75));         // Pyongyang
  EXPECT_TRUE(on_land(land, 39.66, 124.71));        // Sohae launch site
  EXPECT_FALSE(on_land(land, 35.5, 123.5));         // Yellow Sea
  EXPECT_FALSE(on_land(land, 20.0, 132.0));         // Philippine Sea
  EXPECT_FALSE(on_land(land, 31.2, 120.2));         // Lake Taihu: water, although inland
  EXPECT_TRUE(on_land(land, 26.5, 127.9 + 360.0));  // longitudes are wrapped
  EXPECT_FALSE(land.covers(0.0, 100.0));            // outside the loaded box: unknown, in no area
  EXPECT_FALSE(on_land(land, 0.0, 100.0));
}

// Longitude in [-180, 180): GMT may print a point in another frame than it was given in.
double wrapped(double lon) { return lon - 360.0 * std::floor((lon + 180.0) / 360.0); }

// Classifies `count` random points of `box` with `land` and with gmt select -N, which tests each
// point against GMT's own assembled GSHHG polygons (the reference); returns the land points.
int expect_agreement_with_gmt_select(const LandClassifier& land, const LonLatBox& box, int count,
                                     unsigned seed) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("launchmc_land_points_" + std::to_string(::getpid()) + ".txt");
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> lon(box.west_deg, box.east_deg);
  std::uniform_real_distribution<double> lat(box.south_deg, box.north_deg);
  std::vector<std::pair<double, double>> points;
  {
    std::ofstream out(path);
    out.precision(17);
    for (int i = 0; i < count; ++i) {
      points.emplace_back(lon(rng), lat(rng));  // in the box's frame, as gmt select -R wants
      out << points.back().first << ' ' << points.back().second << '\n';
    }
  }
  // Keep land (level 1) and islands in lakes (level 3), as LandClassifier calls land.
  const auto kept = launchmc::geo::gmt::run_to_dataset(
      "select", path.string() + " -R" + std::to_string(box.west_deg) + "/" +
                    std::to_string(box.east_deg) + "/" + std::to_string(box.south_deg) + "/" +
                    std::to_string(box.north_deg) + " -Dl -A0/0/4 -Ns/k/s/k/s");
  std::filesystem::remove(path);
  // The points come back with the same doubles (printed with 17 digits): find them by value.
  std::map<std::pair<double, double>, std::size_t> index_of;
  for (std::size_t k = 0; k < points.size(); ++k)
    index_of[{wrapped(points[k].first), points[k].second}] = k;
  std::set<std::size_t> gmt_land;
  for (const auto& segment : kept) {
    for (std::size_t i = 0; i < segment.lon_deg.size(); ++i) {
      const auto it = index_of.find({wrapped(segment.lon_deg[i]), segment.lat_deg[i]});
      if (it == index_of.end()) {
        ADD_FAILURE() << "gmt select returned a point it was not given: " << segment.lon_deg[i]
                      << " " << segment.lat_deg[i];
        continue;
      }
      gmt_land.insert(it->second);
    }
  }
  int disagreements = 0;
  for (std::size_t k = 0; k < points.size(); ++k) {
    const bool ours = on_land(land, points[k].second, points[k].first);
    const bool gmts = gmt_land.count(k) > 0;
    if (ours != gmts && ++disagreements <= 10) {
      ADD_FAILURE() << "lon " << points[k].first << " lat " << points[k].second << ": ours " << ours
                    << ", gmt select " << gmts;
    }
  }
  EXPECT_EQ(disagreements, 0);
  return static_cast<int>(gmt_land.size());
}

TEST(LandClassifier, AgreesWithGmtSelectOnRandomPoints) {
  const int land_points =
      expect_agreement_with_gmt_select(chollima_land(), kChollimaBox, 5000, 2026);
  EXPECT_GT(land_points, 500);  // the box is about a fifth land: not vacuous
}

TEST(LandClassifier, AcrossTheAntimeridian) {
  // Fiji and Tonga: a box from 175 E to 175 W written 175..185.
  constexpr LonLatBox kFijiBox{175.0, -22.0, 185.0, -15.0};
  const LandClassifier land(kFijiBox);
  EXPECT_TRUE(on_land(land, -17.8, 178.0));     // Viti Levu
  EXPECT_TRUE(on_land(land, -21.15, -175.05));  // Tongatapu
  EXPECT_TRUE(on_land(land, -21.15, 184.95));   // the same place
  EXPECT_FALSE(on_land(land, -17.0, -178.0));   // open sea east of Fiji
  expect_agreement_with_gmt_select(land, kFijiBox, 5000, 7);
}

TEST(LandClassifier, ResolutionNamesAndMissingData) {
  EXPECT_EQ(launchmc::geo::parse_shore_resolution("low"), ShoreResolution::low);
  EXPECT_EQ(launchmc::geo::parse_shore_resolution("i"), ShoreResolution::intermediate);
  EXPECT_THROW(launchmc::geo::parse_shore_resolution("medium"), std::invalid_argument);
  EXPECT_THROW(LandClassifier({10, 80, 20, 90}), std::invalid_argument);  // too close to the pole
}

TEST(LandClassifier, WholeCircleAtCrudeResolution) {
  const LandClassifier land({-180.0, -60.0, 180.0, 80.0}, ShoreResolution::crude);
  EXPECT_TRUE(on_land(land, 48.85, 2.35));   // Paris
  EXPECT_TRUE(on_land(land, -25.0, 135.0));  // central Australia
  EXPECT_TRUE(on_land(land, 40.0, -100.0));  // Kansas
  EXPECT_FALSE(on_land(land, 0.0, -30.0));   // Atlantic
  EXPECT_FALSE(on_land(land, 0.0, 179.99));  // Pacific, both sides of 180
  EXPECT_FALSE(on_land(land, 0.0, -179.99));
}

TEST(LandClassifier, CrudeResolutionLoads) {
  const LandClassifier crude({120, 20, 135, 35}, ShoreResolution::crude);
  EXPECT_FALSE(on_land(crude, 20.0, 132.0));
  EXPECT_FALSE(on_land(crude, 30.0, 125.0));  // East China Sea
}

}  // namespace
