// Tests of the US Standard Atmosphere 1976 unit against the standard's published tables
// (NOAA-S/T 76-1562): reference CSV rows, extra table values, continuity and monotonicity.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "atmosphere/us76.hpp"

namespace launchmc::atmosphere {
namespace {

constexpr double r0_m = 6356766.0;  // effective Earth radius of the standard

double rel_err(double value, double expected) { return std::abs(value / expected - 1.0); }

// Geometric altitude of a geopotential altitude H [m'] (inverse of H = r0 z / (r0 + z)).
double geometric_of_geopotential_m(double h_m) { return r0_m * h_m / (r0_m - h_m); }

struct ReferenceRow {
  double alt_km;
  std::optional<double> temperature_K;
  std::optional<double> pressure_Pa;
  std::optional<double> density_kgpm3;
};

std::optional<double> parse_cell(const std::string& cell) {
  if (cell.find_first_not_of(" \t\r") == std::string::npos) return std::nullopt;
  return std::stod(cell);
}

// Reads tests/data/us76_reference.csv: '#' lines are comments, the first other line is the header.
std::vector<ReferenceRow> read_reference_csv() {
  const std::string path = std::string(LAUNCHMC_TEST_DATA_DIR) + "/us76_reference.csv";
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::vector<ReferenceRow> rows;
  std::string line;
  bool header_seen = false;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (!header_seen) {
      EXPECT_EQ(line.rfind("altitude_km,temperature_K,pressure_Pa,density_kg_m3", 0), 0u) << line;
      header_seen = true;
      continue;
    }
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    cells.resize(4);  // trailing empty cells
    rows.push_back(
        {std::stod(cells[0]), parse_cell(cells[1]), parse_cell(cells[2]), parse_cell(cells[3])});
  }
  return rows;
}

TEST(Us76, ReferenceCsvRows) {
  const Us76& atm = us76();
  const std::vector<ReferenceRow> rows = read_reference_csv();
  ASSERT_GE(rows.size(), 7u);
  for (const ReferenceRow& row : rows) {
    const double tol = row.alt_km < 86.0 ? 1e-4 : 1e-3;
    const AtmosphereState s = atm.at(row.alt_km * 1000.0);
    if (row.temperature_K) {
      EXPECT_LT(rel_err(s.temperature_K, *row.temperature_K), tol)
          << "T at " << row.alt_km << " km: " << s.temperature_K;
    }
    if (row.pressure_Pa) {
      EXPECT_LT(rel_err(s.pressure_Pa, *row.pressure_Pa), tol)
          << "p at " << row.alt_km << " km: " << s.pressure_Pa;
    }
    if (row.density_kgpm3) {
      EXPECT_LT(rel_err(s.density_kgpm3, *row.density_kgpm3), tol)
          << "rho at " << row.alt_km << " km: " << s.density_kgpm3;
    }
  }
}

TEST(Us76, SeaLevelSpeedOfSound) {
  // NOAA-S/T 76-1562, table I / table 2: C_s at sea level = 340.294 m/s.
  EXPECT_NEAR(us76().at(0.0).speed_of_sound_mps, 340.294, 5e-4);
}

// Extra values of NOAA-S/T 76-1562 table I (geometric altitude), as transcribed in
// https://www.pdas.com/bigtables.html (20, 30, 45, 70, 150, 300, 1000 km) and in public
// transcriptions of table I in 86..130 km (90, 95, 110, 120, 130 km), which the pdas page only
// interpolates there. Temperatures in 80..86 km are left out on purpose: the pdas page lists the
// molecular-scale temperature there, not the kinetic temperature T = T_M M/M0 of the standard.
TEST(Us76, PublishedTableValues) {
  struct Published {
    double alt_km, temperature_K, pressure_Pa, density_kgpm3;
  };
  constexpr std::array<Published, 12> values = {{
      {20.0, 216.65, 5529.3, 8.8910e-2},
      {30.0, 226.509, 1197.0, 1.8410e-2},
      {45.0, 264.164, 149.10, 1.9663e-3},
      {70.0, 219.585, 5.2209, 8.2829e-5},
      {90.0, 186.87, 1.8359e-1, 3.416e-6},
      {95.0, 188.42, 7.5966e-2, 1.393e-6},
      {110.0, 240.00, 7.1042e-3, 9.708e-8},
      {120.0, 360.00, 2.5382e-3, 2.222e-8},
      {130.0, 469.27, 1.2505e-3, 8.152e-9},
      {150.0, 634.392, 4.5422e-4, 2.0752e-9},
      {300.0, 976.008, 8.7704e-6, 1.9159e-11},
      {1000.0, 1000.0, 7.5138e-9, 3.5611e-15},
  }};
  const Us76& atm = us76();
  for (const Published& v : values) {
    const double tol = v.alt_km < 86.0 ? 1e-4 : 1e-3;
    const AtmosphereState s = atm.at(v.alt_km * 1000.0);
    EXPECT_LT(rel_err(s.temperature_K, v.temperature_K), tol) << v.alt_km << " km";
    EXPECT_LT(rel_err(s.pressure_Pa, v.pressure_Pa), tol) << v.alt_km << " km";
    EXPECT_LT(rel_err(s.density_kgpm3, v.density_kgpm3), tol) << v.alt_km << " km";
  }
  // rho(1000 km) = 3.561e-15 kg/m^3 and T = 1000 K as printed in table I.
  EXPECT_LT(rel_err(atm.at(1.0e6).density_kgpm3, 3.561e-15), 1e-3);
  EXPECT_NEAR(atm.at(1.0e6).temperature_K, 1000.0, 0.01);
}

void expect_continuous(const Us76& atm, double z_m, double tol) {
  const double below_m = z_m - 1e-6;
  const AtmosphereState lo = atm.at(below_m);
  const AtmosphereState hi = atm.at(z_m);
  EXPECT_LT(rel_err(lo.temperature_K, hi.temperature_K), tol) << "T at z = " << z_m << " m";
  EXPECT_LT(rel_err(lo.pressure_Pa, hi.pressure_Pa), tol) << "p at z = " << z_m << " m";
  EXPECT_LT(rel_err(lo.density_kgpm3, hi.density_kgpm3), tol) << "rho at z = " << z_m << " m";
  EXPECT_LT(rel_err(lo.speed_of_sound_mps, hi.speed_of_sound_mps), tol)
      << "a at z = " << z_m << " m";
}

TEST(Us76, ContinuousAtLayerBoundariesBelow86Km) {
  const Us76& atm = us76();
  for (double h_km : {11.0, 20.0, 32.0, 47.0, 51.0, 71.0}) {
    expect_continuous(atm, geometric_of_geopotential_m(h_km * 1000.0), 1e-6);
  }
  expect_continuous(atm, 80000.0, 1e-6);  // start of the M/M0 correction
}

TEST(Us76, ContinuousAt86Km) { expect_continuous(us76(), 86000.0, 1e-3); }

TEST(Us76, ContinuousAtBreakpointsAbove86Km) {
  const Us76& atm = us76();
  for (double z_km : {91.0, 95.0, 97.0, 100.0, 110.0, 115.0, 120.0, 150.0, 500.0, 1000.0}) {
    expect_continuous(atm, z_km * 1000.0, 1e-3);
  }
}

TEST(Us76, PressureAndDensityStrictlyDecreasing) {
  const Us76& atm = us76();
  AtmosphereState prev = atm.at(0.0);
  for (int i = 1; i <= 120000; ++i) {  // 10 m steps up to 1200 km, past the table top
    const double z_m = 10.0 * i;
    const AtmosphereState s = atm.at(z_m);
    ASSERT_LT(s.pressure_Pa, prev.pressure_Pa) << "z = " << z_m;
    ASSERT_LT(s.density_kgpm3, prev.density_kgpm3) << "z = " << z_m;
    ASSERT_GT(s.density_kgpm3, 0.0) << "z = " << z_m;
    ASSERT_GT(s.speed_of_sound_mps, 0.0) << "z = " << z_m;
    prev = s;
  }
}

TEST(Us76, BelowRangeIsClamped) {
  const Us76& atm = us76();
  const AtmosphereState floor = atm.at(Us76::min_alt_m);
  for (double z_m : {-5000.001, -6000.0, -1.0e6, -std::numeric_limits<double>::infinity()}) {
    const AtmosphereState s = atm.at(z_m);
    EXPECT_EQ(s.temperature_K, floor.temperature_K);
    EXPECT_EQ(s.pressure_Pa, floor.pressure_Pa);
    EXPECT_EQ(s.density_kgpm3, floor.density_kgpm3);
    EXPECT_EQ(s.speed_of_sound_mps, floor.speed_of_sound_mps);
  }
  // Layer 0 extends below sea level: T = 288.15 - 6.5 K/km' * H.
  EXPECT_NEAR(floor.temperature_K, 288.15 - 6.5e-3 * (r0_m * -5000.0 / (r0_m - 5000.0)), 1e-9);
}

TEST(Us76, AboveRangeHoldsTemperatureAndDecaysExponentially) {
  const Us76& atm = us76();
  const AtmosphereState top = atm.at(Us76::max_alt_m);
  const AtmosphereState s1 = atm.at(1.1e6);
  const AtmosphereState s2 = atm.at(1.2e6);
  EXPECT_EQ(s1.temperature_K, top.temperature_K);
  EXPECT_EQ(s2.speed_of_sound_mps, top.speed_of_sound_mps);
  // Constant scale height: equal ratios over equal steps.
  EXPECT_NEAR(std::log(s1.density_kgpm3 / top.density_kgpm3),
              std::log(s2.density_kgpm3 / s1.density_kgpm3), 1e-9);
  EXPECT_NEAR(std::log(s1.pressure_Pa / top.pressure_Pa), std::log(s2.pressure_Pa / s1.pressure_Pa),
              1e-9);
  // Density scale height near 1000 km is of order 300-400 km (He/H dominated).
  const double scale_height_m = 1.0e5 / std::log(top.density_kgpm3 / s1.density_kgpm3);
  EXPECT_GT(scale_height_m, 1.5e5);
  EXPECT_LT(scale_height_m, 6.0e5);
  const AtmosphereState inf = atm.at(std::numeric_limits<double>::infinity());
  EXPECT_EQ(inf.density_kgpm3, 0.0);
  EXPECT_EQ(inf.temperature_K, top.temperature_K);
}

TEST(Us76, NanAltitudeGivesNan) {
  const AtmosphereState s = us76().at(std::numeric_limits<double>::quiet_NaN());
  EXPECT_TRUE(std::isnan(s.temperature_K));
  EXPECT_TRUE(std::isnan(s.pressure_Pa));
  EXPECT_TRUE(std::isnan(s.density_kgpm3));
  EXPECT_TRUE(std::isnan(s.speed_of_sound_mps));
}

TEST(Us76, SharedInstanceMatchesFreshInstance) {
  EXPECT_EQ(&us76(), &us76());
  const Us76 fresh;
  for (double z_m : {0.0, 33000.0, 86000.0, 123456.0, 777000.0}) {
    EXPECT_EQ(fresh.at(z_m).density_kgpm3, us76().at(z_m).density_kgpm3);
  }
}

}  // namespace
}  // namespace launchmc::atmosphere
