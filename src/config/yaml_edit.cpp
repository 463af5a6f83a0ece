// Text-preserving scalar replacement in YAML configs: locate each scalar through yaml-cpp's marks,
// splice the new text in, and check that re-reading gives the tree set_scalar() would give.
#include "config/yaml_edit.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <map>
#include <string_view>
#include <utility>

#include "common/parameter_path.hpp"
#include "config/yaml_reader.hpp"

namespace launchmc::config {

namespace {

// yaml-cpp reads UTF-8 input byte by byte, so Mark::pos is the 0-based byte offset in the input,
// except that a leading byte-order mark is skipped and not counted. Line and column (bytes since
// the last '\n') give the same offset; both are checked by the tests and by offset_of().
constexpr int kMaxDepth = 256;  // guards the tree walks against self-referencing aliases

struct Place {
  std::string file;

  std::string where(const YAML::Mark& mark) const {
    if (mark.is_null()) return file;
    return fmt::format("{}:{}:{}", file, mark.line + 1, mark.column + 1);
  }
  [[noreturn]] void fail(const YAML::Mark& mark, std::string_view path,
                         std::string_view message) const {
    throw ConfigError(fmt::format("{}: {}: {}", where(mark), path, message));
  }
};

// A path joined back from its segments, with a separator no key can be confused with.
std::string segment_key(const std::vector<std::string>& segments) {
  std::string out;
  for (const std::string& s : segments) {
    out += s;
    out.push_back('\x1f');
  }
  return out;
}

std::string append_path(const std::string& walked, const std::string& seg) {
  return (seg.front() == '[' || walked.empty()) ? walked + seg : walked + "." + seg;
}

// One entry per node of the tree, in document order: its path, kind and scalar text.
struct FlatNode {
  std::string path;
  std::string key;  // segment_key of the path
  std::string description;
  YAML::Mark mark;
  int pos = -1;  // Mark().pos of a non-null scalar, else -1
};

void flatten(const YAML::Node& node, const std::string& path, std::vector<std::string>& segments,
             int depth, const Place& place, std::vector<FlatNode>& out) {
  if (depth > kMaxDepth) place.fail(node.Mark(), path, "nested too deeply (a recursive alias?)");
  FlatNode flat{path, segment_key(segments), "", node.Mark(), -1};
  if (node.IsMap()) {
    flat.description = fmt::format("a map of {} keys", node.size());
  } else if (node.IsSequence()) {
    flat.description = fmt::format("a list of {} entries", node.size());
  } else if (node.IsScalar()) {
    flat.description = fmt::format("'{}'", node.Scalar());
    flat.pos = node.Mark().pos;
  } else {
    flat.description = "null";
  }
  out.push_back(std::move(flat));
  if (node.IsMap()) {
    for (const auto& kv : node) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
      segments.push_back(key);
      flatten(kv.second, append_path(path, key), segments, depth + 1, place, out);
      segments.pop_back();
    }
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string seg = fmt::format("[{}]", i);
      segments.push_back(seg);
      flatten(node[i], append_path(path, seg), segments, depth + 1, place, out);
      segments.pop_back();
    }
  }
}

std::vector<FlatNode> flatten(const YAML::Node& root, const Place& place) {
  std::vector<FlatNode> out;
  std::vector<std::string> segments;
  flatten(root, "", segments, 0, place, out);
  return out;
}

