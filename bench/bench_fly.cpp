// Time of one nominal flight of each bundled scenario (ascent plus every body to impact), with
// the right-hand-side evaluations per flight as counters. Run: build/bench/bench_fly
#include <benchmark/benchmark.h>

#include "config/load_scenario.hpp"
#include "flight/flight.hpp"

namespace {

void fly_config(benchmark::State& state, const char* file) {
  const launchmc::Scenario sc =
      launchmc::config::load_scenario_file(std::string(LAUNCHMC_CONFIG_DIR) + "/" + file);
  launchmc::flight::FlightResult result;
  launchmc::flight::FlightWorkspace ws;
  for (auto _ : state) {
    launchmc::flight::fly(sc, launchmc::SampleDraws{}, result, ws);
    benchmark::DoNotOptimize(result);
  }
  std::int64_t bodies = 0;
  for (const auto& b : result.bodies) bodies += b.stats.rhs_evaluations;
  state.counters["rhs_ascent"] = static_cast<double>(result.ascent_stats.rhs_evaluations);
  state.counters["rhs_bodies"] = static_cast<double>(bodies);
  state.counters["flights_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK_CAPTURE(fly_config, chollima1_2023, "chollima1_2023.yaml")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(fly_config, hwasong18_2023, "hwasong18_2023.yaml")->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
