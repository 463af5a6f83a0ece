// The flight sequencer: phases of powered flight and coast, staging, fairing jettison, insertion,
// and the flight of every jettisoned body to impact.
#include "flight/flight.hpp"

#include <algorithm>
#include <cmath>

#include "atmosphere/us76.hpp"
#include "common/constants.hpp"
#include "flight/rosenbrock.hpp"
#include "guidance/ballistic_aim.hpp"
#include "guidance/upfg.hpp"
#include "uncertainty/random_stream.hpp"

namespace launchmc::flight {

namespace {

constexpr double kTimeEps_s = 1e-9;

Tolerances<7> make_tolerances(const IntegratorSettings& s) {
  Tolerances<7> tol;
  tol.rtol = s.rtol;
  tol.atol << s.atol_position_m, s.atol_position_m, s.atol_position_m, s.atol_velocity_mps,
      s.atol_velocity_mps, s.atol_velocity_mps, s.atol_mass_kg;
  tol.h_max_s = s.max_step_s;
  tol.event_tol_s = s.event_tolerance_s;
  return tol;
}

// Samples the time history on a fixed grid from the dense output, and tracks the highest point and
// (for the vehicle in the atmosphere) the maximum dynamic pressure.
class StepObserver {
 public:
  StepObserver(const Environment& env, TrajectoryRecorder* recorder, int id, double history_step_s,
               bool track_max_q)
      : env_(env), recorder_(recorder), id_(id), dt_(history_step_s), track_max_q_(track_max_q) {}

  // A point recorded outside the grid (an event, the start of a trajectory). Times stay strictly
  // increasing: a second point at the same time (events that coincide, or with a grid sample)
  // is dropped.
  // The forces of the phase being flown (for the thrust in the histories); null: none.
  void set_forces(const PhaseForces* forces) noexcept { forces_ = forces; }

  void record_point(double t_s, const State& y) {
    if (recorder_ != nullptr && t_s > last_recorded_s_ + kTimeEps_s) {
      recorder_->record(id_, t_s, y, thrust(t_s, y));
      last_recorded_s_ = t_s;
      next_sample_s_ = (std::floor(t_s / dt_ + kTimeEps_s) + 1.0) * dt_;
    }
  }
  // Restart of integration after a discontinuity: the next step's start value of q is fresh.
  // Max-q is the ascent's: tracking stops once powered flight is over.
  void restart(bool track_max_q) {
    have_q_start_ = false;
    track_max_q_ = track_max_q;
  }

  void operator()(const DenseStep<7>& d, double t_stop) {
    if (recorder_ != nullptr) {
      while (next_sample_s_ <= t_stop + kTimeEps_s) {
        if (next_sample_s_ > last_recorded_s_ + kTimeEps_s) {
          const State y = d.at(next_sample_s_);
          recorder_->record(id_, next_sample_s_, y, thrust(next_sample_s_, y));
          last_recorded_s_ = next_sample_s_;
        }
        next_sample_s_ += dt_;
      }
    }
    if (id_ >= 0) return;  // bodies: only their histories are wanted
    const State y_stop = d.at(t_stop);
    const double alt_stop = altitude_m(env_, y_stop.head<3>());
    max_alt_m_ = std::max(max_alt_m_, alt_stop);
    if (track_max_q_) update_max_q(d, t_stop, y_stop, alt_stop);
  }

  double max_alt_m() const noexcept { return max_alt_m_; }
  double max_q_Pa() const noexcept { return max_q_Pa_; }
  double max_q_time_s() const noexcept { return max_q_time_s_; }
  const State& max_q_state() const noexcept { return max_q_state_; }

 private:
  Thrust thrust(double t_s, const State& y) const noexcept {
    return forces_ != nullptr ? thrust_at(env_, *forces_, t_s, y) : Thrust{};
  }
  double q_at(double t_s, const State& y) const noexcept {
    return air_data(env_, t_s, y.head<3>(), y.segment<3>(3)).dynamic_pressure_Pa;
  }
  void consider(double t_s, const State& y, double q) {
    if (q > max_q_Pa_) {
      max_q_Pa_ = q;
      max_q_time_s_ = t_s;
      max_q_state_ = y;
    }
  }
  void update_max_q(const DenseStep<7>& d, double t_stop, const State& y_stop, double alt_stop) {
    // Above 200 km the dynamic pressure is negligible next to any max-q: skip the work.
    if (alt_stop > 200e3) {
      have_q_start_ = false;
      return;
    }
    const double t0 = d.t0;
    const double q0 = have_q_start_ ? q_start_ : q_at(t0, d.at(t0));
    const double q1 = q_at(t_stop, y_stop);
    const double tm = 0.5 * (t0 + t_stop);
    const State ym = d.at(tm);
    const double qm = q_at(tm, ym);
    if (qm > q0 && qm > q1) {
      // The peak is inside this step: golden-section search on the dense output, to 1 ms.
      constexpr double invphi = 0.6180339887498949;
      double a = t0, b = t_stop;
      double c = b - invphi * (b - a), e = a + invphi * (b - a);
      double qc = q_at(c, d.at(c)), qe = q_at(e, d.at(e));
      while (b - a > 1e-3) {
        if (qc > qe) {
          b = e;
          e = c;
          qe = qc;
          c = b - invphi * (b - a);
          qc = q_at(c, d.at(c));
        } else {
          a = c;
          c = e;
          qc = qe;
          e = a + invphi * (b - a);
          qe = q_at(e, d.at(e));
        }
      }
      const double tq = 0.5 * (a + b);
      const State yq = d.at(tq);
      consider(tq, yq, q_at(tq, yq));
    } else {
      consider(t_stop, y_stop, q1);
      consider(tm, ym, qm);
    }
    q_start_ = q1;
    have_q_start_ = true;
  }

