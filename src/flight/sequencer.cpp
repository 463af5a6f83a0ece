// The flight sequencer: the vehicle from liftoff through its named phases (burn, coast to
// separation, coast to ignition, ballistic) to orbit insertion or the ground, then every released
// body to its fate. Its state is explicit (AscentSequencer's members); what can end an
// integration segment is listed in two places only: the scheduled actions (times known in advance:
// next_scheduled_time / run_scheduled_actions) and the state-triggered events (the StateEvent
// registry: event_value / on_event). A failure's effect is applied by one overload per kind.
#include <algorithm>
#include <cmath>
#include <limits>

#include "atmosphere/us76.hpp"
#include "common/constants.hpp"
#include "flight/flight.hpp"
#include "flight/range_safety.hpp"
#include "flight/rosenbrock.hpp"
#include "guidance/ballistic_aim.hpp"
#include "guidance/upfg.hpp"
#include "uncertainty/random_stream.hpp"

namespace launchmc::flight {

namespace {

constexpr double kSequencerTimeEps_s = 1e-9;

Tolerances<7> make_tolerances(const IntegratorSettings& s) {
  Tolerances<7> tol;
  tol.rtol = s.rtol;
  tol.atol << s.atol_position_m, s.atol_position_m, s.atol_position_m, s.atol_velocity_mps,
      s.atol_velocity_mps, s.atol_velocity_mps, s.atol_mass_kg;
  tol.h_max_s = s.max_step_s;
  tol.event_tol_s = s.event_tolerance_s;
  return tol;
}

// Distance along the surface: WGS-84 geodesic, or great circle on the sphere.
double surface_distance_m(const Environment& env, double lat1_rad, double lon1_rad, double lat2_rad,
                          double lon2_rad) {
  if (env.spherical) {
    const double s = std::sin(0.5 * (lat2_rad - lat1_rad)),
                 c = std::sin(0.5 * (lon2_rad - lon1_rad));
    const double h = s * s + std::cos(lat1_rad) * std::cos(lat2_rad) * c * c;
    return 2.0 * env.sphere_radius_m * std::asin(std::min(1.0, std::sqrt(h)));
  }
  return geo::geodesic_inverse(lat1_rad * constants::rad_to_deg, lon1_rad * constants::rad_to_deg,
                               lat2_rad * constants::rad_to_deg, lon2_rad * constants::rad_to_deg)
      .distance_m;
}

// Terminal-velocity regime: airspeed below twice the local terminal speed
// sqrt(2 m g / (rho Cd A)) means the drag relaxes the velocity faster than the flight changes, the
// stiff case for an explicit integrator.
constexpr double kTerminalSpeedFactor = 2.0;

// One released body from its release to its fate: the explicit integrator while the flight is
// not stiff, then (terminal descent) the L-stable one.
void fly_body(const Scenario& sc, const Environment& env, const DormandPrince45<7>& integrator,
              const Rosenbrock23<7>* stiff_integrator, int id, BodyResult& body,
              TrajectoryRecorder* recorder) {
  State y = body.release_state;
  double t = body.release_time_s;
  std::optional<HistorySampler> history;
  ObserverList observers;
  if (recorder != nullptr) {
    history.emplace(env, *recorder, id, sc.history_step_s);
    observers.add(&*history);
  }
  observers.point(t, y);

  const orbit::Elements el = orbit::elements_from_state(y.head<3>(), y.segment<3>(3));
  if (el.eccentricity < 1.0 &&
      orbit::apsis_altitudes(el).perigee_alt_m >= sc.limits.orbiting_body_min_perigee_alt_m) {
    body.fate = BodyFate::orbiting;
    return;
  }

  PhaseForces forces;
  forces.drag = body.drag;
  auto f = [&](double tt, const State& yy, State& dy) { derivative(env, forces, tt, yy, dy); };
  // Events: 0 impact; 1 entry into the terminal-velocity regime (explicit phase only).
  EventSpec spec;
  spec.count = forces.drag->none() || stiff_integrator == nullptr ? 1 : 2;
  spec.direction[0] = -1;
  spec.direction[1] = -1;
  auto g = [&](double tt, const State& yy, double* out) {
    out[0] = altitude_m(env, yy.head<3>());
    if (spec.count > 1) {
      const AirData air = air_data(env, tt, yy.head<3>(), yy.segment<3>(3));
      const double cda = forces.drag->cd_area_m2(air.mach);
      const double g_local = constants::wgs84_gm_m3ps2 / yy.head<3>().squaredNorm();
      const double v_terminal = air.density_kgpm3 * cda > 0.0
                                    ? std::sqrt(2.0 * yy[6] * g_local / (air.density_kgpm3 * cda))
                                    : std::numeric_limits<double>::infinity();
      out[1] = air.airspeed_mps - kTerminalSpeedFactor * std::min(v_terminal, 1e9);
    }
  };
  const double t_end = body.release_time_s + sc.limits.max_body_flight_time_s;
  double h = 0.0;
  IntegrationOutcome out = integrator.integrate(f, g, spec, observers, t, y, t_end, h, body.stats);
  if (out.reason == StopReason::event && out.event == 1) {
    // Terminal descent: the rest of the way with the L-stable method, impact as the only event.
    spec.count = 1;
    h = std::min(h, 10.0);
    auto jac = [&](double tt, const State& yy, const State& dy, Eigen::Matrix<double, 7, 7>& j,
                   IntegratorStats& st) {
      unpowered_jacobian(env, forces, tt, yy, dy, j, st.rhs_evaluations);
    };
    out = stiff_integrator->integrate(f, jac, g, spec, observers, t, y, t_end, h, body.stats);
  }
  switch (out.reason) {
    case StopReason::event:
      body.fate = BodyFate::impact;
      body.impact = {EventKind::impact, id, t, y};
      observers.point(t, y);
      break;
    case StopReason::reached_end:
      body.fate = BodyFate::time_limit;
      break;
    default:
      body.fate = BodyFate::integration_failure;
      break;
  }
}

// The closed-loop guidance of the burning stage: its steering law, the navigation error it sees
// (held between updates), and the state of its algorithm. Fixed size: no allocation.
struct GuidedBurn {
  const guidance::ClosedLoop* cfg = nullptr;  // null: no closed loop in this burn
  bool engaged = false;  // steering in force (false: open loop until engagement)
  bool holding = false;  // terminal phase: last steering law held to cutoff
  double next_update_s = std::numeric_limits<double>::infinity();
  double last_update_s = 0.0;  // time of the solution in force
  guidance::Upfg upfg;
  guidance::LinearTangentSteering steering;
  Eigen::Vector3d position_error_rsw_m = Eigen::Vector3d::Zero();  // navigated minus true
  Eigen::Vector3d velocity_error_rsw_mps = Eigen::Vector3d::Zero();
  // Cutoff target: semi-major axis (orbit) or apogee radius (ballistic) [m].
  double cutoff_value_m = 0.0;
  guidance::OrbitTarget orbit;                                     // orbit mode
  guidance::BallisticAimTarget aim{Eigen::Vector3d::Zero(), 0.0};  // ballistic mode
};

// Radial, along-track and cross-track unit vectors of a state, as the columns of a matrix.
Eigen::Matrix3d rsw_axes(const Eigen::Vector3d& r, const Eigen::Vector3d& v) noexcept {
  Eigen::Matrix3d m;
  const Eigen::Vector3d rhat = r.normalized();
  Eigen::Vector3d w = r.cross(v);
  const double wn = w.norm();
  // A purely radial velocity (vertical rise) leaves the plane undefined: take any perpendicular.
  w = wn > 0.0 ? Eigen::Vector3d(w / wn) : rhat.unitOrthogonal();
  m.col(0) = rhat;
  m.col(1) = w.cross(rhat);
  m.col(2) = w;
  return m;
}

// The navigated state the guidance sees: the true one plus the held error.
void navigated_state(const GuidedBurn& gb, const State& y, Eigen::Vector3d& r_nav,
                     Eigen::Vector3d& v_nav) noexcept {
  const Eigen::Vector3d r = y.head<3>(), v = y.segment<3>(3);
  const Eigen::Matrix3d axes = rsw_axes(r, v);
  r_nav = r + axes * gb.position_error_rsw_m;
  v_nav = v + axes * gb.velocity_error_rsw_mps;
}

// Semi-major axis (orbit mode) or apogee radius (ballistic mode) of a navigated state, the
// quantity the guided cutoff compares with its target; +huge once the orbit is unbound.
double cutoff_quantity_m(guidance::ClosedLoopMode mode, const Eigen::Vector3d& r,
                         const Eigen::Vector3d& v) noexcept {
  const double mu = constants::wgs84_gm_m3ps2;
  const double energy = 0.5 * v.squaredNorm() - mu / r.norm();
  if (!(energy < 0.0)) return 1e30;
  const double a = -mu / (2.0 * energy);
  if (mode == guidance::ClosedLoopMode::orbit) return a;
  const double h2 = r.cross(v).squaredNorm();
  const double e = std::sqrt(std::max(0.0, 1.0 - h2 / (mu * a)));
  return a * (1.0 + e);
}

// Phases of the vehicle's flight.
enum class Phase {
  burn,                 // stage k's engine thrusting
  coast_to_separation,  // stage k burnt out, separating after its delay
  coast_to_ignition,    // stage k separated from below, igniting after its delay
  ballistic,            // powered flight over, falling back to the ground
};

// The registry of state-triggered events: each is the sign change of event_value() in one
// direction, located by the integrator, and handled by on_event().
enum class StateEvent {
  impact,            // the vehicle reaches the surface
  depletion,         // the burning stage runs out of propellant
  fairing_altitude,  // the fairing's jettison altitude
  apogee,            // the highest point of a ballistic fall
  energy_cutoff,     // the open-loop stage's energy cutoff (semi-major axis or apogee target)
  guided_cutoff,     // the closed-loop guidance's cutoff condition
  q_alpha_breakup,   // after a loss of control: q alpha reaches the stage's limit
  termination_rule,  // a flight-termination rule breaks (the least margin of those in force)
};

class AscentSequencer {
 public:
  AscentSequencer(const Scenario& sc, const SampleDraws& draws, FlightResult& result,
                  FlightWorkspace& ws, TrajectoryRecorder* recorder,
                  std::span<StepObserver* const> extra, const NominalTrack* nominal)
      : sc_(sc),
        draws_(draws),
        nominal_(nominal),
        veh_(sc.vehicle),
        n_stages_(veh_.stages.size()),
        env_(make_environment(sc, draws)),
        integrator_(make_tolerances(sc.integrator)),
        body_integrator_(body_tolerances(sc.integrator)),
        stiff_integrator_(stiff_tolerances(sc.integrator)),
        fragment_integrator_(fragment_tolerances(sc.integrator)),
        fragment_stiff_integrator_(fragment_stiff_tolerances(sc.integrator)),
        result_(result),
        ws_(ws),
        recorder_(recorder),
        max_alt_(env_),
        max_q_(env_),
        iip_(env_, sc.iip.step_s, result.iip),
        fairing_on_(veh_.fairing.has_value()),
        failure_drawn_(draws.failure.mode >= 0 && draws.failure.stage < veh_.stages.size()) {
    if (recorder != nullptr) {
      history_.emplace(env_, *recorder, -1, sc.history_step_s);
      observers_.add(&*history_);
    }
    observers_.add(&max_alt_);
    observers_.add(&max_q_);
    observers_.add(&iip_);
    observers_.add(extra);
    // Room for the longest IIP track the flight-time limit allows, reserved once per result so
    // that no later flight (however long its powered phase) allocates for it.
    const double points = std::floor(sc.limits.max_flight_time_s / sc.iip.step_s) + 2.0;
    const std::size_t n = static_cast<std::size_t>(std::min(points, 1.0e6));
    if (result.iip.capacity() < n) result.iip.reserve(n);
  }

