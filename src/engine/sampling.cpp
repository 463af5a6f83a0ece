// Sample index -> dispersed scenario.
#include "engine/sampling.hpp"

#include <bit>
#include <cmath>
#include <stdexcept>

#include "common/constants.hpp"
#include "scenario/validate.hpp"
#include "sensitivity/morris.hpp"
#include "sensitivity/saltelli.hpp"
#include "uncertainty/distribution.hpp"
#include "uncertainty/random_stream.hpp"

namespace launchmc::engine {

using uncertainty::RandomStream;
using uncertainty::StreamPurpose;

namespace {

// The stream index a factor's uniform keys (group, failure details, navigation): its bit pattern,
// so that distinct values never share a stream.
std::uint64_t stream_key(double u) noexcept { return std::bit_cast<std::uint64_t>(u); }

bool draws_navigation_noise(const Study& config) {
  for (const auto& stage : config.scenario.vehicle.stages)
    if (stage.closed_loop && (stage.closed_loop->navigation.position_noise_m > 0.0 ||
                              stage.closed_loop->navigation.velocity_noise_mps > 0.0))
      return true;
  for (const auto& in : config.dispersions.inputs)
    if (in.path.find(".navigation.position_noise_m") != std::string::npos ||
        in.path.find(".navigation.velocity_noise_mps") != std::string::npos)
      return true;
  return false;
}

// Whether a failure can draw more than its mode and time: a thrust fraction, a turn, or a
// breakup's fragment velocities (a breakup kind, a loss of control's q-alpha breakup, or a
// flight-termination rule ending any failed flight).
bool draws_failure_details(const Study& config) {
  if (config.scenario.range_safety.rule_count() > 0) return true;
  for (const FailureMode& f : config.dispersions.failures)
    if (f.kind != FailureKind::engine_shutdown && f.kind != FailureKind::ignition_failure &&
        f.kind != FailureKind::separation_failure)
      return true;
  return false;
}

}  // namespace

std::vector<Factor> sensitivity_factors(const Study& config) {
  const Dispersions& d = config.dispersions;
  std::vector<int> group_of(d.inputs.size(), -1);
  for (std::size_t g = 0; g < d.correlations.size(); ++g)
    for (const std::size_t j : d.correlations[g].inputs) group_of[j] = static_cast<int>(g);
  std::vector<bool> group_listed(d.correlations.size(), false);
  std::vector<Factor> factors;
  for (std::size_t j = 0; j < d.inputs.size(); ++j) {
    if (group_of[j] < 0) {
      factors.push_back({d.inputs[j].path, FactorKind::input, j});
      continue;
    }
    const auto g = static_cast<std::size_t>(group_of[j]);
    if (group_listed[g]) continue;
    group_listed[g] = true;
    std::string name;
    for (const std::size_t m : d.correlations[g].inputs)
      name += (name.empty() ? "" : " + ") + d.inputs[m].path;
    factors.push_back({name, FactorKind::group, g});
  }
  if (d.density) factors.push_back({"env.density_xi", FactorKind::env_density, 0});
  if (d.wind) {
    factors.push_back({"env.wind_east_xi", FactorKind::env_wind_east, 0});
    factors.push_back({"env.wind_north_xi", FactorKind::env_wind_north, 0});
  }
  if (!d.failures.empty()) {
    factors.push_back({"failure.mode", FactorKind::failure_mode, 0});
    factors.push_back({"failure.time", FactorKind::failure_time, 0});
    if (draws_failure_details(config))
      factors.push_back({"failure.details", FactorKind::failure_details, 0});
  }
  if (draws_navigation_noise(config))
    factors.push_back({"navigation.noise", FactorKind::navigation, 0});
  return factors;
}

SamplePlan::SamplePlan(const Study& config, std::uint64_t seed, std::uint64_t n_samples,
                       uncertainty::SamplerKind sampler, Stratify stratify,
                       const SensitivityDesignSpec* sensitivity)
    : config_(config),
      seed_(seed),
      n_samples_(n_samples),
      sampler_kind_(sampler),
      strata_(config.dispersions, stratify) {
  const Dispersions& d = config_.dispersions;
  if (sensitivity == nullptr) {
    design_ =
        std::make_unique<uncertainty::SamplerDesign>(sampler, d.inputs.size(), seed, n_samples);
  } else {
    if (!strata_.single())
      throw std::invalid_argument(
          "a sensitivity design flies unstratified rows: its estimators need the draws' own "
          "distribution (use --stratify none)");
    factors_ = sensitivity_factors(config_);
    if (factors_.empty())
      throw std::invalid_argument(
          "the config has nothing uncertain (no uncertainties: inputs, density, wind or "
          "failures): there is no factor to study");
    const std::size_t k = factors_.size();
    columns_.input.assign(d.inputs.size(), -1);
    columns_.group.assign(d.correlations.size(), -1);
    for (std::size_t c = 0; c < k; ++c) {
      const int col = static_cast<int>(c);
      const Factor& f = factors_[c];
      switch (f.kind) {
        case FactorKind::input:
          columns_.input[f.index] = col;
          break;
        case FactorKind::group:
          columns_.group[f.index] = col;
          break;
        case FactorKind::env_density:
          columns_.density = col;
          break;
        case FactorKind::env_wind_east:
          columns_.wind_east = col;
          break;
        case FactorKind::env_wind_north:
          columns_.wind_north = col;
          break;
        case FactorKind::failure_mode:
          columns_.failure_mode = col;
          break;
        case FactorKind::failure_time:
          columns_.failure_time = col;
          break;
        case FactorKind::failure_details:
          columns_.failure_details = col;
          break;
        case FactorKind::navigation:
          columns_.navigation = col;
          break;
      }
    }
    if (sensitivity->method == "sobol") {
      design_ = std::make_unique<sensitivity::SaltelliDesign>(k, sensitivity->n, seed,
                                                              sensitivity->second_order);
    } else if (sensitivity->method == "morris") {
      sensitivity::MorrisDesignOptions mo;
      mo.levels = sensitivity->levels;
      mo.pool = sensitivity->pool;
      design_ = std::make_unique<sensitivity::MorrisDesign>(k, sensitivity->n, seed, mo);
    } else {
      throw std::invalid_argument("sensitivity design '" + sensitivity->method +
                                  "': expected sobol or morris");
    }
    if (design_->rows() != n_samples)
      throw std::logic_error("sensitivity plan: " + std::to_string(n_samples) +
                             " samples for a design of " + std::to_string(design_->rows()) +
                             " rows");
  }
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
  u_.resize(plan.design().dimensions());
  if (plan.factor_design()) u_inputs_.resize(refs_.size());
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
  // Sensitivity designs: every draw comes from the row's factors (SamplePlan::factors), not from
  // the streams of index i, which the rows of one base point share.
  const bool by_factor = plan_.factor_design();
  const SamplePlan::FactorColumns& fc = plan_.factor_columns();
  auto keyed = [&](int column) { return by_factor && column >= 0 ? stream_key(u_[column]) : i; };
  std::span<double> u_in = u_;  // the inputs' uniforms
  if (by_factor) {
    u_in = u_inputs_;
    for (std::size_t j = 0; j < refs_.size(); ++j)
      if (fc.input[j] >= 0) u_inputs_[j] = u_[fc.input[j]];
    for (std::size_t g = 0; g < d.correlations.size(); ++g) {
      RandomStream gs(plan_.seed(), stream_key(u_[fc.group[g]]), StreamPurpose::sensitivity_groups);
      for (const std::size_t j : d.correlations[g].inputs)
        u_inputs_[j] = uncertainty::u_to_open(gs.uniform01());
    }
  }
  // The row's failure stratum: a function of the row index alone (engine/strata.hpp).
  const FailureStrata& strata = plan_.strata();
  stratum_ = strata.stratum_of(row);
  // Navigation noise of closed-loop guidance: its own stream family per sample (cycle k of
  // sample i draws from (mix(seed, i), k)), so it never shifts any other draw.
  draws_ = SampleDraws{};
  draws_.navigation_noise = true;
  draws_.navigation_seed = uncertainty::mix_seed(
      plan_.seed(), keyed(fc.navigation), static_cast<std::uint64_t>(StreamPurpose::navigation));
  if (!refs_.empty()) {
    for (std::size_t g = 0; g < d.correlations.size(); ++g) {
      const auto& idx = d.correlations[g].inputs;
      for (std::size_t j = 0; j < idx.size(); ++j) u_group_[j] = u_in[idx[j]];
      plan_.copulas()[g]->correlate(std::span<const double>(u_group_.data(), idx.size()),
                                    std::span<double>(u_corr_.data(), idx.size()));
      for (std::size_t j = 0; j < idx.size(); ++j) u_in[idx[j]] = u_corr_[j];
    }
    for (std::size_t j = 0; j < refs_.size(); ++j) {
      const double x = d.inputs[j].distribution.quantile(u_in[j]);
      *refs_[j].value = x;
      drawn[col++] = x;
      if (!refs_[j].admissible(x)) valid = false;
    }
    // The drawn model must pass the config's validation: every declared range (above, per input)
    // and the cross-field rules (thrust-to-weight above 1, orderings, the guidance target).
    if (valid && !validate(scenario_)) valid = false;
  }
  if (d.density || d.wind) {
    double xi_density = 0.0, xi_east = 0.0, xi_north = 0.0;
    if (by_factor) {
      auto xi = [&](int column) {
        return column >= 0 ? uncertainty::standard_normal_quantile(u_[column]) : 0.0;
      };
      xi_density = xi(fc.density);
      xi_east = xi(fc.wind_east);
      xi_north = xi(fc.wind_north);
    } else {
      RandomStream env(plan_.seed(), i, StreamPurpose::environment);
      xi_density = env.normal();
      xi_east = env.normal();
      xi_north = env.normal();
    }
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
    // Sensitivity designs: the mode and time from their factors, the rest from the stream the
    // failure-details factor keys.
    const std::uint64_t details = keyed(fc.failure_details);
    RandomStream fs(plan_.seed(), details, StreamPurpose::failures);
    const double u_mode = by_factor ? u_[fc.failure_mode] : fs.uniform01();
    const double u_time = by_factor ? u_[fc.failure_time] : fs.uniform01();

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
        plan_.seed(), details, static_cast<std::uint64_t>(StreamPurpose::fragments));
    drawn[col++] = draws_.failure.mode;
    drawn[col++] = draws_.failure.mode >= 0 ? draws_.failure.time_after_ignition_s : NAN;
  }
  return valid;
}

}  // namespace launchmc::engine
