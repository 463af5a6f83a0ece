// Classical orbital elements from a state vector (RV2COE), apsis altitudes above WGS-84 and the
// J2 nodal rate. See elements.hpp for conventions and degenerate cases.
#include "orbit/elements.hpp"

#include <Eigen/Geometry>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "geo/frames.hpp"

namespace launchmc::orbit {

namespace {

constexpr double kTwoPi = 2.0 * constants::pi;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kCircularEccentricity = 1e-10;
constexpr double kEquatorialSinInclination = 1e-10;
constexpr double kRectilinear = 1e-12;

double wrap_two_pi(double angle_rad) {
  double w = std::fmod(angle_rad, kTwoPi);
  if (w < 0.0) w += kTwoPi;
  return w >= kTwoPi ? 0.0 : w;
}

// Angle from unit vector from_hat to vector to, positive about h_hat, in [0, 2 pi).
double angle_about(const Eigen::Vector3d& from_hat, const Eigen::Vector3d& to,
                   const Eigen::Vector3d& h_hat) {
  return wrap_two_pi(std::atan2(from_hat.cross(to).dot(h_hat), from_hat.dot(to)));
}

}  // namespace

Elements elements_from_state(const Eigen::Vector3d& r_eci_m, const Eigen::Vector3d& v_eci_mps,
                             double mu) {
  const double r = r_eci_m.norm();
  const double v2 = v_eci_mps.squaredNorm();
  const Eigen::Vector3d h_vec = r_eci_m.cross(v_eci_mps);
  const double h = h_vec.norm();
  const double energy = 0.5 * v2 - mu / r;
  const double rv = r_eci_m.dot(v_eci_mps);

  Elements out{};
  out.specific_energy_m2ps2 = energy;
  out.specific_angular_momentum_m2ps = h;
  out.semi_major_axis_m = energy == 0.0 ? kInf : -mu / (2.0 * energy);
  const bool bound = energy < 0.0;
  out.period_s = bound ? kTwoPi * std::sqrt(out.semi_major_axis_m * out.semi_major_axis_m *
                                            out.semi_major_axis_m / mu)
                       : kInf;

  if (h <= kRectilinear * r * std::sqrt(v2)) {
    // Rectilinear (radial) motion: no orbital plane.
    out.eccentricity = 1.0;
    out.periapsis_radius_m = 0.0;
    out.apoapsis_radius_m = bound ? 2.0 * out.semi_major_axis_m : kInf;
    return out;
  }

  const Eigen::Vector3d e_vec = ((v2 - mu / r) * r_eci_m - rv * v_eci_mps) / mu;
  const double ecc = e_vec.norm();
  const double p = h * h / mu;
  out.eccentricity = ecc;
  out.periapsis_radius_m = p / (1.0 + ecc);
  out.apoapsis_radius_m = bound ? 2.0 * out.semi_major_axis_m - out.periapsis_radius_m : kInf;

  const Eigen::Vector3d h_hat = h_vec / h;
  const double n = std::hypot(h_vec.x(), h_vec.y());  // |z x h|
  out.inclination_rad = std::atan2(n, h_vec.z());

  const bool equatorial = n < kEquatorialSinInclination * h;
  const Eigen::Vector3d node_hat = equatorial ? Eigen::Vector3d(1.0, 0.0, 0.0)
                                              : Eigen::Vector3d(-h_vec.y() / n, h_vec.x() / n, 0.0);
  out.raan_rad = equatorial ? 0.0 : wrap_two_pi(std::atan2(h_vec.x(), -h_vec.y()));

  if (ecc < kCircularEccentricity) {
    out.arg_perigee_rad = 0.0;
    out.true_anomaly_rad = angle_about(node_hat, r_eci_m, h_hat);
  } else {
    out.arg_perigee_rad = angle_about(node_hat, e_vec, h_hat);
    out.true_anomaly_rad = angle_about(e_vec / ecc, r_eci_m, h_hat);
  }
  return out;
}

ApsisAltitudes apsis_altitudes(const Elements& e) {
  const double cw = std::cos(e.arg_perigee_rad);
  const double sw = std::sin(e.arg_perigee_rad);
  const double co = std::cos(e.raan_rad);
  const double so = std::sin(e.raan_rad);
  const double ci = std::cos(e.inclination_rad);
  const double si = std::sin(e.inclination_rad);
  // Unit vector towards periapsis (first column of the perifocal-to-ECI rotation).
  const Eigen::Vector3d p_hat(co * cw - so * sw * ci, so * cw + co * sw * ci, sw * si);
  ApsisAltitudes out{};
  out.perigee_alt_m = geo::ecef_to_geodetic(e.periapsis_radius_m * p_hat).alt_m;
  out.apogee_alt_m = std::isfinite(e.apoapsis_radius_m)
                         ? geo::ecef_to_geodetic(-e.apoapsis_radius_m * p_hat).alt_m
                         : kInf;
  return out;
}

double j2_nodal_rate_radps(double a_m, double e, double i_rad) {
  if (!(a_m > 0.0) || !(e >= 0.0 && e < 1.0)) {
    throw std::invalid_argument("j2_nodal_rate_radps: needs a > 0 and 0 <= e < 1");
  }
  const double n = std::sqrt(constants::wgs84_gm_m3ps2 / (a_m * a_m * a_m));
  const double p = a_m * (1.0 - e * e);
  const double rp = constants::egm2008_radius_m / p;
  return -1.5 * n * constants::egm2008_j2 * rp * rp * std::cos(i_rad);
}

}  // namespace launchmc::orbit
