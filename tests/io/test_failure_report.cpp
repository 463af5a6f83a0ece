// The per-failure-mode report (engine/failure_report.hpp) of a run with breakups: every number
// checked against a reference computed here from the run file's raw rows (/outcome, /fragments)
// with GeographicLib's azimuthal equidistant projection and plain long-double sums, not with the
// code under test; the share inside a region against a rectangle test of a known subset; `run
// --json` against `summarize --json` of its file (the same numbers, to the bit); any split of
// the rows merging to the same report; damaged /fragments refused; and `fly --from` catching a
// tampered fragment row.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/wait.h>

#include <GeographicLib/AzimuthalEquidistant.hpp>
#include <GeographicLib/Geodesic.hpp>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "../support/cli_runner.hpp"
#include "../support/reducer_state.hpp"
#include "../support/scratch_dir.hpp"
#include "engine/failure_report.hpp"
#include "io/hdf5_file.hpp"
#include "io/run_file.hpp"
#include "io/summary_report.hpp"

namespace launchmc::io {
namespace {

using launchmc::test_support::CommandResult;
using launchmc::test_support::run_launchmc;

namespace fs = std::filesystem;
using nlohmann::json;

// A suborbital hop from 10 N 20 E eastward whose first stage may be terminated or explode (30 to
// 45 s): fragments of two debris classes and the intact payload; one report region.
const char* kConfig = R"(
name: breakup hop
launch: {lat_deg: 10, lon_deg: 20, azimuth_deg: 90, epoch_utc: "2024-01-01T00:00:00Z"}
vehicle:
  payload: {mass_kg: 100, drag: {ref_area_m2: 0.3, cd_mach: [[0, 1.0]]}}
  stages:
    - name: s1
      thrust_vac_N: 2.0e4
      isp_vac_s: 250
      propellant_mass_kg: 400
      dry_mass_kg: 200
      stack_drag: {ref_area_m2: 1, cd_mach: [[0, 0.3]]}
      spent_drag: {ref_area_m2: 1, cd_mach: [[0, 1.0]]}
      debris:
        - {name: tank, pieces: 10, mass_kg: 5, ballistic_coefficient_kgpm2: 20,
           delta_v_scale_mps: 20, casualty_area_m2: 0.5}
        - {name: engine, pieces: 1, mass_kg: 80, drag: {ref_area_m2: 0.2, cd_mach: [[0, 1.0]]},
           delta_v_scale_mps: 5, casualty_area_m2: 3}
guidance: {vertical_rise_s: 5, pitch_kick_deg: 20, pitch_kick_duration_s: 5}
limits: {fragments_per_class: 4}
report:
  regions:
    - name: east_box
      points: [{lat_deg: 0, lon_deg: 20.03}, {lat_deg: 0, lon_deg: 40}, {lat_deg: 20, lon_deg: 40}, {lat_deg: 20, lon_deg: 20.03}]
uncertainties:
  inputs:
    - {path: "vehicle.stages[0].thrust_vac_N", normal: {sd_percent: 1}}
failures:
  - {name: fts, stage: s1, mode: flight_termination, probability: 0.3, window_start_s: 30, window_end_s: 45}
  - {name: boom, stage: s1, mode: explosion, probability: 0.2, window_start_s: 30, window_end_s: 45}
)";

// The run file's raw rows.
struct Raw {
  double ref_lat = 0, ref_lon = 0;
  std::vector<std::string> modes;
  std::vector<std::int8_t> mode;  // per row
  std::vector<double> vlat, vlon, vtime;
  std::vector<std::uint64_t> sample;  // per fragment entry
  std::vector<std::int64_t> cls;
  std::vector<std::string> classes;
  std::vector<double> weight, lat, lon, time, breakup;
  std::vector<std::int8_t> fate;
};
Raw read_raw(const fs::path& path) {
  Raw r;
  const h5::File f = h5::File::open_read(path);
  const h5::Group root = f.root();
  r.ref_lat = root.attribute<double>("vehicle_reference_lat_deg");
  r.ref_lon = root.attribute<double>("vehicle_reference_lon_deg");
  r.modes = root.open_group("failure_modes").read<std::string>("name");
  const h5::Group o = root.open_group("outcome");
  r.mode = o.read<std::int8_t>("failure_mode");
  r.vlat = o.read<double>("vehicle_impact_lat_deg");
  r.vlon = o.read<double>("vehicle_impact_lon_deg");
  r.vtime = o.read<double>("flight_time_s");
  const h5::Group g = root.open_group("fragments");
  r.sample = g.read<std::uint64_t>("sample");
  r.cls = g.read<std::int64_t>("class_index");
  r.classes = g.read<std::string>("classes");
  r.weight = g.read<double>("weight");
  r.lat = g.read<double>("impact_lat_deg");
  r.lon = g.read<double>("impact_lon_deg");
  r.time = g.read<double>("impact_time_s");
  r.breakup = g.read<double>("breakup_time_s");
  r.fate = g.read<std::int8_t>("fate");
  return r;
}

// Weighted statistics of points, computed independently: GeographicLib's projection about the
// reference, long-double sums, reliability-weight covariance, closed-form eigenvalues.
struct Reference {
  long double w = 0, w2 = 0, x = 0, y = 0, t = 0;
  std::vector<std::array<double, 4>> points;  // x, y, t, w
  void add(double ref_lat, double ref_lon, double lat, double lon, double time, double weight) {
    static const GeographicLib::AzimuthalEquidistant proj(GeographicLib::Geodesic::WGS84());
    double px = 0, py = 0;
    proj.Forward(ref_lat, ref_lon, lat, lon, px, py);
    points.push_back({px, py, time, weight});
    w += weight;
    w2 += static_cast<long double>(weight) * weight;
    x += static_cast<long double>(weight) * px;
    y += static_cast<long double>(weight) * py;
    t += static_cast<long double>(weight) * time;
  }
  void mean_lat_lon(double ref_lat, double ref_lon, double& lat, double& lon) const {
    static const GeographicLib::AzimuthalEquidistant proj(GeographicLib::Geodesic::WGS84());
    proj.Reverse(ref_lat, ref_lon, static_cast<double>(x / w), static_cast<double>(y / w), lat,
                 lon);
  }
  double time_mean() const { return static_cast<double>(t / w); }
  double time_sd() const {
    const long double m = t / w;
    long double ss = 0;
    for (const auto& p : points) ss += p[3] * (p[2] - m) * (p[2] - m);
    return static_cast<double>(std::sqrt(ss / (w - w2 / w)));
  }
  // Semi-major axis of the containment ellipse of probability P [km].
  double semi_major_km(double probability) const {
    const long double mx = x / w, my = y / w;
    long double a = 0, b = 0, d = 0;
    for (const auto& p : points) {
      a += p[3] * (p[0] - mx) * (p[0] - mx);
      d += p[3] * (p[1] - my) * (p[1] - my);
      b += p[3] * (p[0] - mx) * (p[1] - my);
    }
    const long double dof = w - w2 / w;
    a /= dof;
    b /= dof;
    d /= dof;
    const long double l1 = (a + d) / 2 + std::sqrt((d - a) * (d - a) / 4 + b * b);
    return static_cast<double>(std::sqrt(-2.0L * std::log(1.0L - probability) * l1)) / 1e3;
  }
};

class FailureReportRun : public ScratchDirTest {
 protected:
  void SetUp() override {
    ScratchDirTest::SetUp();
    config_ = dir_ / "breakup.yaml";
    std::ofstream(config_) << kConfig;
    file_ = dir_ / "run.h5";
    const CommandResult r =
        run_launchmc("run " + config_.string() + " -n 120 --seed 9 --block-size 16 " +
                     "--json -o " + file_.string());
    ASSERT_EQ(r.status, 0);
    run_json_ = json::parse(r.out);
  }
  const json& mode_json(const std::string& name) const {
    for (const json& m : run_json_["failure_modes"])
      if (m["name"] == name) return m;
    ADD_FAILURE() << "no mode " << name;
    return run_json_;
  }
  fs::path config_, file_;
  json run_json_;
};

TEST_F(FailureReportRun, PerModeNumbersEqualTheRawRows) {
  const Raw raw = read_raw(file_);
  const std::size_t n = raw.mode.size();
  ASSERT_EQ(n, 120u);
  ASSERT_EQ(raw.modes, (std::vector<std::string>{"fts", "boom"}));
  const json& modes = run_json_["failure_modes"];
  ASSERT_EQ(modes.size(), 3u);  // the two modes, then none
  EXPECT_EQ(modes[2]["name"], "none");
  EXPECT_EQ(modes[2]["index"], -1);
  EXPECT_EQ(modes[0]["kind"], "flight_termination");
  EXPECT_EQ(modes[1]["kind"], "explosion");
  EXPECT_EQ(modes[0]["stage"], "s1");
  int with_fragments = 0;
  for (int m = -1; m < 2; ++m) {
    const std::string name = m < 0 ? "none" : raw.modes[static_cast<std::size_t>(m)];
    SCOPED_TRACE(name);
    const json& j = mode_json(name);
    // Samples, frequency (unit weights: count / n) and its Wilson interval's presence.
    std::uint64_t count = 0;
    Reference vehicle;
    long double breakup_sum = 0;
    std::uint64_t breakups = 0;
    std::map<std::string, Reference> cls;
    std::map<std::string, long double> pieces;
    std::map<std::string, std::set<std::size_t>> impact_rows;
    for (std::size_t r = 0; r < n; ++r) {
      if (raw.mode[r] != m) continue;
      ++count;
      if (std::isfinite(raw.vlat[r]))
        vehicle.add(raw.ref_lat, raw.ref_lon, raw.vlat[r], raw.vlon[r], raw.vtime[r], 1.0);
      bool first = true;
      for (std::size_t e = 0; e < raw.sample.size(); ++e) {
        if (raw.sample[e] != r) continue;
        if (first) {
          breakup_sum += raw.breakup[e];
          ++breakups;
          first = false;
        }
        const std::string c = raw.classes.at(static_cast<std::size_t>(raw.cls[e]));
        pieces[c] += raw.weight[e];
        if (raw.fate[e] == 0) impact_rows[c].insert(r);
        if (raw.fate[e] == 0)
          cls[c].add(raw.ref_lat, raw.ref_lon, raw.lat[e], raw.lon[e], raw.time[e], raw.weight[e]);
      }
    }
    EXPECT_EQ(j["samples"], count);
    EXPECT_EQ(j["frequency"].get<double>(), static_cast<double>(count) / static_cast<double>(n));
    ASSERT_TRUE(j["frequency_ci95"].is_array());
    EXPECT_LE(j["frequency_ci95"][0].get<double>(), j["frequency"].get<double>());
    EXPECT_GE(j["frequency_ci95"][1].get<double>(), j["frequency"].get<double>());
    EXPECT_EQ(j["breakups"], breakups);
    if (breakups > 0) {
      EXPECT_NEAR(j["breakup_time_s"]["mean"].get<double>(),
                  static_cast<double>(breakup_sum / breakups), 1e-9);
    }
    EXPECT_EQ(j["breakups"] == 0, m < 0) << "breakups exactly in the breakup modes";
    // The vehicle (unweighted).
    EXPECT_EQ(j["vehicle"]["impacts"], vehicle.points.size());
    if (vehicle.points.size() > 1) {
      double lat = 0, lon = 0;
      vehicle.mean_lat_lon(raw.ref_lat, raw.ref_lon, lat, lon);
      EXPECT_NEAR(j["vehicle"]["impact_mean_lat_deg"].get<double>(), lat, 1e-9);
      EXPECT_NEAR(j["vehicle"]["impact_mean_lon_deg"].get<double>(), lon, 1e-9);
      EXPECT_NEAR(j["vehicle"]["impact_time_s"]["mean"].get<double>(), vehicle.time_mean(), 1e-9);
      EXPECT_NEAR(j["vehicle"]["ellipses"]["90"]["semi_major_km"].get<double>(),
                  vehicle.semi_major_km(0.9), 1e-6 * vehicle.semi_major_km(0.9));
    }
    // Each fragment class, weighted by its pieces.
    ASSERT_EQ(j["fragment_classes"].size(), pieces.size());
    for (const json& c : j["fragment_classes"]) {
      const std::string cname = c["name"];
      SCOPED_TRACE(cname);
      ++with_fragments;
      ASSERT_EQ(pieces.count(cname), 1u);
      EXPECT_NEAR(c["weight"].get<double>(), static_cast<double>(pieces[cname]), 1e-12);
      const Reference& ref = cls[cname];
      EXPECT_EQ(c["impacts"], ref.points.size());
      EXPECT_NEAR(c["impact_weight"].get<double>(), static_cast<double>(ref.w), 1e-12);
      EXPECT_NEAR(c["effective_impacts"].get<double>(), static_cast<double>(ref.w * ref.w / ref.w2),
                  1e-9);
      double lat = 0, lon = 0;
      ref.mean_lat_lon(raw.ref_lat, raw.ref_lon, lat, lon);
      EXPECT_NEAR(c["impact_mean_lat_deg"].get<double>(), lat, 1e-9);
      EXPECT_NEAR(c["impact_mean_lon_deg"].get<double>(), lon, 1e-9);
      EXPECT_NEAR(c["impact_time_s"]["mean"].get<double>(), ref.time_mean(), 1e-9);
      if (ref.points.size() > 1) {
        EXPECT_NEAR(c["impact_time_s"]["std"].get<double>(), ref.time_sd(), 1e-6);
        for (const char* level : {"50", "90", "99"}) {
          const double p = std::stod(level) / 100.0;
          EXPECT_NEAR(c["ellipses"][level]["semi_major_km"].get<double>(), ref.semi_major_km(p),
                      1e-6 * ref.semi_major_km(p))
              << level;
        }
      }
      EXPECT_EQ(c["impact_samples"], impact_rows[cname].size());
      // Fewer than 30 impacts, or from fewer than 30 samples: said so.
      if (ref.points.size() < 30 && ref.points.size() > 1) {
        ASSERT_FALSE(c["warnings"].empty());
        EXPECT_NE(c["warnings"][0].get<std::string>().find("only"), std::string::npos);
      } else if (impact_rows[cname].size() < 30) {
        ASSERT_FALSE(c["warnings"].empty());
        EXPECT_NE(c["warnings"][0].get<std::string>().find(
                      "from only " + std::to_string(impact_rows[cname].size()) + " samples"),
                  std::string::npos)
            << c["warnings"].dump();
      }
    }
  }
  EXPECT_GE(with_fragments, 4) << "both breakup modes with tank, engine (and payload) fragments";
}

// The share inside a region: a rectangle splitting the tank fragments at their median longitude,
// against the rectangle test of each raw row.
TEST_F(FailureReportRun, RegionShareIsTheWeightOfAKnownSubset) {
  const Raw raw = read_raw(file_);
  std::vector<double> lons;
  for (std::size_t e = 0; e < raw.sample.size(); ++e)
    if (raw.classes[static_cast<std::size_t>(raw.cls[e])] == "tank") lons.push_back(raw.lon[e]);
  ASSERT_GT(lons.size(), 8u);
  std::sort(lons.begin(), lons.end());
  const double split = 0.5 * (lons[lons.size() / 2 - 1] + lons[lons.size() / 2]);

  RunFile info = RunFileReader(file_).info();
  info.report_regions = {{"west", true, {{0, 19}, {0, split}, {20, split}, {20, 19}}}};
  engine::FailureReportReducer reducer = failure_report_reducer_for(info);
  const RunFile all = read_run_file(file_);
  reducer.add(all.samples);
  const engine::FailureReport rep = reducer.finish();
  for (const engine::FailureModeReport& m : rep.modes) {
    SCOPED_TRACE(m.mode.name);
    long double inside = 0, total = 0;
    std::uint64_t v_in = 0;
    for (std::size_t r = 0; r < raw.mode.size(); ++r) {
      if (raw.mode[r] != m.index) continue;
      if (std::isfinite(raw.vlon[r]) && raw.vlon[r] < split && raw.vlon[r] > 19 &&
          raw.vlat[r] > 0 && raw.vlat[r] < 20)
        ++v_in;
      for (std::size_t e = 0; e < raw.sample.size(); ++e) {
        if (raw.sample[e] != r || raw.classes[static_cast<std::size_t>(raw.cls[e])] != "tank")
          continue;
        total += raw.weight[e];
        if (raw.fate[e] == 0 && raw.lon[e] < split && raw.lon[e] > 19 && raw.lat[e] > 0 &&
            raw.lat[e] < 20)
          inside += raw.weight[e];
      }
    }
    ASSERT_EQ(m.vehicle.regions.size(), 1u);
    EXPECT_DOUBLE_EQ(
        m.vehicle.regions[0].fraction,
        m.samples > 0 ? static_cast<double>(v_in) / static_cast<double>(m.samples) : 0.0);
    for (const engine::FootprintReport& f : m.fragment_classes) {
      if (f.name != "tank") continue;
      ASSERT_EQ(f.regions.size(), 1u);
      EXPECT_NEAR(f.regions[0].fraction, static_cast<double>(inside / total), 1e-12);
      EXPECT_GT(f.regions[0].fraction, 0.0);
      EXPECT_LT(f.regions[0].fraction, 1.0);
    }
  }
}

// `summarize` rebuilds from the file the report `run` printed: the same JSON, number for number.
TEST_F(FailureReportRun, SummarizeJsonEqualsRunJson) {
  const CommandResult r = run_launchmc("summarize " + file_.string() + " --json");
  ASSERT_EQ(r.status, 0);
  const json s = json::parse(r.out);
  ASSERT_TRUE(run_json_["failure_modes"].is_array());
  EXPECT_EQ(s["failure_modes"], run_json_["failure_modes"]);
  EXPECT_EQ(s["failure_modes"].dump(), run_json_["failure_modes"].dump());
  // The config's region is reported for the vehicle and every class.
  for (const json& m : s["failure_modes"])
    for (const json& c : m["fragment_classes"]) {
      ASSERT_EQ(c["regions"].size(), 1u);
      EXPECT_EQ(c["regions"][0]["name"], "east_box");
    }
  // The text report has a section per mode.
  const CommandResult text = run_launchmc("summarize " + file_.string());
  EXPECT_NE(text.out.find("by failure mode"), std::string::npos);
  EXPECT_NE(text.out.find("fts (flight_termination, stage s1)"), std::string::npos);
}

// Slices of any size, added to one reducer or to two merged ones, give the same report.
TEST_F(FailureReportRun, AnySplitMergesToTheSameReport) {
  RunFileReader reader(file_);
  engine::FailureReportReducer whole = failure_report_reducer_for(reader.info());
  engine::FailureReportReducer a = failure_report_reducer_for(reader.info());
  engine::FailureReportReducer b = failure_report_reducer_for(reader.info());
  engine::Block block;
  int k = 0;
  while (reader.next(block, 7)) {
    whole.add(block);
    (k++ % 2 == 0 ? a : b).add(block);
  }
  b.merge(a);
  engine::Summary s1, s2;
  s1.failure_report = whole.finish();
  s2.failure_report = b.finish();
  EXPECT_EQ(summary_to_json(s1)["failure_modes"].dump(),
            summary_to_json(s2)["failure_modes"].dump());
  EXPECT_EQ(summary_to_json(s1)["failure_modes"], run_json_["failure_modes"]);
}

// Writes `value` at `row` of a 1-D dataset, converted from `mem_type`.
template <class T>
void poke(const fs::path& path, const char* dataset, std::size_t row, T value, hid_t mem_type) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  const hid_t ds = H5Dopen2(file, dataset, H5P_DEFAULT);
  ASSERT_GE(ds, 0) << dataset;
  const hid_t space = H5Dget_space(ds);
  const hsize_t start[1] = {row}, count[1] = {1};
  H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr);
  const hid_t mem = H5Screate_simple(1, count, nullptr);
  // mem_type < 0: the dataset's own type (raw bytes: an enum code outside its members).
  const hid_t type = mem_type < 0 ? H5Dget_type(ds) : mem_type;
  EXPECT_GE(H5Dwrite(ds, type, mem, space, H5P_DEFAULT, &value), 0);
  if (mem_type < 0) H5Tclose(type);
  H5Sclose(mem);
  H5Sclose(space);
  H5Dclose(ds);
  H5Fclose(file);
}

