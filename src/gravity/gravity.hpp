// Earth gravitation: zonal geopotential (point mass + J2, J3, J4 of EGM2008) and its gradient,
// evaluated without allocation for use at every integration step.
#pragma once

#include <Eigen/Core>

namespace launchmc::gravity {

// Model: U = mu/r (1 - sum_{n=2..N} J_n (R/r)^n P_n(sin phi)), phi geocentric latitude,
// mu = constants::wgs84_gm_m3ps2, R = constants::egm2008_radius_m, J_n = constants::egm2008_j*
// (NGA EGM2008, tide-free; Vallado, Fundamentals of Astrodynamics, 4th ed., sec. 8.6.1).
// r_m is in an Earth-centred frame whose z axis is the rotation axis: the zonal field is
// axisymmetric, so the same call serves ECI and ECEF. Gravitational only: no centrifugal term.
// Validity: |r| >= ~R (outside the Earth the series converges; the omitted tesseral and higher
// zonal terms are ~1e-5 of g at the surface, less aloft). r must be non-zero.
// max_degree: 0 or 1 (point mass; J1 = 0 in a centre-of-mass frame), 2, 3 or 4. Other values
// throw std::invalid_argument.
// Acceleration a = grad U [m/s^2], same frame as r_m.
Eigen::Vector3d acceleration_mps2(const Eigen::Vector3d& r_m, int max_degree = 4);
// Potential U [m^2/s^2], positive convention (a = grad U, U -> mu/r far away).
double potential_m2ps2(const Eigen::Vector3d& r_m, int max_degree = 4);

}  // namespace launchmc::gravity
