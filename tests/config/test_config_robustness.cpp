// Hostile config text and files (issue 8): every fault is a ConfigError with file:line:col, never a
// yaml-cpp exception, a standard-library exception or an unbounded read.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "../support/scratch_dir.hpp"
#include "config/load_scenario.hpp"
#include "config/text_checks.hpp"
#include "config/yaml_edit.hpp"

namespace launchmc::config {
namespace {

const std::string kValid = R"(name: test
launch:
  lat_deg: 39.6
  lon_deg: 124.7
  azimuth_deg: 190
  epoch_utc: "2023-11-21T13:42:28Z"
vehicle:
  payload: {mass_kg: 300}
  stages:
    - name: s1
      thrust_vac_N: 1.7e6
      isp_vac_s: 315
      nozzle_exit_area_m2: 1.33
      propellant_mass_kg: 70000
      dry_mass_kg: 7000
      stack_drag: {ref_area_m2: 4.5, cd_mach: [[0, 0.3], [1, 0.5]]}
guidance:
  vertical_rise_s: 10
  pitch_kick_deg: 3
  pitch_kick_duration_s: 10
)";

// The ConfigError's text; "" if the config loads. Any other exception fails the test.
std::string error_of(const std::string& text, const std::vector<Override>& o = {}) {
  try {
    load_config(text, "cfg.yaml", o);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return s.replace(pos, from.size(), to);
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(ConfigRobustness, ListOrMapAsKeyIsAConfigErrorAtAnyLevel) {
  std::string msg = error_of("? [a, b]\n: 1\n" + kValid);
  EXPECT_TRUE(contains(
      msg, "cfg.yaml:1:3: a list used as a key at the top level: keys must be plain strings"))
      << msg;
  msg = error_of(replace(kValid, "  lat_deg: 39.6\n", "  lat_deg: 39.6\n  {[1,2]: 3}: 4\n"));
  EXPECT_TRUE(
      contains(msg, "cfg.yaml:4:3: launch: a map used as a key: keys must be plain strings"))
      << msg;
  // Inside a flow map, inside a map no reader visits (under an unknown key), in a list.
  msg = error_of(replace(kValid, "{mass_kg: 300}", "{mass_kg: 300, [1, 2]: 3}"));
  EXPECT_TRUE(contains(msg, "cfg.yaml:8:27: vehicle.payload: a list used as a key")) << msg;
  msg = error_of(kValid + "extra:\n  - {[1]: 2}\n");
  EXPECT_TRUE(contains(msg, "cfg.yaml:22:6: extra[0]: a list used as a key")) << msg;
  EXPECT_TRUE(contains(error_of("{[1,2]: 3}\n"), "cfg.yaml:1:2: a list used as a key"))
      << error_of("{[1,2]: 3}\n");
}

TEST(ConfigRobustness, SelfReferencingAnchorIsRefusedNotWalkedForever) {
  const std::string msg = error_of(replace(kValid, "  lat_deg: 39.6\n", "  lat_deg: &a [*a]\n"));
  EXPECT_TRUE(contains(msg, "launch.lat_deg: expected a number")) << msg;
}

TEST(ConfigRobustness, UnclosedQuoteIsReportedWhereItOpens) {
  // No later quote: yaml-cpp reads this to the end of the file without an error.
  std::string msg = error_of(replace(kValid, "    - name: s1", "    - name: 's1"));
  EXPECT_TRUE(contains(
      msg, "cfg.yaml:10:13: YAML syntax error: the quoted string that starts here is never closed"))
      << msg;
  // Closed by a later quote (the epoch's): yaml-cpp stops on line 6; the message names line 1.
  msg = error_of(replace(kValid, "name: test", "name: \"test"));
  EXPECT_TRUE(contains(
      msg, "cfg.yaml:1:7: YAML syntax error: the quoted string that starts here runs on to line 6"))
      << msg;
  msg = error_of(replace(kValid, "  lat_deg: 39.6", "  lat_deg: \"39.6"));
  EXPECT_TRUE(contains(
      msg,
      "cfg.yaml:3:12: YAML syntax error: the quoted string that starts here runs on to line 6"))
      << msg;
}

TEST(ConfigRobustness, QuotesThatOpenNothingAreNotFlagged) {
  // Apostrophes in plain scalars and comments, quotes in block scalars, tags, flow JSON.
  std::string text = replace(kValid, "name: test", "name: it's a \"test  # don't \"stop");
  EXPECT_EQ(error_of(text), "");
  text = replace(kValid, "name: test\n", "name: |\n  block \"text\n  it's\n");
  EXPECT_EQ(error_of(text), "");
  text = replace(kValid, "{mass_kg: 300}", "{\"mass_kg\":300}");
  EXPECT_EQ(error_of(text), "");
  text = replace(kValid, "name: test", "name: !!str 'te''st'");
  EXPECT_EQ(error_of(text), "");
  EXPECT_EQ(error_of(replace(kValid, "name: test", "name: \"multi\n  line\"")), "");
}

TEST(ConfigRobustness, SecondDocumentIsRefusedAtItsMarker) {
  const std::string msg = error_of(kValid + "---\nname: other\n");
  EXPECT_TRUE(contains(
      msg, "cfg.yaml:21:1: a second YAML document starts here: one YAML document per config file"))
      << msg;
  EXPECT_TRUE(
      contains(error_of(kValid + "--- # nothing more\n"), "cfg.yaml:21:1: a second YAML document"));
  // A leading marker and a closing "..." are one document.
  EXPECT_EQ(error_of("---\n" + kValid + "...\n"), "");
  // A stray token after the document: yaml-cpp 0.7's LoadAll looped forever here (fuzz finding).
  std::string stray = error_of(kValid + "[1],\n");
  EXPECT_TRUE(contains(stray, "cfg.yaml:21:1: YAML syntax error")) << stray;
  stray = error_of("{c: 1}\n , x\n");
  EXPECT_TRUE(
      contains(stray, "cfg.yaml:2:2: YAML syntax error: ', x' after the end of the document"))
      << stray;
}

TEST(ConfigRobustness, NulByteAndInvalidUtf8AreRefusedWithTheirPosition) {
  std::string text = kValid;
  text.insert(text.find("39.6") + 2, 1, '\0');  // "  lat_deg: 39\0.6" on line 3
  std::string msg = error_of(text);
  EXPECT_TRUE(
      contains(msg, "cfg.yaml:3:14: a NUL byte at byte offset 32: a config must be UTF-8 text"))
      << msg;
  msg = error_of(replace(kValid, "name: test", "name: t\xC3\x28st"));
  EXPECT_TRUE(contains(msg, "cfg.yaml:1:8: invalid UTF-8 (byte 0xC3) at byte offset 7")) << msg;
  msg = error_of(replace(kValid, "name: test", "name: \xED\xA0\x80"));  // a UTF-16 surrogate
  EXPECT_TRUE(contains(msg, "cfg.yaml:1:7: invalid UTF-8 (byte 0xED)")) << msg;
  // Well-formed multi-byte text (and a byte-order mark) is fine; columns count bytes.
  EXPECT_EQ(error_of("\xEF\xBB\xBF" +
                     replace(kValid, "name: test", "name: \"Ch\xC3\xB6llima \xF0\x9F\x9A\x80\"")),
            "");
}

TEST(ConfigRobustness, HugeListIndexInOverridesIsAConfigError) {
  std::string msg = error_of(kValid, {{"vehicle.stages[99999999999999999999].dry_mass_kg", "1"}});
  EXPECT_TRUE(contains(msg, "index 99999999999999999999 is out of range: the list has 1 entries"))
      << msg;
  msg = error_of(kValid, {{"vehicle.stages[3].dry_mass_kg", "1"}});
  EXPECT_TRUE(contains(msg, "index 3 is out of range: the list has 1 entries")) << msg;
  msg = error_of(kValid, {{"vehicle.payload[0]", "1"}});
  EXPECT_TRUE(contains(msg, "'vehicle.payload' is a map, not a list")) << msg;
  // A dispersed input's path goes through the parameter binding.
  msg = error_of(
      kValid +
      "uncertainties:\n  inputs:\n    - path: vehicle.stages[99999999999999999999].dry_mass_kg\n"
      "      normal: {sd: 1}\n");
  EXPECT_TRUE(contains(msg, "there are only 1 stages")) << msg;
  // The text editor of `target` as well.
  try {
    replace_scalars(kValid, {{"vehicle.stages[99999999999999999999].dry_mass_kg", "1"}},
                    "cfg.yaml");
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_TRUE(contains(e.what(), "index 99999999999999999999 is out of range")) << e.what();
  }
}

class ConfigFileTest : public io::ScratchDirTest {};

std::string read_error(const std::string& path) {
  try {
    read_text_file(path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST_F(ConfigFileTest, OnlyRegularFilesUpToTheCapAreRead) {
  EXPECT_TRUE(contains(read_error(dir_.string()), ": is a directory")) << read_error(dir_.string());
  EXPECT_TRUE(contains(read_error("/dev/zero"), "/dev/zero: is not a regular file"));
  const std::string fifo = (dir_ / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(contains(read_error(fifo), "is not a regular file"));  // without waiting for a writer
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_TRUE(contains(read_error((dir_ / "missing.yaml").string()), "No such file or directory"));

  const std::string at_cap = (dir_ / "at_cap.yaml").string();
  std::ofstream(at_cap) << std::string(kMaxConfigBytes, '#');
  EXPECT_EQ(read_text_file(at_cap).size(), kMaxConfigBytes);
  const std::string over = (dir_ / "over.yaml").string();
  std::ofstream(over) << std::string(kMaxConfigBytes + 1, '#');
  EXPECT_TRUE(contains(read_error(over), "larger than 4 MiB")) << read_error(over);
}

TEST(TextChecks, QuotedScalarScan) {
  const auto q = scan_quoted_scalars("a: \"x\\\"y\" # 'c\nb: 'it''s'\nc: it's\nd: [\"e\",'f']\n");
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0].open.line, 0u);
  EXPECT_EQ(q[0].open.column, 3u);
  ASSERT_TRUE(q[0].close.has_value());
  EXPECT_EQ(q[0].close->column, 8u);
  EXPECT_EQ(q[1].open.line, 1u);
  EXPECT_EQ(q[1].close->column, 9u);
  EXPECT_EQ(q[2].open.line, 3u);
  EXPECT_EQ(q[3].open.column, 8u);
  EXPECT_FALSE(scan_quoted_scalars("a: 'x\n").back().close.has_value());
  EXPECT_TRUE(scan_quoted_scalars("a: >-\n  'x\n  \"y\nb: 1\n").empty());
  EXPECT_TRUE(scan_quoted_scalars("- |\n  'x\n- >\n   \"y\n").empty());
}

}  // namespace
}  // namespace launchmc::config