std::string refusal(const fs::path& path) {
  try {
    summarize_run_file(path);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "accepted";
}

TEST_F(FailureReportRun, DamagedFragmentsAreRefused) {
  const Raw raw = read_raw(file_);
  ASSERT_GT(raw.sample.size(), 10u);
  const std::string damaged = "the file is damaged or written by a newer launchmc";
  struct Case {
    const char* what;
    std::function<void(const fs::path&)> edit;
    const char* message;
  };
  const std::size_t mid = raw.sample.size() / 2;
  const std::vector<Case> cases = {
      {"class index",
       [](const fs::path& p) {
         poke<std::int64_t>(p, "/fragments/class_index", 3, 99, H5T_NATIVE_INT64);
       },
       "/fragments/class_index entry 3"},
      {"out of order",
       [&](const fs::path& p) {
         poke<std::uint64_t>(p, "/fragments/sample", mid, raw.sample[mid] + 50, H5T_NATIVE_UINT64);
       },
       "/fragments/sample"},
      {"beyond the rows",
       [&](const fs::path& p) {
         poke<std::uint64_t>(p, "/fragments/sample", raw.sample.size() - 1, 500, H5T_NATIVE_UINT64);
       },
       "/fragments/sample"},
      {"weight",
       [](const fs::path& p) { poke<double>(p, "/fragments/weight", 2, -1.0, H5T_NATIVE_DOUBLE); },
       "/fragments/weight entry 2"},
      {"impact",
       [](const fs::path& p) {
         poke<double>(p, "/fragments/impact_lat_deg", 1, 123.0, H5T_NATIVE_DOUBLE);
       },
       "/fragments entry 1"},
      {"fate", [](const fs::path& p) { poke<std::int8_t>(p, "/fragments/fate", 4, 9, -1); },
       "/fragments/fate row 4"},
  };
  EXPECT_EQ(refusal(file_), "accepted");
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const fs::path copy = dir_ / (std::string(c.what) + ".h5");
    fs::copy_file(file_, copy);
    c.edit(copy);
    const std::string msg = refusal(copy);
    EXPECT_NE(msg.find(c.message), std::string::npos) << msg;
    EXPECT_NE(msg.find(damaged), std::string::npos) << msg;
  }
}

