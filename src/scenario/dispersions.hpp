// What is uncertain about a scenario: dispersed inputs (by config path) with their distributions
// and correlations, environment dispersions (density, winds), and failure modes.
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "common/table.hpp"
#include "uncertainty/distribution.hpp"
#include "uncertainty/sampler.hpp"

namespace launchmc {

struct UncertainInput {
  std::string path;                        // config path, e.g. "vehicle.stages[1].thrust_vac_N"
  uncertainty::Distribution distribution;  // of the parameter's value (not of a deviation)
  double nominal = 0.0;                    // the config's value
};

// Inputs correlated through a Gaussian copula.
struct CorrelationGroup {
  std::vector<std::size_t> inputs;  // indices into Dispersions::inputs
  Eigen::MatrixXd matrix;           // correlation matrix, validated positive definite
};

// Engine shutdown of one stage: with `probability` per flight, at a time uniform in
// [window_start_s, window_end_s] after the stage's ignition. The rest of the vehicle stays
// together and flies on unpowered (to orbit if it already is in one, else to the ground).
struct FailureMode {
  std::string name;
  std::size_t stage = 0;
  double probability = 0.0;
  double window_start_s = 0.0;
  double window_end_s = 0.0;
};

struct Dispersions {
  std::vector<UncertainInput> inputs;
  std::vector<CorrelationGroup> correlations;
  bool density = false;  // altitude-dependent density factor drawn per sample
  bool wind = false;     // wind perturbation drawn per sample
  std::vector<FailureMode> failures;
  uncertainty::SamplerKind sampler = uncertainty::SamplerKind::monte_carlo;

  bool empty() const noexcept { return inputs.empty() && !density && !wind && failures.empty(); }
};

}  // namespace launchmc
