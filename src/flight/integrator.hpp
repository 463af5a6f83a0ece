// Adaptive Dormand-Prince 5(4) integrator with dense output and event location, for fixed-size
// states. Coefficients, error estimator, step-size control and the 4th-order continuous extension
// follow Hairer, Norsett & Wanner, Solving Ordinary Differential Equations I (2nd ed., 1993),
// section II.5 and II.6 (code DOPRI5). Written here rather than taken from Boost.Odeint because the
// flight needs event location on the dense output, restarts at every discontinuity (staging,
// guidance corners) and a hot loop that allocates nothing.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

namespace launchmc::flight {

template <int N>
using StateN = Eigen::Matrix<double, N, 1>;

// Every coefficient finite (Eigen's allFinite(), as a loop that is always inlined: see
// DormandPrince45::integrate).
template <int N>
inline bool all_finite(const StateN<N>& v) noexcept {
  for (int i = 0; i < N; ++i)
    if (!std::isfinite(v[i])) return false;
  return true;
}

template <int N>
struct Tolerances {
  double rtol = 1e-9;
  StateN<N> atol = StateN<N>::Constant(1e-6);
  double h_max_s = 60.0;            // longest step [s]
  double h_min_s = 1e-9;            // step-size underflow below this [s]
  double event_tol_s = 1e-5;        // events located to this precision in time [s]
  std::int64_t max_steps = 200000;  // per integrate() call
};

// The interpolant of one accepted step: y(t0 + theta h) for theta in [0, 1].
template <int N>
struct DenseStep {
  double t0 = 0.0;
  double h = 0.0;
  StateN<N> r1, r2, r3, r4, r5;

  double t1() const noexcept { return t0 + h; }
  StateN<N> at(double t) const noexcept {
    const double theta = h != 0.0 ? (t - t0) / h : 0.0;
    const double theta1 = 1.0 - theta;
    return r1 + theta * (r2 + theta1 * (r3 + theta * (r4 + theta1 * r5)));
  }
};

enum class StopReason : std::uint8_t {
  reached_end,     // t == t_end
  event,           // an event function crossed zero; which one is in IntegrationOutcome::event
  step_underflow,  // the error control asked for a step below h_min
  non_finite,      // the state or its derivative is NaN or infinite
  too_many_steps,
};

struct IntegrationOutcome {
  StopReason reason = StopReason::reached_end;
  int event = -1;
};

struct IntegratorStats {
  std::int64_t rhs_evaluations = 0;
  std::int64_t accepted_steps = 0;
  std::int64_t rejected_steps = 0;
};

// At most this many event functions at once.
inline constexpr int kMaxEvents = 8;

// Event functions are g_i(t, y); an event fires where g_i crosses zero in its direction
// (+1: from negative to non-negative, -1: from positive to non-positive, 0: either).
struct EventSpec {
  int count = 0;
  std::array<int, kMaxEvents> direction{};
};

// Does g cross zero from g0 to g1 in direction dir (+1 up, -1 down, 0 either)?
inline bool event_crosses(double g0, double g1, int dir) noexcept {
  const bool up = g0 < 0.0 && g1 >= 0.0;
  const bool down = g0 > 0.0 && g1 <= 0.0;
  return dir > 0 ? up : dir < 0 ? down : (up || down);
}

// Illinois-modified regula falsi for event i on a step's dense output; returns a time just past
// the root (on the g1 side) so that a restart from it does not fire the same event again.
template <int N, class Events>
double locate_event(Events& g, const DenseStep<N>& dense, double t_end, int i, double g0, double g1,
                    double tol_s) {
  std::array<double, kMaxEvents> vals{};
  double a = dense.t0, b = t_end, ga = g0, gb = g1;
  int side = 0;
  for (int it = 0; it < 100 && (b - a) > tol_s; ++it) {
    double c = (a * gb - b * ga) / (gb - ga);
    if (!(c > a && c < b)) c = 0.5 * (a + b);
    const StateN<N> yc = dense.at(c);
    g(c, yc, vals.data());
    const double gc = vals[i];
    const bool after = ga < 0.0 ? gc >= 0.0 : gc <= 0.0;
    if (after) {  // root in [a, c]
      b = c;
      gb = gc;
      if (side == -1) ga *= 0.5;
      side = -1;
    } else {
      a = c;
      ga = gc;
      if (side == +1) gb *= 0.5;
      side = +1;
    }
  }
  return b;
}

// Scaled RMS norm of a local error estimate (Hairer, Norsett & Wanner, eq. II.4.11).
template <int N>
double error_norm(const StateN<N>& err, const StateN<N>& y0, const StateN<N>& y1,
                  const Tolerances<N>& tol) noexcept {
  double sq = 0.0;
  for (int i = 0; i < N; ++i) {
    const double sc = tol.atol[i] + tol.rtol * std::max(std::abs(y0[i]), std::abs(y1[i]));
    sq += (err[i] / sc) * (err[i] / sc);
  }
  return std::sqrt(sq / N);
}

// The earliest event that fires in an accepted step [dense.t0, t1]: its index (-1: none) and, in
// t_fire, its time located on the dense output. g_new receives the event values at t1.
template <int N, class Events>
int first_event(Events& g, const EventSpec& spec, const DenseStep<N>& dense, double t1,
                const StateN<N>& y1, const std::array<double, kMaxEvents>& g_old,
                std::array<double, kMaxEvents>& g_new, double tol_s, double& t_fire) {
  g(t1, y1, g_new.data());
  int fired = -1;
  t_fire = t1;
  for (int i = 0; i < spec.count; ++i) {
    if (!event_crosses(g_old[i], g_new[i], spec.direction[i])) continue;
    const double tr = locate_event<N>(g, dense, t1, i, g_old[i], g_new[i], tol_s);
    if (fired < 0 || tr < t_fire) {
      fired = i;
      t_fire = tr;
    }
  }
  return fired;
}

// Limits the next step to h_max and to the end of the interval; true if it lands on t_end
// (within 1 % of a step, a sliver is not worth a step of its own).
inline bool clamp_step(double t, double t_end, double h_max, double& h) noexcept {
  h = std::min(h, h_max);
  if (t + 1.01 * h < t_end) return false;
  h = t_end - t;
  return true;
}

template <int N>
class DormandPrince45 {
 public:
  using State = StateN<N>;

