// The cheap vehicle of the engine and strata tests: one stage (2e4 N, Isp 250 s, 400 kg of
// propellant, 200 kg dry, 100 kg payload) launched from 10N 20E due east in vacuum over a
// non-rotating spherical Earth with point-mass gravity, so that a flight costs a few hundred RHS
// evaluations and a test can fly thousands. Each test adds its own guidance, uncertainties and
// failure modes after this text.
#pragma once

#include <string>

namespace launchmc::testing_support {

// The config text up to and including `guidance:` (a YAML flow map, e.g.
// "{vertical_rise_s: 100, pitch_kick_deg: 0, pitch_kick_duration_s: 1}").
inline std::string one_stage_vacuum_yaml(const std::string& name, const std::string& guidance) {
  return "name: " + name + "\n" +
         R"(launch: {lat_deg: 10, lon_deg: 20, azimuth_deg: 90, epoch_utc: "2024-01-01T00:00:00Z"}
atmosphere: {density_scale: 0}
earth: {rotating: false, shape: sphere}
gravity: {degree: 0}
vehicle:
  payload: {mass_kg: 100}
  stages:
    - {name: s1, thrust_vac_N: 2.0e4, isp_vac_s: 250, propellant_mass_kg: 400, dry_mass_kg: 200,
       stack_drag: {ref_area_m2: 1, cd_mach: [[0, 0.0]]}}
)" +
         "guidance: " + guidance + "\n";
}

}  // namespace launchmc::testing_support