  void run() {
    y_ = initial_state(sc_, env_);
    {
      // The thrust at liftoff, for the history's first point: the first stage's engine.
      PhaseForces liftoff;
      liftoff.engine = &veh_.stages[0].engine;
      liftoff.guidance = &sc_.guidance;
      if (history_) history_->set_forces(&liftoff);
      add_event(EventKind::liftoff, -1);
      if (history_) history_->set_forces(nullptr);
    }
    sc_.guidance.breakpoints_s(ws_.guidance_breakpoints_s);
    arm_guidance();  // the first stage burns from liftoff
    while (!done_) {
      if (!integrate_segment()) break;
    }
    finish();
    fly_bodies();
    // Time order (insertion sort: few events, and no allocation unlike stable_sort).
    auto& ev = result_.events;
    for (std::size_t i = 1; i < ev.size(); ++i) {
      for (std::size_t j = i; j > 0 && ev[j].t_s < ev[j - 1].t_s; --j) std::swap(ev[j], ev[j - 1]);
    }
  }

 private:
  static Tolerances<7> body_tolerances(const IntegratorSettings& s) {
    Tolerances<7> t = make_tolerances(s);
    if (s.body_rtol > 0.0) t.rtol = s.body_rtol;
    return t;
  }
  static Tolerances<7> stiff_tolerances(const IntegratorSettings& s) {
    Tolerances<7> t = body_tolerances(s);
    for (int i = 3; i < 6; ++i) t.atol[i] = std::max(t.atol[i], s.terminal_atol_velocity_mps);
    return t;
  }
  // Breakup fragments: the bodies' model (point mass, drag, winds, no guidance) at a looser
  // relative tolerance: their impact spread comes from the imparted velocities (tens of m/s,
  // kilometres on the ground), next to which the integration error is small (measured in
  // tests/flight/test_fragments.cpp).
  static Tolerances<7> fragment_tolerances(const IntegratorSettings& s) {
    Tolerances<7> t = body_tolerances(s);
    if (s.fragment_rtol > 0.0) t.rtol = s.fragment_rtol;
    return t;
  }
  static Tolerances<7> fragment_stiff_tolerances(const IntegratorSettings& s) {
    Tolerances<7> t = fragment_tolerances(s);
    for (int i = 3; i < 6; ++i) t.atol[i] = std::max(t.atol[i], s.terminal_atol_velocity_mps);
    return t;
  }

