// Step observers of the flight (see observers.hpp).
#include "flight/observers.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "common/constants.hpp"
#include "orbit/iip.hpp"

namespace launchmc::flight {

namespace {
constexpr double kTimeEps_s = 1e-9;
}

void ObserverList::add(StepObserver* observer) {
  if (observer == nullptr) return;
  if (count_ == kMaxObservers) throw std::length_error("a flight takes at most 8 step observers");
  list_[count_++] = observer;
}

void ObserverList::add(std::span<StepObserver* const> observers) {
  for (StepObserver* o : observers) add(o);
}

Thrust HistorySampler::thrust(double t_s, const State& y) const noexcept {
  return forces_ != nullptr ? thrust_at(env_, *forces_, t_s, y) : Thrust{};
}

void HistorySampler::point(double t_s, const State& y) {
  if (t_s > last_recorded_s_ + kTimeEps_s) {
    recorder_.record(id_, t_s, y, thrust(t_s, y));
    last_recorded_s_ = t_s;
    next_sample_s_ = (std::floor(t_s / dt_ + kTimeEps_s) + 1.0) * dt_;
  }
}

void HistorySampler::step(const DenseStep<7>& d, double t_stop) {
  while (next_sample_s_ <= t_stop + kTimeEps_s) {
    if (next_sample_s_ > last_recorded_s_ + kTimeEps_s) {
      const State y = d.at(next_sample_s_);
      recorder_.record(id_, next_sample_s_, y, thrust(next_sample_s_, y));
      last_recorded_s_ = next_sample_s_;
    }
    next_sample_s_ += dt_;
  }
}

IipPoint iip_of(const Environment& env, double t_s, const State& y) noexcept {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  IipPoint p{t_s, kNaN, kNaN, kNaN};
  if (!env.gravity) return p;  // nothing brings it down
  const orbit::Iip iip = orbit::instantaneous_impact_point(
      y.head<3>(), y.segment<3>(3), t_s, env.rotation,
      orbit::IipSurface{env.spherical ? env.sphere_radius_m : 0.0});
  if (!iip.impacts) return p;
  p.lat_deg = iip.lat_rad * constants::rad_to_deg;
  p.lon_deg = iip.lon_rad * constants::rad_to_deg;
  p.time_to_impact_s = iip.time_to_impact_s;
  return p;
}

GroundPoint ground_point_of(const Environment& env, double t_s, const State& y) noexcept {
  const geo::Geodetic g =
      surface_coordinates(env, env.rotation.position_eci_to_ecef(y.head<3>(), t_s));
  return {t_s, g.lat_rad * constants::rad_to_deg, g.lon_rad * constants::rad_to_deg, g.alt_m};
}

void MaxAltitudeTracker::step(const DenseStep<7>& d, double t_stop) {
  max_alt_m_ = std::max(max_alt_m_, altitude_m(env_, d.at(t_stop).head<3>()));
}

double MaxQTracker::q_at(double t_s, const State& y) const noexcept {
  return air_data(env_, t_s, y.head<3>(), y.segment<3>(3)).dynamic_pressure_Pa;
}

void MaxQTracker::consider(double t_s, const State& y, double q) {
  if (q > max_q_Pa_) {
    max_q_Pa_ = q;
    max_q_time_s_ = t_s;
    max_q_state_ = y;
  }
}

void MaxQTracker::step(const DenseStep<7>& d, double t_stop) {
  if (!track_) return;
  const State y_stop = d.at(t_stop);
  if (altitude_m(env_, y_stop.head<3>()) > 200e3) {
    have_q_start_ = false;
    return;
  }
  const double t0 = d.t0;
  const double q0 = have_q_start_ ? q_start_ : q_at(t0, d.at(t0));
  const double q1 = q_at(t_stop, y_stop);
  const double tm = 0.5 * (t0 + t_stop);
  const State ym = d.at(tm);
  const double qm = q_at(tm, ym);
  if (qm > q0 && qm > q1) {
    // The peak is inside this step: golden-section search on the dense output, to 1 ms.
    constexpr double invphi = 0.6180339887498949;
    double a = t0, b = t_stop;
    double c = b - invphi * (b - a), e = a + invphi * (b - a);
    double qc = q_at(c, d.at(c)), qe = q_at(e, d.at(e));
    while (b - a > 1e-3) {
      if (qc > qe) {
        b = e;
        e = c;
        qe = qc;
        c = b - invphi * (b - a);
        qc = q_at(c, d.at(c));
      } else {
        a = c;
        c = e;
        qc = qe;
        e = a + invphi * (b - a);
        qe = q_at(e, d.at(e));
      }
    }
    const double tq = 0.5 * (a + b);
    const State yq = d.at(tq);
    consider(tq, yq, q_at(tq, yq));
  } else {
    consider(t_stop, y_stop, q1);
    consider(tm, ym, qm);
  }
  q_start_ = q1;
  have_q_start_ = true;
}

}  // namespace launchmc::flight
