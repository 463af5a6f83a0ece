// Tests of geo/area_grid_index: hand-checked points in hand-drawn polygons (holes, overlapping
// areas, rings beyond 180 deg), agreement with the plain even-odd test on random points, longitude
// wrapping, no allocation in steady state, concurrent calls.
#include <gtest/gtest.h>

#include <random>
#include <thread>
#include <vector>

#include "geo/area_grid_index.hpp"
#include "geo/polygon.hpp"

namespace {

using launchmc::geo::AreaGridIndex;
using launchmc::geo::GeoPoint;
using launchmc::geo::LonLatBox;

// A ring from (lon, lat) pairs, the way maps are written.
AreaGridIndex::Ring ring(std::size_t area, std::vector<std::pair<double, double>> lon_lat) {
  AreaGridIndex::Ring r{area, {}};
  for (auto [lon, lat] : lon_lat) r.vertices.push_back({lat, lon});
  return r;
}

std::vector<std::size_t> hits_at(const AreaGridIndex& index, double lat, double lon) {
  std::vector<std::size_t> hits;
  index.classify(lat, lon, hits);
  return hits;
}

using Hits = std::vector<std::size_t>;

TEST(AreaGridIndex, SquareWithHoleAndIslandInHole) {
  // Area 0: a 10 x 10 deg square with a 4 x 4 hole, and an island of 1 x 1 deg in the hole.
  const std::vector<AreaGridIndex::Ring> rings = {
      ring(0, {{0, 0}, {10, 0}, {10, 10}, {0, 10}}), ring(0, {{3, 3}, {3, 7}, {7, 7}, {7, 3}}),
      ring(0, {{4.5, 4.5}, {5.5, 4.5}, {5.5, 5.5}, {4.5, 5.5}, {4.5, 4.5}}),  // closed explicitly
  };
  const auto index = AreaGridIndex::from_rings({-20, -20, 20, 20}, 1, rings);
  EXPECT_EQ(hits_at(index, 1, 1), Hits{0});
  EXPECT_EQ(hits_at(index, 9.99, 9.99), Hits{0});
  EXPECT_EQ(hits_at(index, 5, 3.01), Hits{});  // in the hole
  EXPECT_EQ(hits_at(index, 6.9, 6.9), Hits{});
  EXPECT_EQ(hits_at(index, 5, 5), Hits{0});  // on the island in the hole
  EXPECT_EQ(hits_at(index, 5, 2.99), Hits{0});
  EXPECT_EQ(hits_at(index, 10.01, 5), Hits{});
  EXPECT_EQ(hits_at(index, -0.01, 5), Hits{});
  EXPECT_EQ(hits_at(index, 5, -15), Hits{});
}

TEST(AreaGridIndex, OverlappingAreasComeInIncreasingOrder) {
  const std::vector<AreaGridIndex::Ring> rings = {
      ring(2, {{0, 0}, {4, 0}, {0, 4}}),  // triangle under the diagonal lon + lat = 4
      ring(0, {{1, 1}, {3, 1}, {3, 3}, {1, 3}}),
      ring(1, {{-1, -1}, {5, -1}, {5, 5}, {-1, 5}}),
  };
  const auto index = AreaGridIndex::from_rings({-2, -2, 6, 6}, 3, rings);
  EXPECT_EQ(hits_at(index, 1.5, 1.5), (Hits{0, 1, 2}));
  EXPECT_EQ(hits_at(index, 2.5, 2.5), (Hits{0, 1}));  // above the triangle's diagonal
  EXPECT_EQ(hits_at(index, 0.5, 0.5), (Hits{1, 2}));
  EXPECT_EQ(hits_at(index, 4.5, 4.5), (Hits{1}));
  EXPECT_EQ(hits_at(index, 5.5, 5.5), (Hits{}));
}

TEST(AreaGridIndex, AgreesWithThePlainEvenOddTestOnRandomPoints) {
  // A star with 200 spikes: long thin edges across many cells, concave everywhere.
  std::vector<GeoPoint> star;
  const double pi = 3.141592653589793;
  for (int k = 0; k < 400; ++k) {
    const double r = (k % 2 == 0) ? 9.0 : 2.0 + 0.01 * k;
    const double t = 2.0 * pi * k / 400.0;
    star.push_back({30.0 + r * std::sin(t), 140.0 + r * std::cos(t)});
  }
  const std::vector<AreaGridIndex::Ring> rings = {{0, star}};
  const auto index = AreaGridIndex::from_rings({125, 15, 155, 45}, 1, rings);
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> lon(125, 155), lat(15, 45);
  std::vector<std::size_t> hits;
  int inside = 0;
  for (int i = 0; i < 200000; ++i) {
    const double la = lat(rng), lo = lon(rng);
    index.classify(la, lo, hits);
    const bool expected = launchmc::geo::inside_polygon(star, la, lo, 140.0);
    ASSERT_EQ(!hits.empty(), expected) << "lat " << la << " lon " << lo;
    inside += expected;
  }
  EXPECT_GT(inside, 10000);  // not vacuous
}

TEST(AreaGridIndex, RingBeyond180AndLongitudeWrapping) {
  // A box from 170 E to 170 W written continuously (170..190) in a box of the whole circle.
  const std::vector<AreaGridIndex::Ring> rings = {
      ring(0, {{170, -10}, {190, -10}, {190, 10}, {170, 10}})};
  const auto index = AreaGridIndex::from_rings({-180, -30, 180, 30}, 1, rings);
  EXPECT_EQ(hits_at(index, 0, 175), Hits{0});
  EXPECT_EQ(hits_at(index, 0, -175), Hits{0});
  EXPECT_EQ(hits_at(index, 0, 185), Hits{0});   // the same place as -175
  EXPECT_EQ(hits_at(index, 0, -545), Hits{0});  // and as 175
  EXPECT_EQ(hits_at(index, 0, 165), Hits{});
  EXPECT_EQ(hits_at(index, 0, -165), Hits{});
  EXPECT_EQ(hits_at(index, 11, 179), Hits{});
  // The same ring in an index whose box is itself across the antimeridian.
  const auto pacific = AreaGridIndex::from_rings({160, -30, 200, 30}, 1, rings);
  EXPECT_EQ(hits_at(pacific, 0, -175), Hits{0});
  EXPECT_EQ(hits_at(pacific, 0, 179.9), Hits{0});
  EXPECT_EQ(hits_at(pacific, 0, -169.9), Hits{});
  EXPECT_FALSE(pacific.covers(0, 0));  // outside the box: in no area
  EXPECT_EQ(hits_at(pacific, 0, 0), Hits{});
}

// (The real classifiers are counted by a replaced operator new in tests/hotpath.)
TEST(AreaGridIndex, ClassifyKeepsTheBufferOnceHitsHasCapacity) {
  const std::vector<AreaGridIndex::Ring> rings = {ring(0, {{0, 0}, {10, 0}, {10, 10}, {0, 10}}),
                                                  ring(1, {{5, 5}, {15, 5}, {15, 15}, {5, 15}})};
  const auto index = AreaGridIndex::from_rings({-1, -1, 16, 16}, 2, rings);
  std::vector<std::size_t> hits;
  hits.reserve(index.area_count());
  const std::size_t* data = hits.data();
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-1, 16);
  for (int i = 0; i < 10000; ++i) index.classify(u(rng), u(rng), hits);
  EXPECT_EQ(hits.data(), data);
}