// `fly --from` compares the re-flown sample's fragments with the file's rows.
TEST_F(FailureReportRun, FlyFromCatchesATamperedFragmentRow) {
  const Raw raw = read_raw(file_);
  ASSERT_GT(raw.sample.size(), 0u);
  const std::uint64_t row = raw.sample[0];
  const std::string fly =
      "fly --sample " + std::to_string(row) + " --from " + file_.string() + " --json";
  const CommandResult before = run_launchmc(fly);
  ASSERT_EQ(before.status, 0);
  const json jb = json::parse(before.out);
  EXPECT_EQ(jb["reproduced"], true) << jb["differences"].dump();
  poke<double>(file_, "/fragments/impact_lat_deg", 0, raw.lat[0] + 1e-6, H5T_NATIVE_DOUBLE);
  const CommandResult after = run_launchmc(fly);
  ASSERT_EQ(after.status, 0);
  const json ja = json::parse(after.out);
  EXPECT_EQ(ja["reproduced"], false);
  ASSERT_EQ(ja["differences"].size(), 1u) << ja["differences"].dump();
  EXPECT_EQ(ja["differences"][0].get<std::string>().rfind("fragments[0].impact_lat_deg", 0), 0u)
      << ja["differences"].dump();
  // A fragment row dropped from the file's count for the sample: detected as well.
  const std::uint64_t last = raw.sample.back();
  std::size_t first_of_last = raw.sample.size() - 1;
  while (first_of_last > 0 && raw.sample[first_of_last - 1] == last) --first_of_last;
  poke<std::uint64_t>(file_, "/fragments/sample", raw.sample.size() - 1, last + 1,
                      H5T_NATIVE_UINT64);
  if (last + 1 < raw.mode.size()) {
    const CommandResult dropped = run_launchmc("fly --sample " + std::to_string(last) + " --from " +
                                               file_.string() + " --json");
    ASSERT_EQ(dropped.status, 0);
    const json jd = json::parse(dropped.out);
    EXPECT_EQ(jd["reproduced"], false);
    EXPECT_NE(jd["differences"].dump().find("fragments (file"), std::string::npos)
        << jd["differences"].dump();
  }
}

