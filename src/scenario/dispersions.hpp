// What is uncertain about a scenario: dispersed inputs (by config path) with their distributions
// and correlations, environment dispersions (density, winds), and failure modes.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <optional>
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

// What a failure mode does (config key `mode`). Stable codes: they are stored in run files.
enum class FailureKind : std::uint8_t {
  engine_shutdown = 0,     // the engine stops; the intact stack flies on unpowered
  ignition_failure = 1,    // the stage does not ignite after separation; the stack falls
  thrust_loss = 2,         // the thrust (and mass flow) drops to a drawn fraction until burnout
  flight_termination = 3,  // the flight-termination system fires: immediate breakup
  explosion = 4,           // immediate breakup
  separation_failure = 5,  // the spent stage stays attached to the next one
  loss_of_control = 6,     // the thrust turns away from the command at a drawn rate and direction
};
inline constexpr int kFailureKindCount = 7;

// A failure mode of one stage. Its chance per flight is given directly (`probability`, time
// uniform in [window_start_s, window_end_s] after the stage's ignition) or as a constant hazard
// rate per second of burn (`hazard_rate_per_s`, time exponential from window_start_s, truncated at
// window_end_s, so P(per flight) = 1 - exp(-rate (end - start))). The modes are exclusive.
struct FailureMode {
  std::string name;
  std::size_t stage = 0;
  FailureKind kind = FailureKind::engine_shutdown;
  double probability = 0.0;        // per flight [-] (used when hazard_rate_per_s is 0)
  double hazard_rate_per_s = 0.0;  // per second of burn [1/s]; 0: `probability` applies
  double window_start_s = 0.0;
  double window_end_s = 0.0;
  // thrust_loss: the remaining thrust fraction is uniform in [min, max] [-].
  double thrust_fraction_min = 0.0;
  double thrust_fraction_max = 1.0;
  // separation_failure: the next stage ignites and flies the stuck stage along (true), or does
  // not ignite (false).
  bool attached_ignites = true;
  // loss_of_control: the thrust direction turns away from the guidance command at a rate uniform
  // in [min, max] [deg/s] (a slow turn at a fraction of a degree per second, a tumble at tens),
  // toward a direction about the command given by `turn_direction_deg` (0: pitch up, 90: to the
  // right of the commanded heading, 180: pitch down, 270: left), uniform in [0, 360) when absent.
  double turn_rate_min_deg_s = 0.0;
  double turn_rate_max_deg_s = 0.0;
  std::optional<double> turn_direction_deg;

  // Probability that this mode strikes a flight [-].
  double per_flight_probability() const noexcept {
    if (hazard_rate_per_s > 0.0)
      return -std::expm1(-hazard_rate_per_s * (window_end_s - window_start_s));
    return probability;
  }
  // The time of the failure after the stage's ignition [s] from a uniform number u in [0, 1):
  // uniform in the window, or the exponential (hazard) time truncated to the window (inverse CDF).
  double time_after_ignition_s(double u) const noexcept {
    const double span = window_end_s - window_start_s;
    if (hazard_rate_per_s > 0.0)
      return window_start_s -
             std::log1p(u * std::expm1(-hazard_rate_per_s * span)) / hazard_rate_per_s;
    return window_start_s + u * span;
  }
  // Modes that break the vehicle up into its debris at once.
  bool breakup() const noexcept {
    return kind == FailureKind::flight_termination || kind == FailureKind::explosion;
  }
};

// How the rows of a run are spread over the failure modes (config `uncertainties.stratify`,
// `run --stratify`): `none` draws each flight's failure with its probability (brute force);
// `failures` gives a fixed share of the rows to "no failure" and to each failure mode, drawn
// conditionally on it, and weights every row (engine/strata.hpp).
enum class Stratify : std::uint8_t { none = 0, failures = 1 };
inline const char* to_string(Stratify s) noexcept {
  return s == Stratify::failures ? "failures" : "none";
}

struct Dispersions {
  std::vector<UncertainInput> inputs;
  std::vector<CorrelationGroup> correlations;
  bool density = false;  // altitude-dependent density factor drawn per sample
  bool wind = false;     // wind perturbation drawn per sample
  std::vector<FailureMode> failures;
  uncertainty::SamplerKind sampler = uncertainty::SamplerKind::monte_carlo;
  Stratify stratify = Stratify::none;
  // Explicit shares of the rows by stratum (0: no failure, 1 + m: failure mode m), relative
  // (normalised by the engine); empty: the default allotment (engine/strata.hpp).
  std::vector<double> stratum_shares;

  bool empty() const noexcept { return inputs.empty() && !density && !wind && failures.empty(); }
};

}  // namespace launchmc
