// Equations of motion of the point-mass vehicle and of falling bodies.
#include "flight/dynamics.hpp"

#include <algorithm>
#include <cmath>

#include "common/constants.hpp"
#include "gravity/gravity.hpp"

namespace launchmc::flight {

geo::Geodetic surface_coordinates(const Environment& env,
                                  const Eigen::Vector3d& r_ecef_m) noexcept {
  if (!env.spherical) return geo::ecef_to_geodetic(r_ecef_m);
  const double r = r_ecef_m.norm();
  return {std::asin(r_ecef_m.z() / r), std::atan2(r_ecef_m.y(), r_ecef_m.x()),
          r - env.sphere_radius_m};
}

namespace {

// Sine and cosine of the geodetic (or spherical) latitude, and the height.
geo::LatitudeHeight latitude_height(const Environment& env, double rho, double z) noexcept {
  if (!env.spherical) return geo::latitude_height(rho, z);
  const double r = std::sqrt(rho * rho + z * z);
  return {z / r, rho / r, r - env.sphere_radius_m};
}

}  // namespace

double altitude_m(const Environment& env, const Eigen::Vector3d& r) noexcept {
  return latitude_height(env, std::sqrt(r.x() * r.x() + r.y() * r.y()), r.z()).alt_m;
}

AirData air_data(const Environment& env, double /*t_s*/, const Eigen::Vector3d& r_eci_m,
                 const Eigen::Vector3d& v_eci_mps) noexcept {
  // Everything here is computed in ECI axes: latitude, height and the local east/north/up
  // directions do not depend on the Earth's rotation angle (only longitude does), so no rotation
  // matrix and no trigonometric call is needed.
  AirData a;
  const double x = r_eci_m.x(), y = r_eci_m.y();
  const double rho = std::sqrt(x * x + y * y);
  const geo::LatitudeHeight lh = latitude_height(env, rho, r_eci_m.z());
  a.alt_m = lh.alt_m;
  const double ca = rho > 0.0 ? x / rho : 1.0, sa = rho > 0.0 ? y / rho : 0.0;
  a.east_eci = Eigen::Vector3d(-sa, ca, 0.0);
  a.north_eci = Eigen::Vector3d(-lh.sin_lat * ca, -lh.sin_lat * sa, lh.cos_lat);
  a.up_eci = Eigen::Vector3d(lh.cos_lat * ca, lh.cos_lat * sa, lh.sin_lat);

  const atmosphere::AtmosphereState atm = env.atmosphere->at(a.alt_m);
  a.temperature_K = atm.temperature_K;
  a.pressure_Pa = atm.pressure_Pa;
  a.density_kgpm3 = atm.density_kgpm3 * env.density_scale;
  if (env.density_log_sd != nullptr && env.density_xi != 0.0) {
    const double s = (*env.density_log_sd)(a.alt_m);
    a.density_kgpm3 *= std::exp(s * env.density_xi - 0.5 * s * s);
  }
  a.speed_of_sound_mps = atm.speed_of_sound_mps;

  // The air co-rotates with the Earth: v_air = omega x r + wind (east, north).
  const double w = env.rotation.rate_radps();
  Eigen::Vector3d v_atm(-w * y, w * x, 0.0);  // omega x r
  a.v_earth_eci_mps = v_eci_mps - v_atm;
  a.earth_speed_mps = a.v_earth_eci_mps.norm();
  if (env.wind != nullptr && !env.wind->calm(env.wind_east_xi, env.wind_north_xi)) {
    const Eigen::Vector2d wind = env.wind->at(a.alt_m, env.wind_east_xi, env.wind_north_xi);
    v_atm += wind.x() * a.east_eci + wind.y() * a.north_eci;
  }
  a.v_air_eci_mps = v_eci_mps - v_atm;
  a.airspeed_mps = a.v_air_eci_mps.norm();
  a.mach = a.airspeed_mps / a.speed_of_sound_mps;
  a.dynamic_pressure_Pa = 0.5 * a.density_kgpm3 * a.airspeed_mps * a.airspeed_mps;
  return a;
}

Eigen::Vector3d thrust_direction_eci(const guidance::OpenLoopProgram& program, double t_s,
                                     const AirData& air) noexcept {
  const guidance::AttitudeCommand cmd = program.command(t_s);
  double pitch = cmd.pitch_rad;
  if (cmd.follow_velocity_pitch) {
    // Gravity turn: thrust along the Earth-relative flight-path angle (zero angle of attack in
    // calm air). Not the air-relative one: a real vehicle flies a pre-computed attitude program
    // and meets winds with an angle of attack; steering into every gust at 60 m/s would turn the
    // trajectory over by degrees. Below 1 m/s the angle is undefined: stay vertical.
    pitch = air.earth_speed_mps > 1.0
                ? std::asin(std::clamp(air.v_earth_eci_mps.dot(air.up_eci) / air.earth_speed_mps,
                                       -1.0, 1.0))
                : 0.5 * constants::pi;
  }
  const double cp = std::cos(pitch), sp = std::sin(pitch);
  const double sh = std::sin(cmd.heading_rad), ch = std::cos(cmd.heading_rad);
  return cp * (sh * air.east_eci + ch * air.north_eci) + sp * air.up_eci;
}

Eigen::Vector3d turned_thrust_direction(const Eigen::Vector3d& c, const LossOfControlTurn& turn,
                                        double t_s, const AirData& air,
                                        double heading_rad) noexcept {
  const double theta = turn.rate_radps * std::max(0.0, t_s - turn.start_s);
  Eigen::Vector3d p = air.up_eci - air.up_eci.dot(c) * c;
  const double pn = p.norm();
  if (pn > 1e-9) {
    p /= pn;
  } else {
    // A vertical command: pitching "up" leans back, away from the heading.
    p = -(std::sin(heading_rad) * air.east_eci + std::cos(heading_rad) * air.north_eci);
  }
  const Eigen::Vector3d q = c.cross(p);
  const Eigen::Vector3d d = std::cos(turn.direction_rad) * p + std::sin(turn.direction_rad) * q;
  return std::cos(theta) * c + std::sin(theta) * d;
}

double angle_of_attack_rad(const Eigen::Vector3d& body_axis_eci, const AirData& air) noexcept {
  if (!(air.airspeed_mps > 0.0)) return 0.0;
  // atan2 of the cross and dot products: accurate at small and near-pi angles alike.
  const double sin_part = body_axis_eci.cross(air.v_air_eci_mps).norm();
  const double cos_part = body_axis_eci.dot(air.v_air_eci_mps);
  return std::atan2(sin_part, cos_part);
}

Thrust thrust_at(const PhaseForces& forces, double t_s, const AirData& air) noexcept {
  Thrust th;
  if (forces.engine == nullptr) return th;
  const double t_burn = t_s - forces.ignition_time_s;
  th.mass_flow_kgps =
      forces.thrust_factor * forces.engine->mass_flow_kgps(t_burn, forces.load_factor);
  th.thrust_N =
      forces.thrust_factor * forces.engine->thrust_N(t_burn, air.pressure_Pa, forces.load_factor);
  if (th.thrust_N > 0.0) {
    th.direction_eci = forces.steering != nullptr
                           ? forces.steering->direction(t_s)
                           : thrust_direction_eci(*forces.guidance, t_s, air);
    if (forces.loss_of_control != nullptr) {
      const LossOfControlTurn& turn = *forces.loss_of_control;
      // The heading is needed only where the command is vertical (a vertical rise).
      const Eigen::Vector3d& c = th.direction_eci;
      const bool vertical = (air.up_eci - air.up_eci.dot(c) * c).norm() <= 1e-9;
      const double heading_rad =
          vertical && forces.guidance != nullptr ? forces.guidance->command(t_s).heading_rad : 0.0;
      th.direction_eci = turned_thrust_direction(c, turn, t_s, air, heading_rad);
    }
  }
  return th;
}

Thrust thrust_at(const Environment& env, const PhaseForces& forces, double t_s,
                 const State& y) noexcept {
  if (forces.engine == nullptr) return {};
  return thrust_at(forces, t_s, air_data(env, t_s, y.head<3>(), y.segment<3>(3)));
}

void unpowered_jacobian(const Environment& env, const PhaseForces& forces, double t_s,
                        const State& y, const State& dydt, Eigen::Matrix<double, 7, 7>& jac,
                        std::int64_t& rhs_evaluations) noexcept {
  jac.setZero();
  jac.block<3, 3>(0, 3).setIdentity();
  const Eigen::Vector3d r = y.head<3>(), v = y.segment<3>(3);
  const double m = y[6];
  const AirData air = air_data(env, t_s, r, v);
  if (forces.drag != nullptr && !forces.drag->none() && air.airspeed_mps > 0.0) {
    const double k = 0.5 * air.density_kgpm3 * forces.drag->cd_area_m2(air.mach);
    const Eigen::Vector3d& u = air.v_air_eci_mps;
    const double un = air.airspeed_mps;
    jac.block<3, 3>(3, 3) =
        -(k / m) * (un * Eigen::Matrix3d::Identity() + (u * u.transpose()) / un);
    jac.block<3, 1>(3, 6) = (k / (m * m)) * un * u;  // d(-k|u|u/m)/dm
  }
  // Position block by forward differences: steps of ~0.1 m at the Earth's radius.
  State yp = y, fp;
  for (int j = 0; j < 3; ++j) {
    const double delta = 1.5e-8 * std::max(std::abs(y[j]), 1.0e6);
    yp[j] = y[j] + delta;
    derivative(env, forces, t_s, yp, fp);
    jac.block<3, 1>(3, j) = (fp.segment<3>(3) - dydt.segment<3>(3)) / delta;
    yp[j] = y[j];
  }
  rhs_evaluations += 3;
}

void derivative(const Environment& env, const PhaseForces& forces, double t_s, const State& y,
                State& dydt) noexcept {
  const Eigen::Vector3d r = y.head<3>();
  const Eigen::Vector3d v = y.segment<3>(3);
  const double m = y[6];
  Eigen::Vector3d acc =
      env.gravity ? gravity::acceleration_mps2(r, env.gravity_degree) : Eigen::Vector3d::Zero();
  double mdot = 0.0;

  const bool powered = forces.engine != nullptr;
  const bool has_drag = forces.drag != nullptr && !forces.drag->none();
  if (powered || has_drag) {
    const AirData air = air_data(env, t_s, r, v);
    if (has_drag && air.density_kgpm3 > 0.0 && air.airspeed_mps > 0.0) {
      const double cda = forces.drag->cd_area_m2(air.mach);
      acc -= (0.5 * air.density_kgpm3 * air.airspeed_mps * cda / m) * air.v_air_eci_mps;
    }
    if (powered) {
      const Thrust th = thrust_at(forces, t_s, air);
      acc += (th.thrust_N / m) * th.direction_eci;
      mdot = -th.mass_flow_kgps;
    }
  }
  dydt.head<3>() = v;
  dydt.segment<3>(3) = acc;
  dydt[6] = mdot;
}

}  // namespace launchmc::flight
