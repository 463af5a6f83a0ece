// Cost of turning a row into a dispersed scenario (SampledScenario::set_sample, with the config's
// validation of the drawn model) and of that validation alone, per bundled scenario, beside the
// flight it precedes (bench_fly). Run: build/bench/bench_sample
#include <benchmark/benchmark.h>

#include "config/load_scenario.hpp"
#include "engine/sampling.hpp"
#include "scenario/validate.hpp"

namespace {

void set_sample(benchmark::State& state, const char* file) {
  const auto study =
      launchmc::config::load_config_file(std::string(LAUNCHMC_CONFIG_DIR) + "/" + file);
  const launchmc::engine::SamplePlan plan(study, 7, 1u << 20, study.dispersions.sampler);
  launchmc::engine::SampledScenario sampled(plan);
  std::vector<double> drawn(plan.n_drawn());
  std::uint64_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(sampled.set_sample(i++ % (1u << 20), drawn));
}

void validate(benchmark::State& state, const char* file) {
  const auto sc =
      launchmc::config::load_scenario_file(std::string(LAUNCHMC_CONFIG_DIR) + "/" + file);
  for (auto _ : state) benchmark::DoNotOptimize(launchmc::validate(sc));
}

BENCHMARK_CAPTURE(set_sample, chollima1_2023, "chollima1_2023.yaml")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(set_sample, hwasong17_2022, "hwasong17_2022.yaml")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(validate, chollima1_2023, "chollima1_2023.yaml")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(validate, hwasong17_2022, "hwasong17_2022.yaml")->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
