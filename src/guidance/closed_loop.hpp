// Closed-loop guidance of one stage: what a config asks for (an orbit to reach, or a ballistic
// missile's aim point and apogee), the navigation errors the guidance sees, and the linear-tangent
// steering law that the guidance hands to the equations of motion between its updates.
#pragma once

#include <Eigen/Core>
#include <Eigen/Geometry>
#include <cmath>
#include <limits>

#include "common/constants.hpp"
#include "orbit/elements.hpp"

namespace launchmc::guidance {

// Thrust direction between guidance updates: i_F(t) = unit(lambda + lambda_dot (t - t_lambda)),
// the linear-tangent law of optimal vacuum ascent (the Shuttle's UPFG form). A constant direction
// has lambda_dot = 0. ECI, unit-free.
struct LinearTangentSteering {
  Eigen::Vector3d lambda = Eigen::Vector3d::UnitX();
  Eigen::Vector3d lambda_dot_ps = Eigen::Vector3d::Zero();  // [1/s]
  double t_lambda_s = 0.0;

  Eigen::Vector3d direction(double t_s) const noexcept {
    const Eigen::Vector3d d = lambda + lambda_dot_ps * (t_s - t_lambda_s);
    const double n = d.norm();
    return n > 0.0 ? Eigen::Vector3d(d / n) : lambda;
  }
};

// The orbit a guided stage steers to and cuts off in. Radii are geocentric; the insertion radius
// is where the cutoff is aimed (between perigee and apogee radius), on the ascending side of the
// orbit (flight-path angle >= 0) unless `descending`.
struct OrbitTarget {
  double semi_major_axis_m = 0.0;
  double eccentricity = 0.0;
  double inclination_rad = 0.0;
  // Right ascension of the ascending node in ECI (true of date). NaN: free, the guidance takes
  // the plane of this inclination through the vehicle's position when it starts, on the side
  // closest to the current direction of flight (the smallest plane change).
  double raan_rad = std::numeric_limits<double>::quiet_NaN();
  double insertion_radius_m = 0.0;
  bool descending = false;

  double perigee_radius_m() const noexcept { return semi_major_axis_m * (1.0 - eccentricity); }
  double apogee_radius_m() const noexcept { return semi_major_axis_m * (1.0 + eccentricity); }
};

// A ballistic missile's guided stage: the aim point on the Earth and the apogee of the arc. The
// aim point is either given (impact_lat_deg, impact_lon_deg) or at range_km from the launch site
// along azimuth_deg (NaN: the launch azimuth), on the WGS-84 geodesic.
struct BallisticTarget {
  double impact_lat_deg = std::numeric_limits<double>::quiet_NaN();  // geodetic, WGS-84
  double impact_lon_deg = std::numeric_limits<double>::quiet_NaN();
  double range_km = std::numeric_limits<double>::quiet_NaN();
  double azimuth_deg = std::numeric_limits<double>::quiet_NaN();
  double apogee_alt_km = 0.0;  // commanded apogee height above the ellipsoid
};

// Errors of the state the guidance sees (navigated minus true), in the local orbital frame of
// the true state: radial (along r), along-track (in the orbit plane, perpendicular to r, toward
// the motion) and cross-track (along r x v). A constant bias plus a noise that is a first-order
// Gauss-Markov process per axis (stationary 1-sigma position_noise_m / velocity_noise_mps,
// correlation time noise_correlation_time_s), sampled at each guidance update and held until the
// next: inertial navigation errors wander slowly; they are not white from cycle to cycle. The
// cutoff decision sees the same navigated state.
struct Navigation {
  Eigen::Vector3d position_bias_m = Eigen::Vector3d::Zero();
  Eigen::Vector3d velocity_bias_mps = Eigen::Vector3d::Zero();
  double position_noise_m = 0.0;
  double velocity_noise_mps = 0.0;
  double noise_correlation_time_s = 60.0;
};

enum class ClosedLoopMode : unsigned char {
  orbit,      // UPFG-style explicit guidance to an orbit; cutoff at the target energy
  ballistic,  // velocity-to-be-gained steering to an aim point; cutoff at the commanded apogee
};

// The orbit target as a config gives it: apsis altitudes above the equatorial radius (the
// catalogue convention, e.g. Space-Track's perigee/apogee: r = a_WGS84 + altitude), inclination,
// optional node, and the altitude at which to insert (NaN: at perigee).
struct OrbitTargetSpec {
  double perigee_alt_km = 0.0;
  double apogee_alt_km = 0.0;
  double inclination_deg = 0.0;
  double raan_deg = std::numeric_limits<double>::quiet_NaN();
  double insertion_alt_km = std::numeric_limits<double>::quiet_NaN();
  bool descending = false;

  OrbitTarget resolve() const noexcept {
    OrbitTarget t;
    const double rp = orbit::catalog_radius_m(perigee_alt_km * 1e3);
    const double ra = orbit::catalog_radius_m(apogee_alt_km * 1e3);
    t.semi_major_axis_m = 0.5 * (rp + ra);
    t.eccentricity = (ra - rp) / (ra + rp);
    t.inclination_rad = inclination_deg * constants::deg_to_rad;
    t.raan_rad = std::isnan(raan_deg) ? raan_deg : raan_deg * constants::deg_to_rad;
    t.insertion_radius_m =
        std::isnan(insertion_alt_km) ? rp : orbit::catalog_radius_m(insertion_alt_km * 1e3);
    t.descending = descending;
    return t;
  }
};

struct ClosedLoop {
  // false: the stage flies its open-loop program and cutoff as if there were no closed loop (for
  // comparisons, `--set vehicle.stages[i].guidance.enabled=false`).
  bool enabled = true;
  ClosedLoopMode mode = ClosedLoopMode::orbit;
  OrbitTargetSpec orbit;
  BallisticTarget ballistic;
  // Seconds after ignition at which the guidance takes over from the open-loop program (the
  // stage flies the open-loop attitude before, e.g. while still in the atmosphere).
  double engage_after_ignition_s = 0.0;
  double update_interval_s = 1.0;  // guidance cycle [s]
  // Below this time-to-go the guidance stops updating and holds its last steering law, whose
  // solution becomes singular as the time-to-go vanishes [s].
  double terminal_time_s = 4.0;
  Navigation navigation;
};

}  // namespace launchmc::guidance
