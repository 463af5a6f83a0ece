// JSON, text and HDF5 reports of one flight.
#include "io/flight_report.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <cmath>

#include "common/constants.hpp"
#include "common/time_format.hpp"
#include "common/version.hpp"
#include "io/hdf5_file.hpp"
#include "io/iip_track.hpp"
#include "io/output_file.hpp"
#include "orbit/elements.hpp"
#include "outcome/flight_outcome.hpp"

namespace launchmc::io {

using constants::rad_to_deg;
using nlohmann::json;

void HistoryRecorder::record(int id, double t_s, const flight::State& state,
                             const flight::Thrust& thrust) {
  if (++points_ > max_points_)
    throw std::length_error(fmt::format(
        "the time histories would exceed {} points: raise output.history_step_s", max_points_));
  Track* track = &vehicle_;
  if (id >= 0) {
    if (bodies_.size() <= static_cast<std::size_t>(id))
      bodies_.resize(static_cast<std::size_t>(id) + 1);
    track = &bodies_[static_cast<std::size_t>(id)];
  }
  track->t_s.push_back(t_s);
  track->states.push_back(state);
  track->thrust.push_back(thrust);
}

namespace {

json event_json(const Scenario& sc, const flight::Environment& env, const flight::FlightResult& r,
                const flight::FlightEvent& e) {
  const flight::PointSummary p = flight::summarize_point(env, e.t_s, e.state);
  return {{"name", flight::event_name(sc, r, e)},
          {"time_s", e.t_s},
          {"alt_km", p.alt_m / 1e3},
          {"speed_mps", p.speed_mps},
          {"lat_deg", p.lat_deg},
          {"lon_deg", p.lon_deg},
          {"inertial_speed_mps", p.inertial_speed_mps},
          {"flight_path_angle_deg", p.flight_path_angle_deg},
          {"heading_deg", p.heading_deg},
          {"mass_kg", p.mass_kg}};
}

}  // namespace

namespace {

json num(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

json orbit_json(const outcome::OrbitOutcome& o) {
  return {{"time_s", o.time_s},
          {"perigee_alt_km", o.perigee_alt_m / 1e3},
          {"apogee_alt_km", num(o.apogee_alt_m / 1e3)},
          {"catalog_perigee_alt_km", num(o.catalog_perigee_alt_m / 1e3)},
          {"catalog_apogee_alt_km", num(o.catalog_apogee_alt_m / 1e3)},
          {"inclination_deg", o.inclination_deg},
          {"eccentricity", o.eccentricity},
          {"inertial_speed_mps", o.inertial_speed_mps}};
}

}  // namespace

json flight_to_json(const Scenario& sc, const flight::FlightResult& r) {
  const flight::Environment env = flight::make_environment(sc);
  const outcome::FlightOutcome o = outcome::derive(sc, r);
  json j;
  j["scenario"] = sc.name;
  j["config"] = sc.config_path;
  j["status"] = flight::to_string(o.status);
  j["powered_flight_end"] = flight::to_string(o.powered_flight_end);
  j["breakup_cause"] = flight::to_string(o.breakup_cause);
  j["termination_rule"] =
      o.termination_rule >= 0
          ? json(sc.range_safety.rule_name(static_cast<std::size_t>(o.termination_rule)))
          : json(nullptr);
  if (o.insertion) {
    const outcome::OrbitOutcome& ins = *o.insertion;
    j["insertion"] = orbit_json(ins);
    j["insertion"]["raan_deg"] = ins.raan_deg;
    j["insertion"]["period_s"] = ins.period_s;
    j["insertion"]["semi_major_axis_km"] = ins.semi_major_axis_m / 1e3;
    j["insertion"]["arg_perigee_deg"] = ins.arg_perigee_deg;
    j["insertion"]["true_anomaly_deg"] = ins.true_anomaly_deg;
  } else {
    j["insertion"] = nullptr;
  }
  // Osculating orbit at the last stage's cutoff, whether or not it is an orbit (a negative
  // perigee altitude says by how much it is not): useful to see why a flight missed.
  j["final_cutoff"] = o.final_cutoff ? orbit_json(*o.final_cutoff) : json(nullptr);
  j["events"] = json::array();
  for (const auto& e : r.events) j["events"].push_back(event_json(sc, env, r, e));

  j["bodies"] = json::array();
  // The bodies of a breakup (a failed flight's fragments and intact pieces) in their own list.
  j["fragments"] = json::array();
  for (const outcome::BodyOutcome& b : o.bodies) {
    json jb = {{"name", b.name.str()},
               {"class", b.body_class.str()},
               {"mass_kg", b.release_mass_kg},
               {"release_time_s", b.release_time_s},
               {"fate", flight::to_string(b.fate)},
               {"rhs_evaluations", b.rhs_evaluations}};
    if (b.impact) {
      jb["impact"] = {{"time_s", b.impact->time_s},
                      {"lat_deg", b.impact->lat_deg},
                      {"lon_deg", b.impact->lon_deg},
                      {"speed_mps", b.impact->speed_mps},
                      {"flight_path_angle_deg", b.impact->flight_path_angle_deg},
                      {"range_from_site_km", b.impact->range_from_site_m / 1e3}};
    } else {
      jb["impact"] = nullptr;
    }
    if (b.fragment) {
      jb["weight"] = b.weight;
      jb["casualty_area_m2"] = b.casualty_area_m2;
      j["fragments"].push_back(jb);
    } else {
      j["bodies"].push_back(jb);
    }
  }
  // The IIP track of powered flight (docs/json.md): columns on the grid of iip.step_s.
  {
    json t = json::array(), lat = json::array(), lon = json::array(), tti = json::array();
    for (const flight::IipPoint& p : r.iip) {
      t.push_back(p.t_s);
      lat.push_back(num(p.lat_deg));
      lon.push_back(num(p.lon_deg));
      tti.push_back(num(p.time_to_impact_s));
    }
    j["iip"] = {{"step_s", sc.iip.step_s},
                {"time_s", t},
                {"lat_deg", lat},
                {"lon_deg", lon},
                {"time_to_impact_s", tti}};
  }
  j["apogee_alt_km"] = o.on_ground ? json(o.vehicle_apogee_alt_m / 1e3) : json(nullptr);
  j["range_km"] = o.on_ground ? json(o.range_m / 1e3) : json(nullptr);
  j["flight_time_s"] = o.on_ground ? json(o.flight_time_s) : json(nullptr);
  j["max_q"] = {{"time_s", o.max_q_time_s}, {"dynamic_pressure_kPa", o.max_q_Pa / 1e3}};
  j["rhs_evaluations"] = {
      {"ascent", o.rhs_ascent}, {"bodies", o.rhs_bodies}, {"total", o.rhs_ascent + o.rhs_bodies}};
  return j;
}

void print_flight_report(std::ostream& out, const Scenario& sc, const flight::FlightResult& r) {
  const flight::Environment env = flight::make_environment(sc);
  const outcome::FlightOutcome o = outcome::derive(sc, r);
  fmt::print(out, "{}\nstatus: {}\npowered flight end: {}\n", sc.name, flight::to_string(o.status),
             flight::to_string(o.powered_flight_end));
  if (o.breakup_cause != flight::BreakupCause::none)
    fmt::print(out, "breakup: {}{}\n", flight::to_string(o.breakup_cause),
               o.termination_rule >= 0
                   ? " (rule " +
                         sc.range_safety.rule_name(static_cast<std::size_t>(o.termination_rule)) +
                         ")"
                   : std::string());
  fmt::print(out, "\n");
  fmt::print(out, "{:<28} {:>9} {:>9} {:>10} {:>9} {:>10}\n", "event", "time_s", "alt_km",
             "speed_mps", "lat_deg", "lon_deg");
  for (const auto& e : r.events) {
    const flight::PointSummary p = flight::summarize_point(env, e.t_s, e.state);
    fmt::print(out, "{:<28} {:>9.3f} {:>9.3f} {:>10.1f} {:>9.4f} {:>10.4f}\n",
               flight::event_name(sc, r, e), e.t_s, p.alt_m / 1e3, p.speed_mps, p.lat_deg,
               p.lon_deg);
  }
  if (o.max_q_Pa > 0.0)
    fmt::print(out, "\nmax dynamic pressure: {:.1f} kPa at {:.2f} s\n", o.max_q_Pa / 1e3,
               o.max_q_time_s);
  if (o.insertion) {
    const outcome::OrbitOutcome& ins = *o.insertion;
    fmt::print(
        out,
        "\ninsertion at {:.2f} s: perigee {:.1f} km, apogee {:.1f} km, inclination {:.3f} deg, "
        "RAAN {:.3f} deg, period {:.1f} min "
        "(catalogue: {:.1f} x {:.1f} km above the equatorial radius)\n",
        ins.time_s, ins.perigee_alt_m / 1e3, ins.apogee_alt_m / 1e3, ins.inclination_deg,
        ins.raan_deg, ins.period_s / 60.0, ins.catalog_perigee_alt_m / 1e3,
        ins.catalog_apogee_alt_m / 1e3);
  } else if (o.on_ground) {
    fmt::print(out, "\nno orbit: apogee {:.1f} km, range {:.1f} km, flight time {:.1f} s\n",
               o.vehicle_apogee_alt_m / 1e3, o.range_m / 1e3, o.flight_time_s);
  }
  fmt::print(out, "\n{:<14} {:>10} {:>12} {:>10} {:>10} {:>10}\n", "body", "mass_kg", "fate",
             "impact_s", "lat_deg", "lon_deg");
  for (const outcome::BodyOutcome& b : o.bodies) {
    if (b.impact) {
      fmt::print(out, "{:<14} {:>10.1f} {:>12} {:>10.2f} {:>10.4f} {:>10.4f}\n", b.name.view(),
                 b.release_mass_kg, flight::to_string(b.fate), b.impact->time_s, b.impact->lat_deg,
                 b.impact->lon_deg);
    } else {
      fmt::print(out, "{:<14} {:>10.1f} {:>12}\n", b.name.view(), b.release_mass_kg,
                 flight::to_string(b.fate));
    }
  }
  fmt::print(out, "\nright-hand-side evaluations: ascent {}, bodies {}\n", o.rhs_ascent,
             o.rhs_bodies);
}

}  // namespace launchmc::io

namespace launchmc::io {

namespace {

void write_track(h5::Group& group, const flight::Environment& env,
                 const HistoryRecorder::Track& track, bool with_thrust) {
  const std::size_t n = track.t_s.size();
  struct Column {
    const char* name;
    const char* units;
    std::vector<double> values;
  };
  std::vector<Column> cols = {
      {"lat_deg", "deg", {}},
      {"lon_deg", "deg", {}},
      {"alt_m", "m", {}},
      {"speed_mps", "m/s", {}},
      {"inertial_speed_mps", "m/s", {}},
      {"flight_path_angle_deg", "deg", {}},
      {"heading_deg", "deg", {}},
      {"mach", "1", {}},
      {"dynamic_pressure_Pa", "Pa", {}},
      {"mass_kg", "kg", {}},
      {"r_eci_x_m", "m", {}},
      {"r_eci_y_m", "m", {}},
      {"r_eci_z_m", "m", {}},
      {"v_eci_x_mps", "m/s", {}},
      {"v_eci_y_mps", "m/s", {}},
      {"v_eci_z_mps", "m/s", {}},
      {"iip_lat_deg", "deg", {}},
      {"iip_lon_deg", "deg", {}},
      {"iip_time_to_impact_s", "s", {}},
  };
  for (auto& c : cols) c.values.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const flight::State& y = track.states[i];
    const flight::PointSummary p = flight::summarize_point(env, track.t_s[i], y);
    // The vacuum IIP of this point (NaN: no impact); meaningful in powered flight, and after it
    // the vacuum prediction of where the arc comes down.
    const flight::IipPoint iip = flight::iip_of(env, track.t_s[i], y);
    const double row[] = {p.lat_deg,
                          p.lon_deg,
                          p.alt_m,
                          p.speed_mps,
                          p.inertial_speed_mps,
                          p.flight_path_angle_deg,
                          p.heading_deg,
                          p.mach,
                          p.dynamic_pressure_Pa,
                          p.mass_kg,
                          y[0],
                          y[1],
                          y[2],
                          y[3],
                          y[4],
                          y[5],
                          iip.lat_deg,
                          iip.lon_deg,
                          iip.time_to_impact_s};
    for (std::size_t c = 0; c < cols.size(); ++c) cols[c].values.push_back(row[c]);
  }
  group.write("time_s", std::span<const double>(track.t_s)).set_attribute("units", "s");
  for (const auto& c : cols)
    group.write(c.name, std::span<const double>(c.values)).set_attribute("units", c.units);
  if (!with_thrust) return;
  // The thrust: magnitude, and its direction as pitch above the local geodetic horizontal and
  // heading clockwise from north (NaN while there is none, heading also NaN within 0.1 deg of
  // the vertical); for open-loop and closed-loop steering alike, so the two can be compared.
  std::vector<double> thrust_N(n), pitch_deg(n), heading_deg(n);
  for (std::size_t i = 0; i < n; ++i) {
    const flight::Thrust& th = track.thrust[i];
    thrust_N[i] = th.thrust_N;
    pitch_deg[i] = heading_deg[i] = std::nan("");
    if (th.thrust_N > 0.0) {
      const flight::State& y = track.states[i];
      const flight::AirData air = flight::air_data(env, track.t_s[i], y.head<3>(), y.segment<3>(3));
      const double up = th.direction_eci.dot(air.up_eci);
      pitch_deg[i] = std::asin(std::clamp(up, -1.0, 1.0)) * rad_to_deg;
      // Heading is undefined for a vertical thrust (the vertical rise): left NaN there.
      if (std::abs(up) < std::cos(0.1 * constants::deg_to_rad))
        heading_deg[i] = wrap_deg_360(
            std::atan2(th.direction_eci.dot(air.east_eci), th.direction_eci.dot(air.north_eci)) *
            rad_to_deg);
    }
  }
  group.write("thrust_N", std::span<const double>(thrust_N)).set_attribute("units", "N");
  group.write("thrust_pitch_deg", std::span<const double>(pitch_deg)).set_attribute("units", "deg");
  group.write("thrust_heading_deg", std::span<const double>(heading_deg))
      .set_attribute("units", "deg");
}

}  // namespace

void write_flight_hdf5(const std::filesystem::path& path, const Scenario& sc,
                       const flight::FlightResult& r, const HistoryRecorder& histories) {
  const flight::Environment env = flight::make_environment(sc);
  AtomicOutput output(path);
  h5::File file = h5::File::create(output.temporary());
  h5::Group root = file.root();
  root.set_attribute("format", "launchmc-flight");
  root.set_attribute("format_version", "1.0");
  root.set_attribute("launchmc_version", launchmc::version);
  root.set_attribute("git_revision", launchmc::git_revision);
  root.set_attribute("created_utc", utc_now_iso8601());
  root.set_attribute("scenario", sc.name);
  root.set_attribute("config_path", sc.config_path);
  root.set_attribute("config_text", sc.config_text);
  root.set_attribute("status", flight::to_string(r.status));
  root.set_attribute("powered_flight_end", flight::to_string(r.powered_flight_end));
  root.set_attribute("breakup_cause", flight::to_string(r.breakup_cause));
  root.set_attribute("frame",
                     "ECI: true equator and equinox of date, precession and nutation ignored; "
                     "geodetic coordinates on WGS-84; speeds relative to the rotating Earth unless "
                     "named inertial");

  h5::Group vehicle_group = root.create_group("vehicle");
  write_track(vehicle_group, env, histories.vehicle(), true);

  h5::Group bodies = root.create_group("bodies");
  for (std::size_t i = 0; i < r.bodies.size(); ++i) {
    const auto& b = r.bodies[i];
    h5::Group g = bodies.create_group(b.name.view());
    g.set_attribute("fate", flight::to_string(b.fate));
    g.set_attribute("release_time_s", b.release_time_s);
    g.set_attribute("mass_kg", b.release_state[6]);
    if (i < histories.bodies().size()) write_track(g, env, histories.bodies()[i], false);
  }

  // The IIP track of powered flight on its own grid (iip.step_s), as `fly --json` gives it.
  {
    h5::Group iip = root.create_group("iip");
    iip.set_attribute("step_s", sc.iip.step_s);
    write_iip_track(iip, r.iip);
  }

  h5::Group events = root.create_group("events");
  std::vector<std::string> names;
  std::vector<double> t, alt, speed, lat, lon;
  for (const auto& e : r.events) {
    const flight::PointSummary p = flight::summarize_point(env, e.t_s, e.state);
    names.push_back(flight::event_name(sc, r, e));
    t.push_back(e.t_s);
    alt.push_back(p.alt_m);
    speed.push_back(p.speed_mps);
    lat.push_back(p.lat_deg);
    lon.push_back(p.lon_deg);
  }
  events.write<std::string>("name", names);
  events.write("time_s", std::span<const double>(t)).set_attribute("units", "s");
  events.write("alt_m", std::span<const double>(alt)).set_attribute("units", "m");
  events.write("speed_mps", std::span<const double>(speed)).set_attribute("units", "m/s");
  events.write("lat_deg", std::span<const double>(lat)).set_attribute("units", "deg");
  events.write("lon_deg", std::span<const double>(lon)).set_attribute("units", "deg");

  if (r.insertion) {
    h5::Group ins = root.create_group("insertion");
    const auto& el = r.insertion->elements;
    ins.set_attribute("time_s", r.insertion->t_s);
    ins.set_attribute("perigee_alt_m", r.insertion->apsides.perigee_alt_m);
    ins.set_attribute("apogee_alt_m", r.insertion->apsides.apogee_alt_m);
    ins.set_attribute("semi_major_axis_m", el.semi_major_axis_m);
    ins.set_attribute("eccentricity", el.eccentricity);
    ins.set_attribute("inclination_deg", el.inclination_rad * rad_to_deg);
    ins.set_attribute("raan_deg", wrap_deg_360(el.raan_rad * rad_to_deg));
    ins.set_attribute("arg_perigee_deg", wrap_deg_360(el.arg_perigee_rad * rad_to_deg));
    ins.set_attribute("true_anomaly_deg", wrap_deg_360(el.true_anomaly_rad * rad_to_deg));
    ins.set_attribute("period_s", el.period_s);
  }
  file.close();
  output.commit();
}

}  // namespace launchmc::io
