// Time: parsing of ISO 8601 UTC timestamps to Unix time, and Greenwich mean sidereal time
// (the Earth rotation angle at launch used by geo::EarthRotation).
#pragma once

#include <string_view>

namespace launchmc::geo {

// Parses an ISO 8601 / RFC 3339 timestamp "YYYY-MM-DDTHH:MM:SS[.fff...][Z|+HH:MM|-HH:MM|+HHMM]"
// ('T' may be a space or 't', 'Z' may be 'z'; no designator means UTC; surrounding whitespace is
// ignored) and returns seconds since 1970-01-01T00:00:00Z (Unix time, proleptic Gregorian
// calendar, no leap seconds). A leap second "23:59:60" is accepted and maps, as in POSIX, onto
// the first second of the next day. Resolution is that of a double (~0.2 us in 2024).
// Throws std::invalid_argument naming the text and the problem on malformed or out-of-range input.
double parse_utc_iso8601(std::string_view text);

// Greenwich mean sidereal time, IAU 1982 model (Vallado, Fundamentals of Astrodynamics and
// Applications, 4th ed., eq. 3-47), in [0, 2 pi). UT1 is taken equal to UTC: |UT1 - UTC| < 0.9 s
// gives an angle error < 0.004 deg (6.6e-5 rad, i.e. < 420 m of inertial position of a site on
// the equator). Valid within a few centuries of J2000 (the polynomial in T grows outside).
double gmst_rad(double unix_utc_s);

}  // namespace launchmc::geo
