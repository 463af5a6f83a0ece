// Time: ISO 8601 UTC parsing to Unix time and IAU 1982 Greenwich mean sidereal time.
// See time.hpp for formats, models and accuracy.
#include "geo/time.hpp"

#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>

#include "common/constants.hpp"

namespace launchmc::geo {

namespace {

constexpr double kSecondsPerDay = 86400.0;

[[noreturn]] void fail(std::string_view text, const std::string& problem) {
  throw std::invalid_argument("invalid UTC timestamp \"" + std::string(text) + "\": " + problem +
                              " (expected YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM])");
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly n digits at text[pos], advancing pos.
int read_digits(std::string_view full, std::string_view text, std::size_t& pos, int n,
                const char* what) {
  int value = 0;
  for (int i = 0; i < n; ++i, ++pos) {
    if (pos >= text.size() || !is_digit(text[pos])) {
      fail(full, std::string("expected ") + std::to_string(n) + " digits for the " + what);
    }
    value = value * 10 + (text[pos] - '0');
  }
  return value;
}

void expect(std::string_view full, std::string_view text, std::size_t& pos, char c,
            const char* where) {
  if (pos >= text.size() || text[pos] != c) {
    fail(full, std::string("expected '") + c + "' " + where);
  }
  ++pos;
}

std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

double parse_utc_iso8601(std::string_view text) {
  const std::string_view full = text;
  const std::string_view s = trim(text);
  std::size_t pos = 0;

  const int year = read_digits(full, s, pos, 4, "year");
  expect(full, s, pos, '-', "after the year");
  const int month = read_digits(full, s, pos, 2, "month");
  expect(full, s, pos, '-', "after the month");
  const int day = read_digits(full, s, pos, 2, "day");
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')) {
    fail(full, "expected 'T' or a space between date and time");
  }
  ++pos;
  const int hour = read_digits(full, s, pos, 2, "hour");
  expect(full, s, pos, ':', "after the hour");
  const int minute = read_digits(full, s, pos, 2, "minute");
  expect(full, s, pos, ':', "after the minute");
  const int second = read_digits(full, s, pos, 2, "second");

  double fraction = 0.0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    double scale = 0.1;
    const std::size_t first = pos;
    while (pos < s.size() && is_digit(s[pos])) {
      fraction += scale * (s[pos] - '0');
      scale *= 0.1;
      ++pos;
    }
    if (pos == first) fail(full, "expected digits after the decimal point");
  }

  int offset_s = 0;
  if (pos < s.size()) {
    const char c = s[pos];
    if (c == 'Z' || c == 'z') {
      ++pos;
    } else if (c == '+' || c == '-') {
      ++pos;
      const int oh = read_digits(full, s, pos, 2, "UTC offset hours");
      if (pos < s.size() && s[pos] == ':') ++pos;
      const int om = read_digits(full, s, pos, 2, "UTC offset minutes");
      if (oh > 23 || om > 59) fail(full, "UTC offset out of range");
      offset_s = (c == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    } else {
      fail(full, std::string("unexpected character '") + c + "' after the seconds");
    }
  }
  if (pos != s.size()) fail(full, "unexpected trailing characters");

  const std::chrono::year_month_day ymd{std::chrono::year{year},
                                        std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (month < 1 || month > 12) fail(full, "month out of range 01..12");
  if (!ymd.ok()) fail(full, "day out of range for that month");
  if (hour > 23) fail(full, "hour out of range 00..23");
  if (minute > 59) fail(full, "minute out of range 00..59");
  if (second > 60 || (second == 60 && !(hour == 23 && minute == 59))) {
    fail(full, "second out of range 00..59 (60 only for a leap second at 23:59)");
  }

  const auto days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  const double whole_s = static_cast<double>(days) * kSecondsPerDay + hour * 3600.0 +
                         minute * 60.0 + second - offset_s;
  return whole_s + fraction;
}

double gmst_rad(double unix_utc_s) {
  // Unix time of J2000.0 (2000-01-01 12:00:00, here UT1 = UTC) and of a Julian century.
  constexpr double kJ2000Unix_s = 946728000.0;
  constexpr double kDaysPerCentury = 36525.0;
  const double dt_s = unix_utc_s - kJ2000Unix_s;
  const double t_cent = dt_s / (kSecondsPerDay * kDaysPerCentury);
  // Vallado eq. 3-47 in seconds of time: 67310.54841 + (876600 h + 8640184.812866 s) T
  // + 0.093104 T^2 - 6.2e-6 T^3. The 876600 h T term is 86400 s per elapsed day, i.e. dt_s
  // itself; only its remainder modulo one day matters, taken exactly to keep precision.
  const double gmst_s = 67310.54841 + std::fmod(dt_s, kSecondsPerDay) +
                        t_cent * (8640184.812866 + t_cent * (0.093104 - 6.2e-6 * t_cent));
  double angle = std::fmod(gmst_s, kSecondsPerDay) * (2.0 * constants::pi / kSecondsPerDay);
  if (angle < 0.0) angle += 2.0 * constants::pi;
  if (angle >= 2.0 * constants::pi) angle = 0.0;
  return angle;
}

}  // namespace launchmc::geo