// Walks `path` from `root` to a non-null scalar; the segments are returned through `segments`.
YAML::Node find_scalar(const YAML::Node& root, const std::string& path, const Place& place,
                       std::vector<std::string>& segments) {
  std::string why;
  segments = split_parameter_path(path, &why);
  if (segments.empty()) place.fail(YAML::Mark::null_mark(), path, "bad parameter path: " + why);
  YAML::Node cur;
  cur.reset(root);
  std::string walked;
  for (const std::string& seg : segments) {
    const std::string next_path = append_path(walked, seg);
    YAML::Node next;
    if (seg.front() == '[') {
      std::size_t i = 0;
      const bool is_index = parameter_index(seg, i);
      if (!cur.IsSequence())
        place.fail(cur.Mark(), path,
                   fmt::format("'{}' names nothing ('{}' is {}, not a list)", next_path,
                               walked.empty() ? "the document" : walked, node_kind(cur)));
      if (!is_index || i >= cur.size())
        place.fail(
            cur.Mark(), path,
            fmt::format("'{}' names nothing (index {} is out of range: the list has {} entries)",
                        next_path, parameter_index_text(seg), cur.size()));
      next.reset(static_cast<const YAML::Node&>(cur)[i]);
    } else {
      if (!cur.IsMap())
        place.fail(cur.Mark(), path,
                   fmt::format("'{}' names nothing ('{}' is {}, not a map)", next_path,
                               walked.empty() ? "the document" : walked, node_kind(cur)));
      const YAML::Node found = static_cast<const YAML::Node&>(cur)[seg];
      if (!found.IsDefined())
        place.fail(cur.Mark(), path,
                   fmt::format("'{}' names nothing (no key '{}')", next_path, seg));
      next.reset(found);
    }
    walked = next_path;
    cur.reset(next);
  }
  if (cur.IsMap() || cur.IsSequence())
    place.fail(cur.Mark(), path, fmt::format("names {}, not a scalar value", node_kind(cur)));
  if (!cur.IsScalar())
    place.fail(cur.Mark(), path, "has no value (null); only existing values can be replaced");
  return cur;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Skips node properties (&anchor, !tag, !<verbatim>) and the white space after them.
std::size_t skip_properties(const std::string& text, std::size_t p) {
  while (p < text.size() && (text[p] == '&' || text[p] == '!')) {
    if (text.compare(p, 2, "!<") == 0) {
      const std::size_t close = text.find('>', p);
      p = close == std::string::npos ? text.size() : close + 1;
    } else {
      while (p < text.size() && !is_space(text[p]) &&
             std::string_view(",[]{}").find(text[p]) == std::string_view::npos)
        ++p;
    }
    while (p < text.size() && is_space(text[p])) ++p;
  }
  return p;
}

// Why `value` cannot be written as a plain scalar in block or flow context, or "" if it can.
std::string plain_problem(std::string_view value) {
  if (value.empty()) return "an empty value needs quotes";
  if (value.find_first_of("\r\n") != std::string_view::npos) return "it contains a line break";
  if (is_space(value.front()) || is_space(value.back()))
    return "it starts or ends with white space";
  const char first = value.front();
  const bool indicator_then_space = std::string_view("-?:").find(first) != std::string_view::npos &&
                                    (value.size() == 1 || is_space(value[1]));
  if (indicator_then_space ||
      std::string_view(",[]{}#&*!|>'\"%@`").find(first) != std::string_view::npos)
    return fmt::format("it starts with '{}'", first);
  if (value.find_first_of(",[]{}") != std::string_view::npos) return "it contains one of , [ ] { }";
  if (value.find(": ") != std::string_view::npos || value.find(":\t") != std::string_view::npos ||
      value.back() == ':')
    return "it contains ': '";
  if (value.find(" #") != std::string_view::npos || value.find("\t#") != std::string_view::npos)
    return "it contains ' #'";
  return "";
}

std::string double_quoted(std::string_view value) {
  std::string out;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// A located replacement: text[begin, end) becomes `replacement`.
struct Splice {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string replacement;
  const ScalarEdit* edit = nullptr;
  YAML::Mark mark;
};

// Byte offsets of the starts of the lines of `text` (after '\n'), and the length of its BOM.
struct LineIndex {
  std::vector<std::size_t> starts;
  std::size_t bom = 0;

  explicit LineIndex(const std::string& text) {
    bom = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    starts.push_back(bom);
    for (std::size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') starts.push_back(i + 1);
  }

  // The byte offset of `mark` in the text, or npos if pos and line/column disagree.
  std::size_t offset_of(const YAML::Mark& mark) const {
    if (mark.pos < 0 || mark.line < 0 || mark.column < 0) return std::string::npos;
    const auto line = static_cast<std::size_t>(mark.line);
    if (line >= starts.size()) return std::string::npos;
    const std::size_t from_pos = static_cast<std::size_t>(mark.pos) + bom;
    const std::size_t from_line = starts[line] + static_cast<std::size_t>(mark.column);
    return from_pos == from_line ? from_pos : std::string::npos;
  }
};

Splice locate(const std::string& text, const LineIndex& lines, const YAML::Node& node,
              const ScalarEdit& edit, const Place& place) {
  const YAML::Mark mark = node.Mark();
  const std::size_t start = lines.offset_of(mark);
  if (start >= text.size())
    place.fail(mark, edit.path, "cannot locate the value in the text (inconsistent position)");
  const std::size_t p = skip_properties(text, start);
  if (p >= text.size()) place.fail(mark, edit.path, "cannot locate the value in the text");
  Splice splice{p, p, "", &edit, mark};
  const char c = text[p];
  if (c == '|' || c == '>') {
    place.fail(mark, edit.path, "block scalars (| or >) cannot be replaced");
  } else if (c == '"') {
    std::size_t q = p + 1;
    while (q < text.size() && text[q] != '"') q += text[q] == '\\' ? 2 : 1;
    if (q >= text.size()) place.fail(mark, edit.path, "cannot find the closing '\"'");
    splice.begin = p + 1;
    splice.end = q;
    splice.replacement = double_quoted(edit.value);
  } else if (c == '\'') {
    std::size_t q = p + 1;
    while (q < text.size()) {
      if (text[q] == '\'' && text.compare(q, 2, "''") != 0) break;  // '' is an escaped quote
      q += text[q] == '\'' ? 2 : 1;
    }
    if (q >= text.size()) place.fail(mark, edit.path, "cannot find the closing \"'\"");
    for (const char v : edit.value) {
      const auto u = static_cast<unsigned char>(v);
      if ((u < 0x20 && v != '\t') || u == 0x7f)
        place.fail(mark, edit.path,
                   fmt::format("'{}' cannot be written inside single quotes (it contains a "
                               "control character or line break)",
                               edit.value));
    }
    splice.begin = p + 1;
    splice.end = q;
    for (const char v : edit.value) {
      if (v == '\'') splice.replacement.push_back('\'');
      splice.replacement.push_back(v);
    }
  } else {
    // A plain scalar is its own text when it fits on one line; a folded multi-line one is not.
    const std::string& old = node.Scalar();
    const std::size_t end = p + old.size();
    const bool ends_here = end == text.size() || is_space(text[end]) ||
                           std::string_view(",]}").find(text[end]) != std::string_view::npos;
    if (text.compare(p, old.size(), old) != 0 || !ends_here)
      place.fail(mark, edit.path,
                 fmt::format("cannot locate the value '{}' in the text (a plain scalar spanning "
                             "several lines?)",
                             old));
    const std::string problem = plain_problem(edit.value);
    if (!problem.empty())
      place.fail(
          mark, edit.path,
          fmt::format("'{}' cannot be written as a plain value here: {}", edit.value, problem));
    splice.end = end;
    splice.replacement = edit.value;
  }
  return splice;
}

YAML::Node load(const std::string& text, const Place& place, std::string_view what) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(fmt::format("{}: {}YAML syntax error: {}", place.where(e.mark), what, e.msg));
  }
}

}  // namespace

