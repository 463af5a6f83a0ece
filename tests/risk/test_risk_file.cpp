// The risk command's work on run files (io/risk_file.hpp): a synthetic run file with impacts at
// known points streamed through compute_risk with hand-drawn areas; /risk written into a copy and
// read back (per-km^2 values, areas, the saved state restoring the maps); a population raster
// read from an ESRI ASCII grid; GeoTIFF exports read back with the GDAL API; bad inputs refused
// with the run file untouched.
#include <gdal.h>
#include <gtest/gtest.h>
#include <ogr_srs_api.h>

#include <array>
#include <barrier>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <thread>

#include "../support/cli_runner.hpp"
#include "../support/scratch_dir.hpp"
#include "../support/synthetic_run.hpp"
#include "config/load_scenario.hpp"
#include "io/geotiff.hpp"
#include "io/hdf5_file.hpp"
#include "io/risk_exports.hpp"
#include "io/risk_file.hpp"
#include "io/risk_hazards.hpp"
#include "risk/polygon_areas.hpp"

namespace launchmc {
namespace {

using launchmc::test_support::slurp;

namespace fs = std::filesystem;
using io::ScratchDirTest;

class RiskFileTest : public ScratchDirTest {
 protected:
  // 100 rows: stage 1 lands at 30.25 N (odd rows) or 30.75 N (even rows), 124.25 E; the fairing
  // on "island" (28.5 N 126.5 E) in rows i % 4 == 0 and at sea (27.5 N) otherwise; rows
  // i % 10 == 9 have no impact at all (not released). So 90 rows with impacts: stage 1 in 40 odd
  // and 50 even rows, the fairing 25 times on the island and 65 times at sea.
  fs::path write_run(bool impacts = true) {
    const fs::path path = dir_ / "run.h5";
    const auto cfg =
        config::load_config_file(std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml");
    testing_support::SyntheticRun run;
    run.rows = 100;
    run.block_size = 32;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    run.slots = {{"stage1", "spent_stage", nan, nan}, {"fairing", "fairing_piece", nan, nan}};
    testing_support::write_synthetic_run(
        path, cfg, run, [impacts](std::size_t i, engine::Block& b, std::size_t r) {
          b.column("status")[r] = 2;  // crash: no orbit columns needed
          if (!impacts || i % 10 == 9) return;
          b.body_column(0, "fate")[r] = 0;
          b.body_column(0, "impact_lat_deg")[r] = i % 2 ? 30.25 : 30.75;  // two cells, same column
          b.body_column(0, "impact_lon_deg")[r] = 124.25;
          b.body_column(0, "impact_time_s")[r] = 300.0;
          b.body_column(1, "fate")[r] = 0;
          b.body_column(1, "impact_lat_deg")[r] = i % 4 == 0 ? 28.5 : 27.5;
          b.body_column(1, "impact_lon_deg")[r] = 126.5;
          b.body_column(1, "impact_time_s")[r] = 400.0;
        });
    return path;
  }
  risk::PolygonAreas island_{
      {{"island", {{28.0, 126.0}, {29.0, 126.0}, {29.0, 127.0}, {28.0, 127.0}}}}, 125.0};
  std::vector<risk::AreaGroup> areas() { return {{"land", &island_}}; }
};

TEST_F(RiskFileTest, MapsWrittenUnderRiskAndReadBack) {
  const fs::path run = write_run();
  io::RiskOptions opt;
  opt.grid_deg = 0.5;
  opt.region = risk::parse_region("124,27,127,31");
  opt.slice_rows = 7;  // many slices
  const io::RiskComputation c = io::compute_risk(run, opt, areas());
  EXPECT_EQ(c.result.samples, 100u);
  // 90 rows with impacts; the fairing on the island in rows 0, 4, ..., 96 except those = 9 mod 10:
  // i % 4 == 0 and i % 10 != 9 -> 25 rows (none of the multiples of 4 ends in 9).
  const nlohmann::json j = io::risk_to_json(c);
  EXPECT_EQ(j["samples"], 100);
  EXPECT_DOUBLE_EQ(j["any"]["p_land"].get<double>(), 0.25);
  EXPECT_TRUE(j["any"]["ec"].is_null());
  ASSERT_EQ(j["bodies"].size(), 3u);  // stage1, fairing, vehicle
  EXPECT_EQ(j["bodies"][0]["name"], "stage1");
  EXPECT_DOUBLE_EQ(j["bodies"][0]["p_land"].get<double>(), 0.0);
  EXPECT_EQ(j["bodies"][1]["name"], "fairing");
  EXPECT_DOUBLE_EQ(j["bodies"][1]["p_land"].get<double>(), 0.25);
  EXPECT_EQ(j["bodies"][2]["name"], "vehicle");
  EXPECT_TRUE(j["regions"].empty());

  const fs::path out = dir_ / "with_risk.h5";
  const std::string before = slurp(run);
  io::write_risk(run, out, c);
  EXPECT_EQ(slurp(run), before) << "-o elsewhere: the run file is not touched";
  const io::h5::File f = io::h5::File::open_read(out);
  const io::h5::Group g = f.root().open_group("risk");
  EXPECT_EQ(g.attribute<std::string>("format_version"), "1.3");
  EXPECT_EQ(g.attribute<double>("west_deg"), 124.0);
  EXPECT_EQ(g.attribute<double>("north_deg"), 31.0);
  EXPECT_EQ(g.attribute<std::uint64_t>("nx"), 6u);
  EXPECT_EQ(g.attribute<std::uint64_t>("ny"), 8u);
  const auto names = g.read<std::string>("groups/name");
  EXPECT_EQ(names, (std::vector<std::string>{"any", "stage1", "fairing", "vehicle"}));
  const auto area = g.read<double>("cell_area_km2");
  ASSERT_EQ(area.size(), 8u);
  const auto group = g.read<std::uint64_t>("cells/group");
  const auto cell = g.read<std::uint64_t>("cells/cell");
  const auto p = g.read<double>("cells/probability");
  const auto pk = g.read<double>("cells/probability_per_km2");
  const auto lo = g.read<double>("cells/probability_ci95_lo");
  const auto hi = g.read<double>("cells/probability_ci95_hi");
  // Wilson's 95 % interval of s hits in n flights, written out (E. B. Wilson, JASA 22, 1927).
  const auto wilson = [](double s, double n) {
    const double z = 1.959963984540054, ph = s / n, d = 1 + z * z / n;
    const double centre = (ph + z * z / (2 * n)) / d;
    const double half = z / d * std::sqrt(ph * (1 - ph) / n + z * z / (4 * n * n));
    return std::array<double, 2>{centre - half, centre + half};
  };
  // stage1: 50 rows at 30.75 (grid row 0), 40 at 30.25 (grid row 1), column 0.
  int seen = 0;
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (group[i] != 1) continue;
    ++seen;
    ASSERT_TRUE(cell[i] == 0 || cell[i] == 6) << cell[i];
    const double expected = cell[i] == 0 ? 0.50 : 0.40;
    EXPECT_DOUBLE_EQ(p[i], expected);
    EXPECT_DOUBLE_EQ(pk[i], expected / area[cell[i] / 6]);
    const auto ci = wilson(cell[i] == 0 ? 50 : 40, 100);
    EXPECT_NEAR(lo[i], ci[0], 1e-12) << cell[i];
    EXPECT_NEAR(hi[i], ci[1], 1e-12) << cell[i];
  }
  EXPECT_EQ(seen, 2);
  const auto ap = g.read<double>("areas/land/p");
  ASSERT_EQ(ap.size(), 4u * 2u);          // 4 groups x (island, union)
  EXPECT_DOUBLE_EQ(ap[2 * 2 + 0], 0.25);  // fairing on the island
  EXPECT_EQ(g.read<std::string>("areas/land/name"), (std::vector<std::string>{"island", "(any)"}));
  // Writing again replaces /risk (onto the run file itself).
  io::write_risk(run, run, c);
  const io::h5::File f2 = io::h5::File::open_read(run);
  EXPECT_TRUE(f2.root().has("risk/state/rows"));
  EXPECT_TRUE(f2.root().has("outcome/status"));
}

TEST_F(RiskFileTest, DefaultRegionIsTheImpactsBox) {
  const fs::path run = write_run();
  io::RiskOptions opt;
  opt.grid_deg = 0.25;
  const io::RiskComputation c = io::compute_risk(run, opt, {});
  const risk::Grid& g = c.reducer->setup().grid;
  EXPECT_TRUE(c.region_from_impacts);
  // Impacts span 27.5..30.75 N, 124.25..126.5 E; one cell more on each side.
  EXPECT_DOUBLE_EQ(g.west_deg(), 124.0);
  EXPECT_DOUBLE_EQ(g.east_deg(), 126.75);
  EXPECT_DOUBLE_EQ(g.south_deg(), 27.25);
  EXPECT_DOUBLE_EQ(g.north_deg(), 31.0);
  EXPECT_EQ(c.result.groups[0].expected_pieces_outside, 0.0);
}

TEST_F(RiskFileTest, PopulationFromAnAsciiGridGivesEc) {
  const fs::path run = write_run();
  // 4 x 4 cells of 1 deg from 124 E, 31 N: 1000 / km^2 in the cell of the fairing's sea impacts
  // (27.5 N 126.5 E: row 3, column 2), 0 elsewhere, nodata where stage 1 lands (row 0, column 0).
  const fs::path asc = dir_ / "pop.asc";
  std::ofstream(asc) << "ncols 4\nnrows 4\nxllcorner 124\nyllcorner 27\ncellsize 1\n"
                        "NODATA_value -9999\n-9999 0 0 0\n0 0 0 0\n0 0 0 0\n0 0 1000 0\n";
  io::RiskOptions opt;
  opt.grid_deg = 0.5;
  opt.region = risk::parse_region("124,27,127,31");
  opt.population = asc;
  opt.intact_casualty_area_m2 = 20.0;
  const io::RiskComputation c = io::compute_risk(run, opt, areas());
  // Fairing at sea in 90 - 25 = 65 rows: Ec = 65/100 x 20 m^2 x 1000e-6 / m^2.
  const double ec = 0.65 * 20.0 * 1e-3;
  const nlohmann::json j = io::risk_to_json(c);
  EXPECT_NEAR(j["any"]["ec"].get<double>(), ec, 1e-15);
  EXPECT_NEAR(j["bodies"][1]["ec"].get<double>(), ec, 1e-15);
  EXPECT_EQ(j["bodies"][0]["ec"].get<double>(), 0.0);
  // Interval: Bernoulli(0.65) x 0.02 per flight: +- 1.96 x 0.02 x sqrt(0.65 0.35 / 99 x 100 / 100).
  const double half = 1.959963984540054 * 0.02 * std::sqrt(0.65 * 0.35 * 100.0 / 99.0 / 100.0);
  // With 65 of 100 flights contributing the normal interval's upper end is the wider; its lower
  // end is below the count interval's, ec x Wilson(65, 100) / 0.65 (formula: E. B. Wilson 1927).
  const double z = 1.959963984540054, z2 = z * z;
  const double wilson_lo =
      (0.65 + z2 / 200 - z * std::sqrt(0.65 * 0.35 / 100 + z2 / 40000)) / (1 + z2 / 100);
  EXPECT_NEAR(j["any"]["ec_ci95"][0].get<double>(), std::min(ec - half, ec * wilson_lo / 0.65),
              1e-12);
  EXPECT_NEAR(j["any"]["ec_ci95"][1].get<double>(), ec + half, 1e-12);
  EXPECT_EQ(j["any"]["ec_flights"].get<int>(), 65);
  EXPECT_EQ(j["bodies"][1]["ec_flights"].get<int>(), 65);
  EXPECT_EQ(j["bodies"][0]["ec_flights"].get<int>(), 0);
  EXPECT_NEAR(j["bodies"][1]["ec_ci95"][1].get<double>(), ec + half, 1e-12);
  EXPECT_NE(io::risk_text(c).find("exceeds the 1e-4 collective-risk criterion"), std::string::npos);

  // GeoTIFFs read back with GDAL: georeferencing, bands, values.
  const auto files = io::write_risk_geotiffs((dir_ / "maps").string(), c);
  ASSERT_EQ(files.size(), 2u);
  GDALAllRegister();
  GDALDatasetH ds = GDALOpen(files[0].c_str(), GA_ReadOnly);
  ASSERT_NE(ds, nullptr);
  std::array<double, 6> gt{};
  ASSERT_EQ(GDALGetGeoTransform(ds, gt.data()), CE_None);
  EXPECT_EQ(gt, (std::array<double, 6>{124.0, 0.5, 0.0, 31.0, 0.0, -0.5}));
  EXPECT_EQ(GDALGetRasterXSize(ds), 6);
  EXPECT_EQ(GDALGetRasterYSize(ds), 8);
  ASSERT_EQ(GDALGetRasterCount(ds), 4);
  OGRSpatialReferenceH srs = OSRNewSpatialReference(GDALGetProjectionRef(ds));
  EXPECT_STREQ(OSRGetAuthorityCode(srs, nullptr), "4326");
  OSRDestroySpatialReference(srs);
  GDALRasterBandH fairing = GDALGetRasterBand(ds, 3);
  EXPECT_STREQ(GDALGetDescription(fairing), "fairing");
  std::vector<double> v(48);
  ASSERT_EQ(GDALRasterIO(fairing, GF_Read, 0, 0, 6, 8, v.data(), 6, 8, GDT_Float64, 0, 0), CE_None);
  // The island impacts at 28.5 N 126.5 E: row (31 - 28.5) / 0.5 = 5, column 5; sea at 27.5: row 7.
  EXPECT_DOUBLE_EQ(v[5 * 6 + 5], 0.25);
  EXPECT_DOUBLE_EQ(v[7 * 6 + 5], 0.65);
  EXPECT_DOUBLE_EQ(v[5 * 6 + 0], 0.0);
  GDALClose(ds);
  ds = GDALOpen(files[1].c_str(), GA_ReadOnly);
  ASSERT_NE(ds, nullptr);
  ASSERT_EQ(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, 0, 0, 6, 8, v.data(), 6, 8, GDT_Float64,
                         0, 0),
            CE_None);
  EXPECT_NEAR(v[7 * 6 + 5], ec, 1e-12);
  EXPECT_EQ(v[5 * 6 + 5], 0.0);  // the island is in a 0-density cell
  GDALClose(ds);
}

// Contours and hazard areas of the synthetic run on its empirical map (no kernel), counted by
// hand: stage 1 in two cells of one column (50 and 40 of 100 flights), the fairing in two cells
// (25 on the island, 65 at sea); in /risk, read back, and in the JSON.
TEST_F(RiskFileTest, ContoursAndHazardAreasWrittenAndInJson) {
  const fs::path run = write_run();
  io::RiskOptions opt;
  opt.grid_deg = 0.5;
  opt.region = risk::parse_region("124,27,127,31");
  opt.contour_bandwidth = risk::Bandwidth::none;
  const io::RiskComputation c = io::compute_risk(run, opt, areas());
  const risk::Grid& grid = c.reducer->setup().grid;
  const risk::HazardAreas& h = c.hazards;
  ASSERT_EQ(h.footprints.size(), 3u);  // any, stage1, fairing (the vehicle never lands)
  const risk::Footprint& st = h.footprints[1];
  EXPECT_EQ(st.name, "stage1");
  EXPECT_EQ(st.flights, 90u);
  // 50 %: 0.45 of the 0.9 pieces per flight: the 30.75 N cell alone (0.5); 97 %: both cells.
  ASSERT_TRUE(st.levels[0].drawn);
  ASSERT_EQ(st.levels[0].polygons.size(), 1u);
  EXPECT_TRUE(risk::contains(st.levels[0].polygons[0], 124.25, 30.75));
  EXPECT_FALSE(risk::contains(st.levels[0].polygons[0], 124.25, 30.25));
  EXPECT_NEAR(st.levels[0].mass_inside, 0.5 / 0.9, 1e-12);
  ASSERT_EQ(st.levels[2].polygons.size(), 1u);
  EXPECT_TRUE(risk::contains(st.levels[2].polygons[0], 124.25, 30.25));
  EXPECT_FALSE(risk::contains(st.levels[2].polygons[0], 124.75, 30.5));
  EXPECT_FALSE(st.levels[2].reliable);  // 90 flights
  // Ships: no failure modes in the run, so each body's own impacts; the fairing's 97 % holds both
  // of its cells, two polygons (one cell apart).
  ASSERT_EQ(h.ships.size(), 2u);
  EXPECT_EQ(h.ships[1].body, "fairing");
  EXPECT_EQ(h.ships[1].containment.polygons.size(), 2u);
  // Aircraft: 100 flights, every hit cell above 1e-6: the four cells.
  const risk::AircraftHazardArea& a = h.aircraft;
  EXPECT_EQ(a.cells_above, 4u);
  EXPECT_EQ(a.cells_certain_above, 4u);
  EXPECT_NEAR(
      a.area_km2,
      grid.cell_area_km2(0) + grid.cell_area_km2(1) + grid.cell_area_km2(5) + grid.cell_area_km2(7),
      1e-6);
  EXPECT_DOUBLE_EQ(a.single_hit_probability, 0.01);

  const nlohmann::json j = io::risk_to_json(c);
  ASSERT_EQ(j["footprints"].size(), 3u);
  EXPECT_EQ(j["footprints"][2]["name"], "fairing");
  EXPECT_EQ(j["footprints"][2]["bandwidth"], "none");
  EXPECT_EQ(j["footprints"][2]["contours"][2]["p"], 0.97);
  EXPECT_EQ(j["footprints"][2]["contours"][2]["polygons"], 2);
  EXPECT_EQ(j["hazard_areas"]["ships"][0]["body"], "stage1");
  EXPECT_DOUBLE_EQ(j["hazard_areas"]["ships"][1]["area_km2"].get<double>(),
                   h.ships[1].containment.area_km2);
  EXPECT_DOUBLE_EQ(j["hazard_areas"]["aircraft"]["area_km2"].get<double>(), a.area_km2);
  EXPECT_EQ(j["hazard_areas"]["aircraft"]["cells_above"], 4);
  EXPECT_EQ(j["hazard_areas"]["aircraft"]["unhit_cells_certainly_below"], false);
  EXPECT_EQ(j["bodies"].size(), 3u);  // unchanged: stage1, fairing, vehicle

  const fs::path out = dir_ / "with_risk.h5";
  io::write_risk(run, out, c);
  const io::h5::File f = io::h5::File::open_read(out);
  const io::h5::Group g = f.root().open_group("risk");
  EXPECT_EQ(g.read<double>("groups/effective_flights"),
            (std::vector<double>{90.0, 90.0, 90.0, 0.0}));
  const io::h5::Group cg = g.open_group("contours");
  EXPECT_EQ(cg.attribute<std::string>("bandwidth"), "none");
  const auto group = cg.read<std::uint64_t>("group");
  ASSERT_EQ(group.size(), 15u);
  EXPECT_EQ(group[5], 1u);
  EXPECT_EQ(cg.read<double>("p")[7], 0.97);
  const auto polys = io::read_polygon_set(cg);
  ASSERT_EQ(polys.size(), 15u);
  ASSERT_EQ(polys[5].size(), 1u);
  EXPECT_EQ(polys[5][0].rings.size(), st.levels[0].polygons[0].rings.size());
  EXPECT_EQ(polys[5][0].rings[0].size(), st.levels[0].polygons[0].rings[0].size());
  EXPECT_EQ(polys[5][0].rings[0][0].lon_deg, st.levels[0].polygons[0].rings[0][0].lon_deg);
  EXPECT_EQ(cg.read<double>("area_km2")[5], st.levels[0].area_km2);
  const io::h5::Group ships = g.open_group("hazard_areas/ships");
  EXPECT_EQ(ships.read<std::string>("body"), (std::vector<std::string>{"stage1", "fairing"}));
  EXPECT_EQ(io::read_polygon_set(ships)[1].size(), 2u);
  const io::h5::Group air = g.open_group("hazard_areas/aircraft");
  EXPECT_EQ(air.attribute<double>("area_km2"), a.area_km2);
  EXPECT_EQ(air.attribute<std::uint64_t>("cells_above"), 4u);
  const auto est = io::read_polygon_set(air.open_group("estimate"));
  ASSERT_EQ(est.size(), 1u);
  EXPECT_EQ(est[0].size(), 3u);  // stage 1's two cells joined; the fairing's two apart
  // Read back whole (io::read_hazard_areas, as `launchmc map` reads it): what was computed, with
  // the groups' names and kinds from /risk/groups.
  const risk::HazardAreas back = io::read_hazard_areas(g);
  ASSERT_EQ(back.footprints.size(), h.footprints.size());
  for (std::size_t i = 0; i < h.footprints.size(); ++i) {
    const risk::Footprint &x = h.footprints[i], &y = back.footprints[i];
    EXPECT_EQ(y.name, x.name);
    EXPECT_EQ(y.kind, x.kind);
    EXPECT_EQ(y.group, x.group);
    EXPECT_EQ(y.bandwidth, risk::Bandwidth::none);
    ASSERT_EQ(y.levels.size(), x.levels.size());
    for (std::size_t k = 0; k < x.levels.size(); ++k) {
      EXPECT_EQ(y.levels[k].p, x.levels[k].p);
      EXPECT_EQ(y.levels[k].drawn, x.levels[k].drawn);
      EXPECT_EQ(y.levels[k].reliable, x.levels[k].reliable);
      EXPECT_EQ(y.levels[k].area_km2, x.levels[k].area_km2);
      ASSERT_EQ(y.levels[k].polygons.size(), x.levels[k].polygons.size());
      for (std::size_t q = 0; q < x.levels[k].polygons.size(); ++q) {
        ASSERT_EQ(y.levels[k].polygons[q].rings.size(), x.levels[k].polygons[q].rings.size());
        for (std::size_t r = 0; r < x.levels[k].polygons[q].rings.size(); ++r) {
          const risk::Ring &rx = x.levels[k].polygons[q].rings[r],
                           &ry = y.levels[k].polygons[q].rings[r];
          ASSERT_EQ(ry.size(), rx.size());
          for (std::size_t v = 0; v < rx.size(); ++v) {
            EXPECT_EQ(ry[v].lon_deg, rx[v].lon_deg);
            EXPECT_EQ(ry[v].lat_deg, rx[v].lat_deg);
          }
        }
      }
    }
  }
  ASSERT_EQ(back.ships.size(), 2u);
  EXPECT_EQ(back.ships[1].body, "fairing");
  EXPECT_EQ(back.ships[1].containment.p, 0.97);
  EXPECT_EQ(back.ships[1].containment.polygons.size(), 2u);
  EXPECT_EQ(back.ships[1].containment.area_km2, h.ships[1].containment.area_km2);
  EXPECT_EQ(back.aircraft.area_km2, a.area_km2);
  EXPECT_EQ(back.aircraft.cells_above, 4u);
  EXPECT_EQ(back.aircraft.cells_undecided, a.cells_undecided);
  EXPECT_EQ(back.aircraft.polygons.size(), 3u);
  EXPECT_EQ(back.aircraft.single_hit_probability, 0.01);

  // GIS exports: a GeoJSON per layer (no IIP tracks in this run: no corridor), one KML.
  const auto files = io::write_risk_vector_exports((dir_ / "gis").string(), dir_ / "gis.kml", c);
  ASSERT_EQ(files.size(), 3u);
  nlohmann::json gj;
  std::ifstream(dir_ / "gis_contours.geojson") >> gj;
  ASSERT_EQ(gj["features"].size(), 15u);  // 3 groups x 5 levels, all drawn
  EXPECT_EQ(gj["features"][5]["properties"]["name"], "stage1 50 %");
  EXPECT_EQ(gj["features"][5]["properties"]["kind"], "body");
  EXPECT_EQ(gj["features"][5]["properties"]["reliable"], 0);
  EXPECT_DOUBLE_EQ(gj["features"][5]["properties"]["area_km2"].get<double>(),
                   st.levels[0].area_km2);
  std::ifstream(dir_ / "gis_hazard_areas.geojson") >> gj;
  ASSERT_EQ(gj["features"].size(), 4u);  // two ships, aircraft, aircraft certainly above
  EXPECT_EQ(gj["features"][1]["properties"]["body"], "fairing");
  EXPECT_EQ(gj["features"][1]["geometry"]["coordinates"].size(), 2u);  // two polygons
  EXPECT_EQ(gj["features"][2]["properties"]["kind"], "aircraft");
  EXPECT_DOUBLE_EQ(gj["features"][2]["properties"]["threshold"].get<double>(), 1e-6);
  EXPECT_TRUE(fs::exists(dir_ / "gis.kml"));
}

TEST_F(RiskFileTest, BadInputsAreRefusedAndTheFileUntouched) {
  const fs::path run = write_run();
  const std::string before = slurp(run);
  io::RiskOptions opt;
  opt.population = dir_ / "missing.tif";
  EXPECT_THROW(io::compute_risk(run, opt, {}), std::runtime_error);
  std::ofstream(dir_ / "junk.tif") << "not a raster";
  opt.population = dir_ / "junk.tif";
  try {
    io::compute_risk(run, opt, {});
    FAIL() << "a junk raster was read";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("junk.tif"), std::string::npos) << e.what();
  }
  opt.population.clear();
  opt.grid_deg = 0;
  EXPECT_THROW(io::compute_risk(run, opt, {}), std::invalid_argument);
  opt.grid_deg = 0.001;
  opt.region = risk::Region{-180, -90, 180, 90};
  EXPECT_THROW(io::compute_risk(run, opt, {}), std::invalid_argument);  // too many cells
  EXPECT_THROW(io::compute_risk(dir_ / "nope.h5", io::RiskOptions{}, {}), std::runtime_error);
  EXPECT_EQ(slurp(run), before);
  // A run without impacts: nothing to map.
  const fs::path empty = write_run(false);
  try {
    io::compute_risk(empty, io::RiskOptions{}, {});
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no impact"), std::string::npos) << e.what();
  }
}