// The saved state of the report (FailureReportReducer::save/load): pieces of a run saved apart,
// restored and merged in either order give the whole run's report to the bit; the state a run
// file keeps restores the run's report; a state of another setup is refused.

using testing_support::MemoryState;

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

#define EXPECT_SAME_BITS(a, b) EXPECT_TRUE(same_bits(a, b)) << #a << ": " << (a) << " vs " << (b)

void expect_same_spread(const engine::Spread& a, const engine::Spread& b) {
  EXPECT_SAME_BITS(a.mean, b.mean);
  EXPECT_SAME_BITS(a.sd, b.sd);
  EXPECT_SAME_BITS(a.min, b.min);
  EXPECT_SAME_BITS(a.max, b.max);
}

void expect_same_footprint(const engine::FootprintReport& a, const engine::FootprintReport& b) {
  SCOPED_TRACE(a.name);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.bodies, b.bodies);
  EXPECT_SAME_BITS(a.weight, b.weight);
  EXPECT_EQ(a.impacts, b.impacts);
  EXPECT_SAME_BITS(a.impact_weight, b.impact_weight);
  EXPECT_SAME_BITS(a.effective_impacts, b.effective_impacts);
  EXPECT_EQ(a.impact_samples, b.impact_samples);
  EXPECT_SAME_BITS(a.mean_lat_deg, b.mean_lat_deg);
  EXPECT_SAME_BITS(a.mean_lon_deg, b.mean_lon_deg);
  expect_same_spread(a.impact_time_s, b.impact_time_s);
  EXPECT_SAME_BITS(a.rms_distance_km, b.rms_distance_km);
  EXPECT_EQ(a.containment_sample, b.containment_sample);
  ASSERT_EQ(a.ellipses.size(), b.ellipses.size());
  for (std::size_t i = 0; i < a.ellipses.size(); ++i) {
    EXPECT_SAME_BITS(a.ellipses[i].probability, b.ellipses[i].probability);
    EXPECT_SAME_BITS(a.ellipses[i].semi_major_km, b.ellipses[i].semi_major_km);
    EXPECT_SAME_BITS(a.ellipses[i].semi_minor_km, b.ellipses[i].semi_minor_km);
    EXPECT_SAME_BITS(a.ellipses[i].orientation_deg, b.ellipses[i].orientation_deg);
    EXPECT_SAME_BITS(a.ellipses[i].contained_fraction, b.ellipses[i].contained_fraction);
  }
  ASSERT_EQ(a.regions.size(), b.regions.size());
  for (std::size_t i = 0; i < a.regions.size(); ++i) {
    EXPECT_EQ(a.regions[i].name, b.regions[i].name);
    EXPECT_SAME_BITS(a.regions[i].fraction, b.regions[i].fraction);
  }
  EXPECT_EQ(a.warnings, b.warnings);
}

