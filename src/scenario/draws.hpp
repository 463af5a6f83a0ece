// What one Monte Carlo sample draws besides its parameter values: the random shapes of the
// environment, the failure that strikes, and the seed of the navigation noise. It travels beside
// the model into the flight (flight::fly(model, draws, ...)), never inside it, so a model is
// read once and every sample's randomness is visible in one place. The nominal flight draws
// nothing: a default SampleDraws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <variant>

namespace launchmc {

// The engine of the failing stage stops; the rest of the vehicle stays together and flies on
// unpowered (to orbit if it already is in one, else to the ground).
struct EngineShutdown {};

// What a failure does to the vehicle. One alternative per kind of failure: the flight sequencer
// applies each with its own overload (std::visit), so a new kind (a breakup into fragments, a
// flight-termination action) is one alternative and one overload.
using FailureEffect = std::variant<EngineShutdown>;

// A failure drawn for one flight: `effect` strikes the stage `stage` `time_after_ignition_s` after
// its ignition. mode < 0: no failure.
struct FailureInjection {
  int mode = -1;  // index of the config's failure mode
  std::size_t stage = 0;
  double time_after_ignition_s = 0.0;
  FailureEffect effect = EngineShutdown{};
};

struct SampleDraws {
  // Standard normal draws that shape the density dispersion (scenario.density_log_sd) and the
  // wind perturbation (the wind profile's perturbation sigma), each fully correlated in altitude.
  double density_xi = 0.0;
  double wind_east_xi = 0.0;
  double wind_north_xi = 0.0;
  FailureInjection failure;
  // Navigation noise of closed-loop guidance: drawn only in dispersed flights (Monte Carlo
  // samples, `fly --sample`); the nominal flight, like every other nominal input, has none. The
  // noise of guidance cycle k comes from the stream (navigation_seed, k).
  bool navigation_noise = false;
  std::uint64_t navigation_seed = 0;
};

}  // namespace launchmc
