// Two-body motion: universal-variable Kepler propagation (Vallado algorithm 8) and the analytic
// ballistic free-flight arc (Bate, Mueller & White ch. 6). See kepler.hpp.
#include "orbit/kepler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace launchmc::orbit {

namespace {

constexpr double kUnbounded = std::numeric_limits<double>::infinity();

// Stumpff functions c2(psi) = (1 - cos sqrt psi)/psi, c3(psi) = (sqrt psi - sin sqrt psi)/psi^1.5
// (hyperbolic forms for psi < 0); power series for |psi| < 1 to avoid cancellation.
void stumpff(double psi, double& c2, double& c3) {
  if (std::abs(psi) < 1.0) {
    double t2 = 0.5;
    double t3 = 1.0 / 6.0;
    c2 = t2;
    c3 = t3;
    for (int k = 0; k < 12; ++k) {
      t2 *= -psi / ((2.0 * k + 3.0) * (2.0 * k + 4.0));
      t3 *= -psi / ((2.0 * k + 4.0) * (2.0 * k + 5.0));
      c2 += t2;
      c3 += t3;
    }
  } else if (psi > 0.0) {
    const double sq = std::sqrt(psi);
    const double sh = std::sin(0.5 * sq);
    c2 = 2.0 * sh * sh / psi;
    c3 = (sq - std::sin(sq)) / (psi * sq);
  } else {
    const double sq = std::sqrt(-psi);
    c2 = (std::cosh(sq) - 1.0) / (-psi);
    c3 = (std::sinh(sq) - sq) / (-psi * sq);
  }
}

// sqrt(mu) * time of flight for universal anomaly chi from a point with radius r0 and
// sigma0 = r0 . v0 / sqrt(mu), on a conic with alpha = 1/a (universal Kepler equation).
double universal_time(double chi, double alpha, double r0, double sigma0, double& r_out) {
  double c2 = 0.0;
  double c3 = 0.0;
  const double psi = chi * chi * alpha;
  stumpff(psi, c2, c3);
  r_out = chi * chi * c2 + sigma0 * chi * (1.0 - psi * c3) + r0 * (1.0 - psi * c2);
  return chi * chi * chi * c3 + sigma0 * chi * chi * c2 + r0 * chi * (1.0 - psi * c3);
}

}  // namespace

StateVector propagate_kepler(const StateVector& s0, double dt_s, double mu) {
  const double r0 = s0.r_m.norm();
  if (!(r0 > 0.0) || !(mu > 0.0)) {
    throw std::invalid_argument("propagate_kepler: needs |r| > 0 and mu > 0");
  }
  if (dt_s == 0.0) return s0;

  const double sqrt_mu = std::sqrt(mu);
  const double v0_2 = s0.v_mps.squaredNorm();
  const double sigma0 = s0.r_m.dot(s0.v_mps) / sqrt_mu;
  const double alpha = 2.0 / r0 - v0_2 / mu;  // 1/a [1/m]
  const double target = sqrt_mu * dt_s;

  // Initial guess (Vallado algorithm 8), kept only if it has the sign of dt.
  const double sgn = dt_s > 0.0 ? 1.0 : -1.0;
  double chi = target / r0;
  if (alpha * r0 > 1e-6) {
    chi = target * alpha;
  } else if (alpha * r0 < -1e-6) {
    const double a = 1.0 / alpha;
    const double arg = (-2.0 * mu * alpha * dt_s) /
                       (s0.r_m.dot(s0.v_mps) + sgn * std::sqrt(-mu * a) * (1.0 - r0 * alpha));
    const double guess = sgn * std::sqrt(-a) * std::log(arg);
    if (std::isfinite(guess) && guess * sgn > 0.0) chi = guess;
  }

  // Newton on F(chi) = universal_time(chi) - sqrt(mu) dt, F' = r > 0, safeguarded as in
  // "rtsafe" (Numerical Recipes 9.4): F is increasing and F(0) = -sqrt(mu) dt, so the root lies
  // in [0, inf) for dt > 0 and (-inf, 0] for dt < 0; the bracket shrinks with every evaluation,
  // and a bisection replaces any Newton step that leaves it or fails to halve the previous step
  // (e.g. the exponential branch of a hyperbola approached from above).
  double lo = dt_s > 0.0 ? 0.0 : -kUnbounded;
  double hi = dt_s > 0.0 ? kUnbounded : 0.0;
  const double tol_abs = 1e-14 * std::sqrt(r0);
  double step_old = kUnbounded;
  bool converged = false;
  double r = r0;
  for (int iter = 0; iter < 300; ++iter) {
    const double f = universal_time(chi, alpha, r0, sigma0, r) - target;
    if (f == 0.0) {
      converged = true;
      break;
    }
    if (f < 0.0) {
      lo = chi;
    } else {
      hi = chi;
    }
    const bool bracketed = std::isfinite(lo) && std::isfinite(hi);
    double next = chi - f / r;
    if (!(r > 0.0) || !(next > lo && next < hi) ||
        (bracketed && std::abs(next - chi) > 0.5 * std::abs(step_old))) {
      if (bracketed) {
        next = 0.5 * (lo + hi);
      } else if (std::isfinite(lo)) {
        // Open bracket and an unusable Newton step (r <= 0 by round-off): step outwards.
        next = 2.0 * lo + std::sqrt(r0);
      } else {
        next = 2.0 * hi - std::sqrt(r0);
      }
    }
    const double step = next - chi;
    step_old = step;
    chi = next;
    if (std::abs(step) <= tol_abs + 1e-15 * std::abs(chi)) {
      converged = true;
      break;
    }
  }
  if (!converged || !std::isfinite(chi)) {
    throw std::runtime_error(
        "propagate_kepler: universal-variable iteration did not converge (dt = " +
        std::to_string(dt_s) + " s)");
  }

  double c2 = 0.0;
  double c3 = 0.0;
  const double psi = chi * chi * alpha;
  stumpff(psi, c2, c3);
  const double f = 1.0 - chi * chi / r0 * c2;
  const double g = dt_s - chi * chi * chi / sqrt_mu * c3;
  StateVector out;
  out.r_m = f * s0.r_m + g * s0.v_mps;
  r = out.r_m.norm();
  const double fdot = sqrt_mu / (r * r0) * chi * (psi * c3 - 1.0);
  const double gdot = 1.0 - chi * chi / r * c2;
  out.v_mps = fdot * s0.r_m + gdot * s0.v_mps;
  return out;
}