  explicit DormandPrince45(const Tolerances<N>& tol) : tol_(tol) {}

  // Integrates y' = f(t, y) from (t, y) toward t_end (> t), updating t, y and the step-size guess
  // h (0 = choose one). Stops at t_end, at the first event (t and y are then just past the root,
  // within event_tol_s), or on failure.
  //   f(t, y, dydt)                  : derivative
  //   g(t, y, double* values)        : event functions, spec.count of them
  //   observe(const DenseStep<N>&, double t_stop): after every accepted step; the interpolant is
  //                                  valid on [t0, t_stop] (t_stop < t0 + h when an event fired)
  template <class Rhs, class Events, class Observer>
  IntegrationOutcome integrate(Rhs& f, Events& g, const EventSpec& spec, Observer& observe,
                               double& t, State& y, double t_end, double& h,
                               IntegratorStats& stats) const {
    State k1, k2, k3, k4, k5, k6, k7, y1, ytmp, err;
    f(t, y, k1);
    ++stats.rhs_evaluations;
    if (!all_finite<N>(k1) || !all_finite<N>(y)) return {StopReason::non_finite, -1};
    if (h <= 0.0) h = initial_step(f, t, y, k1, t_end, stats);

    std::array<double, kMaxEvents> g_old{}, g_new{};
    if (spec.count > 0) g(t, y, g_old.data());

    DenseStep<N> dense;
    bool last_rejected = false;
    for (std::int64_t step = 0; step < tol_.max_steps; ++step) {
      if (t >= t_end) return {StopReason::reached_end, -1};
      const bool hits_end = clamp_step(t, t_end, tol_.h_max_s, h);
      if (h < tol_.h_min_s && !hits_end) return {StopReason::step_underflow, -1};

      // Stages (Butcher tableau of DOPRI5). Written per coefficient: in the large integrate()
      // instantiations GCC left Eigen's expressions here as out-of-line calls (~2 % of a run);
      // each coefficient's operations are the Eigen expression's, in its order, so the result
      // is the same bit for bit.
      for (int i = 0; i < N; ++i) ytmp[i] = y[i] + h * (a21 * k1[i]);
      f(t + c2 * h, ytmp, k2);
      for (int i = 0; i < N; ++i) ytmp[i] = y[i] + h * (a31 * k1[i] + a32 * k2[i]);
      f(t + c3 * h, ytmp, k3);
      for (int i = 0; i < N; ++i) ytmp[i] = y[i] + h * (a41 * k1[i] + a42 * k2[i] + a43 * k3[i]);
      f(t + c4 * h, ytmp, k4);
      for (int i = 0; i < N; ++i)
        ytmp[i] = y[i] + h * (a51 * k1[i] + a52 * k2[i] + a53 * k3[i] + a54 * k4[i]);
      f(t + c5 * h, ytmp, k5);
      for (int i = 0; i < N; ++i)
        ytmp[i] = y[i] + h * (a61 * k1[i] + a62 * k2[i] + a63 * k3[i] + a64 * k4[i] + a65 * k5[i]);
      f(t + h, ytmp, k6);
      for (int i = 0; i < N; ++i)
        y1[i] = y[i] + h * (a71 * k1[i] + a73 * k3[i] + a74 * k4[i] + a75 * k5[i] + a76 * k6[i]);
      const double t1 = hits_end ? t_end : t + h;
      f(t1, y1, k7);
      stats.rhs_evaluations += 6;

      for (int i = 0; i < N; ++i)
        err[i] = h * (e1 * k1[i] + e3 * k3[i] + e4 * k4[i] + e5 * k5[i] + e6 * k6[i] + e7 * k7[i]);
      const double en = error_norm<N>(err, y, y1, tol_);
      if (!std::isfinite(en)) {
        // A stage left the model's domain (e.g. NaN from an extreme state): shrink hard.
        h *= 0.1;
        ++stats.rejected_steps;
        last_rejected = true;
        if (h < tol_.h_min_s) return {StopReason::non_finite, -1};
        continue;
      }
      constexpr double safety = 0.9, fac_min = 0.2, fac_max = 5.0;
      double fac = en > 0.0 ? safety * std::pow(en, -0.2) : fac_max;
      if (en > 1.0) {
        h *= std::max(fac_min, fac);
        ++stats.rejected_steps;
        last_rejected = true;
        continue;
      }
      // Accepted.
      ++stats.accepted_steps;
      dense.t0 = t;
      dense.h = t1 - t;
      dense.r1 = y;
      for (int i = 0; i < N; ++i) {
        dense.r2[i] = y1[i] - y[i];
        dense.r3[i] = dense.h * k1[i] - dense.r2[i];
        dense.r4[i] = dense.r2[i] - dense.h * k7[i] - dense.r3[i];
        dense.r5[i] =
            dense.h * (d1 * k1[i] + d3 * k3[i] + d4 * k4[i] + d5 * k5[i] + d6 * k6[i] + d7 * k7[i]);
      }

      if (spec.count > 0) {
        double t_fire = t1;
        const int fired =
            first_event<N>(g, spec, dense, t1, y1, g_old, g_new, tol_.event_tol_s, t_fire);
        if (fired >= 0) {
          // The interpolant keeps its full interval; observers are told to stop at t_fire.
          observe(dense, t_fire);
          t = t_fire;
          y = dense.at(t_fire);
          if (!all_finite<N>(y)) return {StopReason::non_finite, -1};
          return {StopReason::event, fired};
        }
        g_old = g_new;
      }
      observe(dense, t1);
      t = t1;
      y = y1;
      k1 = k7;  // first same as last
      if (!all_finite<N>(y) || !all_finite<N>(k1)) return {StopReason::non_finite, -1};
      if (last_rejected) fac = std::min(fac, 1.0);  // no growth right after a rejection
      last_rejected = false;
      if (!hits_end) h *= std::min(fac_max, fac);
      if (hits_end) return {StopReason::reached_end, -1};
    }
    return {StopReason::too_many_steps, -1};
  }

