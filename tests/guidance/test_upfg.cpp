// UPFG against its purpose: from dispersed starting states and stage performance, a burn steered
// by it and cut off at the target energy ends in the target orbit. The flight here is integrated
// by a fixed-step RK4 in a point-mass field written for this test (not the flight module), and the
// orbit is checked with the textbook element formulas.
#include <gtest/gtest.h>

#include <cmath>

#include "../support/performance_corners.hpp"
#include "common/constants.hpp"
#include "guidance/upfg.hpp"
#include "orbit/elements.hpp"

namespace launchmc::guidance {
namespace {

constexpr double kMu = constants::wgs84_gm_m3ps2;
constexpr double kDeg = constants::pi / 180.0;
constexpr double kRe = constants::wgs84_a_m;

struct Burn {
  double thrust_N = 60e3;
  double isp_s = 310.0;
  double mass_kg = 4200.0;
  double dry_mass_kg = 900.0;  // stack mass at depletion
};

struct Outcome {
  bool cutoff = false;  // reached the target energy before depletion
  orbit::Elements el{};
  double burn_time_s = 0.0;
};

// Flies the burn: RK4 at 0.02 s, guidance every 1 s, hold below 4 s to go, cutoff where the
// semi-major axis crosses the target (linear interpolation within the step).
Outcome fly_guided(const OrbitTarget& target, Eigen::Vector3d r, Eigen::Vector3d v, const Burn& b,
                   bool guided = true, const Eigen::Vector3d& fixed_dir = Eigen::Vector3d::Zero()) {
  Upfg upfg;
  const double ve = b.isp_s * constants::g0_mps2;
  const double mdot = b.thrust_N / ve;
  double m = b.mass_kg, t = 0.0;
  if (guided) {
    EXPECT_TRUE(upfg.start(target, t, r, v, m, {b.thrust_N, ve}));
  }
  LinearTangentSteering steer = upfg.steering();
  if (!guided) {
    steer.lambda = fixed_dir;
    steer.lambda_dot_ps.setZero();
  }
  auto accel = [&](double tt, const Eigen::Vector3d& rr, double mm) -> Eigen::Vector3d {
    return -kMu / std::pow(rr.norm(), 3) * rr + (b.thrust_N / mm) * steer.direction(tt);
  };
  auto sma = [&](const Eigen::Vector3d& rr, const Eigen::Vector3d& vv) {
    const double energy = 0.5 * vv.squaredNorm() - kMu / rr.norm();
    return energy < 0.0 ? -kMu / (2.0 * energy) : 1e30;
  };
  const double dt = 0.02;
  double next_update = 1.0;
  Outcome out;
  while (m - mdot * dt > b.dry_mass_kg) {
    if (guided && t >= next_update - 1e-9) {
      if (upfg.time_to_go_s() > 4.0) {
        upfg.update(t, r, v, m, {b.thrust_N, ve});
        steer = upfg.steering();
      }
      next_update += 1.0;
    }
    // RK4 on (r, v, m).
    const Eigen::Vector3d r0 = r, v0 = v;
    const double m0 = m;
    const Eigen::Vector3d k1r = v0, k1v = accel(t, r0, m0);
    const Eigen::Vector3d k2r = v0 + 0.5 * dt * k1v,
                          k2v = accel(t + 0.5 * dt, r0 + 0.5 * dt * k1r, m0 - 0.5 * dt * mdot);
    const Eigen::Vector3d k3r = v0 + 0.5 * dt * k2v,
                          k3v = accel(t + 0.5 * dt, r0 + 0.5 * dt * k2r, m0 - 0.5 * dt * mdot);
    const Eigen::Vector3d k4r = v0 + dt * k3v, k4v = accel(t + dt, r0 + dt * k3r, m0 - dt * mdot);
    r = r0 + dt / 6.0 * (k1r + 2 * k2r + 2 * k3r + k4r);
    v = v0 + dt / 6.0 * (k1v + 2 * k2v + 2 * k3v + k4v);
    m = m0 - dt * mdot;
    t += dt;
    const double a0 = sma(r0, v0), a1 = sma(r, v);
    if (a0 < target.semi_major_axis_m && a1 >= target.semi_major_axis_m) {
      const double f = (target.semi_major_axis_m - a0) / (a1 - a0);
      r = r0 + f * (r - r0);
      v = v0 + f * (v - v0);
      t -= (1.0 - f) * dt;
      out.cutoff = true;
      break;
    }
  }
  out.el = orbit::elements_from_state(r, v);
  out.burn_time_s = t;
  return out;
}

OrbitTarget target_orbit(double perigee_alt_km, double apogee_alt_km, double incl_deg) {
  OrbitTarget tg;
  const double rp = kRe + perigee_alt_km * 1e3, ra = kRe + apogee_alt_km * 1e3;
  tg.semi_major_axis_m = 0.5 * (rp + ra);
  tg.eccentricity = (ra - rp) / (ra + rp);
  tg.inclination_rad = incl_deg * kDeg;
  tg.insertion_radius_m = rp;
  return tg;
}

// A stage lit near the apogee of a suborbital arc at 480 km, flying south at 5 km/s in
// the plane of inclination 80 deg (the situation of a small launcher's third stage).
void start_state(double incl_deg, Eigen::Vector3d& r, Eigen::Vector3d& v) {
  const double lat = 20.0 * kDeg;
  r = (kRe + 480e3) * Eigen::Vector3d(std::cos(lat), 0.0, std::sin(lat));
  const Eigen::Vector3d n = Upfg::plane_through(r, Eigen::Vector3d(0, 0, -1), incl_deg * kDeg);
  const Eigen::Vector3d horiz = n.cross(r.normalized());
  v = 5000.0 * (std::cos(1.0 * kDeg) * horiz + std::sin(1.0 * kDeg) * r.normalized());
}

TEST(Upfg, PlaneThroughPositionHasTheInclinationAndContainsIt) {
  const Eigen::Vector3d r = 7e6 * Eigen::Vector3d(std::cos(0.6), 0.3, std::sin(0.6)).normalized();
  const Eigen::Vector3d v_south(0.1, 0.0, -1.0);
  for (double incl : {60.0, 97.4, 120.0}) {
    const Eigen::Vector3d n = Upfg::plane_through(r, v_south, incl * kDeg);
    EXPECT_NEAR(n.norm(), 1.0, 1e-12);
    EXPECT_NEAR(std::acos(n.z()), incl * kDeg, 1e-12);
    EXPECT_NEAR(n.dot(r), 0.0, 1e-6);
    EXPECT_GT(n.cross(r).dot(v_south), 0.0) << "southbound plane chosen";
  }
  // RAAN convention: the node line of plane_normal(i, Omega) is at right ascension Omega.
  const Eigen::Vector3d n = Upfg::plane_normal(51.6 * kDeg, 30.0 * kDeg);
  const Eigen::Vector3d node = Eigen::Vector3d::UnitZ().cross(n);
  EXPECT_NEAR(std::atan2(node.y(), node.x()), 30.0 * kDeg, 1e-12);
}

TEST(Upfg, ReachesTargetOrbitInPlane) {
  Eigen::Vector3d r, v;
  start_state(80.0, r, v);
  const OrbitTarget tg = target_orbit(490, 520, 80.0);
  const Outcome o = fly_guided(tg, r, v, Burn{});
  ASSERT_TRUE(o.cutoff);
  EXPECT_NEAR(o.el.semi_major_axis_m, tg.semi_major_axis_m, 50.0);
  EXPECT_NEAR(o.el.periapsis_radius_m, tg.perigee_radius_m(), 300.0);
  EXPECT_NEAR(o.el.apoapsis_radius_m, tg.apogee_radius_m(), 300.0);
  EXPECT_NEAR(o.el.inclination_rad / kDeg, 80.0, 0.01);
}

// Insertion away from perigee: at a given radius between the apsides, on the ascending or the
// descending side. The orbit is the same; the cutoff point's radius and flight-path angle follow
// from the orbit equation (r = p / (1 + e cos nu), tan(fpa) = e sin nu / (1 + e cos nu)).
TEST(Upfg, InsertsAtTheRequestedRadiusAndSide) {
  for (bool descending : {false, true}) {
    Eigen::Vector3d r, v;
    start_state(80.0, r, v);
    OrbitTarget tg = target_orbit(450, 600, 80.0);
    tg.insertion_radius_m = kRe + 500e3;
    tg.descending = descending;
    const Outcome o = fly_guided(tg, r, v, Burn{});
    SCOPED_TRACE(testing::Message() << "descending " << descending);
    ASSERT_TRUE(o.cutoff);
    EXPECT_NEAR(o.el.periapsis_radius_m, tg.perigee_radius_m(), 300.0);
    EXPECT_NEAR(o.el.apoapsis_radius_m, tg.apogee_radius_m(), 300.0);
    // True anomaly at the insertion radius from the orbit equation: ascending side nu in (0, pi).
    const double p = tg.semi_major_axis_m * (1.0 - tg.eccentricity * tg.eccentricity);
    const double nu = std::acos((p / tg.insertion_radius_m - 1.0) / tg.eccentricity);
    const double expected_nu = descending ? 2.0 * constants::pi - nu : nu;
    EXPECT_NEAR(o.el.true_anomaly_rad, expected_nu, 0.01);
  }
}

// Every corner of thrust +-5 %, Isp +-2 %, initial mass +-3 %, with a dog-leg of 17 deg: the
// guided burn meets the orbit in all of them. Node free (the plane through the cutoff point),
// and node fixed at the one the nominal burn reaches, which the corners must then hit too.
TEST(Upfg, ReachesTargetOrbitWithPlaneChangeFromEveryPerformanceCorner) {
  Eigen::Vector3d r, v;
  start_state(80.0, r, v);
  const OrbitTarget free_target = target_orbit(490, 520, 97.0);
  const Outcome nominal = fly_guided(free_target, r, v, Burn{});
  ASSERT_TRUE(nominal.cutoff);
  for (bool fixed_node : {false, true}) {
    for (const testing_support::PerformanceCorner& c : testing_support::kPerformanceCorners) {
      Burn b;
      b.thrust_N *= c.thrust;
      b.isp_s *= c.isp;
      b.mass_kg *= c.mass;
      OrbitTarget tg = free_target;
      if (fixed_node) tg.raan_rad = nominal.el.raan_rad;
      const Outcome o = fly_guided(tg, r, v, b);
      SCOPED_TRACE(testing::Message() << c << " fixed node " << fixed_node);
      ASSERT_TRUE(o.cutoff);
      EXPECT_NEAR(o.el.semi_major_axis_m, tg.semi_major_axis_m, 50.0);
      EXPECT_NEAR(o.el.periapsis_radius_m, tg.perigee_radius_m(), 300.0);
      EXPECT_NEAR(o.el.apoapsis_radius_m, tg.apogee_radius_m(), 300.0);
      EXPECT_NEAR(o.el.inclination_rad / kDeg, 97.0, 0.005);
      if (fixed_node) {
        EXPECT_NEAR(o.el.raan_rad / kDeg, tg.raan_rad / kDeg, 0.005);
      }
    }
  }
}

}  // namespace
}  // namespace launchmc::guidance
