// Tests of geo/time: ISO 8601 UTC parsing (accepted forms, rejected input) and IAU 1982 GMST
// against published examples (Vallado example 3-5; Meeus examples 12.a and 12.b).
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "common/constants.hpp"
#include "geo/time.hpp"

namespace {

namespace c = launchmc::constants;
using launchmc::geo::gmst_rad;
using launchmc::geo::parse_utc_iso8601;

TEST(Time, ParsesBasicForms) {
  // Reference values from Python's datetime.fromisoformat(...).timestamp().
  EXPECT_EQ(parse_utc_iso8601("1970-01-01T00:00:00Z"), 0.0);
  EXPECT_EQ(parse_utc_iso8601("2023-11-21T13:42:28Z"), 1700574148.0);
  EXPECT_EQ(parse_utc_iso8601("2023-11-21T13:42:28+00:00"), 1700574148.0);
  EXPECT_EQ(parse_utc_iso8601("2023-11-21 13:42:28Z"), 1700574148.0);
  EXPECT_EQ(parse_utc_iso8601("2023-11-21t13:42:28z"), 1700574148.0);
  EXPECT_EQ(parse_utc_iso8601("  2023-11-21T13:42:28Z\n"), 1700574148.0);
  EXPECT_EQ(parse_utc_iso8601("2023-11-21T13:42:28"), 1700574148.0);  // no designator: UTC
  EXPECT_EQ(parse_utc_iso8601("1992-08-20T12:14:00Z"), 714312840.0);
  EXPECT_EQ(parse_utc_iso8601("1969-12-31T23:59:59Z"), -1.0);
  EXPECT_EQ(parse_utc_iso8601("2024-02-29T00:00:00Z") - parse_utc_iso8601("2024-02-28T00:00:00Z"),
            86400.0);
  EXPECT_EQ(parse_utc_iso8601("2000-03-01T00:00:00Z") - parse_utc_iso8601("2000-02-28T00:00:00Z"),
            2.0 * 86400.0);  // 2000 is a leap year (divisible by 400)
}

TEST(Time, ParsesFractionsAndOffsets) {
  EXPECT_NEAR(parse_utc_iso8601("2023-11-21T13:42:28.25Z"), 1700574148.25, 1e-6);
  EXPECT_NEAR(parse_utc_iso8601("2023-11-21T13:42:28.123456Z"), 1700574148.123456, 1e-6);
  // 15:42:28+02:00 is 13:42:28 UTC; 08:12:28-05:30 too.
  EXPECT_EQ(parse_utc_iso8601("2023-11-21T15:42:28+02:00"), 1700574148.0);
  EXPECT_EQ(parse_utc_iso8601("2023-11-21T08:12:28-05:30"), 1700574148.0);
  EXPECT_EQ(parse_utc_iso8601("2023-11-21T15:42:28+0200"), 1700574148.0);
  // Leap second at the end of 2016 maps onto the next second (POSIX convention).
  EXPECT_EQ(parse_utc_iso8601("2016-12-31T23:59:60Z"), 1483228800.0);
}

TEST(Time, RejectsBadInputWithClearMessage) {
  for (const char* bad : {"", "garbage", "2023-11-21", "2023-11-21T13:42Z", "2023-13-01T00:00:00Z",
                          "2023-00-10T00:00:00Z", "2023-02-29T00:00:00Z", "2023-04-31T00:00:00Z",
                          "2023-11-21T24:00:00Z", "2023-11-21T13:60:00Z", "2023-11-21T13:42:60Z",
                          "2023-11-21T13:42:28.Z", "2023-11-21T13:42:28ZZ",
                          "2023-11-21T13:42:28 UTC", "2023-11-21X13:42:28Z", "23-11-21T13:42:28Z",
                          "2023-11-21T13:42:28+25:00", "2023-1-21T13:42:28Z"}) {
    EXPECT_THROW(parse_utc_iso8601(bad), std::invalid_argument) << bad;
  }
  try {
    parse_utc_iso8601("2023-02-30T00:00:00Z");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("2023-02-30T00:00:00Z"), std::string::npos) << msg;
    EXPECT_NE(msg.find("day"), std::string::npos) << msg;
  }
}

// Degrees of GMST from hours, minutes, seconds of sidereal time.
double hms_to_deg(double h, double m, double s) { return 15.0 * (h + m / 60.0 + s / 3600.0); }

TEST(Time, GmstValladoExample3_5) {
  // Vallado, Fundamentals of Astrodynamics and Applications (4th ed.), example 3-5:
  // 1992 August 20, 12:14:00 UT1 -> GMST = 152.578787810 deg.
  const double gmst_deg = gmst_rad(parse_utc_iso8601("1992-08-20T12:14:00Z")) * c::rad_to_deg;
  EXPECT_NEAR(gmst_deg, 152.578787810, 1e-6);
}

TEST(Time, GmstMeeusExamples12a12b) {
  // J. Meeus, Astronomical Algorithms (2nd ed., 1998), chapter 12 (IAU 1982 expression):
  // example 12.a: 1987 April 10, 0h UT -> mean sidereal time 13h10m46.3668s;
  // example 12.b: 1987 April 10, 19h21m00s UT -> 8h34m57.0896s.
  // (Values as reproduced in the Frink sample futureboy.us/frinksamp/siderealtime.frink.)
  // Tolerance 2e-4 s of time = 8e-7 deg (the book prints 1e-4 s).
  const double tol_deg = hms_to_deg(0.0, 0.0, 2e-4);
  EXPECT_NEAR(gmst_rad(parse_utc_iso8601("1987-04-10T00:00:00Z")) * c::rad_to_deg,
              hms_to_deg(13.0, 10.0, 46.3668), tol_deg);
  EXPECT_NEAR(gmst_rad(parse_utc_iso8601("1987-04-10T19:21:00Z")) * c::rad_to_deg,
              hms_to_deg(8.0, 34.0, 57.0896), tol_deg);
}

TEST(Time, GmstRangeAndRate) {
  for (double t : {-1e9, 0.0, 946728000.0, 1.7e9, 4e9}) {
    const double g = gmst_rad(t);
    EXPECT_GE(g, 0.0);
    EXPECT_LT(g, 2.0 * c::pi);
  }
  // GMST advances by 2 pi per sidereal day. The IAU 1982 rate (7.29211585e-5 rad/s, including
  // precession in right ascension) exceeds WGS-84 omega_E = 7.292115e-5 rad/s by 8.6e-12 rad/s,
  // i.e. 7.4e-7 rad over a sidereal day of 2 pi / omega_E.
  const double t0 = parse_utc_iso8601("2023-11-21T13:42:28Z");
  const double sidereal_day_s = 2.0 * c::pi / c::earth_rotation_radps;
  const double d = std::remainder(gmst_rad(t0 + sidereal_day_s) - gmst_rad(t0), 2.0 * c::pi);
  EXPECT_NEAR(d, 7.4e-7, 0.1e-7);
  const double d1 = std::remainder(gmst_rad(t0 + 10.0) - gmst_rad(t0), 2.0 * c::pi);
  EXPECT_NEAR(d1, 10.0 * c::earth_rotation_radps, 1e-9);
}

}  // namespace
