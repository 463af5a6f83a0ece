// Two-body (Keplerian) motion: universal-variable propagation of a state vector, and the
// analytic free-flight arc of a ballistic missile over a spherical, non-rotating Earth.
#pragma once

#include <Eigen/Core>

#include "common/constants.hpp"

namespace launchmc::orbit {

struct StateVector {
  Eigen::Vector3d r_m;
  Eigen::Vector3d v_mps;
};

// Two-body propagation by dt_s (any sign) with the universal variable chi and Stumpff functions
// (Vallado, Fundamentals of Astrodynamics, 4th ed., algorithm 8 KEPLER; Curtis, Orbital Mechanics
// for Engineering Students, sec. 3.7): valid for ellipses, parabolae, hyperbolae and multiple
// revolutions, in any inertial frame centred on the attracting body. Newton iteration safeguarded
// by bisection (the universal Kepler equation is monotonic in chi). No allocation.
// Throws std::invalid_argument for r = 0 or mu <= 0, std::runtime_error if not converged
// (not observed for finite inputs).
StateVector propagate_kepler(const StateVector& s0, double dt_s,
                             double mu = constants::wgs84_gm_m3ps2);

// Free flight of a ballistic missile over a spherical, non-rotating Earth of radius R_m, from
// burnout at radius r_bo_m (>= R_m) with speed v_bo_mps and flight-path angle gamma_bo_rad
// (above the local horizontal, in (-pi/2, pi/2)) down to radius R_m on the descending branch
// (Bate, Mueller & White, Fundamentals of Astrodynamics, 1971, ch. 6 "Ballistic missile
// trajectories"; the symmetric case r_bo = R is their free-flight range equation
// cos(Psi/2) = (1 - Q cos^2 g) / sqrt(1 + Q (Q - 2) cos^2 g), Q = r v^2 / mu).
//  - range_angle_rad: central (great-circle) angle travelled, in [0, 2 pi);
//  - time_of_flight_s: from burnout to reaching R (Kepler's equation in universal form);
//  - apogee_radius_m: highest radius reached on the arc: the conic's apoapsis if burnout is
//    ascending (gamma_bo > 0), else r_bo_m.
// Any conic is accepted (a descending hyperbolic arc also reaches R); descending arcs with
// |e - 1| < 1e-9 are treated as parabolic. Throws std::invalid_argument for non-physical inputs
// and std::domain_error if the arc never comes down to R (periapsis >= R, or unbound and
// ascending).
struct BallisticArc {
  double range_angle_rad;
  double time_of_flight_s;
  double apogee_radius_m;
};
BallisticArc ballistic_arc(double r_bo_m, double v_bo_mps, double gamma_bo_rad, double R_m,
                           double mu = constants::wgs84_gm_m3ps2);

}  // namespace launchmc::orbit
