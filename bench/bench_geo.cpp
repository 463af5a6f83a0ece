// Points classified per second by the geography of the risk maps (src/geo): the GSHHG land mask
// and the DCW countries over the Chollima-1 region (115..135 E, 5..42 N), for points spread
// uniformly over it and for points crowded round Okinawa and Miyako (mostly coastal cells, the
// slow case). One thread; classify() is const and thread-safe, so cores add up.
// Run: build/bench/bench_geo
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "geo/country_classifier.hpp"
#include "geo/land_classifier.hpp"

namespace {

using launchmc::geo::AreaClassifier;
using launchmc::geo::LonLatBox;

constexpr LonLatBox kChollimaBox{115.0, 5.0, 135.0, 42.0};
constexpr LonLatBox kRyukyuBox{124.5, 24.0, 129.0, 27.5};

struct Points {
  std::vector<double> lat_deg, lon_deg;
};

Points points_in(const LonLatBox& box) {
  constexpr std::size_t kCount = 1 << 16;
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> lat(box.south_deg, box.north_deg);
  std::uniform_real_distribution<double> lon(box.west_deg, box.east_deg);
  Points p;
  for (std::size_t i = 0; i < kCount; ++i) {
    p.lat_deg.push_back(lat(rng));
    p.lon_deg.push_back(lon(rng));
  }
  return p;
}

const AreaClassifier& land() {
  static const launchmc::geo::LandClassifier classifier(kChollimaBox);
  return classifier;
}
const AreaClassifier& countries() {
  static const launchmc::geo::CountryClassifier classifier(kChollimaBox);
  return classifier;
}

void classify(benchmark::State& state, const AreaClassifier& classifier, const LonLatBox& box) {
  const Points p = points_in(box);
  std::vector<std::size_t> hits;
  hits.reserve(classifier.size());
  std::size_t i = 0, inside = 0;
  for (auto _ : state) {
    classifier.classify(p.lat_deg[i], p.lon_deg[i], hits);
    inside += hits.size();
    i = (i + 1) & (p.lat_deg.size() - 1);
  }
  benchmark::DoNotOptimize(inside);
  state.counters["points_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["hit_fraction"] =
      static_cast<double>(inside) / static_cast<double>(state.iterations());
}

void land_chollima(benchmark::State& state) { classify(state, land(), kChollimaBox); }
void land_ryukyu(benchmark::State& state) { classify(state, land(), kRyukyuBox); }
void countries_chollima(benchmark::State& state) { classify(state, countries(), kChollimaBox); }
void countries_ryukyu(benchmark::State& state) { classify(state, countries(), kRyukyuBox); }

BENCHMARK(land_chollima);
BENCHMARK(land_ryukyu);
BENCHMARK(countries_chollima);
BENCHMARK(countries_ryukyu);

// Building the land mask (GMT reads the shorelines and computes the centre levels) [ms].
void land_load(benchmark::State& state) {
  for (auto _ : state) {
    const launchmc::geo::LandClassifier classifier(kChollimaBox);
    benchmark::DoNotOptimize(classifier.size());
  }
}
BENCHMARK(land_load)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
BENCHMARK_MAIN();
