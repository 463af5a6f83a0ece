// The IIP tracks through a whole run: each sample's /iip rows are that sample's own flight's IIP
// track (flown again here, independently of the engine and the writer), the corridor does not
// depend on the thread count, `summarize` reproduces it to the bit, and the JSON and text reports
// say what the summary holds, key by key.
#include <gtest/gtest.h>

#include <GeographicLib/Geocentric.hpp>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "../support/scratch_dir.hpp"
#include "config/load_scenario.hpp"
#include "engine/columns.hpp"
#include "engine/run.hpp"
#include "flight/flight.hpp"
#include "io/flight_report.hpp"
#include "io/hdf5_file.hpp"
#include "io/run_file.hpp"
#include "io/summary_report.hpp"

namespace launchmc::io {
namespace {

// NaN-aware equality of doubles (NaN == NaN).
bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

void expect_same_corridor(const engine::IipCorridorSummary& a,
                          const engine::IipCorridorSummary& b) {
  ASSERT_EQ(a.track.size(), b.track.size());
  EXPECT_EQ(a.samples, b.samples);
  for (std::size_t k = 0; k < a.track.size(); ++k) {
    const auto &p = a.track[k], &q = b.track[k];
    EXPECT_EQ(p.tracks, q.tracks) << k;
    EXPECT_EQ(p.impacting, q.impacting) << k;
    EXPECT_TRUE(same(p.mean_lat_deg, q.mean_lat_deg)) << k;
    EXPECT_TRUE(same(p.mean_lon_deg, q.mean_lon_deg)) << k;
    EXPECT_TRUE(same(p.cross_sd_km, q.cross_sd_km)) << k;
    for (std::size_t j = 0; j < p.cross_halfwidth_km.size(); ++j)
      EXPECT_TRUE(same(p.cross_halfwidth_km[j], q.cross_halfwidth_km[j])) << k;
  }
  ASSERT_EQ(a.overflight.size(), b.overflight.size());
  for (std::size_t z = 0; z < a.overflight.size(); ++z) {
    EXPECT_EQ(a.overflight[z].count, b.overflight[z].count);
    EXPECT_TRUE(same(a.overflight[z].time_mean_s, b.overflight[z].time_mean_s));
    EXPECT_TRUE(same(a.overflight[z].time_sd_s, b.overflight[z].time_sd_s));
  }
}

class IipRunFile : public ScratchDirTest {};

TEST_F(IipRunFile, RowsAreTheSamplesOwnTracksAndTheCorridorIsReproducible) {
  const Study cfg =
      config::load_config_file(std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml");
  engine::RunOptions o;
  o.n_samples = 24;
  o.seed = 11;
  o.block_size = 5;
  o.threads = 1;
  const auto path = dir_ / "run.h5";
  RunFileWriter writer(path, cfg);
  const engine::RunResult one = engine::run_monte_carlo(cfg, o, &writer, {});
  o.threads = 3;
  const engine::RunResult three = engine::run_monte_carlo(cfg, o, nullptr, {});
  ASSERT_TRUE(one.summary.iip_corridor && three.summary.iip_corridor);
  expect_same_corridor(*one.summary.iip_corridor, *three.summary.iip_corridor);

  // The rows against the samples flown again, column by column by name.
  const RunFile rf = read_run_file(path);
  ASSERT_TRUE(rf.iip.has_value());
  EXPECT_EQ(rf.iip->step_s, 5.0);
  ASSERT_EQ(rf.iip->zones.size(), 1u);
  EXPECT_EQ(rf.iip->zones[0].name, "okinawa_miyako_gap");
  EXPECT_DOUBLE_EQ(rf.iip->zones[0].points[0].lat_deg, 26.08);
  EXPECT_DOUBLE_EQ(rf.iip->zones[0].points[0].lon_deg, 127.66);
  const engine::RaggedIip& t = rf.samples.iip;
  ASSERT_EQ(t.row_end.size(), 24u);
  const auto& time = t.columns[engine::iip_column("time_s")];
  const auto& lat = t.columns[engine::iip_column("lat_deg")];
  const auto& lon = t.columns[engine::iip_column("lon_deg")];
  const auto& tti = t.columns[engine::iip_column("time_to_impact_s")];
  std::uint64_t begin = 0;
  for (std::uint64_t i = 0; i < 24; ++i) {
    const engine::DrawnSample s = engine::sample_scenario(cfg, 11, 24, cfg.dispersions.sampler, i);
    const flight::FlightResult r = flight::fly(s.scenario, s.draws);
    ASSERT_EQ(t.row_end[i] - begin, r.iip.size()) << i;
    for (std::size_t k = 0; k < r.iip.size(); ++k) {
      const std::size_t e = begin + k;
      EXPECT_EQ(time[e], 5.0 * static_cast<double>(k));
      EXPECT_TRUE(same(lat[e], r.iip[k].lat_deg)) << i << " " << k;
      EXPECT_TRUE(same(lon[e], r.iip[k].lon_deg)) << i << " " << k;
      EXPECT_TRUE(same(tti[e], r.iip[k].time_to_impact_s)) << i << " " << k;
    }
    begin = t.row_end[i];
  }
  // The nominal track stored as the reference is the nominal flight's.
  const flight::FlightResult nominal = flight::fly(cfg.scenario);
  ASSERT_EQ(rf.iip->nominal.size(), nominal.iip.size());
  EXPECT_TRUE(same(rf.iip->nominal[30].lat_deg, nominal.iip[30].lat_deg));
  EXPECT_TRUE(same(rf.iip->nominal[30].lon_deg, nominal.iip[30].lon_deg));

  // summarize: the same corridor, from the file (slices) and from the file read whole.
  const engine::Summary s = summarize_run_file(path);
  ASSERT_TRUE(s.iip_corridor);
  expect_same_corridor(*one.summary.iip_corridor, *s.iip_corridor);
  expect_same_corridor(*one.summary.iip_corridor, *summarize_run_file(rf).iip_corridor);

  // The corridor's first points: at liftoff every sample's IIP is its pad (no launch-site
  // dispersion here), so the mean IIP is the site and there is no cross-track spread.
  const engine::CorridorPoint& p0 = s.iip_corridor->track[0];
  EXPECT_EQ(p0.tracks, 24u);
  EXPECT_NEAR(p0.mean_lat_deg, cfg.scenario.site.lat_deg, 1e-6);
  EXPECT_NEAR(p0.mean_lon_deg, cfg.scenario.site.lon_deg, 1e-6);
  // The corridor's mean at grid time k is the mean of the samples' rows at time_s = 5 k.
  const std::size_t k = 40;
  double sum_lat = 0.0, sum_lon = 0.0;
  std::uint64_t n = 0;
  for (std::size_t e = 0; e < time.size(); ++e)
    if (time[e] == 5.0 * k && std::isfinite(lat[e])) {
      sum_lat += lat[e];
      sum_lon += lon[e];
      ++n;
    }
  ASSERT_GT(n, 0u);
  EXPECT_EQ(s.iip_corridor->track[k].impacting, n);
  EXPECT_NEAR(s.iip_corridor->track[k].mean_lat_deg, sum_lat / n, 1e-9);
  EXPECT_NEAR(s.iip_corridor->track[k].mean_lon_deg, sum_lon / n, 1e-9);
}

// The nominal flight's ground track (/iip/nominal/vehicle_*), on the IIP track's grid, against
// the nominal flight's own time history (fly's recorder) converted to geodetic coordinates by
// GeographicLib: at liftoff it is the launch site, and a swapped axis or a shifted time fails.
class VehicleHistory final : public flight::TrajectoryRecorder {
 public:
  void record(int id, double t_s, const flight::State& y, const flight::Thrust&) override {
    if (id == -1) points.emplace_back(t_s, y);
  }
  std::vector<std::pair<double, flight::State>> points;
};

TEST_F(IipRunFile, NominalGroundTrackIsWhereTheNominalVehicleIs) {
  const Study cfg =
      config::load_config_file(std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml");
  engine::RunOptions o;
  o.n_samples = 2;
  o.seed = 3;
  o.threads = 1;
  const auto path = dir_ / "ground.h5";
  RunFileWriter writer(path, cfg);
  engine::run_monte_carlo(cfg, o, &writer, {});
  const h5::File f = h5::File::open_read(path);
  const h5::Group nominal = f.root().open_group("iip").open_group("nominal");
  const auto t = nominal.read<double>("time_s");
  const auto lat = nominal.read<double>("vehicle_lat_deg"),
             lon = nominal.read<double>("vehicle_lon_deg"),
             alt = nominal.read<double>("vehicle_alt_m");
  ASSERT_EQ(lat.size(), t.size());
  ASSERT_EQ(lon.size(), t.size());
  ASSERT_EQ(alt.size(), t.size());
  ASSERT_GT(t.size(), 100u);  // 705 s of powered flight every 5 s
  EXPECT_NEAR(lat[0], cfg.scenario.site.lat_deg, 1e-9);
  EXPECT_NEAR(lon[0], cfg.scenario.site.lon_deg, 1e-9);
  EXPECT_NEAR(alt[0], cfg.scenario.site.alt_m, 1e-3);

  VehicleHistory history;
  flight::FlightResult r;
  flight::FlightWorkspace ws;
  flight::fly(cfg.scenario, {}, r, ws, &history);
  const flight::Environment env = flight::make_environment(cfg.scenario);
  const GeographicLib::Geocentric& wgs84 = GeographicLib::Geocentric::WGS84();
  std::size_t compared = 0;
  for (const auto& [th, y] : history.points) {
    const double k = std::round(th / 5.0);
    if (std::abs(th - 5.0 * k) > 1e-6 || k >= static_cast<double>(t.size())) continue;
    const auto i = static_cast<std::size_t>(k);
    const Eigen::Vector3d r_ecef = env.rotation.position_eci_to_ecef(y.head<3>(), th);
    double glat = 0, glon = 0, galt = 0;
    wgs84.Reverse(r_ecef.x(), r_ecef.y(), r_ecef.z(), glat, glon, galt);
    EXPECT_NEAR(lat[i], glat, 1e-7) << t[i];
    EXPECT_NEAR(lon[i], glon, 1e-7) << t[i];
    EXPECT_NEAR(alt[i], galt, 1e-2) << t[i];
    ++compared;
  }
  EXPECT_GT(compared, 100u);
  // Powered flight ends in orbit (insertion at ~705 s, ~495 km up: configs/chollima1_2023.yaml).
  EXPECT_NEAR(alt.back(), 495e3, 10e3);
}

TEST(IipReports, FlyJsonHasTheFlightsTrackKeyByKey) {
  const Scenario sc =
      config::load_scenario_file(std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml");
  const flight::FlightResult r = flight::fly(sc);
  const nlohmann::json j = flight_to_json(sc, r)["iip"];
  EXPECT_EQ(j["step_s"], 5.0);
  ASSERT_EQ(j["time_s"].size(), r.iip.size());
  for (std::size_t k = 0; k < r.iip.size(); ++k) {
    EXPECT_EQ(j["time_s"][k], r.iip[k].t_s);
    if (std::isnan(r.iip[k].lat_deg)) {
      EXPECT_TRUE(j["lat_deg"][k].is_null());
      EXPECT_TRUE(j["lon_deg"][k].is_null());
      EXPECT_TRUE(j["time_to_impact_s"][k].is_null());
      continue;
    }
    EXPECT_EQ(j["lat_deg"][k], r.iip[k].lat_deg);
    EXPECT_EQ(j["lon_deg"][k], r.iip[k].lon_deg);
    EXPECT_EQ(j["time_to_impact_s"][k], r.iip[k].time_to_impact_s);
  }
}

TEST(IipReports, JsonAndTextSayWhatTheSummaryHolds) {
  engine::Summary s;
  engine::IipCorridorSummary c;
  c.step_s = 5.0;
  c.samples = 10;
  engine::CorridorPoint p;
  p.t_s = 35.0;
  p.tracks = 9;
  p.impacting = 8;
  p.mean_lat_deg = 25.25;
  p.mean_lon_deg = 126.5;
  p.nominal_lat_deg = 25.0;
  p.nominal_lon_deg = 126.0;
  p.along_mean_km = 1.5;
  p.along_sd_km = 2.5;
  p.cross_mean_km = -0.75;
  p.cross_sd_km = 3.25;
  p.cross_halfwidth_km = {1.0, 2.0, 4.0};
  c.track.push_back(p);
  c.overflight.push_back({"gap", false, 7, 0.7, 232.5, 1.5, 229.0, 235.0});
  c.overflight.push_back({"box", true, 0, 0.0, NAN, NAN, NAN, NAN});
  s.iip_corridor = c;
  const nlohmann::json j = summary_to_json(s)["iip_corridor"];
  EXPECT_EQ(j["step_s"], 5.0);
  EXPECT_EQ(j["samples"], 10);
  const nlohmann::json& t = j["track"];
  EXPECT_EQ(t["time_s"][0], 35.0);
  EXPECT_EQ(t["tracks"][0], 9);
  EXPECT_EQ(t["impacting"][0], 8);
  EXPECT_EQ(t["mean_lat_deg"][0], 25.25);
  EXPECT_EQ(t["mean_lon_deg"][0], 126.5);
  EXPECT_EQ(t["nominal_lat_deg"][0], 25.0);
  EXPECT_EQ(t["nominal_lon_deg"][0], 126.0);
  EXPECT_EQ(t["along_mean_km"][0], 1.5);
  EXPECT_EQ(t["along_sd_km"][0], 2.5);
  EXPECT_EQ(t["cross_mean_km"][0], -0.75);
  EXPECT_EQ(t["cross_sd_km"][0], 3.25);
  EXPECT_EQ(t["cross_halfwidth_km"]["50"][0], 1.0);
  EXPECT_EQ(t["cross_halfwidth_km"]["90"][0], 2.0);
  EXPECT_EQ(t["cross_halfwidth_km"]["99"][0], 4.0);
  const nlohmann::json& o = j["overflight"];
  EXPECT_EQ(o[0]["name"], "gap");
  EXPECT_EQ(o[0]["kind"], "line");
  EXPECT_EQ(o[0]["count"], 7);
  EXPECT_EQ(o[0]["fraction"], 0.7);
  EXPECT_EQ(o[0]["time_s"]["mean"], 232.5);
  EXPECT_EQ(o[0]["time_s"]["std"], 1.5);
  EXPECT_EQ(o[0]["time_s"]["min"], 229.0);
  EXPECT_EQ(o[0]["time_s"]["max"], 235.0);
  EXPECT_EQ(o[1]["kind"], "region");
  EXPECT_TRUE(o[1]["time_s"]["mean"].is_null());
  EXPECT_TRUE(summary_to_json(engine::Summary{})["iip_corridor"].is_null());

  std::ostringstream text;
  print_summary(text, s);
  const std::string out = text.str();
  // The corridor row: time, samples with an IIP, mean lat, mean lon, cross mean, sd, half-widths;
  // the overflight row: name, kind, count, fraction, first-crossing time mean, sd, min, max.
  const std::vector<std::string> corridor = {"35.0", "8",    "25.250", "126.500", "-0.750",
                                             "3.25", "1.00", "2.00",   "4.00"};
  const std::vector<std::string> gap = {"gap",   "line", "7",     "70.00", "%",
                                        "232.5", "1.5",  "229.0", "235.0"};
  bool seen_corridor = false, seen_gap = false;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string x; words >> x;) w.push_back(x);
    if (w == corridor) seen_corridor = true;
    if (w == gap) seen_gap = true;
  }
  EXPECT_TRUE(seen_corridor) << out;
  EXPECT_TRUE(seen_gap) << out;
}

}  // namespace
}  // namespace launchmc::io
