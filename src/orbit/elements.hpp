// Classical (osculating) orbital elements from an inertial state vector, apsis altitudes above
// the WGS-84 ellipsoid, and the J2 secular nodal regression rate.
#pragma once

#include <Eigen/Core>

#include "common/constants.hpp"

namespace launchmc::orbit {

// Two-body osculating elements (Vallado, Fundamentals of Astrodynamics, 4th ed., algorithm 9
// RV2COE). Angles in [0, 2 pi) (inclination in [0, pi]).
//  - semi_major_axis_m = -mu / (2 energy): negative for hyperbolae, +inf for an exact parabola.
//  - periapsis_radius_m = p / (1 + e), p = h^2/mu (well defined for every conic).
//  - apoapsis_radius_m and period_s are finite for bound orbits (energy < 0), +inf otherwise.
// Degenerate cases (thresholds: e < 1e-10 "circular", sin i < 1e-10 "equatorial"):
//  - equatorial: the node is undefined; raan = 0 and the x axis serves as line of nodes, so
//    arg_perigee is the longitude of periapsis (measured in the direction of motion);
//  - circular: the periapsis is undefined; arg_perigee = 0 and true_anomaly is the argument of
//    latitude (from the node), or the true longitude if also equatorial;
//  - rectilinear (|h| < 1e-12 |r| |v|, a purely radial velocity): the plane is undefined; all
//    angles are 0, eccentricity is 1, periapsis radius 0; a, energy, apoapsis and period stay
//    meaningful.
struct Elements {
  double semi_major_axis_m;
  double eccentricity;
  double inclination_rad;
  double raan_rad;
  double arg_perigee_rad;
  double true_anomaly_rad;
  double periapsis_radius_m;
  double apoapsis_radius_m;  // +inf for unbound orbits
  double period_s;           // +inf for unbound orbits
  double specific_energy_m2ps2;
  double specific_angular_momentum_m2ps;
};

Elements elements_from_state(const Eigen::Vector3d& r_eci_m, const Eigen::Vector3d& v_eci_mps,
                             double mu = constants::wgs84_gm_m3ps2);

// Altitudes of the perigee and apogee points above the WGS-84 ellipsoid: the apsis positions on
// the osculating conic (nu = 0 and pi), in ECI whose z axis is the polar axis, converted with
// geo::ecef_to_geodetic (a rotation about z does not change geodetic altitude). Because the
// ellipsoid is flattened, this differs from r_apsis - a by up to 21 km at high latitude.
// apogee_alt_m = +inf for unbound orbits. Circular orbits use the point at the ascending node.
struct ApsisAltitudes {
  double perigee_alt_m;
  double apogee_alt_m;
};
ApsisAltitudes apsis_altitudes(const Elements& e);

// Catalogue-convention apsis altitude (Space-Track SATCAT, press reports, and the targets of
// closed-loop orbit guidance): the apsis' geocentric radius minus the WGS-84 equatorial radius,
// r_p,a = a (1 -/+ e). Not the height of the apsis point above the ellipsoid (apsis_altitudes),
// which exceeds it by up to ~21 km for an apsis at high latitude. Space-Track uses 6378.135 km,
// 2 m less.
constexpr double catalog_altitude_m(double apsis_radius_m) noexcept {
  return apsis_radius_m - constants::wgs84_a_m;
}
constexpr double catalog_radius_m(double catalog_altitude_m) noexcept {
  return constants::wgs84_a_m + catalog_altitude_m;
}

// Secular drift of the ascending node due to J2 (first-order secular theory, e.g. Vallado,
// Fundamentals of Astrodynamics, ch. 9):
// dOmega/dt = -3/2 n J2 (R/p)^2 cos i, n = sqrt(mu/a^3), p = a (1 - e^2), with EGM2008 J2 and
// R, mu of constants.hpp. Elliptic orbits only (0 <= e < 1, a > 0).
double j2_nodal_rate_radps(double a_m, double e, double i_rad);

}  // namespace launchmc::orbit
