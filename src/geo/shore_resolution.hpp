// GSHHG shoreline resolutions (GMT's -D) of the land mask (geo/land_classifier.hpp): a light
// header, so that the config's `risk.shore` names them without the classifier's headers.
#pragma once

#include <string_view>

namespace launchmc::geo {

// Nominal shoreline accuracy: crude 25 km, low 5 km, intermediate 1 km, high 0.2 km, full 0.1 km.
enum class ShoreResolution { crude, low, intermediate, high, full };

// "crude", "low", "intermediate", "high", "full" or their first letters; throws
// std::invalid_argument listing them otherwise.
ShoreResolution parse_shore_resolution(std::string_view text);
std::string_view to_string(ShoreResolution resolution);

}  // namespace launchmc::geo
