// Path -> field binding for the numeric parameters of a Scenario.
#include "scenario/parameters.hpp"

#include "common/parameter_path.hpp"

#include <cmath>
#include <functional>

namespace launchmc {

namespace {

// An index segment "[k]"; an index too large for size_t saturates, so that the bounds checks
// below report it ("there are only 3 stages") rather than "not a parameter".
bool index_of(const std::string& seg, std::size_t& index) { return parameter_index(seg, index); }

ParameterRef ref(double* v, double min_value, bool open) { return {v, min_value, open, {}}; }
ParameterRef positive(double* v) { return ref(v, 0.0, true); }
ParameterRef non_negative(double* v) { return ref(v, 0.0, false); }
ParameterRef any(double* v) { return ref(v, -1e308, false); }
ParameterRef none(std::string why) { return {nullptr, 0.0, false, std::move(why)}; }

ParameterRef drag_field(vehicle::DragModel& d, const std::string& key) {
  if (d.none()) return none("this configuration has no drag model");
  if (key == "ref_area_m2") return positive(&d.ref_area_m2);
  if (key == "cd_scale") return positive(&d.cd_scale);
  return none("drag parameters are ref_area_m2 and cd_scale");
}

ParameterRef optional_field(std::optional<double>& o, bool positive_only) {
  if (!o) return none("not set in the config");
  return positive_only ? positive(&*o) : non_negative(&*o);
}

}  // namespace

ParameterRef resolve_parameter(Scenario& sc, std::string_view path) {
  const auto s = split_parameter_path(path);
  auto is = [&](std::initializer_list<const char*> want) {
    if (s.size() != want.size()) return false;
    std::size_t i = 0;
    for (const char* w : want) {
      if (std::string_view(w) != "#" && s[i] != w) return false;
      ++i;
    }
    return true;
  };
  if (s.empty()) return none("empty or malformed path");

  if (s[0] == "launch" && s.size() == 2) {
    if (s[1] == "lat_deg") return any(&sc.site.lat_deg);
    if (s[1] == "lon_deg") return any(&sc.site.lon_deg);
    if (s[1] == "alt_m") return any(&sc.site.alt_m);
    if (s[1] == "azimuth_deg") return any(&sc.guidance.azimuth_deg);
  }
  if (s[0] == "atmosphere" && s.size() == 2) {
    if (s[1] == "density_scale") return non_negative(&sc.density_scale);
    if (s[1] == "wind_scale") return any(&sc.wind.scale_ref());
  }
  if (s[0] == "vehicle" && s.size() >= 3) {
    vehicle::Vehicle& v = sc.vehicle;
    if (s[1] == "payload") {
      if (is({"vehicle", "payload", "mass_kg"})) return positive(&v.payload.mass_kg);
      if (is({"vehicle", "payload", "separation_delay_s"}))
        return optional_field(v.payload.separation_delay_s, false);
      if (s.size() == 4 && s[2] == "drag") return drag_field(v.payload.drag, s[3]);
    }
    if (s[1] == "fairing") {
      if (!v.fairing) return none("the vehicle has no fairing");
      vehicle::Fairing& f = *v.fairing;
      if (is({"vehicle", "fairing", "mass_kg"})) return positive(&f.mass_kg);
      if (is({"vehicle", "fairing", "jettison_alt_m"})) return optional_field(f.jettison_alt_m, true);
      if (is({"vehicle", "fairing", "jettison_time_s"})) return optional_field(f.jettison_time_s, true);
      if (is({"vehicle", "fairing", "separation_speed_mps"})) return non_negative(&f.separation_speed_mps);
      if (s.size() == 4 && s[2] == "drag") return drag_field(f.drag, s[3]);
    }
    std::size_t k = 0;
    if (s[1] == "stages" && index_of(s[2], k)) {
      if (k >= v.stages.size()) return none("there are only " + std::to_string(v.stages.size()) + " stages");
      vehicle::Stage& st = v.stages[k];
      if (s.size() == 4) {
        const std::string& f = s[3];
        if (f == "dry_mass_kg") return positive(&st.dry_mass_kg);
        if (f == "propellant_mass_kg") return positive(&st.propellant_mass_kg);
        if (f == "thrust_vac_N") {
          if (st.engine.solid()) return none("a solid motor's thrust is a table: use thrust_scale");
          return positive(&st.engine.thrust_vac_N);
        }
        if (f == "thrust_scale") return positive(&st.engine.thrust_scale);
        if (f == "isp_vac_s") return positive(&st.engine.isp_vac_s);
        if (f == "nozzle_exit_area_m2") return non_negative(&st.engine.nozzle_exit_area_m2);
        if (f == "ignition_delay_s") return non_negative(&st.ignition_delay_s);
        if (f == "cutoff_time_s") return optional_field(st.cutoff_time_s, true);
        if (f == "separation_delay_s") return non_negative(&st.separation_delay_s);
      }
      if (s.size() == 5 && s[3] == "energy_cutoff") {
        if (!st.energy_cutoff) return none("the stage has no energy_cutoff");
        if (s[4] == "nav_velocity_bias_mps") return any(&st.energy_cutoff->nav_velocity_bias_mps);
        if (s[4] == "nav_position_bias_m") return any(&st.energy_cutoff->nav_position_bias_m);
        return none("energy_cutoff parameters that can vary: nav_velocity_bias_mps, nav_position_bias_m");
      }
      if (s.size() >= 5 && s[3] == "guidance") {
        if (!st.closed_loop) return none("the stage has no closed-loop guidance");
        guidance::ClosedLoop& c = *st.closed_loop;
        if (s.size() == 5) {
          if (s[4] == "update_interval_s") return positive(&c.update_interval_s);
          if (s[4] == "engage_after_ignition_s") return non_negative(&c.engage_after_ignition_s);
          if (s[4] == "terminal_time_s") return non_negative(&c.terminal_time_s);
        }
        if (s.size() == 6 && s[4] == "target") {
          const std::string& f = s[5];
          if (c.mode == guidance::ClosedLoopMode::orbit) {
            if (f == "perigee_alt_km") return positive(&c.orbit.perigee_alt_km);
            if (f == "apogee_alt_km") return positive(&c.orbit.apogee_alt_km);
            if (f == "inclination_deg") return any(&c.orbit.inclination_deg);
            if (f == "raan_deg") {
              if (std::isnan(c.orbit.raan_deg)) return none("the target has no raan_deg (the node is free)");
              return any(&c.orbit.raan_deg);
            }
            if (f == "insertion_alt_km") {
              if (std::isnan(c.orbit.insertion_alt_km)) return none("the target has no insertion_alt_km");
              return positive(&c.orbit.insertion_alt_km);
            }
          } else {
            if (f == "apogee_alt_km") return positive(&c.ballistic.apogee_alt_km);
            if (!std::isnan(c.ballistic.range_km)) {
              if (f == "range_km") return positive(&c.ballistic.range_km);
              if (f == "azimuth_deg") {
                if (std::isnan(c.ballistic.azimuth_deg)) return none("the target has no azimuth_deg (it uses the launch azimuth)");
                return any(&c.ballistic.azimuth_deg);
              }
            } else {
              if (f == "impact_lat_deg") return any(&c.ballistic.impact_lat_deg);
              if (f == "impact_lon_deg") return any(&c.ballistic.impact_lon_deg);
            }
          }
          return none("not a target parameter of this guidance");
        }
        if (s[4] == "navigation") {
          guidance::Navigation& n = c.navigation;
          if (s.size() == 6 && s[5] == "position_noise_m") return non_negative(&n.position_noise_m);
          if (s.size() == 6 && s[5] == "velocity_noise_mps") return non_negative(&n.velocity_noise_mps);
          if (s.size() == 6 && s[5] == "noise_correlation_time_s") return positive(&n.noise_correlation_time_s);
          std::size_t i = 0;
          if (s.size() == 7 && index_of(s[6], i) && i < 3) {
            if (s[5] == "position_bias_m") return any(&n.position_bias_m[static_cast<Eigen::Index>(i)]);
            if (s[5] == "velocity_bias_mps") return any(&n.velocity_bias_mps[static_cast<Eigen::Index>(i)]);
          }
          return none("navigation parameters that can vary: position_bias_m[i], velocity_bias_mps[i] (i = 0 radial, 1 along-track, 2 cross-track), position_noise_m, velocity_noise_mps");
        }
        return none("not a guidance parameter that can vary");
      }
      if (s.size() == 5 && s[3] == "stack_drag") return drag_field(st.stack_drag, s[4]);
      if (s.size() == 5 && s[3] == "spent_drag") return drag_field(st.spent_drag, s[4]);
    }
  }
  if (s[0] == "guidance" && s.size() >= 2) {
    guidance::OpenLoopProgram& g = sc.guidance;
    if (s.size() == 2) {
      if (s[1] == "vertical_rise_s") return non_negative(&g.vertical_rise_s);
      if (s[1] == "pitch_kick_deg") return any(&g.pitch_kick_deg);
      if (s[1] == "pitch_kick_duration_s") return positive(&g.pitch_kick_duration_s);
      if (s[1] == "gravity_turn_end_s") return positive(&g.gravity_turn_end_s);
    }
    std::size_t i = 0, j = 0;
    if (s.size() == 4 && s[1] == "pitch_program" && index_of(s[2], i) && index_of(s[3], j)) {
      if (i >= g.pitch_program_deg.size()) return none("the pitch program has fewer rows");
      if (j != 1) return none("only the pitch column [1] of the pitch program can vary (times are breakpoints)");
      return any(&g.pitch_program_deg.mutable_y()[i]);
    }
    if (s.size() == 4 && s[1] == "yaw_steps" && index_of(s[2], i)) {
      if (i >= g.yaw_steps.size()) return none("there are fewer yaw steps");
      if (s[3] == "azimuth_deg") return any(&g.yaw_steps[i].azimuth_deg);
      if (s[3] == "start_s") return non_negative(&g.yaw_steps[i].start_s);
      if (s[3] == "duration_s") return non_negative(&g.yaw_steps[i].duration_s);
    }
  }
  return none("not a numeric parameter that can vary");
}

std::vector<std::string> parameter_paths(const Scenario& scenario) {
  Scenario sc = scenario;  // resolve_parameter needs a mutable object; a copy keeps this const
  std::vector<std::string> candidates = {
      "launch.lat_deg", "launch.lon_deg", "launch.alt_m", "launch.azimuth_deg",
      "atmosphere.density_scale", "atmosphere.wind_scale", "vehicle.payload.mass_kg",
      "vehicle.payload.separation_delay_s", "vehicle.payload.drag.ref_area_m2",
      "vehicle.payload.drag.cd_scale", "vehicle.fairing.mass_kg", "vehicle.fairing.jettison_alt_m",
      "vehicle.fairing.jettison_time_s", "vehicle.fairing.separation_speed_mps",
      "vehicle.fairing.drag.ref_area_m2", "vehicle.fairing.drag.cd_scale",
      "guidance.vertical_rise_s", "guidance.pitch_kick_deg", "guidance.pitch_kick_duration_s",
      "guidance.gravity_turn_end_s"};
  for (std::size_t k = 0; k < sc.vehicle.stages.size(); ++k) {
    const std::string p = "vehicle.stages[" + std::to_string(k) + "].";
    for (const char* f : {"dry_mass_kg", "propellant_mass_kg", "thrust_vac_N", "thrust_scale",
                          "isp_vac_s", "nozzle_exit_area_m2", "ignition_delay_s", "cutoff_time_s",
                          "separation_delay_s", "stack_drag.ref_area_m2", "stack_drag.cd_scale",
                          "spent_drag.ref_area_m2", "spent_drag.cd_scale"})
      candidates.push_back(p + f);
    for (const char* f : {"update_interval_s", "engage_after_ignition_s", "terminal_time_s",
                          "target.perigee_alt_km", "target.apogee_alt_km", "target.inclination_deg",
                          "target.raan_deg", "target.insertion_alt_km", "target.range_km",
                          "target.azimuth_deg", "target.impact_lat_deg", "target.impact_lon_deg",
                          "navigation.position_noise_m", "navigation.velocity_noise_mps",
                          "navigation.noise_correlation_time_s"})
      candidates.push_back(p + "guidance." + f);
    for (int i = 0; i < 3; ++i) {
      candidates.push_back(p + "guidance.navigation.position_bias_m[" + std::to_string(i) + "]");
      candidates.push_back(p + "guidance.navigation.velocity_bias_mps[" + std::to_string(i) + "]");
    }
  }
  for (std::size_t i = 0; i < sc.guidance.pitch_program_deg.size(); ++i)
    candidates.push_back("guidance.pitch_program[" + std::to_string(i) + "][1]");
  for (std::size_t i = 0; i < sc.guidance.yaw_steps.size(); ++i)
    for (const char* f : {"azimuth_deg", "start_s", "duration_s"})
      candidates.push_back("guidance.yaw_steps[" + std::to_string(i) + "]." + f);
  std::vector<std::string> out;
  for (const auto& c : candidates)
    if (resolve_parameter(sc, c)) out.push_back(c);
  return out;
}

}  // namespace launchmc
