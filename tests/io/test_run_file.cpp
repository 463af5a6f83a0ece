// Run files (io/run_file.hpp) and flight reports (io/flight_report.hpp) carry how powered flight
// ended: the /outcome/powered_flight_end enum column round-trips through RunFileWriter and
// RunFileReader (whole and in slices), a file without it (written before the column existed)
// reads as all `none`, `summarize` counts the same outcomes as the blocks it was written from,
// and `fly` reports it in JSON, text and HDF5. Also: the catalogue-convention apsis altitudes
// (a (1 -/+ e) - R_eq, R_eq = 6378.137 km) of `fly` and of the summary of a file.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "../support/scratch_dir.hpp"
#include "../support/synthetic_run.hpp"
#include "config/load_scenario.hpp"
#include "engine/run.hpp"
#include "engine/sampling.hpp"
#include "io/flight_report.hpp"
#include "io/hdf5_file.hpp"
#include "io/run_file.hpp"
#include "io/summary_report.hpp"
#include "orbit/elements.hpp"

namespace launchmc::io {
namespace {

namespace fs = std::filesystem;
using engine::SampleStatus;
using flight::PoweredFlightEnd;

class RunFileIoTest : public ScratchDirTest {};

Study chollima() {
  return config::load_config_file(std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml");
}

constexpr std::size_t kRows = 1000;
constexpr std::size_t kBlockSize = 300;  // the last block is short

// Status and powered-flight end of sample i: every combination occurs, in a pattern that a
// shifted, truncated or constant column would not reproduce.
SampleStatus status_of(std::size_t i) {
  return static_cast<SampleStatus>((i * 7 + i / 13) % engine::kStatusCount);
}
PoweredFlightEnd end_of(std::size_t i) {
  return static_cast<PoweredFlightEnd>((i * 5 + i / 7) % flight::kPoweredFlightEndCount);
}

// Osculating elements of orbit sample i (for the catalogue-convention apsis altitudes).
double semi_major_axis_m_of(std::size_t i) { return 6.8e6 + 10.0 * static_cast<double>(i % 101); }
double eccentricity_of(std::size_t i) { return 1e-5 * static_cast<double>(i % 37); }

// Writes kRows synthetic samples in blocks of kBlockSize; returns their summary computed from the
// blocks exactly as `run` does.
engine::Summary write_synthetic_run(
    const fs::path& path, const Study& cfg,
    RunFileWriter::Compression compression = RunFileWriter::Compression::deflated) {
  testing_support::SyntheticRun run;
  run.compression = compression;
  run.rows = kRows;
  run.block_size = kBlockSize;
  run.seed = 3;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  run.slots = {{"s1", "spent_stage", nan, nan}};
  return testing_support::write_synthetic_run(
      path, cfg, run, [](std::size_t i, engine::Block& b, std::size_t r) {
        b.column("status")[r] = static_cast<std::int8_t>(status_of(i));
        b.column("powered_flight_end")[r] = static_cast<std::int8_t>(end_of(i));
        if (status_of(i) == SampleStatus::orbit) {  // the orbit statistics need an orbit
          b.column("insertion_time_s")[r] = 500.0;
          b.column("perigee_alt_m")[r] = 200e3 + static_cast<double>(i);
          b.column("apogee_alt_m")[r] = 500e3;
          b.column("inclination_deg")[r] = 97.0;
          b.column("semi_major_axis_m")[r] = semi_major_axis_m_of(i);
          b.column("eccentricity")[r] = eccentricity_of(i);
        }
        for (auto& col : b.drawn) col[r] = static_cast<double>(i);
      });
}

TEST_F(RunFileIoTest, PoweredFlightEndRoundTripsWholeAndInSlices) {
  const auto cfg = chollima();
  const fs::path path = dir_ / "run.h5";
  write_synthetic_run(path, cfg);

  const RunFile whole = read_run_file(path);
  ASSERT_EQ(whole.samples.count, kRows);
  ASSERT_GE(whole.samples.column("powered_flight_end").size(), kRows);
  for (std::size_t i = 0; i < kRows; ++i) {
    ASSERT_EQ(whole.samples.column("powered_flight_end")[i], static_cast<std::int8_t>(end_of(i)))
        << i;
    ASSERT_EQ(whole.samples.column("status")[i], static_cast<std::int8_t>(status_of(i))) << i;
  }

  RunFileReader reader(path);
  engine::Block slice;
  std::size_t seen = 0;
  while (reader.next(slice, 77)) {
    for (std::size_t r = 0; r < slice.count; ++r)
      ASSERT_EQ(slice.column("powered_flight_end")[r], static_cast<std::int8_t>(end_of(seen + r)))
          << seen + r;
    seen += slice.count;
  }
  EXPECT_EQ(seen, kRows);
}

// The filters of a dataset's creation property list, in order.
std::vector<H5Z_filter_t> filters_of(const fs::path& path, const char* dataset) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t ds = H5Dopen2(file, dataset, H5P_DEFAULT);
  const hid_t dcpl = H5Dget_create_plist(ds);
  std::vector<H5Z_filter_t> out;
  for (int i = 0; i < H5Pget_nfilters(dcpl); ++i) {
    unsigned flags = 0;
    std::size_t cd_count = 0;
    unsigned config = 0;
    out.push_back(H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &cd_count, nullptr, 0,
                                 nullptr, &config));
  }
  H5Pclose(dcpl);
  H5Dclose(ds);
  H5Fclose(file);
  return out;
}

// Checkpoint chunks and MPI rank parts are written uncompressed (Compression::stored): the same
// values as the deflated run file, with no filter on any sample column.
TEST_F(RunFileIoTest, StoredFilesHoldTheSameRowsWithoutFilters) {
  const auto cfg = chollima();
  const fs::path deflated = dir_ / "deflated.h5", stored = dir_ / "stored.h5";
  write_synthetic_run(deflated, cfg);
  write_synthetic_run(stored, cfg, RunFileWriter::Compression::stored);
  const std::vector<H5Z_filter_t> shuffle_deflate = {H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE};
  for (const char* ds : {"/outcome/status", "/outcome/perigee_alt_m", "/design/stream_index",
                         "/bodies/s1/impact_lat_deg", "/iip/time_s", "/iip/row_end"}) {
    EXPECT_EQ(filters_of(deflated, ds), shuffle_deflate) << ds;
    EXPECT_TRUE(filters_of(stored, ds).empty()) << ds;
  }
  // The IIP places and times to impact are stored uncompressed in every file
  // (docs/hdf5_format.md: they compress ~1.4:1 for ~4 % of a run's CPU time).
  for (const char* ds : {"/iip/lat_deg", "/iip/lon_deg", "/iip/time_to_impact_s"}) {
    EXPECT_TRUE(filters_of(deflated, ds).empty()) << ds;
    EXPECT_TRUE(filters_of(stored, ds).empty()) << ds;
  }
  const RunFile a = read_run_file(deflated), b = read_run_file(stored);
  ASSERT_EQ(a.samples.count, kRows);
  ASSERT_EQ(b.samples.count, kRows);
  for (const char* column : {"status", "powered_flight_end", "perigee_alt_m", "eccentricity"})
    for (std::size_t i = 0; i < kRows; ++i) {
      const double x = a.samples.column(column)[i], y = b.samples.column(column)[i];
      ASSERT_TRUE(x == y || (std::isnan(x) && std::isnan(y))) << column << " " << i;
    }
}

TEST_F(RunFileIoTest, PoweredFlightEndIsAnHdf5EnumOfTheFlightEnumsNames) {
  const auto cfg = chollima();
  const fs::path path = dir_ / "run.h5";
  write_synthetic_run(path, cfg);
  const h5::File f = h5::File::open_read(path);
  const h5::Group outcome = f.root().open_group("outcome");
  ASSERT_TRUE(outcome.has("powered_flight_end"));
  EXPECT_EQ(outcome.dataset_size("powered_flight_end"), kRows);
  // The members of the HDF5 enum type, in order, read through the C API.
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  const hid_t ds = H5Dopen2(file, "/outcome/powered_flight_end", H5P_DEFAULT);
  const hid_t type = H5Dget_type(ds);
  EXPECT_EQ(H5Tget_class(type), H5T_ENUM);
  ASSERT_EQ(H5Tget_nmembers(type), flight::kPoweredFlightEndCount);
  for (int e = 0; e < flight::kPoweredFlightEndCount; ++e) {
    char* name = H5Tget_member_name(type, static_cast<unsigned>(e));
    std::int8_t value = -1;
    H5Tget_member_value(type, static_cast<unsigned>(e), &value);
    EXPECT_EQ(std::string(name), flight::to_string(static_cast<PoweredFlightEnd>(e)));
    EXPECT_EQ(value, e);
    H5free_memory(name);
  }
  H5Tclose(type);
  H5Dclose(ds);
  H5Fclose(file);
}

TEST_F(RunFileIoTest, SummaryOfTheFileCountsTheSameOutcomesAsTheBlocks) {
  const auto cfg = chollima();
  const fs::path path = dir_ / "run.h5";
  const engine::Summary from_blocks = write_synthetic_run(path, cfg);
  const engine::Summary from_file = summarize_run_file(path);
  const engine::Summary from_whole = summarize_run_file(read_run_file(path));

  // Count by hand.
  engine::OutcomeMatrix expected{};
  for (std::size_t i = 0; i < kRows; ++i)
    ++expected[static_cast<std::size_t>(status_of(i))][static_cast<std::size_t>(end_of(i))];
  const auto expected_list = engine::outcome_list(expected, kRows);
  ASSERT_EQ(expected_list.size(),
            static_cast<std::size_t>(engine::kStatusCount * flight::kPoweredFlightEndCount));
  for (const engine::Summary* s : {&from_blocks, &from_file, &from_whole}) {
    ASSERT_EQ(s->outcomes.size(), expected_list.size());
    for (std::size_t k = 0; k < expected_list.size(); ++k) {
      EXPECT_EQ(s->outcomes[k].status, expected_list[k].status) << k;
      EXPECT_EQ(s->outcomes[k].powered_flight_end, expected_list[k].powered_flight_end) << k;
      EXPECT_EQ(s->outcomes[k].count, expected_list[k].count) << k;
    }
  }
  EXPECT_EQ(io::summary_to_json(from_blocks)["outcomes"].dump(),
            io::summary_to_json(from_file)["outcomes"].dump());
}

TEST_F(RunFileIoTest, FileWithoutTheColumnReadsAsNone) {
  const auto cfg = chollima();
  const fs::path path = dir_ / "old.h5";
  write_synthetic_run(path, cfg);
  // Make it a file of an older launchmc: no /outcome/powered_flight_end.
  {
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(file, 0);
    EXPECT_GE(H5Ldelete(file, "/outcome/powered_flight_end", H5P_DEFAULT), 0);
    H5Fclose(file);
  }
  ASSERT_FALSE(h5::File::open_read(path).root().has("outcome/powered_flight_end"));

  const RunFile rf = read_run_file(path);
  ASSERT_EQ(rf.samples.count, kRows);
  ASSERT_EQ(rf.samples.column("powered_flight_end").size(), kRows);
  for (std::size_t i = 0; i < kRows; ++i) {
    ASSERT_EQ(rf.samples.column("powered_flight_end")[i], 0) << i;
    ASSERT_EQ(rf.samples.column("status")[i], static_cast<std::int8_t>(status_of(i))) << i;
  }
  // The outcomes are then one per status, all with `none`.
  const engine::Summary s = summarize_run_file(path);
  ASSERT_EQ(s.outcomes.size(), static_cast<std::size_t>(engine::kStatusCount));
  std::uint64_t total = 0;
  for (const auto& o : s.outcomes) {
    EXPECT_EQ(o.powered_flight_end, PoweredFlightEnd::none);
    EXPECT_EQ(o.count, s.status_counts[static_cast<std::size_t>(o.status)]);
    total += o.count;
  }
  EXPECT_EQ(total, kRows);
}

TEST_F(RunFileIoTest, FlyReportsShowHowPoweredFlightEnded) {
  const auto cfg = chollima();
  flight::FlightResult r;
  r.status = flight::FlightStatus::suborbital;
  r.powered_flight_end = PoweredFlightEnd::depletion;

  const nlohmann::json j = flight_to_json(cfg.scenario, r);
  ASSERT_TRUE(j.contains("powered_flight_end"));
  EXPECT_EQ(j["powered_flight_end"], "depletion");
  EXPECT_EQ(j["status"], "suborbital");

  std::ostringstream text;
  print_flight_report(text, cfg.scenario, r);
  EXPECT_NE(text.str().find("status: suborbital\npowered flight end: depletion\n"),
            std::string::npos)
      << text.str();

  const fs::path path = dir_ / "fly.h5";
  write_flight_hdf5(path, cfg.scenario, r, HistoryRecorder{});
  const h5::File f = h5::File::open_read(path);
  EXPECT_EQ(f.root().attribute<std::string>("powered_flight_end"), "depletion");
  EXPECT_EQ(f.root().attribute<std::string>("status"), "suborbital");

  r.powered_flight_end = PoweredFlightEnd::none;
  EXPECT_EQ(flight_to_json(cfg.scenario, r)["powered_flight_end"], "none");
}

TEST_F(RunFileIoTest, SummaryOfTheFileGivesTheSameCatalogueAltitudesAsTheBlocks) {
  const auto cfg = chollima();
  const fs::path path = dir_ / "run.h5";
  const engine::Summary from_blocks = write_synthetic_run(path, cfg);
  const engine::Summary from_file = summarize_run_file(path);
  const engine::Summary from_whole = summarize_run_file(read_run_file(path));

  // By hand: mean of a (1 - e) over the orbit samples, minus the equatorial radius.
  double sum_rp_km = 0, sum_ra_km = 0;
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < kRows; ++i) {
    if (status_of(i) != SampleStatus::orbit) continue;
    sum_rp_km += semi_major_axis_m_of(i) * (1.0 - eccentricity_of(i)) / 1e3;
    sum_ra_km += semi_major_axis_m_of(i) * (1.0 + eccentricity_of(i)) / 1e3;
    ++n;
  }
  ASSERT_GT(n, 100u);
  const double n_d = static_cast<double>(n);
  for (const engine::Summary* s : {&from_blocks, &from_file, &from_whole}) {
    EXPECT_EQ(s->catalog_perigee_alt_km.count, n);
    EXPECT_NEAR(s->catalog_perigee_alt_km.mean, sum_rp_km / n_d - 6378.137, 1e-9);
    EXPECT_NEAR(s->catalog_apogee_alt_km.mean, sum_ra_km / n_d - 6378.137, 1e-9);
  }
  // `summarize` of the file equals what `run` printed, to the bit.
  for (const engine::Summary* s : {&from_file, &from_whole}) {
    for (auto member :
         {&engine::Summary::catalog_perigee_alt_km, &engine::Summary::catalog_apogee_alt_km})
      EXPECT_EQ(from_blocks.*member, s->*member);
  }
  EXPECT_EQ(io::summary_to_json(from_blocks)["orbit"].dump(),
            io::summary_to_json(from_file)["orbit"].dump());
  std::ostringstream text_blocks, text_file;
  io::print_summary(text_blocks, from_blocks);
  io::print_summary(text_file, from_file);
  EXPECT_NE(text_file.str().find("\n  catalog_perigee_alt_km "), std::string::npos)
      << text_file.str();
  EXPECT_EQ(text_blocks.str(), text_file.str());
}

