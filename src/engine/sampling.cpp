// Sample index -> dispersed scenario.
#include "engine/sampling.hpp"

#include <cmath>
#include <stdexcept>

#include "common/constants.hpp"
#include "scenario/validate.hpp"
#include "uncertainty/random_stream.hpp"

namespace launchmc::engine {

using uncertainty::RandomStream;
using uncertainty::StreamPurpose;

SamplePlan::SamplePlan(const Study& config, std::uint64_t seed, std::uint64_t n_samples,
                       uncertainty::SamplerKind sampler, Stratify stratify)
    : config_(config),
      seed_(seed),
      n_samples_(n_samples),
      sampler_kind_(sampler),
      strata_(config.dispersions, stratify) {
  const Dispersions& d = config_.dispersions;
  design_ = std::make_unique<uncertainty::SamplerDesign>(sampler, d.inputs.size(), seed, n_samples);
  for (const auto& g : d.correlations)
    copulas_.push_back(std::make_unique<uncertainty::GaussianCopula>(g.matrix));
  for (const auto& in : d.inputs) drawn_names_.push_back(in.path);
  if (d.density) drawn_names_.push_back("env.density_xi");
  if (d.wind) {
    drawn_names_.push_back("env.wind_east_xi");
    drawn_names_.push_back("env.wind_north_xi");
  }
  if (!d.failures.empty()) {
    drawn_names_.push_back("failure.mode");
    drawn_names_.push_back("failure.time_s");
  }
}

SampledScenario::SampledScenario(const SamplePlan& plan) : plan_(plan), scenario_(plan.nominal()) {
  for (const auto& in : plan.dispersions().inputs) {
    ParameterRef r = resolve_parameter(scenario_, in.path);
    if (!r) throw std::logic_error("input path no longer resolves: " + in.path);
    refs_.push_back(r);
  }
  u_.resize(refs_.size());
  std::size_t largest = 0;
  for (const auto& g : plan.dispersions().correlations)
    largest = std::max(largest, g.inputs.size());
  u_group_.resize(largest);
  u_corr_.resize(largest);
}

bool SampledScenario::set_sample(std::uint64_t row, std::span<double> drawn) {
  const Dispersions& d = plan_.dispersions();
  std::size_t col = 0;
  bool valid = true;
  // The row's design point, and the stream index that keys every other draw of the row.
  const std::uint64_t i = plan_.design().row(row, u_);
  stream_ = i;
  // The row's failure stratum: a function of the row index alone (engine/strata.hpp).
  const FailureStrata& strata = plan_.strata();
  stratum_ = strata.stratum_of(row);
  // Navigation noise of closed-loop guidance: its own stream family per sample (cycle k of
  // sample i draws from (mix(seed, i), k)), so it never shifts any other draw.
  draws_ = SampleDraws{};
  draws_.navigation_noise = true;
  draws_.navigation_seed =
      uncertainty::mix_seed(plan_.seed(), i, static_cast<std::uint64_t>(StreamPurpose::navigation));
  if (!refs_.empty()) {
    for (std::size_t g = 0; g < d.correlations.size(); ++g) {
      const auto& idx = d.correlations[g].inputs;
      for (std::size_t j = 0; j < idx.size(); ++j) u_group_[j] = u_[idx[j]];
      plan_.copulas()[g]->correlate(std::span<const double>(u_group_.data(), idx.size()),
                                    std::span<double>(u_corr_.data(), idx.size()));
      for (std::size_t j = 0; j < idx.size(); ++j) u_[idx[j]] = u_corr_[j];
    }
    for (std::size_t j = 0; j < refs_.size(); ++j) {
      const double x = d.inputs[j].distribution.quantile(u_[j]);
      *refs_[j].value = x;
      drawn[col++] = x;
      if (!refs_[j].admissible(x)) valid = false;
    }
    // The drawn model must pass the config's validation: every declared range (above, per input)
    // and the cross-field rules (thrust-to-weight above 1, orderings, the guidance target).
    if (valid && !validate(scenario_)) valid = false;
  }
  if (d.density || d.wind) {
    RandomStream env(plan_.seed(), i, StreamPurpose::environment);
    const double xi_density = env.normal();
    const double xi_east = env.normal();
    const double xi_north = env.normal();
    if (d.density) {
      draws_.density_xi = xi_density;
      drawn[col++] = xi_density;
    }
    if (d.wind) {
      draws_.wind_east_xi = xi_east;
      draws_.wind_north_xi = xi_north;
      drawn[col++] = xi_east;
      drawn[col++] = xi_north;
    }
  }
  if (!d.failures.empty()) {
    // At most one failure per flight: the modes are exclusive, drawn with their probabilities;
    // when failures are stratified, the row's stratum names the mode (0: none) and the same
    // numbers of the same stream draw the rest (the time from the mode's own distribution).
    RandomStream fs(plan_.seed(), i, StreamPurpose::failures);
    const double u_mode = fs.uniform01();
    const double u_time = fs.uniform01();

    double cumulative = 0.0;
    for (std::size_t m = 0; m < d.failures.size(); ++m) {
      const FailureMode& f = d.failures[m];
      cumulative += f.per_flight_probability();
      if (strata.single() ? u_mode < cumulative : stratum_ == m + 1) {
        draws_.failure.mode = static_cast<int>(m);
        draws_.failure.stage = f.stage;
        draws_.failure.time_after_ignition_s = f.time_after_ignition_s(u_time);
        switch (f.kind) {
          case FailureKind::engine_shutdown:
            draws_.failure.effect = EngineShutdown{};
            break;
          case FailureKind::ignition_failure:
            draws_.failure.effect = IgnitionFailure{};
            draws_.failure.time_after_ignition_s = 0.0;
            break;
          case FailureKind::thrust_loss: {
            // A third number from the same stream, after the two that every failure draws: the
            // mode and time of every sample stay what they were.
            const double u_fraction = fs.uniform01();
            draws_.failure.effect =
                ThrustLoss{f.thrust_fraction_min +
                           u_fraction * (f.thrust_fraction_max - f.thrust_fraction_min)};
            break;
          }
          case FailureKind::separation_failure:
            draws_.failure.effect = SeparationFailure{f.attached_ignites};
            draws_.failure.time_after_ignition_s = 0.0;
            break;
          case FailureKind::flight_termination:
          case FailureKind::explosion:
            draws_.failure.effect = Breakup{};
            break;
          case FailureKind::loss_of_control: {
            // The third and fourth numbers of the stream (see thrust_loss): the turn rate, then
            // the direction, drawn even when the config fixes it so the count stays the same.
            const double u_rate = fs.uniform01();
            const double u_direction = fs.uniform01();
            const double rate_deg_s =
                f.turn_rate_min_deg_s + u_rate * (f.turn_rate_max_deg_s - f.turn_rate_min_deg_s);
            const double direction_deg =
                f.turn_direction_deg ? *f.turn_direction_deg : 360.0 * u_direction;
            draws_.failure.effect = LossOfControl{rate_deg_s * constants::deg_to_rad,
                                                  direction_deg * constants::deg_to_rad};
            break;
          }
        }
        break;
      }
    }
    draws_.fragment_seed = uncertainty::mix_seed(
        plan_.seed(), i, static_cast<std::uint64_t>(StreamPurpose::fragments));
    drawn[col++] = draws_.failure.mode;
    drawn[col++] = draws_.failure.mode >= 0 ? draws_.failure.time_after_ignition_s : NAN;
  }
  return valid;
}

}  // namespace launchmc::engine
