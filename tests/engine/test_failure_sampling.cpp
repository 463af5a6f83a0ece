// Failure draws of the Monte Carlo samples: the frequencies of exclusive modes given by a
// probability or a hazard rate, the exponential times of a hazard rate (Kolmogorov-Smirnov), the
// thrust-loss fraction's range, and the effect each mode's kind carries. Expected values come from
// the configured numbers through closed forms written here, not from the code under test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <variant>
#include <vector>

#include "config/load_scenario.hpp"
#include "engine/sampling.hpp"

namespace launchmc::engine {
namespace {

// A two-stage vehicle in vacuum; only its failure draws matter here (nothing is flown).
Study two_stage(const std::string& failures) {
  const std::string text = R"(
name: two stage
launch: {lat_deg: 10, lon_deg: 20, azimuth_deg: 90, epoch_utc: "2024-01-01T00:00:00Z"}
atmosphere: {density_scale: 0}
earth: {rotating: false, shape: sphere}
gravity: {degree: 0}
vehicle:
  payload: {mass_kg: 100}
  stages:
    - {name: s1, thrust_vac_N: 4.0e4, isp_vac_s: 250, propellant_mass_kg: 1000, dry_mass_kg: 200,
       stack_drag: {ref_area_m2: 1, cd_mach: [[0, 0.0]]}, spent_drag: {ref_area_m2: 1, cd_mach: [[0, 1.0]]}}
    - {name: s2, thrust_vac_N: 1.0e4, isp_vac_s: 300, propellant_mass_kg: 300, dry_mass_kg: 50,
       stack_drag: {ref_area_m2: 1, cd_mach: [[0, 0.0]]}, spent_drag: {ref_area_m2: 1, cd_mach: [[0, 1.0]]}}
guidance: {vertical_rise_s: 5, pitch_kick_deg: 5, pitch_kick_duration_s: 5}
failures:
)" + failures;
  return config::load_config(text, "two_stage.yaml");
}

constexpr double kRate_per_s = 0.01;
constexpr double kWindowStart_s = 10.0, kWindowEnd_s = 50.0;

TEST(FailureSampling, FrequenciesMatchProbabilitiesAndHazardRates) {
  const Study study = two_stage(R"(
  - {name: ign, stage: s2, mode: ignition_failure, probability: 0.1}
  - {name: fts, stage: s1, mode: flight_termination, probability: 0.05, window_start_s: 0, window_end_s: 60}
  - {name: hazard, stage: s1, mode: thrust_loss, hazard_rate_per_s: 0.01, window_start_s: 10,
     window_end_s: 50, thrust_fraction_min: 0.4, thrust_fraction_max: 0.7}
  - {name: tumble, stage: s2, mode: loss_of_control, probability: 0.08, turn_rate_min_deg_s: 1,
     turn_rate_max_deg_s: 5}
)");
  // Per-flight probabilities: as given, and 1 - exp(-rate (end - start)) for the hazard rate.
  const double p[4] = {0.1, 0.05, 1.0 - std::exp(-kRate_per_s * (kWindowEnd_s - kWindowStart_s)),
                       0.08};
  const std::uint64_t n = 40000;
  SamplePlan plan(study, 11, n, uncertainty::SamplerKind::monte_carlo);
  SampledScenario s(plan);
  std::vector<double> drawn(plan.n_drawn());
  std::vector<double> count(5, 0.0);
  std::vector<double> hazard_times;
  std::vector<double> turn_rates_deg_s, turn_directions_deg;
  for (std::uint64_t i = 0; i < n; ++i) {
    s.set_sample(i, drawn);
    const FailureInjection& f = s.draws().failure;
    count[static_cast<std::size_t>(f.mode + 1)] += 1.0;
    switch (f.mode) {
      case 0:
        EXPECT_TRUE(std::holds_alternative<IgnitionFailure>(f.effect));
        EXPECT_EQ(f.stage, 1u);
        EXPECT_EQ(f.time_after_ignition_s, 0.0);
        break;
      case 1:
        EXPECT_TRUE(std::holds_alternative<Breakup>(f.effect));
        EXPECT_EQ(f.stage, 0u);
        EXPECT_GE(f.time_after_ignition_s, 0.0);
        EXPECT_LE(f.time_after_ignition_s, 60.0);
        break;
      case 2: {
        ASSERT_TRUE(std::holds_alternative<ThrustLoss>(f.effect));
        const double fraction = std::get<ThrustLoss>(f.effect).fraction;
        EXPECT_GE(fraction, 0.4);
        EXPECT_LE(fraction, 0.7);
        EXPECT_GE(f.time_after_ignition_s, kWindowStart_s);
        EXPECT_LE(f.time_after_ignition_s, kWindowEnd_s);
        hazard_times.push_back(f.time_after_ignition_s);
        break;
      }
      case 3: {
        ASSERT_TRUE(std::holds_alternative<LossOfControl>(f.effect));
        EXPECT_EQ(f.stage, 1u);
        const LossOfControl& loc = std::get<LossOfControl>(f.effect);
        turn_rates_deg_s.push_back(loc.turn_rate_radps * 180.0 / M_PI);
        turn_directions_deg.push_back(loc.direction_rad * 180.0 / M_PI);
        break;
      }
      default:
        break;
    }
  }
  // Each frequency within 4 binomial standard errors sqrt(p (1 - p) / n) of its probability.
  double none = 1.0;
  for (int m = 0; m < 4; ++m) {
    const double se = std::sqrt(p[m] * (1.0 - p[m]) / static_cast<double>(n));
    EXPECT_NEAR(count[static_cast<std::size_t>(m + 1)] / static_cast<double>(n), p[m], 4.0 * se)
        << "mode " << m;
    none -= p[m];
  }
  EXPECT_NEAR(count[0] / static_cast<double>(n), none,
              4.0 * std::sqrt(none * (1.0 - none) / static_cast<double>(n)));

  // Kolmogorov-Smirnov against the truncated exponential CDF
  // F(t) = (1 - exp(-rate (t - start))) / (1 - exp(-rate (end - start))); 1.63 / sqrt(m) is the
  // 1 % critical value of the one-sample statistic (asymptotic, Smirnov 1948).
  std::sort(hazard_times.begin(), hazard_times.end());
  const double m = static_cast<double>(hazard_times.size());
  ASSERT_GT(m, 5000.0);
  const double norm = 1.0 - std::exp(-kRate_per_s * (kWindowEnd_s - kWindowStart_s));
  double d = 0.0;
  for (std::size_t k = 0; k < hazard_times.size(); ++k) {
    const double cdf = (1.0 - std::exp(-kRate_per_s * (hazard_times[k] - kWindowStart_s))) / norm;
    d = std::max({d, std::abs(cdf - static_cast<double>(k) / m),
                  std::abs(static_cast<double>(k + 1) / m - cdf)});
  }
  EXPECT_LT(d, 1.63 / std::sqrt(m));
  // And not uniform: the uniform CDF over the window is rejected by the same statistic.
  double d_uniform = 0.0;
  for (std::size_t k = 0; k < hazard_times.size(); ++k) {
    const double cdf = (hazard_times[k] - kWindowStart_s) / (kWindowEnd_s - kWindowStart_s);
    d_uniform = std::max(d_uniform, std::abs(cdf - static_cast<double>(k) / m));
  }
  EXPECT_GT(d_uniform, 1.63 / std::sqrt(m));

  // Loss of control: the turn rate uniform in [1, 5] deg/s and the direction uniform in
  // [0, 360) deg (none given): each within the same KS bound of its uniform CDF.
  auto ks_uniform = [](std::vector<double> x, double lo, double hi) {
    std::sort(x.begin(), x.end());
    const double size = static_cast<double>(x.size());
    double dist = 0.0;
    for (std::size_t k = 0; k < x.size(); ++k) {
      EXPECT_GE(x[k], lo);
      EXPECT_LE(x[k], hi);
      const double cdf = (x[k] - lo) / (hi - lo);
      dist = std::max({dist, std::abs(cdf - static_cast<double>(k) / size),
                       std::abs(static_cast<double>(k + 1) / size - cdf)});
    }
    return dist * std::sqrt(size);
  };
  ASSERT_GT(turn_rates_deg_s.size(), 2500u);
  EXPECT_LT(ks_uniform(turn_rates_deg_s, 1.0, 5.0), 1.63);
  EXPECT_LT(ks_uniform(turn_directions_deg, 0.0, 360.0), 1.63);
}

TEST(FailureSampling, LossOfControlWithAGivenDirectionKeepsIt) {
  const Study study = two_stage(R"(
  - {name: turn, stage: s1, mode: loss_of_control, probability: 1, turn_rate_min_deg_s: 2,
     turn_rate_max_deg_s: 2, turn_direction_deg: 270}
)");
  SamplePlan plan(study, 3, 50, uncertainty::SamplerKind::monte_carlo);
  SampledScenario s(plan);
  std::vector<double> drawn(plan.n_drawn());
  for (std::uint64_t i = 0; i < 50; ++i) {
    s.set_sample(i, drawn);
    ASSERT_TRUE(std::holds_alternative<LossOfControl>(s.draws().failure.effect));
    const LossOfControl& loc = std::get<LossOfControl>(s.draws().failure.effect);
    EXPECT_NEAR(loc.turn_rate_radps, 2.0 * M_PI / 180.0, 1e-15);
    EXPECT_NEAR(loc.direction_rad, 270.0 * M_PI / 180.0, 1e-15);
  }
}

// The two draws every failure makes (mode, time) come first in the failure stream: a config's
// modes given as before draw the same samples as before (the golden runs pin the values), and a
// thrust-loss fraction (a third draw) moves neither the mode nor the time of any sample.
TEST(FailureSampling, ModeAndTimeDoNotDependOnTheKind) {
  const Study shutdown = two_stage(R"(
  - {name: a, stage: s1, probability: 0.3, window_start_s: 0, window_end_s: 60}
)");
  const Study loss = two_stage(R"(
  - {name: a, stage: s1, mode: thrust_loss, probability: 0.3, window_start_s: 0, window_end_s: 60}
)");
  const Study tumble = two_stage(R"(
  - {name: a, stage: s1, mode: loss_of_control, probability: 0.3, window_start_s: 0, window_end_s: 60,
     turn_rate_max_deg_s: 10}
)");
  SamplePlan p1(shutdown, 5, 500, uncertainty::SamplerKind::monte_carlo);
  SamplePlan p2(loss, 5, 500, uncertainty::SamplerKind::monte_carlo);
  SamplePlan p3(tumble, 5, 500, uncertainty::SamplerKind::monte_carlo);
  SampledScenario s1(p1), s2(p2), s3(p3);
  std::vector<double> d1(p1.n_drawn()), d2(p2.n_drawn()), d3(p3.n_drawn());
  int failed = 0;
  for (std::uint64_t i = 0; i < 500; ++i) {
    s1.set_sample(i, d1);
    s2.set_sample(i, d2);
    s3.set_sample(i, d3);
    EXPECT_EQ(s1.draws().failure.mode, s2.draws().failure.mode);
    EXPECT_EQ(s1.draws().failure.time_after_ignition_s, s2.draws().failure.time_after_ignition_s);
    EXPECT_EQ(s1.draws().failure.mode, s3.draws().failure.mode);
    EXPECT_EQ(s1.draws().failure.time_after_ignition_s, s3.draws().failure.time_after_ignition_s);
    EXPECT_NE(s1.draws().fragment_seed, s1.draws().navigation_seed);
    failed += s1.draws().failure.mode >= 0;
  }
  EXPECT_GT(failed, 100);
}

TEST(FailureSampling, BadFailureConfigsAreRefused) {
  EXPECT_THROW(two_stage("  - {name: a, stage: s1, mode: ignition_failure, probability: 0.1}\n"),
               std::exception);  // the first stage cannot fail to ignite after a separation
  EXPECT_THROW(two_stage("  - {name: a, stage: s2, probability: 0.1, hazard_rate_per_s: 0.01}\n"),
               std::exception);  // one of the two forms
  EXPECT_THROW(two_stage("  - {name: a, stage: s2, mode: thrust_loss, probability: 0.1, "
                         "thrust_fraction_min: 0.8, thrust_fraction_max: 0.5}\n"),
               std::exception);
  EXPECT_THROW(two_stage("  - {name: a, stage: s2, mode: tumble, probability: 0.1}\n"),
               std::exception);
  EXPECT_THROW(two_stage("  - {name: a, stage: s2, mode: loss_of_control, probability: 0.1, "
                         "turn_rate_min_deg_s: 3, turn_rate_max_deg_s: 1}\n"),
               std::exception);
  EXPECT_THROW(two_stage("  - {name: a, stage: s2, mode: loss_of_control, probability: 0.1, "
                         "turn_rate_max_deg_s: 1, turn_direction_deg: -10}\n"),
               std::exception);
  EXPECT_THROW(two_stage("  - {name: a, stage: s2, mode: separation_failure, probability: 0.1}\n"),
               std::exception);  // the last stage has nothing to separate from
  // A separation failure strikes at the separation and carries its configured choice.
  const Study sep = two_stage(
      "  - {name: a, stage: s1, mode: separation_failure, probability: 1, attached_ignites: "
      "false}\n");
  SamplePlan plan(sep, 3, 4, uncertainty::SamplerKind::monte_carlo);
  SampledScenario s(plan);
  std::vector<double> drawn(plan.n_drawn());
  s.set_sample(0, drawn);
  ASSERT_TRUE(std::holds_alternative<SeparationFailure>(s.draws().failure.effect));
  EXPECT_FALSE(std::get<SeparationFailure>(s.draws().failure.effect).next_ignites);
  EXPECT_EQ(s.draws().failure.time_after_ignition_s, 0.0);
}

}  // namespace
}  // namespace launchmc::engine
