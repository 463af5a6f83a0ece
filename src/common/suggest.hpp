// "Did you mean ...?": the nearest of a set of valid names to a misspelt one, for messages about
// unknown keys, parameter paths, goals and options.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace launchmc {

// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), case-insensitive.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `name` when it is close enough to be a plausible slip (distance at
// most max(1, |name| / 3)); ties go to the first. Empty when none is.
std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "" : ready to append to a message.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace launchmc
