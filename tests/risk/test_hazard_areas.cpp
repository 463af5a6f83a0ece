// Containment contours and hazard areas (risk/contours.hpp, risk/hazard_areas.hpp) against
// independent references: marching squares and cell unions on hand-made grids against the rings
// traced by hand; a correlated bivariate normal footprint against its analytic ellipses
// (area -2 ln(1 - p) pi sqrt(det Sigma), and the share of a fresh sample inside); two clusters
// giving two polygons; ships' areas from normal flights only; the aircraft area's cells against
// Wilson intervals computed by their formula, and stratified weights against pi_k h_k / n_k.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "risk/contours.hpp"
#include "risk/grid.hpp"
#include "risk/hazard_areas.hpp"
#include "risk/risk_reducer.hpp"
#include "risk_blocks.hpp"

namespace launchmc {
namespace {

using risk::LonLat;
using risk::Ring;
using risk_test::Impact;
using risk_test::make_block;
using risk_test::Row;

// Is `ring` the cyclic sequence `expected` (same start anywhere, same direction)?
::testing::AssertionResult same_ring(const Ring& ring, const std::vector<LonLat>& expected) {
  if (ring.size() != expected.size())
    return ::testing::AssertionFailure()
           << ring.size() << " vertices, expected " << expected.size();
  for (std::size_t shift = 0; shift < ring.size(); ++shift) {
    bool ok = true;
    for (std::size_t i = 0; i < ring.size() && ok; ++i) {
      const LonLat& a = ring[(i + shift) % ring.size()];
      ok = std::fabs(a.lon_deg - expected[i].lon_deg) < 1e-12 &&
           std::fabs(a.lat_deg - expected[i].lat_deg) < 1e-12;
    }
    if (ok) return ::testing::AssertionSuccess();
  }
  std::string s;
  for (const LonLat& p : ring)
    s += "(" + std::to_string(p.lon_deg) + "," + std::to_string(p.lat_deg) + ") ";
  return ::testing::AssertionFailure() << "ring " << s;
}

double planar_area(const Ring& r) {
  double s = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const LonLat& a = r[i];
    const LonLat& b = r[(i + 1) % r.size()];
    s += a.lon_deg * b.lat_deg - b.lon_deg * a.lat_deg;
  }
  return s / 2;
}

TEST(Contours, MarchingSquaresGivesTheHandTracedRings) {
  // Node (r, c) at lon c, lat -r. A 2 x 2 block of ones in a 4 x 4 field of zeros, level 0.5: the
  // crossings are the edges' midpoints, an octagon counter-clockwise (3.5 square units).
  const risk::NodeLattice lattice{4, 4, 0.0, 0.0, 1.0};
  std::vector<double> f(16, 0.0);
  for (const int i : {5, 6, 9, 10}) f[static_cast<std::size_t>(i)] = 1.0;
  auto p = risk::trace_isolines(f, lattice, 0.5);
  ASSERT_EQ(p.size(), 1u);
  ASSERT_EQ(p[0].rings.size(), 1u);
  EXPECT_TRUE(same_ring(
      p[0].rings[0],
      {{1, -0.5}, {0.5, -1}, {0.5, -2}, {1, -2.5}, {2, -2.5}, {2.5, -2}, {2.5, -1}, {2, -0.5}}));
  EXPECT_DOUBLE_EQ(planar_area(p[0].rings[0]), 3.5);
  // Level 0.25 with one corner at 1: the crossing a quarter of the way from 0... here 3/4 of the
  // way from the zero node towards the one node (t = (0.25 - 0) / (1 - 0) from the zero side).
  p = risk::trace_isolines(f, lattice, 0.25);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_TRUE(same_ring(p[0].rings[0], {{1, -0.25},
                                        {0.25, -1},
                                        {0.25, -2},
                                        {1, -2.75},
                                        {2, -2.75},
                                        {2.75, -2},
                                        {2.75, -1},
                                        {2, -0.25}}));
  // A ring of ones around a zero (5 x 5): one polygon with a diamond hole, clockwise.
  const risk::NodeLattice l5{5, 5, 0.0, 0.0, 1.0};
  std::vector<double> g(25, 0.0);
  for (int r = 1; r <= 3; ++r)
    for (int c = 1; c <= 3; ++c)
      g[static_cast<std::size_t>(r * 5 + c)] = (r == 2 && c == 2) ? 0 : 1;
  p = risk::trace_isolines(g, l5, 0.5);
  ASSERT_EQ(p.size(), 1u);
  ASSERT_EQ(p[0].rings.size(), 2u);
  EXPECT_TRUE(same_ring(p[0].rings[1], {{2, -1.5}, {2.5, -2}, {2, -2.5}, {1.5, -2}}));
  EXPECT_DOUBLE_EQ(planar_area(p[0].rings[1]), -0.5);
  EXPECT_DOUBLE_EQ(planar_area(p[0].rings[0]), 3 * 3 - 4 * 0.125);
  EXPECT_FALSE(risk::contains(p[0], 2.0, -2.0));  // in the hole
  EXPECT_TRUE(risk::contains(p[0], 1.0, -1.0));
  // A saddle: ones on a diagonal. The centre's mean 0.5 decides: joined at level 0.5, apart at 0.6.
  const risk::NodeLattice l2{2, 2, 0.0, 0.0, 1.0};
  const std::vector<double> s{1, 0, 0, 1};
  EXPECT_EQ(risk::trace_isolines(s, l2, 0.5).size(), 1u);
  EXPECT_EQ(risk::trace_isolines(s, l2, 0.6).size(), 2u);
  EXPECT_THROW(risk::trace_isolines(s, l2, 0.0), std::invalid_argument);
  EXPECT_THROW(risk::trace_isolines(s, l5, 0.5), std::invalid_argument);
}

TEST(Contours, CellUnionsGiveTheHandTracedRings) {
  // Cells of 1 deg, west 10, north 2: an L of three cells.
  const std::vector<std::uint8_t> l{1, 0, 1, 1};
  auto p = risk::trace_cell_union(l, 2, 2, 10.0, 2.0, 1.0);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_TRUE(same_ring(p[0].rings[0], {{10, 0}, {12, 0}, {12, 1}, {11, 1}, {11, 2}, {10, 2}}));
  // Two cells touching at a corner: two squares.
  p = risk::trace_cell_union(std::vector<std::uint8_t>{1, 0, 0, 1}, 2, 2, 10.0, 2.0, 1.0);
  ASSERT_EQ(p.size(), 2u);
  for (const auto& poly : p) EXPECT_EQ(poly.rings[0].size(), 4u);
  // Eight cells around an empty one: a square with a square hole.
  std::vector<std::uint8_t> ring(9, 1);
  ring[4] = 0;
  p = risk::trace_cell_union(ring, 3, 3, 10.0, 2.0, 1.0);
  ASSERT_EQ(p.size(), 1u);
  ASSERT_EQ(p[0].rings.size(), 2u);
  EXPECT_TRUE(same_ring(p[0].rings[1], {{11, 1}, {12, 1}, {12, 0}, {11, 0}}));  // clockwise
  EXPECT_DOUBLE_EQ(planar_area(p[0].rings[0]), 9.0);
  // Areas on the ellipsoid: the union of the eight cells is eight cells of the grid (whose cell
  // areas are checked against an integral in test_risk_maps), and a cell across the antimeridian
  // (179.5 .. 180.5 E) has the area of any cell of its row.
  const risk::Grid grid(risk::Region{10, -1, 13, 2}, 1.0);
  EXPECT_NEAR(risk::area_km2(p),
              3 * (grid.cell_area_km2(0) + grid.cell_area_km2(2)) + 2 * grid.cell_area_km2(1),
              1e-6);
  const auto am = risk::trace_cell_union(std::vector<std::uint8_t>{1}, 1, 1, 179.5, 1.0, 1.0);
  EXPECT_NEAR(risk::area_km2(am), grid.cell_area_km2(1), 1e-6);
  EXPECT_NEAR(grid.cell_area_km2(1), 12308.7, 0.5);  // 1 x 1 deg north of the equator
}

struct Gaussian2 {
  double mu_lon, mu_lat, sd_lon, sd_lat, rho;
  template <class Rng>
  LonLat draw(Rng& rng) const {
    std::normal_distribution<double> n(0, 1);
    const double a = n(rng), b = n(rng);
    return {mu_lon + sd_lon * a, mu_lat + sd_lat * (rho * a + std::sqrt(1 - rho * rho) * b)};
  }
  // The area of the ellipse holding p of the distribution [km^2], by the local scale of the
  // WGS-84 ellipsoid at the mean (meridional radius M, prime-vertical N), with the covariance
  // inflated by the kernel's (1 + h) (Scott's rule adds n^(-1/3) Sigma).
  double ellipse_km2(double p, double inflation) const {
    const double a = 6378137.0, f = 1 / 298.257223563, e2 = f * (2 - f);
    const double phi = mu_lat * std::numbers::pi / 180;
    const double w = 1 - e2 * std::sin(phi) * std::sin(phi);
    const double m = a * (1 - e2) / std::pow(w, 1.5), nn = a / std::sqrt(w);
    const double km_lat = m * std::numbers::pi / 180 * 1e-3,
                 km_lon = nn * std::cos(phi) * std::numbers::pi / 180 * 1e-3;
    const double det = sd_lon * sd_lon * sd_lat * sd_lat * (1 - rho * rho) * inflation * inflation;
    return -2 * std::log(1 - p) * std::numbers::pi * std::sqrt(det) * km_lat * km_lon;
  }
};

risk::RiskReducer reduce_cloud(const risk::Grid& grid, const std::vector<LonLat>& points) {
  risk::RiskSetup s;
  s.grid = grid;
  s.body_names = {"stage1"};
  risk::RiskReducer red(s);
  std::vector<Row> rows(points.size());
  for (std::size_t i = 0; i < points.size(); ++i)
    rows[i].impacts.push_back({Impact::body, 0, "", points[i].lat_deg, points[i].lon_deg});
  red.add(make_block(0, rows, 1));
  return red;
}

double share_inside(const std::vector<risk::Polygon>& polygons, const std::vector<LonLat>& pts) {
  std::size_t in = 0;
  for (const LonLat& q : pts)
    for (const auto& p : polygons)
      if (risk::contains(p, q.lon_deg, q.lat_deg)) {
        ++in;
        break;
      }
  return static_cast<double>(in) / static_cast<double>(pts.size());
}

// A correlated bivariate normal footprint (sd 0.4 deg in longitude, 0.25 deg in latitude,
// correlation 0.6: swapping the axes or dropping the correlation changes the ellipses), 20,000
// impacts on a 0.02 deg grid.
TEST(Footprints, GaussianContoursMatchTheAnalyticEllipses) {
  const Gaussian2 g{130.01, 30.02, 0.4, 0.25, 0.6};
  std::mt19937_64 rng(11);
  std::vector<LonLat> pts(20000), fresh(20000);
  for (auto& p : pts) p = g.draw(rng);
  for (auto& p : fresh) p = g.draw(rng);
  const risk::Grid grid(risk::Region{128, 28.5, 132, 31.5}, 0.02);
  const risk::RiskReducer red = reduce_cloud(grid, pts);
  const risk::RiskResult res = red.finish();
  const std::vector<double> levels{0.5, 0.95, 0.99};
  const risk::Footprint fp = risk::compute_footprint(red, res, 1, levels, risk::Bandwidth::scott);
  EXPECT_EQ(fp.flights, 20000u);
  EXPECT_DOUBLE_EQ(fp.effective_flights, 20000.0);
  // The kernel: Scott's factor n^(-1/3) on the variances, so sd x n^(-1/6) and the same
  // correlation as the data (within the sampling error of 20,000 points).
  const double shrink = std::pow(20000.0, -1.0 / 6.0);
  EXPECT_NEAR(fp.kernel_sd_lon_deg, 0.4 * shrink, 0.02 * 0.4 * shrink);
  EXPECT_NEAR(fp.kernel_sd_lat_deg, 0.25 * shrink, 0.02 * 0.25 * shrink);
  EXPECT_NEAR(fp.kernel_correlation, 0.6, 0.02);
  const double inflation = std::sqrt(1 + std::pow(20000.0, -1.0 / 3.0));  // per sd
  for (const auto& l : fp.levels) {
    ASSERT_TRUE(l.drawn) << l.p;
    EXPECT_TRUE(l.reliable) << l.p;  // 200 flights outside the 99 % contour
    EXPECT_EQ(l.polygons.size(), 1u) << l.p;
    const double ref = g.ellipse_km2(l.p, inflation * inflation);
    EXPECT_NEAR(l.area_km2, ref, 0.03 * ref) << "p = " << l.p;
    // A fresh sample: the share of the true distribution inside the kernel-inflated ellipse
    // (Mahalanobis radius^2 -2 ln(1 - p) (1 + h)) is 1 - (1 - p)^(1 + h), within 4 binomial
    // standard errors (and the gridding's 0.3 %).
    const double expected = 1 - std::pow(1 - l.p, inflation * inflation);
    const double se = std::sqrt(expected * (1 - expected) / 20000.0);
    EXPECT_NEAR(share_inside(l.polygons, fresh), expected, 4 * se + 0.003) << "p = " << l.p;
    std::printf("p %.3f: area %.1f km^2 (ellipse %.1f), fresh sample inside %.4f (%.4f)\n", l.p,
                l.area_km2, ref, share_inside(l.polygons, fresh), expected);
  }
  // The empirical map (no kernel): the 50 % region against the uninflated ellipse, looser (cells
  // of 20,000 impacts over ~10,000 cells are noisy).
  const risk::Footprint raw = risk::compute_footprint(red, res, 1, levels, risk::Bandwidth::none);
  EXPECT_EQ(raw.kernel_sd_lon_deg, 0.0);
  const double ref50 = g.ellipse_km2(0.5, 1.0);
  double area50 = raw.levels[0].area_km2;
  EXPECT_NEAR(area50, ref50, 0.15 * ref50);
}

TEST(Footprints, FlagsLevelsThatTooFewFlightsSupport) {
  const Gaussian2 g{130.01, 30.02, 0.4, 0.25, 0.0};
  std::mt19937_64 rng(12);
  std::vector<LonLat> pts(500);
  for (auto& p : pts) p = g.draw(rng);
  const risk::Grid grid(risk::Region{128, 28.5, 132, 31.5}, 0.05);
  const risk::RiskReducer red = reduce_cloud(grid, pts);
  const risk::RiskResult res = red.finish();
  const risk::Footprint fp =
      risk::compute_footprint(red, res, 1, risk::kContainmentLevels, risk::Bandwidth::scott);
  ASSERT_EQ(fp.levels.size(), 5u);
  // 500 flights: 250 outside the 50 % contour, 25 outside 95 %, 15 outside 97 %, 5 outside 99 %,
  // 0.5 outside 99.9 %.
  const bool reliable[] = {true, true, true, false, false};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(fp.levels[i].reliable, reliable[i]) << fp.levels[i].p;
    EXPECT_NEAR(fp.levels[i].tail_flights, 500 * (1 - fp.levels[i].p), 1e-9);
  }
  // Fewer than 100 flights: nothing is reliable.
  pts.resize(80);
  const risk::RiskReducer small = reduce_cloud(grid, pts);
  const risk::Footprint fs = risk::compute_footprint(
      small, small.finish(), 1, risk::kContainmentLevels, risk::Bandwidth::scott);
  for (const auto& l : fs.levels) EXPECT_FALSE(l.reliable) << l.p;
  // Impacts outside the grid count in the total: with half of them out, 95 % is not drawn.
  std::vector<LonLat> half = pts;
  for (std::size_t i = 0; i < half.size(); i += 2) half[i].lon_deg += 10;
  const risk::RiskReducer out = reduce_cloud(grid, half);
  const risk::Footprint fo = risk::compute_footprint(out, out.finish(), 1, risk::kContainmentLevels,
                                                     risk::Bandwidth::scott);
  EXPECT_FALSE(fo.levels[1].drawn);
  EXPECT_TRUE(fo.levels[1].polygons.empty());
  EXPECT_TRUE(std::isnan(fo.levels[1].threshold_per_km2));
}

