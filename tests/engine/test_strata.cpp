// Failure strata (engine/strata.hpp): probabilities from the configured failure modes, shares
// (default and explicit), the row pattern's balance (every prefix within 1 row of its share),
// counts over ranges, and weights that sum to the row count. Expected values are computed here
// from the configured numbers, never taken from the code under test.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "../support/one_stage_vacuum.hpp"
#include "config/config_error.hpp"
#include "config/load_scenario.hpp"
#include "engine/strata.hpp"

namespace launchmc::engine {
namespace {

Study with_failures(const std::string& failures, const std::string& uncertainties = "") {
  const std::string text =
      testing_support::one_stage_vacuum_yaml(
          "strata", "{vertical_rise_s: 100, pitch_kick_deg: 0, pitch_kick_duration_s: 1}") +
      uncertainties + "failures:\n" + failures;
  return config::load_config(text, "strata.yaml");
}

const char* kThreeModes = R"(
  - {name: a, stage: s1, probability: 0.05, window_start_s: 0, window_end_s: 5}
  - {name: b, stage: s1, probability: 0.001, window_start_s: 0, window_end_s: 5}
  - {name: c, stage: s1, hazard_rate_per_s: 0.002, window_start_s: 0, window_end_s: 10}
)";

// |rows of stratum k among the first n - n share_k| <= 1 - 1/(2K - 2) for every prefix n and
// stratum k (K strata; Tijdeman's bound), in particular below one row.
void expect_balanced_prefixes(const FailureStrata& s, std::uint64_t rows) {
  double strata = 0.0;
  for (std::size_t k = 0; k < s.size(); ++k)
    if (s.slots()[k] > 0) strata += 1.0;
  const double bound = 1.0 - 1.0 / (2.0 * strata - 2.0);
  std::vector<std::uint64_t> c(s.size(), 0);
  double worst = 0.0;
  for (std::uint64_t n = 1; n <= rows; ++n) {
    ++c[s.stratum_of(n - 1)];
    for (std::size_t k = 0; k < s.size(); ++k)
      worst = std::max(worst, std::abs(static_cast<double>(c[k]) - n * s.share(k)));
  }
  EXPECT_LE(worst, bound + 1e-9);
  EXPECT_GT(worst, 0.0);
}

TEST(Strata, ProbabilitiesAreNoFailureAndEachModesPerFlightChance) {
  const Study st = with_failures(kThreeModes);
  const FailureStrata s(st.dispersions, Stratify::failures);
  ASSERT_EQ(s.size(), 4u);
  const double pc = 1.0 - std::exp(-0.002 * 10.0);
  EXPECT_EQ(s.names(), (std::vector<std::string>{"none", "a", "b", "c"}));
  EXPECT_NEAR(s.probabilities()[1], 0.05, 1e-15);
  EXPECT_NEAR(s.probabilities()[2], 0.001, 1e-15);
  EXPECT_NEAR(s.probabilities()[3], pc, 1e-15);
  EXPECT_NEAR(s.probabilities()[0], 1.0 - 0.05 - 0.001 - pc, 1e-15);
  // Not stratified: one stratum of probability 1, every row in it.
  const FailureStrata none(st.dispersions, Stratify::none);
  EXPECT_TRUE(none.single());
  EXPECT_EQ(none.stratum_of(12345), 0u);
}

TEST(Strata, DefaultSharesAreTheLargerOfProbabilityAndFloorNormalised) {
  const Study st = with_failures(kThreeModes);
  const FailureStrata s(st.dispersions, Stratify::failures);
  // max(pi_k, floor_k): none max(0.929, 1/2), each mode max(p_m, 1/6); normalised.
  const double pc = 1.0 - std::exp(-0.002 * 10.0);
  const double p0 = 1.0 - 0.05 - 0.001 - pc;
  const double raw[] = {p0, 1.0 / 6, 1.0 / 6, 1.0 / 6};
  const double total = raw[0] + raw[1] + raw[2] + raw[3];
  std::uint64_t slots = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_NEAR(s.share(k), raw[k] / total, 1.0 / kStratumPeriod) << k;
    slots += s.slots()[k];
  }
  EXPECT_EQ(slots, kStratumPeriod);
}