 private:
  template <class Rhs>
  double initial_step(Rhs& f, double t, const State& y, const State& k1, double t_end,
                      IntegratorStats& stats) const {
    // Hairer, Norsett & Wanner, section II.4, "starting step size".
    State sc;
    for (int i = 0; i < N; ++i) sc[i] = tol_.atol[i] + tol_.rtol * std::abs(y[i]);
    const double d0 = std::sqrt((y.array() / sc.array()).square().sum() / N);
    const double d1n = std::sqrt((k1.array() / sc.array()).square().sum() / N);
    double h0 = (d0 < 1e-5 || d1n < 1e-5) ? 1e-6 : 0.01 * d0 / d1n;
    h0 = std::min(h0, t_end - t);
    const State y1 = y + h0 * k1;
    State k2;
    f(t + h0, y1, k2);
    ++stats.rhs_evaluations;
    const double d2 = std::sqrt(((k2 - k1).array() / sc.array()).square().sum() / N) / h0;
    const double dm = std::max(d1n, d2);
    const double h1 = dm <= 1e-15 ? std::max(1e-6, h0 * 1e-3) : std::pow(0.01 / dm, 0.2);
    return std::min({100.0 * h0, h1, tol_.h_max_s});
  }

  Tolerances<N> tol_;

  static constexpr double c2 = 1.0 / 5, c3 = 3.0 / 10, c4 = 4.0 / 5, c5 = 8.0 / 9;
  static constexpr double a21 = 1.0 / 5;
  static constexpr double a31 = 3.0 / 40, a32 = 9.0 / 40;
  static constexpr double a41 = 44.0 / 45, a42 = -56.0 / 15, a43 = 32.0 / 9;
  static constexpr double a51 = 19372.0 / 6561, a52 = -25360.0 / 2187, a53 = 64448.0 / 6561,
                          a54 = -212.0 / 729;
  static constexpr double a61 = 9017.0 / 3168, a62 = -355.0 / 33, a63 = 46732.0 / 5247,
                          a64 = 49.0 / 176, a65 = -5103.0 / 18656;
  static constexpr double a71 = 35.0 / 384, a73 = 500.0 / 1113, a74 = 125.0 / 192,
                          a75 = -2187.0 / 6784, a76 = 11.0 / 84;
  static constexpr double e1 = 71.0 / 57600, e3 = -71.0 / 16695, e4 = 71.0 / 1920,
                          e5 = -17253.0 / 339200, e6 = 22.0 / 525, e7 = -1.0 / 40;
  static constexpr double d1 = -12715105075.0 / 11282082432.0, d3 = 87487479700.0 / 32700410799.0,
                          d4 = -10690763975.0 / 1880347072.0, d5 = 701980252875.0 / 199316789632.0,
                          d6 = -1453857185.0 / 822651844.0, d7 = 69997945.0 / 29380423.0;
};

}  // namespace launchmc::flight
