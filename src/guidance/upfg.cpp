// Unified Powered Flight Guidance, standard ascent, one constant-thrust burn.
// Block numbers in the comments follow the block diagrams of GN&C Equation Document 24.
#include "guidance/upfg.hpp"

#include <algorithm>
#include <cmath>

#include "orbit/kepler.hpp"

namespace launchmc::guidance {

namespace {

Eigen::Vector3d unit_or_zero(const Eigen::Vector3d& x) noexcept {
  const double n = x.norm();
  return n > 0.0 ? Eigen::Vector3d(x / n) : Eigen::Vector3d::Zero();
}

bool finite(const Eigen::Vector3d& x) noexcept { return x.allFinite(); }

constexpr int kMaxStartCycles = 60;
constexpr double kConvergedTgo_s = 0.01;  // pre-thrust convergence: time-to-go settled to this

}  // namespace

Eigen::Vector3d Upfg::plane_normal(double inclination_rad, double raan_rad) noexcept {
  const double si = std::sin(inclination_rad);
  return {std::sin(raan_rad) * si, -std::cos(raan_rad) * si, std::cos(inclination_rad)};
}

Eigen::Vector3d Upfg::plane_through(const Eigen::Vector3d& r, const Eigen::Vector3d& v,
                                    double inclination_rad) noexcept {
  // Unit n with n.r = 0 and n.z = cos i. In the basis of the plane perpendicular to r,
  // e1 = the local north (z minus its radial part) and e2 = r_hat x e1 (west), n = a e1 + b e2
  // with a cos(lat) = cos i.
  const Eigen::Vector3d r_hat = r.normalized();
  const Eigen::Vector3d z = Eigen::Vector3d::UnitZ();
  Eigen::Vector3d e1 = z - z.dot(r_hat) * r_hat;
  const double cos_lat = e1.norm();
  if (cos_lat < 1e-12) return unit_or_zero(r.cross(v));  // at a pole: any plane contains r
  e1 /= cos_lat;
  const Eigen::Vector3d e2 = r_hat.cross(e1);
  const double a = std::clamp(std::cos(inclination_rad) / cos_lat, -1.0, 1.0);
  const double b = std::sqrt(std::max(0.0, 1.0 - a * a));
  const Eigen::Vector3d n1 = a * e1 + b * e2, n2 = a * e1 - b * e2;
  // The direction of flight in plane n at r is n x r: keep the plane closest to the velocity.
  return n1.cross(r_hat).dot(v) >= n2.cross(r_hat).dot(v) ? n1 : n2;
}

bool Upfg::start(const OrbitTarget& target, double t_s, const Eigen::Vector3d& r,
                 const Eigen::Vector3d& v, double mass_kg, const Propulsion& propulsion) noexcept {
  // Target: plane, insertion radius, speed (vis-viva) and flight-path angle (h = r v cos gamma).
  free_node_ = std::isnan(target.raan_rad);
  inclination_rad_ = target.inclination_rad;
  normal_ = std::isnan(target.raan_rad) ? plane_through(r, v, target.inclination_rad)
                                        : plane_normal(target.inclination_rad, target.raan_rad);
  const double a = target.semi_major_axis_m, e = target.eccentricity;
  rd_m_ =
      std::clamp(target.insertion_radius_m, target.perigee_radius_m(), target.apogee_radius_m());
  vd_mps_ = std::sqrt(mu_ * (2.0 / rd_m_ - 1.0 / a));
  const double h = std::sqrt(mu_ * a * (1.0 - e * e));
  gamma_d_rad_ = std::acos(std::clamp(h / (rd_m_ * vd_mps_), -1.0, 1.0));
  if (target.descending) gamma_d_rad_ = -gamma_d_rad_;

  // First guess: cutoff at the insertion radius in the target plane, downrange of the present
  // position by the distance flown at the mean of the present and the target speed; gravity's
  // effect that of a uniform field over that burn.
  const Eigen::Vector3d iy = -normal_;
  const Eigen::Vector3d ix0 = unit_or_zero(r - r.dot(iy) * iy);
  const Eigen::Vector3d iz0 = ix0.cross(iy);
  const Eigen::Vector3d vd0 =
      vd_mps_ * (std::sin(gamma_d_rad_) * ix0 + std::cos(gamma_d_rad_) * iz0);
  const double ve = propulsion.exhaust_velocity_mps;
  const double tau = ve * mass_kg / propulsion.thrust_N;
  const double tgo0 = tau * (1.0 - std::exp(-(vd0 - v).norm() / ve));
  const double theta = 0.5 * (v.norm() + vd_mps_) * tgo0 / rd_m_;
  rd_ = rd_m_ * (std::cos(theta) * ix0 + std::sin(theta) * iz0);
  vgo_ = vd0 - v;
  rgrav_ = -0.5 * mu_ / r.squaredNorm() * tgo0 * tgo0 * r.normalized();
  rbias_.setZero();
  tgo_s_ = 0.0;  // no previous cycle: the gravity term is not rescaled on the first one
  v_prev_ = v;
  r_prev_ = r;
  t_prev_s_ = t_s;

  bool converged = false;
  double tgo_prev = -1.0;
  for (int i = 0; i < kMaxStartCycles && !converged; ++i) {
    if (!cycle(t_s, r, v, mass_kg, propulsion)) return false;
    converged = std::abs(tgo_s_ - tgo_prev) < kConvergedTgo_s;
    tgo_prev = tgo_s_;
  }
  return converged;
}

bool Upfg::update(double t_s, const Eigen::Vector3d& r, const Eigen::Vector3d& v, double mass_kg,
                  const Propulsion& propulsion) noexcept {
  return cycle(t_s, r, v, mass_kg, propulsion);
}

bool Upfg::cycle(double t_s, const Eigen::Vector3d& r, const Eigen::Vector3d& v, double mass_kg,
                 const Propulsion& propulsion) noexcept {
  // Work on copies: a cycle that fails leaves the guidance as it was.
  Eigen::Vector3d vgo = vgo_, rgrav = rgrav_, rbias = rbias_, rd = rd_;

  // Block 2: the velocity gained by thrust since the last cycle (what accelerometers sense: the
  // change of velocity less gravity's share, by the trapezoidal rule on the point-mass field)
  // comes off the velocity to be gained.
  const double dt = t_s - t_prev_s_;
  const Eigen::Vector3d g_now = -mu_ / (r.squaredNorm() * r.norm()) * r;
  const Eigen::Vector3d g_prev = -mu_ / (r_prev_.squaredNorm() * r_prev_.norm()) * r_prev_;
  vgo -= (v - v_prev_) - 0.5 * dt * (g_now + g_prev);

  // Block 3: burn time to gain |vgo| (rocket equation); block 4: thrust integrals of a constant
  // thrust, constant exhaust velocity burn of duration tgo (L: velocity, J: its first moment,
  // S: position, Q: its first moment, P and H: second-order terms of the turning correction).
  const double ve = propulsion.exhaust_velocity_mps;
  const double acc = propulsion.thrust_N / mass_kg;
  if (!(ve > 0.0) || !(acc > 0.0)) return false;
  const double tau = ve / acc;
  const double L = vgo.norm();
  if (!(L > 0.0)) return false;
  const double tgo = tau * (1.0 - std::exp(-L / ve));
  const double J = tau * L - ve * tgo;
  const double S = -J + tgo * L;
  const double Q = S * tau - 0.5 * ve * tgo * tgo;
  const double P = Q * tau - ve * tgo * tgo * tgo / 6.0;
  const double H = J * tgo - Q;

  // Block 5: steering. lambda along vgo; the turning rate lambda_dot makes the thrust's position
  // integral reach the position still to be gained, rgo. The downrange component of rgo is left
  // free (determined by the burn itself), only the radial and cross-plane ones are constrained.
  const Eigen::Vector3d lambda = vgo / L;
  if (tgo_s_ > 0.0) rgrav *= (tgo / tgo_s_) * (tgo / tgo_s_);
  const Eigen::Vector3d iy = -normal_;
  Eigen::Vector3d rgo = rd - (r + v * tgo + rgrav);
  const Eigen::Vector3d ix = unit_or_zero(rd);            // radial at cutoff
  const Eigen::Vector3d iz = unit_or_zero(rd.cross(iy));  // downrange at cutoff
  const double lambda_iz = lambda.dot(iz);
  if (std::abs(lambda_iz) < 1e-6) return false;  // thrust perpendicular to downrange: no solution
  if (free_node_) {
    // The cutoff point's offset across the plane is free too (the plane is re-chosen through
    // it, block 8), so it is not a constraint: the steering is given no turning rate across the
    // plane (rgo_y = S lambda_y), a constant yaw of the thrust that removes the out-of-plane
    // velocity over the burn. Not the exact optimum of an inclination-only target (whose
    // transversality condition couples the planes), but well posed and robust to large
    // dog-legs. Radial offset constrained as in the document, with the turning correction;
    // downrange from lambda . rgo = S.
    const double rgo_x = rgo.dot(ix) + rbias.dot(ix);
    const double rgo_y = S * lambda.dot(iy);
    const double rgo_z = (S - rgo_x * lambda.dot(ix) - rgo_y * lambda.dot(iy)) / lambda_iz;
    rgo = rgo_x * ix + rgo_y * iy + rgo_z * iz;
  } else {
    const Eigen::Vector3d rgo_xy = rgo - iz.dot(rgo) * iz;
    const double rgo_z = (S - lambda.dot(rgo_xy)) / lambda_iz;
    rgo = rgo_xy + rgo_z * iz + rbias;
  }
  const double lambda_de = Q - S * J / L;
  const Eigen::Vector3d lambda_dot = (rgo - S * lambda) / lambda_de;
  const Eigen::Vector3d i_f = unit_or_zero(lambda - lambda_dot * J / L);
  const double phi = std::acos(std::clamp(i_f.dot(lambda), -1.0, 1.0));
  const double phi_dot = -phi * L / J;
  const Eigen::Vector3d i_ld = unit_or_zero(lambda_dot);
  const Eigen::Vector3d v_thrust =
      (L - 0.5 * L * phi * phi - J * phi * phi_dot - 0.5 * H * phi_dot * phi_dot) * lambda -
      (L * phi + J * phi_dot) * i_ld;
  const Eigen::Vector3d r_thrust =
      (S - 0.5 * S * phi * phi - Q * phi * phi_dot - 0.5 * P * phi_dot * phi_dot) * lambda -
      (S * phi + Q * phi_dot) * i_ld;
  const Eigen::Vector3d v_bias = vgo - v_thrust;
  rbias = rgo - r_thrust;

  // Block 7: gravity over the burn, by conic extrapolation of a state offset so that the coast
  // arc brackets the powered one (the document's 0.1 / 1/30 / 1.2 weights).
  const Eigen::Vector3d rc1 = r - 0.1 * r_thrust - (tgo / 30.0) * v_thrust;
  const Eigen::Vector3d vc1 = v + 1.2 * r_thrust / tgo - 0.1 * v_thrust;
  if (!finite(rc1) || !finite(vc1)) return false;
  orbit::StateVector c2;
  try {
    c2 = orbit::propagate_kepler({rc1, vc1}, tgo, mu_);
  } catch (...) {
    return false;
  }
  const Eigen::Vector3d vgrav = c2.v_mps - vc1;
  rgrav = c2.r_m - rc1 - vc1 * tgo;

  // Block 8: the desired cutoff state: the predicted cutoff position brought into the target
  // plane at the insertion radius, and there the target speed and flight-path angle.
  Eigen::Vector3d rp = r + v * tgo + rgrav + r_thrust;
  Eigen::Vector3d normal = normal_;
  if (free_node_) {
    // Free node: the plane of the target inclination through the predicted cutoff point, on the
    // branch of the present plane. Pinning the plane to where guidance started would make the
    // cutoff position fight the drift of a large dog-leg: the Shuttle's position constraint
    // across the plane assumes small yaw.
    const Eigen::Vector3d r_hat = unit_or_zero(rp);
    const Eigen::Vector3d along =
        normal_.cross(r_hat);  // present plane's direction of flight there
    normal = plane_through(rp, along, inclination_rad_);
  }
  const Eigen::Vector3d iy_d = -normal;
  rp -= rp.dot(iy_d) * iy_d;
  rd = rd_m_ * unit_or_zero(rp);
  const Eigen::Vector3d ix_d = unit_or_zero(rd);
  const Eigen::Vector3d iz_d = ix_d.cross(iy_d);
  const Eigen::Vector3d vd =
      vd_mps_ * (std::sin(gamma_d_rad_) * ix_d + std::cos(gamma_d_rad_) * iz_d);
  vgo = vd - v - vgrav + v_bias;

  if (!finite(vgo) || !finite(rd) || !finite(rgrav) || !finite(rbias) || !finite(lambda_dot) ||
      !std::isfinite(tgo) || !(tgo > 0.0))
    return false;
  vgo_ = vgo;
  rgrav_ = rgrav;
  rbias_ = rbias;
  rd_ = rd;
  normal_ = normal;
  v_prev_ = v;
  r_prev_ = r;
  t_prev_s_ = t_s;
  tgo_s_ = tgo;
  steering_.lambda = lambda;
  steering_.lambda_dot_ps = lambda_dot;
  steering_.t_lambda_s = t_s + J / L;
  return true;
}

}  // namespace launchmc::guidance
