// Rosenbrock 2(3) integrator: a stiff Prothero-Robinson problem against its exact solution (and
// in far fewer steps than the explicit method needs), and a drag-limited fall against the
// closed-form terminal-velocity solution.
#include <gtest/gtest.h>

#include <cmath>

#include "flight/integrator.hpp"
#include "flight/rosenbrock.hpp"

namespace launchmc::flight {
namespace {

using State2 = StateN<2>;
using Matrix2 = Eigen::Matrix<double, 2, 2>;

// y' = -L (y - cos t) - sin t, exact y = cos t; written autonomous with s = t as 2nd component.
struct ProtheroRobinson {
  double lambda = 1e4;
  void operator()(double, const State2& y, State2& dy) const {
    dy[0] = -lambda * (y[0] - std::cos(y[1])) - std::sin(y[1]);
    dy[1] = 1.0;
  }
};

TEST(Rosenbrock23, StiffProblemMatchesExactSolutionInFewSteps) {
  ProtheroRobinson f;
  Tolerances<2> tol;
  tol.rtol = 1e-4;
  tol.atol << 1e-6, 1e-6;
  tol.h_max_s = 10;
  auto jac = [&](double, const State2& y, const State2&, Matrix2& j, IntegratorStats&) {
    j << -f.lambda, f.lambda * -std::sin(y[1]) - std::cos(y[1]), 0.0, 0.0;
  };
  auto no_events = [](double, const State2&, double*) {};
  auto obs = [](const DenseStep<2>&, double) {};
  Rosenbrock23<2> ros(tol);
  State2 y(1.0, 0.0);
  double t = 0, h = 0;
  IntegratorStats stats;
  const auto out = ros.integrate(f, jac, no_events, EventSpec{}, obs, t, y, 10.0, h, stats);
  ASSERT_EQ(out.reason, StopReason::reached_end);
  EXPECT_NEAR(y[0], std::cos(10.0), 1e-4);
  // Accuracy-limited steps of a 2nd-order method (~h^3 / 6 per step); the explicit method is
  // held to |lambda h| < 3.3 by stability, i.e. some 30,000 steps here.
  EXPECT_LT(stats.accepted_steps, 1500);

  DormandPrince45<2> dp(tol);
  State2 y2(1.0, 0.0);
  double t2 = 0, h2 = 0;
  IntegratorStats stats2;
  dp.integrate(f, no_events, EventSpec{}, obs, t2, y2, 10.0, h2, stats2);
  EXPECT_GT(stats2.accepted_steps, 10 * stats.accepted_steps);
}

// Vertical fall from rest in air of constant density: v(t) = vt tanh(g t / vt),
// distance fallen d(t) = (vt^2 / g) ln cosh(g t / vt). State: (height, vertical velocity).
TEST(Rosenbrock23, DragLimitedFallMatchesClosedForm) {
  constexpr double g = 9.81, vt = 20.0, k = g / (vt * vt);  // drag deceleration k v^2
  auto f = [](double, const State2& y, State2& dy) { dy << y[1], -g + k * y[1] * y[1]; };
  auto jac = [](double, const State2& y, const State2&, Matrix2& j, IntegratorStats&) {
    j << 0.0, 1.0, 0.0, 2.0 * k * y[1];
  };
  auto ground = [](double, const State2& y, double* out) { out[0] = y[0]; };
  auto obs = [](const DenseStep<2>&, double) {};
  Tolerances<2> tol;
  tol.rtol = 1e-8;
  tol.atol << 1e-6, 1e-6;
  tol.event_tol_s = 1e-7;
  Rosenbrock23<2> ros(tol);
  EventSpec spec;
  spec.count = 1;
  spec.direction[0] = -1;
  const double h0 = 3000.0;
  State2 y(h0, 0.0);
  double t = 0, h = 0;
  IntegratorStats stats;
  const auto out = ros.integrate(f, jac, ground, spec, obs, t, y, 1000.0, h, stats);
  ASSERT_EQ(out.reason, StopReason::event);
  // Time to fall h0: ln cosh(g t / vt) = g h0 / vt^2.
  const double t_exact = vt / g * std::acosh(std::exp(g * h0 / (vt * vt)));
  EXPECT_NEAR(t, t_exact, 1e-4);
  EXPECT_NEAR(y[1], -vt * std::tanh(g * t_exact / vt), 1e-5);
}

}  // namespace
}  // namespace launchmc::flight