// Field by field, doubles compared bit for bit (NaN equal to the same NaN).
void expect_same_report(const engine::FailureReport& a, const engine::FailureReport& b) {
  EXPECT_EQ(a.samples, b.samples);
  EXPECT_SAME_BITS(a.weight, b.weight);
  EXPECT_EQ(a.regions, b.regions);
  ASSERT_EQ(a.modes.size(), b.modes.size());
  for (std::size_t k = 0; k < a.modes.size(); ++k) {
    const engine::FailureModeReport &x = a.modes[k], &y = b.modes[k];
    SCOPED_TRACE(x.mode.name);
    EXPECT_EQ(x.index, y.index);
    EXPECT_EQ(x.mode.name, y.mode.name);
    EXPECT_EQ(x.mode.stage, y.mode.stage);
    EXPECT_EQ(x.mode.kind, y.mode.kind);
    EXPECT_EQ(x.samples, y.samples);
    EXPECT_SAME_BITS(x.weight, y.weight);
    EXPECT_SAME_BITS(x.frequency, y.frequency);
    ASSERT_EQ(x.frequency_ci95.has_value(), y.frequency_ci95.has_value());
    if (x.frequency_ci95) {
      EXPECT_SAME_BITS((*x.frequency_ci95)[0], (*y.frequency_ci95)[0]);
      EXPECT_SAME_BITS((*x.frequency_ci95)[1], (*y.frequency_ci95)[1]);
    }
    EXPECT_EQ(x.breakups, y.breakups);
    expect_same_spread(x.breakup_time_s, y.breakup_time_s);
    expect_same_footprint(x.vehicle, y.vehicle);
    ASSERT_EQ(x.fragment_classes.size(), y.fragment_classes.size());
    for (std::size_t c = 0; c < x.fragment_classes.size(); ++c)
      expect_same_footprint(x.fragment_classes[c], y.fragment_classes[c]);
  }
}

