// The few text and angle helpers every map source uses: numbers as GMT's options take them, and
// longitudes unwrapped about a reference (the map's frame may cross the antimeridian).
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <string>

namespace launchmc::map {

// A number in GMT's option syntax (fixed point: GMT reads no exponents in some options).
inline std::string num(double v) { return fmt::format("{:.6f}", v); }
// A length in centimetres for GMT ("2.5000c").
inline std::string cm(double v) { return fmt::format("{:.4f}c", v); }
// A longitude unwrapped to within 180 deg of `ref_lon_deg` [deg].
inline double unwrap(double lon_deg, double ref_lon_deg) {
  return ref_lon_deg + std::remainder(lon_deg - ref_lon_deg, 360.0);
}

}  // namespace launchmc::map