  const Environment& env_;
  TrajectoryRecorder* recorder_;
  const PhaseForces* forces_ = nullptr;
  int id_;
  double dt_;
  bool track_max_q_;
  double next_sample_s_ = 0.0;
  double last_recorded_s_ = -1e300;
  double max_alt_m_ = -1e300;
  bool have_q_start_ = false;
  double q_start_ = 0.0;
  double max_q_Pa_ = 0.0;
  double max_q_time_s_ = 0.0;
  State max_q_state_ = State::Zero();
};

// Distance along the surface: WGS-84 geodesic, or great circle on the sphere.
double surface_distance_m(const Environment& env, double lat1_rad, double lon1_rad, double lat2_rad,
                          double lon2_rad) {
  if (env.spherical) {
    const double s = std::sin(0.5 * (lat2_rad - lat1_rad)), c = std::sin(0.5 * (lon2_rad - lon1_rad));
    const double h = s * s + std::cos(lat1_rad) * std::cos(lat2_rad) * c * c;
    return 2.0 * env.sphere_radius_m * std::asin(std::min(1.0, std::sqrt(h)));
  }
  return geo::geodesic_inverse(lat1_rad * constants::rad_to_deg, lon1_rad * constants::rad_to_deg,
                               lat2_rad * constants::rad_to_deg, lon2_rad * constants::rad_to_deg)
      .distance_m;
}

const vehicle::DragModel& body_drag(const vehicle::Vehicle& v, const BodyResult& b) {
  switch (b.kind) {
    case BodyKind::spent_stage:
      return v.stages[static_cast<std::size_t>(b.index)].spent_drag;
    case BodyKind::fairing_piece:
      return v.fairing->drag;
    case BodyKind::payload:
      break;
  }
  return v.payload.drag;
}

// Terminal-velocity regime: airspeed below twice the local terminal speed
// sqrt(2 m g / (rho Cd A)) means the drag relaxes the velocity faster than the flight changes, the
// stiff case for an explicit integrator.
constexpr double kTerminalSpeedFactor = 2.0;

void fly_body(const Scenario& sc, const Environment& env, const DormandPrince45<7>& integrator,
              const Rosenbrock23<7>* stiff_integrator, int id, BodyResult& body,
              TrajectoryRecorder* recorder) {
  State y = body.release_state;
  double t = body.release_time_s;
  StepObserver observer(env, recorder, id, sc.history_step_s, false);
  observer.record_point(t, y);

  const orbit::Elements el = orbit::elements_from_state(y.head<3>(), y.segment<3>(3));
  if (el.eccentricity < 1.0 &&
      orbit::apsis_altitudes(el).perigee_alt_m >= sc.limits.orbiting_body_min_perigee_alt_m) {
    body.fate = BodyFate::orbiting;
    return;
  }

  PhaseForces forces;
  forces.drag = &body_drag(sc.vehicle, body);
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
      const double v_terminal =
          air.density_kgpm3 * cda > 0.0 ? std::sqrt(2.0 * yy[6] * g_local / (air.density_kgpm3 * cda))
                                        : std::numeric_limits<double>::infinity();
      out[1] = air.airspeed_mps - kTerminalSpeedFactor * std::min(v_terminal, 1e9);
    }
  };
  const double t_end = body.release_time_s + sc.limits.max_body_flight_time_s;
  double h = 0.0;
  IntegrationOutcome out = integrator.integrate(f, g, spec, observer, t, y, t_end, h, body.stats);
  if (out.reason == StopReason::event && out.event == 1) {
    // Terminal descent: the rest of the way with the L-stable method, impact as the only event.
    spec.count = 1;
    h = std::min(h, 10.0);
    auto jac = [&](double tt, const State& yy, const State& dy, Eigen::Matrix<double, 7, 7>& j,
                   IntegratorStats& st) {
      unpowered_jacobian(env, forces, tt, yy, dy, j, st.rhs_evaluations);
    };
    out = stiff_integrator->integrate(f, jac, g, spec, observer, t, y, t_end, h, body.stats);
  }
  switch (out.reason) {
    case StopReason::event:
      body.fate = BodyFate::impact;
      body.impact = {EventKind::impact, id, t, y};
      observer.record_point(t, y);
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
  bool engaged = false;       // steering in force (false: open loop until engagement)
  bool holding = false;       // terminal phase: last steering law held to cutoff
  double next_update_s = std::numeric_limits<double>::infinity();
  double last_update_s = 0.0;  // time of the solution in force
  guidance::Upfg upfg;
  guidance::LinearTangentSteering steering;
  Eigen::Vector3d position_error_rsw_m = Eigen::Vector3d::Zero();  // navigated minus true
  Eigen::Vector3d velocity_error_rsw_mps = Eigen::Vector3d::Zero();
  // Cutoff target: semi-major axis (orbit) or apogee radius (ballistic) [m].
  double cutoff_value_m = 0.0;
  guidance::OrbitTarget orbit;            // orbit mode
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

}  // namespace

const char* to_string(EventKind kind) noexcept {
  switch (kind) {
    case EventKind::liftoff: return "liftoff";
    case EventKind::pitch_over: return "pitch_over";
    case EventKind::gravity_turn_end: return "gravity_turn_end";
    case EventKind::max_q: return "max_q";
    case EventKind::ignition: return "ignition";
    case EventKind::burnout: return "burnout";
    case EventKind::separation: return "separation";
    case EventKind::fairing_jettison: return "fairing_jettison";
    case EventKind::payload_separation: return "payload_separation";
    case EventKind::insertion: return "insertion";
    case EventKind::apogee: return "apogee";
    case EventKind::impact: return "impact";
    case EventKind::engine_failure: return "engine_failure";
    case EventKind::guidance_engaged: return "guidance_engaged";
  }
  return "unknown";
}

const char* to_string(BodyFate fate) noexcept {
  switch (fate) {
    case BodyFate::impact: return "impact";
    case BodyFate::orbiting: return "orbiting";
    case BodyFate::time_limit: return "time_limit";
    case BodyFate::integration_failure: return "integration_failure";
  }
  return "unknown";
}

const char* to_string(FlightStatus status) noexcept {
  switch (status) {
    case FlightStatus::orbit: return "orbit";
    case FlightStatus::suborbital: return "suborbital";
    case FlightStatus::crash: return "crash";
    case FlightStatus::integration_failure: return "integration_failure";
    case FlightStatus::time_limit: return "time_limit";
  }
  return "unknown";
}

const char* to_string(PoweredFlightEnd end) noexcept {
  switch (end) {
    case PoweredFlightEnd::none: return "none";
    case PoweredFlightEnd::guidance_cutoff: return "guidance_cutoff";
    case PoweredFlightEnd::timed_cutoff: return "timed_cutoff";
    case PoweredFlightEnd::depletion: return "depletion";
    case PoweredFlightEnd::motor_burnout: return "motor_burnout";
    case PoweredFlightEnd::engine_failure: return "engine_failure";
  }
  return "unknown";
}

void FlightResult::clear() noexcept {
  status = FlightStatus::time_limit;
  events.clear();
  insertion.reset();
  bodies.clear();
  max_q_Pa = max_q_time_s = 0.0;
  apogee_alt_m = range_m = flight_time_s = 0.0;
  failure_mode = -1;
  powered_flight_end = PoweredFlightEnd::none;
  ascent_stats = {};
}

std::string body_name(const Scenario& scenario, const BodyResult& body) {
  switch (body.kind) {
    case BodyKind::spent_stage:
      return scenario.vehicle.stages[static_cast<std::size_t>(body.index)].name;
    case BodyKind::fairing_piece:
      return "fairing_" + std::to_string(body.index + 1);
    case BodyKind::payload:
      break;
  }
  return scenario.vehicle.payload.name;
}

std::string event_name(const Scenario& scenario, const FlightResult& result,
                       const FlightEvent& event) {
  const std::string kind = to_string(event.kind);
  switch (event.kind) {
    case EventKind::ignition:
    case EventKind::burnout:
    case EventKind::separation:
    case EventKind::engine_failure:
    case EventKind::guidance_engaged:
      return scenario.vehicle.stages[static_cast<std::size_t>(event.index)].name + "_" + kind;
    case EventKind::impact:
      if (event.index >= 0)
        return body_name(scenario, result.bodies[static_cast<std::size_t>(event.index)]) + "_" + kind;
      return kind;
    default:
      return kind;
  }
}

PointSummary summarize_point(const Environment& env, double t_s, const State& y) {
  PointSummary p;
  const Eigen::Vector3d r = y.head<3>(), v = y.segment<3>(3);
  const AirData air = air_data(env, t_s, r, v);
  const Eigen::Vector3d r_ecef = env.rotation.position_eci_to_ecef(r, t_s);
  const geo::Geodetic g = surface_coordinates(env, r_ecef);
  p.lat_deg = g.lat_rad * constants::rad_to_deg;
  p.lon_deg = g.lon_rad * constants::rad_to_deg;
  p.alt_m = g.alt_m;
  const Eigen::Vector3d v_ecef = env.rotation.velocity_eci_to_ecef(r, v, t_s);
  const geo::LocalVelocity lv = geo::local_velocity(r_ecef, v_ecef);
  p.speed_mps = lv.speed_mps;
  p.inertial_speed_mps = v.norm();
  p.flight_path_angle_deg = lv.flight_path_angle_rad * constants::rad_to_deg;
  p.heading_deg = lv.heading_rad * constants::rad_to_deg;
  p.mach = air.mach;
  p.dynamic_pressure_Pa = air.dynamic_pressure_Pa;
  p.mass_kg = y[6];
  return p;
}

Environment make_environment(const Scenario& scenario) {
  Environment env;
  env.rotation = geo::EarthRotation(scenario.earth_rotation_angle_at_liftoff_rad,
                                    scenario.earth.rotating ? constants::earth_rotation_radps : 0.0);
  env.gravity = scenario.earth.gravity;
  env.spherical = scenario.earth.spherical;
  env.sphere_radius_m = scenario.earth.sphere_radius_m;
  env.atmosphere = &atmosphere::us76();
  env.wind = &scenario.wind;
  env.density_scale = scenario.density_scale;
  if (!scenario.density_log_sd.empty()) env.density_log_sd = &scenario.density_log_sd;
  env.density_xi = scenario.density_xi;
  env.gravity_degree = scenario.gravity_degree;
  return env;
}

State initial_state(const Scenario& scenario, const Environment& env) {
  const geo::Geodetic pad{scenario.site.lat_deg * constants::deg_to_rad,
                          scenario.site.lon_deg * constants::deg_to_rad, scenario.site.alt_m};
  const Eigen::Vector3d r_ecef =
      env.spherical ? Eigen::Vector3d((env.sphere_radius_m + pad.alt_m) *
                                      Eigen::Vector3d(std::cos(pad.lat_rad) * std::cos(pad.lon_rad),
                                                      std::cos(pad.lat_rad) * std::sin(pad.lon_rad),
                                                      std::sin(pad.lat_rad)))
                    : geo::geodetic_to_ecef(pad);
  const Eigen::Vector3d r_eci = env.rotation.position_ecef_to_eci(r_ecef, 0.0);
  const Eigen::Vector3d omega(0.0, 0.0, env.rotation.rate_radps());
  State y;
  y.head<3>() = r_eci;
  y.segment<3>(3) = omega.cross(r_eci);
  y[6] = scenario.vehicle.liftoff_mass_kg();
  return y;
}

FlightResult fly(const Scenario& scenario, TrajectoryRecorder* recorder) {
  FlightResult result;
  FlightWorkspace workspace;
  fly(scenario, result, workspace, recorder);
  return result;
}

void fly(const Scenario& sc, FlightResult& result, FlightWorkspace& ws,
         TrajectoryRecorder* recorder) {
  result.clear();
  const Environment env = make_environment(sc);
  const vehicle::Vehicle& veh = sc.vehicle;
  const std::size_t n_stages = veh.stages.size();
  const DormandPrince45<7> integrator(make_tolerances(sc.integrator));
  Tolerances<7> body_tolerances = make_tolerances(sc.integrator);
  if (sc.integrator.body_rtol > 0.0) body_tolerances.rtol = sc.integrator.body_rtol;
  const DormandPrince45<7> body_integrator(body_tolerances);
  Tolerances<7> stiff_tolerances = body_tolerances;
  for (int i = 3; i < 6; ++i)
    stiff_tolerances.atol[i] = std::max(stiff_tolerances.atol[i], sc.integrator.terminal_atol_velocity_mps);
  const Rosenbrock23<7> stiff_integrator(stiff_tolerances);

  enum class Phase { burn, coast_to_separation, coast_to_ignition, ballistic };
  Phase phase = Phase::burn;
  std::size_t k = 0;              // lowest stage still attached
  double t = 0.0;
  double h = 0.0;
  double t_ignition = 0.0;
  double t_phase_end = 0.0;       // separation or ignition time in the coast phases
  double t_payload_sep = std::numeric_limits<double>::infinity();
  bool fairing_on = veh.fairing.has_value();
  bool payload_alone = false;
  bool apogee_found = false;
  bool powered_flight_completed = false;  // nominal final cutoff reached (not a failure)
  State y = initial_state(sc, env);
  GuidedBurn gb;
  // Navigation noise (unit-variance Gauss-Markov state, position then velocity axes), the number
  // of noise samples drawn so far (the index of the next one's stream) and the time of the last.
  Eigen::Matrix<double, 6, 1> nav_noise = Eigen::Matrix<double, 6, 1>::Zero();
  std::uint64_t nav_cycle = 0;
  double t_last_nav_s = 0.0;

  StepObserver observer(env, recorder, -1, sc.history_step_s, true);
  auto add_event = [&](EventKind kind, int index) {
    result.events.push_back({kind, index, t, y});
    observer.record_point(t, y);
  };
  auto spawn_body = [&](BodyKind kind, int index, const State& release) {
    BodyResult b;
    b.kind = kind;
    b.index = index;
    b.release_time_s = t;
    b.release_state = release;
    result.bodies.push_back(b);
  };
  auto fairing_mass = [&]() { return fairing_on ? veh.fairing->mass_kg : 0.0; };
  // Mass above stage k (upper stages, payload and fairing if still on).
  auto mass_above = [&](std::size_t stage) {
    double m = veh.payload.mass_kg + fairing_mass();
    for (std::size_t j = stage + 1; j < n_stages; ++j)
      m += veh.stages[j].dry_mass_kg + veh.stages[j].propellant_mass_kg;
    return m;
  };

  {
    // The thrust at liftoff, for the history's first point: the first stage's engine.
    PhaseForces liftoff;
    liftoff.engine = &veh.stages[0].engine;
    liftoff.guidance = &sc.guidance;
    observer.set_forces(&liftoff);
    add_event(EventKind::liftoff, -1);
    observer.set_forces(nullptr);
  }
  sc.guidance.breakpoints_s(ws.guidance_breakpoints_s);
  std::size_t next_bp = 0;
  bool done = false;

  // One guidance cycle of the burning stage at time t: draw this cycle's navigation error, then
  // start, update or (in the terminal phase) hold the steering.
  auto guidance_cycle = [&]() {
    const guidance::ClosedLoop& c = *gb.cfg;
    const guidance::Navigation& nav = c.navigation;
    if (sc.navigation_noise && (nav.position_noise_m > 0.0 || nav.velocity_noise_mps > 0.0)) {
      // Gauss-Markov step: x_k = phi x_{k-1} + sqrt(1 - phi^2) w_k, w ~ N(0, 1), started from its
      // stationary distribution; scaled by the sigmas below.
      uncertainty::RandomStream noise(sc.navigation_seed, nav_cycle, uncertainty::StreamPurpose::navigation);
      const double phi = nav_cycle == 0 ? 0.0 : std::exp(-(t - t_last_nav_s) / nav.noise_correlation_time_s);
      const double innovation = std::sqrt(1.0 - phi * phi);
      for (int i = 0; i < 6; ++i) nav_noise[i] = phi * nav_noise[i] + innovation * noise.normal();
      t_last_nav_s = t;
      ++nav_cycle;
    }
    gb.position_error_rsw_m = nav.position_bias_m + nav.position_noise_m * nav_noise.head<3>();
    gb.velocity_error_rsw_mps = nav.velocity_bias_mps + nav.velocity_noise_mps * nav_noise.tail<3>();
    gb.next_update_s = t + c.update_interval_s;
    if (gb.holding) return;
    Eigen::Vector3d r_nav, v_nav;
    navigated_state(gb, y, r_nav, v_nav);
    const vehicle::Stage& st = veh.stages[k];
    // The guidance's model of the stage: present vacuum thrust and exhaust velocity, as an
    // accelerometer-based estimate would give them.
    const guidance::Upfg::Propulsion prop{st.engine.vacuum_thrust_N(t - t_ignition),
                                          st.engine.isp_vac_s * constants::g0_mps2};
    if (!(prop.thrust_N > 0.0)) return;
    if (c.mode == guidance::ClosedLoopMode::orbit) {
      // Terminal phase: once the time to go predicted at the last update has (nearly) run down,
      // keep that solution; a new one from a vanishing time to go would be singular.
      if (gb.engaged && gb.upfg.time_to_go_s() - (t - gb.last_update_s) <= c.terminal_time_s) {
        gb.holding = true;
        return;
      }
      const bool ok = gb.engaged ? gb.upfg.update(t, r_nav, v_nav, y[6], prop)
                                 : (gb.upfg.start(gb.orbit, t, r_nav, v_nav, y[6], prop),
                                    gb.upfg.time_to_go_s() > 0.0);
      if (!ok) return;  // keep the previous steering (or the open loop before engagement)
      gb.steering = gb.upfg.steering();
      if (!gb.engaged) add_event(EventKind::guidance_engaged, static_cast<int>(k));
      gb.engaged = true;
      gb.last_update_s = t;
      return;
    }
    // Ballistic: thrust along the velocity still to be gained toward the aim point's arc.
    const guidance::BallisticAim aim = guidance::aim_ballistic(r_nav, t, gb.aim, env.rotation);
    if (!aim.ok) return;
    const Eigen::Vector3d vgo = aim.v_required_eci_mps - v_nav;
    gb.steering.lambda = vgo.normalized();
    gb.steering.lambda_dot_ps.setZero();
    gb.steering.t_lambda_s = t;
    if (!gb.engaged) add_event(EventKind::guidance_engaged, static_cast<int>(k));
    gb.engaged = true;
    if (vgo.norm() * y[6] / prop.thrust_N <= c.terminal_time_s) gb.holding = true;
  };
  // A stage that ignites arms its closed-loop guidance, if it has one.
  auto arm_guidance = [&]() {
    gb = GuidedBurn{};
    gb.cfg = veh.stages[k].active_closed_loop();
    if (gb.cfg == nullptr) return;
    const guidance::ClosedLoop& c = *gb.cfg;
    if (c.mode == guidance::ClosedLoopMode::orbit) {
      gb.orbit = c.orbit.resolve();
      gb.cutoff_value_m = gb.orbit.semi_major_axis_m;
    } else {
      gb.aim = guidance::make_aim_target(c.ballistic, sc.site.lat_deg, sc.site.lon_deg, sc.guidance.azimuth_deg);
      gb.cutoff_value_m = gb.aim.apogee_radius_m;
    }
    gb.next_update_s = t + c.engage_after_ignition_s;
    if (c.engage_after_ignition_s <= 0.0) guidance_cycle();
  };
  auto ignite = [&]() {
    phase = Phase::burn;
    t_ignition = t;
    add_event(EventKind::ignition, static_cast<int>(k));
    arm_guidance();
  };
  auto separate = [&]() {
    add_event(EventKind::separation, static_cast<int>(k));
    State spent = y;
    spent[6] = y[6] - mass_above(k);
    y[6] = mass_above(k);
    spawn_body(BodyKind::spent_stage, static_cast<int>(k), spent);
    ++k;
    phase = Phase::coast_to_ignition;
    t_phase_end = t + veh.stages[k].ignition_delay_s;
    if (veh.stages[k].ignition_delay_s <= 0.0) ignite();
  };
  auto separate_payload = [&]() {
    add_event(EventKind::payload_separation, -1);
    State spent = y;
    spent[6] = y[6] - veh.payload.mass_kg;
    y[6] = veh.payload.mass_kg;
    spawn_body(BodyKind::spent_stage, static_cast<int>(k), spent);
    payload_alone = true;
    t_payload_sep = std::numeric_limits<double>::infinity();
  };
  // End of powered flight (last cutoff, or an engine failure): in orbit, or ballistic to ground.
  auto end_powered_flight = [&](bool nominal) {
    powered_flight_completed = nominal;
    const orbit::Elements el = orbit::elements_from_state(y.head<3>(), y.segment<3>(3));
    if (el.eccentricity < 1.0) {
      const orbit::ApsisAltitudes aps = orbit::apsis_altitudes(el);
      if (aps.perigee_alt_m >= sc.limits.insertion_min_perigee_alt_m) {
        add_event(EventKind::insertion, -1);
        result.insertion = Insertion{t, y, el, aps};
        result.status = FlightStatus::orbit;
        if (nominal && veh.payload.separation_delay_s) separate_payload();
        done = true;
        return;
      }
    }
    phase = Phase::ballistic;
    if (nominal && veh.payload.separation_delay_s) {
      t_payload_sep = t + *veh.payload.separation_delay_s;
      if (*veh.payload.separation_delay_s <= 0.0) separate_payload();
    }
  };
  auto burnout = [&](PoweredFlightEnd how) {
    add_event(EventKind::burnout, static_cast<int>(k));
    gb = GuidedBurn{};
    if (k + 1 < n_stages) {
      phase = Phase::coast_to_separation;
      t_phase_end = t + veh.stages[k].separation_delay_s;
      if (veh.stages[k].separation_delay_s <= 0.0) separate();
      return;
    }
    result.powered_flight_end = how;
    end_powered_flight(true);
  };
  const bool failure_drawn = sc.failure.mode >= 0 && sc.failure.stage < n_stages;
  auto engine_failure = [&]() {
    add_event(EventKind::engine_failure, static_cast<int>(k));
    result.failure_mode = sc.failure.mode;
    result.powered_flight_end = PoweredFlightEnd::engine_failure;
    gb = GuidedBurn{};
    end_powered_flight(false);
  };
  auto jettison_fairing = [&]() {
    add_event(EventKind::fairing_jettison, -1);
    const vehicle::Fairing& fr = *veh.fairing;
    const Eigen::Vector3d v = y.segment<3>(3);
    const Eigen::Vector3d along = v.normalized();
    const Eigen::Vector3d cross = y.head<3>().cross(v).normalized();
    const Eigen::Vector3d third = along.cross(cross);
    for (int p = 0; p < fr.pieces; ++p) {
      // Pieces fly apart evenly around the velocity axis (two halves: +/- crossrange).
      const double ang = 2.0 * constants::pi * p / fr.pieces;
      State piece = y;
      piece.segment<3>(3) += fr.separation_speed_mps * (std::cos(ang) * cross + std::sin(ang) * third);
      piece[6] = fr.mass_kg / fr.pieces;
      spawn_body(BodyKind::fairing_piece, p, piece);
    }
    y[6] -= fr.mass_kg;
    fairing_on = false;
  };

  arm_guidance();  // the first stage burns from liftoff
  while (!done) {
    const vehicle::Stage& stage = veh.stages[k];
    PhaseForces forces;
    forces.engine = phase == Phase::burn ? &stage.engine : nullptr;
    forces.ignition_time_s = t_ignition;
    forces.drag = payload_alone ? &veh.payload.drag : &stage.stack_drag;
    forces.guidance = &sc.guidance;
    const bool guided = phase == Phase::burn && gb.cfg != nullptr;
    forces.steering = guided && gb.engaged ? &gb.steering : nullptr;

    // Next scheduled (time-triggered) action.
    while (next_bp < ws.guidance_breakpoints_s.size() &&
           ws.guidance_breakpoints_s[next_bp] <= t + kTimeEps_s)
      ++next_bp;
    double t_next = sc.limits.max_flight_time_s;
    if (next_bp < ws.guidance_breakpoints_s.size())
      t_next = std::min(t_next, ws.guidance_breakpoints_s[next_bp]);
    if (phase == Phase::burn) {
      if (stage.cutoff_time_s && !guided) t_next = std::min(t_next, t_ignition + *stage.cutoff_time_s);
      if (guided && !gb.holding) t_next = std::min(t_next, gb.next_update_s);
      if (stage.engine.solid()) t_next = std::min(t_next, t_ignition + stage.engine.curve_end_s());
      if (failure_drawn && k == sc.failure.stage)
        t_next = std::min(t_next, t_ignition + sc.failure.time_after_ignition_s);
    } else if (phase == Phase::coast_to_separation || phase == Phase::coast_to_ignition) {
      t_next = std::min(t_next, t_phase_end);
    }
    t_next = std::min(t_next, t_payload_sep);
    if (fairing_on && veh.fairing->jettison_time_s)
      t_next = std::min(t_next, *veh.fairing->jettison_time_s);

    // State-triggered events.
    enum EventId { kImpact = 0, kDepletion, kFairingAltitude, kApogee, kEnergyCutoff, kGuidedCutoff };
    std::array<int, kMaxEvents> ids{};
    EventSpec spec;
    auto add_spec = [&](int id, int dir) {
      ids[static_cast<std::size_t>(spec.count)] = id;
      spec.direction[static_cast<std::size_t>(spec.count)] = dir;
      ++spec.count;
    };
    add_spec(kImpact, -1);
    const double burnout_mass_kg = mass_above(k) + stage.dry_mass_kg;
    if (phase == Phase::burn) add_spec(kDepletion, -1);
    if (phase == Phase::burn && stage.energy_cutoff && !guided) add_spec(kEnergyCutoff, +1);
    if (guided && gb.engaged) add_spec(kGuidedCutoff, +1);
    if (fairing_on && veh.fairing->jettison_alt_m) add_spec(kFairingAltitude, +1);
    if (phase == Phase::ballistic && !apogee_found) add_spec(kApogee, -1);
    auto g = [&](double /*t*/, const State& yy, double* out) {
      for (int i = 0; i < spec.count; ++i) {
        switch (ids[static_cast<std::size_t>(i)]) {
          case kImpact: out[i] = altitude_m(env, yy.head<3>()); break;
          case kDepletion: out[i] = yy[6] - burnout_mass_kg; break;
          case kEnergyCutoff: {
            const vehicle::EnergyCutoff& c = *stage.energy_cutoff;
            // The navigated state: true state plus the navigation biases.
            const Eigen::Vector3d r_true = yy.head<3>(), v_true = yy.segment<3>(3);
            const Eigen::Vector3d rr = r_true + c.nav_position_bias_m * r_true.normalized();
            const Eigen::Vector3d vv = v_true + c.nav_velocity_bias_mps * v_true.normalized();
            // a = -mu / (2 E): increases monotonically while thrust adds energy; an unbound
            // orbit (E >= 0) counts as past any target.
            const double energy = 0.5 * vv.squaredNorm() - constants::wgs84_gm_m3ps2 / rr.norm();
            if (c.quantity == vehicle::CutoffQuantity::semi_major_axis) {
              out[i] = energy < 0.0 ? -constants::wgs84_gm_m3ps2 / (2.0 * energy) - c.value_m : 1e12;
            } else {
              const orbit::Elements el = orbit::elements_from_state(rr, vv);
              out[i] = el.eccentricity < 1.0 ? orbit::apsis_altitudes(el).apogee_alt_m - c.value_m : 1e12;
            }
            break;
          }
          case kFairingAltitude:
            out[i] = altitude_m(env, yy.head<3>()) - *veh.fairing->jettison_alt_m;
            break;
          case kGuidedCutoff: {
            Eigen::Vector3d r_nav, v_nav;
            navigated_state(gb, yy, r_nav, v_nav);
            out[i] = cutoff_quantity_m(gb.cfg->mode, r_nav, v_nav) - gb.cutoff_value_m;
            break;
          }
          case kApogee: out[i] = yy.head<3>().dot(yy.segment<3>(3)); break;
        }
      }
    };
    auto f = [&](double tt, const State& yy, State& dy) { derivative(env, forces, tt, yy, dy); };

    observer.restart(phase != Phase::ballistic);
    observer.set_forces(&forces);
    const IntegrationOutcome out =
        integrator.integrate(f, g, spec, observer, t, y, t_next, h, result.ascent_stats);
    // Every stop is a discontinuity (staging, guidance corner): restart with a modest step.
    h = std::min(h, 1.0);

    if (out.reason == StopReason::event) {
      switch (ids[static_cast<std::size_t>(out.event)]) {
        case kImpact:
          add_event(EventKind::impact, -1);
          result.status = powered_flight_completed ? FlightStatus::suborbital : FlightStatus::crash;
          done = true;
          break;
        case kDepletion:
          y[6] = burnout_mass_kg;  // exactly empty tanks, not a hair below
          burnout(PoweredFlightEnd::depletion);
          break;
        case kEnergyCutoff:
        case kGuidedCutoff:
          burnout(PoweredFlightEnd::guidance_cutoff);
          break;
        case kFairingAltitude:
          jettison_fairing();
          break;
        case kApogee:
          add_event(EventKind::apogee, -1);
          apogee_found = true;
          break;
      }
      continue;
    }
    if (out.reason != StopReason::reached_end) {
      result.status = FlightStatus::integration_failure;
      break;
    }
    // Scheduled actions due now.
    if (t >= sc.limits.max_flight_time_s - kTimeEps_s) {
      result.status = FlightStatus::time_limit;
      break;
    }
    if (sc.guidance.vertical_rise_s > 0.0 && std::abs(t - sc.guidance.vertical_rise_s) < 1e-6)
      add_event(EventKind::pitch_over, -1);
    if (std::isfinite(sc.guidance.gravity_turn_end_s) &&
        std::abs(t - sc.guidance.gravity_turn_end_s) < 1e-6)
      add_event(EventKind::gravity_turn_end, -1);
    if (fairing_on && veh.fairing->jettison_time_s && t >= *veh.fairing->jettison_time_s - kTimeEps_s)
      jettison_fairing();
    if (guided && !gb.holding && t >= gb.next_update_s - kTimeEps_s) guidance_cycle();
    if (phase == Phase::burn) {
      const bool cutoff =
          !guided && stage.cutoff_time_s && t >= t_ignition + *stage.cutoff_time_s - kTimeEps_s;
      const bool motor_end =
          stage.engine.solid() && t >= t_ignition + stage.engine.curve_end_s() - kTimeEps_s;
      const bool failed = failure_drawn && k == sc.failure.stage &&
                          t >= t_ignition + sc.failure.time_after_ignition_s - kTimeEps_s;
      if (failed) {
        engine_failure();
      } else if (cutoff) {
        burnout(PoweredFlightEnd::timed_cutoff);
      } else if (motor_end) {
        burnout(PoweredFlightEnd::motor_burnout);
      }
    } else if (phase == Phase::coast_to_separation && t >= t_phase_end - kTimeEps_s) {
      separate();
    } else if (phase == Phase::coast_to_ignition && t >= t_phase_end - kTimeEps_s) {
      ignite();
    }
    if (!done && t >= t_payload_sep - kTimeEps_s) separate_payload();
  }

  observer.set_forces(nullptr);  // the last phase's forces are gone
  result.flight_time_s = t;
  result.apogee_alt_m = observer.max_alt_m();
  if (result.status == FlightStatus::suborbital || result.status == FlightStatus::crash) {
    const geo::Geodetic impact =
        surface_coordinates(env, env.rotation.position_eci_to_ecef(y.head<3>(), t));
    result.range_m = surface_distance_m(env, sc.site.lat_deg * constants::deg_to_rad,
                                        sc.site.lon_deg * constants::deg_to_rad, impact.lat_rad,
                                        impact.lon_rad);
  }
  if (observer.max_q_Pa() > 0.0) {
    result.max_q_Pa = observer.max_q_Pa();
    result.max_q_time_s = observer.max_q_time_s();
    result.events.push_back({EventKind::max_q, -1, observer.max_q_time_s(), observer.max_q_state()});
  }

  for (std::size_t i = 0; i < result.bodies.size(); ++i) {
    BodyResult& body = result.bodies[i];
    fly_body(sc, env, body_integrator,
             sc.integrator.terminal_atol_velocity_mps > 0.0 ? &stiff_integrator : nullptr,
             static_cast<int>(i), body, recorder);
    if (body.fate == BodyFate::impact) result.events.push_back(body.impact);
  }
  // Time order (insertion sort: few events, and no allocation unlike stable_sort).
  auto& ev = result.events;
  for (std::size_t i = 1; i < ev.size(); ++i) {
    for (std::size_t j = i; j > 0 && ev[j].t_s < ev[j - 1].t_s; --j) std::swap(ev[j], ev[j - 1]);
  }
}

}  // namespace launchmc::flight