// A reducer restored from `from`'s saved state.
engine::FailureReportReducer restored(const RunFile& info,
                                      const engine::FailureReportReducer& from) {
  MemoryState state;
  from.save(state);
  engine::FailureReportReducer r = failure_report_reducer_for(info);
  r.load(state);
  return r;
}

// Rows [0, m) and [m, n) of `path` reduced apart, saved, restored and merged in both orders give
// the report of rows [0, n); so does each reducer saved and restored alone.
void expect_saved_pieces_merge_to_the_whole(const fs::path& path, std::size_t m) {
  RunFileReader reader(path);
  const RunFile& info = reader.info();
  engine::FailureReportReducer whole = failure_report_reducer_for(info);
  engine::FailureReportReducer first = failure_report_reducer_for(info);
  engine::FailureReportReducer second = failure_report_reducer_for(info);
  engine::Block block;
  ASSERT_TRUE(reader.next(block, m));
  ASSERT_EQ(block.count, m);
  whole.add(block);
  first.add(block);
  while (reader.next(block, 13)) {
    whole.add(block);
    second.add(block);
  }
  const engine::FailureReport expected = whole.finish();
  ASSERT_GT(expected.samples, m);
  std::size_t classes = 0;
  for (const auto& mode : expected.modes) classes += mode.fragment_classes.size();
  ASSERT_GT(classes, 1u) << "a run with fragments";

  {
    SCOPED_TRACE("first + second");
    engine::FailureReportReducer a = restored(info, first), b = restored(info, second);
    a.merge(b);
    expect_same_report(a.finish(), expected);
  }
  {
    SCOPED_TRACE("second + first");
    engine::FailureReportReducer a = restored(info, first), b = restored(info, second);
    b.merge(a);
    expect_same_report(b.finish(), expected);
  }
  {
    SCOPED_TRACE("save, load");
    expect_same_report(restored(info, whole).finish(), expected);
    expect_same_report(restored(info, first).finish(), first.finish());
  }
}

