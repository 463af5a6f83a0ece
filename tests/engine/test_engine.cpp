// The Monte Carlo engine: bit-identical results for any thread count, `fly --sample` equal to the
// run's row, what was sampled is what was flown, a known failure probability recovered (and its
// interval's coverage), the summary of the file equal to the run's, and early stopping.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "../support/one_stage_vacuum.hpp"
#include "common/constants.hpp"
#include "config/load_scenario.hpp"
#include "engine/columns.hpp"
#include "engine/run.hpp"
#include "io/run_file.hpp"
#include "io/summary_report.hpp"

namespace launchmc::engine {
namespace {

namespace fs = std::filesystem;

fs::path temp_file(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("launchmc_engine_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d / name;
}

Study chollima() {
  return config::load_config_file(std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml");
}

// A cheap scenario: a one-stage hop in vacuum over a non-rotating sphere, whose engine fails in
// its first 5 s with probability `p` (then the vehicle falls back before the end of its burn).
Study hop(double p) {
  const std::string text =
      testing_support::one_stage_vacuum_yaml(
          "hop", "{vertical_rise_s: 100, pitch_kick_deg: 0, pitch_kick_duration_s: 1}") +
      R"(integrator: {rtol: 1.0e-6}
uncertainties:
  inputs:
    - {path: "vehicle.stages[0].thrust_vac_N", normal: {sd_percent: 1}}
failures:
  - {name: engine, stage: s1, probability: )" +
      std::to_string(p) + R"(, window_start_s: 0, window_end_s: 5}
)";
  return config::load_config(text, "hop.yaml");
}

void expect_same_doubles(const std::vector<double>& a, const std::vector<double>& b,
                         const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  // Bitwise: NaN == NaN and -0 != +0 here, as in the file.
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)), 0) << what;
}

void expect_same_files(const io::RunFile& a, const io::RunFile& b) {
  ASSERT_EQ(a.samples.count, b.samples.count);
  // Every column of the registry, bit for bit.
  for (const SampleColumn& c : sample_columns())
    expect_same_doubles(a.samples.column(c.name), b.samples.column(c.name), std::string(c.name));
  EXPECT_EQ(a.samples.stream, b.samples.stream);
  ASSERT_EQ(a.samples.drawn.size(), b.samples.drawn.size());
  for (std::size_t c = 0; c < a.samples.drawn.size(); ++c)
    expect_same_doubles(a.samples.drawn[c], b.samples.drawn[c], a.drawn_names[c]);
  ASSERT_EQ(a.samples.bodies.size(), b.samples.bodies.size());
  for (std::size_t k = 0; k < a.samples.bodies.size(); ++k)
    for (const BodyColumn& c : body_columns())
      expect_same_doubles(a.samples.body_column(k, c.name), b.samples.body_column(k, c.name),
                          std::string(c.name));
}

io::RunFile run_to_file(const Study& cfg, RunOptions opt, const std::string& name,
                        Summary* summary = nullptr) {
  const fs::path path = temp_file(name);
  io::RunFileWriter writer(path, cfg);
  const RunResult r = run_monte_carlo(cfg, opt, &writer, nullptr);
  if (summary) *summary = r.summary;
  return io::read_run_file(path);
}

TEST(Engine, BitIdenticalForOneTwoAndFourThreads) {
  const auto cfg = chollima();
  RunOptions opt;
  opt.n_samples = 96;
  opt.seed = 7;
  opt.block_size = 8;
  opt.threads = 1;
  const io::RunFile one = run_to_file(cfg, opt, "t1.h5");
  opt.threads = 2;
  const io::RunFile two = run_to_file(cfg, opt, "t2.h5");
  opt.threads = 4;
  const io::RunFile four = run_to_file(cfg, opt, "t4.h5");
  expect_same_files(one, two);
  expect_same_files(one, four);
  // And the samples really differ from each other (the test is not comparing constants).
  EXPECT_NE(one.samples.drawn[0][0], one.samples.drawn[0][1]);
}

TEST(Engine, FlySampleReproducesTheRunsRowAndFliesWhatWasSampled) {
  const auto cfg = chollima();
  RunOptions opt;
  opt.n_samples = 40;
  opt.seed = 11;
  opt.block_size = 16;
  opt.threads = 2;
  const io::RunFile file = run_to_file(cfg, opt, "row.h5");
  for (std::uint64_t i : {0u, 17u, 39u}) {
    SCOPED_TRACE(i);
    const DrawnSample drawn =
        sample_scenario(cfg, opt.seed, opt.n_samples, cfg.dispersions.sampler, i);
    ASSERT_TRUE(drawn.valid);
    const Scenario& sc = drawn.scenario;
    // The built vehicle carries the values the file recorded as drawn.
    for (std::size_t c = 0; c < file.drawn_names.size(); ++c) {
      if (file.drawn_names[c] == "vehicle.stages[1].thrust_vac_N") {
        EXPECT_EQ(sc.vehicle.stages[1].engine.thrust_vac_N, file.samples.drawn[c][i]);
      }
      if (file.drawn_names[c] == "launch.azimuth_deg") {
        EXPECT_EQ(sc.guidance.azimuth_deg, file.samples.drawn[c][i]);
      }
    }
    const flight::FlightResult r = flight::fly(sc, drawn.draws);
    EXPECT_EQ(static_cast<int>(r.status), file.samples.column("status")[i]);
    if (r.insertion) {
      EXPECT_EQ(r.insertion->apsides.perigee_alt_m, file.samples.column("perigee_alt_m")[i]);
    }
    // Physics check that the drawn first-stage thrust and Isp reached the engine: the burn lasts
    // m_p Isp g0 / F (liquid engine, full load, no cutoff).
    const auto& s1 = sc.vehicle.stages[0];
    double t_burnout = -1;
    for (const auto& e : r.events) {
      if (e.kind == flight::EventKind::burnout && e.index == 0) t_burnout = e.t_s;
    }
    EXPECT_NEAR(
        t_burnout,
        s1.propellant_mass_kg * s1.engine.isp_vac_s * constants::g0_mps2 / s1.engine.thrust_vac_N,
        1e-4);
  }
}

