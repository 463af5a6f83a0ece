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

#include "engine/plan.hpp"
#include "engine/strata.hpp"
#include "scenario/draws.hpp"
#include "scenario/parameters.hpp"
#include "scenario/study.hpp"
#include "uncertainty/copula.hpp"
#include "uncertainty/design.hpp"
#include "uncertainty/sampler.hpp"

namespace launchmc::engine {

// A factor of a sensitivity design: one dimension of its unit cube, and what it sets. Every
// random draw of a row is a factor, so a row is a pure function of its point (no hidden noise
// shared or not shared between the A, B and AB_i rows, which would bias the indices):
//  - input: one independent dispersed input, x = Q(u);
//  - group: a correlated group of inputs as one factor (its members move together, as the
//    Saltelli and Morris estimators for groups require; Jacques et al., Reliab. Eng. Syst. Saf.
//    91, 2006): u keys a stream of the group's independent uniforms, which the group's Gaussian
//    copula then correlates, so every value of u is one draw of the group's joint distribution;
//  - env_density, env_wind_east, env_wind_north: the standard normal shape xi = Phi^-1(u);
//  - failure_mode: the uniform that picks the failure mode (or none) by the modes' probabilities;
//  - failure_time: the uniform of the failure time within the mode's window;
//  - failure_details: u keys the stream of the rest a failure draws (thrust fraction, turn rate
//    and direction, breakup fragments' velocities);
//  - navigation: u keys the stream of the guidance's navigation noise.
enum class FactorKind {
  input,
  group,
  env_density,
  env_wind_east,
  env_wind_north,
  failure_mode,
  failure_time,
  failure_details,
  navigation
};
struct Factor {
  std::string name;  // input path; "PATH1 + PATH2" for a group; env.density_xi, failure.mode, ...
  FactorKind kind = FactorKind::input;
  std::size_t index = 0;  // input: into Dispersions::inputs; group: into Dispersions::correlations
};

// The factors of a study in design order: the independent inputs and the correlated groups in
// the order of their first input, then the environment, the failure and the navigation noise
// (each when the study draws it).
std::vector<Factor> sensitivity_factors(const Study& config);

// Everything shared (read-only) by the workers of one run.
class SamplePlan {
 public:
  // `stratify`: how rows are spread over the failure modes (engine/strata.hpp). `sensitivity`:
  // the rows are that design's points over sensitivity_factors(config) (stratify must be none).
  SamplePlan(const Study& config, std::uint64_t seed, std::uint64_t n_samples,
             uncertainty::SamplerKind sampler, Stratify stratify = Stratify::none,
             const SensitivityDesignSpec* sensitivity = nullptr);

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

  // The design's factors (sensitivity designs only; empty otherwise) and, per kind, the column of
  // the design's point that sets it (-1: none).
  const std::vector<Factor>& factors() const noexcept { return factors_; }
  bool factor_design() const noexcept { return !factors_.empty(); }
  struct FactorColumns {
    std::vector<int> input;  // per input (-1: a member of a group)
    std::vector<int> group;  // per correlation group
    int density = -1, wind_east = -1, wind_north = -1;
    int failure_mode = -1, failure_time = -1, failure_details = -1, navigation = -1;
  };
  const FactorColumns& factor_columns() const noexcept { return columns_; }

 private:
  Study config_;
  std::uint64_t seed_;
  std::uint64_t n_samples_;
  uncertainty::SamplerKind sampler_kind_;
  FailureStrata strata_;
  std::unique_ptr<uncertainty::Design> design_;
  std::vector<std::unique_ptr<uncertainty::GaussianCopula>> copulas_;
  std::vector<std::string> drawn_names_;
  std::vector<Factor> factors_;
  FactorColumns columns_;
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
  std::vector<double> u_;         // the design's point
  std::vector<double> u_inputs_;  // factor designs: the inputs' uniforms from the factors
  std::vector<double> u_group_;   // scratch for copulas
  std::vector<double> u_corr_;
};

}  // namespace launchmc::engine