BallisticArc ballistic_arc(double r_bo_m, double v_bo_mps, double gamma_bo_rad, double R_m,
                           double mu) {
  if (!(R_m > 0.0) || !(r_bo_m >= R_m) || !(v_bo_mps > 0.0) || !(mu > 0.0) ||
      !(std::abs(gamma_bo_rad) < 0.5 * constants::pi)) {
    throw std::invalid_argument(
        "ballistic_arc: needs R > 0, r_bo >= R, v_bo > 0, mu > 0, |gamma_bo| < pi/2");
  }
  const double cg = std::cos(gamma_bo_rad);
  const double sg = std::sin(gamma_bo_rad);
  const double h = r_bo_m * v_bo_mps * cg;
  const double p = h * h / mu;
  const double energy = 0.5 * v_bo_mps * v_bo_mps - mu / r_bo_m;
  const double alpha = -2.0 * energy / mu;  // 1/a
  const double ecc = std::sqrt(std::max(0.0, 1.0 + 2.0 * energy * h * h / (mu * mu)));
  const double e_cos_nu = p / r_bo_m - 1.0;
  const double e_sin_nu = h * v_bo_mps * sg / mu;

  if (p / (1.0 + ecc) >= R_m || (gamma_bo_rad > 0.0 && ecc >= 1.0)) {
    throw std::domain_error("ballistic_arc: the trajectory never comes back down to R (r_bo = " +
                            std::to_string(r_bo_m) + " m, v_bo = " + std::to_string(v_bo_mps) +
                            " m/s, gamma_bo = " + std::to_string(gamma_bo_rad) + " rad)");
  }

  // True anomalies of burnout and impact; impact is on the descending branch after burnout.
  const double nu_bo = std::atan2(e_sin_nu, e_cos_nu);
  const double cos_nu_imp = std::clamp((p / R_m - 1.0) / ecc, -1.0, 1.0);
  const double nu_imp =
      nu_bo >= 0.0 ? constants::two_pi - std::acos(cos_nu_imp) : -std::acos(cos_nu_imp);

  // Universal anomaly between the two points, then the universal Kepler equation for the time.
  double chi = 0.0;
  // Near-parabolic arcs use the parabola only when descending (no apoapsis passage).
  if (ecc < 1.0 - 1e-9 || (ecc < 1.0 && nu_bo >= 0.0)) {
    const double sqrt_1me2 = std::sqrt(1.0 - ecc * ecc);
    const auto ecc_anomaly = [&](double nu) {
      const double big_e = std::atan2(sqrt_1me2 * std::sin(nu), ecc + std::cos(nu));
      return big_e + constants::two_pi * std::round((nu - big_e) / constants::two_pi);
    };
    chi = (ecc_anomaly(nu_imp) - ecc_anomaly(nu_bo)) / std::sqrt(alpha);
  } else if (ecc > 1.0 + 1e-9) {
    const double k = std::sqrt((ecc - 1.0) / (ecc + 1.0));
    const auto hyp_anomaly = [&](double nu) { return 2.0 * std::atanh(k * std::tan(0.5 * nu)); };
    chi = (hyp_anomaly(nu_imp) - hyp_anomaly(nu_bo)) / std::sqrt(-alpha);
  } else {
    chi = std::sqrt(p) * (std::tan(0.5 * nu_imp) - std::tan(0.5 * nu_bo));
  }
  double r_end = 0.0;
  const double sigma0 = r_bo_m * v_bo_mps * sg / std::sqrt(mu);
  const double tof = universal_time(chi, alpha, r_bo_m, sigma0, r_end) / std::sqrt(mu);

  BallisticArc out{};
  out.range_angle_rad = nu_imp - nu_bo;
  out.time_of_flight_s = tof;
  out.apogee_radius_m = gamma_bo_rad > 0.0 ? p / (1.0 - ecc) : r_bo_m;
  return out;
}

}  // namespace launchmc::orbit
