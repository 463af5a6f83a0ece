// Geodesy and reference frames: WGS-84 geodetic <-> ECEF (Vermeille 2002), ENU axes, Earth
// rotation and GeographicLib geodesics. See frames.hpp for models and validity.
#include "geo/frames.hpp"

#include <GeographicLib/Geocentric.hpp>
#include <GeographicLib/Geodesic.hpp>
#include <cmath>

#include "common/constants.hpp"

namespace launchmc::geo {

namespace {

constexpr double kA = constants::wgs84_a_m;
constexpr double kE2 = constants::wgs84_e2;
constexpr double kE4 = kE2 * kE2;
constexpr double kTwoPi = 2.0 * constants::pi;
// Below this distance from the centre the Vermeille formula is replaced by GeographicLib.
constexpr double kNearCentreRadius_m = 100.0e3;

double wrap_two_pi(double angle_rad) {
  double w = std::fmod(angle_rad, kTwoPi);
  if (w < 0.0) w += kTwoPi;
  // fmod of a tiny negative number plus 2 pi can round to exactly 2 pi.
  return w >= kTwoPi ? 0.0 : w;
}

const GeographicLib::Geodesic& wgs84_geodesic() {
  static const GeographicLib::Geodesic geodesic(constants::wgs84_a_m, constants::wgs84_f);
  return geodesic;
}

}  // namespace

Eigen::Vector3d geodetic_to_ecef(const Geodetic& g) {
  const double sin_lat = std::sin(g.lat_rad);
  const double cos_lat = std::cos(g.lat_rad);
  const double n_m = kA / std::sqrt(1.0 - kE2 * sin_lat * sin_lat);
  const double rho_m = (n_m + g.alt_m) * cos_lat;
  return {rho_m * std::cos(g.lon_rad), rho_m * std::sin(g.lon_rad),
          (n_m * (1.0 - kE2) + g.alt_m) * sin_lat};
}

Geodetic ecef_to_geodetic(const Eigen::Vector3d& r_ecef_m) {
  const double x = r_ecef_m.x();
  const double y = r_ecef_m.y();
  const double z = r_ecef_m.z();
  const double rho2 = x * x + y * y;
  if (rho2 + z * z < kNearCentreRadius_m * kNearCentreRadius_m) {
    // Cold path: inside the evolute Vermeille's r < 0; GeographicLib handles every point.
    static const GeographicLib::Geocentric geocentric(constants::wgs84_a_m, constants::wgs84_f);
    double lat_deg = 0.0;
    double lon_deg = 0.0;
    double h_m = 0.0;
    geocentric.Reverse(x, y, z, lat_deg, lon_deg, h_m);
    return {lat_deg * constants::deg_to_rad, lon_deg * constants::deg_to_rad, h_m};
  }
  // Vermeille (2002), eqs. as numbered there: p, q, r, s, t, u, v, w, k, D.
  const double p = rho2 / (kA * kA);
  const double q = (1.0 - kE2) * z * z / (kA * kA);
  const double r = (p + q - kE4) / 6.0;
  const double s = kE4 * p * q / (4.0 * r * r * r);
  const double t = std::cbrt(1.0 + s + std::sqrt(s * (2.0 + s)));
  const double u = r * (1.0 + t + 1.0 / t);
  const double v = std::sqrt(u * u + kE4 * q);
  const double w = kE2 * (u + v - q) / (2.0 * v);
  const double k = std::sqrt(u + v + w * w) - w;
  const double rho = std::sqrt(rho2);
  const double d = k * rho / (k + kE2);
  const double dz = std::sqrt(d * d + z * z);
  return {std::atan2(z, d), std::atan2(y, x), (k + kE2 - 1.0) / k * dz};
}

LatitudeHeight latitude_height(double rho, double z) noexcept {
  constexpr double a = constants::wgs84_a_m;
  constexpr double b = constants::wgs84_b_m;
  constexpr double e2 = constants::wgs84_e2;
  constexpr double ep2 = (a * a - b * b) / (b * b);
  // Parametric latitude beta from tan(beta) = (a z) / (b rho), then
  // tan(phi) = (z + e'^2 b sin^3 beta) / (rho - e^2 a cos^3 beta), and again with
  // tan(beta) = (b / a) tan(phi). Sines and cosines from normalised pairs: no trigonometry.
  double sb = a * z, cb = b * rho;
  double n = std::sqrt(sb * sb + cb * cb);  // no overflow at these magnitudes; hypot is slow
  if (n == 0.0) return {0.0, 1.0, -a};      // the Earth's centre: any answer is as wrong
  sb /= n;
  cb /= n;
  double sp = 0.0, cp = 1.0;
  for (int it = 0; it < 1; ++it) {
    const double num = z + ep2 * b * sb * sb * sb;
    const double den = rho - e2 * a * cb * cb * cb;
    n = std::sqrt(num * num + den * den);
    sp = num / n;
    cp = den / n;
    sb = b * sp;
    cb = a * cp;
    n = std::sqrt(sb * sb + cb * cb);
    sb /= n;
    cb /= n;
  }
  // Height along the normal, valid at all latitudes (no division by cos(phi)).
  const double h = rho * cp + z * sp - a * std::sqrt(1.0 - e2 * sp * sp);
  return {sp, cp, h};
}

Eigen::Matrix3d enu_to_ecef(double lat_rad, double lon_rad) {
  const double sl = std::sin(lat_rad);
  const double cl = std::cos(lat_rad);
  const double so = std::sin(lon_rad);
  const double co = std::cos(lon_rad);
  Eigen::Matrix3d m;
  // columns: east, north, up
  // clang-format off
  m << -so, -sl * co, cl * co,
        co, -sl * so, cl * so,
       0.0,       cl,      sl;
  // clang-format on
  return m;
}

// ---------------------------------------------------------------------------------------------
// EarthRotation

EarthRotation::EarthRotation(double theta0_rad, double rate_radps)
    : theta0_rad_(theta0_rad), rate_radps_(rate_radps) {}

double EarthRotation::angle_rad(double t_s) const {
  return wrap_two_pi(theta0_rad_ + rate_radps_ * t_s);
}

Eigen::Matrix3d EarthRotation::eci_to_ecef(double t_s) const {
  const double th = theta0_rad_ + rate_radps_ * t_s;
  const double c = std::cos(th);
  const double s = std::sin(th);
  Eigen::Matrix3d m;
  // clang-format off
  m <<   c,   s, 0.0,
        -s,   c, 0.0,
       0.0, 0.0, 1.0;
  // clang-format on
  return m;
}

Eigen::Vector3d EarthRotation::position_eci_to_ecef(const Eigen::Vector3d& r_eci_m,
                                                    double t_s) const {
  const double th = theta0_rad_ + rate_radps_ * t_s;
  const double c = std::cos(th);
  const double s = std::sin(th);
  return {c * r_eci_m.x() + s * r_eci_m.y(), -s * r_eci_m.x() + c * r_eci_m.y(), r_eci_m.z()};
}

Eigen::Vector3d EarthRotation::position_ecef_to_eci(const Eigen::Vector3d& r_ecef_m,
                                                    double t_s) const {
  const double th = theta0_rad_ + rate_radps_ * t_s;
  const double c = std::cos(th);
  const double s = std::sin(th);
  return {c * r_ecef_m.x() - s * r_ecef_m.y(), s * r_ecef_m.x() + c * r_ecef_m.y(), r_ecef_m.z()};
}

Eigen::Vector3d EarthRotation::velocity_eci_to_ecef(const Eigen::Vector3d& r_eci_m,
                                                    const Eigen::Vector3d& v_eci_mps,
                                                    double t_s) const {
  const double w = rate_radps_;
  // v_eci - w x r_eci, with w x r = (-w y, w x, 0)
  const Eigen::Vector3d v_rel(v_eci_mps.x() + w * r_eci_m.y(), v_eci_mps.y() - w * r_eci_m.x(),
                              v_eci_mps.z());
  return position_eci_to_ecef(v_rel, t_s);
}

Eigen::Vector3d EarthRotation::velocity_ecef_to_eci(const Eigen::Vector3d& r_ecef_m,
                                                    const Eigen::Vector3d& v_ecef_mps,
                                                    double t_s) const {
  const double w = rate_radps_;
  // R^T v_ecef + w x (R^T r_ecef) = R^T (v_ecef + w x r_ecef), since R3 commutes with w || z.
  const Eigen::Vector3d v_abs(v_ecef_mps.x() - w * r_ecef_m.y(), v_ecef_mps.y() + w * r_ecef_m.x(),
                              v_ecef_mps.z());
  return position_ecef_to_eci(v_abs, t_s);
}

// ---------------------------------------------------------------------------------------------
// Geodesics

GeodesicInverse geodesic_inverse(double lat1_deg, double lon1_deg, double lat2_deg,
                                 double lon2_deg) {
  GeodesicInverse out{0.0, 0.0, 0.0};
  wgs84_geodesic().Inverse(lat1_deg, lon1_deg, lat2_deg, lon2_deg, out.distance_m, out.azimuth1_deg,
                           out.azimuth2_deg);
  return out;
}

std::pair<double, double> geodesic_direct(double lat1_deg, double lon1_deg, double azimuth_deg,
                                          double distance_m) {
  double lat2_deg = 0.0;
  double lon2_deg = 0.0;
  wgs84_geodesic().Direct(lat1_deg, lon1_deg, azimuth_deg, distance_m, lat2_deg, lon2_deg);
  return {lat2_deg, lon2_deg};
}

// ---------------------------------------------------------------------------------------------
// Local velocity

LocalVelocity local_velocity(const Eigen::Vector3d& r_ecef_m, const Eigen::Vector3d& v_ecef_mps) {
  const Geodetic g = ecef_to_geodetic(r_ecef_m);
  const double sl = std::sin(g.lat_rad);
  const double cl = std::cos(g.lat_rad);
  const double so = std::sin(g.lon_rad);
  const double co = std::cos(g.lon_rad);
  const double vx = v_ecef_mps.x();
  const double vy = v_ecef_mps.y();
  const double vz = v_ecef_mps.z();
  const double v_east = -so * vx + co * vy;
  const double v_north = -sl * co * vx - sl * so * vy + cl * vz;
  const double v_up = cl * co * vx + cl * so * vy + sl * vz;
  const double v_horizontal = std::hypot(v_east, v_north);
  return {v_ecef_mps.norm(), std::atan2(v_up, v_horizontal),
          wrap_two_pi(std::atan2(v_east, v_north))};
}

}  // namespace launchmc::geo