TEST_F(FailureReportRun, SavedPiecesMergeToTheWholeReport) {
  expect_saved_pieces_merge_to_the_whole(file_, 50);
  expect_saved_pieces_merge_to_the_whole(file_, 1);
}

TEST_F(FailureReportRun, SavedPiecesOfAStratifiedRunMergeToTheWholeReport) {
  const fs::path strat = dir_ / "strat.h5";
  const CommandResult r =
      run_launchmc("run " + config_.string() + " -n 90 --seed 5 --block-size 16 " +
                   "--stratify failures -o " + strat.string());
  ASSERT_EQ(r.status, 0);
  ASSERT_FALSE(RunFileReader(strat).info().meta.strata.single());
  expect_saved_pieces_merge_to_the_whole(strat, 37);
}

// `run -o` saves the report's state in /reducers/failure_report: restored, it gives the run's
// report, and a summarize of the file recomputes the same.
TEST_F(FailureReportRun, TheRunFilesStateRestoresTheRunsReport) {
  const RunFile info = read_run_file(file_);
  EXPECT_EQ(info.report_fragment_classes,
            (std::vector<std::string>{"tank", "engine", "intact_stage", "payload"}));
  const h5::File f = h5::File::open_read(file_);
  engine::FailureReportReducer r = failure_report_reducer_for(info);
  r.load(testing_support::FileState(f.root().open_group("reducers").open_group("failure_report")));
  engine::Summary s;
  s.failure_report = r.finish();
  EXPECT_EQ(summary_to_json(s)["failure_modes"], run_json_["failure_modes"]);
}