// Two clusters of 0.1 deg 2 deg apart: a non-Gaussian footprint is two polygons, none around the
// empty middle.
TEST(Footprints, TwoClustersGiveTwoPolygons) {
  const Gaussian2 a{129.0, 30.0, 0.1, 0.1, 0.0}, b{131.0, 30.5, 0.1, 0.1, 0.0};
  std::mt19937_64 rng(13);
  std::vector<LonLat> pts;
  for (int i = 0; i < 6000; ++i) pts.push_back(i % 3 ? a.draw(rng) : b.draw(rng));
  const risk::Grid grid(risk::Region{128, 28.5, 132, 31.5}, 0.02);
  const risk::RiskReducer red = reduce_cloud(grid, pts);
  const risk::RiskResult res = red.finish();
  const std::vector<double> level{0.95};
  for (const auto bw : {risk::Bandwidth::scott, risk::Bandwidth::none}) {
    const risk::Footprint fp = risk::compute_footprint(red, res, 1, level, bw);
    const auto& polys = fp.levels[0].polygons;
    if (bw == risk::Bandwidth::none) {
      // The empirical map has stray cells too: the two big polygons hold the clusters.
      ASSERT_GE(polys.size(), 2u);
    } else {
      ASSERT_EQ(polys.size(), 2u);
    }
    int in_a = 0, in_b = 0, in_middle = 0;
    for (const auto& p : polys) {
      in_a += risk::contains(p, 129.0, 30.0);
      in_b += risk::contains(p, 131.0, 30.5);
      in_middle += risk::contains(p, 130.0, 30.25);
    }
    EXPECT_EQ(in_a, 1);
    EXPECT_EQ(in_b, 1);
    EXPECT_EQ(in_middle, 0);
    if (bw != risk::Bandwidth::scott) continue;
    // Each cluster smoothed with its own kernel (one kernel from both clusters' covariance would
    // be ~2.3 times their spread and the area ~6 times larger). The highest-density region of two
    // separate isotropic Gaussians of weights w_k and variances s_k^2 (each inflated by its
    // kernel, 1 + n_k^(-1/3)) at level t = (1 - p) / (2 pi sum s_k^2) is a disc of area
    // 2 pi s_k^2 ln(w_k / (2 pi s_k^2 t)) in each, in deg^2; km^2 by the local WGS-84 scale.
    const double w[2] = {2.0 / 3.0, 1.0 / 3.0}, lat[2] = {30.0, 30.5};
    double s2[2], sum_s2 = 0;
    for (int k = 0; k < 2; ++k) {
      s2[k] = 0.01 * (1 + std::pow(6000.0 * w[k], -1.0 / 3.0));
      sum_s2 += s2[k];
    }
    const double t = (1 - 0.95) / (2 * std::numbers::pi * sum_s2);
    double ref = 0;
    for (int k = 0; k < 2; ++k) {
      const Gaussian2 unit{0, lat[k], 1, 1, 0};  // its ellipse_km2 at p = 1 - 1/e is pi km^2/deg^2
      const double km2_per_deg2 =
          unit.ellipse_km2(1 - std::exp(-1.0), 1.0) / (2 * std::numbers::pi);
      ref += 2 * std::numbers::pi * s2[k] * std::log(w[k] / (2 * std::numbers::pi * s2[k] * t)) *
             km2_per_deg2;
    }
    EXPECT_NEAR(fp.levels[0].area_km2, ref, 0.04 * ref);
    std::printf("two clusters, 95 %%: %.1f km^2 (reference %.1f)\n", fp.levels[0].area_km2, ref);
  }
}