std::string replace_scalars(const std::string& text, const std::vector<ScalarEdit>& edits,
                            const std::string& file_for_messages) {
  const Place place{file_for_messages};
  const YAML::Node root = load(text, place, "");
  if (edits.empty()) return text;

  // Every scalar's first path in document order: a later path to the same node is an alias.
  std::map<int, const FlatNode*> first_by_pos;
  const std::vector<FlatNode> before = flatten(root, place);
  for (const FlatNode& flat : before)
    if (flat.pos >= 0) first_by_pos.emplace(flat.pos, &flat);

  const LineIndex lines(text);
  std::vector<Splice> splices;
  for (const ScalarEdit& edit : edits) {
    std::vector<std::string> segments;
    const YAML::Node node = find_scalar(root, edit.path, place, segments);
    const auto first = first_by_pos.find(node.Mark().pos);
    if (first != first_by_pos.end() && first->second->key != segment_key(segments))
      place.fail(node.Mark(), edit.path,
                 fmt::format("is reached through an alias (*); edit the anchored value '{}' "
                             "instead",
                             first->second->path));
    splices.push_back(locate(text, lines, node, edit, place));
  }
  std::sort(splices.begin(), splices.end(),
            [](const Splice& a, const Splice& b) { return a.begin < b.begin; });
  for (std::size_t i = 1; i < splices.size(); ++i)
    if (splices[i].begin < splices[i - 1].end || splices[i].begin == splices[i - 1].begin)
      place.fail(splices[i].mark, splices[i].edit->path,
                 fmt::format("the same value is also edited by '{}'", splices[i - 1].edit->path));

  // Splicing front to back is the same as applying the edits from the last offset to the first.
  std::string out;
  out.reserve(text.size() + 64 * splices.size());
  std::size_t copied = 0;
  for (const Splice& s : splices) {
    out.append(text, copied, s.begin - copied);
    out += s.replacement;
    copied = s.end;
  }
  out.append(text, copied, std::string::npos);

  // The new text must read back as the original tree with the edits applied by set_scalar().
  YAML::Node expected_root = load(text, place, "");
  for (const ScalarEdit& edit : edits) set_scalar(expected_root, edit.path, edit.value);
  const std::vector<FlatNode> expected = flatten(expected_root, place);
  const std::vector<FlatNode> actual =
      flatten(load(out, place, "after the edits the text no longer parses: "), place);
  const std::size_t n = std::min(expected.size(), actual.size());
  for (std::size_t i = 0; i <= n; ++i) {
    if (i == n) {
      if (expected.size() == actual.size()) break;
      const FlatNode& at = i < before.size() ? before[i] : before.back();
      place.fail(at.mark, at.path, "after the edits the document has a different shape");
    }
    if (expected[i].key == actual[i].key && expected[i].description == actual[i].description)
      continue;
    const FlatNode& at = i < before.size() ? before[i] : before.back();
    place.fail(at.mark, expected[i].path.empty() ? "(document)" : expected[i].path,
               fmt::format("after the edits this reads back as {} instead of {}",
                           actual[i].description, expected[i].description));
  }
  return out;
}

}  // namespace launchmc::config