  // ---- bookkeeping ----------------------------------------------------------------------------
  void add_event(EventKind kind, int index) {
    result_.events.push_back({kind, index, t_, y_});
    observers_.point(t_, y_);
  }
  BodyResult& spawn_body(std::string_view name, std::string_view body_class,
                         const vehicle::DragModel& drag, const State& release) {
    BodyResult& b = result_.bodies.emplace_back();
    b.name.assign(name);
    b.body_class.assign(body_class);
    b.drag = &drag;
    b.release_time_s = t_;
    b.release_state = release;
    return b;
  }
  double fairing_mass() const { return fairing_on_ ? veh_.fairing->mass_kg : 0.0; }
  // Mass above stage `stage` (upper stages, payload and fairing if still on).
  double mass_above(std::size_t stage) const {
    double m = veh_.payload.mass_kg + fairing_mass();
    for (std::size_t j = stage + 1; j < n_stages_; ++j)
      m += veh_.stages[j].dry_mass_kg + veh_.stages[j].propellant_mass_kg;
    return m;
  }

  // ---- guidance -------------------------------------------------------------------------------
  // One guidance cycle of the burning stage at time t: draw this cycle's navigation error, then
  // start, update or (in the terminal phase) hold the steering.
  void guidance_cycle() {
    const guidance::ClosedLoop& c = *gb_.cfg;
    const guidance::Navigation& nav = c.navigation;
    if (draws_.navigation_noise && (nav.position_noise_m > 0.0 || nav.velocity_noise_mps > 0.0)) {
      // Gauss-Markov step: x_k = phi x_{k-1} + sqrt(1 - phi^2) w_k, w ~ N(0, 1), started from its
      // stationary distribution; scaled by the sigmas below.
      uncertainty::RandomStream noise(draws_.navigation_seed, nav_cycle_,
                                      uncertainty::StreamPurpose::navigation);
      const double phi =
          nav_cycle_ == 0 ? 0.0 : std::exp(-(t_ - t_last_nav_s_) / nav.noise_correlation_time_s);
      const double innovation = std::sqrt(1.0 - phi * phi);
      for (int i = 0; i < 6; ++i) nav_noise_[i] = phi * nav_noise_[i] + innovation * noise.normal();
      t_last_nav_s_ = t_;
      ++nav_cycle_;
    }
    gb_.position_error_rsw_m = nav.position_bias_m + nav.position_noise_m * nav_noise_.head<3>();
    gb_.velocity_error_rsw_mps =
        nav.velocity_bias_mps + nav.velocity_noise_mps * nav_noise_.tail<3>();
    gb_.next_update_s = t_ + c.update_interval_s;
    if (gb_.holding) return;
    Eigen::Vector3d r_nav, v_nav;
    navigated_state(gb_, y_, r_nav, v_nav);
    const vehicle::Stage& st = veh_.stages[k_];
    // The guidance's model of the stage: present vacuum thrust and exhaust velocity, as an
    // accelerometer-based estimate would give them.
    const guidance::Upfg::Propulsion prop{
        thrust_factor_ * st.engine.vacuum_thrust_N(t_ - t_ignition_, st.load_factor()),
        st.engine.isp_vac_s * constants::g0_mps2};
    if (!(prop.thrust_N > 0.0)) return;
    if (c.mode == guidance::ClosedLoopMode::orbit) {
      // Terminal phase: once the time to go predicted at the last update has (nearly) run down,
      // keep that solution; a new one from a vanishing time to go would be singular.
      if (gb_.engaged && gb_.upfg.time_to_go_s() - (t_ - gb_.last_update_s) <= c.terminal_time_s) {
        gb_.holding = true;
        return;
      }
      const bool ok = gb_.engaged ? gb_.upfg.update(t_, r_nav, v_nav, y_[6], prop)
                                  : (gb_.upfg.start(gb_.orbit, t_, r_nav, v_nav, y_[6], prop),
                                     gb_.upfg.time_to_go_s() > 0.0);
      if (!ok) return;  // keep the previous steering (or the open loop before engagement)
      gb_.steering = gb_.upfg.steering();
      if (!gb_.engaged) add_event(EventKind::guidance_engaged, static_cast<int>(k_));
      gb_.engaged = true;
      gb_.last_update_s = t_;
      return;
    }
    // Ballistic: thrust along the velocity still to be gained toward the aim point's arc.
    const guidance::BallisticAim aim = guidance::aim_ballistic(r_nav, t_, gb_.aim, env_.rotation);
    if (!aim.ok) return;
    const Eigen::Vector3d vgo = aim.v_required_eci_mps - v_nav;
    gb_.steering.lambda = vgo.normalized();
    gb_.steering.lambda_dot_ps.setZero();
    gb_.steering.t_lambda_s = t_;
    if (!gb_.engaged) add_event(EventKind::guidance_engaged, static_cast<int>(k_));
    gb_.engaged = true;
    if (vgo.norm() * y_[6] / prop.thrust_N <= c.terminal_time_s) gb_.holding = true;
  }
  // A stage that ignites arms its closed-loop guidance, if it has one.
  void arm_guidance() {
    gb_ = GuidedBurn{};
    gb_.cfg = veh_.stages[k_].active_closed_loop();
    if (gb_.cfg == nullptr) return;
    const guidance::ClosedLoop& c = *gb_.cfg;
    if (c.mode == guidance::ClosedLoopMode::orbit) {
      gb_.orbit = c.orbit.resolve();
      gb_.cutoff_value_m = gb_.orbit.semi_major_axis_m;
    } else {
      gb_.aim = guidance::make_aim_target(c.ballistic, sc_.site.lat_deg, sc_.site.lon_deg,
                                          sc_.guidance.azimuth_deg);
      gb_.cutoff_value_m = gb_.aim.apogee_radius_m;
    }
    gb_.next_update_s = t_ + c.engage_after_ignition_s;
    if (c.engage_after_ignition_s <= 0.0) guidance_cycle();
  }
  bool guided() const noexcept { return phase_ == Phase::burn && gb_.cfg != nullptr; }

