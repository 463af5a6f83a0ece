// The per-sample hot loop allocates nothing once warmed up: sampling a dispersed scenario,
// flying it (ascent and every body to impact) and recording its outcome row. Counted by replacing
// the global operator new in this test executable.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "config/load_scenario.hpp"
#include "engine/outcome.hpp"
#include "engine/sampling.hpp"
#include "flight/flight.hpp"

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

INSTANTIATE_TEST_SUITE_P(BundledScenarios, HotPath,
                         testing::Values("chollima1_2023.yaml", "hwasong17_2022.yaml",
                                         "hwasong18_2023.yaml"));

}  // namespace
}  // namespace launchmc
