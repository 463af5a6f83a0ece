// Filling outcome columns from flight results.
#include "engine/outcome.hpp"

#include <cmath>
#include <limits>

#include "common/constants.hpp"
#include "common/time_format.hpp"

namespace launchmc::engine {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using constants::rad_to_deg;

}  // namespace

const char* to_string(SampleStatus s) noexcept {
  switch (s) {
    case SampleStatus::orbit: return "orbit";
    case SampleStatus::suborbital: return "suborbital";
    case SampleStatus::crash: return "crash";
    case SampleStatus::integration_failure: return "integration_failure";
    case SampleStatus::time_limit: return "time_limit";
    case SampleStatus::invalid_input: return "invalid_input";
  }
  return "unknown";
}

std::vector<std::pair<std::string, std::int8_t>> status_enum_members() {
  std::vector<std::pair<std::string, std::int8_t>> m;
  for (int s = 0; s < kStatusCount; ++s)
    m.emplace_back(to_string(static_cast<SampleStatus>(s)), static_cast<std::int8_t>(s));
  return m;
}

std::vector<std::pair<std::string, std::int8_t>> fate_enum_members() {
  return {{"impact", 0}, {"orbiting", 1}, {"time_limit", 2}, {"integration_failure", 3},
          {"not_released", kFateNotReleased}};
}

std::vector<std::pair<std::string, std::int8_t>> powered_flight_end_enum_members() {
  std::vector<std::pair<std::string, std::int8_t>> m;
  for (int e = 0; e < flight::kPoweredFlightEndCount; ++e)
    m.emplace_back(flight::to_string(static_cast<flight::PoweredFlightEnd>(e)),
                   static_cast<std::int8_t>(e));
  return m;
}

void Block::resize(std::size_t capacity, std::size_t n_drawn, std::size_t n_bodies) {
  drawn.assign(n_drawn, std::vector<double>(capacity));
  for (auto* v : {&status, &powered_flight_end}) v->assign(capacity, 0);
  failure_mode.assign(capacity, -1);  // no failure (0 would be failure mode 0)
  for (auto* v : {&insertion_time_s, &perigee_alt_m, &apogee_alt_m, &semi_major_axis_m,
                  &eccentricity, &inclination_deg, &raan_deg, &arg_perigee_deg, &max_q_Pa,
                  &apogee_alt_m_vehicle, &range_m, &flight_time_s, &vehicle_impact_lat_deg,
                  &vehicle_impact_lon_deg})
    v->assign(capacity, kNaN);
  rhs_evaluations.assign(capacity, 0);
  bodies.assign(n_bodies, BodyColumns{});
  for (auto& b : bodies) {
    b.fate.assign(capacity, kFateNotReleased);
    for (auto* v : {&b.impact_lat_deg, &b.impact_lon_deg, &b.impact_time_s, &b.impact_speed_mps,
                    &b.impact_flight_path_angle_deg})
      v->assign(capacity, kNaN);
  }
}

void record_invalid(std::size_t n_bodies, Block& b, std::size_t row) {
  b.status[row] = static_cast<std::int8_t>(SampleStatus::invalid_input);
  b.failure_mode[row] = -1;
  b.powered_flight_end[row] = static_cast<std::int8_t>(flight::PoweredFlightEnd::none);
  for (auto* v : {&b.insertion_time_s, &b.perigee_alt_m, &b.apogee_alt_m, &b.semi_major_axis_m,
                  &b.eccentricity, &b.inclination_deg, &b.raan_deg, &b.arg_perigee_deg,
                  &b.max_q_Pa, &b.apogee_alt_m_vehicle, &b.range_m, &b.flight_time_s,
                  &b.vehicle_impact_lat_deg, &b.vehicle_impact_lon_deg})
    (*v)[row] = kNaN;
  b.rhs_evaluations[row] = 0;
  for (std::size_t k = 0; k < n_bodies; ++k) {
    BodyColumns& c = b.bodies[k];
    c.fate[row] = kFateNotReleased;
    for (auto* v : {&c.impact_lat_deg, &c.impact_lon_deg, &c.impact_time_s, &c.impact_speed_mps,
                    &c.impact_flight_path_angle_deg})
      (*v)[row] = kNaN;
  }
}