  // ---- staging and the end of powered flight ---------------------------------------------------
  void ignite() {
    if (failure_drawn_ && !failure_struck_ && k_ == draws_.failure.stage &&
        std::holds_alternative<IgnitionFailure>(draws_.failure.effect)) {
      strike_failure();
      return;
    }
    phase_ = Phase::burn;
    t_ignition_ = t_;
    add_event(EventKind::ignition, static_cast<int>(k_));
    arm_guidance();
  }
  void separate() {
    if (failure_drawn_ && !failure_struck_ && k_ == draws_.failure.stage &&
        std::holds_alternative<SeparationFailure>(draws_.failure.effect)) {
      strike_failure();
      return;
    }
    attached_mass_kg_ = 0.0;  // a stage stuck below falls with this one
    attached_drag_ = nullptr;
    add_event(EventKind::separation, static_cast<int>(k_));
    State spent = y_;
    spent[6] = y_[6] - mass_above(k_);
    y_[6] = mass_above(k_);
    const vehicle::Stage& st = veh_.stages[k_];
    spawn_body(st.name, kSpentStageClass, st.spent_drag, spent);
    ++k_;
    phase_ = Phase::coast_to_ignition;
    t_phase_end_ = t_ + veh_.stages[k_].ignition_delay_s;
    if (veh_.stages[k_].ignition_delay_s <= 0.0) ignite();
  }
  // The payload flies on as "the vehicle"; the last stage, spent, becomes a body.
  void separate_payload() {
    add_event(EventKind::payload_separation, -1);
    State spent = y_;
    spent[6] = y_[6] - veh_.payload.mass_kg;
    y_[6] = veh_.payload.mass_kg;
    const vehicle::Stage& st = veh_.stages[k_];
    spawn_body(st.name, kSpentStageClass, st.spent_drag, spent);
    payload_alone_ = true;
    t_payload_sep_ = std::numeric_limits<double>::infinity();
  }
  // End of powered flight (last cutoff, or a failure): in orbit, or ballistic to ground.
  void end_powered_flight(bool nominal) {
    powered_flight_completed_ = nominal;
    const orbit::Elements el = orbit::elements_from_state(y_.head<3>(), y_.segment<3>(3));
    if (el.eccentricity < 1.0) {
      const orbit::ApsisAltitudes aps = orbit::apsis_altitudes(el);
      if (aps.perigee_alt_m >= sc_.limits.insertion_min_perigee_alt_m) {
        add_event(EventKind::insertion, -1);
        result_.insertion = Insertion{t_, y_, el, aps};
        result_.status = FlightStatus::orbit;
        if (nominal && veh_.payload.separation_delay_s) separate_payload();
        done_ = true;
        return;
      }
    }
    phase_ = Phase::ballistic;
    if (nominal && veh_.payload.separation_delay_s) {
      t_payload_sep_ = t_ + *veh_.payload.separation_delay_s;
      if (*veh_.payload.separation_delay_s <= 0.0) separate_payload();
    }
  }
  void burnout(PoweredFlightEnd how) {
    add_event(EventKind::burnout, static_cast<int>(k_));
    thrust_factor_ = 1.0;
    gb_ = GuidedBurn{};
    if (loc_active_) {
      // After a loss of control the stack does not stage: the flight computer that sequences
      // separation and ignition is taken to have lost the vehicle (and an upper stage lit in a
      // tumble would not fly a useful arc). The whole stack falls (or stays in the orbit it
      // reached) unpowered; no nominal end of powered flight, so no payload separation.
      loc_active_ = false;
      result_.powered_flight_end = how;
      end_powered_flight(false);
      return;
    }
    if (k_ + 1 < n_stages_) {
      phase_ = Phase::coast_to_separation;
      t_phase_end_ = t_ + veh_.stages[k_].separation_delay_s;
      if (veh_.stages[k_].separation_delay_s <= 0.0) separate();
      return;
    }
    result_.powered_flight_end = how;
    end_powered_flight(true);
  }
  void jettison_fairing() {
    add_event(EventKind::fairing_jettison, -1);
    const vehicle::Fairing& fr = *veh_.fairing;
    const Eigen::Vector3d v = y_.segment<3>(3);
    const Eigen::Vector3d along = v.normalized();
    const Eigen::Vector3d cross = y_.head<3>().cross(v).normalized();
    const Eigen::Vector3d third = along.cross(cross);
    for (int p = 0; p < fr.pieces; ++p) {
      // Pieces fly apart evenly around the velocity axis (two halves: +/- crossrange).
      const double ang = 2.0 * constants::pi * p / fr.pieces;
      State piece = y_;
      piece.segment<3>(3) +=
          fr.separation_speed_mps * (std::cos(ang) * cross + std::sin(ang) * third);
      piece[6] = fr.mass_kg / fr.pieces;
      Label name("fairing_");
      name.append(static_cast<std::uint64_t>(p + 1));
      spawn_body(name.view(), kFairingPieceClass, fr.drag, piece);
    }
    y_[6] -= fr.mass_kg;
    fairing_on_ = false;
  }