TEST(Engine, RecoversAKnownFailureProbability) {
  const auto cfg = hop(0.1);
  RunOptions opt;
  opt.n_samples = 4000;
  opt.seed = 3;
  opt.block_size = 100;
  const RunResult r = run_monte_carlo(cfg, opt, nullptr, nullptr);
  EXPECT_EQ(r.summary.meta.success_status, SampleStatus::suborbital);
  EXPECT_LE(r.summary.ci95_lo, 0.9);
  EXPECT_GE(r.summary.ci95_hi, 0.9);
  // Every failed flight is a crash attributed to the failure mode.
  EXPECT_EQ(r.summary.failure_counts.at(0),
            r.summary.status_counts[static_cast<int>(SampleStatus::crash)]);
  EXPECT_EQ(r.summary.status_counts[static_cast<int>(SampleStatus::crash)] +
                r.summary.status_counts[static_cast<int>(SampleStatus::suborbital)],
            opt.n_samples);
}

TEST(Engine, WilsonIntervalCoversAboutNinetyFivePercentOverSeeds) {
  const auto cfg = hop(0.1);
  int covered = 0;
  constexpr int kSeeds = 200;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    RunOptions opt;
    opt.n_samples = 300;
    opt.seed = static_cast<std::uint64_t>(seed) * 7919;
    opt.block_size = 100;
    const RunResult r = run_monte_carlo(cfg, opt, nullptr, nullptr);
    if (r.summary.ci95_lo <= 0.9 && 0.9 <= r.summary.ci95_hi) ++covered;
  }
  // Binomial(200, 0.95): sd 1.5 %, so 4 sd below 95 % is 88.8 %; Wilson at n = 300 is close to
  // nominal (Brown, Cai & DasGupta 2001).
  const double coverage = static_cast<double>(covered) / kSeeds;
  EXPECT_GT(coverage, 0.888);
  EXPECT_LT(coverage, 0.995);
}

TEST(Engine, SummaryOfTheFileEqualsTheRunsSummary) {
  const auto cfg = chollima();
  RunOptions opt;
  opt.n_samples = 64;
  opt.seed = 5;
  opt.block_size = 16;
  Summary from_run;
  const io::RunFile file = run_to_file(cfg, opt, "summary.h5", &from_run);
  const Summary from_file = io::summarize_run_file(file);
  auto j_run = io::summary_to_json(from_run);
  auto j_file = io::summary_to_json(from_file);
  // elapsed_s is stored with the file; everything else is recomputed.
  EXPECT_EQ(j_run.dump(), j_file.dump());
  EXPECT_EQ(from_run.samples, 64u);
}

TEST(Engine, UntilCiStopsAtTheSameBlockForAnyThreadCount) {
  const auto cfg = hop(0.1);
  RunOptions opt;
  opt.n_samples = 100000;
  opt.seed = 9;
  opt.block_size = 64;
  opt.until_ci_width = 0.05;
  opt.threads = 1;
  const io::RunFile one = run_to_file(cfg, opt, "ci1.h5");
  opt.threads = 2;
  const io::RunFile two = run_to_file(cfg, opt, "ci2.h5");
  EXPECT_LT(one.samples.count, 100000u);
  EXPECT_EQ(one.samples.count % 64, 0u);
  expect_same_files(one, two);
}

TEST(Engine, NonPhysicalDrawsAreRecordedNotFlown) {
  auto cfg = hop(0.0);
  // A normal spread so wide that some payload masses come out negative.
  cfg.dispersions.inputs.push_back(
      {"vehicle.payload.mass_kg", uncertainty::Distribution::normal(100.0, 100.0), 100.0});
  RunOptions opt;
  opt.n_samples = 200;
  opt.seed = 2;
  const RunResult r = run_monte_carlo(cfg, opt, nullptr, nullptr);
  const auto invalid = r.summary.status_counts[static_cast<int>(SampleStatus::invalid_input)];
  EXPECT_GT(invalid, 10u);  // P(N(100, 100) <= 0) = 15.9 %
  EXPECT_LT(invalid, 60u);
}

}  // namespace
}  // namespace launchmc::engine
