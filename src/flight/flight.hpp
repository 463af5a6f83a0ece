// One flight: the vehicle from liftoff to orbit insertion or ground impact, then every jettisoned
// body to its impact. A pure function of the scenario: no shared state, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/label.hpp"
#include "flight/dynamics.hpp"
#include "flight/integrator.hpp"
#include "flight/observers.hpp"
#include "orbit/elements.hpp"
#include "scenario/draws.hpp"
#include "scenario/scenario.hpp"

namespace launchmc::flight {

enum class EventKind : std::uint8_t {
  liftoff,
  pitch_over,
  gravity_turn_end,  // the pitch program takes over from the gravity turn
  max_q,
  ignition,    // index: stage
  burnout,     // index: stage (depletion or commanded cutoff)
  separation,  // index: stage
  fairing_jettison,
  payload_separation,
  insertion,
  apogee,
  impact,              // index: -1 for the vehicle, else the body
  engine_failure,      // index: stage
  guidance_engaged,    // index: stage; closed-loop guidance took over the steering
  ignition_failure,    // index: stage; a drawn failure: the stage did not ignite
  thrust_loss,         // index: stage; a drawn failure: the thrust dropped to a fraction
  breakup,             // index: stage (the lowest); flight termination or explosion: debris
  separation_failure,  // index: stage; a drawn failure: the spent stage stayed attached
  loss_of_control,     // index: stage; a drawn failure: the thrust turns away from the command
};
const char* to_string(EventKind kind) noexcept;

struct FlightEvent {
  EventKind kind = EventKind::liftoff;
  int index = -1;
  double t_s = 0.0;
  State state = State::Zero();  // ECI position, velocity and mass at the event
};

// Classes of released bodies (BodyResult::body_class): open labels, not a closed list. Risk and
// footprint statistics group by them; a new kind of debris (breakup fragments) brings its own.
inline constexpr std::string_view kSpentStageClass = "spent_stage";
inline constexpr std::string_view kFairingPieceClass = "fairing_piece";
// Intact pieces of a broken-up vehicle (breakup fragments take their debris class's name).
inline constexpr std::string_view kIntactStageClass = "intact_stage";
inline constexpr std::string_view kPayloadClass = "payload";

enum class BodyFate : std::uint8_t {
  impact,               // reached the ellipsoid
  orbiting,             // released into an orbit whose perigee is above the orbiting threshold
  time_limit,           // still flying at the body flight-time limit
  integration_failure,  // non-finite state or step-size underflow
};
const char* to_string(BodyFate fate) noexcept;

// A body released by the vehicle and flown to its fate: its row of the flight's body table.
struct BodyResult {
  Label name;        // unique within the flight: "stage1", "fairing_2", ...
  Label body_class;  // what kind of debris: kSpentStageClass, kFairingPieceClass, ...
  const vehicle::DragModel* drag = nullptr;  // into the model flown (valid while it lives)
  double weight = 1.0;            // pieces the body stands for (a group of like fragments: many)
  double casualty_area_m2 = 0.0;  // of one piece (breakup fragments; 0: not given)
  bool fragment = false;          // a body of a breakup: flown with the fragment tolerances
  double release_time_s = 0.0;
  State release_state = State::Zero();
  BodyFate fate = BodyFate::time_limit;
  FlightEvent impact;  // valid when fate == impact
  IntegratorStats stats;
};

enum class FlightStatus : std::uint8_t {
  orbit,                // final cutoff with perigee above the insertion threshold
  suborbital,           // powered flight completed, the vehicle fell back (missiles: nominal)
  crash,                // hit the ground before the end of powered flight
  integration_failure,  // non-finite state or step-size underflow
  time_limit,           // still flying at the flight-time limit
};
const char* to_string(FlightStatus status) noexcept;

// How the last powered phase ended: why a vehicle is where it is at the end of powered flight.
// Stable codes (HDF5 enum `powered_flight_end`).
enum class PoweredFlightEnd : std::uint8_t {
  none = 0,             // powered flight did not end (crash, time limit, integration failure)
  guidance_cutoff = 1,  // closed-loop cutoff: the guidance target (orbit, apogee) was reached
  timed_cutoff = 2,     // commanded cutoff at a fixed time
  depletion = 3,        // propellant ran out before any commanded or guided cutoff
  motor_burnout = 4,    // a solid motor's thrust table ended
  engine_failure = 5,   // a drawn failure mode shut the engine down (or kept a stage from lighting)
  breakup = 6,          // the vehicle broke up in powered flight: BreakupCause says why
};
inline constexpr int kPoweredFlightEndCount = 7;
const char* to_string(PoweredFlightEnd end) noexcept;

// Why the vehicle broke up. Stable codes (HDF5 enum `breakup_cause`).
enum class BreakupCause : std::uint8_t {
  none = 0,              // no breakup
  failure_mode = 1,      // a drawn failure mode (`explosion`, `flight_termination`)
  q_alpha = 2,           // aerodynamic load after a loss of control: q alpha reached the limit
  termination_rule = 3,  // a flight-termination rule (scenario.range_safety) fired
};
inline constexpr int kBreakupCauseCount = 4;
const char* to_string(BreakupCause cause) noexcept;

struct Insertion {
  double t_s = 0.0;
  State state = State::Zero();
  orbit::Elements elements{};
  orbit::ApsisAltitudes apsides{};
};

struct FlightResult {
  FlightStatus status = FlightStatus::time_limit;
  std::vector<FlightEvent> events;  // in time order for the vehicle, then body impacts
  std::optional<Insertion> insertion;
  std::vector<BodyResult> bodies;
  double max_q_Pa = 0.0;
  double max_q_time_s = 0.0;
  // The vehicle's own flight when it ends on the ground (suborbital or crash).
  double apogee_alt_m = 0.0;  // highest geodetic altitude reached [m]
  double range_m = 0.0;       // geodesic distance launch site -> impact [m]
  double flight_time_s = 0.0;
  int failure_mode = -1;  // the failure mode that occurred (-1: none)
  PoweredFlightEnd powered_flight_end = PoweredFlightEnd::none;
  BreakupCause breakup_cause = BreakupCause::none;
  int termination_rule = -1;  // the flight-termination rule that fired (RangeSafety order; -1)
  IntegratorStats ascent_stats;
  // The IIP during powered flight on the grid of scenario.iip.step_s (IipSampler).
  std::vector<IipPoint> iip;