// Ships: the 97 % containment of the body's impacts in normal flight only (no failure drawn, no
// breakup): failures landing elsewhere, and a normal-flight row broken up by a range-safety rule,
// stay out of it.
TEST(HazardAreas, ShipsUseNormalFlightsOnly) {
  const Gaussian2 normal{129.5, 30.0, 0.2, 0.15, 0.3}, failed{131.0, 31.0, 0.2, 0.2, 0.0};
  risk::RiskSetup s;
  s.grid = risk::Grid(risk::Region{128, 28.5, 132, 31.5}, 0.02);
  s.body_names = {"stage1"};
  s.failure_modes = {"explosion"};
  risk::RiskReducer red(s);
  std::mt19937_64 rng(14);
  std::vector<Row> rows(8000);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const bool fail = i % 4 == 0;
    rows[i].mode = fail ? 0 : -1;
    const LonLat p = fail ? failed.draw(rng) : normal.draw(rng);
    rows[i].impacts.push_back({Impact::body, 0, "", p.lat_deg, p.lon_deg});
  }
  // Rows 1 and 2: normal flight by the draw, but broken up by a range-safety rule, far away.
  rows[1].impacts[0].lon = rows[2].impacts[0].lon = 131.5;
  rows[1].impacts[0].lat = rows[2].impacts[0].lat = 29.0;
  engine::Block block = make_block(0, rows, 1);
  const std::size_t breakup = engine::sample_column("breakup_cause");
  block.sample[breakup][1] = block.sample[breakup][2] = 3;
  red.add(block);
  const auto names = red.group_names();
  ASSERT_EQ(names,
            (std::vector<std::string>{"any", "stage1", "vehicle", "explosion", "stage1:normal"}));
  ASSERT_EQ(red.normal_flight_group(0), 4u);
  // The sparse maps (what /risk/cells is written from) are the dense maps' nonzero cells, bit
  // for bit.
  for (std::size_t g = 0; g < names.size(); ++g) {
    const auto p = red.probability_map(g), e = red.expected_map(g);
    std::size_t k = 0;
    const auto sparse = red.sparse_maps(g);
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (p[i] == 0.0 && e[i] == 0.0) continue;
      ASSERT_LT(k, sparse.size());
      EXPECT_EQ(sparse[k].cell, i);
      EXPECT_EQ(sparse[k].probability, p[i]);
      EXPECT_EQ(sparse[k].expected, e[i]);
      ++k;
    }
    EXPECT_EQ(k, sparse.size()) << names[g];
  }
  const risk::RiskResult res = red.finish();
  EXPECT_EQ(res.groups[4].kind, risk::GroupKind::normal_flight);
  EXPECT_EQ(res.groups[4].flights_hit, 6000u - 2u);
  EXPECT_DOUBLE_EQ(res.groups[4].expected_pieces, 5998.0 / 8000.0);
  const risk::HazardAreas h = risk::compute_hazard_areas(red, res, risk::Bandwidth::scott);
  ASSERT_EQ(h.ships.size(), 1u);
  const risk::ShipHazardArea& ship = h.ships[0];
  EXPECT_EQ(ship.body, "stage1");
  EXPECT_EQ(ship.group, 4u);
  EXPECT_EQ(ship.containment.p, 0.97);
  ASSERT_TRUE(ship.containment.drawn);
  ASSERT_EQ(ship.containment.polygons.size(), 1u);
  EXPECT_TRUE(risk::contains(ship.containment.polygons[0], 129.5, 30.0));
  EXPECT_FALSE(risk::contains(ship.containment.polygons[0], 131.0, 31.0));
  EXPECT_FALSE(risk::contains(ship.containment.polygons[0], 131.5, 29.0));
  const double inflation = 1 + std::pow(5998.0, -1.0 / 3.0);
  const double ref = normal.ellipse_km2(0.97, inflation);
  EXPECT_NEAR(ship.containment.area_km2, ref, 0.04 * ref);
  // The body's own group (all flights) reaches the failures' cluster.
  const auto all = std::find_if(h.footprints.begin(), h.footprints.end(),
                                [](const risk::Footprint& f) { return f.name == "stage1"; });
  ASSERT_NE(all, h.footprints.end());
  bool reaches = false;
  for (const auto& p : all->levels[2].polygons) reaches |= risk::contains(p, 131.0, 31.0);
  EXPECT_TRUE(reaches);
  // A run without failure modes: the body's own group is its normal-flight group.
  risk::RiskSetup plain = s;
  plain.failure_modes.clear();
  risk::RiskReducer red2(plain);
  for (Row& r : rows) r.mode = -1;
  red2.add(make_block(0, rows, 1));
  EXPECT_EQ(red2.normal_flight_group(0), risk::RiskReducer::npos);
  const risk::HazardAreas h2 =
      risk::compute_hazard_areas(red2, red2.finish(), risk::Bandwidth::scott);
  ASSERT_EQ(h2.ships.size(), 1u);
  EXPECT_EQ(h2.ships[0].group, 1u);
}

