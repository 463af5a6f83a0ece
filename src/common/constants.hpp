// Physical constants of launchmc, in SI units. Each value cites its source once, here.
#pragma once

#include <numbers>

namespace launchmc::constants {

// --- WGS-84 ellipsoid and Earth (NIMA TR8350.2, 3rd edition, 2000, tables 3.1 and 3.2) ---
inline constexpr double wgs84_a_m = 6378137.0;                    // semi-major axis [m]
inline constexpr double wgs84_inv_f = 298.257223563;              // inverse flattening [-]
inline constexpr double wgs84_f = 1.0 / wgs84_inv_f;              // flattening [-]
inline constexpr double wgs84_b_m = wgs84_a_m * (1.0 - wgs84_f);  // semi-minor axis [m]
inline constexpr double wgs84_e2 = wgs84_f * (2.0 - wgs84_f);     // first eccentricity squared [-]
inline constexpr double wgs84_gm_m3ps2 = 3.986004418e14;     // GM including atmosphere [m^3/s^2]
inline constexpr double earth_rotation_radps = 7.292115e-5;  // mean angular velocity [rad/s]

// --- Zonal harmonics of the geopotential (NGA EGM2008, tide-free, unnormalised J_n = -sqrt(2n+1)
// C_n0) C20 = -0.484165143790815e-3, C30 = 0.957161207093473e-6, C40 = 0.539965866638991e-6.
inline constexpr double egm2008_j2 = 1.082626173852e-3;
inline constexpr double egm2008_j3 = -2.532410518567e-6;
inline constexpr double egm2008_j4 = -1.619897599917e-6;
// Reference radius of EGM2008 equals the WGS-84 semi-major axis.
inline constexpr double egm2008_radius_m = wgs84_a_m;

// --- Standard gravity (CGPM 1901, definition), used for Isp [s] <-> exhaust velocity [m/s] ---
inline constexpr double g0_mps2 = 9.80665;

inline constexpr double pi = std::numbers::pi;
inline constexpr double two_pi = 2.0 * std::numbers::pi;
inline constexpr double deg_to_rad = pi / 180.0;
inline constexpr double rad_to_deg = 180.0 / pi;

}  // namespace launchmc::constants