// R members in threads of this process, joined by barriers: the team `mpirun ... risk` makes of
// its ranks (cli/mpi_risk.hpp), without MPI, so that the split itself is tested here (and under
// the sanitizers) and the MPI test checks only the transport.
class ThreadTeam final : public io::RiskTeam {
 public:
  struct Shared {
    explicit Shared(int n) : members(n), barrier(n), boxes(n), bytes(n) {}
    int members;
    std::barrier<> barrier;
    std::vector<io::ImpactBox> boxes;
    std::vector<std::vector<std::byte>> bytes;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  };
  ThreadTeam(Shared& shared, int member) : shared_(shared), member_(member) {}
  int member() const override { return member_; }
  int members() const override { return shared_.members; }
  io::ImpactBox unite(const io::ImpactBox& mine) override {
    shared_.boxes[static_cast<std::size_t>(member_)] = mine;
    shared_.barrier.arrive_and_wait();
    io::ImpactBox all;
    for (const io::ImpactBox& b : shared_.boxes) {
      all.lat0_deg = std::min(all.lat0_deg, b.lat0_deg);
      all.lat1_deg = std::max(all.lat1_deg, b.lat1_deg);
      all.lon0_deg = std::min(all.lon0_deg, b.lon0_deg);
      all.lon1_deg = std::max(all.lon1_deg, b.lon1_deg);
      all.impacts += b.impacts;
    }
    shared_.barrier.arrive_and_wait();
    return all;
  }
  std::vector<engine::StateBuffer> gather(const engine::StateBuffer& mine) override {
    shared_.bytes[static_cast<std::size_t>(member_)] = mine.bytes();
    shared_.barrier.arrive_and_wait();
    std::vector<engine::StateBuffer> states;
    if (member_ == 0)
      for (int m = 1; m < shared_.members; ++m)
        states.push_back(
            engine::StateBuffer::from_bytes(shared_.bytes[static_cast<std::size_t>(m)]));
    shared_.barrier.arrive_and_wait();
    return states;
  }