constexpr double kReqKm = 6378.137;  // WGS-84 equatorial radius [km]

// The text between "(catalogue: " and " km above the equatorial radius)" of the insertion line.
std::string catalogue_text(const std::string& report) {
  const std::size_t line = report.find("\ninsertion at ");
  if (line == std::string::npos) return {};
  const std::size_t end = report.find('\n', line + 1);
  const std::string l = report.substr(line + 1, end - line - 1);
  const std::string open = "(catalogue: ", close = " km above the equatorial radius)";
  const std::size_t a = l.find(open), b = l.find(close);
  if (a == std::string::npos || b == std::string::npos || b + close.size() != l.size()) return {};
  return l.substr(a + open.size(), b - a - open.size());
}

TEST_F(RunFileIoTest, FlyReportsCatalogueApsisAltitudesOfTheNominalFlight) {
  const auto cfg = chollima();
  const flight::FlightResult r = flight::fly(cfg.scenario);
  ASSERT_TRUE(r.insertion.has_value());
  const nlohmann::json j = flight_to_json(cfg.scenario, r);
  const nlohmann::json& ins = j["insertion"];
  ASSERT_TRUE(ins.is_object());
  for (const char* k :
       {"time_s", "perigee_alt_km", "apogee_alt_km", "inclination_deg", "raan_deg", "period_s",
        "semi_major_axis_km", "eccentricity", "arg_perigee_deg", "true_anomaly_deg",
        "inertial_speed_mps", "catalog_perigee_alt_km", "catalog_apogee_alt_km"})
    ASSERT_TRUE(ins.contains(k)) << k;

  // From the report's own a and e.
  const double a_km = ins["semi_major_axis_km"].get<double>();
  const double e = ins["eccentricity"].get<double>();
  const double peri = ins["catalog_perigee_alt_km"].get<double>();
  const double apo = ins["catalog_apogee_alt_km"].get<double>();
  const double want_peri = a_km * (1.0 - e) - kReqKm, want_apo = a_km * (1.0 + e) - kReqKm;
  EXPECT_NEAR(peri, want_peri, 1e-9 * std::abs(want_peri));
  EXPECT_NEAR(apo, want_apo, 1e-9 * std::abs(want_apo));
  // The nominal flight is tuned to the catalogue's 493 x 512 km.
  EXPECT_NEAR(peri, 493.0, 5.0);
  EXPECT_NEAR(apo, 512.0, 5.0);
  // The ellipsoid lies within [R_pol, R_eq] of the centre, so the ellipsoid height of an apsis
  // point is at least the catalogue value and at most 21.385 km (a - b) above it.
  const double a_minus_b_km = 21.3847686;
  for (const auto& [ellipsoid, catalogue] :
       {std::pair{"perigee_alt_km", peri}, std::pair{"apogee_alt_km", apo}}) {
    const double h = ins[ellipsoid].get<double>();
    EXPECT_GE(h, catalogue - 1e-6) << ellipsoid;
    EXPECT_LE(h, catalogue + a_minus_b_km + 1e-6) << ellipsoid;
  }

  // The final cutoff is the insertion here: same catalogue values, and the old keys are kept.
  const nlohmann::json& fc = j["final_cutoff"];
  ASSERT_TRUE(fc.is_object());
  for (const char* k :
       {"time_s", "perigee_alt_km", "apogee_alt_km", "inclination_deg", "eccentricity",
        "inertial_speed_mps", "catalog_perigee_alt_km", "catalog_apogee_alt_km"})
    ASSERT_TRUE(fc.contains(k)) << k;
  EXPECT_EQ(fc["time_s"], ins["time_s"]);
  EXPECT_NEAR(fc["catalog_perigee_alt_km"].get<double>(), peri, 1e-9 * peri);
  EXPECT_NEAR(fc["catalog_apogee_alt_km"].get<double>(), apo, 1e-9 * apo);

  std::ostringstream text;
  print_flight_report(text, cfg.scenario, r);
  EXPECT_EQ(catalogue_text(text.str()), fmt::format("{:.1f} x {:.1f}", peri, apo)) << text.str();
  EXPECT_NE(
      text.str().find(fmt::format("\ninsertion at {:.2f} s: perigee {:.1f} km, apogee {:.1f} km, ",
                                  ins["time_s"].get<double>(), ins["perigee_alt_km"].get<double>(),
                                  ins["apogee_alt_km"].get<double>())),
      std::string::npos)
      << text.str();
}

