// Tests of orbit/kepler: universal-variable propagation (periodicity, conservation, agreement
// with Kepler's equation, hyperbolic/backward cases) and the analytic ballistic arc
// (Bate-Mueller-White free-flight range equation, maximum range, consistency with propagation).
#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <cmath>
#include <stdexcept>

#include "common/constants.hpp"
#include "orbit/kepler.hpp"

namespace {

namespace c = launchmc::constants;
using launchmc::orbit::ballistic_arc;
using launchmc::orbit::BallisticArc;
using launchmc::orbit::propagate_kepler;
using launchmc::orbit::StateVector;

constexpr double kMu = c::wgs84_gm_m3ps2;
constexpr double kDeg = c::deg_to_rad;

double energy(const StateVector& s) { return 0.5 * s.v_mps.squaredNorm() - kMu / s.r_m.norm(); }
Eigen::Vector3d ang_mom(const StateVector& s) { return s.r_m.cross(s.v_mps); }

TEST(Kepler, CircularOrbitReturnsAfterOnePeriod) {
  const double r = c::wgs84_a_m + 400e3;
  const double v = std::sqrt(kMu / r);
  const double inc = 51.6 * kDeg;
  const StateVector s0{Eigen::Vector3d(r, 0.0, 0.0),
                       Eigen::Vector3d(0.0, v * std::cos(inc), v * std::sin(inc))};
  const double period = 2.0 * c::pi * std::sqrt(r * r * r / kMu);
  const StateVector s1 = propagate_kepler(s0, period);
  EXPECT_LT((s1.r_m - s0.r_m).norm(), 1e-9 * r);
  EXPECT_LT((s1.v_mps - s0.v_mps).norm(), 1e-9 * v);
  // A quarter period moves the satellite 90 deg along its orbit.
  const StateVector sq = propagate_kepler(s0, 0.25 * period);
  EXPECT_LT((sq.r_m - Eigen::Vector3d(0.0, r * std::cos(inc), r * std::sin(inc))).norm(), 1e-9 * r);
  // Backwards propagation too, and many revolutions.
  EXPECT_LT((propagate_kepler(s0, -period).r_m - s0.r_m).norm(), 1e-9 * r);
  EXPECT_LT((propagate_kepler(s0, 100.0 * period).r_m - s0.r_m).norm(), 1e-9 * r);
  EXPECT_EQ(propagate_kepler(s0, 0.0).r_m, s0.r_m);
}

TEST(Kepler, EllipticConservesIntegralsAndIsPeriodic) {
  const StateVector s0{Eigen::Vector3d(7000e3, -1200e3, 300e3),
                       Eigen::Vector3d(1.1e3, 8.9e3, 1.5e3)};
  const double e0 = energy(s0);
  ASSERT_LT(e0, 0.0);
  const double a = -kMu / (2.0 * e0);
  const double period = 2.0 * c::pi * std::sqrt(a * a * a / kMu);
  for (double frac : {0.013, 0.25, 0.5, 0.77, 1.0, 3.4}) {
    const StateVector s = propagate_kepler(s0, frac * period);
    EXPECT_NEAR(energy(s), e0, 1e-10 * std::abs(e0)) << frac;
    EXPECT_LT((ang_mom(s) - ang_mom(s0)).norm(), 1e-10 * ang_mom(s0).norm()) << frac;
  }
  const StateVector s1 = propagate_kepler(s0, period);
  EXPECT_LT((s1.r_m - s0.r_m).norm(), 1e-9 * s0.r_m.norm());
  EXPECT_LT((s1.v_mps - s0.v_mps).norm(), 1e-9 * s0.v_mps.norm());
  // Propagating in ten steps equals one step.
  StateVector s = s0;
  for (int k = 0; k < 10; ++k) s = propagate_kepler(s, 0.1 * period);
  EXPECT_LT((s.r_m - s0.r_m).norm(), 1e-9 * s0.r_m.norm());
}

// Direct solution of Kepler's equation M = E - e sin E in the perifocal frame.
TEST(Kepler, MatchesKeplerEquationSolution) {
  const double a = 26600e3;  // Molniya-like
  const double e = 0.74;
  const double p = a * (1.0 - e * e);
  const double n = std::sqrt(kMu / (a * a * a));
  const auto perifocal = [&](double big_e) {
    const double nu = 2.0 * std::atan2(std::sqrt(1.0 + e) * std::sin(0.5 * big_e),
                                       std::sqrt(1.0 - e) * std::cos(0.5 * big_e));
    const double r = p / (1.0 + e * std::cos(nu));
    return StateVector{Eigen::Vector3d(r * std::cos(nu), r * std::sin(nu), 0.0),
                       Eigen::Vector3d(-std::sqrt(kMu / p) * std::sin(nu),
                                       std::sqrt(kMu / p) * (e + std::cos(nu)), 0.0)};
  };
  const double e0 = 0.3;  // initial eccentric anomaly
  const StateVector s0 = perifocal(e0);
  const double m0 = e0 - e * std::sin(e0);
  for (double dt : {60.0, 3600.0, 20000.0, 43000.0, -5000.0}) {
    const double m = m0 + n * dt;
    double big_e = m;
    for (int k = 0; k < 50; ++k)
      big_e -= (big_e - e * std::sin(big_e) - m) / (1.0 - e * std::cos(big_e));
    const StateVector expected = perifocal(big_e);
    const StateVector s = propagate_kepler(s0, dt);
    EXPECT_LT((s.r_m - expected.r_m).norm(), 1e-9 * a) << dt;
    EXPECT_LT((s.v_mps - expected.v_mps).norm(), 1e-9 * expected.v_mps.norm()) << dt;
  }
}

TEST(Kepler, HyperbolicAndNearParabolic) {
  const double rp = 7000e3;
  for (double factor : {1.0, 1.0 + 1e-12, 1.5, 3.0}) {  // times escape speed at periapsis
    const double vp = factor * std::sqrt(2.0 * kMu / rp);
    const StateVector s0{Eigen::Vector3d(rp, 0.0, 0.0), Eigen::Vector3d(0.0, vp, 0.0)};
    for (double dt : {100.0, 1e4, 1e6, -3e5}) {
      const StateVector s = propagate_kepler(s0, dt);
      EXPECT_NEAR(energy(s), energy(s0), 1e-9 * kMu / rp) << factor << " " << dt;
      EXPECT_LT((ang_mom(s) - ang_mom(s0)).norm(), 1e-10 * ang_mom(s0).norm());
      // Forward then back returns to the start.
      const StateVector back = propagate_kepler(s, -dt);
      EXPECT_LT((back.r_m - s0.r_m).norm(), 1e-8 * rp) << factor << " " << dt;
    }
  }
}

TEST(Kepler, RejectsBadInput) {
  const StateVector s0{Eigen::Vector3d::Zero(), Eigen::Vector3d(1.0, 0.0, 0.0)};
  EXPECT_THROW(propagate_kepler(s0, 10.0), std::invalid_argument);
}

// Bate, Mueller & White (1971), sec. 6.2 free-flight range equation for burnout at r = R:
// cos(Psi/2) = (1 - Q cos^2 g) / sqrt(1 + Q (Q - 2) cos^2 g), Q = r v^2 / mu.
double bmw_symmetric_range(double r, double v, double gamma) {
  const double q = r * v * v / kMu;
  const double cg2 = std::cos(gamma) * std::cos(gamma);
  return 2.0 * std::acos((1.0 - q * cg2) / std::sqrt(1.0 + q * (q - 2.0) * cg2));
}

TEST(BallisticArc, SymmetricCaseMatchesFreeFlightRangeEquation) {
  const double re = 6378137.0;
  for (double v : {2000.0, 4000.0, 6500.0, 7200.0}) {
    for (double g_deg : {5.0, 20.0, 35.0, 45.0, 70.0}) {
      const BallisticArc arc = ballistic_arc(re, v, g_deg * kDeg, re);
      EXPECT_NEAR(arc.range_angle_rad, bmw_symmetric_range(re, v, g_deg * kDeg), 1e-11)
          << v << " " << g_deg;
      EXPECT_GT(arc.apogee_radius_m, re);
      EXPECT_GT(arc.time_of_flight_s, 0.0);
    }
  }
  // Low-speed limit: flat-Earth ballistics, range ~ v^2 sin(2 g) / g0_eff, to O(h_max / R)
  // corrections (curvature, gravity decreasing with height): 1.5e-4 relative allowed.
  const double g_eff = kMu / (re * re);
  const BallisticArc slow = ballistic_arc(re, 100.0, 45.0 * kDeg, re);
  const double flat_range = 100.0 * 100.0 / g_eff;
  const double flat_tof = 2.0 * 100.0 * std::sin(45.0 * kDeg) / g_eff;
  const double flat_apogee = std::pow(100.0 * std::sin(45.0 * kDeg), 2) / (2 * g_eff);
  EXPECT_NEAR(slow.range_angle_rad * re, flat_range, 1.5e-4 * flat_range);
  EXPECT_NEAR(slow.time_of_flight_s, flat_tof, 1.5e-4 * flat_tof);
  EXPECT_NEAR(slow.apogee_radius_m - re, flat_apogee, 1.5e-4 * flat_apogee);
}

TEST(BallisticArc, MaximumRangeFlightPathAngle) {
  // BMW sec. 6.2: for given Q < 1 the maximum range is sin(Psi_max/2) = Q / (2 - Q), reached at
  // gamma_opt = (pi - Psi_max) / 4.
  const double re = 6378137.0;
  for (double v : {3000.0, 5000.0, 7000.0}) {
    const double q = re * v * v / kMu;
    const double psi_max = 2.0 * std::asin(q / (2.0 - q));
    const double gamma_opt = 0.25 * (c::pi - psi_max);
    const BallisticArc best = ballistic_arc(re, v, gamma_opt, re);
    EXPECT_NEAR(best.range_angle_rad, psi_max, 1e-9) << v;
    for (double dg : {-0.02, -0.005, 0.005, 0.02}) {
      EXPECT_LT(ballistic_arc(re, v, gamma_opt + dg, re).range_angle_rad, best.range_angle_rad);
    }
  }
}

TEST(BallisticArc, ConsistentWithKeplerPropagation) {
  const double re = 6371000.0;
  for (double r_bo : {re, re + 120e3, re + 400e3}) {
    for (double v : {1500.0, 5000.0, 6900.0}) {
      for (double g_deg : {-30.0, -1.0, 0.0, 10.0, 25.0, 60.0}) {
        BallisticArc arc{};
        try {
          arc = ballistic_arc(r_bo, v, g_deg * kDeg, re);
        } catch (const std::domain_error&) {
          // Only allowed when the conic's periapsis stays above R (e.g. r_bo > R, gamma = 0 and
          // orbital speed): check that claim with the propagator.
          const double h = r_bo * v * std::cos(g_deg * kDeg);
          const double en = 0.5 * v * v - kMu / r_bo;
          const double e = std::sqrt(1.0 + 2.0 * en * h * h / (kMu * kMu));
          EXPECT_GE(h * h / kMu / (1.0 + e), re) << r_bo << " " << v << " " << g_deg;
          continue;
        }
        // Burnout state in the x-y plane; the flight-path angle is measured from the horizontal.
        const double g = g_deg * kDeg;
        const StateVector s0{Eigen::Vector3d(r_bo, 0.0, 0.0),
                             Eigen::Vector3d(v * std::sin(g), v * std::cos(g), 0.0)};
        const StateVector s1 = propagate_kepler(s0, arc.time_of_flight_s);
        EXPECT_NEAR(s1.r_m.norm(), re, 1e-9 * re) << r_bo << " " << v << " " << g_deg;
        double angle = std::atan2(s1.r_m.y(), s1.r_m.x());
        if (angle < 0.0) angle += 2.0 * c::pi;
        if (arc.range_angle_rad < 1e-12) angle = 0.0;
        EXPECT_NEAR(angle, arc.range_angle_rad, 1e-9) << r_bo << " " << v << " " << g_deg;
        // Highest point of the arc: sample the flight.
        double r_max = r_bo;
        for (int k = 1; k <= 200; ++k) {
          r_max =
              std::max(r_max, propagate_kepler(s0, arc.time_of_flight_s * k / 200.0).r_m.norm());
        }
        EXPECT_LE(r_max, arc.apogee_radius_m * (1.0 + 1e-12));
        EXPECT_GT(r_max, arc.apogee_radius_m - 1e-3 * (arc.apogee_radius_m - re) - 1.0);
      }
    }
  }
}

TEST(BallisticArc, RejectsImpossibleArcs) {
  const double re = 6378137.0;
  // Orbital speed, horizontal, above R: never comes down.
  const double r = re + 300e3;
  EXPECT_THROW(ballistic_arc(r, std::sqrt(kMu / r), 0.0, re), std::domain_error);
  // Escape speed, climbing.
  EXPECT_THROW(ballistic_arc(re, 12e3, 30.0 * kDeg, re), std::domain_error);
  // Below the surface, vertical or negative speed.
  EXPECT_THROW(ballistic_arc(re - 1.0, 3000.0, 0.5, re), std::invalid_argument);
  EXPECT_THROW(ballistic_arc(re, 3000.0, 0.5 * c::pi, re), std::invalid_argument);
  EXPECT_THROW(ballistic_arc(re, -1.0, 0.5, re), std::invalid_argument);
  // Descending faster than escape speed still hits the ground (hyperbolic arc).
  const BallisticArc hyp = ballistic_arc(re + 100e3, 12e3, -45.0 * kDeg, re);
  EXPECT_GT(hyp.range_angle_rad, 0.0);
  EXPECT_NEAR(hyp.apogee_radius_m, re + 100e3, 1e-6);
}

}  // namespace
