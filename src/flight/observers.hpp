// Step observers: what watches a trajectory while it is integrated. Each sees every accepted step
// with its dense output, and the points recorded off the step grid (events). The flight attaches
// its own (the highest point, the ascent's maximum dynamic pressure, the time histories of
// `fly -o`), and a caller may attach more to the vehicle's trajectory (an instantaneous-impact-
// point track, say) without touching the sequencer: fly(..., extra_observers).
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "flight/dynamics.hpp"
#include "flight/integrator.hpp"

namespace launchmc::flight {

// Receives trajectory points (for time histories). id -1 is the vehicle, k >= 0 body k; the
// thrust acting there (none for bodies and while coasting).
class TrajectoryRecorder {
 public:
  virtual ~TrajectoryRecorder() = default;
  virtual void record(int id, double t_s, const State& state, const Thrust& thrust) = 0;
};

// The interface. Observers must not allocate in step() or point(): they run in the per-sample
// hot loop.
class StepObserver {
 public:
  virtual ~StepObserver() = default;
  // A new integration segment starts (after a discontinuity: staging, an event, a guidance
  // update). `forces`: those acting in the segment (null: none); `powered`: true until the end of
  // powered flight.
  virtual void segment(const PhaseForces* /*forces*/, bool /*powered*/) {}
  // An accepted step, valid from d.t0 to t_stop (the dense output may reach further).
  virtual void step(const DenseStep<7>& d, double t_stop) = 0;
  // A point off the step grid: the start of the trajectory, or an event.
  virtual void point(double /*t_s*/, const State& /*y*/) {}
};

// Up to kMaxObservers observers, called in order; the integrators call it as observer(d, t_stop).
class ObserverList {
 public:
  static constexpr std::size_t kMaxObservers = 8;
  // Throws std::length_error beyond kMaxObservers.
  void add(StepObserver* observer);
  void add(std::span<StepObserver* const> observers);
  void clear() noexcept { count_ = 0; }
  void segment(const PhaseForces* forces, bool powered) {
    for (std::size_t i = 0; i < count_; ++i) list_[i]->segment(forces, powered);
  }
  void point(double t_s, const State& y) {
    for (std::size_t i = 0; i < count_; ++i) list_[i]->point(t_s, y);
  }
  void operator()(const DenseStep<7>& d, double t_stop) {
    for (std::size_t i = 0; i < count_; ++i) list_[i]->step(d, t_stop);
  }

 private:
  std::array<StepObserver*, kMaxObservers> list_{};
  std::size_t count_ = 0;
};

// Time histories: the trajectory sampled on a fixed grid of `step_s` from the dense output, plus
// every off-grid point; times strictly increase (a second point at the same time, from events
// that coincide or with a grid sample, is dropped).
class HistorySampler final : public StepObserver {
 public:
  HistorySampler(const Environment& env, TrajectoryRecorder& recorder, int id, double step_s)
      : env_(env), recorder_(recorder), id_(id), dt_(step_s) {}
  void segment(const PhaseForces* forces, bool /*powered*/) override { forces_ = forces; }
  void step(const DenseStep<7>& d, double t_stop) override;
  void point(double t_s, const State& y) override;
  // The forces whose thrust the next points carry (null: none).
  void set_forces(const PhaseForces* forces) noexcept { forces_ = forces; }

 private:
  Thrust thrust(double t_s, const State& y) const noexcept;