  // ---- failures: one overload per FailureEffect alternative -------------------------------------
  void apply(const EngineShutdown&) {
    add_event(EventKind::engine_failure, static_cast<int>(k_));
    result_.failure_mode = draws_.failure.mode;
    result_.powered_flight_end = PoweredFlightEnd::engine_failure;
    gb_ = GuidedBurn{};
    end_powered_flight(false);
  }
  void apply(const IgnitionFailure&) {
    add_event(EventKind::ignition_failure, static_cast<int>(k_));
    result_.failure_mode = draws_.failure.mode;
    result_.powered_flight_end = PoweredFlightEnd::engine_failure;
    gb_ = GuidedBurn{};
    phase_ = Phase::ballistic;  // the stack with the unlit stage falls on its stack drag
    end_powered_flight(false);
  }
  void apply(const SeparationFailure& f) {
    add_event(EventKind::separation_failure, static_cast<int>(k_));
    result_.failure_mode = draws_.failure.mode;
    if (!f.next_ignites) {
      result_.powered_flight_end = PoweredFlightEnd::engine_failure;
      phase_ = Phase::ballistic;  // the whole stack falls on the stuck stage's stack drag
      end_powered_flight(false);
      return;
    }
    // The spent stage rides along: its mass, and the drag of the stack it is the bottom of.
    attached_mass_kg_ = y_[6] - mass_above(k_);
    attached_drag_ = &veh_.stages[k_].stack_drag;
    ++k_;
    phase_ = Phase::coast_to_ignition;
    t_phase_end_ = t_ + veh_.stages[k_].ignition_delay_s;
    if (veh_.stages[k_].ignition_delay_s <= 0.0) ignite();
  }
  void apply(const ThrustLoss& loss) {
    add_event(EventKind::thrust_loss, static_cast<int>(k_));
    result_.failure_mode = draws_.failure.mode;
    thrust_factor_ = loss.fraction;  // until this stage's burnout
  }
  void apply(const Breakup&) {
    result_.failure_mode = draws_.failure.mode;
    terminate_in_breakup(BreakupCause::failure_mode, -1);
  }
  void apply(const LossOfControl& loc) {
    add_event(EventKind::loss_of_control, static_cast<int>(k_));
    result_.failure_mode = draws_.failure.mode;
    loc_ = {t_, loc.turn_rate_radps, loc.direction_rad};
    loc_active_ = true;  // until this stage's burnout, a breakup or a termination
  }
  // The vehicle breaks up now (a drawn failure, a q-alpha breakup, a flight-termination rule):
  // its debris, flown to the ground; the cause (and rule) go to the result.
  void terminate_in_breakup(BreakupCause cause, int rule) {
    add_event(EventKind::breakup, static_cast<int>(k_));
    result_.breakup_cause = cause;
    result_.termination_rule = rule;
    result_.powered_flight_end = PoweredFlightEnd::breakup;
    gb_ = GuidedBurn{};
    loc_active_ = false;
    break_up();
    result_.status = FlightStatus::crash;
    broken_up_ = true;
    done_ = true;
  }
  // The vehicle becomes debris: the lowest stage's fragment classes (each as at most
  // limits.fragments_per_class weighted fragments with Maxwellian imparted velocities), or that
  // stage intact if it has no debris list; the upper stages, the payload and the fairing intact.
  // Every body of a breakup is a fragment (BodyResult::fragment: the fragment tolerances, the
  // run file's /fragments table), intact pieces with weight 1 and no casualty area.
  void break_up() {
    const vehicle::Stage& st = veh_.stages[k_];
    if (st.debris.empty()) {
      State piece = y_;
      piece[6] = y_[6] - mass_above(k_);
      spawn_body(st.name, kIntactStageClass, st.spent_drag, piece).fragment = true;
    } else {
      uncertainty::RandomStream dv(draws_.fragment_seed, 0, uncertainty::StreamPurpose::fragments);
      for (const vehicle::DebrisClass& c : st.debris) {
        const int n = std::min(c.pieces, sc_.limits.fragments_per_class);
        for (int j = 0; j < n; ++j) {
          State piece = y_;
          // Maxwellian speed, isotropic direction: three independent normal components [m/s].
          const double dx = dv.normal(), dy = dv.normal(), dz = dv.normal();
          piece.segment<3>(3) += c.delta_v_scale_mps * Eigen::Vector3d(dx, dy, dz);
          piece[6] = c.mass_kg;
          Label name(c.name);
          name.append("_");
          name.append(static_cast<std::uint64_t>(j + 1));
          BodyResult& b = spawn_body(name.view(), c.name, c.flown_drag, piece);
          b.weight = static_cast<double>(c.pieces) / n;
          b.casualty_area_m2 = c.casualty_area_m2;
          b.fragment = true;
        }
      }
    }
    for (std::size_t j = k_ + 1; j < n_stages_; ++j) {
      const vehicle::Stage& up = veh_.stages[j];
      State piece = y_;
      piece[6] = up.dry_mass_kg + up.propellant_mass_kg;
      spawn_body(up.name, kIntactStageClass, up.spent_drag, piece).fragment = true;
    }
    if (fairing_on_) {
      const vehicle::Fairing& fr = *veh_.fairing;
      for (int p = 0; p < fr.pieces; ++p) {
        State piece = y_;
        piece[6] = fr.mass_kg / fr.pieces;
        Label name("fairing_");
        name.append(static_cast<std::uint64_t>(p + 1));
        spawn_body(name.view(), kFairingPieceClass, fr.drag, piece).fragment = true;
      }
      fairing_on_ = false;
    }
    State payload = y_;
    payload[6] = veh_.payload.mass_kg;
    spawn_body(veh_.payload.name, kPayloadClass, veh_.payload.drag, payload).fragment = true;
  }
  // Flight-termination rules (scenario.range_safety) are one StateEvent, termination_rule, whose
  // event_value() is the least margin of the rules in force (flight/range_safety.hpp) and whose
  // on_event() breaks the vehicle up with the rule as the cause (terminate_by_rule).
  void strike_failure() {
    failure_struck_ = true;
    std::visit([this](const auto& effect) { apply(effect); }, draws_.failure.effect);
  }
  bool failure_due_in_this_burn() const noexcept {
    // Ignition and separation failures strike at their staging event, not at a burn time.
    return failure_drawn_ && !failure_struck_ && k_ == draws_.failure.stage &&
           !std::holds_alternative<IgnitionFailure>(draws_.failure.effect) &&
           !std::holds_alternative<SeparationFailure>(draws_.failure.effect);
  }