void record_flight(const Scenario& sc, const std::vector<BodySlot>& slots,
                   const flight::FlightResult& r, Block& b, std::size_t row) {
  record_invalid(slots.size(), b, row);  // start from "nothing"
  b.status[row] = static_cast<std::int8_t>(r.status);  // FlightStatus codes equal SampleStatus's
  b.failure_mode[row] = static_cast<std::int8_t>(r.failure_mode);
  b.powered_flight_end[row] = static_cast<std::int8_t>(r.powered_flight_end);
  if (r.insertion) {
    const auto& el = r.insertion->elements;
    b.insertion_time_s[row] = r.insertion->t_s;
    b.perigee_alt_m[row] = r.insertion->apsides.perigee_alt_m;
    b.apogee_alt_m[row] = r.insertion->apsides.apogee_alt_m;
    b.semi_major_axis_m[row] = el.semi_major_axis_m;
    b.eccentricity[row] = el.eccentricity;
    b.inclination_deg[row] = el.inclination_rad * rad_to_deg;
    b.raan_deg[row] = wrap_deg_360(el.raan_rad * rad_to_deg);
    b.arg_perigee_deg[row] = wrap_deg_360(el.arg_perigee_rad * rad_to_deg);
  }
  b.max_q_Pa[row] = r.max_q_Pa;
  std::int64_t rhs = r.ascent_stats.rhs_evaluations;
  const bool on_ground =
      r.status == flight::FlightStatus::suborbital || r.status == flight::FlightStatus::crash;
  const flight::Environment env = flight::make_environment(sc);
  if (on_ground) {
    b.apogee_alt_m_vehicle[row] = r.apogee_alt_m;
    b.range_m[row] = r.range_m;
    b.flight_time_s[row] = r.flight_time_s;
    for (const auto& e : r.events) {
      if (e.kind == flight::EventKind::impact && e.index < 0) {
        const geo::Geodetic g = flight::surface_coordinates(
            env, env.rotation.position_eci_to_ecef(e.state.head<3>(), e.t_s));
        b.vehicle_impact_lat_deg[row] = g.lat_rad * rad_to_deg;
        b.vehicle_impact_lon_deg[row] = g.lon_rad * rad_to_deg;
      }
    }
  }
  for (const auto& body : r.bodies) {
    rhs += body.stats.rhs_evaluations;
    for (std::size_t k = 0; k < slots.size(); ++k) {
      if (!(body.name == slots[k].name)) continue;
      BodyColumns& c = b.bodies[k];
      c.fate[row] = static_cast<std::int8_t>(body.fate);
      if (body.fate == flight::BodyFate::impact) {
        const flight::PointSummary p = flight::summarize_point(env, body.impact.t_s, body.impact.state);
        c.impact_lat_deg[row] = p.lat_deg;
        c.impact_lon_deg[row] = p.lon_deg;
        c.impact_time_s[row] = body.impact.t_s;
        c.impact_speed_mps[row] = p.speed_mps;
        c.impact_flight_path_angle_deg[row] = p.flight_path_angle_deg;
      }
    }
  }
  b.rhs_evaluations[row] = rhs;
}

std::vector<BodySlot> body_slots(const Scenario& sc, const flight::FlightResult& nominal) {
  std::vector<BodySlot> slots;
  const flight::Environment env = flight::make_environment(sc);
  for (const auto& body : nominal.bodies) {
    BodySlot s{body.name.str(), body.body_class.str(), kNaN, kNaN};
    if (body.fate == flight::BodyFate::impact) {
      const flight::PointSummary p = flight::summarize_point(env, body.impact.t_s, body.impact.state);
      s.nominal_impact_lat_deg = p.lat_deg;
      s.nominal_impact_lon_deg = p.lon_deg;
    }
    slots.push_back(std::move(s));
  }
  return slots;
}

}  // namespace launchmc::engine