  const Environment& env_;
  TrajectoryRecorder& recorder_;
  const PhaseForces* forces_ = nullptr;
  int id_;
  double dt_;
  double next_sample_s_ = 0.0;
  double last_recorded_s_ = -1e300;
};

// One point of the instantaneous-impact-point track (orbit/iip.hpp): where the vehicle would
// land if its thrust stopped at t_s. NaN lat/lon/time to impact: no impact (an orbit, an escape,
// or no gravity at all).
struct IipPoint {
  double t_s = 0.0;               // since liftoff
  double lat_deg = 0.0;           // geodetic (or spherical), WGS-84
  double lon_deg = 0.0;           // east positive, (-180, 180]
  double time_to_impact_s = 0.0;  // from t_s
};

// The IIP of a state at t_s over the flight's Earth (ellipsoid or validation sphere, rotation).
IipPoint iip_of(const Environment& env, double t_s, const State& y) noexcept;

// One point of a ground track: where the vehicle is at t_s (its sub-vehicle point on the flight's
// Earth, geodetic on WGS-84 or spherical, and its height above the surface).
struct GroundPoint {
  double t_s = 0.0;
  double lat_deg = 0.0;
  double lon_deg = 0.0;  // east positive, (-180, 180]
  double alt_m = 0.0;
};
GroundPoint ground_point_of(const Environment& env, double t_s, const State& y) noexcept;

// Points of powered flight on the fixed grid t = 0, step_s, 2 step_s, ... from liftoff, made by
// `Of` from the state at each grid time (dense output), appended to `out` (whose capacity the
// caller keeps between flights: no allocation once warmed up); segments with powered = false end
// it for good. Grid times are k * dt (not a running sum), so that every sample's k-th point is at
// the same time to the bit: the run file's tracks and the corridor statistics line up on the grid.
template <class Point, Point (*Of)(const Environment&, double, const State&) noexcept>
class PoweredGridSampler final : public StepObserver {
 public:
  PoweredGridSampler(const Environment& env, double step_s, std::vector<Point>& out)
      : env_(env), dt_(step_s), out_(out) {}
  void segment(const PhaseForces* /*forces*/, bool powered) override {
    if (!powered) done_ = true;
  }
  void step(const DenseStep<7>& d, double t_stop) override {
    if (done_) return;
    for (double t = static_cast<double>(next_k_) * dt_; t <= t_stop + kTimeEps_s;
         t = static_cast<double>(next_k_) * dt_) {
      if (t >= d.t0 - kTimeEps_s) out_.push_back(Of(env_, t, d.at(t)));
      ++next_k_;
    }
  }
  void point(double t_s, const State& y) override {
    if (done_) return;
    const double t_next = static_cast<double>(next_k_) * dt_;
    if (std::abs(t_s - t_next) <= kTimeEps_s) {
      out_.push_back(Of(env_, t_next, y));
      ++next_k_;
    }
  }

 private:
  static constexpr double kTimeEps_s = 1e-9;
  const Environment& env_;
  double dt_;
  std::vector<Point>& out_;
  std::int64_t next_k_ = 0;  // index of the next grid time next_k_ * dt_
  bool done_ = false;
};

// The IIP track of powered flight (each sample's /iip rows).
using IipSampler = PoweredGridSampler<IipPoint, iip_of>;
// The ground track of powered flight on the same grid (the nominal flight's, /iip/nominal).
using GroundTrackSampler = PoweredGridSampler<GroundPoint, ground_point_of>;

// The highest point above the surface reached at the end of any step [m].
class MaxAltitudeTracker final : public StepObserver {
 public:
  explicit MaxAltitudeTracker(const Environment& env) : env_(env) {}
  void step(const DenseStep<7>& d, double t_stop) override;
  double max_alt_m() const noexcept { return max_alt_m_; }

 private:
  const Environment& env_;
  double max_alt_m_ = -1e300;
};

// The maximum dynamic pressure of powered flight (segments with powered = false are not
// searched), located to 1 ms by golden-section search on the dense output inside the step where
// it peaks; above 200 km the dynamic pressure is negligible next to any max-q and is skipped.
class MaxQTracker final : public StepObserver {
 public:
  explicit MaxQTracker(const Environment& env) : env_(env) {}
  void segment(const PhaseForces* /*forces*/, bool powered) override {
    have_q_start_ = false;
    track_ = powered;
  }
  void step(const DenseStep<7>& d, double t_stop) override;
  double max_q_Pa() const noexcept { return max_q_Pa_; }
  double max_q_time_s() const noexcept { return max_q_time_s_; }
  const State& max_q_state() const noexcept { return max_q_state_; }

 private:
  double q_at(double t_s, const State& y) const noexcept;
  void consider(double t_s, const State& y, double q);

  const Environment& env_;
  bool track_ = true;
  bool have_q_start_ = false;
  double q_start_ = 0.0;
  double max_q_Pa_ = 0.0;
  double max_q_time_s_ = 0.0;
  State max_q_state_ = State::Zero();
};

}  // namespace launchmc::flight