TEST_F(RunFileIoTest, FlyReportsCatalogueAltitudesOfAPolarPerigeeBelowItsEllipsoidHeight) {
  // An insertion exactly over the north pole, at perigee of a 500 x 520 km (catalogue) orbit: the
  // ellipsoid height of that point is 500 km + (a - b), the catalogue value 500 km.
  const auto cfg = chollima();
  constexpr double mu = 3.986004418e14, req_m = 6378137.0, rpol_m = 6356752.314245;
  const double rp = req_m + 500e3, ra = req_m + 520e3, sma = 0.5 * (rp + ra);
  const double vp = std::sqrt(mu * (2.0 / rp - 1.0 / sma));
  flight::FlightResult r;
  r.status = flight::FlightStatus::orbit;
  r.powered_flight_end = PoweredFlightEnd::guidance_cutoff;
  flight::Insertion ins;
  ins.t_s = 600.0;
  ins.state << 0.0, 0.0, rp, vp, 0.0, 0.0, 1000.0;
  ins.elements = orbit::elements_from_state(ins.state.head<3>(), ins.state.segment<3>(3));
  ins.apsides = orbit::apsis_altitudes(ins.elements);
  r.insertion = ins;

  const nlohmann::json j = flight_to_json(cfg.scenario, r);
  EXPECT_NEAR(j["insertion"]["catalog_perigee_alt_km"].get<double>(), 500.0, 1e-9 * 500.0);
  EXPECT_NEAR(j["insertion"]["catalog_apogee_alt_km"].get<double>(), 520.0, 1e-9 * 520.0);
  EXPECT_NEAR(j["insertion"]["perigee_alt_km"].get<double>(), (rp - rpol_m) / 1e3, 1e-6);
  EXPECT_NEAR(j["insertion"]["apogee_alt_km"].get<double>(), (ra - rpol_m) / 1e3, 1e-6);

  std::ostringstream text;
  print_flight_report(text, cfg.scenario, r);
  EXPECT_NE(
      text.str().find("\ninsertion at 600.00 s: perigee 521.4 km, apogee 541.4 km, inclination "
                      "90.000 deg, "),
      std::string::npos)
      << text.str();
  EXPECT_EQ(catalogue_text(text.str()), "500.0 x 520.0") << text.str();
}

