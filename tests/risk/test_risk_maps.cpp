// The risk reducer against independent references: cell probabilities of a known bivariate
// normal impact distribution (the integral over each cell, Boost.Math erf), cell areas on the
// WGS-84 ellipsoid (a numerical integral of M N cos(lat)), expected casualties on a uniform
// population, land / country / region probabilities of impacts placed inside and outside
// hand-drawn polygons (Wilson interval by its formula), stratified weights against brute force,
// and any split of the rows merging to the same bits.
#include <gtest/gtest.h>

#include <boost/math/special_functions/erf.hpp>
#include <cmath>
#include <numbers>
#include <random>

#include "geo/country_classifier.hpp"
#include "geo/land_classifier.hpp"
#include "risk/grid.hpp"
#include "risk/polygon_areas.hpp"
#include "risk/population.hpp"
#include "risk/risk_reducer.hpp"
#include "risk_blocks.hpp"

namespace launchmc {
namespace {

using risk_test::Impact;
using risk_test::make_block;
using risk_test::MemoryState;
using risk_test::Row;

double Phi(double x) { return 0.5 * (1.0 + boost::math::erf(x / std::numbers::sqrt2)); }

// Wilson score interval by its formula (E. B. Wilson, JASA 22, 1927), z = 1.959964.
std::pair<double, double> wilson(double p, double n) {
  const double z = 1.959963984540054, z2 = z * z;
  const double c = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double h = z / (1 + z2 / n) * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  return {c - h, c + h};
}

risk::RiskSetup setup_with(const risk::Grid& grid, std::vector<std::string> bodies = {"stage1"},
                           std::vector<std::string> modes = {}) {
  risk::RiskSetup s;
  s.grid = grid;
  s.body_names = std::move(bodies);
  s.failure_modes = std::move(modes);
  return s;
}

std::size_t group_index(const risk::RiskReducer& r, const std::string& name) {
  const auto names = r.group_names();
  return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

TEST(RiskGrid, CellAreasAgainstAnIntegralOnTheEllipsoid) {
  // Area element on the ellipsoid: M(phi) N(phi) cos(phi) dphi dlambda, with M the meridional
  // and N the prime-vertical radius of curvature (WGS-84 a, 1/f from NIMA TR8350.2): Simpson's
  // rule over the cell's latitudes.
  const double a = 6378137.0, f = 1 / 298.257223563, e2 = f * (2 - f);
  const auto element = [&](double phi) {
    const double w = 1 - e2 * std::sin(phi) * std::sin(phi);
    return a * (1 - e2) / std::pow(w, 1.5) * a / std::sqrt(w) * std::cos(phi);
  };
  const auto reference_km2 = [&](double lat0, double lat1, double dlon) {
    const int n = 2000;
    const double p0 = lat0 * std::numbers::pi / 180, h = (lat1 - lat0) * std::numbers::pi / 180 / n;
    double s = element(p0) + element(p0 + n * h);
    for (int i = 1; i < n; ++i) s += (i % 2 ? 4 : 2) * element(p0 + i * h);
    return s * h / 3 * dlon * std::numbers::pi / 180 * 1e-6;
  };
  const risk::Grid g(risk::Region{120, -1, 121, 61}, 1.0);  // rows 61..60 down to 0..-1
  ASSERT_EQ(g.ny(), 62u);
  ASSERT_EQ(g.nx(), 1u);
  for (std::size_t r = 0; r < g.ny(); r += 7) {
    const double ref = reference_km2(g.row_south_deg(r), g.row_north_deg(r), 1.0);
    EXPECT_NEAR(g.cell_area_km2(r), ref, 1e-9 * ref) << "row " << r;
  }
  // The 1 x 1 deg cell north of the equator: 12308.7 km^2 (a sphere of the mean radius would
  // give 12363 km^2: the ellipsoid matters at this precision).
  EXPECT_NEAR(g.cell_area_km2(60), reference_km2(0, 1, 1), 1e-6);
  EXPECT_NEAR(g.cell_area_km2(60), 12308.7, 0.5);
  // The whole ellipsoid: 510,065,621.7 km^2 (WGS-84, NIMA TR8350.2 table 3.5).
  const risk::Grid world(risk::Region{-180, -90, 180, 90}, 2.0);
  double total = 0;
  for (std::size_t r = 0; r < world.ny(); ++r)
    total += world.cell_area_km2(r) * static_cast<double>(world.nx());
  EXPECT_NEAR(total, 510065621.7, 1.0);
}

TEST(RiskGrid, CellsOfPointsAndRegions) {
  const risk::Grid g(risk::parse_region("124.02,30.01,125.98,31.99"), 0.5);
  EXPECT_EQ(g.west_deg(), 124.0);
  EXPECT_EQ(g.north_deg(), 32.0);
  EXPECT_EQ(g.nx(), 4u);
  EXPECT_EQ(g.ny(), 4u);
  EXPECT_EQ(g.cell_of(31.9, 124.1), 0u);                // north-west
  EXPECT_EQ(g.cell_of(30.1, 124.1), 12u);               // south-west: row 3
  EXPECT_EQ(g.cell_of(31.9, 125.9), 3u);                // north-east: column 3
  EXPECT_EQ(g.cell_of(31.9, 125.9 - 360.0), 3u);        // wrapped
  EXPECT_EQ(g.cell_of(29.9, 124.1), risk::Grid::npos);  // south of it
  EXPECT_EQ(g.cell_of(31.0, 126.1), risk::Grid::npos);  // east of it
  EXPECT_EQ(g.cell_of(124.1, 31.9), risk::Grid::npos);  // swapped: not a point here
  // Across the antimeridian: 170 E to 170 W.
  const risk::Grid am(risk::parse_region("170,-10,-170,10"), 1.0);
  EXPECT_EQ(am.nx(), 20u);
  EXPECT_EQ(am.cell_of(9.5, 170.5), 0u);
  EXPECT_EQ(am.cell_of(9.5, -170.5), 19u);
  EXPECT_EQ(am.cell_of(9.5, 179.5 + 1.0), 10u);  // 180.5 E = 179.5 W
  for (const char* bad : {"1,2,3", "1,2,3,4,5", "a,2,3,4", "0,10,5,5", "0,-91,5,5", "0,0,5,95", "",
                          "1,,3,4", "400,0,5,5"})
    EXPECT_THROW(risk::parse_region(bad), std::invalid_argument) << bad;
  EXPECT_THROW(risk::Grid(risk::Region{0, 0, 10, 10}, 0.0), std::invalid_argument);
  EXPECT_THROW(risk::Grid(risk::Region{0, 0, 10, 10}, -1.0), std::invalid_argument);
  EXPECT_THROW(risk::Grid(risk::Region{0, 0, 10, 10}, 11.0), std::invalid_argument);
  EXPECT_THROW(risk::Grid(risk::Region{-180, -90, 180, 90}, 0.01), std::invalid_argument);
}

// A bivariate normal impact distribution (independent latitude and longitude of different
// spreads, so that swapping them fails): each cell's share against the normal integral over it.
TEST(RiskMaps, CellProbabilitiesOfAGaussianFootprint) {
  const double mu_lat = 30.03, sd_lat = 0.25, mu_lon = 130.02, sd_lon = 0.6;
  const std::size_t n = 200000;
  const risk::Grid grid(risk::Region{128.5, 29.0, 131.5, 31.0}, 0.1);
  risk::RiskReducer red(setup_with(grid));
  std::mt19937_64 rng(11);
  std::normal_distribution<double> nlat(mu_lat, sd_lat), nlon(mu_lon, sd_lon);
  std::vector<Row> rows;
  for (std::size_t i = 0; i < n; ++i) {
    rows.push_back({-1, 0, {{Impact::body, 0, "", nlat(rng), nlon(rng)}}});
    if (rows.size() == 4096 || i + 1 == n) {
      red.add(make_block(i + 1 - rows.size(), rows, 1));
      rows.clear();
    }
  }
  const auto p = red.probability_map(group_index(red, "stage1"));
  const auto e = red.expected_map(group_index(red, "stage1"));
  const auto any = red.probability_map(0);
  double worst = 0, inside = 0;
  std::size_t tested = 0;
  for (std::size_t row = 0; row < grid.ny(); ++row)
    for (std::size_t col = 0; col < grid.nx(); ++col) {
      const double w = grid.west_deg() + col * grid.step_deg(), east = w + grid.step_deg();
      const double ref = (Phi((grid.row_north_deg(row) - mu_lat) / sd_lat) -
                          Phi((grid.row_south_deg(row) - mu_lat) / sd_lat)) *
                         (Phi((east - mu_lon) / sd_lon) - Phi((w - mu_lon) / sd_lon));
      const std::size_t c = row * grid.nx() + col;
      inside += ref;
      const double se = std::sqrt(std::max(ref * (1 - ref), 1.0 / n) / n);
      EXPECT_LE(std::fabs(p[c] - ref), 5 * se) << "row " << row << " col " << col;
      worst = std::max(worst, std::fabs(p[c] - ref) / se);
      EXPECT_EQ(e[c], p[c]);    // one piece per flight: expectation = probability
      EXPECT_EQ(any[c], p[c]);  // the only body
      tested += ref > 1e-3;
    }
  EXPECT_GT(tested, 200u);
  const risk::RiskResult res = red.finish();
  EXPECT_EQ(res.samples, n);
  const risk::GroupResult& g = res.groups[group_index(red, "stage1")];
  EXPECT_EQ(g.p_impact.value, 1.0);
  EXPECT_NEAR(g.expected_pieces_outside, 1 - inside, 5 * std::sqrt(inside * (1 - inside) / n));
  std::printf(
      "Gaussian footprint: %zu cells with p > 1e-3, worst |p - ref| = %.2f standard errors\n",
      tested, worst);
}

// Expected casualties on a uniform density D: density x casualty area x (weighted) impacts /
// samples, whatever the grid; intact bodies with the default casualty area.
TEST(RiskMaps, ExpectedCasualtiesOnAUniformPopulation) {
  const double density = 250.0;  // persons per km^2
  const risk::PopulationRaster uniform(-180, 90, 1.0, 1.0, 360, 180,
                                       std::vector<float>(360 * 180, static_cast<float>(density)));
  risk::RiskSetup s =
      setup_with(risk::Grid(risk::Region{120, 20, 130, 30}, 0.5), {"stage1"}, {"explosion"});
  s.population = &uniform;
  s.intact_casualty_area_m2 = 12.0;
  risk::RiskReducer red(s);
  // 8 samples: stage 1 lands in 6 (one outside the grid: Ec counts it too), the vehicle in 1,
  // and two explode into fragments of two classes with known pieces and casualty areas.
  std::vector<Row> rows(8);
  for (int i = 0; i < 6; ++i)
    rows[static_cast<std::size_t>(i)].impacts.push_back(
        {Impact::body, 0, "", 25.0 + 0.1 * i, i == 5 ? 140.0 : 125.0});
  rows[6].impacts.push_back({Impact::vehicle, 0, "", 26.0, 126.0});
  rows[6].mode = 0;
  rows[6].impacts.push_back({Impact::fragment, 0, "tank", 26.1, 126.1, 40.0, 0.5});
  rows[6].impacts.push_back({Impact::fragment, 0, "tank", 26.2, 126.1, 40.0, 0.5});
  rows[7].mode = 0;
  rows[7].impacts.push_back({Impact::fragment, 0, "engine", 27.0, 127.0, 1.0, 3.0});
  rows[7].impacts.push_back({Impact::fragment, 0, "payload", 27.5, 127.0, 1.0, 0.0});  // intact
  red.add(make_block(0, rows, 1));
  const risk::RiskResult res = red.finish();
  const double per_m2 = density * 1e-6;
  const double intact = 12.0;
  const double total_area = 6 * intact + intact + 2 * 40 * 0.5 + 3.0 + intact;  // m^2
  const risk::GroupResult& any = res.groups[0];
  ASSERT_TRUE(any.ec.has_value());
  EXPECT_NEAR(any.ec->value, per_m2 * total_area / 8, 1e-15);
  EXPECT_NEAR(res.groups[group_index(red, "stage1")].ec->value, per_m2 * 6 * intact / 8, 1e-15);
  EXPECT_NEAR(res.groups[group_index(red, "tank")].ec->value, per_m2 * 40.0 / 8, 1e-15);
  EXPECT_NEAR(res.groups[group_index(red, "engine")].ec->value, per_m2 * 3.0 / 8, 1e-15);
  EXPECT_NEAR(res.groups[group_index(red, "payload")].ec->value, per_m2 * intact / 8, 1e-15);
  EXPECT_NEAR(res.groups[group_index(red, "explosion")].ec->value,
              per_m2 * (intact + 40 + 3 + intact) / 8, 1e-15);
  // The interval: mean +- 1.96 s / sqrt(n) of the per-flight values.
  std::vector<double> x(8);
  for (int i = 0; i < 6; ++i) x[static_cast<std::size_t>(i)] = per_m2 * intact;
  x[6] = per_m2 * (intact + 40);
  x[7] = per_m2 * (3 + intact);
  double m = 0, v = 0;
  for (double xi : x) m += xi / 8;
  for (double xi : x) v += (xi - m) * (xi - m) / 7;
  EXPECT_NEAR(any.ec->lo, std::max(0.0, m - 1.959963984540054 * std::sqrt(v / 8)), 1e-9 * m);
  EXPECT_NEAR(any.ec->hi, m + 1.959963984540054 * std::sqrt(v / 8), 1e-9 * m);
  // Pieces: 6 + 1 + 80 + 1 + 1, one stage outside the grid.
  EXPECT_NEAR(any.expected_pieces, 89.0 / 8, 1e-12);
  EXPECT_NEAR(any.expected_pieces_outside, 1.0 / 8, 1e-12);
  // The per-cell map holds the casualties of the impacts inside the grid.
  const auto ec = red.casualty_map();
  double sum = 0;
  for (double c : ec) sum += c;
  EXPECT_NEAR(sum, per_m2 * (total_area - intact) / 8, 1e-12);
  // The tank's two fragments share a cell; the vehicle, on the cell's southern edge (26.0 N),
  // is in the cell south of it.
  EXPECT_NEAR(ec[s.grid.cell_of(26.1, 126.1)], per_m2 * 40.0 / 8, 1e-12);
  EXPECT_EQ(s.grid.cell_of(26.0, 126.0), s.grid.cell_of(25.9, 126.0));
  EXPECT_NEAR(ec[s.grid.cell_of(25.9, 126.0)], per_m2 * intact / 8, 1e-12);
  // The sparse cells (what /risk/ec_cells holds): the dense map's nonzero cells, bit for bit.
  std::vector<std::pair<std::size_t, double>> nonzero;
  for (std::size_t i = 0; i < ec.size(); ++i)
    if (ec[i] != 0.0) nonzero.emplace_back(i, ec[i]);
  EXPECT_GE(nonzero.size(), 2u);
  EXPECT_EQ(red.casualty_cells(), nonzero);
  // P(at least one) vs expected pieces in the tank's cell: 1/8 of the flights, 80/8 pieces.
  const std::size_t tank = group_index(red, "tank"), cell = s.grid.cell_of(26.1, 126.1);
  EXPECT_DOUBLE_EQ(red.probability_map(tank)[cell], 1.0 / 8);
  EXPECT_DOUBLE_EQ(red.expected_map(tank)[cell], 80.0 / 8);
}

// A population of 0 except a block of 500 / km^2 (120-121 E, 29-30 N) inside the grid and one of
// 9,999 / km^2 outside it (140 E): `contributing` of `n` flights put stage 1 on the block, the
// others at sea; casualty area 12 m^2.
risk::RiskResult ec_of_rare_contributions(std::size_t n, std::size_t contributing,
                                          std::uint64_t first_row = 0) {
  static const risk::PopulationRaster sparse = [] {
    std::vector<float> d(360 * 180, 0.0f);
    d[(90 - 30) * 360 + (180 + 120)] = 500.0f;
    d[(90 - 30) * 360 + (180 + 140)] = 9999.0f;
    return risk::PopulationRaster(-180, 90, 1.0, 1.0, 360, 180, std::move(d));
  }();
  risk::RiskSetup s = setup_with(risk::Grid(risk::Region{118, 20, 130, 32}, 0.5), {"stage1"});
  s.population = &sparse;
  s.intact_casualty_area_m2 = 12.0;
  risk::RiskReducer red(s);
  std::vector<Row> rows(n);
  for (std::size_t i = 0; i < n; ++i)
    rows[i].impacts.push_back(
        {Impact::body, 0, "", i < contributing ? 29.5 : 25.0, i < contributing ? 120.5 : 125.0});
  red.add(make_block(first_row, rows, 1));
  return red.finish();
}

// No flight met a populated cell: Ec = 0, and the upper bound is the Wilson bound on the share
// of flights that could (z^2 / (n + z^2) for 0 of n) times the largest debris a flight landed
// (12 m^2) on the densest cell inside the grid (500 / km^2; the 9,999 outside it does not count).
TEST(RiskMaps, EcWithNoContributingFlightIsBoundedByTheDensestCellOfTheGrid) {
  const std::size_t n = 1000;
  const risk::RiskResult res = ec_of_rare_contributions(n, 0);
  EXPECT_EQ(res.max_density_per_km2, 500.0);
  const risk::GroupResult& g = res.groups[0];
  ASSERT_TRUE(g.ec.has_value());
  EXPECT_EQ(g.ec_flights, 0u);
  EXPECT_EQ(g.ec->value, 0.0);
  EXPECT_EQ(g.ec->lo, 0.0);
  const double z2 = 1.959963984540054 * 1.959963984540054;
  EXPECT_NEAR(g.ec->hi, z2 / (n + z2) * 12.0 * 500.0 * 1e-6, 1e-15);
}

// Three of 1000 flights put 12 m^2 on 500 / km^2: Ec = 3/1000 x 6e-3. The normal interval of
// three nonzero values is far too narrow; the interval is Ec x Wilson(3, 1000) / (3/1000), from
// 0 (the normal interval's lower end, below the count's).
TEST(RiskMaps, EcWithFewContributingFlightsHasTheCountsInterval) {
  const std::size_t n = 1000, c = 3;
  const risk::RiskResult res = ec_of_rare_contributions(n, c);
  const risk::GroupResult& g = res.groups[0];
  ASSERT_TRUE(g.ec.has_value());
  EXPECT_EQ(g.ec_flights, c);
  const double y = 12.0 * 500.0 * 1e-6, q = static_cast<double>(c) / n;
  EXPECT_NEAR(g.ec->value, q * y, 1e-15);
  const auto [lo, hi] = wilson(q, n);
  EXPECT_NEAR(g.ec->hi, hi * y, 1e-12 * y);
  const double normal_half = 1.959963984540054 * y * std::sqrt(q * (1 - q) * n / (n - 1) / n);
  ASSERT_LT(q * y - normal_half, lo * y);  // the normal interval's lower end is the lower
  EXPECT_NEAR(g.ec->lo, std::max(0.0, q * y - normal_half), 1e-12 * y);
  EXPECT_GT(g.ec->hi, 1.3 * (q * y + normal_half));  // the normal upper end is 27 % lower
}

// Coverage: 400 runs of 1500 flights, each flight contributing with probability 0.002 (3 expected
// per run): the interval holds the true Ec = 0.002 x 6e-3 in at least 93 % of the runs (Wilson's
// coverage at n q = 3 is about 95 %), where the normal interval alone would hold it in about 80 %.
TEST(RiskMaps, EcIntervalCoversTheTrueValueWhenContributionsAreRare) {
  std::mt19937_64 rng(20261201);
  const std::size_t n = 1500, runs = 400;
  const double y = 12.0 * 500.0 * 1e-6, truth = 0.002 * y;
  std::binomial_distribution<std::size_t> count(n, 0.002);
  std::size_t covered = 0, normal_covered = 0;
  for (std::size_t r = 0; r < runs; ++r) {
    const std::size_t c = count(rng);
    const risk::GroupResult g = ec_of_rare_contributions(n, c).groups[0];
    covered += g.ec->lo <= truth && truth <= g.ec->hi;
    const double q = static_cast<double>(c) / n;
    const double half = 1.959963984540054 * y * std::sqrt(q * (1 - q) / (n - 1));
    normal_covered += q * y - half <= truth && truth <= q * y + half;
  }
  std::printf("Ec interval coverage: %zu of %zu runs (normal interval alone: %zu)\n", covered, runs,
              normal_covered);
  EXPECT_GE(static_cast<double>(covered) / runs, 0.93);
  EXPECT_LT(normal_covered, covered);
}

// A land mask of two islands and a country, drawn by hand: Okinawa main island and Miyako-jima
// as boxes around their middles, "Japan" as their union's box; impacts at the islands' middles
// and at sea (Yellow Sea, Philippine Sea).
struct Geography {
  risk::PolygonAreas land{
      {{"okinawa", {{26.0, 127.6}, {26.9, 127.6}, {26.9, 128.3}, {26.0, 128.3}}},
       {"miyako", {{24.6, 125.1}, {24.9, 125.1}, {24.9, 125.5}, {24.6, 125.5}}}},
      125.0};
  risk::PolygonAreas countries{
      {{"Japan", {{24.0, 124.0}, {27.5, 124.0}, {27.5, 129.0}, {24.0, 129.0}}}}, 125.0};
};
constexpr double kOkinawa[2] = {26.5, 127.95}, kMiyako[2] = {24.75, 125.3},
                 kYellowSea[2] = {35.0, 123.5}, kPhilippineSea[2] = {20.0, 130.0};

TEST(RiskMaps, LandAndCountryProbabilitiesOfPlacedImpacts) {
  Geography geo;
  risk::RiskSetup s = setup_with(risk::Grid(risk::Region{120, 15, 135, 40}, 0.25), {"stage1"});
  s.areas = {{"land", &geo.land}, {"countries", &geo.countries}};
  risk::RiskReducer red(s);
  // 20 samples. Stage 1: Okinawa in 3, Miyako in 1, sea in the rest. Fragments "tank" in 4
  // samples: 2 samples with 2 pieces on Okinawa and one at sea, 2 samples at sea only.
  std::vector<Row> rows(20);
  for (std::size_t i = 0; i < 20; ++i) {
    const double* p = i < 3 ? kOkinawa : i == 3 ? kMiyako : i % 2 ? kYellowSea : kPhilippineSea;
    rows[i].impacts.push_back({Impact::body, 0, "", p[0], p[1]});
  }
  for (std::size_t i : {10u, 11u}) {
    rows[i].impacts.push_back({Impact::fragment, 0, "tank", kOkinawa[0], kOkinawa[1], 2.0, 1.0});
    rows[i].impacts.push_back(
        {Impact::fragment, 0, "tank", kOkinawa[0] + 0.1, kOkinawa[1], 3.0, 1.0});
    rows[i].impacts.push_back(
        {Impact::fragment, 0, "tank", kPhilippineSea[0], kPhilippineSea[1], 1.0, 1.0});
  }
  for (std::size_t i : {12u, 13u})
    rows[i].impacts.push_back(
        {Impact::fragment, 0, "tank", kYellowSea[0], kYellowSea[1], 4.0, 1.0});
  red.add(make_block(0, rows, 1));
  const risk::RiskResult res = red.finish();
  const auto area = [&](const std::string& group, std::size_t cls, std::size_t a) {
    return res.groups[group_index(red, group)].areas[cls][a].p;
  };
  // stage 1: okinawa 3/20, miyako 1/20, any land 4/20, Japan 4/20.
  EXPECT_DOUBLE_EQ(area("stage1", 0, 0).value, 3.0 / 20);
  EXPECT_DOUBLE_EQ(area("stage1", 0, 1).value, 1.0 / 20);
  EXPECT_DOUBLE_EQ(area("stage1", 0, 2).value, 4.0 / 20);
  EXPECT_DOUBLE_EQ(area("stage1", 1, 0).value, 4.0 / 20);
  const auto [lo, hi] = wilson(0.2, 20);
  EXPECT_NEAR(area("stage1", 0, 2).lo, lo, 1e-12);
  EXPECT_NEAR(area("stage1", 0, 2).hi, hi, 1e-12);
  // tank: 2 samples of 20 put pieces on land (5 pieces each time): P = 0.1, not 10 pieces / 20.
  EXPECT_DOUBLE_EQ(area("tank", 0, 2).value, 2.0 / 20);
  EXPECT_DOUBLE_EQ(area("tank", 0, 1).value, 0.0);
  EXPECT_DOUBLE_EQ(res.groups[group_index(red, "tank")].p_impact.value, 4.0 / 20);
  EXPECT_DOUBLE_EQ(res.groups[group_index(red, "tank")].expected_pieces, (2 * 6.0 + 2 * 4.0) / 20);
  // any: land in samples 0-3 and 10, 11 -> 6/20.
  EXPECT_DOUBLE_EQ(res.groups[0].areas[0][2].p.value, 6.0 / 20);
  EXPECT_EQ(res.groups[0].areas[0][2].name, "");
  EXPECT_EQ(res.groups[0].areas[0][0].name, "okinawa");
  EXPECT_EQ(res.groups[0].areas[1][0].name, "Japan");
  // The vehicle never landed.
  EXPECT_DOUBLE_EQ(res.groups[group_index(red, "vehicle")].p_impact.value, 0.0);
}

// The same placed impacts against the real geography the `risk` command uses: the GSHHG land mask
// (Debian gmt-gshhg-low) and the DCW countries (gmt-dcw). The islands' middles are land and in
// Japan; the Yellow Sea and the Philippine Sea are neither.
TEST(RiskMaps, LandAndCountryProbabilitiesWithTheRealCoastlines) {
  const geo::LonLatBox box{119.0, 14.0, 136.0, 41.0};
  const geo::LandClassifier land(box);
  const geo::CountryClassifier countries(box);
  std::size_t japan = countries.size();
  for (std::size_t a = 0; a < countries.size(); ++a)
    if (countries.code(a) == "JP") japan = a;
  ASSERT_LT(japan, countries.size());
  risk::RiskSetup s = setup_with(risk::Grid(risk::Region{120, 15, 135, 40}, 0.25), {"stage1"});
  s.areas = {{"land", &land}, {"countries", &countries}};
  risk::RiskReducer red(s);
  std::vector<Row> rows(20);
  for (std::size_t i = 0; i < 20; ++i) {
    const double* p = i < 3 ? kOkinawa : i == 3 ? kMiyako : i % 2 ? kYellowSea : kPhilippineSea;
    rows[i].impacts.push_back({Impact::body, 0, "", p[0], p[1]});
  }
  red.add(make_block(0, rows, 1));
  const risk::RiskResult res = red.finish();
  const auto& areas = res.groups[group_index(red, "stage1")].areas;
  EXPECT_EQ(areas[0][0].name, "land");
  EXPECT_DOUBLE_EQ(areas[0][0].p.value, 4.0 / 20);  // Okinawa 3, Miyako 1
  EXPECT_DOUBLE_EQ(areas[1][japan].p.value, 4.0 / 20);
  for (std::size_t a = 0; a < countries.size(); ++a) {
    if (a != japan) {
      EXPECT_DOUBLE_EQ(areas[1][a].p.value, 0.0) << countries.name(a);
    }
  }
}

// Stratified sampling (failure 10 % of flights, given a quarter of the rows) against brute
// force: P(land) and Ec agree within their intervals, and the stratified estimate equals the
// /outcome/weight-weighted one.
TEST(RiskMaps, StratifiedWeightsAgreeWithBruteForce) {
  Geography geo;
  const risk::PopulationRaster uniform(-180, 90, 1.0, 1.0, 360, 180,
                                       std::vector<float>(360 * 180, 100.0f));
  const double p_fail = 0.1, land_if_fail = 0.4, land_if_not = 0.02;
  const auto setup = [&](std::vector<double> strata) {
    risk::RiskSetup s =
        setup_with(risk::Grid(risk::Region{120, 15, 135, 40}, 0.5), {"stage1"}, {"explosion"});
    s.areas = {{"land", &geo.land}};
    s.stratum_probability = std::move(strata);
    s.population = &uniform;
    return s;
  };
  const auto row_of = [&](bool fail, std::mt19937_64& rng) {
    std::uniform_real_distribution<double> u(0, 1);
    Row r;
    r.mode = fail ? 0 : -1;
    r.stratum = fail ? 1 : 0;
    const bool land = u(rng) < (fail ? land_if_fail : land_if_not);
    const double* p = land ? kOkinawa : kPhilippineSea;
    if (fail)
      r.impacts.push_back({Impact::fragment, 0, "tank", p[0], p[1], 10.0, 2.0});
    else
      r.impacts.push_back({Impact::body, 0, "", p[0], p[1]});
    return r;
  };
  // Stratified: 4000 rows, 1000 of them failures.
  risk::RiskReducer strat(setup({1 - p_fail, p_fail}));
  std::mt19937_64 rng(5);
  std::vector<Row> rows;
  std::size_t n_fail = 0, land_fail = 0, land_none = 0;
  for (std::size_t i = 0; i < 4000; ++i) {
    rows.push_back(row_of(i % 4 == 3, rng));
    n_fail += i % 4 == 3;
    const bool on_land = rows.back().impacts[0].lat == kOkinawa[0];
    (i % 4 == 3 ? land_fail : land_none) += on_land;
  }
  strat.add(make_block(0, rows, 1));
  // Brute force: 40000 flights, failures drawn with their probability.
  risk::RiskReducer brute(setup({1.0}));
  rows.clear();
  std::uniform_real_distribution<double> u(0, 1);
  for (std::size_t i = 0; i < 40000; ++i) {
    Row r = row_of(u(rng) < p_fail, rng);
    r.stratum = 0;
    rows.push_back(r);
  }
  brute.add(make_block(0, rows, 1));
  const risk::RiskResult s = strat.finish(), b = brute.finish();
  const risk::Estimate ps = s.groups[0].areas[0][2].p, pb = b.groups[0].areas[0][2].p;
  // The stratified estimate is the /outcome/weight one: weights pi_k N / n_k, sum / N.
  const double n = 4000, w_fail = p_fail * n / static_cast<double>(n_fail),
               w_none = (1 - p_fail) * n / (n - static_cast<double>(n_fail));
  EXPECT_NEAR(ps.value, (w_fail * land_fail + w_none * land_none) / n, 1e-12);
  const double truth = p_fail * land_if_fail + (1 - p_fail) * land_if_not;
  EXPECT_TRUE(ps.lo <= truth && truth <= ps.hi) << ps.lo << " " << ps.hi;
  EXPECT_TRUE(pb.lo <= truth && truth <= pb.hi) << pb.lo << " " << pb.hi;
  EXPECT_LT(std::fabs(ps.value - pb.value),
            std::hypot(ps.hi - ps.lo, pb.hi - pb.lo) / 2);  // within the combined half-widths
  // Ec likewise: pieces 10 x 2 m^2 on failures, 30 m^2 on the stage otherwise, everywhere.
  const double ec_truth = 100e-6 * (p_fail * 20.0 + (1 - p_fail) * 30.0);
  const risk::Estimate es = *s.groups[0].ec, eb = *b.groups[0].ec;
  EXPECT_NEAR(es.value, ec_truth, 1e-12);  // every row lands: no sampling error within strata
  EXPECT_TRUE(eb.lo <= ec_truth && ec_truth <= eb.hi);
  // Every flight contributes the same value in its stratum: no variance, and the normal interval
  // is a point; the count interval is not, since 4000 flights of 4000 contributing do not prove
  // that every flight would: Ec x [q_lo, 1] with Wilson's q_lo for 1 on the stratified effective
  // trials 1 / sum_k pi_k^2 / n_k (Korn & Graubard 1998, as stats::stratified_proportion).
  const double n_eff = 1.0 / ((1 - p_fail) * (1 - p_fail) / (n - static_cast<double>(n_fail)) +
                              p_fail * p_fail / static_cast<double>(n_fail));
  EXPECT_NEAR(es.lo, es.value * wilson(1.0, n_eff).first, 1e-12 * es.value);
  EXPECT_NEAR(es.hi, es.value, 1e-12 * es.value);
  std::printf("P(land): stratified %.5f [%.5f, %.5f], brute force %.5f [%.5f, %.5f], truth %.5f\n",
              ps.value, ps.lo, ps.hi, pb.value, pb.lo, pb.hi, truth);
}

// Risk from shards: two pieces of the rows reduced apart and merged in either order give the
// state and maps of the single reduction, bit for bit; a saved state restores exactly.
TEST(RiskMaps, ShardsMergeToTheSingleRunBitForBit) {
  Geography geo;
  const risk::PopulationRaster uniform(100, 50, 0.5, 0.5, 100, 80,
                                       std::vector<float>(100 * 80, 33.3f));
  risk::RiskSetup s = setup_with(risk::Grid(risk::Region{118, 18, 134, 38}, 0.2),
                                 {"stage1", "fairing"}, {"explosion", "termination"});
  s.areas = {{"land", &geo.land}, {"countries", &geo.countries}};
  s.stratum_probability = {0.7, 0.2, 0.1};
  s.population = &uniform;
  std::mt19937_64 rng(3);
  std::normal_distribution<double> nlat(26, 2), nlon(127, 2);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<Row> rows(3000);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Row& r = rows[i];
    r.stratum = static_cast<std::uint8_t>(i % 3);
    r.mode = static_cast<int>(r.stratum) - 1;
    r.impacts.push_back({Impact::body, 0, "", nlat(rng), nlon(rng)});
    if (u(rng) < 0.5) r.impacts.push_back({Impact::body, 1, "", nlat(rng), nlon(rng)});
    if (r.mode >= 0) {
      r.impacts.push_back({Impact::vehicle, 0, "", nlat(rng), nlon(rng)});
      // Classes appear in another order in the second half.
      for (const char* c : i < 1500 ? std::vector<const char*>{"tank", "engine"}
                                    : std::vector<const char*>{"wiring", "engine", "tank"})
        r.impacts.push_back(
            {Impact::fragment, 0, c, nlat(rng), nlon(rng), 1.0 / 3 + u(rng), u(rng)});
    }
  }
  const auto reduce = [&](std::size_t from, std::size_t to) {
    auto red = std::make_unique<risk::RiskReducer>(s);
    for (std::size_t b = from; b < to; b += 256) {
      const std::size_t e = std::min(to, b + 256);
      red->add(make_block(b, std::vector<Row>(rows.begin() + b, rows.begin() + e), 2));
    }
    return red;
  };
  const auto whole = reduce(0, rows.size());
  MemoryState sw;
  whole->save(sw);
  for (const std::size_t cut : {1000u, 1700u}) {
    for (const bool forward : {true, false}) {
      auto a = reduce(0, cut), b = reduce(cut, rows.size());
      risk::RiskReducer& into = forward ? *a : *b;
      into.merge(forward ? *b : *a);
      MemoryState sm;
      into.save(sm);
      EXPECT_TRUE(sm == sw) << "cut " << cut << (forward ? " forward" : " backward");
      EXPECT_EQ(into.group_names(), whole->group_names());
      for (std::size_t g = 0; g < whole->group_names().size(); ++g) {
        EXPECT_EQ(into.probability_map(g), whole->probability_map(g));
        EXPECT_EQ(into.expected_map(g), whole->expected_map(g));
      }
      EXPECT_EQ(into.casualty_map(), whole->casualty_map());
      const risk::RiskResult x = into.finish(), y = whole->finish();
      for (std::size_t g = 0; g < x.groups.size(); ++g) {
        EXPECT_EQ(x.groups[g].ec->value, y.groups[g].ec->value);
        EXPECT_EQ(x.groups[g].ec->hi, y.groups[g].ec->hi);
        EXPECT_EQ(x.groups[g].expected_pieces, y.groups[g].expected_pieces);
        EXPECT_EQ(x.groups[g].areas[0][2].p.value, y.groups[g].areas[0][2].p.value);
      }
    }
  }
  // Restore: the same state, and merging a restored shard works as the live one.
  risk::RiskReducer restored(s);
  restored.restore(whole->group_names(), sw);
  MemoryState sr;
  restored.save(sr);
  EXPECT_TRUE(sr == sw);
  EXPECT_EQ(restored.casualty_map(), whole->casualty_map());
  // A state of other groups is refused.
  risk::RiskSetup other = s;
  other.body_names = {"stage1", "stage2"};
  risk::RiskReducer wrong(other);
  EXPECT_THROW(wrong.restore(whole->group_names(), sw), std::runtime_error);
}

TEST(RiskMaps, GroupsAreBodiesVehicleModesAndClasses) {
  risk::RiskSetup s = setup_with(risk::Grid(risk::Region{120, 20, 130, 30}, 1.0),
                                 {"stage1", "fairing"}, {"no_ignition", "explosion"});
  s.fragment_classes = {"tank", "engine"};
  risk::RiskReducer red(s);
  std::vector<Row> rows(2);
  rows[1].mode = 1;
  rows[1].impacts.push_back({Impact::fragment, 0, "bolts", 25, 125, 1, 0});
  rows[0].impacts.push_back({Impact::body, 1, "", 22, 122});
  red.add(make_block(0, rows, 2));
  EXPECT_EQ(
      red.group_names(),
      (std::vector<std::string>{"any", "stage1", "fairing", "vehicle", "no_ignition", "explosion",
                                "stage1:normal", "fairing:normal", "bolts", "engine", "tank"}));
  const risk::RiskResult r = red.finish();
  EXPECT_EQ(r.groups[2].p_impact.value, 0.5);  // fairing
  EXPECT_EQ(r.groups[1].p_impact.value, 0.0);  // stage1
  EXPECT_EQ(r.groups[5].p_impact.value, 0.5);  // explosion: the bolts of row 1
  EXPECT_EQ(r.groups[4].p_impact.value, 0.0);  // no_ignition
  EXPECT_EQ(r.groups[7].p_impact.value, 0.5);  // fairing in normal flight (row 0: no failure)
  EXPECT_EQ(r.groups[6].p_impact.value, 0.0);  // stage1 in normal flight: never landed
  EXPECT_EQ(r.groups[8].p_impact.value, 0.5);  // bolts
  EXPECT_EQ(r.groups[9].p_impact.value, 0.0);  // engine: known, never landed
  EXPECT_FALSE(r.groups[0].ec.has_value());    // no raster
  // The fairing's cell, at row 30 - 22 = 8 (north to south), column 2.
  EXPECT_EQ(red.probability_map(2)[8 * 10 + 2], 0.5);
  EXPECT_EQ(red.probability_map(2)[2 * 10 + 8], 0.0);
}

}  // namespace
}  // namespace launchmc