// Wilson score interval by its formula (E. B. Wilson, JASA 22, 1927), z = 1.959964.
std::pair<double, double> wilson(double k, double n) {
  const double z = 1.959963984540054, z2 = z * z, p = k / n;
  const double c = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double h = z / (1 + z2 / n) * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  return {c - h, c + h};
}

TEST(HazardAreas, AircraftCellsAgainstWilsonIntervals) {
  // 100 flights, cells of 1 deg, threshold 0.05: cell A (row 0, col 0) hit in 20 flights, B (row 0,
  // col 1) in 3, C (row 1, col 1: A's diagonal) in 8; the other flights land nowhere.
  risk::RiskSetup s;
  s.grid = risk::Grid(risk::Region{120, 28, 124, 30}, 1.0);
  s.body_names = {"stage1"};
  risk::RiskReducer red(s);
  std::vector<Row> rows(100);
  for (std::size_t i = 0; i < 31; ++i) {
    const double lon = i < 20 ? 120.5 : 121.5, lat = i < 23 ? 29.5 : 28.5;
    rows[i].impacts.push_back({Impact::body, 0, "", lat, lon});
  }
  red.add(make_block(0, rows, 1));
  const risk::RiskResult res = red.finish();
  const risk::AircraftHazardArea a = risk::compute_aircraft_hazard_area(red, res, 0, 0.05);
  // By hand: estimates 0.20, 0.03, 0.08; Wilson bounds against 0.05.
  ASSERT_GT(wilson(20, 100).first, 0.05);
  ASSERT_LT(wilson(8, 100).first, 0.05);
  ASSERT_GT(wilson(3, 100).second, 0.05);
  ASSERT_LT(wilson(0, 100).second, 0.05);
  EXPECT_EQ(a.cells_hit, 3u);
  EXPECT_EQ(a.cells_above, 2u);  // A and C
  EXPECT_EQ(a.cells_certain_above, 1u);
  EXPECT_EQ(a.cells_undecided, 2u);  // B and C
  EXPECT_EQ(a.cells_certain_below, 0u);
  EXPECT_NEAR(a.unhit_upper, wilson(0, 100).second, 1e-12);
  EXPECT_TRUE(a.unhit_certain_below);
  EXPECT_DOUBLE_EQ(a.single_hit_probability, 0.01);
  // A and C touch at a corner: two squares, two cells of area.
  ASSERT_EQ(a.polygons.size(), 2u);
  EXPECT_NEAR(a.area_km2, s.grid.cell_area_km2(0) + s.grid.cell_area_km2(1), 1e-6);
  EXPECT_TRUE(risk::contains(a.polygons[0], 120.5, 29.5) ||
              risk::contains(a.polygons[1], 120.5, 29.5));
  ASSERT_EQ(a.certain_polygons.size(), 1u);
  EXPECT_TRUE(
      same_ring(a.certain_polygons[0].rings[0], {{120, 29}, {121, 29}, {121, 30}, {120, 30}}));
  EXPECT_NEAR(a.certain_area_km2, s.grid.cell_area_km2(0), 1e-6);
  // The regulatory threshold 1e-6 with 100 flights: every hit cell is above, none certainly below,
  // and a cell never hit cannot be shown to be below it.
  const risk::AircraftHazardArea r = risk::compute_aircraft_hazard_area(red, res);
  EXPECT_EQ(r.threshold, 1e-6);
  EXPECT_EQ(r.cells_above, 3u);
  EXPECT_EQ(r.cells_certain_above, 3u);
  EXPECT_FALSE(r.unhit_certain_below);
}

