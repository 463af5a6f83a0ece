// The thrust columns of `fly -o` histories: magnitude from the engine model with its
// back-pressure loss (Sutton & Biblarz eq. 3-21: F = F_vac - p A_e, p from the US76 table at the
// pad), pitch 90 deg in the vertical rise, pitch equal to the flight-path angle in the gravity
// turn (zero angle of attack, by the turn's definition), nothing while coasting, and the thrust
// turned out of the velocity's vertical plane by the guided third stage's dog-leg.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "atmosphere/us76.hpp"
#include "config/load_scenario.hpp"
#include "flight/flight.hpp"
#include "io/flight_report.hpp"
#include "io/hdf5_file.hpp"

namespace launchmc::io {
namespace {

TEST(FlightHistory, ThrustColumnsFollowTheEngineAndTheSteering) {
  const Scenario sc =
      config::load_scenario_file(std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml");
  HistoryRecorder rec;
  const flight::FlightResult r = flight::fly(sc, &rec);
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("launchmc_history_" + std::to_string(::getpid()) + ".h5");
  write_flight_hdf5(path, sc, r, rec);
  const h5::File file = h5::File::open_read(path);
  const h5::Group root = file.root();
  const auto t = root.read<double>("vehicle/time_s");
  const auto thrust = root.read<double>("vehicle/thrust_N");
  const auto pitch = root.read<double>("vehicle/thrust_pitch_deg");
  const auto heading = root.read<double>("vehicle/thrust_heading_deg");
  const auto fpa = root.read<double>("vehicle/flight_path_angle_deg");
  const auto vel_heading = root.read<double>("vehicle/heading_deg");
  const auto alt = root.read<double>("vehicle/alt_m");
  std::filesystem::remove(path);
  ASSERT_EQ(t.size(), thrust.size());

  // Liftoff: the first point, at the pad.
  const double p_pad = atmosphere::us76().at(alt[0]).pressure_Pa;
  EXPECT_NEAR(thrust[0], 1.703e6 - p_pad * 1.33, 1.0);
  bool saw_rise = false, saw_turn = false, saw_coast = false, saw_dogleg = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] > 0.5 && t[i] < 9.5) {               // vertical rise
      EXPECT_NEAR(pitch[i], 90.0, 1e-5) << t[i];  // asin near 1 loses digits
      EXPECT_TRUE(std::isnan(heading[i])) << t[i];
      saw_rise = true;
    } else if (t[i] > 21.0 && t[i] < 110.0) {  // gravity turn, after the kick, to burnout
      EXPECT_NEAR(pitch[i], fpa[i], 1e-6) << t[i];
      saw_turn = true;
    } else if (t[i] > 300.0 && t[i] < 345.0) {  // coast to stage-3 ignition
      EXPECT_EQ(thrust[i], 0.0) << t[i];
      EXPECT_TRUE(std::isnan(pitch[i])) << t[i];
      saw_coast = true;
    } else if (t[i] > 380.0 && t[i] < 700.0) {      // guided stage 3: vacuum thrust, dog-leg
      EXPECT_NEAR(thrust[i], 4.4e4, 1e-3) << t[i];  // 225 km up: ~1e-7 Pa of back pressure
      const double off_plane = std::remainder(heading[i] - vel_heading[i], 360.0);
      EXPECT_GT(std::abs(off_plane), 5.0) << t[i];
      saw_dogleg = true;
    }
  }
  EXPECT_TRUE(saw_rise && saw_turn && saw_coast && saw_dogleg);
}

TEST(FlightHistory, HistoriesBeyondTheCapAreRefusedNotGrownWithoutBound) {
  // A nominal Chollima-1 flight at the default 1-s step records a few thousand points; with a cap
  // of 500 the recorder refuses the flight with the knob to turn, and never stores more.
  const Scenario sc =
      config::load_scenario_file(std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml");
  HistoryRecorder rec(500);
  try {
    flight::fly(sc, &rec);
    FAIL() << "no error";
  } catch (const std::length_error& e) {
    EXPECT_NE(std::string(e.what()).find("output.history_step_s"), std::string::npos) << e.what();
  }
  std::size_t stored = rec.vehicle().t_s.size();
  for (const auto& b : rec.bodies()) stored += b.t_s.size();
  EXPECT_EQ(stored, 500u);
  // And a step below the 1-ms floor is a config error (it was a hang: the grid never advanced).
  std::ifstream in(std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    config::load_scenario(text + "\noutput:\n  history_step_s: 1.0e-300\n", "c.yaml");
    FAIL() << "accepted";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("output.history_step_s: = 1.0e-300: must be in [0.001"),
              std::string::npos)
        << e.what();
  }
  EXPECT_NO_THROW(config::load_scenario(text + "\noutput:\n  history_step_s: 0.001\n", "c.yaml"));
}

}  // namespace
}  // namespace launchmc::io