 private:
  Shared& shared_;
  int member_;
};

TEST(RiskRowRanges, ContiguousInMemberOrderCoveringEveryRowOnce) {
  for (const std::uint64_t rows : {0ULL, 1ULL, 7ULL, 100ULL, 1ULL << 62})
    for (const int members : {1, 2, 3, 7}) {
      std::uint64_t next = 0;
      for (int m = 0; m < members; ++m) {
        const auto [first, last] = io::row_range(rows, m, members);
        EXPECT_EQ(first, next) << rows << " " << m << "/" << members;
        EXPECT_LE(last - first, rows / members + 1);  // even: sizes differ by one at most
        EXPECT_GE(last - first, rows / members);
        next = last;
      }
      EXPECT_EQ(next, rows) << rows << " " << members;
    }
  EXPECT_THROW(io::row_range(10, 2, 2), std::invalid_argument);
}

TEST_F(RiskFileTest, ThreeMembersSplittingTheRowsMapAsOneProcess) {
  // A stratified run of the August scenario (failure strata, breakups, fragment classes, other
  // bodies): the maps of three members, each reading a third of the rows, merged on member 0,
  // are the single pass's bit for bit (JSON, every map, the saved state); a population raster
  // makes Ec's exact sums travel too.
  const fs::path run = dir_ / "aug.h5";
  const test_support::CommandResult made = test_support::run_launchmc(
      "run " + std::string(LAUNCHMC_CONFIG_DIR) +
      "/chollima1_2023_aug.yaml -n 90 --seed 5 --block-size 16 --stratify failures -j 1 -o " +
      run.string());
  ASSERT_EQ(made.status, 0) << made.err;
  const fs::path asc = dir_ / "pop.asc";
  std::ofstream(asc) << "ncols 3\nnrows 2\nxllcorner 115\nyllcorner 10\ncellsize 16\n"
                        "NODATA_value -9999\n5 0 40\n300 7 1\n";
  io::RiskOptions opt;
  opt.grid_deg = 0.25;
  opt.population = asc;
  opt.iip_corridor = true;
  // The geography: a box on the Yellow Sea as "land", from the impacts' box it is given (the
  // members must agree on it to build the same classifier).
  std::vector<risk::Region> boxes_seen(4);
  auto geography_for = [&](std::size_t who) {
    return [&boxes_seen, who](const risk::Region& impacts) {
      boxes_seen[who] = impacts;
      io::RiskGeography g;
      g.owned.push_back(std::make_unique<risk::PolygonAreas>(
          std::vector<risk::NamedPolygon>{
              {"yellow sea", {{33.0, 121.0}, {38.0, 121.0}, {38.0, 126.0}, {33.0, 121.0}}}},
          124.7));
      g.groups.push_back({"land", g.owned.back().get()});
      return g;
    };
  };
  const io::RiskComputation single = io::compute_risk_with_geography(run, opt, geography_for(3));
  constexpr int kMembers = 3;
  ThreadTeam::Shared shared(kMembers);
  std::vector<io::RiskComputation> parts(kMembers);
  std::vector<std::string> errors(kMembers);
  {
    std::vector<std::jthread> threads;
    for (int m = 0; m < kMembers; ++m)
      threads.emplace_back([&, m] {
        ThreadTeam team(shared, m);
        io::RiskOptions mine = opt;
        mine.team = &team;
        try {
          parts[static_cast<std::size_t>(m)] = io::compute_risk_with_geography(
              run, mine, geography_for(static_cast<std::size_t>(m)));
        } catch (const std::exception& e) {
          errors[static_cast<std::size_t>(m)] = e.what();
        }
      });
  }
  for (int m = 0; m < kMembers; ++m) ASSERT_EQ(errors[static_cast<std::size_t>(m)], "") << m;
  EXPECT_TRUE(parts[0].lead);
  EXPECT_FALSE(parts[1].lead);
  EXPECT_FALSE(parts[2].lead);
  for (std::size_t m = 0; m < kMembers; ++m) {
    EXPECT_EQ(boxes_seen[m].lon0_deg, boxes_seen[3].lon0_deg) << m;
    EXPECT_EQ(boxes_seen[m].lat1_deg, boxes_seen[3].lat1_deg) << m;
  }
  const io::RiskComputation& team = parts[0];
  const nlohmann::json a = io::risk_to_json(single), b = io::risk_to_json(team);
  EXPECT_EQ(a.dump(), b.dump());
  EXPECT_GT(a["any"]["ec"].get<double>(), 0.0);  // Ec is not trivially zero
  EXPECT_EQ(team.result.samples, 90u);
  engine::StateBuffer sa, sb;
  single.reducer->save(sa);
  team.reducer->save(sb);
  EXPECT_EQ(sa.bytes(), sb.bytes());
  for (std::size_t g = 0; g < single.result.groups.size(); ++g) {
    EXPECT_EQ(single.reducer->probability_map(g), team.reducer->probability_map(g)) << g;
    EXPECT_EQ(single.reducer->expected_map(g), team.reducer->expected_map(g)) << g;
  }
  EXPECT_EQ(single.reducer->casualty_map(), team.reducer->casualty_map());
  ASSERT_TRUE(single.iip_corridor && team.iip_corridor);
  ASSERT_EQ(single.iip_corridor->track.size(), team.iip_corridor->track.size());
  ASSERT_GT(team.iip_corridor->track.size(), 10u);  // the tracks were read: not a trivial corridor
  EXPECT_EQ(team.iip_corridor->track[1].tracks, 90u);
  for (std::size_t k = 0; k < single.iip_corridor->track.size(); ++k) {
    EXPECT_EQ(single.iip_corridor->track[k].tracks, team.iip_corridor->track[k].tracks);
    EXPECT_EQ(single.iip_corridor->track[k].cross_halfwidth_km,
              team.iip_corridor->track[k].cross_halfwidth_km);
  }
  EXPECT_EQ(single.iip_corridor->samples, 90u);
}

}  // namespace
}  // namespace launchmc