TEST_F(RunFileIoTest, FlyReportsNoCatalogueApogeeForAnUnboundCutoff) {
  // A last-stage burnout on a hyperbola, at its periapsis (velocity normal to the radius).
  const auto cfg = chollima();
  flight::FlightResult r;
  r.status = flight::FlightStatus::time_limit;
  flight::FlightEvent burnout;
  burnout.kind = flight::EventKind::burnout;
  burnout.index = static_cast<int>(cfg.scenario.vehicle.stages.size()) - 1;
  burnout.t_s = 700.0;
  burnout.state << 7.0e6, 0.0, 0.0, 0.0, 12000.0, 0.0,
      500.0;  // escape speed at 7000 km: 10.67 km/s
  r.events.push_back(burnout);

  const nlohmann::json j = flight_to_json(cfg.scenario, r);
  EXPECT_TRUE(j["insertion"].is_null());
  const nlohmann::json& fc = j["final_cutoff"];
  ASSERT_TRUE(fc.is_object());
  ASSERT_TRUE(fc.contains("catalog_apogee_alt_km"));
  EXPECT_TRUE(fc["catalog_apogee_alt_km"].is_null());
  EXPECT_TRUE(fc["apogee_alt_km"].is_null());
  EXPECT_GT(fc["eccentricity"].get<double>(), 1.0);
  EXPECT_NEAR(fc["catalog_perigee_alt_km"].get<double>(), 7000.0 - kReqKm,
              1e-9 * (7000.0 - kReqKm));
  // Over the equator the two conventions agree.
  EXPECT_NEAR(fc["perigee_alt_km"].get<double>(), 7000.0 - kReqKm, 1e-6);
}

}  // namespace
}  // namespace launchmc::io
