// What a footprint statistic hides is said: the summary's per-body warnings and the ellipses'
// empirical containment, on impact points generated with GeographicLib's Geodesic::Direct
// (an independent construction of where the points are).
#include <gtest/gtest.h>

#include <GeographicLib/Geodesic.hpp>
#include <cmath>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/columns.hpp"
#include "engine/summary.hpp"
#include "io/summary_report.hpp"

namespace launchmc::engine {
namespace {

constexpr double kRefLat = 34.6, kRefLon = 123.1;  // near the Chollima-1 fairing drop zone

struct Point {
  double lat, lon;
};

// A point `north_m`, `east_m` from the reference, as a geodesic of that length and azimuth.
Point offset(double north_m, double east_m) {
  double lat = 0, lon = 0;
  GeographicLib::Geodesic::WGS84().Direct(kRefLat, kRefLon,
                                          std::atan2(east_m, north_m) * 180.0 / M_PI,
                                          std::hypot(north_m, east_m), lat, lon);
  return {lat, lon};
}

BodySummary summarize(const std::vector<Point>& pts) {
  const std::vector<BodySlot> slots = {{"fairing_1", "fairing_piece", kRefLat, kRefLon}};
  SummaryReducer acc(slots, SampleStatus::orbit, 0, std::nullopt, 0.0, 0.0);
  Block b;
  b.resize(pts.size(), 0, 1);
  b.count = pts.size();
  for (std::size_t r = 0; r < pts.size(); ++r) {
    record_invalid(1, r, b, r);
    b.column("status")[r] =
        static_cast<std::int8_t>(SampleStatus::crash);  // no orbit columns to fill
    b.body_column(0, "fate")[r] = 0;                    // impact
    b.body_column(0, "impact_lat_deg")[r] = pts[r].lat;
    b.body_column(0, "impact_lon_deg")[r] = pts[r].lon;
    b.body_column(0, "impact_time_s")[r] = 1300.0;
  }
  acc.add(b);
  RunMeta meta;
  meta.site_lat_deg = 39.66;
  meta.site_lon_deg = 124.7;
  return acc.finish(meta).bodies.at(0);
}

std::vector<Point> gaussian(std::size_t n, double sd_north_m, double sd_east_m, double north0_m,
                            std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z;
  std::vector<Point> pts;
  for (std::size_t i = 0; i < n; ++i)
    pts.push_back(offset(north0_m + sd_north_m * z(rng), sd_east_m * z(rng)));
  return pts;
}

TEST(FootprintWarnings, GaussianFootprintHasNone) {
  const BodySummary b = summarize(gaussian(5000, 30e3, 5e3, 0.0, 1));
  EXPECT_TRUE(b.warnings.empty()) << b.warnings.front();
  ASSERT_EQ(b.ellipses.size(), kEllipseProbabilities.size());
  for (const auto& e : b.ellipses) {
    const double sd = std::sqrt(e.probability * (1 - e.probability) / 5000.0);
    EXPECT_NEAR(e.contained_fraction, e.probability, 4 * sd + 2e-4) << e.probability;
  }
  // rms distance from the mean: sqrt(30^2 + 5^2) km within sampling error.
  EXPECT_NEAR(b.rms_distance_km, std::hypot(30.0, 5.0), 1.0);
}

TEST(FootprintWarnings, SecondClusterUpRangeIsNotGaussian) {
  // The fairing after a stage-2 failure: 5 % of the impacts in a second cluster 250 km up-range.
  auto pts = gaussian(9500, 10e3, 3e3, 0.0, 2);
  const auto far = gaussian(500, 10e3, 3e3, 250e3, 3);
  pts.insert(pts.end(), far.begin(), far.end());
  const BodySummary b = summarize(pts);
  ASSERT_EQ(b.ellipses.size(), 4u);
  EXPECT_LT(b.ellipses[2].contained_fraction, 0.97);  // the "99 %" ellipse
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_NE(b.warnings[0].find("not Gaussian"), std::string::npos) << b.warnings[0];
  EXPECT_NE(b.warnings[0].find("the 99 % ellipse holds"), std::string::npos) << b.warnings[0];
}

TEST(FootprintWarnings, AHandfulOfImpactsIsSaid) {
  const BodySummary b = summarize(gaussian(6, 10e3, 10e3, 0.0, 4));
  ASSERT_FALSE(b.warnings.empty());
  // The relative standard error of a standard deviation from n points is ~1/sqrt(2 (n - 1)):
  // 32 % for 6.
  EXPECT_NE(b.warnings[0].find("only 6 impacts"), std::string::npos) << b.warnings[0];
  EXPECT_NE(b.warnings[0].find("+-32 %"), std::string::npos) << b.warnings[0];
  EXPECT_TRUE(summarize(gaussian(1, 1, 1, 0.0, 5)).warnings.at(0).find("1 impact") !=
              std::string::npos);
}

TEST(FootprintWarnings, ImpactsOverHalfTheGlobeDescribeNoFootprint) {
  // Four groups of points 5,000 km apart: an rms distance in the thousands of km.
  std::vector<Point> pts;
  for (int i = 0; i < 400; ++i) {
    const double north = (i % 2 == 0 ? -1 : 1) * 5.0e6, east = (i % 4 < 2 ? -1 : 1) * 2.0e6;
    pts.push_back(offset(north + 1e3 * (i % 7), east));
  }
  const BodySummary b = summarize(pts);
  bool scattered = false;
  for (const auto& w : b.warnings)
    scattered = scattered || w.find("scattered") != std::string::npos;
  EXPECT_TRUE(scattered);
  EXPECT_GT(b.rms_distance_km, kScatteredRmsKm);
}

TEST(FootprintWarnings, ContainmentDiffersUsesTheBinomialError) {
  // 3 sd + 1/n: for P = 0.95 and n = 10,000, sd = 0.00218, so 0.9425 differs and 0.9445 does not.
  EXPECT_TRUE(containment_differs(0.95, 0.9425, 10000));
  EXPECT_FALSE(containment_differs(0.95, 0.9445, 10000));
  EXPECT_FALSE(containment_differs(0.95, std::nan(""), 10000));
  EXPECT_FALSE(containment_differs(0.5, 0.0, 0));
}

TEST(FootprintWarnings, PrintedNextToTheEllipses) {
  auto pts = gaussian(9500, 10e3, 3e3, 0.0, 2);
  const auto far = gaussian(500, 10e3, 3e3, 250e3, 3);
  pts.insert(pts.end(), far.begin(), far.end());
  Summary s;
  s.samples = pts.size();
  s.bodies.push_back(summarize(pts));
  std::ostringstream out;
  io::print_summary(out, s);
  const std::string text = out.str();
  EXPECT_NE(text.find("<- differs"), std::string::npos) << text;
  EXPECT_NE(text.find("warnings:\n  fairing_1: not Gaussian"), std::string::npos) << text;
  // The contained fraction of the 99 % ellipse is printed on its row.
  char held[32];
  std::snprintf(held, sizeof held, "%.1f %%", 100.0 * s.bodies[0].ellipses[2].contained_fraction);
  const std::size_t row = text.find("99 %");
  ASSERT_NE(row, std::string::npos);
  EXPECT_NE(text.substr(row, text.find('\n', row) - row).find(held), std::string::npos) << text;
}

}  // namespace
}  // namespace launchmc::engine