// A state saved by a reducer of another setup is refused: other fragment classes (fewer, or the
// same in another order), other regions, or another stratification.
TEST_F(FailureReportRun, AStateOfAnotherSetupIsRefused) {
  RunFileReader reader(file_);
  const RunFile& info = reader.info();
  engine::FailureReportReducer saved = failure_report_reducer_for(info);
  engine::Block block;
  while (reader.next(block, 40)) saved.add(block);
  MemoryState state;
  saved.save(state);
  auto refusal_of = [&state](engine::FailureReportSetup setup) -> std::string {
    engine::FailureReportReducer r(std::move(setup));
    try {
      r.load(state);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  };
  const engine::FailureReportSetup base = saved.setup();
  engine::FailureReportSetup fewer = base;
  fewer.classes.pop_back();
  EXPECT_NE(refusal_of(fewer).find("another setup"), std::string::npos) << refusal_of(fewer);
  EXPECT_NE(refusal_of(fewer).find("4 fragment classes"), std::string::npos) << refusal_of(fewer);
  engine::FailureReportSetup swapped = base;
  std::swap(swapped.classes[0], swapped.classes[1]);
  EXPECT_NE(refusal_of(swapped).find("names of its failure modes, regions or fragment classes"),
            std::string::npos)
      << refusal_of(swapped);
  engine::FailureReportSetup no_regions = base;
  no_regions.regions.clear();
  EXPECT_NE(refusal_of(no_regions).find("another setup"), std::string::npos);
  engine::FailureReportSetup stratified = base;
  stratified.stratum_probability = {0.5, 0.3, 0.2};
  EXPECT_NE(refusal_of(stratified).find("another setup"), std::string::npos);
  engine::FailureReportSetup moved = base;
  moved.ref_lat_deg += 1e-9;
  EXPECT_NE(refusal_of(moved).find("reference point"), std::string::npos);
  // The same setup loads, and the refusals left the reducers untouched.
  EXPECT_EQ(refusal_of(base), "");
  // A merge of reducers of other setups is refused too.
  engine::FailureReportReducer other(fewer);
  EXPECT_THROW(other.merge(saved), std::invalid_argument);
}

// A fragment of a class the setup does not list is refused as the out-of-range modes are.
TEST_F(FailureReportRun, AFragmentOfAnUnknownClassIsRefused) {
  RunFileReader reader(file_);
  engine::FailureReportSetup setup = failure_report_reducer_for(reader.info()).setup();
  setup.classes = {"engine"};  // no tank
  engine::FailureReportReducer r(setup);
  engine::Block block;
  std::string what;
  try {
    while (reader.next(block, 40)) r.add(block);
  } catch (const std::logic_error& e) {
    what = e.what();
  }
  EXPECT_NE(what.find("fragment class 'tank'"), std::string::npos) << what;
}

}  // namespace
}  // namespace launchmc::io
