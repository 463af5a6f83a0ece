// Unified Powered Flight Guidance (UPFG) for one burn to an orbit, in its standard-ascent form:
// the Space Shuttle's explicit, iterative linear-tangent guidance (Brand, Brown & Higgins, "Space
// Shuttle GN&C Equation Document No. 24: Unified Powered Flight Guidance", NASA JSC, 1973;
// McHenry et al., "Space Shuttle Ascent Guidance, Navigation, and Control", J. Astronaut. Sci.
// 27(1), 1979). Each cycle predicts the burn with the thrust integrals of a constant-thrust,
// constant-exhaust-velocity stage, the effect of gravity over the remaining burn by conic
// extrapolation, and the desired cutoff state (target radius, speed and flight-path angle in the
// target plane); the velocity-to-be-gained and the turning rate follow. Converges in a few cycles
// from a crude first guess and corrects any dispersion of the state it starts from.
//
// Frames: ECI (the flight's inertial frame). Everything is fixed-size: no allocation.
#pragma once

#include <Eigen/Core>

#include "common/constants.hpp"
#include "guidance/closed_loop.hpp"

namespace launchmc::guidance {

class Upfg {
 public:
  // The stage as the guidance models it: constant thrust and exhaust velocity.
  struct Propulsion {
    double thrust_N = 0.0;
    double exhaust_velocity_mps = 0.0;  // Isp g0
  };

  // Starts guidance at time t_s from the (navigated) state and iterates without moving the state
  // until the time-to-go settles (the Shuttle's pre-thrust convergence). Returns true when it
  // converged; the steering is valid either way (the best iterate).
  bool start(const OrbitTarget& target, double t_s, const Eigen::Vector3d& r_eci_m,
             const Eigen::Vector3d& v_eci_mps, double mass_kg,
             const Propulsion& propulsion) noexcept;

  // One guidance cycle at time t_s. Returns false (and keeps the previous steering) if the cycle
  // produced a non-finite solution.
  bool update(double t_s, const Eigen::Vector3d& r_eci_m, const Eigen::Vector3d& v_eci_mps,
              double mass_kg, const Propulsion& propulsion) noexcept;

  const LinearTangentSteering& steering() const noexcept { return steering_; }
  double time_to_go_s() const noexcept { return tgo_s_; }
  // Unit normal of the target plane (along the target orbit's angular momentum), ECI.
  const Eigen::Vector3d& plane_normal() const noexcept { return normal_; }
  // Speed and flight-path angle wanted at the insertion radius.
  double target_speed_mps() const noexcept { return vd_mps_; }
  double target_flight_path_angle_rad() const noexcept { return gamma_d_rad_; }

  // The plane of inclination `inclination_rad` through position r closest to the direction of
  // velocity v (unit angular-momentum direction). If the inclination is below the latitude of r
  // (unreachable there), the nearest reachable plane: the one whose vertex is at r.
  static Eigen::Vector3d plane_through(const Eigen::Vector3d& r_eci_m,
                                       const Eigen::Vector3d& v_eci_mps,
                                       double inclination_rad) noexcept;
  // Unit angular-momentum direction of the plane with this inclination and node.
  static Eigen::Vector3d plane_normal(double inclination_rad, double raan_rad) noexcept;

 private:
  bool cycle(double t_s, const Eigen::Vector3d& r, const Eigen::Vector3d& v, double mass_kg,
             const Propulsion& propulsion) noexcept;

  double mu_ = constants::wgs84_gm_m3ps2;
  Eigen::Vector3d normal_ = Eigen::Vector3d::UnitZ();  // target plane, along h
  bool free_node_ = true;
  double inclination_rad_ = 0.0;
  double rd_m_ = 0.0;         // insertion radius
  double vd_mps_ = 0.0;       // insertion speed
  double gamma_d_rad_ = 0.0;  // insertion flight-path angle

  // Carried from cycle to cycle.
  Eigen::Vector3d rd_ = Eigen::Vector3d::Zero();      // desired cutoff position
  Eigen::Vector3d vgo_ = Eigen::Vector3d::Zero();     // velocity to be gained
  Eigen::Vector3d rgrav_ = Eigen::Vector3d::Zero();   // gravity's position effect over the burn
  Eigen::Vector3d rbias_ = Eigen::Vector3d::Zero();   // thrust-turning position correction
  Eigen::Vector3d v_prev_ = Eigen::Vector3d::Zero();  // state of the last cycle
  Eigen::Vector3d r_prev_ = Eigen::Vector3d::UnitX();
  double t_prev_s_ = 0.0;
  double tgo_s_ = 0.0;
  LinearTangentSteering steering_;
};

}  // namespace launchmc::guidance
