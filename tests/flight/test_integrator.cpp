// DOPRI5 integrator: conservation laws of the two-body problem, accuracy against the analytic
// Kepler solution (step ends and dense output), and event location against closed forms.
#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <cmath>

#include "common/constants.hpp"
#include "flight/integrator.hpp"
#include "orbit/kepler.hpp"

namespace launchmc::flight {
namespace {

using State6 = StateN<6>;
constexpr double kMu = constants::wgs84_gm_m3ps2;

struct TwoBody {
  int calls = 0;
  void operator()(double, const State6& y, State6& dy) {
    ++calls;
    const Eigen::Vector3d r = y.head<3>();
    dy.head<3>() = y.tail<3>();
    dy.tail<3>() = -kMu / std::pow(r.norm(), 3) * r;
  }
};
struct NoEvents {
  void operator()(double, const State6&, double*) {}
};
struct NoObserver {
  void operator()(const DenseStep<6>&, double) {}
};

Tolerances<6> tight() {
  Tolerances<6> tol;
  tol.rtol = 1e-12;
  tol.atol << 1e-6, 1e-6, 1e-6, 1e-9, 1e-9, 1e-9;
  tol.h_max_s = 1e9;
  return tol;
}

double energy(const State6& y) {
  return 0.5 * y.tail<3>().squaredNorm() - kMu / y.head<3>().norm();
}
Eigen::Vector3d momentum(const State6& y) {
  return Eigen::Vector3d(y.head<3>()).cross(Eigen::Vector3d(y.tail<3>()));
}

// Malligyong-1-like orbit: 493 x 512 km, with the start at perigee.
State6 leo_state(double& period_s) {
  const double rp = constants::wgs84_a_m + 493e3, ra = constants::wgs84_a_m + 512e3;
  const double a = 0.5 * (rp + ra);
  period_s = 2.0 * constants::pi * std::sqrt(a * a * a / kMu);
  const double vp = std::sqrt(kMu * (2.0 / rp - 1.0 / a));
  const double inc = 97.4 * constants::deg_to_rad;
  State6 y;
  y << rp, 0, 0, 0, vp * std::cos(inc), vp * std::sin(inc);
  return y;
}

TEST(DormandPrince45, TwoBodyConservesEnergyAndAngularMomentumOverOneOrbit) {
  double period = 0;
  State6 y = leo_state(period);
  const double e0 = energy(y);
  const Eigen::Vector3d h0 = momentum(y);
  DormandPrince45<6> dp(tight());
  TwoBody f;
  NoEvents g;
  NoObserver obs;
  IntegratorStats stats;
  double t = 0, h = 0;
  const auto out = dp.integrate(f, g, EventSpec{}, obs, t, y, period, h, stats);
  ASSERT_EQ(out.reason, StopReason::reached_end);
  EXPECT_DOUBLE_EQ(t, period);
  EXPECT_LT(std::abs((energy(y) - e0) / e0), 1e-9);
  EXPECT_LT((momentum(y) - h0).norm() / h0.norm(), 1e-9);
  EXPECT_EQ(stats.rhs_evaluations, f.calls);
}

TEST(DormandPrince45, StepEndsAndDenseOutputMatchKeplerSolution) {
  double period = 0;
  State6 y0 = leo_state(period);
  // Moderate tolerance: the interpolant's error is of the same order as the steps' error.
  Tolerances<6> tol;
  tol.rtol = 1e-10;
  tol.atol << 1e-4, 1e-4, 1e-4, 1e-7, 1e-7, 1e-7;
  tol.h_max_s = 1e9;
  DormandPrince45<6> dp(tol);
  TwoBody f;
  NoEvents g;
  double worst_dense_m = 0;
  int samples = 0;
  auto obs = [&](const DenseStep<6>& d, double t_stop) {
    for (double th : {0.25, 0.5, 0.75}) {
      const double t = d.t0 + th * (t_stop - d.t0);
      const auto ref = orbit::propagate_kepler({y0.head<3>(), y0.tail<3>()}, t);
      worst_dense_m = std::max(worst_dense_m, (d.at(t).head<3>() - ref.r_m).norm());
      ++samples;
    }
  };
  IntegratorStats stats;
  State6 y = y0;
  double t = 0, h = 0;
  dp.integrate(f, g, EventSpec{}, obs, t, y, 0.37 * period, h, stats);
  const auto ref = orbit::propagate_kepler({y0.head<3>(), y0.tail<3>()}, t);
  EXPECT_LT((y.head<3>() - ref.r_m).norm(), 0.05);    // [m] after ~35 min of flight
  EXPECT_LT((y.tail<3>() - ref.v_mps).norm(), 5e-5);  // [m/s]
  EXPECT_GT(samples, 10);
  EXPECT_LT(worst_dense_m, 0.5);
}

// Event location on a free-fall y'' = -g from rest at height H: ground at t = sqrt(2H/g).
TEST(DormandPrince45, LocatesEventWithinTolerance) {
  using State2 = StateN<2>;
  Tolerances<2> tol;
  tol.rtol = 1e-10;
  tol.atol << 1e-9, 1e-9;
  tol.event_tol_s = 1e-6;
  DormandPrince45<2> dp(tol);
  constexpr double g0 = 9.80665, H = 1000.0;
  auto f = [](double, const State2& y, State2& dy) { dy << y[1], -g0; };
  auto ev = [](double, const State2& y, double* out) { out[0] = y[0]; };
  auto obs = [](const DenseStep<2>&, double) {};
  EventSpec spec;
  spec.count = 1;
  spec.direction[0] = -1;
  State2 y(H, 0.0);
  double t = 0, h = 0;
  IntegratorStats stats;
  const auto out = dp.integrate(f, ev, spec, obs, t, y, 100.0, h, stats);
  ASSERT_EQ(out.reason, StopReason::event);
  EXPECT_EQ(out.event, 0);
  const double t_exact = std::sqrt(2.0 * H / g0);
  EXPECT_NEAR(t, t_exact, 1e-6);
  EXPECT_LE(y[0], 0.0);  // just past the root, so a restart does not fire again
  EXPECT_NEAR(y[1], -g0 * t_exact, 1e-4);
}

// Directional events: an upward-only event does not fire on a downward crossing.
TEST(DormandPrince45, RespectsEventDirection) {
  using State2 = StateN<2>;
  Tolerances<2> tol;
  DormandPrince45<2> dp(tol);
  auto f = [](double, const State2& y, State2& dy) { dy << y[1], -y[0]; };  // cos(t)
  auto ev = [](double, const State2& y, double* out) { out[0] = y[0]; };
  auto obs = [](const DenseStep<2>&, double) {};
  EventSpec spec;
  spec.count = 1;
  spec.direction[0] = +1;
  State2 y(1.0, 0.0);
  double t = 0, h = 0;
  IntegratorStats stats;
  const auto out = dp.integrate(f, ev, spec, obs, t, y, 10.0, h, stats);
  ASSERT_EQ(out.reason, StopReason::event);
  EXPECT_NEAR(t, 1.5 * constants::pi, 1e-5);  // cos rises through zero at 3 pi / 2, not pi / 2
}

TEST(DormandPrince45, ReportsNonFiniteState) {
  using State1 = StateN<1>;
  Tolerances<1> tol;
  DormandPrince45<1> dp(tol);
  auto f = [](double, const State1& y, State1& dy) { dy[0] = y[0] * y[0]; };  // blows up at t = 1
  auto ev = [](double, const State1&, double*) {};
  auto obs = [](const DenseStep<1>&, double) {};
  State1 y(1.0);
  double t = 0, h = 0;
  IntegratorStats stats;
  const auto out = dp.integrate(f, ev, EventSpec{}, obs, t, y, 2.0, h, stats);
  EXPECT_TRUE(out.reason == StopReason::non_finite || out.reason == StopReason::step_underflow ||
              out.reason == StopReason::too_many_steps);
  EXPECT_LT(t, 1.0 + 1e-6);
}

}  // namespace
}  // namespace launchmc::flight
