// Why samples ended as they did: the powered_flight_end column of a block (record_flight,
// record_invalid) and the summary's count of samples by (status, powered_flight_end), in JSON and
// in the printed table. Blocks and flight results are built by hand, so the expected numbers are
// known exactly.
#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "config/load_scenario.hpp"
#include "engine/columns.hpp"
#include "engine/outcome.hpp"
#include "engine/summary.hpp"
#include "io/summary_report.hpp"

namespace launchmc::engine {
namespace {

using flight::PoweredFlightEnd;

// One row to put into a block: status, how powered flight ended.
struct Row {
  SampleStatus status;
  PoweredFlightEnd end;
};

// A block of `rows` with no drawn inputs and no bodies; orbits get an orbit, the other columns
// stay as resize left them.
Block make_block(const std::vector<Row>& rows, std::uint64_t first) {
  Block b;
  b.resize(rows.size(), 0, 0);
  b.first = first;
  b.count = rows.size();
  for (std::size_t r = 0; r < rows.size(); ++r) {
    b.column("status")[r] = static_cast<std::int8_t>(rows[r].status);
    b.column("powered_flight_end")[r] = static_cast<std::int8_t>(rows[r].end);
    b.column("rhs_evaluations")[r] = 10;
    if (rows[r].status == SampleStatus::orbit) {  // the orbit statistics need an orbit
      b.column("insertion_time_s")[r] = 500.0 + static_cast<double>(r);
      b.column("perigee_alt_m")[r] = 200e3;
      b.column("apogee_alt_m")[r] = 500e3;
      b.column("inclination_deg")[r] = 97.0;
    }
  }
  return b;
}

std::vector<Row> repeat(std::size_t n, SampleStatus s, PoweredFlightEnd e) {
  return std::vector<Row>(n, Row{s, e});
}

std::vector<Row> concat(std::vector<std::vector<Row>> parts) {
  std::vector<Row> all;
  for (auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

// 20 samples in two blocks of different sizes, rows interleaved across the blocks:
//   suborbital after depletion        6   (3 + 3)
//   orbit after guidance_cutoff        5   (1 + 4)
//   crash after engine_failure         3
//   suborbital after timed_cutoff      3   (ties with crash: crash has the larger status code)
//   crash (none)                       2
//   invalid_input (none)               1
Summary twenty_sample_summary() {
  using S = SampleStatus;
  using E = PoweredFlightEnd;
  const Block first = make_block(
      concat({repeat(3, S::suborbital, E::depletion), repeat(1, S::orbit, E::guidance_cutoff),
              repeat(2, S::crash, E::engine_failure), repeat(1, S::suborbital, E::timed_cutoff)}),
      0);
  const Block second = make_block(
      concat({repeat(4, S::orbit, E::guidance_cutoff), repeat(2, S::suborbital, E::timed_cutoff),
              repeat(1, S::crash, E::engine_failure), repeat(3, S::suborbital, E::depletion),
              repeat(2, S::crash, E::none), repeat(1, S::invalid_input, E::none)}),
      first.count);
  SummaryReducer acc({}, SampleStatus::orbit, 0, std::nullopt, 0.0, 0.0);
  acc.add(first);
  acc.add(second);
  RunMeta meta;
  meta.scenario = "synthetic";
  return acc.finish(meta);
}

TEST(EngineOutcomes, SummaryCountsSamplesByStatusAndPoweredFlightEnd) {
  const Summary s = twenty_sample_summary();
  ASSERT_EQ(s.samples, 20u);
  struct Expected {
    SampleStatus status;
    PoweredFlightEnd end;
    std::uint64_t count;
  };
  const std::vector<Expected> expected = {
      {SampleStatus::suborbital, PoweredFlightEnd::depletion, 6},
      {SampleStatus::orbit, PoweredFlightEnd::guidance_cutoff, 5},
      {SampleStatus::suborbital, PoweredFlightEnd::timed_cutoff, 3},
      {SampleStatus::crash, PoweredFlightEnd::engine_failure, 3},
      {SampleStatus::crash, PoweredFlightEnd::none, 2},
      {SampleStatus::invalid_input, PoweredFlightEnd::none, 1},
  };
  ASSERT_EQ(s.outcomes.size(), expected.size());
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(s.outcomes[i].status, expected[i].status);
    EXPECT_EQ(s.outcomes[i].powered_flight_end, expected[i].end);
    EXPECT_EQ(s.outcomes[i].count, expected[i].count);
    EXPECT_DOUBLE_EQ(s.outcomes[i].fraction, static_cast<double>(expected[i].count) / 20.0);
    total += s.outcomes[i].count;
  }
  EXPECT_EQ(total, s.samples);
  // The per-status counts are still there and agree.
  EXPECT_EQ(s.status_counts[static_cast<int>(SampleStatus::suborbital)], 9u);
  EXPECT_EQ(s.status_counts[static_cast<int>(SampleStatus::crash)], 5u);
  EXPECT_EQ(s.successes, 5u);
}

TEST(EngineOutcomes, OutcomeListSortsByCountThenStatusThenEnd) {
  OutcomeMatrix m{};
  auto at = [&](SampleStatus s, PoweredFlightEnd e) -> std::uint64_t& {
    return m[static_cast<std::size_t>(s)][static_cast<std::size_t>(e)];
  };
  at(SampleStatus::time_limit, PoweredFlightEnd::none) = 4;
  at(SampleStatus::suborbital, PoweredFlightEnd::motor_burnout) = 4;
  at(SampleStatus::suborbital, PoweredFlightEnd::depletion) = 4;
  at(SampleStatus::orbit, PoweredFlightEnd::timed_cutoff) = 1;
  at(SampleStatus::integration_failure, PoweredFlightEnd::none) = 7;
  const auto list = outcome_list(m, 20);
  ASSERT_EQ(list.size(), 5u);
  EXPECT_EQ(list[0].status, SampleStatus::integration_failure);
  EXPECT_EQ(list[1].status, SampleStatus::suborbital);
  EXPECT_EQ(list[1].powered_flight_end, PoweredFlightEnd::depletion);
  EXPECT_EQ(list[2].status, SampleStatus::suborbital);
  EXPECT_EQ(list[2].powered_flight_end, PoweredFlightEnd::motor_burnout);
  EXPECT_EQ(list[3].status, SampleStatus::time_limit);
  EXPECT_EQ(list[4].status, SampleStatus::orbit);
  EXPECT_DOUBLE_EQ(list[0].fraction, 0.35);
  EXPECT_TRUE(outcome_list(OutcomeMatrix{}, 0).empty());
}

TEST(EngineOutcomes, JsonListsEveryNonZeroCombinationAndKeepsTheOldKeys) {
  const nlohmann::json j = io::summary_to_json(twenty_sample_summary());
  ASSERT_TRUE(j.contains("outcomes"));
  const nlohmann::json& o = j["outcomes"];
  ASSERT_TRUE(o.is_array());
  ASSERT_EQ(o.size(), 6u);
  EXPECT_EQ(o[0], (nlohmann::json{{"status", "suborbital"},
                                  {"powered_flight_end", "depletion"},
                                  {"count", 6},
                                  {"fraction", 0.3}}));
  EXPECT_EQ(o[2]["status"], "suborbital");
  EXPECT_EQ(o[2]["powered_flight_end"], "timed_cutoff");
  EXPECT_EQ(o[3]["status"], "crash");
  EXPECT_EQ(o[3]["powered_flight_end"], "engine_failure");
  EXPECT_EQ(o[5]["status"], "invalid_input");
  EXPECT_EQ(o[5]["powered_flight_end"], "none");
  EXPECT_EQ(o[5]["count"], 1);
  EXPECT_DOUBLE_EQ(o[5]["fraction"].get<double>(), 0.05);
  for (const auto& entry : o) EXPECT_EQ(entry.size(), 4u) << entry.dump();
  for (const char* k : {"scenario", "samples", "seed", "sampler", "success_status", "p_success",
                        "p_success_ci95", "status_counts", "failure_counts", "orbit", "ground",
                        "bodies", "rhs_evaluations_per_sample", "elapsed_s", "samples_per_s"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j["status_counts"]["suborbital"], 9);
}

TEST(EngineOutcomes, PrintedSummaryHasOneLinePerOutcome) {
  std::ostringstream out;
  io::print_summary(out, twenty_sample_summary());
  const std::string text = out.str();
  for (const char* line : {"  suborbital after depletion              6   30.00 %\n",
                           "  orbit after guidance_cutoff             5   25.00 %\n",
                           "  crash after engine_failure              3   15.00 %\n",
                           "  crash                                   2   10.00 %\n",
                           "  invalid_input                           1    5.00 %\n"})
    EXPECT_NE(text.find(line), std::string::npos) << "missing: '" << line << "' in\n" << text;
  // In the documented order.
  EXPECT_LT(text.find("suborbital after depletion"), text.find("orbit after guidance_cutoff"));
  EXPECT_LT(text.find("suborbital after timed_cutoff"), text.find("crash after engine_failure"));
}

TEST(EngineOutcomes, RecordFlightWritesTheColumnAndRecordInvalidResetsIt) {
  const Study cfg =
      config::load_config_file(std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml");
  Block b;
  b.resize(4, 0, 0);
  ASSERT_EQ(b.column("powered_flight_end").size(), 4u);
  for (double e : b.column("powered_flight_end")) EXPECT_EQ(e, 0);
  flight::FlightResult r;
  r.status = flight::FlightStatus::suborbital;
  r.powered_flight_end = PoweredFlightEnd::depletion;
  record_invalid(0, 0, b, 0);
  record_flight({}, outcome::derive(cfg.scenario, r), 1, b, 1);
  r.status = flight::FlightStatus::crash;
  r.powered_flight_end = PoweredFlightEnd::engine_failure;
  record_flight({}, outcome::derive(cfg.scenario, r), 2, b, 2);
  EXPECT_EQ(b.column("powered_flight_end")[1],
            static_cast<std::int8_t>(PoweredFlightEnd::depletion));
  EXPECT_EQ(b.column("powered_flight_end")[2],
            static_cast<std::int8_t>(PoweredFlightEnd::engine_failure));
  EXPECT_EQ(b.column("status")[2], static_cast<std::int8_t>(SampleStatus::crash));
  record_invalid(0, 2, b, 2);
  EXPECT_EQ(b.column("powered_flight_end")[2], static_cast<std::int8_t>(PoweredFlightEnd::none));
  EXPECT_EQ(b.column("status")[2], static_cast<std::int8_t>(SampleStatus::invalid_input));
  EXPECT_EQ(b.column("powered_flight_end")[1],
            static_cast<std::int8_t>(PoweredFlightEnd::depletion));
}

TEST(EngineOutcomes, EnumMembersAreTheFlightEnumsNamesAndCodes) {
  const auto m = powered_flight_end_members();
  ASSERT_EQ(m.size(), static_cast<std::size_t>(flight::kPoweredFlightEndCount));
  EXPECT_EQ(m[0], (std::pair<std::string, std::int8_t>{"none", 0}));
  EXPECT_EQ(m[3], (std::pair<std::string, std::int8_t>{"depletion", 3}));
  EXPECT_EQ(m[5], (std::pair<std::string, std::int8_t>{"engine_failure", 5}));
}

}  // namespace
}  // namespace launchmc::engine
