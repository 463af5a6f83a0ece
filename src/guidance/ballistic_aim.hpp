// Velocity-to-be-gained aiming of a guided last stage onto a lofted ballistic free-flight arc:
// the Keplerian (vacuum, point-mass Earth) arc from the current position through an aim point
// on the rotating Earth, with a commanded apogee.
#pragma once

#include <Eigen/Core>

#include "common/constants.hpp"
#include "geo/frames.hpp"
#include "guidance/closed_loop.hpp"

namespace launchmc::guidance {

struct BallisticAimTarget {
  Eigen::Vector3d impact_ecef_m;  // aim point on the rotating Earth (ECEF)
  double apogee_radius_m;         // commanded apogee (geocentric radius) of the free-flight arc
};

// The aim target of a configured ballistic guidance (closed_loop.hpp) for a launch from the given
// site: the aim point given, or at range_km along azimuth_deg (NaN: launch_azimuth_deg) on the
// WGS-84 geodesic; the commanded apogee height over the ellipsoid surface's geocentric radius at
// the geodetic latitude midway between the site and the aim point (near where a lofted arc
// peaks).
BallisticAimTarget make_aim_target(const BallisticTarget& target, double site_lat_deg,
                                   double site_lon_deg, double launch_azimuth_deg);

struct BallisticAim {
  bool ok = false;  // false: no arc through the target with this apogee from here
  Eigen::Vector3d v_required_eci_mps = Eigen::Vector3d::Zero();  // velocity needed now at r (ECI)
  double time_of_flight_s = 0;       // from now to reaching the aim point
  double flight_path_angle_rad = 0;  // of v_required above the local horizontal (r-perpendicular)
};

// Velocity needed now at r_eci_m (time t_s since the epoch of `rotation`) so that the two-body
// arc reaches the aim point's ECI position at the arrival time t_s + time_of_flight_s, with its
// apoapsis radius equal to target.apogee_radius_m, ascending through apogee and arriving on the
// descending branch, the short way round (transfer angle < pi). Of the two arcs through both
// points with that apoapsis, the lofted one is returned (flight-path angle above that of the
// minimum-energy arc). The velocity lies in the plane of r and the aim point's ECI position at
// arrival; the flight-path angle is measured from the plane perpendicular to r (geocentric
// horizontal), in the inertial frame.
//
// Method: for fixed end points, the conics through them form a one-parameter family indexed by
// the flight-path angle g at r, with speed given by the orbit equation r = p / (1 + e cos nu)
// written at both points (Bate, Mueller & White, Fundamentals of Astrodynamics, 1971, ch. 6)
//   v^2 = mu (1 - cos theta) / (r1 cos g ((r1/r2) cos g - cos(theta + g))),
// theta the transfer angle, r1 = |r|, r2 = |aim point|.
// Minimising v^2 gives the minimum-energy angle tan(2 g_me) = sin theta / (r1/r2 - cos theta);
// above it, the apoapsis radius grows monotonically to infinity (checked numerically over
// r1/r2 in [0.5, 5] and theta in (0, pi)), and 1/r_a is root-found in gamma by TOMS 748
// (Boost.Math). The time of flight follows from Kepler's equation. The aim point's motion with the
// Earth is handled by a secant iteration on the time of flight (started by one fixed-point step;
// steps to arrival times with no arc are halved back), which converges also for steep lofted arcs,
// whose slow horizontal speed would make plain fixed-point iteration contract slowly or
// diverge. If the aim point's current position admits no arc (e.g. it is past the antipode now
// but not at arrival), the start is found by scanning arrival times over one period of the
// largest orbit with this apogee. Typical cost ~1 us (non-rotating) / ~3-6 us (rotating).
//
// ok = false (other fields then zero) when: an input is not finite or mu <= 0; r or the
// aim point is at or above the commanded apogee; r and the aim point are (nearly) collinear with
// the Earth's centre (transfer angle within ~1e-8 rad of 0 or pi, where the plane is undefined);
// the commanded apogee is below that of the minimum-energy arc; the arc would reach the aim point
// before apogee; or the time-of-flight iteration fails. No allocation, no exceptions.
BallisticAim aim_ballistic(const Eigen::Vector3d& r_eci_m, double t_s,
                           const BallisticAimTarget& target, const geo::EarthRotation& rotation,
                           double mu = constants::wgs84_gm_m3ps2) noexcept;

}  // namespace launchmc::guidance