  // Empties the result but keeps its capacity, so a reused result does not allocate.
  void clear() noexcept;
};

// The nominal flight's vehicle states during powered flight, every step_s from liftoff: the
// reference of the deviation limits of the flight-termination rules (scenario.range_safety).
// Recorded once per run (record_nominal_track) before the samples, read-only in every flight.
struct NominalTrack {
  double step_s = 0.1;        // [s]; linear interpolation between points: < 0.1 m, < 1 mm/s
  std::vector<State> states;  // at k step_s, k = 0, 1, ... (ECI position, velocity, mass)

  // The state at t_s by linear interpolation; false outside the track.
  bool at(double t_s, State& out) const noexcept;
};

// Flies the nominal flight of `model` (no draws, no nominal track of its own) and records its
// track; empty when the model has no deviation limits (nothing needs it).
NominalTrack record_nominal_track(const Scenario& model);

// Buffers reused between flights so that a flight does not allocate once warmed up.
struct FlightWorkspace {
  std::vector<double> guidance_breakpoints_s;
};

// Flies `model` with one sample's `draws` (default: the nominal flight, which draws nothing).
// `recorder` receives time histories (fly -o); `observers` are attached to the vehicle's
// trajectory after the flight's own (at most ObserverList::kMaxObservers in all). `nominal`: the
// reference of the deviation limits (record_nominal_track of the undispersed model); null: the
// deviation limits do not apply (the nominal flight itself).
void fly(const Scenario& model, const SampleDraws& draws, FlightResult& result,
         FlightWorkspace& workspace, TrajectoryRecorder* recorder = nullptr,
         std::span<StepObserver* const> observers = {}, const NominalTrack* nominal = nullptr);
FlightResult fly(const Scenario& model, const SampleDraws& draws,
                 TrajectoryRecorder* recorder = nullptr, const NominalTrack* nominal = nullptr);
FlightResult fly(const Scenario& model, TrajectoryRecorder* recorder = nullptr);  // nominal

// Most bodies one breakup can release (fragments flown of the largest debris list, intact upper
// stages, fairing pieces, payload), and most bodies any flight can release: buffers reserved to
// these never grow during a run.
std::size_t max_breakup_bodies(const Scenario& model) noexcept;
std::size_t max_bodies(const Scenario& model) noexcept;

// "liftoff", "stage1_burnout", "stage2_ignition", "fairing_1_impact", ...
std::string event_name(const Scenario& scenario, const FlightResult& result,
                       const FlightEvent& event);

// Where and how fast, at one point of a trajectory.
struct PointSummary {
  double lat_deg = 0.0, lon_deg = 0.0, alt_m = 0.0;  // geodetic, WGS-84
  double speed_mps = 0.0;                            // relative to the rotating Earth
  double inertial_speed_mps = 0.0;                   // in ECI
  double flight_path_angle_deg = 0.0;  // Earth-relative velocity above the local horizontal
  double heading_deg = 0.0;            // Earth-relative velocity, clockwise from north
  double mach = 0.0;
  double dynamic_pressure_Pa = 0.0;
  double mass_kg = 0.0;
};
PointSummary summarize_point(const Environment& env, double t_s, const State& state);
// Environment of a scenario (Earth rotation from its epoch, atmosphere, wind, gravity) with one
// sample's draws of the density and wind dispersions (default: none).
Environment make_environment(const Scenario& scenario, const SampleDraws& draws = {});
// Initial state on the pad, at rest on the rotating Earth.
State initial_state(const Scenario& scenario, const Environment& env);

}  // namespace launchmc::flight
