// Tests of replace_scalars(): values are rewritten in place and every other byte of the config
// (comments, flow and block styles, quoting, UTF-8 text, CRLF line ends) is kept.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/parameter_path.hpp"
#include "config/yaml_edit.hpp"

namespace launchmc::config {
namespace {

// A config in the style of configs/*.yaml: comments on value lines, flow maps and lists, nested
// lists, quoted scalars and a UTF-8 comment.
const std::string kConfig =
    "# Test vehicle — poussée « nominale », 推力 (UTF-8 comment)\n"
    "name: \"Test vehicle\"\n"
    "launch:\n"
    "  lat_deg: 39.22          # Sunan airport, Pyongyang\n"
    "  epoch_utc: '2022-11-18T01:15:00Z'   # 10:15 KST\n"
    "  azimuth_deg: 72\n"
    "\n"
    "vehicle:\n"
    "  stages:\n"
    "    - name: stage1\n"
    "      # Two engines: 2 x 80 tf — résumé ±5 %\n"
    "      thrust_vac_N: 1.703e6   # two engines\n"
    "      stack_drag: {ref_area_m2: 6.6, cd_mach: [[0, 0.30], [1.1, 0.55]]}\n"
    "    - name: stage2\n"
    "      thrust_vac_N: 4.0e5\n"
    "guidance:\n"
    "  pitch_program:\n"
    "    - [135, 73.16]   # note\n"
    "    - [200, 82.63]\n"
    "uncertainties:\n"
    "  inputs:\n"
    "    - {path: \"vehicle.stages[0].thrust_vac_N\", normal: {sd: 1.0}}\n";

std::string crlf(const std::string& lf) {
  std::string out;
  for (const char c : lf) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

// Replaces the first occurrence of `from` (which must occur) by `to`.
std::string with(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The message of the ConfigError thrown by replace_scalars, or "" if none was thrown.
std::string error_of(const std::string& text, const std::vector<ScalarEdit>& edits) {
  try {
    replace_scalars(text, edits, "cfg.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// What replace_scalars relies on: yaml-cpp's Mark().pos counts bytes of UTF-8 text and CRLF line
// ends, but not a leading byte-order mark; line and column (in bytes) agree with it.
TEST(YamlEdit, MarkPosIsTheByteOffsetAfterUtf8AndCrlf) {
  const std::string utf8_line = "a: {name: \"é—推\", x: 2.5}   # ü\nb: 1\n";
  for (const std::string& lf : {kConfig, utf8_line}) {
    for (const bool with_bom : {false, true}) {
      for (const std::string& body : {lf, crlf(lf)}) {
        const std::string text = (with_bom ? "\xEF\xBB\xBF" : "") + body;
        const std::size_t bom = with_bom ? 3 : 0;
        std::vector<std::size_t> line_starts = {bom};
        for (std::size_t i = 0; i < text.size(); ++i)
          if (text[i] == '\n') line_starts.push_back(i + 1);
        const YAML::Node root = YAML::Load(text);
        std::vector<std::pair<YAML::Node, std::string>> probes;
        if (lf == kConfig) {
          probes = {{root["vehicle"]["stages"][0]["thrust_vac_N"], "1.703e6   #"},
                    {root["uncertainties"]["inputs"][0]["normal"]["sd"], "1.0}}"},
                    {root["launch"]["epoch_utc"], "'2022-11-18"},
                    {root["guidance"]["pitch_program"][0][1], "73.16]"}};
        } else {
          probes = {{root["a"]["x"], "2.5}"}, {root["b"], "1"}};
        }
        for (const auto& [node, starts_with] : probes) {
          const YAML::Mark m = node.Mark();
          const std::size_t at = static_cast<std::size_t>(m.pos) + bom;
          EXPECT_EQ(text.substr(at, starts_with.size()), starts_with);
          EXPECT_EQ(
              line_starts.at(static_cast<std::size_t>(m.line)) + static_cast<std::size_t>(m.column),
              at);
        }
      }
    }
  }
}

TEST(YamlEdit, ReplacesOneValueAndNothingElse) {
  const std::string out =
      replace_scalars(kConfig, {{"vehicle.stages[0].thrust_vac_N", "1.2345e6"}}, "cfg.yaml");
  EXPECT_EQ(out, with(kConfig, "thrust_vac_N: 1.703e6   # two engines",
                      "thrust_vac_N: 1.2345e6   # two engines"));
  EXPECT_EQ(YAML::Load(out)["vehicle"]["stages"][0]["thrust_vac_N"].as<std::string>(), "1.2345e6");
}

TEST(YamlEdit, ReplacesSeveralValuesInBlockFlowAndNestedLists) {
  const std::vector<ScalarEdit> edits = {
      {"guidance.pitch_program[0][1]", "70.5"},
      {"vehicle.stages[0].thrust_vac_N", "1.8e6"},
      {"vehicle.stages[0].stack_drag.cd_mach[1][1]", "0.6125"},
      {"vehicle.stages[0].stack_drag.ref_area_m2", "7"},
      {"uncertainties.inputs[0].normal.sd", "2.5"},
      {"launch.azimuth_deg", "-71.25"},
      {"vehicle.stages[1].thrust_vac_N", "4"},
  };
  const std::string out = replace_scalars(kConfig, edits, "cfg.yaml");
  std::string expected = kConfig;
  expected = with(expected, "    - [135, 73.16]   # note", "    - [135, 70.5]   # note");
  expected = with(expected, "1.703e6   # two", "1.8e6   # two");
  expected = with(expected, "{ref_area_m2: 6.6, cd_mach: [[0, 0.30], [1.1, 0.55]]}",
                  "{ref_area_m2: 7, cd_mach: [[0, 0.30], [1.1, 0.6125]]}");
  expected = with(expected, "normal: {sd: 1.0}}", "normal: {sd: 2.5}}");
  expected = with(expected, "azimuth_deg: 72\n", "azimuth_deg: -71.25\n");
  expected = with(expected, "thrust_vac_N: 4.0e5", "thrust_vac_N: 4");
  EXPECT_EQ(out, expected);

  const YAML::Node root = YAML::Load(out);
  EXPECT_DOUBLE_EQ(root["guidance"]["pitch_program"][0][1].as<double>(), 70.5);
  EXPECT_DOUBLE_EQ(root["guidance"]["pitch_program"][0][0].as<double>(), 135);
  EXPECT_DOUBLE_EQ(root["vehicle"]["stages"][0]["thrust_vac_N"].as<double>(), 1.8e6);
  EXPECT_DOUBLE_EQ(root["vehicle"]["stages"][0]["stack_drag"]["cd_mach"][1][1].as<double>(),
                   0.6125);
  EXPECT_DOUBLE_EQ(root["vehicle"]["stages"][0]["stack_drag"]["ref_area_m2"].as<double>(), 7);
  EXPECT_DOUBLE_EQ(root["uncertainties"]["inputs"][0]["normal"]["sd"].as<double>(), 2.5);
  EXPECT_DOUBLE_EQ(root["launch"]["azimuth_deg"].as<double>(), -71.25);
  EXPECT_DOUBLE_EQ(root["vehicle"]["stages"][1]["thrust_vac_N"].as<double>(), 4);
  EXPECT_EQ(root["uncertainties"]["inputs"][0]["path"].as<std::string>(),
            "vehicle.stages[0].thrust_vac_N");
}

TEST(YamlEdit, CommentsAndUntouchedLinesAreByteIdentical) {
  const std::string out = replace_scalars(
      kConfig, {{"guidance.pitch_program[1][0]", "210"}, {"launch.lat_deg", "39.5"}}, "cfg.yaml");
  const std::vector<std::string> a = lines_of(kConfig), b = lines_of(out);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == "  lat_deg: 39.22          # Sunan airport, Pyongyang") {
      EXPECT_EQ(b[i], "  lat_deg: 39.5          # Sunan airport, Pyongyang");
    } else if (a[i] == "    - [200, 82.63]") {
      EXPECT_EQ(b[i], "    - [210, 82.63]");
    } else {
      EXPECT_EQ(b[i], a[i]) << "line " << i + 1;
    }
  }
  EXPECT_NE(out.find("# Test vehicle — poussée « nominale », 推力 (UTF-8 comment)\n"),
            std::string::npos);
}

TEST(YamlEdit, KeepsCrlfLineEndsAndAByteOrderMark) {
  const std::string text = "\xEF\xBB\xBF" + crlf(kConfig);
  const std::vector<ScalarEdit> edits = {{"uncertainties.inputs[0].normal.sd", "0.75"},
                                         {"vehicle.stages[0].thrust_vac_N", "1.75e6"},
                                         {"guidance.pitch_program[0][1]", "74"}};
  const std::string out = replace_scalars(text, edits, "cfg.yaml");
  std::string expected = with(text, "sd: 1.0}}\r\n", "sd: 0.75}}\r\n");
  expected = with(expected, "1.703e6   # two engines\r\n", "1.75e6   # two engines\r\n");
  expected = with(expected, "[135, 73.16]   # note\r\n", "[135, 74]   # note\r\n");
  EXPECT_EQ(out, expected);
  EXPECT_EQ(YAML::Load(out)["uncertainties"]["inputs"][0]["normal"]["sd"].as<std::string>(),
            "0.75");
}

TEST(YamlEdit, ValueAtTheEndOfTheTextWithoutNewline) {
  EXPECT_EQ(replace_scalars("a: {b: 1}\nc: 2.5", {{"c", "3.5"}, {"a.b", "10"}}, "f"),
            "a: {b: 10}\nc: 3.5");
  EXPECT_EQ(replace_scalars("a: [1,2,3]", {{"a[1]", "20"}}, "f"), "a: [1,20,3]");
  EXPECT_EQ(replace_scalars("a: {name: \"é—推\", x: 2.5}   # ü\r\n", {{"a.x", "3"}}, "f"),
            "a: {name: \"é—推\", x: 3}   # ü\r\n");
}

TEST(YamlEdit, QuotedScalarsKeepTheirQuotes) {
  const std::string text =
      "a: \"1.5\"   # double\n"
      "b: '2.5'  # single\n"
      "c: {x: \"s\\\"q\", y: 'it''s'}\n";
  const std::string out =
      replace_scalars(text, {{"a", "1.25e3"}, {"b", "o'k"}, {"c.x", "q\"\\z"}, {"c.y", "3"}}, "f");
  EXPECT_EQ(out,
            "a: \"1.25e3\"   # double\n"
            "b: 'o''k'  # single\n"
            "c: {x: \"q\\\"\\\\z\", y: '3'}\n");
  const YAML::Node root = YAML::Load(out);
  EXPECT_EQ(root["b"].as<std::string>(), "o'k");
  EXPECT_EQ(root["c"]["x"].as<std::string>(), "q\"\\z");
  // A quoted name in the test config.
  EXPECT_EQ(replace_scalars(kConfig, {{"launch.epoch_utc", "2023-01-01T00:00:00Z"}}, "f"),
            with(kConfig, "'2022-11-18T01:15:00Z'", "'2023-01-01T00:00:00Z'"));
}

TEST(YamlEdit, TagsAndAnchorsAreSkipped) {
  const std::string text = "a: &x !!float 2.5   # anchored\nb: *x\nc: !!str 7\n";
  EXPECT_EQ(replace_scalars(text, {{"a", "3.5"}, {"c", "8"}}, "f"),
            "a: &x !!float 3.5   # anchored\nb: *x\nc: !!str 8\n");
}

TEST(YamlEdit, NoEditsGivesTheTextBack) {
  EXPECT_EQ(replace_scalars(kConfig, {}, "f"), kConfig);
  // Writing each value back as it is gives the same text.
  EXPECT_EQ(replace_scalars(kConfig,
                            {{"launch.lat_deg", "39.22"},
                             {"vehicle.stages[0].stack_drag.cd_mach[0][1]", "0.30"},
                             {"name", "Test vehicle"}},
                            "f"),
            kConfig);
}

TEST(YamlEdit, PathThatNamesNothingThrows) {
  const std::string e1 = error_of(kConfig, {{"vehicle.stages[2].thrust_vac_N", "1"}});
  EXPECT_NE(e1.find("cfg.yaml:10:5: vehicle.stages[2].thrust_vac_N: 'vehicle.stages[2]' names "
                    "nothing (index 2 is out of range: the list has 2 entries)"),
            std::string::npos)
      << e1;
  const std::string e2 = error_of(kConfig, {{"launch.lat", "1"}});
  EXPECT_NE(e2.find("cfg.yaml:4:3: launch.lat: 'launch.lat' names nothing (no key 'lat')"),
            std::string::npos)
      << e2;
  const std::string e3 = error_of(kConfig, {{"launch.lat_deg.x", "1"}});
  EXPECT_NE(e3.find("launch.lat_deg.x: 'launch.lat_deg.x' names nothing"), std::string::npos) << e3;
  const std::string e4 = error_of(kConfig, {{"guidance.pitch_program[0][2]", "1"}});
  EXPECT_NE(e4.find("guidance.pitch_program[0][2]: "), std::string::npos) << e4;
  const std::string e5 = error_of(kConfig, {{"vehicle..stages", "1"}});
  EXPECT_NE(e5.find("cfg.yaml: vehicle..stages: bad parameter path"), std::string::npos) << e5;
}

TEST(YamlEdit, PathThatNamesAMapOrAListThrows) {
  const std::string e1 = error_of(kConfig, {{"vehicle.stages[0].stack_drag", "1"}});
  EXPECT_NE(e1.find("cfg.yaml:13:19: vehicle.stages[0].stack_drag: names a map"), std::string::npos)
      << e1;
  const std::string e2 = error_of(kConfig, {{"guidance.pitch_program[0]", "1"}});
  EXPECT_NE(e2.find("guidance.pitch_program[0]: names a list"), std::string::npos) << e2;
  EXPECT_NE(error_of("a:   # nothing\nb: 1\n", {{"a", "1"}}).find("a: has no value"),
            std::string::npos);
}

TEST(YamlEdit, ValuesThatCannotBeWrittenThrow) {
  EXPECT_NE(error_of(kConfig, {{"launch.lat_deg", "1 # x"}}).find("launch.lat_deg: '1 # x'"),
            std::string::npos);
  EXPECT_NE(error_of(kConfig, {{"launch.lat_deg", "[1]"}}).find("cannot be written"),
            std::string::npos);
  EXPECT_NE(error_of(kConfig, {{"launch.lat_deg", ""}}).find("empty"), std::string::npos);
  EXPECT_NE(error_of(kConfig, {{"launch.lat_deg", "a: b"}}).find("cannot be written"),
            std::string::npos);
  // "~" is accepted as text but reads back as null: the read-back check catches it.
  EXPECT_NE(error_of(kConfig, {{"launch.lat_deg", "~"}}).find("reads back as null"),
            std::string::npos);
}

TEST(YamlEdit, AliasesAndDoubleEditsThrow) {
  const std::string text = "base: &b {x: 1}\nother: *b\n";
  EXPECT_NE(error_of(text, {{"other.x", "2"}})
                .find("other.x: is reached through an alias (*); "
                      "edit the anchored value 'base.x' instead"),
            std::string::npos);
  // Editing the anchored value changes every alias of it, as in the parsed tree.
  EXPECT_EQ(replace_scalars(text, {{"base.x", "2"}}, "f"), "base: &b {x: 2}\nother: *b\n");
  EXPECT_NE(error_of(kConfig, {{"launch.lat_deg", "1"}, {"launch.lat_deg", "2"}})
                .find("the same value is also edited by 'launch.lat_deg'"),
            std::string::npos);
}

TEST(YamlEdit, UnsupportedScalarsThrow) {
  EXPECT_NE(error_of("a: |\n  1.0\nb: 2\n", {{"a", "2"}}).find("a: block scalars"),
            std::string::npos);
  EXPECT_NE(error_of("a: 1.0\n  2.0\nb: 2\n", {{"a", "2"}}).find("cannot locate the value"),
            std::string::npos);
  EXPECT_NE(error_of("a: [1, 2\n", {{"a[0]", "2"}}).find("cfg.yaml:"), std::string::npos);
}

#ifdef LAUNCHMC_CONFIG_DIR
// Every number in the bundled configs can be rewritten, with only that number changing.
TEST(YamlEdit, EveryNumberOfTheBundledConfigs) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(LAUNCHMC_CONFIG_DIR)) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<ScalarEdit> edits, back;
    std::vector<std::pair<std::string, YAML::Node>> stack = {{"", YAML::Load(text)}};
    while (!stack.empty()) {
      const auto [path, node] = stack.back();
      stack.pop_back();
      if (node.IsMap()) {
        for (const auto& kv : node)
          stack.emplace_back(path.empty() ? kv.first.Scalar() : path + "." + kv.first.Scalar(),
                             kv.second);
      } else if (node.IsSequence()) {
        for (std::size_t i = 0; i < node.size(); ++i)
          stack.emplace_back(path + "[" + std::to_string(i) + "]", node[i]);
      } else if (node.IsScalar()) {
        char* end = nullptr;
        std::strtod(node.Scalar().c_str(), &end);
        if (*end != '\0') continue;
        edits.push_back({path, std::to_string(edits.size()) + ".5"});
        back.push_back({path, node.Scalar()});
      }
    }
    ASSERT_GT(edits.size(), 20u) << entry.path();
    const std::string out = replace_scalars(text, edits, entry.path().string());
    EXPECT_NE(out, text);
    const YAML::Node root = YAML::Load(out);
    for (const ScalarEdit& edit : edits) {
      YAML::Node cur = root;  // walk the path with the same syntax the tool uses
      std::string why;
      for (const std::string& seg : launchmc::split_parameter_path(edit.path, &why)) {
        const YAML::Node next = seg.front() == '[' ? cur[std::stoul(seg.substr(1))] : cur[seg];
        cur.reset(next);
      }
      EXPECT_EQ(cur.Scalar(), edit.value) << edit.path;
    }
    // Writing the original values back restores the file byte for byte.
    EXPECT_EQ(replace_scalars(out, back, entry.path().string()), text) << entry.path();
  }
  EXPECT_GE(files, 1);
}
#endif

}  // namespace
}  // namespace launchmc::config