  // ---- scheduled actions ----------------------------------------------------------------------
  // The time of the next action known in advance (guidance breakpoint, cutoff, guidance update,
  // motor burnout, failure, separation, ignition, payload separation, fairing jettison) or the
  // flight-time limit.
  double next_scheduled_time() {
    const vehicle::Stage& stage = veh_.stages[k_];
    while (next_bp_ < ws_.guidance_breakpoints_s.size() &&
           ws_.guidance_breakpoints_s[next_bp_] <= t_ + kSequencerTimeEps_s)
      ++next_bp_;
    double t_next = sc_.limits.max_flight_time_s;
    if (next_bp_ < ws_.guidance_breakpoints_s.size())
      t_next = std::min(t_next, ws_.guidance_breakpoints_s[next_bp_]);
    if (phase_ == Phase::burn) {
      if (stage.cutoff_time_s && !guided())
        t_next = std::min(t_next, t_ignition_ + *stage.cutoff_time_s);
      if (guided() && !gb_.holding) t_next = std::min(t_next, gb_.next_update_s);
      if (stage.engine.solid()) t_next = std::min(t_next, t_ignition_ + stage.engine.curve_end_s());
      if (failure_due_in_this_burn())
        t_next = std::min(t_next, t_ignition_ + draws_.failure.time_after_ignition_s);
    } else if (phase_ == Phase::coast_to_separation || phase_ == Phase::coast_to_ignition) {
      t_next = std::min(t_next, t_phase_end_);
    }
    t_next = std::min(t_next, t_payload_sep_);
    if (fairing_on_ && veh_.fairing->jettison_time_s)
      t_next = std::min(t_next, *veh_.fairing->jettison_time_s);
    return t_next;
  }
  // What is due at the end of a segment that reached its scheduled time. False: the flight-time
  // limit ended the flight.
  bool run_scheduled_actions(bool was_guided) {
    const vehicle::Stage& stage = veh_.stages[k_];
    if (t_ >= sc_.limits.max_flight_time_s - kSequencerTimeEps_s) {
      result_.status = FlightStatus::time_limit;
      return false;
    }
    if (sc_.guidance.vertical_rise_s > 0.0 && std::abs(t_ - sc_.guidance.vertical_rise_s) < 1e-6)
      add_event(EventKind::pitch_over, -1);
    if (std::isfinite(sc_.guidance.gravity_turn_end_s) &&
        std::abs(t_ - sc_.guidance.gravity_turn_end_s) < 1e-6)
      add_event(EventKind::gravity_turn_end, -1);
    if (fairing_on_ && veh_.fairing->jettison_time_s &&
        t_ >= *veh_.fairing->jettison_time_s - kSequencerTimeEps_s)
      jettison_fairing();
    if (was_guided && !gb_.holding && t_ >= gb_.next_update_s - kSequencerTimeEps_s)
      guidance_cycle();
    if (phase_ == Phase::burn) {
      const bool cutoff = !was_guided && stage.cutoff_time_s &&
                          t_ >= t_ignition_ + *stage.cutoff_time_s - kSequencerTimeEps_s;
      const bool motor_end = stage.engine.solid() &&
                             t_ >= t_ignition_ + stage.engine.curve_end_s() - kSequencerTimeEps_s;
      const bool failed =
          failure_due_in_this_burn() &&
          t_ >= t_ignition_ + draws_.failure.time_after_ignition_s - kSequencerTimeEps_s;
      if (failed) {
        strike_failure();
      } else if (cutoff) {
        burnout(PoweredFlightEnd::timed_cutoff);
      } else if (motor_end) {
        burnout(PoweredFlightEnd::motor_burnout);
      }
    } else if (phase_ == Phase::coast_to_separation && t_ >= t_phase_end_ - kSequencerTimeEps_s) {
      separate();
    } else if (phase_ == Phase::coast_to_ignition && t_ >= t_phase_end_ - kSequencerTimeEps_s) {
      ignite();
    }
    if (!done_ && t_ >= t_payload_sep_ - kSequencerTimeEps_s) separate_payload();
    return true;
  }

