// The instantaneous impact point (IIP): where a vehicle would land if its thrust stopped now.
#pragma once

#include <Eigen/Core>

#include "common/constants.hpp"
#include "geo/frames.hpp"

namespace launchmc::orbit {

// Model and its limitation. The IIP is the end of the VACUUM two-body (Keplerian, point-mass
// gravity mu) arc from the inertial state (r, v) at t_s, followed forward on its descending branch
// to the WGS-84 ellipsoid (geodetic height 0), with the Earth turning under it during the fall
// (the impact's longitude is taken in ECEF at t_s + time_to_impact_s). This is the usual range-
// safety definition (e.g. FAA, 14 CFR 417.3 "instantaneous impact point": "an impact point,
// following thrust termination of a launch vehicle, calculated in the absence of atmospheric
// drag effects"). Not modelled, so the real impact differs:
//  - drag: a dense stage re-entering falls SHORT of its vacuum IIP; for the spent stages of the
//    bundled vehicles the shortfall measured with the full flight model is stated in
//    tests/orbit/test_iip.cpp (VacuumIipOvershootsTheDraggedImpactOfASpentStage);
//  - zonal harmonics J2..J4 (the flights' gravity): a few hundred metres to a few km over a
//    ~1000 km arc (measured in tests/orbit/test_iip.cpp);
//  - winds and lift.
//
// Solution: the arc is parametrised by the change of eccentric anomaly dE from the present point
// (f and g functions, which also hold for a rectilinear arc such as a vertical rise on a
// non-rotating Earth): r(dE) = f r0 + g v0, t(dE) by Kepler's equation (Vallado, Fundamentals of
// Astrodynamics, 4th ed., sec. 2.2-2.3). The ellipsoid lies between the spheres of radius b and a
// (WGS-84 semi-minor and semi-major axes), so on the descending branch the crossing is bracketed
// by the points where the conic's radius falls through a and b, found in closed form; Illinois
// regula falsi finds the crossing there to 1e-6 m (or 1e-13 rad in dE) of the radial distance to
// the ellipsoid (|r| minus the ellipsoid's radius in r's direction: the height's zero and sign at
// a fraction of its cost), and the impact's geodetic latitude comes from geo::latitude_height
// (both invariant under the Earth's rotation, so evaluated in ECI). In that bracket the height
// falls monotonically unless the arc meets the surface at less
// than ~0.2 deg (the ellipsoid's slope against the geocentric sphere, ~(a - b) / R): for such
// grazing arcs a later one of several crossings may be returned. A perigee between b and a is
// scanned in 8 steps for the first sign change instead.
// No allocation; 1-3 microseconds per call (tests/orbit/test_iip.cpp prints it).
//
// No impact (impacts = false): unbound arcs (escape; energy >= 0), and arcs whose perigee stays
// above the surface (an orbit). An arc that dips below the surface by less than the scan
// resolution near a grazing perigee between b and a may be reported as no impact.
// A point already at or below the surface impacts now: time_to_impact_s = 0, its own lat/lon.
struct Iip {
  bool impacts = false;
  double lat_rad = 0.0;  // geodetic (or spherical) latitude of the impact
  double lon_rad = 0.0;  // longitude in ECEF at the impact time, (-pi, pi]
  double time_to_impact_s = 0.0;
  Eigen::Vector3d r_impact_eci_m = Eigen::Vector3d::Zero();  // where the arc meets the surface
};

// The surface the arc is followed to: the WGS-84 ellipsoid, or (sphere_radius_m > 0) a sphere of
// that radius (validation against spherical-Earth references, as flight::Environment allows).
struct IipSurface {
  double sphere_radius_m = 0.0;  // 0: WGS-84 ellipsoid
};

// r_eci_m, v_eci_mps: inertial state at t_s (seconds on the clock of `rotation`, i.e. since
// liftoff in the flights). mu: gravitational parameter [m^3/s^2].
Iip instantaneous_impact_point(const Eigen::Vector3d& r_eci_m, const Eigen::Vector3d& v_eci_mps,
                               double t_s, const geo::EarthRotation& rotation,
                               IipSurface surface = {},
                               double mu = constants::wgs84_gm_m3ps2) noexcept;

}  // namespace launchmc::orbit