TEST(AreaGridIndex, ConcurrentCallsAgreeWithSerialOnes) {
  const std::vector<AreaGridIndex::Ring> rings = {ring(0, {{0, 0}, {10, 0}, {10, 10}, {0, 10}}),
                                                  ring(0, {{3, 3}, {3, 7}, {7, 7}, {7, 3}})};
  const auto index = AreaGridIndex::from_rings({-1, -1, 11, 11}, 1, rings);
  std::vector<double> lat(100000), lon(100000);
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(-1, 11);
  for (std::size_t i = 0; i < lat.size(); ++i) lat[i] = u(rng), lon[i] = u(rng);
  auto count = [&](std::size_t begin, std::size_t end) {
    std::vector<std::size_t> hits;
    std::size_t n = 0;
    for (std::size_t i = begin; i < end; ++i) {
      index.classify(lat[i], lon[i], hits);
      n += hits.size();
    }
    return n;
  };
  const std::size_t serial = count(0, lat.size());
  std::size_t a = 0, b = 0;
  std::thread t1([&] { a = count(0, lat.size() / 2); });
  std::thread t2([&] { b = count(lat.size() / 2, lat.size()); });
  t1.join();
  t2.join();
  EXPECT_EQ(a + b, serial);
}

TEST(AreaGridIndex, RejectsBadBoxes) {
  EXPECT_THROW(AreaGridIndex::from_rings({10, 0, 5, 1}, 0, {}), std::invalid_argument);
  EXPECT_THROW(AreaGridIndex::from_rings({0, 0, 370, 1}, 0, {}), std::invalid_argument);
  EXPECT_THROW(AreaGridIndex::from_rings({0, -95, 10, 1}, 0, {}), std::invalid_argument);
}

}  // namespace
