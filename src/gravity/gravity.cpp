// Earth gravitation: zonal geopotential through J4 (EGM2008) and its closed-form gradient.
// See gravity.hpp for the model and its validity.
#include "gravity/gravity.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "common/constants.hpp"

namespace launchmc::gravity {

namespace {

constexpr double kMu = constants::wgs84_gm_m3ps2;
constexpr double kR = constants::egm2008_radius_m;
constexpr double kJ2 = constants::egm2008_j2;
constexpr double kJ3 = constants::egm2008_j3;
constexpr double kJ4 = constants::egm2008_j4;

void check_degree(int max_degree) {
  if (max_degree < 0 || max_degree > 4) {
    throw std::invalid_argument(
        "gravity: max_degree must be 0..4 (0/1 point mass, 2-4 zonal), got " +
        std::to_string(max_degree));
  }
}

}  // namespace

// For U_n = -mu J_n R^n r^-(n+1) P_n(s), s = z/r, the gradient is
//   dU_n/dx = mu/r^2 J_n (R/r)^n (x/r) [(n+1) P_n(s) + s P_n'(s)]   (same with y)
//   dU_n/dz = mu/r^2 J_n (R/r)^n [(n+1) s P_n(s) - (1 - s^2) P_n'(s)]
// For n = 2 this is Vallado eq. 8-30's a_x = -3/2 mu J2 R^2 x / r^5 (1 - 5 z^2/r^2), etc.
Eigen::Vector3d acceleration_mps2(const Eigen::Vector3d& r_m, int max_degree) {
  check_degree(max_degree);
  const double r2 = r_m.squaredNorm();
  const double r = std::sqrt(r2);
  const double inv_r = 1.0 / r;
  const double mu_r2 = kMu / r2;
  const double ux = r_m.x() * inv_r;
  const double uy = r_m.y() * inv_r;
  const double s = r_m.z() * inv_r;
  // Point mass: -mu/r^2 * unit vector.
  double radial = -mu_r2;  // multiplies (ux, uy); for z it multiplies s
  double radial_z = -mu_r2 * s;
  if (max_degree >= 2) {
    const double s2 = s * s;
    const double rr = kR * inv_r;
    // n = 2: P2 = (3 s^2 - 1)/2, P2' = 3 s
    double f = mu_r2 * kJ2 * rr * rr;
    radial += f * (1.5 * (5.0 * s2 - 1.0));
    radial_z += f * (1.5 * s * (5.0 * s2 - 3.0));
    if (max_degree >= 3) {
      // n = 3: P3 = (5 s^3 - 3 s)/2, P3' = (15 s^2 - 3)/2
      f = mu_r2 * kJ3 * rr * rr * rr;
      radial += f * (2.5 * s * (7.0 * s2 - 3.0));
      radial_z += f * (0.5 * (35.0 * s2 * s2 - 30.0 * s2 + 3.0));
      if (max_degree >= 4) {
        // n = 4: P4 = (35 s^4 - 30 s^2 + 3)/8, P4' = (35 s^3 - 15 s)/2
        f = mu_r2 * kJ4 * rr * rr * rr * rr;
        radial += f * (0.625 * (63.0 * s2 * s2 - 42.0 * s2 + 3.0));
        radial_z += f * (0.625 * s * (63.0 * s2 * s2 - 70.0 * s2 + 15.0));
      }
    }
  }
  return {radial * ux, radial * uy, radial_z};
}

double potential_m2ps2(const Eigen::Vector3d& r_m, int max_degree) {
  check_degree(max_degree);
  const double r = r_m.norm();
  const double s = r_m.z() / r;
  const double s2 = s * s;
  const double rr = kR / r;
  double sum = 0.0;
  if (max_degree >= 2) sum += kJ2 * rr * rr * 0.5 * (3.0 * s2 - 1.0);
  if (max_degree >= 3) sum += kJ3 * rr * rr * rr * 0.5 * s * (5.0 * s2 - 3.0);
  if (max_degree >= 4) {
    sum += kJ4 * rr * rr * rr * rr * 0.125 * (35.0 * s2 * s2 - 30.0 * s2 + 3.0);
  }
  return kMu / r * (1.0 - sum);
}

}  // namespace launchmc::gravity
