// The weighted impact accumulator and weighted contained fractions (stats/impact_ellipse.hpp),
// against the unweighted ones: equal weights give the unweighted statistics, integer weights the
// statistics of the points replicated that many times (mean; the covariance with the replicated
// set's own reliability-weight divisor), and a split merges to the same bits.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "stats/impact_ellipse.hpp"

namespace launchmc::stats {
namespace {

struct P {
  double lat, lon;
  int w;
};
const std::vector<P> kPoints = {{40.10, 125.20, 1}, {40.30, 125.05, 3}, {39.95, 125.40, 2},
                                {40.02, 125.31, 1}, {40.21, 124.98, 4}, {40.05, 125.12, 2}};
constexpr double kRefLat = 40.0, kRefLon = 125.0;

TEST(WeightedImpact, EqualWeightsAreTheUnweightedStatistics) {
  ImpactAccumulator plain(kRefLat, kRefLon);
  WeightedImpactAccumulator weighted(kRefLat, kRefLon);
  for (const P& p : kPoints) {
    plain.add(p.lat, p.lon);
    weighted.add(p.lat, p.lon, 2.5);  // any common weight
  }
  EXPECT_NEAR(weighted.mean_lat_deg(), plain.mean_lat_deg(), 1e-12);
  EXPECT_NEAR(weighted.mean_lon_deg(), plain.mean_lon_deg(), 1e-12);
  EXPECT_DOUBLE_EQ(weighted.effective_count(), static_cast<double>(kPoints.size()));
  const Eigen::Matrix2d a = plain.covariance_en_m2(), b = weighted.covariance_en_m2();
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) EXPECT_NEAR(b(i, j), a(i, j), 1e-9 * a.norm());
}

TEST(WeightedImpact, IntegerWeightsAreReplicatedPoints) {
  ImpactAccumulator replicated(kRefLat, kRefLon);
  WeightedImpactAccumulator weighted(kRefLat, kRefLon);
  double w = 0, w2 = 0;
  for (const P& p : kPoints) {
    for (int k = 0; k < p.w; ++k) replicated.add(p.lat, p.lon);
    weighted.add(p.lat, p.lon, p.w);
    w += p.w;
    w2 += p.w * p.w;
  }
  EXPECT_NEAR(weighted.mean_lat_deg(), replicated.mean_lat_deg(), 1e-12);
  EXPECT_NEAR(weighted.mean_lon_deg(), replicated.mean_lon_deg(), 1e-12);
  EXPECT_DOUBLE_EQ(weighted.weight(), w);
  EXPECT_DOUBLE_EQ(weighted.effective_count(), w * w / w2);
  // Replicated: sum of squares / (W - 1); weighted: the same sum / (W - sum w^2 / W).
  const Eigen::Matrix2d a = replicated.covariance_en_m2() * ((w - 1.0) / (w - w2 / w));
  const Eigen::Matrix2d b = weighted.covariance_en_m2();
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) EXPECT_NEAR(b(i, j), a(i, j), 1e-9 * a.norm());
  // Weighted containment = the replicated points' containment.
  std::vector<Eigen::Vector2f> pts, rep;
  std::vector<double> ws;
  for (const P& p : kPoints) {
    const Eigen::Vector2f x = project_en_m(kRefLat, kRefLon, p.lat, p.lon).cast<float>();
    pts.push_back(x);
    ws.push_back(p.w);
    for (int k = 0; k < p.w; ++k) rep.push_back(x);
  }
  const std::vector<double> levels = {0.3, 0.5, 0.9};
  EXPECT_EQ(contained_fractions(pts, ws, weighted.mean_en_m(), b, levels),
            contained_fractions(rep, weighted.mean_en_m(), b, levels));
}

TEST(WeightedImpact, AnySplitMergesToTheSameBits) {
  WeightedImpactAccumulator whole(kRefLat, kRefLon), a(kRefLat, kRefLon), b(kRefLat, kRefLon);
  for (std::size_t i = 0; i < kPoints.size(); ++i) {
    whole.add(kPoints[i].lat, kPoints[i].lon, 0.1 * kPoints[i].w);
    (i % 3 == 0 ? a : b).add(kPoints[i].lat, kPoints[i].lon, 0.1 * kPoints[i].w);
  }
  b.merge(a);
  EXPECT_EQ(b.mean_lat_deg(), whole.mean_lat_deg());
  EXPECT_EQ(b.mean_lon_deg(), whole.mean_lon_deg());
  EXPECT_EQ(b.covariance_en_m2(), whole.covariance_en_m2());
  EXPECT_EQ(b.effective_count(), whole.effective_count());
  WeightedImpactAccumulator other(kRefLat + 1, kRefLon);
  EXPECT_THROW(b.merge(other), std::invalid_argument);
}

// sums() -> terms -> from_sums() restores the state bit for bit: equal sums, equal statistics,
// and merging the restored state gives what merging the original gives.
TEST(WeightedImpact, SumsRoundTripExactly) {
  WeightedImpactAccumulator acc(kRefLat, kRefLon), more(kRefLat, kRefLon);
  for (std::size_t i = 0; i < kPoints.size(); ++i)
    (i < 4 ? acc : more).add(kPoints[i].lat, kPoints[i].lon, 0.7 * kPoints[i].w);
  const WeightedImpactSums s = acc.sums();
  WeightedImpactSums copy;
  copy.ref_lat_deg = s.ref_lat_deg;
  copy.ref_lon_deg = s.ref_lon_deg;
  copy.count = s.count;
  for (auto m : {&WeightedImpactSums::w, &WeightedImpactSums::w2, &WeightedImpactSums::wx,
                 &WeightedImpactSums::wy, &WeightedImpactSums::wxx, &WeightedImpactSums::wyy,
                 &WeightedImpactSums::wxy})
    copy.*m = ExactSum::from_terms((s.*m).terms());
  WeightedImpactAccumulator back = WeightedImpactAccumulator::from_sums(copy);
  const WeightedImpactSums t = back.sums();
  EXPECT_EQ(t.count, s.count);
  EXPECT_TRUE(t.w == s.w && t.w2 == s.w2 && t.wx == s.wx && t.wy == s.wy && t.wxx == s.wxx &&
              t.wyy == s.wyy && t.wxy == s.wxy);
  EXPECT_EQ(back.mean_lat_deg(), acc.mean_lat_deg());
  EXPECT_EQ(back.covariance_en_m2(), acc.covariance_en_m2());
  back.merge(more);
  acc.merge(more);
  EXPECT_EQ(back.mean_lon_deg(), acc.mean_lon_deg());
  EXPECT_EQ(back.covariance_en_m2(), acc.covariance_en_m2());
  EXPECT_EQ(back.effective_count(), acc.effective_count());

  WeightedImpactSums bad = copy;
  bad.ref_lat_deg = 95;
  EXPECT_THROW(WeightedImpactAccumulator::from_sums(bad), std::invalid_argument);
  WeightedImpactSums nonzero;
  nonzero.ref_lat_deg = kRefLat;
  nonzero.ref_lon_deg = kRefLon;
  nonzero.w.add(1.0);
  EXPECT_THROW(WeightedImpactAccumulator::from_sums(nonzero), std::invalid_argument);
}

}  // namespace
}  // namespace launchmc::stats
