// Small formatting helpers shared by the result writers: the current UTC time and angles in [0,
// 360).
#pragma once

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <string>

namespace launchmc {

// "2026-11-26T05:40:00Z": when a result file was created.
inline std::string utc_now_iso8601() {
  const std::time_t tt = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// An angle in degrees wrapped to [0, 360).
inline double wrap_deg_360(double deg) {
  deg = std::fmod(deg, 360.0);
  return deg < 0.0 ? deg + 360.0 : deg;
}

}  // namespace launchmc