TEST(Strata, ExplicitSharesFromTheConfigAndTheirRefusals) {
  const Study st = with_failures(kThreeModes,
                                 "uncertainties:\n  stratify: failures\n  stratify_shares: {none: "
                                 "2, a: 1, b: 0.5, c: 0.5}\n");
  EXPECT_EQ(st.dispersions.stratify, Stratify::failures);
  const FailureStrata s(st.dispersions, st.dispersions.stratify);
  EXPECT_NEAR(s.share(0), 0.5, 1e-12);
  EXPECT_NEAR(s.share(1), 0.25, 1e-12);
  EXPECT_NEAR(s.share(2), 0.125, 1e-12);
  EXPECT_NEAR(s.share(3), 0.125, 1e-12);
  // A stratum of positive probability left without rows could not be estimated.
  EXPECT_THROW(with_failures(kThreeModes,
                             "uncertainties:\n  stratify: failures\n  stratify_shares: {none: 1, "
                             "a: 1, c: 1}\n"),
               config::ConfigError);
  EXPECT_THROW(with_failures(kThreeModes,
                             "uncertainties:\n  stratify: failures\n  stratify_shares: {none: 1, "
                             "a: 1, b: 1, c: 1, d: 1}\n"),
               config::ConfigError);
  EXPECT_THROW(with_failures(kThreeModes, "uncertainties:\n  stratify: modes\n"),
               config::ConfigError);
}

TEST(Strata, EveryPrefixHoldsItsShareWithinOneRow) {
  const Study st = with_failures(kThreeModes);
  expect_balanced_prefixes(FailureStrata(st.dispersions, Stratify::failures),
                           3 * kStratumPeriod + 777);
  // Two strata with a tiny share, and many strata of unequal shares.
  const Study two = with_failures(
      "  - {name: a, stage: s1, probability: 0.01, window_start_s: 0, window_end_s: 5}\n",
      "uncertainties:\n  stratify_shares: {none: 0.999, a: 0.001}\n");
  expect_balanced_prefixes(FailureStrata(two.dispersions, Stratify::failures),
                           2 * kStratumPeriod + 5);
  std::string many;
  for (int m = 0; m < 9; ++m)
    many += "  - {name: m" + std::to_string(m) +
            ", stage: s1, probability: " + std::to_string(0.001 * (m + 1)) +
            ", window_start_s: 0, window_end_s: 5}\n";
  const Study nine = with_failures(many);
  expect_balanced_prefixes(FailureStrata(nine.dispersions, Stratify::failures),
                           kStratumPeriod + 4321);
}

TEST(Strata, RowsInARangeAreTheCountsOfItsRows) {
  const Study st = with_failures(kThreeModes);
  const FailureStrata s(st.dispersions, Stratify::failures);
  for (const auto& [first, count] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{
           {0, 1}, {0, 1000}, {65530, 20}, {100000, 200000}, {7, 0}}) {
    std::vector<std::uint64_t> expected(s.size(), 0);
    for (std::uint64_t i = first; i < first + count; ++i) ++expected[s.stratum_of(i)];
    EXPECT_EQ(s.rows_in(first, count), expected) << first << " + " << count;
  }
}

TEST(Strata, WeightsSumToTheRowCount) {
  const Study st = with_failures(kThreeModes);
  const FailureStrata s(st.dispersions, Stratify::failures);
  for (const std::uint64_t n : {1ull, 10ull, 997ull, 123457ull}) {
    const std::vector<std::uint64_t> rows = s.rows_in(0, n);
    const std::vector<double> w = s.weights(rows);
    double sum = 0.0;
    for (std::size_t k = 0; k < s.size(); ++k) {
      sum += w[k] * static_cast<double>(rows[k]);
      if (rows[k] > 0) {
        EXPECT_NEAR(w[k], s.probabilities()[k] * n / rows[k], 1e-12 * w[k]) << n << " " << k;
      }
    }
    // Strata without rows yet (n = 1, 10) leave their probability unrepresented.
    double missing = 0.0;
    for (std::size_t k = 0; k < s.size(); ++k)
      if (rows[k] == 0) missing += s.probabilities()[k];
    EXPECT_NEAR(sum, static_cast<double>(n) * (1.0 - missing), 1e-9 * n) << n;
  }
  const FailureStrata single;
  const std::uint64_t rows[] = {42};
  EXPECT_EQ(single.weights(rows), std::vector<double>{1.0});
}

}  // namespace
}  // namespace launchmc::engine