  // ---- state-triggered events -----------------------------------------------------------------
  // The events that can end the coming segment, given the phase.
  void arm_events(EventSpec& spec, std::array<StateEvent, kMaxEvents>& ids) const {
    auto add = [&](StateEvent id, int dir) {
      ids[static_cast<std::size_t>(spec.count)] = id;
      spec.direction[static_cast<std::size_t>(spec.count)] = dir;
      ++spec.count;
    };
    const vehicle::Stage& stage = veh_.stages[k_];
    add(StateEvent::impact, -1);
    if (phase_ == Phase::burn) add(StateEvent::depletion, -1);
    if (phase_ == Phase::burn && stage.energy_cutoff && !guided())
      add(StateEvent::energy_cutoff, +1);
    if (guided() && gb_.engaged) add(StateEvent::guided_cutoff, +1);
    if (fairing_on_ && veh_.fairing->jettison_alt_m) add(StateEvent::fairing_altitude, +1);
    if (phase_ == Phase::ballistic && !apogee_found_) add(StateEvent::apogee, -1);
    if (loc_active_ && phase_ == Phase::burn && stage.q_alpha_limit_Pa_rad)
      add(StateEvent::q_alpha_breakup, -1);
    if (rules_armed()) add(StateEvent::termination_rule, -1);
  }
  // The flight-termination rules are checked from liftoff to the end of powered flight.
  bool rules_armed() const noexcept {
    return sc_.range_safety.rule_count() > 0 && phase_ != Phase::ballistic && !done_;
  }
  // Dynamic pressure times angle of attack below the limit of the stage [Pa rad]: > 0 while the
  // stack holds. The body axis is the thrust direction (3-DOF: no attitude of its own).
  double q_alpha_margin(const PhaseForces& forces, double t, const State& yy) const noexcept {
    const double limit = *veh_.stages[k_].q_alpha_limit_Pa_rad;
    const AirData air = air_data(env_, t, yy.head<3>(), yy.segment<3>(3));
    const Thrust th = thrust_at(forces, t, air);
    if (!(th.thrust_N > 0.0)) return limit;
    return limit - air.dynamic_pressure_Pa * angle_of_attack_rad(th.direction_eci, air);
  }
  double event_value(StateEvent id, double t, const State& yy, double burnout_mass_kg,
                     const PhaseForces& forces) const {
    switch (id) {
      case StateEvent::q_alpha_breakup:
        return q_alpha_margin(forces, t, yy);
      case StateEvent::termination_rule:
        return range_safety_margin(env_, sc_, nominal_, t, yy);
      case StateEvent::impact:
        return altitude_m(env_, yy.head<3>());
      case StateEvent::depletion:
        return yy[6] - burnout_mass_kg;
      case StateEvent::energy_cutoff: {
        const vehicle::EnergyCutoff& c = *veh_.stages[k_].energy_cutoff;
        // The navigated state: true state plus the navigation biases.
        const Eigen::Vector3d r_true = yy.head<3>(), v_true = yy.segment<3>(3);
        const Eigen::Vector3d rr = r_true + c.nav_position_bias_m * r_true.normalized();
        const Eigen::Vector3d vv = v_true + c.nav_velocity_bias_mps * v_true.normalized();
        // a = -mu / (2 E): increases monotonically while thrust adds energy; an unbound
        // orbit (E >= 0) counts as past any target.
        const double energy = 0.5 * vv.squaredNorm() - constants::wgs84_gm_m3ps2 / rr.norm();
        if (c.quantity == vehicle::CutoffQuantity::semi_major_axis)
          return energy < 0.0 ? -constants::wgs84_gm_m3ps2 / (2.0 * energy) - c.value_m : 1e12;
        const orbit::Elements el = orbit::elements_from_state(rr, vv);
        return el.eccentricity < 1.0 ? orbit::apsis_altitudes(el).apogee_alt_m - c.value_m : 1e12;
      }
      case StateEvent::fairing_altitude:
        return altitude_m(env_, yy.head<3>()) - *veh_.fairing->jettison_alt_m;
      case StateEvent::guided_cutoff: {
        Eigen::Vector3d r_nav, v_nav;
        navigated_state(gb_, yy, r_nav, v_nav);
        return cutoff_quantity_m(gb_.cfg->mode, r_nav, v_nav) - gb_.cutoff_value_m;
      }
      case StateEvent::apogee:
        return yy.head<3>().dot(yy.segment<3>(3));
    }
    return 0.0;
  }
  void on_event(StateEvent id, double burnout_mass_kg) {
    switch (id) {
      case StateEvent::impact:
        add_event(EventKind::impact, -1);
        result_.status = powered_flight_completed_ ? FlightStatus::suborbital : FlightStatus::crash;
        done_ = true;
        break;
      case StateEvent::depletion:
        y_[6] = burnout_mass_kg;  // exactly empty tanks, not a hair below
        burnout(PoweredFlightEnd::depletion);
        break;
      case StateEvent::energy_cutoff:
      case StateEvent::guided_cutoff:
        burnout(PoweredFlightEnd::guidance_cutoff);
        break;
      case StateEvent::fairing_altitude:
        jettison_fairing();
        break;
      case StateEvent::apogee:
        add_event(EventKind::apogee, -1);
        apogee_found_ = true;
        break;
      case StateEvent::q_alpha_breakup:
        terminate_in_breakup(BreakupCause::q_alpha, -1);
        break;
      case StateEvent::termination_rule:
        terminate_by_rule();
        break;
    }
  }
  // The rule with the least margin now (just past the event's root) is the one that broke.
  void terminate_by_rule() {
    std::size_t which = 0;
    range_safety_margin(env_, sc_, nominal_, t_, y_, &which);
    terminate_in_breakup(BreakupCause::termination_rule, static_cast<int>(which));
  }

  // ---- one segment ----------------------------------------------------------------------------
  // Integrates until the next scheduled time or the first state event and acts on it. False: the
  // flight ended (integration failure or the time limit).
  bool integrate_segment() {
    const vehicle::Stage& stage = veh_.stages[k_];
    PhaseForces forces;
    forces.engine = phase_ == Phase::burn ? &stage.engine : nullptr;
    forces.ignition_time_s = t_ignition_;
    forces.drag = payload_alone_              ? &veh_.payload.drag
                  : attached_drag_ != nullptr ? attached_drag_
                                              : &stage.stack_drag;
    forces.guidance = &sc_.guidance;
    const bool was_guided = guided();
    forces.steering = was_guided && gb_.engaged ? &gb_.steering : nullptr;
    forces.thrust_factor = thrust_factor_;
    forces.load_factor = stage.load_factor();
    forces.loss_of_control = loc_active_ && phase_ == Phase::burn ? &loc_ : nullptr;

    // A rule already broken where the segment starts (the event locator sees only sign changes
    // inside a segment): a window that opens with the vehicle outside its limits.
    if (rules_armed() && !(range_safety_margin(env_, sc_, nominal_, t_, y_) > 0.0)) {
      terminate_by_rule();
      return true;
    }

    const double t_next = next_scheduled_time();
    EventSpec spec;
    std::array<StateEvent, kMaxEvents> ids{};
    arm_events(spec, ids);
    const double burnout_mass_kg = mass_above(k_) + stage.dry_mass_kg + attached_mass_kg_;
    auto g = [&](double tt, const State& yy, double* out) {
      for (int i = 0; i < spec.count; ++i)
        out[i] = event_value(ids[static_cast<std::size_t>(i)], tt, yy, burnout_mass_kg, forces);
    };
    auto f = [&](double tt, const State& yy, State& dy) { derivative(env_, forces, tt, yy, dy); };

    observers_.segment(&forces, phase_ != Phase::ballistic);
    const IntegrationOutcome out =
        integrator_.integrate(f, g, spec, observers_, t_, y_, t_next, h_, result_.ascent_stats);
    // Every stop is a discontinuity (staging, guidance corner): restart with a modest step.
    h_ = std::min(h_, 1.0);

    if (out.reason == StopReason::event) {
      on_event(ids[static_cast<std::size_t>(out.event)], burnout_mass_kg);
      return true;
    }
    if (out.reason != StopReason::reached_end) {
      result_.status = FlightStatus::integration_failure;
      return false;
    }
    return run_scheduled_actions(was_guided);
  }

