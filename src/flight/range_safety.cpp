// The flight-termination rules' margins and the nominal track (see range_safety.hpp).
#include "flight/range_safety.hpp"

#include <algorithm>
#include <cmath>

#include "common/constants.hpp"
#include "geo/polygon.hpp"

namespace launchmc::flight {

namespace {

bool in_window(double t_s, double from_s, const std::optional<double>& until_s) noexcept {
  return t_s >= from_s && (!until_s || t_s < *until_s);
}

// Earth-relative flight-path angle [rad]: atan2 of the vertical and horizontal speeds (0 at rest).
double flight_path_angle_rad(const AirData& air) noexcept {
  const double vertical = air.v_earth_eci_mps.dot(air.up_eci);
  const double horizontal = (air.v_earth_eci_mps - vertical * air.up_eci).norm();
  return std::atan2(vertical, horizontal);
}

// Records the vehicle's state every step_s while the flight is powered.
class NominalTrackRecorder final : public StepObserver {
 public:
  explicit NominalTrackRecorder(NominalTrack& track) : track_(track) {}
  void segment(const PhaseForces* /*forces*/, bool powered) override {
    if (!powered) done_ = true;
  }
  void point(double t_s, const State& y) override {
    if (!done_ && track_.states.empty() && t_s <= 0.0) track_.states.push_back(y);
  }
  void step(const DenseStep<7>& d, double t_stop) override {
    if (done_) return;
    for (;;) {
      const double t = static_cast<double>(track_.states.size()) * track_.step_s;
      if (t > t_stop || t < d.t0) return;
      track_.states.push_back(d.at(t));
    }
  }

 private:
  NominalTrack& track_;
  bool done_ = false;
};

}  // namespace

bool NominalTrack::at(double t_s, State& out) const noexcept {
  if (states.empty() || !(t_s >= 0.0)) return false;
  const double x = t_s / step_s;
  const std::size_t k = static_cast<std::size_t>(x);
  if (k + 1 >= states.size()) {
    if (k + 1 == states.size() && x == static_cast<double>(k)) {
      out = states[k];
      return true;
    }
    return false;
  }
  const double w = x - static_cast<double>(k);
  out = (1.0 - w) * states[k] + w * states[k + 1];
  return true;
}

NominalTrack record_nominal_track(const Scenario& model) {
  NominalTrack track;
  if (model.range_safety.deviation_limits.empty()) return track;
  NominalTrackRecorder recorder(track);
  StepObserver* observers[] = {&recorder};
  FlightResult result;
  FlightWorkspace workspace;
  fly(model, SampleDraws{}, result, workspace, nullptr, observers, nullptr);
  return track;
}

double corridor_margin(const Environment& env, const IipCorridorRule& rule, double site_lon_deg,
                       double t_s, const State& y) noexcept {
  const IipPoint iip = iip_of(env, t_s, y);
  if (!std::isfinite(iip.lat_deg) || !std::isfinite(iip.lon_deg)) return kRuleSatisfied;
  return std::min(kRuleSatisfied,
                  geo::polygon_margin_deg(rule.points, iip.lat_deg, iip.lon_deg, site_lon_deg));
}

double deviation_margin(const Environment& env, const DeviationRule& rule,
                        const NominalTrack& nominal, double t_s, const State& y) noexcept {
  State ref;
  if (!nominal.at(t_s, ref)) return kRuleSatisfied;
  const Eigen::Vector3d r = y.head<3>(), v = y.segment<3>(3);
  const Eigen::Vector3d r_nom = ref.head<3>(), v_nom = ref.segment<3>(3);
  double margin = kRuleSatisfied;
  auto limit = [&](const std::optional<double>& max, double deviation) {
    if (max) margin = std::min(margin, 1.0 - std::abs(deviation) / *max);
  };
  if (rule.cross_range_m) {
    const Eigen::Vector3d h = r_nom.cross(v_nom);
    const double hn = h.norm();
    limit(rule.cross_range_m, hn > 0.0 ? (r - r_nom).dot(h) / hn : 0.0);
  }
  if (rule.altitude_m || rule.flight_path_angle_deg || rule.speed_mps) {
    const AirData air = air_data(env, t_s, r, v);
    const AirData air_nom = air_data(env, t_s, r_nom, v_nom);
    limit(rule.altitude_m, air.alt_m - air_nom.alt_m);
    limit(rule.flight_path_angle_deg,
          (flight_path_angle_rad(air) - flight_path_angle_rad(air_nom)) * constants::rad_to_deg);
    limit(rule.speed_mps, air.earth_speed_mps - air_nom.earth_speed_mps);
  }
  return margin;
}

double range_safety_margin(const Environment& env, const Scenario& model,
                           const NominalTrack* nominal, double t_s, const State& y,
                           std::size_t* which) noexcept {
  const RangeSafety& rs = model.range_safety;
  double least = kRuleSatisfied;
  for (std::size_t i = 0; i < rs.iip_corridors.size(); ++i) {
    const IipCorridorRule& r = rs.iip_corridors[i];
    if (!in_window(t_s, r.active_from_s, r.until_s)) continue;
    const double m = corridor_margin(env, r, model.site.lon_deg, t_s, y);
    if (m < least) {
      least = m;
      if (which != nullptr) *which = i;
    }
  }
  if (nominal == nullptr) return least;
  for (std::size_t j = 0; j < rs.deviation_limits.size(); ++j) {
    const DeviationRule& r = rs.deviation_limits[j];
    if (!in_window(t_s, r.active_from_s, r.until_s)) continue;
    const double m = deviation_margin(env, r, *nominal, t_s, y);
    if (m < least) {
      least = m;
      if (which != nullptr) *which = rs.iip_corridors.size() + j;
    }
  }
  return least;
}

}  // namespace launchmc::flight
