// Instantaneous impact point: the vacuum Kepler arc to the WGS-84 ellipsoid (see iip.hpp).
#include "orbit/iip.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace launchmc::orbit {

namespace {

// The conic from the present state, as a function of the change of eccentric anomaly dE
// (elliptic arcs only: a > 0).
struct EllipticArc {
  Eigen::Vector3d r0, v0;
  double r0_norm;
  double a;               // semi-major axis [m]
  double rv_sqrt_mu;      // r0 . v0 / sqrt(mu) [sqrt(m)]
  double sqrt_mu;         // [m^1.5/s]
  double inv_n;           // 1 / mean motion = sqrt(a^3 / mu) [s]
  double e_sin0, e_cos0;  // e sin E0, e cos E0
  // Set once per arc: the root search evaluates position() ~6 times per IIP.
  double a_over_r0;  // a / r0 [-]
  double sqrt_a;     // sqrt(a) [sqrt(m)]

  // Position at dE with the f and g functions (Vallado eqs. 2-67 and 2-68 in eccentric-anomaly
  // form): f = 1 - (a / r0)(1 - cos dE), g = [a sigma0 (1 - cos dE) + r0 sqrt(a) sin dE] / sqrt(mu)
  // (sigma0 = r0 . v0 / sqrt(mu)); the latter has no cancellation for small dE.
  // c, s: cos dE and sin dE.
  Eigen::Vector3d position(double c, double s) const noexcept {
    const double f = 1.0 - a_over_r0 * (1.0 - c);
    const double g = (a * rv_sqrt_mu * (1.0 - c) + r0_norm * sqrt_a * s) / sqrt_mu;
    return f * r0 + g * v0;
  }
  // Time to go through dE: Kepler's equation M - M0 = dE + e sin E0 (1 - cos dE) - e cos E0 sin dE.
  double time_s(double dE, double c, double s) const noexcept {
    return inv_n * (dE + e_sin0 * (1.0 - c) - e_cos0 * s);
  }
};

// A signed distance to the surface along the radius, zero exactly on it: for the ellipsoid,
// |r| (1 - 1 / sqrt(q)) with q = (x^2 + y^2) / a^2 + z^2 / b^2 (q = 1 on the surface), which is
// |r| minus the ellipsoid's radius in the direction of r. It differs from the geodetic height by
// less than 1e-5 of it near the surface (the radial and normal directions are within 0.2 deg),
// has its sign, and costs two square roots instead of geo::latitude_height's iteration: the root
// search evaluates it ~6 times per IIP and the IIP runs every iip.step_s of every sample.
double height_of(const Eigen::Vector3d& r, const IipSurface& surface) noexcept {
  const double r_norm = r.norm();
  if (surface.sphere_radius_m > 0.0) return r_norm - surface.sphere_radius_m;
  constexpr double inv_a2 = 1.0 / (constants::wgs84_a_m * constants::wgs84_a_m);
  constexpr double inv_b2 = 1.0 / (constants::wgs84_b_m * constants::wgs84_b_m);
  const double q = (r.x() * r.x() + r.y() * r.y()) * inv_a2 + r.z() * r.z() * inv_b2;
  return r_norm * (1.0 - 1.0 / std::sqrt(q));
}

double latitude_of(const Eigen::Vector3d& r, const IipSurface& surface) noexcept {
  const double rho = std::sqrt(r.x() * r.x() + r.y() * r.y());
  if (surface.sphere_radius_m > 0.0) return std::atan2(r.z(), rho);
  const geo::LatitudeHeight lh = geo::latitude_height(rho, r.z());
  return std::atan2(lh.sin_lat, lh.cos_lat);
}

}  // namespace

