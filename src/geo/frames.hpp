// Geodesy and reference frames: WGS-84 geodetic <-> ECEF, local ENU axes, Earth rotation
// (ECI <-> ECEF), geodesics on the ellipsoid and flight-path angle / heading of a velocity.
#pragma once

#include <Eigen/Core>
#include <utility>

#include "common/constants.hpp"

namespace launchmc::geo {

// Geodetic coordinates on the WGS-84 ellipsoid (NIMA TR8350.2): latitude is the angle of the
// ellipsoid normal to the equator, altitude is measured along that normal.
struct Geodetic {
  double lat_rad;
  double lon_rad;
  double alt_m;
};

// Exact standard closed form with the prime-vertical radius N = a / sqrt(1 - e^2 sin^2 lat);
// valid for any latitude and altitude.
Eigen::Vector3d geodetic_to_ecef(const Geodetic& g);

// Closed-form inverse of geodetic_to_ecef by Vermeille (2002), "Direct transformation from
// geocentric coordinates to geodetic coordinates", J. Geodesy 76:451-454: one cube root, a few
// square roots, two atan2, no iteration, no allocation. Mathematically exact outside the evolute
// of the ellipse (a region within ~43 km of the Earth's centre); points within 100 km of the
// centre are delegated to GeographicLib::Geocentric (never reached in flight). Agrees with
// GeographicLib to < 1e-7 m for altitudes -50 km .. 50,000 km at all latitudes (required < 1 mm;
// tests/geo/test_frames.cpp), at ~90 ns/call vs ~150 ns for GeographicLib::Geocentric::Reverse.
// Longitude in (-pi, pi]; at the poles (x = y = 0) longitude is 0.
Geodetic ecef_to_geodetic(const Eigen::Vector3d& r_ecef_m);

// Rotation whose columns are the east, north and up unit vectors at geodetic (lat, lon),
// expressed in ECEF: v_ecef = enu_to_ecef(lat, lon) * v_enu. Its transpose maps ECEF -> ENU.
Eigen::Matrix3d enu_to_ecef(double lat_rad, double lon_rad);

// Geodetic latitude (as its sine and cosine) and height from the distance to the polar axis rho
// and the height above the equatorial plane z: all that the flight needs per step, and invariant
// under the Earth's rotation, so it applies to ECI coordinates directly (no longitude, no
// trigonometric calls). Bowring's iteration (Bowring 1976, Survey Review 23(181)) on the
// parametric latitude, one round: height within 1e-7 m and latitude within 0.06 m (1e-8 rad)
// of GeographicLib from -50 km to 50,000 km (measured), ample for the local frame and the air.
struct LatitudeHeight {
  double sin_lat;
  double cos_lat;
  double alt_m;
};
LatitudeHeight latitude_height(double rho_m, double z_m) noexcept;

// Rotation of the Earth about its z axis at the constant rate omega_E (WGS-84,
// constants::earth_rotation_radps): r_ecef = R3(theta(t)) r_eci, theta(t) = theta0 + omega_E t.
// "ECI" here is the true equator and equinox of date at t = 0, with precession, nutation and
// polar motion ignored over a flight (precession ~ 50"/year, nutation <= ~17": both far below
// the dispersions of a launch; the frame is the quasi-inertial frame of the flight, not J2000).
class EarthRotation {
 public:
  // theta0_rad: Earth rotation angle (GMST, see geo::gmst_rad) at t = 0. rate_radps other than
  // WGS-84's is for validation against non-rotating analytic solutions.
  explicit EarthRotation(double theta0_rad, double rate_radps = constants::earth_rotation_radps);

  double rate_radps() const noexcept { return rate_radps_; }

  // Angle of the ECEF x axis from the ECI x axis at t_s, wrapped to [0, 2 pi).
  double angle_rad(double t_s) const;
  // R3(theta(t)): r_ecef = eci_to_ecef(t) * r_eci.
  Eigen::Matrix3d eci_to_ecef(double t_s) const;
  Eigen::Vector3d position_eci_to_ecef(const Eigen::Vector3d& r_eci_m, double t_s) const;
  Eigen::Vector3d position_ecef_to_eci(const Eigen::Vector3d& r_ecef_m, double t_s) const;
  // Velocities with the transport term: v_ecef = R (v_eci - w x r_eci), w = (0, 0, omega_E).
  Eigen::Vector3d velocity_eci_to_ecef(const Eigen::Vector3d& r_eci_m,
                                       const Eigen::Vector3d& v_eci_mps, double t_s) const;
  // Inverse of the above: v_eci = R^T v_ecef + w x r_eci.
  Eigen::Vector3d velocity_ecef_to_eci(const Eigen::Vector3d& r_ecef_m,
                                       const Eigen::Vector3d& v_ecef_mps, double t_s) const;

 private:
  double theta0_rad_;
  double rate_radps_;
};

// Geodesic (shortest path) between two points on the WGS-84 ellipsoid, solved by
// GeographicLib::Geodesic (Karney 2013, J. Geodesy 87:43-55; accurate to ~15 nm, any points).
struct GeodesicInverse {
  double distance_m;
  double azimuth1_deg;  // at point 1, clockwise from north, (-180, 180]
  double azimuth2_deg;  // forward azimuth at point 2, clockwise from north, (-180, 180]
};
GeodesicInverse geodesic_inverse(double lat1_deg, double lon1_deg, double lat2_deg,
                                 double lon2_deg);
// Direct problem: end point (lat, lon) [deg] after distance_m along the geodesic leaving
// (lat1, lon1) at azimuth_deg (clockwise from north). Longitude in [-180, 180).
std::pair<double, double> geodesic_direct(double lat1_deg, double lon1_deg, double azimuth_deg,
                                          double distance_m);

// Speed, flight-path angle and heading of an ECEF velocity at an ECEF position, in the local
// geodetic (ellipsoid-normal) ENU frame: flight-path angle is the elevation of the velocity above
// the local horizontal plane, in [-pi/2, pi/2]; heading is the azimuth of its horizontal part,
// clockwise from north, in [0, 2 pi). For zero speed (or vertical velocity) heading is 0.
struct LocalVelocity {
  double speed_mps;
  double flight_path_angle_rad;
  double heading_rad;
};
LocalVelocity local_velocity(const Eigen::Vector3d& r_ecef_m, const Eigen::Vector3d& v_ecef_mps);

}  // namespace launchmc::geo
