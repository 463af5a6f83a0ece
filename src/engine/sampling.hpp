// Turning a row of a run into a dispersed scenario and its draws: inputs from the row's design
// point (through the Gaussian copula where correlated), environment, failure and navigation draws
// from random streams keyed by the row's stream index (uncertainty/design.hpp). A pure function of
// (config, seed, design, row): any split of the work reproduces it.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/strata.hpp"
#include "scenario/draws.hpp"
#include "scenario/parameters.hpp"
#include "scenario/study.hpp"
#include "uncertainty/copula.hpp"
#include "uncertainty/design.hpp"
#include "uncertainty/sampler.hpp"

namespace launchmc::engine {

// Everything shared (read-only) by the workers of one run.
class SamplePlan {
 public:
  // `stratify`: how rows are spread over the failure modes (engine/strata.hpp).
  SamplePlan(const Study& config, std::uint64_t seed, std::uint64_t n_samples,
             uncertainty::SamplerKind sampler, Stratify stratify = Stratify::none);

  const Scenario& nominal() const noexcept { return config_.scenario; }
  const Dispersions& dispersions() const noexcept { return config_.dispersions; }
  const uncertainty::Design& design() const noexcept { return *design_; }
  const std::vector<std::unique_ptr<uncertainty::GaussianCopula>>& copulas() const noexcept {
    return copulas_;
  }
  std::uint64_t seed() const noexcept { return seed_; }
  std::uint64_t n_samples() const noexcept { return n_samples_; }
  uncertainty::SamplerKind sampler_kind() const noexcept { return sampler_kind_; }
  const FailureStrata& strata() const noexcept { return strata_; }

  // Names of the drawn values, in the order SampledScenario::set_sample writes them:
  // the input paths, then env.density_xi, env.wind_east_xi, env.wind_north_xi (if dispersed),
  // then failure.mode and failure.time_s (if failure modes exist).
  const std::vector<std::string>& drawn_names() const noexcept { return drawn_names_; }
  std::size_t n_drawn() const noexcept { return drawn_names_.size(); }

 private:
  Study config_;
  std::uint64_t seed_;
  std::uint64_t n_samples_;
  uncertainty::SamplerKind sampler_kind_;
  FailureStrata strata_;
  std::unique_ptr<uncertainty::Design> design_;
  std::vector<std::unique_ptr<uncertainty::GaussianCopula>> copulas_;
  std::vector<std::string> drawn_names_;
};

// A worker's own copy of the scenario, set to one sample at a time without allocating.
class SampledScenario {
 public:
  explicit SampledScenario(const SamplePlan& plan);
  SampledScenario(const SampledScenario&) = delete;
  SampledScenario& operator=(const SampledScenario&) = delete;

  // Sets row i; writes the drawn values (see SamplePlan::drawn_names) to `drawn`. Returns
  // false if a drawn input is not physical (e.g. a negative mass): the sample is then recorded
  // as invalid_input and not flown.
  bool set_sample(std::uint64_t i, std::span<double> drawn);
  const Scenario& scenario() const noexcept { return scenario_; }
  // What sample i draws besides parameter values (environment, failure, navigation seed).
  const SampleDraws& draws() const noexcept { return draws_; }
  // The stream index of the row last set (uncertainty::Design::row).
  std::uint64_t stream() const noexcept { return stream_; }
  // The failure stratum of the row last set (SamplePlan::strata; 0 when not stratified).
  std::size_t stratum() const noexcept { return stratum_; }

 private:
  const SamplePlan& plan_;
  Scenario scenario_;
  SampleDraws draws_;
  std::uint64_t stream_ = 0;
  std::size_t stratum_ = 0;
  std::vector<ParameterRef> refs_;
  std::vector<double> u_;        // sampler uniforms
  std::vector<double> u_group_;  // scratch for copulas
  std::vector<double> u_corr_;
};

}  // namespace launchmc::engine