Iip instantaneous_impact_point(const Eigen::Vector3d& r_eci_m, const Eigen::Vector3d& v_eci_mps,
                               double t_s, const geo::EarthRotation& rotation, IipSurface surface,
                               double mu) noexcept {
  Iip out;
  const double r0 = r_eci_m.norm();
  if (!(r0 > 0.0) || !(mu > 0.0) || !v_eci_mps.allFinite()) return out;

  auto finish = [&](const Eigen::Vector3d& r_imp, double tof_s) {
    out.impacts = true;
    out.time_to_impact_s = tof_s;
    out.r_impact_eci_m = r_imp;
    out.lat_rad = latitude_of(r_imp, surface);
    const Eigen::Vector3d ecef = rotation.position_eci_to_ecef(r_imp, t_s + tof_s);
    out.lon_rad = std::atan2(ecef.y(), ecef.x());
    return out;
  };

  // Already at or below the surface: it lands here and now.
  if (height_of(r_eci_m, surface) <= 0.0) return finish(r_eci_m, 0.0);

  const double alpha = 2.0 / r0 - v_eci_mps.squaredNorm() / mu;  // 1 / a [1/m]
  if (!(alpha > 0.0)) return out;                                // parabolic or hyperbolic: escape
  EllipticArc arc;
  arc.r0 = r_eci_m;
  arc.v0 = v_eci_mps;
  arc.r0_norm = r0;
  arc.a = 1.0 / alpha;
  arc.sqrt_mu = std::sqrt(mu);
  arc.rv_sqrt_mu = r_eci_m.dot(v_eci_mps) / arc.sqrt_mu;
  arc.sqrt_a = std::sqrt(arc.a);
  arc.a_over_r0 = arc.a / r0;
  arc.inv_n = arc.a * arc.sqrt_a / arc.sqrt_mu;
  arc.e_cos0 = 1.0 - r0 / arc.a;
  arc.e_sin0 = arc.rv_sqrt_mu / arc.sqrt_a;
  const double e = std::hypot(arc.e_cos0, arc.e_sin0);
  const double rp = arc.a * (1.0 - e);

  // The surface lies between these two spheres.
  const double r_outer =
      surface.sphere_radius_m > 0.0 ? surface.sphere_radius_m : constants::wgs84_a_m;
  const double r_inner =
      surface.sphere_radius_m > 0.0 ? surface.sphere_radius_m : constants::wgs84_b_m;
  if (rp >= r_outer) return out;  // the whole arc stays outside the surface: orbiting

  double E0 = std::atan2(arc.e_sin0, arc.e_cos0);  // present eccentric anomaly
  if (E0 < 0.0) E0 += constants::two_pi;
  // Eccentric anomaly in [pi, 2 pi] (descending branch) where the radius falls through R (the
  // apoapsis pi if the whole ellipse is inside R).
  auto descending_at = [&](double R) {
    const double c = e > 0.0 ? std::clamp((1.0 - R / arc.a) / e, -1.0, 1.0) : 1.0;
    return constants::two_pi - std::acos(c);
  };
  const double dE_lo = std::max(0.0, descending_at(r_outer) - E0);
  const double dE_hi = rp < r_inner ? descending_at(r_inner) - E0 : constants::two_pi - E0;
  if (dE_hi < dE_lo) {
    // Past the inner sphere already (only round-off can bring us here above the surface).
    return finish(r_eci_m, 0.0);
  }
  // The cosine and sine of the last dE evaluated: the search ends where it last looked.
  double last_dE = std::numeric_limits<double>::quiet_NaN(), last_c = 1.0, last_s = 0.0;
  auto cos_sin = [&](double dE) {
    if (!(dE == last_dE)) {
      last_dE = dE;
      last_c = std::cos(dE);
      last_s = std::sin(dE);
    }
  };
  // The landing at dE: one cosine and sine for the place and the time.
  auto land_at = [&](double dE) {
    cos_sin(dE);
    return finish(arc.position(last_c, last_s), arc.time_s(dE, last_c, last_s));
  };
  // A sphere: both radii are its own, and the bracket is the crossing itself (closed form).
  if (dE_hi == dE_lo) return land_at(dE_lo);

  auto h = [&](double dE) {
    cos_sin(dE);
    return height_of(arc.position(last_c, last_s), surface);
  };
  // First sign change of the height in [dE_lo, dE_hi]. When the arc goes below the inner sphere
  // (the usual case) the ends bracket it already: h(lo) >= 0 >= h(hi), and the height falls
  // monotonically in between but for a grazing arc, so Illinois regula falsi starts at once.
  // A perigee between b and a (grazing) is scanned first for the first sign change.
  double x0 = dE_lo, h0 = h(dE_lo);
  if (h0 <= 0.0) return land_at(x0);
  double x1 = dE_hi, h1 = h(dE_hi);
  if (!(rp < r_inner) || h1 > 0.0) {
    constexpr int kScan = 8;
    bool found = false;
    for (int k = 1; k <= kScan; ++k) {
      const double x = dE_lo + (dE_hi - dE_lo) * k / kScan;
      const double hx = k == kScan ? h1 : h(x);
      if (hx <= 0.0) {
        x1 = k == kScan ? dE_hi : x;
        h1 = hx;
        found = true;
        break;
      }
      x0 = x;
      h0 = hx;
    }
    if (!found) {
      // The radius at dE_hi is b: the height there is <= 0 but for round-off.
      if (rp < r_inner) return land_at(dE_hi);
      return out;  // a perigee between b and a that stays above the ellipsoid
    }
  }
  // Illinois: h0 > 0 >= h1.
  int side = 0;
  double x = x1, hx = h1;
  for (int iter = 0; iter < 100 && std::abs(hx) > 1e-6 && x1 - x0 > 1e-13; ++iter) {
    x = (x0 * h1 - x1 * h0) / (h1 - h0);
    if (!(x > x0 && x < x1)) x = 0.5 * (x0 + x1);
    hx = h(x);
    if (hx > 0.0) {
      x0 = x;
      h0 = hx;
      if (side == +1) h1 *= 0.5;
      side = +1;
    } else {
      x1 = x;
      h1 = hx;
      if (side == -1) h0 *= 0.5;
      side = -1;
    }
  }
  return land_at(x);
}

}  // namespace launchmc::orbit