  // The vehicle's own outcome, once its flight is over.
  void finish() {
    if (history_) history_->set_forces(nullptr);  // the last phase's forces are gone
    result_.flight_time_s = t_;
    result_.apogee_alt_m = max_alt_.max_alt_m();
    if (!broken_up_ &&
        (result_.status == FlightStatus::suborbital || result_.status == FlightStatus::crash)) {
      const geo::Geodetic impact =
          surface_coordinates(env_, env_.rotation.position_eci_to_ecef(y_.head<3>(), t_));
      result_.range_m = surface_distance_m(env_, sc_.site.lat_deg * constants::deg_to_rad,
                                           sc_.site.lon_deg * constants::deg_to_rad, impact.lat_rad,
                                           impact.lon_rad);
    }
    if (max_q_.max_q_Pa() > 0.0) {
      result_.max_q_Pa = max_q_.max_q_Pa();
      result_.max_q_time_s = max_q_.max_q_time_s();
      result_.events.push_back({EventKind::max_q, -1, max_q_.max_q_time_s(), max_q_.max_q_state()});
    }
  }

  void fly_bodies() {
    for (std::size_t i = 0; i < result_.bodies.size(); ++i) {
      BodyResult& body = result_.bodies[i];
      const bool stiff = sc_.integrator.terminal_atol_velocity_mps > 0.0;
      if (body.fragment)
        fly_body(sc_, env_, fragment_integrator_, stiff ? &fragment_stiff_integrator_ : nullptr,
                 static_cast<int>(i), body, recorder_);
      else
        fly_body(sc_, env_, body_integrator_, stiff ? &stiff_integrator_ : nullptr,
                 static_cast<int>(i), body, recorder_);
      if (body.fate == BodyFate::impact) result_.events.push_back(body.impact);
    }
  }

  // The model and the draws.
  const Scenario& sc_;
  const SampleDraws& draws_;
  const NominalTrack* nominal_;  // reference of the deviation limits (null: they do not apply)
  const vehicle::Vehicle& veh_;
  const std::size_t n_stages_;
  const Environment env_;
  const DormandPrince45<7> integrator_;
  const DormandPrince45<7> body_integrator_;
  const Rosenbrock23<7> stiff_integrator_;
  const DormandPrince45<7> fragment_integrator_;
  const Rosenbrock23<7> fragment_stiff_integrator_;
  FlightResult& result_;
  FlightWorkspace& ws_;
  TrajectoryRecorder* recorder_;

  // Observers of the vehicle's trajectory.
  std::optional<HistorySampler> history_;
  MaxAltitudeTracker max_alt_;
  MaxQTracker max_q_;
  IipSampler iip_;
  ObserverList observers_;

  // The sequencer's state.
  Phase phase_ = Phase::burn;
  std::size_t k_ = 0;  // lowest stage still attached
  double t_ = 0.0;
  double h_ = 0.0;  // step-size guess carried between segments
  State y_ = State::Zero();
  double t_ignition_ = 0.0;
  double t_phase_end_ = 0.0;  // separation or ignition time in the coast phases
  double t_payload_sep_ = std::numeric_limits<double>::infinity();
  bool fairing_on_;
  bool payload_alone_ = false;
  bool apogee_found_ = false;
  bool powered_flight_completed_ = false;  // nominal final cutoff reached (not a failure)
  bool done_ = false;
  const bool failure_drawn_;
  bool failure_struck_ = false;
  bool broken_up_ = false;      // the vehicle became debris: no impact of its own
  double thrust_factor_ = 1.0;  // thrust-loss failure in force (until burnout)
  bool loc_active_ = false;     // loss of control in force (until burnout or breakup)
  LossOfControlTurn loc_;
  // A separation failure: the stuck stage's mass [kg] and the drag of the stack it is under.
  double attached_mass_kg_ = 0.0;
  const vehicle::DragModel* attached_drag_ = nullptr;
  std::size_t next_bp_ = 0;  // next guidance breakpoint
  GuidedBurn gb_;
  // Navigation noise (unit-variance Gauss-Markov state, position then velocity axes), the number
  // of noise samples drawn so far (the index of the next one's stream) and the time of the last.
  Eigen::Matrix<double, 6, 1> nav_noise_ = Eigen::Matrix<double, 6, 1>::Zero();
  std::uint64_t nav_cycle_ = 0;
  double t_last_nav_s_ = 0.0;
};

}  // namespace

std::size_t max_breakup_bodies(const Scenario& model) noexcept {
  const vehicle::Vehicle& v = model.vehicle;
  const std::size_t fairing = v.fairing ? static_cast<std::size_t>(v.fairing->pieces) : 0;
  std::size_t most = 0;
  for (std::size_t k = 0; k < v.stages.size(); ++k) {
    std::size_t n = v.stages[k].debris.empty() ? 1 : 0;
    for (const vehicle::DebrisClass& c : v.stages[k].debris)
      n += static_cast<std::size_t>(std::min(c.pieces, model.limits.fragments_per_class));
    most = std::max(most, n + (v.stages.size() - k - 1) + fairing + 1);
  }
  return most;
}

std::size_t max_bodies(const Scenario& model) noexcept {
  // Nominal releases: every stage, the fairing pieces, the payload; then at most one breakup.
  const vehicle::Vehicle& v = model.vehicle;
  const std::size_t fairing = v.fairing ? static_cast<std::size_t>(v.fairing->pieces) : 0;
  return v.stages.size() + fairing + 1 + max_breakup_bodies(model);
}

void fly(const Scenario& model, const SampleDraws& draws, FlightResult& result, FlightWorkspace& ws,
         TrajectoryRecorder* recorder, std::span<StepObserver* const> observers,
         const NominalTrack* nominal) {
  result.clear();
  result.bodies.reserve(max_bodies(model));  // once: a breakup later never allocates
  AscentSequencer(model, draws, result, ws, recorder, observers, nominal).run();
}

FlightResult fly(const Scenario& model, const SampleDraws& draws, TrajectoryRecorder* recorder,
                 const NominalTrack* nominal) {
  FlightResult result;
  FlightWorkspace workspace;
  fly(model, draws, result, workspace, recorder, {}, nominal);
  return result;
}

FlightResult fly(const Scenario& model, TrajectoryRecorder* recorder) {
  return fly(model, SampleDraws{}, recorder);
}

}  // namespace launchmc::flight
