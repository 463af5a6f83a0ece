// Linearly implicit Rosenbrock 2(3) integrator (Shampine & Reichelt, "The MATLAB ODE Suite",
// SIAM J. Sci. Comput. 18(1), 1997: the ode23s pair, L-stable, with its continuous extension),
// for the stiff end of a falling body's flight: at terminal velocity the drag relaxes the
// velocity in about a second, which caps an explicit method's step at a few seconds for the
// whole slow descent, whereas this method's step is limited by accuracy alone. Autonomous
// right-hand sides only (the flight's are: nothing depends on time in ECI axes once the engines
// are off). Same event and observer interface as DormandPrince45.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>

#include "flight/integrator.hpp"

namespace launchmc::flight {

template <int N>
class Rosenbrock23 {
 public:
  using State = StateN<N>;
  using Matrix = Eigen::Matrix<double, N, N>;

  explicit Rosenbrock23(const Tolerances<N>& tol) : tol_(tol) {}

  // jac(t, y, f(t, y), J, stats): the Jacobian df/dy (counting any evaluations of f it makes).
  // An approximate one costs accuracy per step, which the error control then pays for in steps.
  template <class Rhs, class Jac, class Events, class Observer>
  IntegrationOutcome integrate(Rhs& f, Jac& jacobian, Events& g, const EventSpec& spec,
                               Observer& observe, double& t, State& y, double t_end, double& h,
                               IntegratorStats& stats) const {
    const double d = 1.0 / (2.0 + std::sqrt(2.0));
    const double e32 = 6.0 + std::sqrt(2.0);
    State f0, f1, f2, k1, k2, k3, y1, ytmp, err;
    Matrix jac;
    f(t, y, f0);
    ++stats.rhs_evaluations;
    if (!all_finite<N>(f0) || !all_finite<N>(y)) return {StopReason::non_finite, -1};
    if (h <= 0.0) h = std::min(1.0, t_end - t);

    std::array<double, kMaxEvents> g_old{}, g_new{};
    if (spec.count > 0) g(t, y, g_old.data());
    DenseStep<N> dense;
    bool need_jacobian = true;
    for (std::int64_t step = 0; step < tol_.max_steps; ++step) {
      if (t >= t_end) return {StopReason::reached_end, -1};
      const bool hits_end = clamp_step(t, t_end, tol_.h_max_s, h);
      if (h < tol_.h_min_s && !hits_end) return {StopReason::step_underflow, -1};
      if (need_jacobian) {
        jacobian(t, y, f0, jac, stats);
        need_jacobian = false;
      }
      const Eigen::PartialPivLU<Matrix> w(Matrix::Identity() - h * d * jac);
      k1 = w.solve(f0);
      ytmp = y + 0.5 * h * k1;
      f(t + 0.5 * h, ytmp, f1);
      k2 = w.solve(f1 - k1) + k1;
      y1 = y + h * k2;
      const double t1 = hits_end ? t_end : t + h;
      f(t1, y1, f2);
      k3 = w.solve(f2 - e32 * (k2 - f1) - 2.0 * (k1 - f0));
      stats.rhs_evaluations += 2;
      err = (h / 6.0) * (k1 - 2.0 * k2 + k3);
      const double en = error_norm<N>(err, y, y1, tol_);
      if (!std::isfinite(en)) {
        h *= 0.1;
        ++stats.rejected_steps;
        if (h < tol_.h_min_s) return {StopReason::non_finite, -1};
        continue;
      }
      const double fac = en > 0.0 ? 0.8 * std::cbrt(1.0 / en) : 5.0;
      if (en > 1.0) {
        h *= std::max(0.2, fac);
        ++stats.rejected_steps;
        continue;
      }
      ++stats.accepted_steps;
      // Continuous extension y(t0 + s h) = y0 + s A + s^2 B, written in DenseStep's form
      // (r1 + s (r2 + (1 - s) r3) with r4 = r5 = 0).
      const State a = (h / (1.0 - 2.0 * d)) * (k1 - 2.0 * d * k2);
      const State b = (h / (1.0 - 2.0 * d)) * (k2 - k1);
      dense.t0 = t;
      dense.h = t1 - t;
      dense.r1 = y;
      dense.r2 = a + b;
      dense.r3 = -b;
      dense.r4.setZero();
      dense.r5.setZero();
      if (spec.count > 0) {
        double t_fire = t1;
        const int fired =
            first_event<N>(g, spec, dense, t1, y1, g_old, g_new, tol_.event_tol_s, t_fire);
        if (fired >= 0) {
          observe(dense, t_fire);
          t = t_fire;
          y = dense.at(t_fire);
          return all_finite<N>(y) ? IntegrationOutcome{StopReason::event, fired}
                                  : IntegrationOutcome{StopReason::non_finite, -1};
        }
        g_old = g_new;
      }
      observe(dense, t1);
      t = t1;
      y = y1;
      f0 = f2;  // first same as last
      need_jacobian = true;
      if (!all_finite<N>(y) || !all_finite<N>(f0)) return {StopReason::non_finite, -1};
      if (hits_end) return {StopReason::reached_end, -1};
      h *= std::min(5.0, fac);
    }
    return {StopReason::too_many_steps, -1};
  }

 private:
  Tolerances<N> tol_;
};

}  // namespace launchmc::flight
