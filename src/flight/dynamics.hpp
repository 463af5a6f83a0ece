// Equations of motion of a point mass (3-DOF) in the Earth-centred inertial frame (ECI, true of
// date with precession and nutation ignored; see geo/frames.hpp): zonal gravity, thrust with
// back-pressure loss along the guidance direction, and drag on the velocity relative to the air,
// which co-rotates with the Earth and carries the wind.
#pragma once

#include <Eigen/Core>
#include <Eigen/Geometry>

#include "atmosphere/us76.hpp"
#include "atmosphere/wind.hpp"
#include "geo/frames.hpp"
#include "guidance/closed_loop.hpp"
#include "guidance/open_loop.hpp"
#include "vehicle/vehicle.hpp"

namespace launchmc::flight {

// [r_eci_m (3), v_eci_mps (3), mass_kg]
using State = Eigen::Matrix<double, 7, 1>;

// What the flight knows of the world; cheap to copy, built once per flight.
struct Environment {
  geo::EarthRotation rotation{0.0};
  const atmosphere::Us76* atmosphere = nullptr;
  const atmosphere::WindProfile* wind = nullptr;
  double density_scale = 1.0;
  const Table1D* density_log_sd = nullptr;  // altitude-dependent density dispersion (may be null)
  double density_xi = 0.0;  // a sample's draws (SampleDraws) of the density and wind shapes
  double wind_east_xi = 0.0;
  double wind_north_xi = 0.0;
  int gravity_degree = 4;
  bool gravity = true;
  bool spherical = false;  // sphere instead of the WGS-84 ellipsoid (validation only)
  double sphere_radius_m = 0.0;
};

// Latitude, longitude and height above the Earth's surface (WGS-84 geodetic, or spherical).
geo::Geodetic surface_coordinates(const Environment& env, const Eigen::Vector3d& r_ecef_m) noexcept;

// Height above the surface (WGS-84 ellipsoid or the validation sphere) of an ECI position: the
// Earth's rotation about z does not change it, so no rotation is needed.
double altitude_m(const Environment& env, const Eigen::Vector3d& r_eci_m) noexcept;

// Local frame and air data at a point of the trajectory.
struct AirData {
  double alt_m = 0.0;                           // height above the surface
  Eigen::Vector3d east_eci, north_eci, up_eci;  // geodetic local frame, unit vectors in ECI
  double temperature_K = 0.0;
  double pressure_Pa = 0.0;
  double density_kgpm3 = 0.0;
  double speed_of_sound_mps = 0.0;
  Eigen::Vector3d v_earth_eci_mps;  // velocity relative to the rotating Earth, in ECI axes
  double earth_speed_mps = 0.0;
  Eigen::Vector3d v_air_eci_mps;  // velocity relative to the moving air, in ECI
  double airspeed_mps = 0.0;
  double mach = 0.0;
  double dynamic_pressure_Pa = 0.0;
};

AirData air_data(const Environment& env, double t_s, const Eigen::Vector3d& r_eci_m,
                 const Eigen::Vector3d& v_eci_mps) noexcept;

// A loss of control in force (scenario/draws.hpp LossOfControl, from the failure's time on): the
// thrust turns away from the guidance command c(t) by theta = rate (t - start_s) toward the unit
// direction d(t) perpendicular to c at the clock angle `direction_rad` from the pitch-up side
// p = the local vertical's part perpendicular to c (normalised), through the right side
// q = c x p: thrust = cos(theta) c + sin(theta) (cos(phi) p + sin(phi) q). Where c is vertical,
// p is the horizontal opposite to the open-loop program's heading (the limit of a vertical
// command leaning toward that heading). The frame moves with the command, so the angle between
// the thrust and the command is theta (folded into [0, pi]) whatever the guidance does.
struct LossOfControlTurn {
  double start_s = 0.0;        // time of the failure [s since liftoff]
  double rate_radps = 0.0;     // [rad/s]
  double direction_rad = 0.0;  // clock angle phi [rad]
};

// The thrust direction (unit, ECI) of a loss of control at t_s, given the commanded one.
Eigen::Vector3d turned_thrust_direction(const Eigen::Vector3d& command_eci,
                                        const LossOfControlTurn& turn, double t_s,
                                        const AirData& air, double heading_rad) noexcept;

// Angle of attack of a 3-DOF point mass whose body axis is `body_axis_eci` (unit; the thrust
// direction): the angle between that axis and the air-relative velocity, in [0, pi] [rad]; 0 in
// still air. Only a breakup criterion (q alpha): the aerodynamic force stays drag along the
// air-relative velocity (no lift, no side force) in this model.
double angle_of_attack_rad(const Eigen::Vector3d& body_axis_eci, const AirData& air) noexcept;

// The forces acting in one phase of flight: an engine (or none), a drag configuration and the
// guidance program that points the thrust.
struct PhaseForces {
  const vehicle::Engine* engine = nullptr;  // null while coasting
  double ignition_time_s = 0.0;
  const vehicle::DragModel* drag = nullptr;  // null: no drag
  const guidance::OpenLoopProgram* guidance = nullptr;
  // Closed-loop steering in force (null: the open-loop program points the thrust).
  const guidance::LinearTangentSteering* steering = nullptr;
  // Thrust and mass flow factor of a thrust-loss failure (1: nominal; the product is exact).
  double thrust_factor = 1.0;
  // The burning stage's load factor (vehicle::Stage::load_factor: a solid motor's load over the
  // one its thrust table was given at; 1 for liquids), passed to the engine.
  double load_factor = 1.0;
  // A loss of control in force (null: the thrust follows the command).
  const LossOfControlTurn* loss_of_control = nullptr;
};

// Thrust direction (unit, ECI) commanded by the guidance at this point.
Eigen::Vector3d thrust_direction_eci(const guidance::OpenLoopProgram& program, double t_s,
                                     const AirData& air) noexcept;

// Thrust acting at a point of a phase: magnitude (0 while coasting or after a solid motor's table
// ends) and unit direction in ECI (zero without thrust), and the mass flow it burns.
struct Thrust {
  double thrust_N = 0.0;
  Eigen::Vector3d direction_eci = Eigen::Vector3d::Zero();
  double mass_flow_kgps = 0.0;
};
Thrust thrust_at(const PhaseForces& forces, double t_s, const AirData& air) noexcept;
// The same, computing the air data it needs (for reports; the equations of motion share theirs).
Thrust thrust_at(const Environment& env, const PhaseForces& forces, double t_s,
                 const State& y) noexcept;

// dy/dt of the state; no allocation.
void derivative(const Environment& env, const PhaseForces& forces, double t_s, const State& y,
                State& dydt) noexcept;

// Jacobian d(dy/dt)/dy of an unpowered body (no thrust): the velocity block of the drag
// analytically (-(k/m)(|u| I + u u^T / |u|), u the air-relative velocity, k = rho Cd A / 2; the
// Mach dependence of Cd neglected), the position block by forward differences (density
// gradient, gravity gradient, co-rotation), the mass column analytically. Counts its evaluations.
void unpowered_jacobian(const Environment& env, const PhaseForces& forces, double t_s,
                        const State& y, const State& dydt, Eigen::Matrix<double, 7, 7>& jac,
                        std::int64_t& rhs_evaluations) noexcept;

}  // namespace launchmc::flight
