// Lofted ballistic aiming: two-point conic with a commanded apoapsis, on the rotating Earth.
// See ballistic_aim.hpp for the method and its sources.
#include "guidance/ballistic_aim.hpp"

#include <Eigen/Geometry>
#include <algorithm>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <tuple>
#include <utility>

namespace launchmc::guidance {

namespace {

constexpr double kHalfPi = 0.5 * constants::pi;
constexpr double kEps = std::numeric_limits<double>::epsilon();
// Below this sine of the transfer angle the plane of the arc is undefined to better than ~1e-8
// rad (r and the aim point are collinear with the Earth's centre to within ~0.1 m at 6400 km).
constexpr double kMinSinTransfer = 1e-8;

// Root of f in the bracket [a, b] (f(a), f(b) of opposite signs, or one zero), to |b - a| within
// ~4 eps |x| + tol_abs: Boost.Math's TOMS 748 (Alefeld, Potra & Shi, ACM TOMS 21(3), 1995),
// which converges faster than Brent's method and never leaves the bracket. Templated so the
// function object is called directly (no std::function, no allocation). NaN if Boost reports
// an error (not expected with a valid bracket).
template <class F>
double bracketed_root(F&& f, double a, double b, double fa, double fb, double tol_abs) noexcept {
  const auto tolerance = [tol_abs](double lo, double hi) {
    return std::abs(hi - lo) <= 4.0 * kEps * std::max(std::abs(lo), std::abs(hi)) + tol_abs;
  };
  std::uintmax_t max_iter = 200;
  try {
    const std::pair<double, double> r =
        boost::math::tools::toms748_solve(f, a, b, fa, fb, tolerance, max_iter);
    return 0.5 * (r.first + r.second);
  } catch (...) {
    return std::numeric_limits<double>::quiet_NaN();
  }
}

// The lofted arc between two points of radii r1_m, r2_m separated by transfer angle theta_rad,
// in the plane of the transfer (everything else is a rotation of this).
struct PlanarArc {
  bool ok = false;
  double gamma_rad = 0.0;  // flight-path angle at r1
  double v_mps = 0.0;      // speed at r1
  double tof_s = 0.0;      // from r1 to r2
};

PlanarArc lofted_arc(double r1_m, double r2_m, double theta_rad, double apogee_radius_m,
                     double mu) noexcept {
  PlanarArc out;
  const double q = r1_m / r2_m;
  const double cos_th = std::cos(theta_rad);
  const double sin_th = std::sin(theta_rad);
  // 1 - cos theta without cancellation for short ranges.
  const double s_half = std::sin(0.5 * theta_rad);
  const double one_m_cos = 2.0 * s_half * s_half;

  // lambda = r1 v^2 / mu of the conic through both points leaving r1 at flight-path angle g;
  // the denominator is positive between the flat hyperbolic limit and g = pi/2.
  const auto lambda_of = [&](double cg, double sg) noexcept {
    const double cos_th_g = cos_th * cg - sin_th * sg;  // cos(theta + g)
    return one_m_cos / (cg * (q * cg - cos_th_g));
  };
  // 1 / r_apoapsis = (1 - e) / p: finite and continuous through the parabolic case (negative
  // for hyperbolae, i.e. beyond any finite apogee), unlike r_apoapsis itself.
  // p = r1 lambda cos^2 g; e^2 = (lambda cos^2 g - 1)^2 + (lambda cos g sin g)^2 (from
  // e cos nu = p/r - 1 and e sin nu = (p/r) tan g at r1).
  const double inv_apogee = 1.0 / apogee_radius_m;
  const auto residual = [&](double g) noexcept {
    const double cg = std::cos(g);
    const double sg = std::sin(g);
    const double lam = lambda_of(cg, sg);
    const double lc2 = lam * cg * cg;
    const double ecc = std::hypot(lc2 - 1.0, lam * cg * sg);
    return (1.0 - ecc) / (r1_m * lc2) - inv_apogee;
  };

  // Minimum-energy flight-path angle: d(v^2)/dg = 0. In (0, pi/2) for theta in (0, pi).
  const double gamma_me = 0.5 * std::atan2(sin_th, q - cos_th);
  const double f_me = residual(gamma_me);
  if (!(f_me >= 0.0)) return out;  // commanded apogee below the minimum-energy arc's (or NaN)

  // Upper end of the bracket: 1/r_a -> -inf as g -> pi/2 (speed unbounded), so halving the gap
  // to pi/2 finds a sign change within a few steps.
  double hi = gamma_me + 0.5 * (kHalfPi - gamma_me);
  double f_hi = residual(hi);
  for (int k = 0; k < 60 && f_hi > 0.0; ++k) {
    hi = 0.5 * (hi + kHalfPi);
    f_hi = residual(hi);
  }
  if (!(f_hi <= 0.0)) return out;

  const double gamma =
      f_me == 0.0 ? gamma_me : bracketed_root(residual, gamma_me, hi, f_me, f_hi, 1e-15);

  const double cg = std::cos(gamma);
  const double sg = std::sin(gamma);
  const double lam = lambda_of(cg, sg);
  const double p_m = r1_m * lam * cg * cg;
  const double e_cos_nu1 = lam * cg * cg - 1.0;
  const double e_sin_nu1 = lam * cg * sg;
  const double ecc = std::hypot(e_cos_nu1, e_sin_nu1);
  if (!(lam > 0.0) || !(ecc < 1.0)) return out;

  // True anomalies: nu1 in (0, pi) since gamma > 0 (ascending); the aim point must lie past
  // apoapsis, nu2 = nu1 + theta in (pi, 2 pi), i.e. arrival on the descending branch.
  const double nu1 = std::atan2(e_sin_nu1, e_cos_nu1);
  const double nu2 = nu1 + theta_rad;
  if (!(nu1 > 0.0) || !(nu2 > constants::pi)) return out;

  // Kepler's equation M = E - e sin E; for nu in (0, 2 pi) the half-angle form gives E in
  // (0, 2 pi) directly, so M2 > M1 without unwrapping.
  const double sq_1me = std::sqrt(1.0 - ecc);
  const double sq_1pe = std::sqrt(1.0 + ecc);
  const auto mean_anomaly = [&](double nu) noexcept {
    const double big_e = 2.0 * std::atan2(sq_1me * std::sin(0.5 * nu), sq_1pe * std::cos(0.5 * nu));
    return big_e - ecc * std::sin(big_e);
  };
  const double a_m = p_m / (1.0 - ecc * ecc);
  const double mean_motion_radps = std::sqrt(mu / (a_m * a_m * a_m));

  out.gamma_rad = gamma;
  out.v_mps = std::sqrt(lam * mu / r1_m);
  out.tof_s = (mean_anomaly(nu2) - mean_anomaly(nu1)) / mean_motion_radps;
  out.ok = std::isfinite(out.v_mps) && std::isfinite(out.tof_s) && out.tof_s > 0.0;
  return out;
}

}  // namespace

BallisticAimTarget make_aim_target(const BallisticTarget& target, double site_lat_deg,
                                   double site_lon_deg, double launch_azimuth_deg) {
  double lat_deg = target.impact_lat_deg, lon_deg = target.impact_lon_deg;
  if (std::isnan(lat_deg)) {
    const double az = std::isnan(target.azimuth_deg) ? launch_azimuth_deg : target.azimuth_deg;
    std::tie(lat_deg, lon_deg) =
        geo::geodesic_direct(site_lat_deg, site_lon_deg, az, target.range_km * 1e3);
  }
  constexpr double deg = constants::deg_to_rad;
  BallisticAimTarget aim;
  aim.impact_ecef_m = geo::geodetic_to_ecef({lat_deg * deg, lon_deg * deg, 0.0});
  const double lat_mid_rad = 0.5 * (site_lat_deg + lat_deg) * deg;
  aim.apogee_radius_m =
      geo::geodetic_to_ecef({lat_mid_rad, 0.0, 0.0}).norm() + target.apogee_alt_km * 1e3;
  return aim;
}

BallisticAim aim_ballistic(const Eigen::Vector3d& r_eci_m, double t_s,
                           const BallisticAimTarget& target, const geo::EarthRotation& rotation,
                           double mu) noexcept {
  BallisticAim out;
  const double r1_m = r_eci_m.norm();
  const double r2_m = target.impact_ecef_m.norm();  // rotation about z keeps the radius
  const double ra_m = target.apogee_radius_m;
  if (!std::isfinite(r1_m) || !std::isfinite(r2_m) || !std::isfinite(t_s) || !std::isfinite(ra_m) ||
      !(mu > 0.0) || !(r1_m > 0.0) || !(r2_m > 0.0) || !(ra_m > r1_m) || !(ra_m > r2_m)) {
    return out;
  }

  // Arc for a given arrival time offset tau: the aim point is where the Earth has carried it at
  // t_s + tau.
  Eigen::Vector3d normal;  // unit normal of the transfer plane, r1 x r2, of the last solve
  const auto solve = [&](double tau_s) noexcept {
    const Eigen::Vector3d r2_eci_m =
        rotation.position_ecef_to_eci(target.impact_ecef_m, t_s + tau_s);
    const Eigen::Vector3d n = r_eci_m.cross(r2_eci_m);
    const double n_norm = n.norm();
    const double sin_th = n_norm / (r1_m * r2_m);
    if (!(sin_th > kMinSinTransfer)) return PlanarArc{};
    normal = n / n_norm;
    const double theta = std::atan2(n_norm, r_eci_m.dot(r2_eci_m));
    return lofted_arc(r1_m, r2_m, theta, ra_m, mu);
  };

  double tau = 0.0;
  PlanarArc arc = solve(tau);
  const bool rotating = rotation.rate_radps() != 0.0;
  if (!arc.ok && rotating) {
    // Where the aim point is now may admit no arc (e.g. past the antipode, or too far for this
    // apogee) while where it will be at arrival does: look for a feasible arrival time within one
    // period of the largest orbit with this apogee (a <= r_a bounds any time of flight).
    const double t_max_s = 2.0 * constants::pi * std::sqrt(ra_m * ra_m * ra_m / mu);
    constexpr int kScan = 32;
    for (int k = 1; k <= kScan && !arc.ok; ++k) {
      tau = t_max_s * k / kScan;
      arc = solve(tau);
    }
  }
  if (!arc.ok) return out;
  if (rotating) {
    // Secant on F(tau) = tof(tau) - tau, started by one fixed-point step. A step to an arrival
    // time with no arc is halved back towards the last feasible one. Converged when the arrival
    // time moves < 1 us (the aim point then moves < 0.5 mm). Every exit with ok = true leaves
    // normal and arc from the same (last) call of solve.
    double tau_prev = tau;
    double f_prev = arc.tof_s - tau;
    double next = arc.tof_s;
    bool converged = false;
    for (int iter = 0; iter < 50; ++iter) {
      PlanarArc trial = solve(next);
      for (int h = 0; h < 30 && !trial.ok; ++h) {
        next = 0.5 * (next + tau);
        trial = solve(next);
      }
      if (!trial.ok) return out;
      arc = trial;
      tau = next;
      const double f = arc.tof_s - tau;
      if (std::abs(f) <= 1e-6) {
        converged = true;
        break;
      }
      // F' = tof' - 1; a vanishing slope means the aim point recedes as fast as the arc
      // approaches it: no isolated solution.
      const double slope = (f - f_prev) / (tau - tau_prev);
      if (!std::isfinite(slope) || slope == 0.0) return out;
      tau_prev = tau;
      f_prev = f;
      next = tau - f / slope;
      if (!(next > 0.0)) next = 0.5 * tau;  // times of flight are positive
    }
    if (!converged) return out;
  }

  // Velocity in the transfer plane: up component along r1, horizontal one toward the aim point.
  const Eigen::Vector3d up = r_eci_m / r1_m;
  const Eigen::Vector3d horizontal = normal.cross(up);
  out.v_required_eci_mps =
      arc.v_mps * (std::sin(arc.gamma_rad) * up + std::cos(arc.gamma_rad) * horizontal);
  out.time_of_flight_s = arc.tof_s;
  out.flight_path_angle_rad = arc.gamma_rad;
  out.ok = true;
  return out;
}

}  // namespace launchmc::guidance
