// Nearest-name suggestions: distances against hand-computed optimal-string-alignment values.
#include <gtest/gtest.h>

#include "common/suggest.hpp"

namespace launchmc {
namespace {

TEST(Suggest, EditDistanceKnownValues) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);  // the textbook Levenshtein example
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("abc", "abc"), 0u);
  EXPECT_EQ(edit_distance("ab", "ba"), 1u);              // one adjacent transposition
  EXPECT_EQ(edit_distance("ca", "abc"), 3u);             // OSA (not unrestricted Damerau: 2)
  EXPECT_EQ(edit_distance("Range_KM", "range_km"), 0u);  // case-insensitive
}

TEST(Suggest, NearestOnlyWhenPlausible) {
  const std::vector<std::string> names = {"insertion.time_s", "range_km", "apogee_alt_km"};
  EXPECT_EQ(nearest_name("insertion.tme_s", names), "insertion.time_s");
  EXPECT_EQ(nearest_name("rnage_km", names), "range_km");
  EXPECT_EQ(nearest_name("velocity", names), "");  // nothing close
  EXPECT_EQ(did_you_mean("apogee_alt_kn", names), " (did you mean 'apogee_alt_km'?)");
  EXPECT_EQ(did_you_mean("zzz", names), "");
}

}  // namespace
}  // namespace launchmc
