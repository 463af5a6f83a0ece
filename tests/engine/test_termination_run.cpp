// Loss of control and flight-termination rules in a Monte Carlo run: the run file records each
// breakup's cause and rule (/outcome/breakup_cause, /outcome/termination_rule,
// /termination_rules/name); any thread count gives the same bits; every row is what its sample
// gives when flown alone with the nominal track recorded from the config (as `fly --sample`).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "config/load_scenario.hpp"
#include "engine/run.hpp"
#include "flight/flight.hpp"
#include "io/run_file.hpp"

namespace launchmc::engine {
namespace {

namespace fs = std::filesystem;

Study tumbling_hop() {
  return config::load_config(R"(
name: tumbling hop
launch: {lat_deg: 10, lon_deg: 20, azimuth_deg: 90, epoch_utc: "2024-01-01T00:00:00Z"}
vehicle:
  payload: {mass_kg: 100, drag: {ref_area_m2: 0.3, cd_mach: [[0, 1.0]]}}
  stages:
    - {name: s1, thrust_vac_N: 4.0e4, isp_vac_s: 250, propellant_mass_kg: 800, dry_mass_kg: 200,
       separation_delay_s: 1, q_alpha_limit_Pa_rad: 3000,
       stack_drag: {ref_area_m2: 1, cd_mach: [[0, 0.3]]}, spent_drag: {ref_area_m2: 1, cd_mach: [[0, 1.0]]}}
    - {name: s2, thrust_vac_N: 1.0e4, isp_vac_s: 300, propellant_mass_kg: 200, dry_mass_kg: 50,
       stack_drag: {ref_area_m2: 1, cd_mach: [[0, 0.3]]}, spent_drag: {ref_area_m2: 1, cd_mach: [[0, 1.0]]}}
guidance: {vertical_rise_s: 5, pitch_kick_deg: 20, pitch_kick_duration_s: 5}
range_safety:
  iip_corridors:
    - name: corridor
      points: [{lat_deg: 9.9, lon_deg: 19}, {lat_deg: 10.1, lon_deg: 19}, {lat_deg: 10.1, lon_deg: 30}, {lat_deg: 9.9, lon_deg: 30}]
  deviation_limits:
    - {name: deviation, cross_range_m: 300, active_from_s: 10}
uncertainties:
  inputs:
    - {path: "launch.azimuth_deg", normal: {sd: 0.5}}
failures:
  - {name: tumble, stage: s1, mode: loss_of_control, probability: 0.4, window_start_s: 10,
     window_end_s: 40, turn_rate_min_deg_s: 0.2, turn_rate_max_deg_s: 10}
)",
                             "tumbling_hop.yaml");
}

io::RunFile run_to_file(const Study& cfg, int threads, const std::string& name) {
  const fs::path d =
      fs::temp_directory_path() / ("launchmc_termination_" + std::to_string(::getpid()));
  fs::create_directories(d);
  RunOptions opt;
  opt.n_samples = 64;
  opt.seed = 11;
  opt.block_size = 8;
  opt.threads = threads;
  io::RunFileWriter writer(d / name, cfg);
  run_monte_carlo(cfg, opt, &writer, nullptr);
  return io::read_run_file(d / name);
}

TEST(TerminationRun, CausesRecordedBitIdenticalAndEachRowReproducedAlone) {
  const Study cfg = tumbling_hop();
  const io::RunFile one = run_to_file(cfg, 1, "one.h5");
  const io::RunFile two = run_to_file(cfg, 2, "two.h5");
  ASSERT_EQ(one.meta.termination_rule_names.size(), 2u);
  EXPECT_EQ(one.meta.termination_rule_names[1], "deviation");
  const auto& cause = one.samples.column("breakup_cause");
  const auto& rule = one.samples.column("termination_rule");
  const auto& mode = one.samples.column("failure_mode");
  EXPECT_EQ(cause, two.samples.column("breakup_cause"));
  EXPECT_EQ(rule, two.samples.column("termination_rule"));
  EXPECT_EQ(one.samples.column("rhs_evaluations"), two.samples.column("rhs_evaluations"));

  const flight::NominalTrack track = flight::record_nominal_track(cfg.scenario);
  int by_rule[2] = {0, 0}, by_q_alpha = 0;
  for (std::size_t i = 0; i < cause.size(); ++i) {
    const DrawnSample s = sample_scenario(cfg, 11, 64, cfg.dispersions.sampler, i);
    ASSERT_TRUE(s.valid);
    const flight::FlightResult r = flight::fly(s.scenario, s.draws, nullptr, &track);
    EXPECT_EQ(cause[i], static_cast<double>(r.breakup_cause)) << "row " << i;
    EXPECT_EQ(rule[i], static_cast<double>(r.termination_rule)) << "row " << i;
    EXPECT_EQ(mode[i], static_cast<double>(r.failure_mode)) << "row " << i;
    if (r.breakup_cause == flight::BreakupCause::termination_rule) ++by_rule[r.termination_rule];
    if (r.breakup_cause == flight::BreakupCause::q_alpha) {
      ++by_q_alpha;
      EXPECT_EQ(r.failure_mode, 0);  // a q-alpha breakup needs the loss of control
    }
    if (r.termination_rule >= 0) {
      EXPECT_EQ(r.breakup_cause, flight::BreakupCause::termination_rule);
    }
  }
  // The scenario exercises each cause (not a vacuous comparison of none with none).
  EXPECT_GT(by_rule[0] + by_rule[1], 0);
  EXPECT_GT(by_q_alpha + by_rule[0] + by_rule[1], 5);
}

}  // namespace
}  // namespace launchmc::engine
