// Open-loop ascent guidance: vertical rise, pitch-over kick, gravity turn, pitch-versus-time
// program, launch azimuth and yaw steps (dog-legs). Attitude is a function of time only, except
// in the gravity turn, where the thrust follows the air-relative velocity in pitch.
#pragma once

#include <limits>
#include <vector>

#include "common/table.hpp"

namespace launchmc::guidance {

// A change of commanded heading: ramps linearly from the heading in force at start_s to
// azimuth_deg over duration_s (0 = a step).
struct YawStep {
  double start_s = 0.0;
  double duration_s = 0.0;
  double azimuth_deg = 0.0;
};

// Pitch is measured from the local (geodetic) horizontal, heading clockwise from north, both in the
// Earth-fixed local frame at the vehicle.
struct AttitudeCommand {
  bool follow_velocity_pitch = false;  // gravity turn: pitch = air-relative flight-path angle
  double pitch_rad = 0.0;
  double heading_rad = 0.0;
};

class OpenLoopProgram {
 public:
  double azimuth_deg = 0.0;      // launch azimuth, Earth-relative heading [deg]
  double vertical_rise_s = 0.0;  // pitch-over starts here [s after liftoff]
  double pitch_kick_deg = 0.0;   // tilt from vertical reached at the end of the kick [deg]
  double pitch_kick_duration_s = 0.0;
  // Gravity turn from the end of the kick to this time; then the pitch program. Infinite: the
  // gravity turn lasts to the end of powered flight.
  double gravity_turn_end_s = std::numeric_limits<double>::infinity();
  Table1D pitch_program_deg;       // pitch [deg] versus time after liftoff [s]
  std::vector<YawStep> yaw_steps;  // sorted by start_s

  AttitudeCommand command(double t_s) const noexcept;
  double heading_deg(double t_s) const noexcept;
  // Times at which the commanded attitude has a corner or a jump: the integrator restarts there.
  // Fills `out` (cleared first; reuses its capacity), sorted, unique, all > 0.
  void breakpoints_s(std::vector<double>& out) const;
};

}  // namespace launchmc::guidance
