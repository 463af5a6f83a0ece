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

// The failing stage does not ignite after its separation from the stage below: the stack coasts
// on unpowered (May 2023). Strikes at the stage's ignition time (time_after_ignition_s is 0).
struct IgnitionFailure {};

// The failing stage's thrust and mass flow drop to `fraction` of their value (same Isp) from the
// failure to the stage's burnout (which then comes later: depletion or the commanded cutoff).
struct ThrustLoss {
  double fraction = 1.0;  // [-] in [0, 1]
};

// The failing stage does not separate after its burnout: it stays attached. The next stage then
// ignites and flies its extra mass and the drag of the stack with the stuck stage (the stuck
// stage's stack_drag) until its own separation, when both fall together (`next_ignites`), or
// does not ignite and the whole stack falls. Strikes at the separation (time_after_ignition_s 0).
struct SeparationFailure {
  bool next_ignites = true;
};

// The vehicle breaks up at once (a flight-termination system firing, an explosion): it becomes
// the failing stage's debris list plus its intact pieces (upper stages, payload, fairing), each
// flown to the ground.
struct Breakup {};

// Loss of control: from the failure on, the thrust direction turns away from the guidance's command
// c(t) at `turn_rate_radps` toward the direction d(t) perpendicular to c at the clock angle
// `direction_rad` (0: the pitch-up side, the local vertical's component perpendicular to c;
// pi/2: to the right, c x pitch-up), so the thrust is cos(theta) c + sin(theta) d with
// theta = rate (t - t_failure): the angle between thrust and command is theta until it passes pi
// (a tumble). Ends at the stage's burnout (the stack then falls unpowered: it does not stage),
// at a q-alpha breakup (vehicle.stages[k].q_alpha_limit_Pa_rad) or at a flight-termination rule.
struct LossOfControl {
  double turn_rate_radps = 0.0;  // [rad/s] >= 0
  double direction_rad = 0.0;    // clock angle about the commanded thrust axis [rad]
};

// What a failure does to the vehicle. One alternative per kind of failure: the flight sequencer
// applies each with its own overload (std::visit), so a new kind is one alternative and one
// overload.
using FailureEffect = std::variant<EngineShutdown, IgnitionFailure, ThrustLoss, Breakup,
                                   SeparationFailure, LossOfControl>;

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
  // Breakup fragments' imparted velocities come from the stream (fragment_seed, 0): their own
  // purpose, so drawing them shifts no other draw. The nominal flight never breaks up.
  std::uint64_t fragment_seed = 0;
};

}  // namespace launchmc
