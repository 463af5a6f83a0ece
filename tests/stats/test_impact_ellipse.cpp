// Impact dispersion: containment ellipses recovered from constructed covariances and checked by
// seeded Monte Carlo, the downrange/crossrange split, and the impact accumulator against points
// generated on the WGS-84 ellipsoid with GeographicLib's Geodesic::Direct.
#include <gtest/gtest.h>

#include <Eigen/Core>
#include <GeographicLib/Geodesic.hpp>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <random>
#include <stdexcept>
#include <vector>

#include "stats/impact_ellipse.hpp"

namespace launchmc::stats {
namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

// diag(a^2, b^2) rotated so that the a axis points to azimuth theta (clockwise from north), in
// (east, north) coordinates.
Eigen::Matrix2d rotated_cov(double a, double b, double theta_deg) {
  const Eigen::Vector2d major(std::sin(theta_deg * kDeg), std::cos(theta_deg * kDeg));
  const Eigen::Vector2d minor(std::cos(theta_deg * kDeg), -std::sin(theta_deg * kDeg));
  return a * a * major * major.transpose() + b * b * minor * minor.transpose();
}

// Smallest difference between two axis orientations (mod 180 deg).
double axis_difference_deg(double a, double b) {
  const double d = std::fmod(std::abs(a - b), 180.0);
  return std::min(d, 180.0 - d);
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// ------------------------------------------------------------------------------------------------
// containment_ellipse, range_spread

TEST(ContainmentEllipse, RecoversConstructedAxes) {
  const double one_sigma = 1.0 - std::exp(-0.5);  // 39.35 %: k = 1
  for (double theta : {0.0, 30.0, 90.0, 135.0, 179.9, -30.0}) {
    const Ellipse e = containment_ellipse(rotated_cov(500.0, 120.0, theta), one_sigma);
    EXPECT_NEAR(e.semi_major_m, 500.0, 1e-10);
    EXPECT_NEAR(e.semi_minor_m, 120.0, 1e-10);
    EXPECT_NEAR(axis_difference_deg(e.orientation_deg, theta), 0.0, 1e-9) << theta;
    EXPECT_GE(e.orientation_deg, 0.0);
    EXPECT_LT(e.orientation_deg, 180.0);
    EXPECT_EQ(e.probability, one_sigma);
  }
  EXPECT_NEAR(containment_ellipse(rotated_cov(5, 1, -30.0), 0.5).orientation_deg, 150.0, 1e-9);
  // 95 %: k = sqrt(-2 ln 0.05) = 2.4477, not the 1-D 1.96.
  const Ellipse e95 = containment_ellipse(rotated_cov(100.0, 50.0, 10.0), 0.95);
  EXPECT_NEAR(e95.semi_major_m, 100.0 * 2.447746830680816, 1e-9);
  EXPECT_NEAR(e95.semi_minor_m, 50.0 * 2.447746830680816, 1e-9);
}

TEST(ContainmentEllipse, AxisAlignedAndIsotropic) {
  Eigen::Matrix2d ew;  // larger east variance: major axis east-west (azimuth 90)
  ew << 9.0, 0.0, 0.0, 1.0;
  EXPECT_EQ(containment_ellipse(ew, 0.5).orientation_deg, 90.0);
  Eigen::Matrix2d ns;
  ns << 1.0, 0.0, 0.0, 9.0;
  EXPECT_EQ(containment_ellipse(ns, 0.5).orientation_deg, 0.0);
  Eigen::Matrix2d iso = 4.0 * Eigen::Matrix2d::Identity();
  const Ellipse c = containment_ellipse(iso, 1.0 - std::exp(-0.5));
  EXPECT_EQ(c.orientation_deg, 0.0);
  EXPECT_NEAR(c.semi_major_m, 2.0, 1e-15);
  EXPECT_NEAR(c.semi_minor_m, 2.0, 1e-15);
  // Isotropic up to rounding: still orientation 0.
  const Eigen::Matrix2d near_iso = rotated_cov(3.0, 3.0, 37.0);
  EXPECT_EQ(containment_ellipse(near_iso, 0.5).orientation_deg, 0.0);
  // Degenerate (a line): minor axis 0.
  const Ellipse line = containment_ellipse(rotated_cov(10.0, 0.0, 60.0), 0.5);
  EXPECT_NEAR(line.semi_minor_m, 0.0, 1e-6);
  EXPECT_NEAR(line.orientation_deg, 60.0, 1e-9);
  EXPECT_EQ(containment_ellipse(Eigen::Matrix2d::Zero(), 0.9).semi_major_m, 0.0);
}

TEST(ContainmentEllipse, RejectsBadInput) {
  const Eigen::Matrix2d c = rotated_cov(2.0, 1.0, 0.0);
  EXPECT_THROW(containment_ellipse(c, 1.0), std::domain_error);
  EXPECT_THROW(containment_ellipse(c, -0.1), std::domain_error);
  EXPECT_THROW(containment_ellipse(c, std::numeric_limits<double>::quiet_NaN()), std::domain_error);
  Eigen::Matrix2d indefinite;
  indefinite << 1.0, 2.0, 2.0, 1.0;
  EXPECT_THROW(containment_ellipse(indefinite, 0.5), std::invalid_argument);
  Eigen::Matrix2d nan = c;
  nan(0, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(containment_ellipse(nan, 0.5), std::invalid_argument);
}

// Fraction of 1e5 seeded bivariate normal points inside each ellipse (tested with the ellipse's
// own axes and orientation) within 4 standard errors sqrt(P (1 - P) / N) of P.
TEST(ContainmentEllipse, MonteCarloContainment) {
  const double a = 3000.0;
  const double b = 800.0;
  const double theta = 62.0;
  const Eigen::Matrix2d cov = rotated_cov(a, b, theta);
  std::mt19937_64 rng(1984);
  std::normal_distribution<double> normal(0.0, 1.0);
  const int n = 100'000;
  std::vector<Eigen::Vector2d> pts(n);
  const Eigen::Vector2d major(std::sin(theta * kDeg), std::cos(theta * kDeg));
  const Eigen::Vector2d minor(std::cos(theta * kDeg), -std::sin(theta * kDeg));
  for (auto& p : pts) p = a * normal(rng) * major + b * normal(rng) * minor;
  for (double prob : {0.5, 0.95, 0.99, 0.9973}) {
    const Ellipse e = containment_ellipse(cov, prob);
    const double s = std::sin(e.orientation_deg * kDeg);
    const double c = std::cos(e.orientation_deg * kDeg);
    int inside = 0;
    for (const auto& p : pts) {
      const double along = (p.x() * s + p.y() * c) / e.semi_major_m;
      const double across = (p.x() * c - p.y() * s) / e.semi_minor_m;
      if (along * along + across * across <= 1.0) ++inside;
    }
    const double frac = static_cast<double>(inside) / n;
    EXPECT_NEAR(frac, prob, 4.0 * std::sqrt(prob * (1.0 - prob) / n)) << "P = " << prob;
  }
  // The 1-D "1 sigma = 68 %" would be wrong in 2-D: the 1-sigma ellipse holds 39.35 %.
  EXPECT_NEAR(containment_ellipse(cov, 1.0 - std::exp(-0.5)).semi_major_m, a, 1e-9);
}

TEST(RangeSpread, AlongAndAcrossTheAxes) {
  Eigen::Matrix2d c;
  // sd east 20, north 5
  c << 400.0, 0.0, 0.0, 25.0;
  RangeSpread r = range_spread(c, 90.0);  // downrange east, crossrange south
  EXPECT_EQ(r.downrange_sd_m, 20.0);
  EXPECT_EQ(r.crossrange_sd_m, 5.0);
  EXPECT_EQ(r.correlation, 0.0);
  r = range_spread(c, 0.0);
  EXPECT_EQ(r.downrange_sd_m, 5.0);
  EXPECT_EQ(r.crossrange_sd_m, 20.0);

  const Eigen::Matrix2d rot = rotated_cov(300.0, 100.0, 40.0);
  r = range_spread(rot, 40.0);
  EXPECT_NEAR(r.downrange_sd_m, 300.0, 1e-9);
  EXPECT_NEAR(r.crossrange_sd_m, 100.0, 1e-9);
  EXPECT_NEAR(r.correlation, 0.0, 1e-12);
  r = range_spread(rot, 220.0);  // reversed direction: same spreads
  EXPECT_NEAR(r.downrange_sd_m, 300.0, 1e-9);
  // 45 deg off the major axis: equal spreads, correlation (b^2 - a^2) / (a^2 + b^2).
  r = range_spread(rot, 85.0);
  EXPECT_NEAR(r.downrange_sd_m, std::sqrt(0.5 * (300.0 * 300.0 + 100.0 * 100.0)), 1e-9);
  EXPECT_NEAR(r.crossrange_sd_m, r.downrange_sd_m, 1e-9);
  EXPECT_NEAR(r.correlation, (1e4 - 9e4) / (1e4 + 9e4), 1e-12);

  // Sign: east and north positively correlated; downrange north, crossrange (right) east.
  Eigen::Matrix2d pos;
  pos << 4.0, 1.0, 1.0, 4.0;
  EXPECT_NEAR(range_spread(pos, 0.0).correlation, 0.25, 1e-15);
  EXPECT_EQ(range_spread(Eigen::Matrix2d::Zero(), 10.0).correlation, 0.0);
}

// ------------------------------------------------------------------------------------------------
// ImpactAccumulator

struct Generated {
  std::vector<double> lat, lon, e, n;  // points, and their offsets from the centre [m]
};

// Bivariate normal offsets (sd a along azimuth theta, b across) placed on the ellipsoid around a
// centre with Geodesic::Direct (so that the offsets are exact geodesic distance and azimuth).
Generated generate(double lat0, double lon0, double a, double b, double theta, int count,
                   std::uint64_t seed) {
  const GeographicLib::Geodesic& geod = GeographicLib::Geodesic::WGS84();
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  const double s = std::sin(theta * kDeg);
  const double c = std::cos(theta * kDeg);
  Generated g;
  for (int i = 0; i < count; ++i) {
    const double u = a * normal(rng);
    const double v = b * normal(rng);
    const double e = u * s + v * c;
    const double n = u * c - v * s;
    double lat = 0.0;
    double lon = 0.0;
    geod.Direct(lat0, lon0, std::atan2(e, n) / kDeg, std::hypot(e, n), lat, lon);
    g.lat.push_back(lat);
    g.lon.push_back(lon);
    g.e.push_back(e);
    g.n.push_back(n);
  }
  return g;
}

// Taean (South Korea) ~ (36.75 N, 126.30 E); the dispersion centre is 300 km west of it.
void centre_west_of_taean(double& lat, double& lon) {
  GeographicLib::Geodesic::WGS84().Direct(36.75, 126.30, 270.0, 300e3, lat, lon);
}

// Mean and covariance match the generator's parameters within 4 standard errors, with the
// reference (the "nominal" point) 3 km off the true centre.
TEST(ImpactAccumulator, MatchesGeneratorParameters) {
  double lat0 = 0.0;
  double lon0 = 0.0;
  centre_west_of_taean(lat0, lon0);
  double ref_lat = 0.0;
  double ref_lon = 0.0;
  GeographicLib::Geodesic::WGS84().Direct(lat0, lon0, 45.0, 3000.0, ref_lat, ref_lon);
  const double a = 2000.0;
  const double b = 600.0;
  const double theta = 30.0;
  const int n = 20000;
  const Generated g = generate(lat0, lon0, a, b, theta, n, 300);
  ImpactAccumulator acc(ref_lat, ref_lon);
  for (int i = 0; i < n; ++i) acc.add(g.lat[i], g.lon[i]);
  ASSERT_EQ(acc.count(), static_cast<std::uint64_t>(n));

  const Eigen::Matrix2d truth = rotated_cov(a, b, theta);
  // Mean point: offset from the true centre, as east/north metres at the centre.
  double s12 = 0.0;
  double azi1 = 0.0;
  double azi2 = 0.0;
  GeographicLib::Geodesic::WGS84().Inverse(lat0, lon0, acc.mean_lat_deg(), acc.mean_lon_deg(), s12,
                                           azi1, azi2);
  EXPECT_LT(std::abs(s12 * std::sin(azi1 * kDeg)), 4.0 * std::sqrt(truth(0, 0) / n));
  EXPECT_LT(std::abs(s12 * std::cos(azi1 * kDeg)), 4.0 * std::sqrt(truth(1, 1) / n));

  const Eigen::Matrix2d cov = acc.covariance_en_m2();
  const double dof = n - 1.0;
  EXPECT_NEAR(cov(0, 0), truth(0, 0), 4.0 * truth(0, 0) * std::sqrt(2.0 / dof));
  EXPECT_NEAR(cov(1, 1), truth(1, 1), 4.0 * truth(1, 1) * std::sqrt(2.0 / dof));
  EXPECT_NEAR(cov(0, 1), truth(0, 1),
              4.0 * std::sqrt((truth(0, 0) * truth(1, 1) + truth(0, 1) * truth(0, 1)) / dof));
  EXPECT_EQ(cov(0, 1), cov(1, 0));

  const Ellipse e = containment_ellipse(cov, 1.0 - std::exp(-0.5));
  EXPECT_NEAR(e.semi_major_m, a, 4.0 * a / std::sqrt(2.0 * n));
  EXPECT_NEAR(e.semi_minor_m, b, 4.0 * b / std::sqrt(2.0 * n));
  // Standard error of the major-axis direction: sqrt(a^2 b^2 / (n (a^2 - b^2)^2)) rad.
  const double se_theta = std::sqrt(a * a * b * b / (n * (a * a - b * b) * (a * a - b * b))) / kDeg;
  EXPECT_LT(axis_difference_deg(e.orientation_deg, theta), 4.0 * se_theta);
}

// With the reference at the centre, the projected points are the generated offsets (distance and
// azimuth are exact in the azimuthal equidistant projection), so the accumulator must reproduce
// the two-pass sample mean and covariance of the offsets to rounding.
TEST(ImpactAccumulator, ReproducesSampleStatisticsOfOffsets) {
  double lat0 = 0.0;
  double lon0 = 0.0;
  centre_west_of_taean(lat0, lon0);
  const int n = 5000;
  const Generated g = generate(lat0, lon0, 5000.0, 1500.0, 120.0, n, 77);
  ImpactAccumulator acc(lat0, lon0);
  for (int i = 0; i < n; ++i) acc.add(g.lat[i], g.lon[i]);
  long double me = 0.0L;
  long double mn = 0.0L;
  for (int i = 0; i < n; ++i) {
    me += g.e[i];
    mn += g.n[i];
  }
  me /= n;
  mn /= n;
  long double cee = 0.0L;
  long double cnn = 0.0L;
  long double cen = 0.0L;
  for (int i = 0; i < n; ++i) {
    cee += (g.e[i] - me) * (g.e[i] - me);
    cnn += (g.n[i] - mn) * (g.n[i] - mn);
    cen += (g.e[i] - me) * (g.n[i] - mn);
  }
  const Eigen::Vector2d mean = acc.mean_en_m();
  EXPECT_NEAR(mean.x(), static_cast<double>(me), 1e-6);
  EXPECT_NEAR(mean.y(), static_cast<double>(mn), 1e-6);
  const Eigen::Matrix2d cov = acc.covariance_en_m2();
  const double scale = static_cast<double>(cee / (n - 1));
  EXPECT_NEAR(cov(0, 0), static_cast<double>(cee / (n - 1)), 1e-9 * scale);
  EXPECT_NEAR(cov(1, 1), static_cast<double>(cnn / (n - 1)), 1e-9 * scale);
  EXPECT_NEAR(cov(0, 1), static_cast<double>(cen / (n - 1)), 1e-9 * scale);
}

TEST(ImpactAccumulator, MergeOfHalvesEqualsWhole) {
  double lat0 = 0.0;
  double lon0 = 0.0;
  centre_west_of_taean(lat0, lon0);
  const int n = 4001;
  const Generated g = generate(lat0, lon0, 1000.0, 300.0, 75.0, n, 5);
  ImpactAccumulator whole(lat0, lon0);
  ImpactAccumulator first(lat0, lon0);
  ImpactAccumulator second(lat0, lon0);
  for (int i = 0; i < n; ++i) {
    whole.add(g.lat[i], g.lon[i]);
    (i < 1700 ? first : second).add(g.lat[i], g.lon[i]);
  }
  for (bool reversed : {false, true}) {
    ImpactAccumulator merged;  // no reference yet: adopts the blocks'
    merged.merge(reversed ? second : first);
    merged.merge(reversed ? first : second);
    EXPECT_EQ(merged.count(), whole.count());
    EXPECT_TRUE(merged.sums().x_m == whole.sums().x_m);
    EXPECT_TRUE(merged.sums().y_m == whole.sums().y_m);
    EXPECT_TRUE(merged.sums().xx_m2 == whole.sums().xx_m2);
    EXPECT_TRUE(merged.sums().yy_m2 == whole.sums().yy_m2);
    EXPECT_TRUE(merged.sums().xy_m2 == whole.sums().xy_m2);
    EXPECT_TRUE(same_bits(merged.mean_lat_deg(), whole.mean_lat_deg()));
    EXPECT_TRUE(same_bits(merged.mean_lon_deg(), whole.mean_lon_deg()));
    const Eigen::Matrix2d cm = merged.covariance_en_m2();
    const Eigen::Matrix2d cw = whole.covariance_en_m2();
    for (int k = 0; k < 4; ++k) EXPECT_TRUE(same_bits(cm(k), cw(k)));
  }
  ImpactAccumulator other(lat0 + 0.01, lon0);
  other.add(lat0, lon0);
  EXPECT_THROW(whole.merge(other), std::invalid_argument);
}

TEST(ImpactAccumulator, SerialisationRoundTrip) {
  ImpactAccumulator acc(36.0, 124.0);
  acc.add(36.01, 124.02);
  acc.add(35.98, 123.97);
  acc.add(36.02, 124.01);
  const ImpactSums& s = acc.sums();
  ImpactSums copy;
  copy.count = s.count;
  copy.ref_lat_deg = s.ref_lat_deg;
  copy.ref_lon_deg = s.ref_lon_deg;
  copy.x_m = ExactSum::from_terms(s.x_m.terms());
  copy.y_m = ExactSum::from_terms(s.y_m.terms());
  copy.xx_m2 = ExactSum::from_terms(s.xx_m2.terms());
  copy.yy_m2 = ExactSum::from_terms(s.yy_m2.terms());
  copy.xy_m2 = ExactSum::from_terms(s.xy_m2.terms());
  const ImpactAccumulator back = ImpactAccumulator::from_sums(copy);
  EXPECT_TRUE(same_bits(back.mean_lat_deg(), acc.mean_lat_deg()));
  EXPECT_TRUE(same_bits(back.covariance_en_m2()(0, 1), acc.covariance_en_m2()(0, 1)));

  ImpactSums bad;
  bad.count = 3;  // points but no reference
  EXPECT_THROW(ImpactAccumulator::from_sums(bad), std::invalid_argument);
  ImpactSums nonzero;
  nonzero.ref_lat_deg = 0.0;
  nonzero.ref_lon_deg = 0.0;
  nonzero.x_m.add(1.0);
  EXPECT_THROW(ImpactAccumulator::from_sums(nonzero), std::invalid_argument);
  EXPECT_THROW(ImpactAccumulator(91.0, 0.0), std::invalid_argument);
  EXPECT_THROW(ImpactAccumulator(0.0, std::numeric_limits<double>::quiet_NaN()),
               std::invalid_argument);
}

TEST(ImpactAccumulator, EmptyFirstPointAndPoisoning) {
  ImpactAccumulator acc;
  EXPECT_FALSE(acc.has_reference());
  EXPECT_TRUE(std::isnan(acc.mean_lat_deg()));
  EXPECT_TRUE(std::isnan(acc.covariance_en_m2()(0, 0)));
  acc.add(40.0, 125.0);  // becomes the reference
  EXPECT_TRUE(acc.has_reference());
  EXPECT_EQ(acc.ref_lat_deg(), 40.0);
  EXPECT_EQ(acc.ref_lon_deg(), 125.0);
  EXPECT_NEAR(acc.mean_lat_deg(), 40.0, 1e-12);
  EXPECT_NEAR(acc.mean_lon_deg(), 125.0, 1e-12);
  EXPECT_TRUE(std::isnan(acc.covariance_en_m2()(0, 0)));  // one point
  acc.add(std::numeric_limits<double>::quiet_NaN(), 125.0);
  EXPECT_EQ(acc.count(), 2u);
  EXPECT_TRUE(std::isnan(acc.mean_lat_deg()));
  EXPECT_TRUE(std::isnan(acc.covariance_en_m2()(1, 1)));
}

TEST(ImpactAccumulator, AcrossTheAntimeridian) {
  ImpactAccumulator acc(10.0, 180.0);
  acc.add(10.0, 179.9);
  acc.add(10.0, -179.9);
  EXPECT_NEAR(std::abs(acc.mean_lon_deg()), 180.0, 1e-9);
  // Points on a parallel lie slightly poleward of the geodesic through the reference.
  EXPECT_GT(acc.mean_lat_deg(), 10.0);
  EXPECT_LT(acc.mean_lat_deg(), 10.001);
  const Eigen::Matrix2d cov = acc.covariance_en_m2();
  EXPECT_NEAR(cov(1, 1), 0.0, 1e-6);
  EXPECT_NEAR(cov(0, 1), 0.0, 1e-6);
  // Distances from the reference are exact in the projection: x^2 + y^2 = s12^2.
  double s12 = 0.0;
  GeographicLib::Geodesic::WGS84().Inverse(10.0, 180.0, 10.0, 179.9, s12);
  const double y = acc.mean_en_m().y();
  EXPECT_NEAR(0.5 * cov(0, 0) + y * y, s12 * s12, 1e-9 * s12 * s12);
}

TEST(ImpactAccumulator, AroundThePole) {
  ImpactAccumulator acc(90.0, 0.0);
  for (double lon : {0.0, 90.0, 180.0, -90.0}) acc.add(89.9, lon);
  EXPECT_NEAR(acc.mean_lat_deg(), 90.0, 1e-9);
  double s = 0.0;
  GeographicLib::Geodesic::WGS84().Inverse(90.0, 0.0, 89.9, 0.0, s);
  const Eigen::Matrix2d cov = acc.covariance_en_m2();
  EXPECT_NEAR(cov(0, 0), 2.0 * s * s / 3.0, 1e-9 * s * s);
  EXPECT_NEAR(cov(1, 1), 2.0 * s * s / 3.0, 1e-9 * s * s);
  EXPECT_NEAR(cov(0, 1), 0.0, 1e-9 * s * s);
  EXPECT_EQ(containment_ellipse(cov, 0.5).orientation_deg, 0.0);
}

// Fuzz finding (tests/fuzz/regressions/run_file/identical_impacts_far_from_reference.bin): every
// point the same, ~10,000 km from the reference. The exact sums leave only rounding in the
// covariance, which was indefinite, and the summary threw "not positive semi-definite".
TEST(ImpactAccumulator, IdenticalPointsFarFromTheReferenceGiveAZeroEllipse) {
  for (double ref_lon : {-1.0, 0.0, -55.3, 170.0}) {
    for (int n : {2, 3, 7}) {
      ImpactAccumulator acc(39.6, ref_lon);
      for (int i = 0; i < n; ++i) acc.add(39.6, 124.7);
      const Eigen::Matrix2d cov = acc.covariance_en_m2();
      for (double p : {0.5, 0.95, 0.9973}) {
        Ellipse e{};
        ASSERT_NO_THROW(e = containment_ellipse(cov, p)) << ref_lon << " " << n << "\n" << cov;
        EXPECT_LT(e.semi_major_m, 1e-6);
      }
    }
  }
}

}  // namespace
}  // namespace launchmc::stats

// ------------------------------------------------------------------------------------------------
// Empirical containment of the normal-theory ellipses.
namespace launchmc::stats {
namespace {

// Points of a bivariate normal with covariance rotated_cov(a, b, theta) around (mx, my).
std::vector<Eigen::Vector2f> normal_points(std::size_t n, double a, double b, double theta_deg,
                                           double mx, double my, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z;
  const Eigen::Vector2d major(std::sin(theta_deg * kDeg), std::cos(theta_deg * kDeg));
  const Eigen::Vector2d minor(std::cos(theta_deg * kDeg), -std::sin(theta_deg * kDeg));
  std::vector<Eigen::Vector2f> pts;
  for (std::size_t i = 0; i < n; ++i) {
    const Eigen::Vector2d p = Eigen::Vector2d(mx, my) + a * z(rng) * major + b * z(rng) * minor;
    pts.push_back(p.cast<float>());
  }
  return pts;
}

void mean_and_cov(const std::vector<Eigen::Vector2f>& pts, Eigen::Vector2d& mean,
                  Eigen::Matrix2d& cov) {
  mean.setZero();
  for (const auto& p : pts) mean += p.cast<double>();
  mean /= static_cast<double>(pts.size());
  cov.setZero();
  for (const auto& p : pts) {
    const Eigen::Vector2d d = p.cast<double>() - mean;
    cov += d * d.transpose();
  }
  cov /= static_cast<double>(pts.size() - 1);
}

TEST(ContainedFractions, GaussianFootprintHoldsTheNominalLevels) {
  // The chi-square (2 dof) law: P(d^T C^-1 d <= -2 ln(1 - P)) = P. With 20,000 points the
  // fractions lie within 4 binomial standard deviations of P.
  const std::size_t n = 20000;
  const auto pts = normal_points(n, 40e3, 5e3, 30.0, 1.2e5, -3e4, 11);
  Eigen::Vector2d mean;
  Eigen::Matrix2d cov;
  mean_and_cov(pts, mean, cov);
  const std::vector<double> levels = {0.5, 0.95, 0.99, 0.9973};
  const auto f = contained_fractions(pts, mean, cov, levels);
  ASSERT_EQ(f.size(), levels.size());
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const double sd = std::sqrt(levels[i] * (1 - levels[i]) / n);
    EXPECT_NEAR(f[i], levels[i], 4 * sd + 1.0 / n) << levels[i];
  }
}

TEST(ContainedFractions, TwoClustersHoldFarLessThanTheNominalLevel) {
  // 95 % of the points in a tight cluster, 5 % in a second one 250 km away (the fairing halves
  // after a stage-2 failure): the fitted normal's 99 % ellipse cannot reach the far cluster.
  auto pts = normal_points(9500, 10e3, 3e3, 0.0, 0.0, 0.0, 3);
  const auto far = normal_points(500, 10e3, 3e3, 0.0, 0.0, -250e3, 4);
  pts.insert(pts.end(), far.begin(), far.end());
  Eigen::Vector2d mean;
  Eigen::Matrix2d cov;
  mean_and_cov(pts, mean, cov);
  const auto f = contained_fractions(pts, mean, cov, {0.5, 0.99});
  EXPECT_LT(f[1], 0.97);
  // The far cluster inflates the variance along its axis, so the 50 % ellipse holds more than half.
  EXPECT_GT(f[0], 0.55);
}

TEST(ContainedFractions, PointsOnALineAndEdgeCases) {
  // Every point on the north axis: a singular covariance; the fractions follow the 1-D law of
  // d^2 / var <= k^2 (k^2 = -2 ln(1 - P)), i.e. P(|z| <= k): for P = 0.5, k = 1.1774, 76.1 %.
  std::mt19937_64 rng(5);
  std::normal_distribution<double> z;
  std::vector<Eigen::Vector2f> pts;
  for (int i = 0; i < 20000; ++i) pts.emplace_back(0.0f, static_cast<float>(1e4 * z(rng)));
  Eigen::Vector2d mean;
  Eigen::Matrix2d cov;
  mean_and_cov(pts, mean, cov);
  const auto f = contained_fractions(pts, mean, cov, {0.5});
  EXPECT_NEAR(f[0], std::erf(std::sqrt(-2 * std::log(0.5)) / std::sqrt(2.0)), 0.015);
  // A point off that line is outside every ellipse.
  pts.emplace_back(5e3f, 0.0f);
  EXPECT_LT(contained_fractions(pts, mean, cov, {0.9973})[0], 1.0);
  // No points: NaN.
  EXPECT_TRUE(std::isnan(contained_fractions({}, mean, cov, {0.5})[0]));
}

}  // namespace
}  // namespace launchmc::stats
