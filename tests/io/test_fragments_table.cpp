// The run file's /fragments table: every body of every breakup, with its sample row, class,
// weight, impact, mass and casualty area. Each column is checked against what the config says
// (masses, casualty areas, weights pieces / fragments flown, class names), the drawn failure time
// (/inputs/failure.time_s), the geography of the flight (eastward from 10 N 20 E: a swapped
// latitude and longitude fails), and a re-flight of the sample; and the table is the same for 1
// and 3 threads.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "../support/scratch_dir.hpp"
#include "config/load_scenario.hpp"
#include "engine/columns.hpp"
#include "engine/run.hpp"
#include "engine/sampling.hpp"
#include "io/hdf5_file.hpp"
#include "io/run_file.hpp"
#include "outcome/flight_outcome.hpp"

namespace launchmc::io {
namespace {

namespace fs = std::filesystem;

class FragmentsTable : public ScratchDirTest {};

Study breakup_study() {
  const std::string text = R"(
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
uncertainties:
  inputs:
    - {path: "vehicle.stages[0].thrust_vac_N", normal: {sd_percent: 1}}
failures:
  - {name: fts, stage: s1, mode: flight_termination, probability: 0.3, window_start_s: 30, window_end_s: 45}
  - {name: boom, stage: s1, mode: explosion, probability: 0.2, window_start_s: 30, window_end_s: 45}
)";
  return config::load_config(text, "breakup_hop.yaml");
}

fs::path run(const Study& study, const fs::path& path, int threads) {
  engine::RunOptions opt;
  opt.n_samples = 40;
  opt.seed = 9;
  opt.block_size = 8;
  opt.threads = threads;
  RunFileWriter writer(path, study);
  engine::run_monte_carlo(study, opt, &writer, nullptr);
  return path;
}

TEST_F(FragmentsTable, EveryColumnPinned) {
  const Study study = breakup_study();
  const fs::path path = run(study, dir_ / "run.h5", 1);
  const h5::File f = h5::File::open_read(path);
  const h5::Group g = f.root().open_group("fragments");
  const auto sample = g.read<std::uint64_t>("sample");
  const auto cls = g.read<std::int64_t>("class_index");
  const auto classes = g.read<std::string>("classes");
  const auto weight = g.read<double>("weight");
  const auto lat = g.read<double>("impact_lat_deg");
  const auto lon = g.read<double>("impact_lon_deg");
  const auto t_impact = g.read<double>("impact_time_s");
  const auto speed = g.read<double>("impact_speed_mps");
  const auto mass = g.read<double>("mass_kg");
  const auto area = g.read<double>("casualty_area_m2");
  const auto t_breakup = g.read<double>("breakup_time_s");
  const auto fate = g.read<std::int8_t>("fate");
  const auto mode = f.root().open_group("inputs").read<double>("failure.mode");
  const auto t_fail = f.root().open_group("inputs").read<double>("failure.time_s");

  // Per failed sample: 4 tank fragments (weight 10/4), 1 engine, and the payload intact.
  std::map<std::uint64_t, int> entries;
  for (std::size_t e = 0; e < sample.size(); ++e) {
    ++entries[sample[e]];
    const std::string c = classes.at(static_cast<std::size_t>(cls[e]));
    ASSERT_GE(mode.at(sample[e]), 0.0) << "fragments of a sample without a failure";
    EXPECT_NEAR(t_breakup[e], t_fail[sample[e]], 1e-6);  // stage 1 ignites at liftoff
    EXPECT_EQ(fate[e], 0) << "impact";
    EXPECT_GT(t_impact[e], t_breakup[e]);
    // Eastward from 10 N 20 E: latitude stays near 10, longitude grows (swap: both fail).
    EXPECT_NEAR(lat[e], 10.0, 1.5) << c;
    EXPECT_GT(lon[e], 20.0) << c;
    EXPECT_LT(lon[e], 30.0) << c;
    EXPECT_GT(speed[e], 5.0);
    EXPECT_LT(speed[e], 1500.0);
    if (c == "tank") {
      EXPECT_EQ(weight[e], 2.5);
      EXPECT_EQ(mass[e], 5.0);
      EXPECT_EQ(area[e], 0.5);
    } else if (c == "engine") {
      EXPECT_EQ(weight[e], 1.0);
      EXPECT_EQ(mass[e], 80.0);
      EXPECT_EQ(area[e], 3.0);
    } else {
      ASSERT_EQ(c, "payload");
      EXPECT_EQ(weight[e], 1.0);
      EXPECT_EQ(mass[e], 100.0);
      EXPECT_EQ(area[e], 0.0);
    }
    if (e > 0) {
      EXPECT_GE(sample[e], sample[e - 1]);  // in sample order
    }
  }
  int failed = 0;
  for (std::size_t r = 0; r < mode.size(); ++r)
    if (mode[r] >= 0.0) {
      ++failed;
      EXPECT_EQ(entries[r], 6) << "row " << r;
    }
  EXPECT_GE(failed, 10);
  // Fragments are not duplicated in /other_bodies.
  EXPECT_EQ(f.root().open_group("other_bodies").read<std::uint64_t>("row_end").back(), 0u);

  // A re-flight of one failed sample gives its entries, in release order, bit for bit.
  const std::uint64_t row = sample.front();
  engine::SamplePlan plan(study, 9, 40, uncertainty::SamplerKind::monte_carlo);
  engine::SampledScenario s(plan);
  std::vector<double> drawn(plan.n_drawn());
  s.set_sample(row, drawn);
  const flight::FlightResult fr = flight::fly(s.scenario(), s.draws());
  const outcome::FlightOutcome o = outcome::derive(s.scenario(), fr);
  std::size_t e = 0;
  for (const outcome::BodyOutcome& b : o.bodies) {
    if (!b.fragment) continue;
    ASSERT_EQ(sample[e], row);
    EXPECT_EQ(classes[static_cast<std::size_t>(cls[e])], b.body_class.str());
    EXPECT_EQ(lat[e], b.impact->lat_deg);
    EXPECT_EQ(lon[e], b.impact->lon_deg);
    EXPECT_EQ(t_impact[e], b.impact->time_s);
    EXPECT_EQ(speed[e], b.impact->speed_mps);
    ++e;
  }
  EXPECT_EQ(e, 6u);
}

TEST_F(FragmentsTable, SameForOneAndThreeThreads) {
  const Study study = breakup_study();
  const h5::File a = h5::File::open_read(run(study, dir_ / "t1.h5", 1));
  const h5::File b = h5::File::open_read(run(study, dir_ / "t3.h5", 3));
  const h5::Group ga = a.root().open_group("fragments"), gb = b.root().open_group("fragments");
  EXPECT_EQ(ga.read<std::uint64_t>("sample"), gb.read<std::uint64_t>("sample"));
  EXPECT_EQ(ga.read<std::int64_t>("class_index"), gb.read<std::int64_t>("class_index"));
  for (const engine::BodyColumn& c : engine::fragment_columns()) {
    if (c.storage != engine::Storage::f64) continue;
    const auto x = ga.read<double>(c.name), y = gb.read<double>(c.name);
    ASSERT_EQ(x.size(), y.size()) << c.name;
    EXPECT_EQ(std::memcmp(x.data(), y.data(), x.size() * sizeof(double)), 0) << c.name;
  }
}

}  // namespace
}  // namespace launchmc::io
