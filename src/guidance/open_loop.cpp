// Open-loop ascent guidance program.
#include "guidance/open_loop.hpp"

#include <algorithm>
#include <cmath>

#include "common/constants.hpp"

namespace launchmc::guidance {

using constants::deg_to_rad;

double OpenLoopProgram::heading_deg(double t_s) const noexcept {
  double heading = azimuth_deg;
  for (const YawStep& s : yaw_steps) {
    if (t_s <= s.start_s) break;
    if (s.duration_s <= 0.0 || t_s >= s.start_s + s.duration_s) {
      heading = s.azimuth_deg;
    } else {
      heading += (s.azimuth_deg - heading) * (t_s - s.start_s) / s.duration_s;
      break;
    }
  }
  return heading;
}

AttitudeCommand OpenLoopProgram::command(double t_s) const noexcept {
  AttitudeCommand c;
  c.heading_rad = heading_deg(t_s) * deg_to_rad;
  const double kick_end_s = vertical_rise_s + pitch_kick_duration_s;
  if (t_s < vertical_rise_s) {
    c.pitch_rad = 0.5 * constants::pi;
  } else if (t_s < kick_end_s) {
    const double frac = (t_s - vertical_rise_s) / pitch_kick_duration_s;
    c.pitch_rad = (90.0 - frac * pitch_kick_deg) * deg_to_rad;
  } else if (t_s < gravity_turn_end_s || pitch_program_deg.empty()) {
    c.follow_velocity_pitch = true;
  } else {
    c.pitch_rad = pitch_program_deg(t_s) * deg_to_rad;
  }
  return c;
}

void OpenLoopProgram::breakpoints_s(std::vector<double>& t) const {
  t.clear();
  t.push_back(vertical_rise_s);
  t.push_back(vertical_rise_s + pitch_kick_duration_s);
  if (std::isfinite(gravity_turn_end_s)) t.push_back(gravity_turn_end_s);
  for (double x : pitch_program_deg.x()) t.push_back(x);
  for (const YawStep& s : yaw_steps) {
    t.push_back(s.start_s);
    t.push_back(s.start_s + s.duration_s);
  }
  std::sort(t.begin(), t.end());
  t.erase(std::unique(t.begin(), t.end()), t.end());
  t.erase(std::remove_if(t.begin(), t.end(), [](double x) { return !(x > 0.0); }), t.end());
}

}  // namespace launchmc::guidance
