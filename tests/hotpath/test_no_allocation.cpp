// The per-sample hot loop allocates nothing once warmed up: sampling a dispersed scenario,
// flying it (ascent and every body to impact) and recording its outcome row. Counted by replacing
// the global operator new in this test executable.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <random>
#include <vector>

#include "../risk/risk_blocks.hpp"
#include "config/load_scenario.hpp"
#include "engine/outcome.hpp"
#include "engine/sampling.hpp"
#include "flight/flight.hpp"
#include "geo/country_classifier.hpp"
#include "geo/land_classifier.hpp"
#include "risk/polygon_areas.hpp"
#include "risk/risk_reducer.hpp"

// The replaced operator new below allocates with malloc, so free is its matching deallocation;
// GCC's -Wmismatched-new-delete cannot see the replacement when it inlines library code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace {
std::atomic<long> g_allocations{0};
}

void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace launchmc {
namespace {

// Chollima-1: dispersions, failure modes, the third stage in closed-loop orbit guidance (UPFG)
// with navigation noise. Hwasong-17: closed-loop ballistic guidance. Hwasong-18: solid motors.
class HotPath : public testing::TestWithParam<const char*> {};

TEST_P(HotPath, DispersedSampleFlightAndRecordAllocateNothing) {
  const Study cfg = config::load_config_file(std::string(LAUNCHMC_CONFIG_DIR) + "/" + GetParam());
  const engine::SamplePlan plan(cfg, 7, 1000, cfg.dispersions.sampler);
  engine::SampledScenario sampled(plan);
  flight::FlightResult result;
  outcome::FlightOutcome outcome;
  flight::FlightWorkspace workspace;
  const flight::FlightResult nominal = flight::fly(cfg.scenario);
  const auto slots = engine::body_slots(cfg.scenario, nominal);
  engine::Block block;
  block.resize(16, plan.n_drawn(), slots.size(), engine::iip_points_per_row(nominal.iip.size()));
  ASSERT_GT(nominal.iip.size(), 10u);  // the IIP track is recorded (and must not allocate)
  std::vector<double> drawn(plan.n_drawn());
  // Warm-up: buffers reach their working capacity.
  for (std::uint64_t i = 0; i < 8; ++i) {
    sampled.set_sample(i, drawn);
    flight::fly(sampled.scenario(), sampled.draws(), result, workspace);
    outcome::derive(sampled.scenario(), result, outcome);
    engine::record_flight(slots, outcome, sampled.stream(), block, i % 16);
  }
  const long before = g_allocations.load();
  for (std::uint64_t i = 8; i < 24; ++i) {
    sampled.set_sample(i, drawn);
    flight::fly(sampled.scenario(), sampled.draws(), result, workspace);
    outcome::derive(sampled.scenario(), result, outcome);
    engine::record_flight(slots, outcome, sampled.stream(), block, i % 16);
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_GT(block.iip.entries(), 0u);
  EXPECT_GT(before, 0);  // the counter counts
}

// Breakups (flight termination, explosion) release up to a debris list's fragments: the buffers
// reserved for the largest breakup (flight::max_bodies, Block::resize) never grow. The warm-up is
// nominal flights only, so the first breakup is in the measured loop.
TEST(HotPathBreakup, FailedSamplesWithFragmentsAllocateNothing) {
  const Study cfg = config::load_config(R"(
name: breakup hop
launch: {lat_deg: 10, lon_deg: 20, azimuth_deg: 90, epoch_utc: "2024-01-01T00:00:00Z"}
vehicle:
  payload: {mass_kg: 100, drag: {ref_area_m2: 0.3, cd_mach: [[0, 1.0]]}}
  fairing: {mass_kg: 40, jettison_time_s: 100, drag: {ref_area_m2: 1, cd_mach: [[0, 1.0]]}}
  stages:
    - {name: s1, thrust_vac_N: 4.0e4, isp_vac_s: 250, propellant_mass_kg: 800, dry_mass_kg: 200,
       stack_drag: {ref_area_m2: 1, cd_mach: [[0, 0.3]]}, spent_drag: {ref_area_m2: 1, cd_mach: [[0, 1.0]]},
       debris: [{name: tank, pieces: 10, mass_kg: 5, ballistic_coefficient_kgpm2: 20, delta_v_scale_mps: 20},
                {name: engine, pieces: 1, mass_kg: 80, ballistic_coefficient_kgpm2: 800}]}
    - {name: s2, thrust_vac_N: 1.0e4, isp_vac_s: 300, propellant_mass_kg: 200, dry_mass_kg: 50,
       stack_drag: {ref_area_m2: 1, cd_mach: [[0, 0.3]]}, spent_drag: {ref_area_m2: 1, cd_mach: [[0, 1.0]]}}
guidance: {vertical_rise_s: 5, pitch_kick_deg: 20, pitch_kick_duration_s: 5}
failures:
  - {name: fts, stage: s1, mode: flight_termination, probability: 0.5, window_start_s: 20, window_end_s: 40}
)",
                                        "breakup.yaml");
  const engine::SamplePlan plan(cfg, 7, 1000, cfg.dispersions.sampler);
  engine::SampledScenario sampled(plan);
  flight::FlightResult result;
  outcome::FlightOutcome outcome;
  flight::FlightWorkspace workspace;
  const auto slots = engine::body_slots(cfg.scenario, flight::fly(cfg.scenario));
  engine::Block block;
  block.resize(16, plan.n_drawn(), slots.size(), 0, flight::max_breakup_bodies(cfg.scenario));
  std::vector<double> drawn(plan.n_drawn());
  std::uint64_t i = 0, warm = 0;
  for (; warm < 4; ++i) {  // nominal flights only
    sampled.set_sample(i, drawn);
    if (sampled.draws().failure.mode >= 0) continue;
    flight::fly(sampled.scenario(), sampled.draws(), result, workspace);
    outcome::derive(sampled.scenario(), result, outcome);
    engine::record_flight(slots, outcome, sampled.stream(), block, warm++);
  }
  const long before = g_allocations.load();
  int breakups = 0;
  for (std::size_t row = 4; row < 16; ++row, ++i) {
    sampled.set_sample(i, drawn);
    breakups += sampled.draws().failure.mode >= 0;
    flight::fly(sampled.scenario(), sampled.draws(), result, workspace);
    outcome::derive(sampled.scenario(), result, outcome);
    engine::record_flight(slots, outcome, sampled.stream(), block, row);
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_GE(breakups, 2);
  EXPECT_GE(block.fragments.entries(), 2u * 9u);  // 4 tank + 1 engine + s2 + 2 fairing + payload
}

// Loss of control (a turn, a q-alpha breakup) and flight-termination rules (an IIP corridor and
// deviation limits against the nominal track, evaluated at every step): no allocation either.
TEST(HotPathLossOfControl, TumblesAndTerminationRulesAllocateNothing) {
  const Study cfg = config::load_config(R"(
name: tumbling hop
launch: {lat_deg: 10, lon_deg: 20, azimuth_deg: 90, epoch_utc: "2024-01-01T00:00:00Z"}
vehicle:
  payload: {mass_kg: 100, drag: {ref_area_m2: 0.3, cd_mach: [[0, 1.0]]}}
  stages:
    - {name: s1, thrust_vac_N: 4.0e4, isp_vac_s: 250, propellant_mass_kg: 800, dry_mass_kg: 200,
       q_alpha_limit_Pa_rad: 3000,
       stack_drag: {ref_area_m2: 1, cd_mach: [[0, 0.3]]}, spent_drag: {ref_area_m2: 1, cd_mach: [[0, 1.0]]},
       debris: [{name: tank, pieces: 10, mass_kg: 5, ballistic_coefficient_kgpm2: 20, delta_v_scale_mps: 20}]}
    - {name: s2, thrust_vac_N: 1.0e4, isp_vac_s: 300, propellant_mass_kg: 200, dry_mass_kg: 50,
       stack_drag: {ref_area_m2: 1, cd_mach: [[0, 0.3]]}, spent_drag: {ref_area_m2: 1, cd_mach: [[0, 1.0]]}}
guidance: {vertical_rise_s: 5, pitch_kick_deg: 20, pitch_kick_duration_s: 5}
range_safety:
  iip_corridors:
    - name: corridor
      points: [{lat_deg: 9, lon_deg: 19}, {lat_deg: 11, lon_deg: 19}, {lat_deg: 11, lon_deg: 30}, {lat_deg: 9, lon_deg: 30}]
  deviation_limits:
    - {name: deviation, cross_range_m: 2000, altitude_m: 5000, flight_path_angle_deg: 10, speed_mps: 300}
uncertainties:
  inputs:
    - {path: "launch.azimuth_deg", normal: {sd: 1.0}}
failures:
  - {name: tumble, stage: s1, mode: loss_of_control, probability: 0.6, window_start_s: 10,
     window_end_s: 40, turn_rate_min_deg_s: 0.5, turn_rate_max_deg_s: 20}
)",
                                        "tumble.yaml");
  const engine::SamplePlan plan(cfg, 7, 1000, cfg.dispersions.sampler);
  engine::SampledScenario sampled(plan);
  flight::FlightResult result;
  outcome::FlightOutcome outcome;
  flight::FlightWorkspace workspace;
  const flight::NominalTrack track = flight::record_nominal_track(cfg.scenario);
  ASSERT_FALSE(track.states.empty());
  const flight::FlightResult nominal = flight::fly(cfg.scenario);
  const auto slots = engine::body_slots(cfg.scenario, nominal);
  engine::Block block;
  block.resize(16, plan.n_drawn(), slots.size(), engine::iip_points_per_row(nominal.iip.size()),
               flight::max_breakup_bodies(cfg.scenario));
  std::vector<double> drawn(plan.n_drawn());
  std::uint64_t i = 0, warm = 0;
  for (; warm < 4; ++i) {  // flights without a failure only
    sampled.set_sample(i, drawn);
    if (sampled.draws().failure.mode >= 0) continue;
    flight::fly(sampled.scenario(), sampled.draws(), result, workspace, nullptr, {}, &track);
    outcome::derive(sampled.scenario(), result, outcome);
    engine::record_flight(slots, outcome, sampled.stream(), block, warm++);
  }
  const long before = g_allocations.load();
  int tumbles = 0, breakups = 0;
  for (std::size_t row = 4; row < 16; ++row, ++i) {
    sampled.set_sample(i, drawn);
    tumbles += sampled.draws().failure.mode >= 0;
    flight::fly(sampled.scenario(), sampled.draws(), result, workspace, nullptr, {}, &track);
    breakups += result.breakup_cause != flight::BreakupCause::none;
    outcome::derive(sampled.scenario(), result, outcome);
    engine::record_flight(slots, outcome, sampled.stream(), block, row);
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_GE(tumbles, 3);
  EXPECT_GE(breakups, 2);
}

// The risk reducer's per-impact path (grid cell, area classifiers, population, per-group sums)
// allocates nothing once its cell table holds the cells the impacts fall in and the fragment
// classes are known: a block of body, vehicle and fragment impacts, added again.
TEST(HotPathRisk, RiskReducerAddsRowsWithoutAllocating) {
  const risk::PolygonAreas land({{"island", {{25, 125}, {27, 125}, {27, 127}, {25, 127}}}}, 125.0);
  const risk::PopulationRaster uniform(120, 30, 1.0, 1.0, 10, 10, std::vector<float>(100, 10.0f));
  risk::RiskSetup s;
  s.grid = risk::Grid(risk::Region{120, 20, 130, 30}, 0.1);
  s.body_names = {"stage1"};
  s.failure_modes = {"explosion"};
  s.areas = {{"land", &land}};
  s.population = &uniform;
  risk::RiskReducer red(s);
  std::vector<risk_test::Row> rows(64);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const double d = 0.05 * static_cast<double>(i % 40);
    rows[i].impacts.push_back({risk_test::Impact::body, 0, "", 24 + d, 124 + d});
    if (i % 3 == 0) {
      rows[i].mode = 0;
      rows[i].impacts.push_back({risk_test::Impact::vehicle, 0, "", 26 + d / 2, 126});
      rows[i].impacts.push_back({risk_test::Impact::fragment, 0, "tank", 25 + d, 125, 7.0, 0.5});
      rows[i].impacts.push_back({risk_test::Impact::fragment, 0, "engine", 25, 126 + d, 1.0, 0.0});
    }
  }
  engine::Block a = risk_test::make_block(0, rows, 1), b = risk_test::make_block(64, rows, 1);
  red.add(a);  // warm-up: the cells and classes appear
  const long before = g_allocations.load();
  red.add(b);
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_EQ(red.samples(), 128u);
}

// The risk reducers classify every impact (src/geo): the GSHHG land mask round Okinawa and the
// DCW countries allocate nothing per point once `hits` has room for the areas.
TEST(HotPathGeography, LandAndCountryClassifyAllocateNothing) {
  const geo::LonLatBox ryukyu{124.5, 24.0, 129.0, 27.5};
  const geo::LandClassifier land(ryukyu);
  const geo::CountryClassifier countries(ryukyu, {"JP", "TW"});
  std::vector<std::size_t> hits;
  hits.reserve(countries.size());
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> lat(ryukyu.south_deg, ryukyu.north_deg);
  std::uniform_real_distribution<double> lon(ryukyu.west_deg, ryukyu.east_deg);
  const long before = g_allocations.load();
  std::size_t in_any = 0;
  for (int i = 0; i < 20000; ++i) {
    const double la = lat(rng), lo = lon(rng);
    land.classify(la, lo, hits);
    in_any += hits.size();
    countries.classify(la, lo, hits);
    in_any += hits.size();
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_GT(in_any, 0U);
}

INSTANTIATE_TEST_SUITE_P(BundledScenarios, HotPath,
                         testing::Values("chollima1_2023.yaml", "hwasong17_2022.yaml",
                                         "hwasong18_2023.yaml"));

}  // namespace
}  // namespace launchmc
