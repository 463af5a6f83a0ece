// Catalogue-convention apsis altitudes in the Monte Carlo summary: the rows
// catalog_perigee_alt_km = a (1 - e) - R_eq and catalog_apogee_alt_km = a (1 + e) - R_eq
// (R_eq = 6378.137 km, the WGS-84 equatorial radius) over the samples that reached orbit, next to
// the ellipsoid-height rows perigee_alt_km / apogee_alt_km, in the Summary, its JSON and the
// printed table. Blocks are built by hand with known a and e; the expected statistics are computed
// here from those numbers, without the library's statistics code.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "engine/columns.hpp"
#include "engine/outcome.hpp"
#include "engine/summary.hpp"
#include "io/summary_report.hpp"

namespace launchmc::engine {
namespace {

constexpr double kReqKm = 6378.137;  // WGS-84 equatorial radius [km]
constexpr std::size_t kRows = 37;

bool is_orbit(std::size_t i) { return i % 4 != 3; }  // every fourth sample fails
double a_m_of(std::size_t i) { return 6878137.0 + 1234.5 * static_cast<double>((i * 11) % 17); }
double e_of(std::size_t i) { return 0.0005 * static_cast<double>((i * 7) % 9); }

// Samples [first, first + n). The ellipsoid-height columns hold values unrelated to a and e, so a
// summary that used them for the catalogue rows would fail. Failed samples still carry a and e
// (they must be ignored: only orbits count).
Block make_block(std::size_t first, std::size_t n) {
  Block b;
  b.resize(n, 0, 0);
  b.first = first;
  b.count = n;
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t i = first + r;
    b.column("status")[r] =
        static_cast<std::int8_t>(is_orbit(i) ? SampleStatus::orbit : SampleStatus::suborbital);
    b.column("semi_major_axis_m")[r] = a_m_of(i);
    b.column("eccentricity")[r] = e_of(i);
    if (is_orbit(i)) {
      b.column("insertion_time_s")[r] = 600.0;
      b.column("perigee_alt_m")[r] = 300e3;
      b.column("apogee_alt_m")[r] = 800e3;
      b.column("inclination_deg")[r] = 51.6;
    }
  }
  return b;
}

Summary summary_of(const std::vector<std::size_t>& block_sizes) {
  SummaryReducer acc({}, SampleStatus::orbit, 0, std::nullopt, 0.0, 0.0);
  std::size_t first = 0;
  for (std::size_t n : block_sizes) {
    acc.add(make_block(first, n));
    first += n;
  }
  RunMeta meta;
  meta.scenario = "synthetic";
  return acc.finish(meta);
}

struct Expected {
  std::size_t count;
  double mean, std, q01, q50, q99;
};

// Type-7 quantile of sorted values, written out here.
double type7(const std::vector<double>& sorted, double p) {
  const double h = (static_cast<double>(sorted.size()) - 1.0) * p;
  const auto j = static_cast<std::size_t>(std::floor(h));
  if (j + 1 >= sorted.size()) return sorted.back();
  return sorted[j] + (h - static_cast<double>(j)) * (sorted[j + 1] - sorted[j]);
}

// Statistics of a (1 + sign e) over the orbits, in km, minus R_eq after averaging.
Expected expected_catalog(double sign) {
  std::vector<double> radius_km;
  for (std::size_t i = 0; i < kRows; ++i)
    if (is_orbit(i)) radius_km.push_back(a_m_of(i) * (1.0 + sign * e_of(i)) / 1e3);
  double sum = 0;
  for (double x : radius_km) sum += x;
  const double n = static_cast<double>(radius_km.size());
  const double mean_r = sum / n;
  double ss = 0;
  for (double x : radius_km) ss += (x - mean_r) * (x - mean_r);
  std::sort(radius_km.begin(), radius_km.end());
  return {radius_km.size(),
          mean_r - kReqKm,
          std::sqrt(ss / (n - 1.0)),
          type7(radius_km, 0.01) - kReqKm,
          type7(radius_km, 0.50) - kReqKm,
          type7(radius_km, 0.99) - kReqKm};
}

// Quantiles come from a sketch with relative accuracy kQuantileRelativeAccuracy: within that of
// the exact type-7 quantiles computed by hand.
double quantile_tol(double exact) { return kQuantileRelativeAccuracy * std::abs(exact) + 1e-9; }

void expect_stats(const FieldStats& f, const Expected& e) {
  constexpr double tol = 1e-9;  // km: round-off of values of ~7000 km
  EXPECT_EQ(f.count, e.count);
  EXPECT_NEAR(f.mean, e.mean, tol);
  EXPECT_NEAR(f.std, e.std, tol);
  EXPECT_NEAR(f.q01, e.q01, quantile_tol(e.q01));
  EXPECT_NEAR(f.q50, e.q50, quantile_tol(e.q50));
  EXPECT_NEAR(f.q99, e.q99, quantile_tol(e.q99));
}

TEST(EngineCatalogAltitudes, SummaryRowsAreSemiMajorAxisTimesOneMinusPlusEccentricityMinusReq) {
  const Summary s = summary_of({kRows});
  const Expected peri = expected_catalog(-1.0), apo = expected_catalog(+1.0);
  ASSERT_EQ(peri.count, 28u);
  {
    SCOPED_TRACE("catalog_perigee_alt_km");
    expect_stats(s.catalog_perigee_alt_km, peri);
  }
  {
    SCOPED_TRACE("catalog_apogee_alt_km");
    expect_stats(s.catalog_apogee_alt_km, apo);
  }
  // Sanity of the hand computation: about 500 km, with a spread.
  EXPECT_GT(peri.mean, 450.0);
  EXPECT_LT(peri.mean, 520.0);
  EXPECT_GT(peri.std, 1.0);
  // The ellipsoid-height rows are untouched: still the perigee_alt_m / apogee_alt_m columns.
  EXPECT_EQ(s.perigee_alt_km.count, 28u);
  EXPECT_DOUBLE_EQ(s.perigee_alt_km.mean, 300.0);
  EXPECT_NEAR(s.apogee_alt_km.q50, 800.0, quantile_tol(800.0));
}

TEST(EngineCatalogAltitudes, BlockSplitDoesNotChangeTheRows) {
  const Summary one = summary_of({kRows});
  const Summary many = summary_of({5, 1, 20, 11});
  for (auto member : {&Summary::catalog_perigee_alt_km, &Summary::catalog_apogee_alt_km})
    EXPECT_EQ(one.*member, many.*member);
}

TEST(EngineCatalogAltitudes, OrbitsWithoutRecordedElementsAreLeftOut) {
  Block b = make_block(0, kRows);
  b.column("semi_major_axis_m")[0] =
      std::numeric_limits<double>::quiet_NaN();                            // sample 0 is an orbit
  b.column("eccentricity")[1] = std::numeric_limits<double>::quiet_NaN();  // so is sample 1
  SummaryReducer acc({}, SampleStatus::orbit, 0, std::nullopt, 0.0, 0.0);
  acc.add(b);
  const Summary s = acc.finish(RunMeta{});
  EXPECT_EQ(s.perigee_alt_km.count, 28u);
  EXPECT_EQ(s.catalog_perigee_alt_km.count, 26u);
  EXPECT_EQ(s.catalog_apogee_alt_km.count, 26u);
  EXPECT_TRUE(std::isfinite(s.catalog_perigee_alt_km.mean));
  EXPECT_TRUE(std::isfinite(s.catalog_apogee_alt_km.q99));

  // No orbit at all: the rows are null in JSON, as the other orbit rows are.
  SummaryReducer none({}, SampleStatus::orbit, 0, std::nullopt, 0.0, 0.0);
  Block failed = make_block(3, 1);  // sample 3: suborbital
  none.add(failed);
  const nlohmann::json j = io::summary_to_json(none.finish(RunMeta{}));
  EXPECT_TRUE(j["orbit"]["catalog_perigee_alt_km"]["mean"].is_null());
  EXPECT_TRUE(j["orbit"]["catalog_apogee_alt_km"]["q50"].is_null());
}

TEST(EngineCatalogAltitudes, JsonHasTheRowsBesideTheEllipsoidRowsInTheSameShape) {
  const Summary s = summary_of({kRows});
  const nlohmann::json j = io::summary_to_json(s);
  const nlohmann::json& orbit = j["orbit"];
  for (const char* k : {"perigee_alt_km", "apogee_alt_km", "inclination_deg", "insertion_time_s",
                        "catalog_perigee_alt_km", "catalog_apogee_alt_km"})
    ASSERT_TRUE(orbit.contains(k)) << k;
  EXPECT_EQ(orbit.size(), 6u);
  for (const char* k : {"catalog_perigee_alt_km", "catalog_apogee_alt_km"}) {
    SCOPED_TRACE(k);
    EXPECT_EQ(orbit[k].size(), orbit["perigee_alt_km"].size());
    for (const auto& [stat, value] : orbit["perigee_alt_km"].items()) {
      ASSERT_TRUE(orbit[k].contains(stat)) << stat;
      EXPECT_TRUE(orbit[k][stat].is_number()) << stat;
    }
  }
  const Expected peri = expected_catalog(-1.0), apo = expected_catalog(+1.0);
  EXPECT_NEAR(orbit["catalog_perigee_alt_km"]["mean"].get<double>(), peri.mean, 1e-9);
  EXPECT_NEAR(orbit["catalog_perigee_alt_km"]["q99"].get<double>(), peri.q99,
              quantile_tol(peri.q99));
  EXPECT_NEAR(orbit["catalog_apogee_alt_km"]["q01"].get<double>(), apo.q01, quantile_tol(apo.q01));
  EXPECT_NEAR(orbit["catalog_apogee_alt_km"]["std"].get<double>(), apo.std, 1e-9);
  EXPECT_DOUBLE_EQ(orbit["perigee_alt_km"]["mean"].get<double>(), 300.0);
}

TEST(EngineCatalogAltitudes, PrintedTableHasTheRows) {
  const Summary s = summary_of({kRows});
  std::ostringstream out;
  io::print_summary(out, s);
  const std::string text = out.str();
  const Expected peri = expected_catalog(-1.0), apo = expected_catalog(+1.0);
  auto line_of = [&](const std::string& name) {
    const std::size_t at = text.find("\n  " + name + " ");
    if (at == std::string::npos) return std::string();
    return text.substr(at + 1, text.find('\n', at + 1) - at - 1);
  };
  const std::string p = line_of("catalog_perigee_alt_km");
  const std::string a = line_of("catalog_apogee_alt_km");
  ASSERT_FALSE(p.empty()) << text;
  ASSERT_FALSE(a.empty()) << text;
  // Columns: name, count, mean, std, q01, q50, q99, each rounded to the digits it shows.
  auto column = [](const std::string& line, std::size_t i) {
    std::istringstream in(line.substr(line.find("km") + 2));
    std::string tok;
    for (std::size_t k = 0; k <= i; ++k) in >> tok;
    return tok;
  };
  auto shows = [](const std::string& tok, double expected) {
    const std::size_t dot = tok.find('.');
    const int decimals = dot == std::string::npos ? 0 : static_cast<int>(tok.size() - dot - 1);
    return std::abs(std::stod(tok) - expected) <= 0.5 * std::pow(10.0, -decimals) + 1e-12;
  };
  EXPECT_TRUE(shows(column(p, 1), peri.mean)) << p << " vs mean " << peri.mean;
  EXPECT_TRUE(shows(column(a, 4), apo.q50)) << a << " vs q50 " << apo.q50;
  // The existing rows are still there, first.
  EXPECT_FALSE(line_of("perigee_alt_km").empty());
  EXPECT_LT(text.find("\n  apogee_alt_km "), text.find("\n  catalog_perigee_alt_km "));
}

}  // namespace
}  // namespace launchmc::engine
