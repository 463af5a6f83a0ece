// Drawn samples are validated like a config: a dispersion that draws outside a key's declared
// range, or a drawn vehicle that cannot lift off, makes the sample invalid_input, as often as the
// distribution puts mass there. Expected counts from the normal law (P = Phi(-k) beyond k sd),
// checked within 4.5 binomial standard errors; the run's summary counts what set_sample decided.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "config/load_scenario.hpp"
#include "engine/run.hpp"
#include "engine/sampling.hpp"

namespace launchmc {
namespace {

double phi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// A cheap one-stage hop in vacuum (no drag, no rotation) with one dispersed input.
std::string hop(const std::string& input, double payload_kg = 100, double isp_s = 250,
                double kick_deg = 3) {
  return fmt::format(R"(
name: hop
launch: {{lat_deg: 10, lon_deg: 20, azimuth_deg: 90, epoch_utc: "2024-01-01T00:00:00Z"}}
atmosphere: {{density_scale: 0}}
earth: {{rotating: false, shape: sphere}}
gravity: {{degree: 0}}
vehicle:
  payload: {{mass_kg: {}}}
  stages:
    - {{name: s1, thrust_vac_N: 2.0e4, isp_vac_s: {}, propellant_mass_kg: 400, dry_mass_kg: 200,
       stack_drag: {{ref_area_m2: 1, cd_mach: [[0, 0.0]]}}}}
guidance: {{vertical_rise_s: 5, pitch_kick_deg: {}, pitch_kick_duration_s: 5}}
integrator: {{rtol: 1.0e-6}}
uncertainties:
  inputs:
    - {}
)",
                     payload_kg, isp_s, kick_deg, input);
}

struct Count {
  std::uint64_t n = 0, invalid = 0, outside = 0;  // outside: drawn values beyond [lo, hi]
};

// Rows [0, n) of a Monte Carlo plan: how many set_sample refuses, and how many drew the input
// outside [lo, hi].
Count count_invalid(const Study& study, std::uint64_t n, double lo, double hi) {
  const engine::SamplePlan plan(study, 11, n, uncertainty::SamplerKind::monte_carlo);
  engine::SampledScenario s(plan);
  std::vector<double> drawn(plan.n_drawn());
  Count c;
  c.n = n;
  for (std::uint64_t i = 0; i < n; ++i) {
    if (!s.set_sample(i, drawn)) ++c.invalid;
    if (!(drawn[0] >= lo && drawn[0] <= hi)) ++c.outside;
  }
  return c;
}

void expect_binomial(const Count& c, double p, const std::string& what) {
  const double mean = static_cast<double>(c.n) * p;
  const double se = std::sqrt(static_cast<double>(c.n) * p * (1 - p));
  EXPECT_NEAR(static_cast<double>(c.invalid), mean, 4.5 * se) << what << ": p = " << p;
  EXPECT_GT(c.invalid, 0u) << what;  // not vacuous
}

constexpr std::uint64_t kRows = 40000;

TEST(SampleBounds, PitchKickBelowZeroIsInvalidAsOftenAsTheNormalLawSays) {
  // Nominal 3 deg, sd 1.5 deg: below the bound 0 at k = 2 sd.
  const Study st = config::load_config(
      hop(R"({path: "guidance.pitch_kick_deg", normal: {sd: 1.5}})"), "hop.yaml");
  const Count c = count_invalid(st, kRows, 0.0, 90.0);
  expect_binomial(c, phi(-2.0), "pitch kick < 0");
  EXPECT_EQ(c.invalid, c.outside);  // exactly the samples drawn outside [0, 90)
}

TEST(SampleBounds, PitchKickAtOrAbove90IsInvalid) {
  // Nominal 87 deg, sd 2 deg: the open bound 90 at k = 1.5 sd.
  const Study st = config::load_config(
      hop(R"({path: "guidance.pitch_kick_deg", normal: {sd: 2}})", 100, 250, 87), "hop.yaml");
  const Count c = count_invalid(st, kRows, 0.0, std::nextafter(90.0, 0.0));
  expect_binomial(c, phi(-1.5), "pitch kick >= 90");
  EXPECT_EQ(c.invalid, c.outside);
}

TEST(SampleBounds, IspAbove1000IsInvalid) {
  // Nominal 950 s, sd 25 s: above the bound 1000 s at k = 2 sd (50 s is 36 sd below).
  const Study st = config::load_config(
      hop(R"({path: "vehicle.stages[0].isp_vac_s", normal: {sd: 25}})", 100, 950), "hop.yaml");
  const Count c = count_invalid(st, kRows, 50.0, 1000.0);
  expect_binomial(c, phi(-2.0), "Isp > 1000 s");
  EXPECT_EQ(c.invalid, c.outside);
}

TEST(SampleBounds, PayloadTooHeavyToLiftIsInvalid) {
  // Thrust 2e4 N lifts at most 2e4 / g0 kg: the payload's limit is that minus the stage's 600 kg.
  // Nominal 1000 kg with sd (limit - 1000) / 1.5: too heavy at k = 1.5 sd; below 0 kg is ~6 sd.
  const double limit_kg = 2.0e4 / 9.80665 - 600.0;
  const double sd = (limit_kg - 1000.0) / 1.5;
  const Study st = config::load_config(
      hop(fmt::format(R"({{path: "vehicle.payload.mass_kg", normal: {{sd: {:.17g}}}}})", sd), 1000),
      "hop.yaml");
  const Count c = count_invalid(st, kRows, 0.0, 1e308);
  expect_binomial(c, phi(-1.5) + phi(-1000.0 / sd), "thrust-to-weight <= 1");
  EXPECT_GT(c.invalid, c.outside);  // in range, yet not flyable
}

TEST(SampleBounds, RunSummaryCountsWhatSetSampleRefuses) {
  const Study st = config::load_config(
      hop(R"({path: "guidance.pitch_kick_deg", normal: {sd: 1.5}})"), "hop.yaml");
  engine::RunOptions opt;
  opt.n_samples = 600;
  opt.seed = 11;
  opt.block_size = 64;
  opt.threads = 2;
  const engine::RunResult r = engine::run_monte_carlo(st, opt, nullptr, nullptr);
  const Count c = count_invalid(st, opt.n_samples, 0.0, 90.0);
  EXPECT_EQ(r.summary.status_counts[static_cast<std::size_t>(engine::SampleStatus::invalid_input)],
            c.invalid);
  EXPECT_GT(c.invalid, 0u);
}

}  // namespace
}  // namespace launchmc
