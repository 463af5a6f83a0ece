// Strict command-line numbers: every accepted spelling and every refusal.
#include <gtest/gtest.h>

#include <cstdint>

#include "cli/arguments.hpp"

namespace launchmc::cli {
namespace {

TEST(Arguments, WholeNumbers) {
  EXPECT_EQ(parse_whole("1000", "-n", 1, kMaxSamples), 1000u);
  EXPECT_EQ(parse_whole("1e6", "-n", 1, kMaxSamples), 1000000u);
  EXPECT_EQ(parse_whole("18446744073709551615", "--seed", 0, UINT64_MAX), UINT64_MAX);
  EXPECT_EQ(parse_whole("0", "--seed", 0, UINT64_MAX), 0u);
  for (const char* bad : {"-5", "+5", "0", "", " 5", "5 ", "1.5", "1e13", "99999999999999999999",
                          "nan", "inf", "0x10", "5k"})
    EXPECT_THROW(parse_whole(bad, "-n", 1, kMaxSamples), UsageError) << bad;
  try {
    parse_whole("-5", "-n", 1, 1000);
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "-n -5: expected a whole number from 1 to 1000");
  }
}

TEST(Arguments, RealNumbers) {
  EXPECT_DOUBLE_EQ(parse_real("0.002", "--until-ci", 0, 1, true, true), 0.002);
  EXPECT_DOUBLE_EQ(parse_real("1e-3", "--until-ci", 0, 1, true, true), 1e-3);
  for (const char* bad : {"0", "1", "-1", "nan", "inf", "", "0.5x", "1e999"})
    EXPECT_THROW(parse_real(bad, "--until-ci", 0, 1, true, true), UsageError) << bad;
  EXPECT_DOUBLE_EQ(parse_real("0", "x", 0, 1, false, false), 0.0);  // closed bounds
}

}  // namespace
}  // namespace launchmc::cli