// A stratified run: failures of probability 1e-3 get half of 2,000 rows; a cell hit by k of the
// failure rows has P = 1e-3 k / 1000 = k e-6: one hit sits on the threshold (not above), two are
// above it.
TEST(HazardAreas, AircraftAreaWeighsStrata) {
  risk::RiskSetup s;
  s.grid = risk::Grid(risk::Region{120, 28, 124, 30}, 1.0);
  s.body_names = {"stage1"};
  s.failure_modes = {"explosion"};
  s.stratum_probability = {0.999, 0.001};
  risk::RiskReducer red(s);
  std::vector<Row> rows(2000);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i].stratum = i % 2;
    rows[i].mode = i % 2 ? 0 : -1;
  }
  rows[1].impacts.push_back({Impact::vehicle, 0, "", 29.5, 120.5});  // cell (0, 0): one hit
  rows[3].impacts.push_back({Impact::vehicle, 0, "", 28.5, 123.5});  // cell (1, 3): two hits
  rows[5].impacts.push_back({Impact::vehicle, 0, "", 28.5, 123.5});
  red.add(make_block(0, rows, 1));
  const risk::RiskResult res = red.finish();
  const risk::AircraftHazardArea a = risk::compute_aircraft_hazard_area(red, res);
  EXPECT_DOUBLE_EQ(a.single_hit_probability, 0.001 / 1000);
  EXPECT_EQ(a.cells_hit, 2u);
  EXPECT_EQ(a.cells_above, 1u);
  ASSERT_EQ(a.polygons.size(), 1u);
  EXPECT_TRUE(risk::contains(a.polygons[0], 123.5, 28.5));
  EXPECT_NEAR(a.area_km2, s.grid.cell_area_km2(1), 1e-6);
  EXPECT_NEAR(red.probability_map(0)[1 * 4 + 3], 2e-6, 1e-18);
  // Sparse maps with two strata: the dense maps' values, bit for bit.
  const auto sparse = red.sparse_maps(0);
  ASSERT_EQ(sparse.size(), 2u);
  EXPECT_EQ(sparse[0].probability, red.probability_map(0)[0]);
  EXPECT_EQ(sparse[1].cell, 7u);
  EXPECT_EQ(sparse[1].expected, red.expected_map(0)[7]);
  // The cell's interval: Wilson's on the effective trials p (1 - p) / v of the stratified
  // variance v = pi_1^2 p_1 (1 - p_1) / n_1 (Korn & Graubard 1998), p_1 = 2 / 1000 in the
  // failure stratum, none in the other.
  const double p1 = 2.0 / 1000, p = 0.001 * p1, v = 0.001 * 0.001 * p1 * (1 - p1) / 1000;
  const double n = p * (1 - p) / v, z = 1.959963984540054, d = 1 + z * z / n;
  const double centre = (p + z * z / (2 * n)) / d;
  const double half = z / d * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
  EXPECT_NEAR(sparse[1].probability_lo, centre - half, 1e-9 * p);
  EXPECT_NEAR(sparse[1].probability_hi, centre + half, 1e-9 * p);
  EXPECT_LT(sparse[1].probability_lo, sparse[1].probability);
  EXPECT_GT(sparse[1].probability_hi, 3 * sparse[1].probability);  // two hits: wide
}

}  // namespace
}  // namespace launchmc
