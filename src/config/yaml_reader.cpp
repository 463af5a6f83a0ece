// Strict YAML reading with positions and key paths in every message.
#include "config/yaml_reader.hpp"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>
#include <utility>

#include "common/parameter_path.hpp"
#include "common/suggest.hpp"
#include "config/text_checks.hpp"

namespace launchmc::config {

std::string node_kind(const YAML::Node& node) {
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "null";
  return "a scalar";
}

namespace {
std::string join(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

// A map key as text. yaml-cpp accepts any node as a key ("? [a, b]\n: 1", "{[1, 2]: 3}") and its
// as<std::string>() then throws a bare "bad conversion": such keys are refused here, at the key.
std::string key_text(const Value& map, const YAML::Node& key) {
  if (key.IsScalar()) return key.Scalar();
  map.fail_at(key, map.path(),
              fmt::format("{} used as a key{}: keys must be plain strings", node_kind(key),
                          map.path().empty() ? " at the top level" : ""));
}
}  // namespace

std::string Document::where(const YAML::Mark& mark) const {
  if (mark.is_null()) return file;
  return fmt::format("{}:{}:{}", file, mark.line + 1, mark.column + 1);
}

Value::Value(YAML::Node node, std::string path, std::shared_ptr<Document> doc)
    : node_(std::move(node)), path_(std::move(path)), doc_(std::move(doc)) {
  if (node_.IsDefined() && !path_.empty()) doc_->marks.emplace(path_, node_.Mark());
}

void Value::fail(std::string_view message) const { fail_at(node_, path_, message); }

void Value::fail_at(const YAML::Node& node, std::string_view path, std::string_view message) const {
  const std::string where = doc_->where(node.Mark());
  if (path.empty()) throw ConfigError(fmt::format("{}: {}", where, message));
  throw ConfigError(fmt::format("{}: {}: {}", where, path, message));
}

double Value::number(const Range& range) const {
  if (!node_.IsScalar()) fail("expected a number");
  const std::string& text = node_.Scalar();
  char* end = nullptr;
  errno = 0;
  const double x = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(x))
    fail(fmt::format("'{}' is not a finite number", text));
  if (!range.contains(x)) fail(fmt::format("= {}: {}", text, range.describe()));
  return x;
}

int Value::integer(int lo, int hi) const {
  const double x = number(Range::closed(lo, hi));
  if (x != std::floor(x)) fail(fmt::format("= {}: must be an integer", node_.Scalar()));
  return static_cast<int>(x);
}

std::string Value::string() const {
  if (!node_.IsScalar()) fail("expected a string");
  return node_.Scalar();
}

bool Value::boolean() const {
  const std::string s = string();
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  fail(fmt::format("'{}': expected true or false", s));
}

std::size_t Value::size() const {
  if (!node_.IsSequence()) fail("expected a list");
  return node_.size();
}

Value Value::operator[](std::size_t i) const {
  return Value(node_[i], fmt::format("{}[{}]", path_, i), doc_);
}

std::vector<std::vector<double>> Value::rows(std::size_t columns, std::size_t min_rows) const {
  const std::size_t n = size();
  if (n < min_rows) fail(fmt::format("expected at least {} rows, got {}", min_rows, n));
  std::vector<std::vector<double>> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Value row = (*this)[i];
    if (!row.is_sequence() || row.size() != columns)
      row.fail(fmt::format("expected a row of {} numbers", columns));
    std::vector<double> r;
    for (std::size_t j = 0; j < columns; ++j) r.push_back(row[j].number());
    out.push_back(std::move(r));
  }
  return out;
}

MapReader::MapReader(const Value& value) : value_(value) {
  if (!value_.is_map()) value_.fail("expected a map of keys");
  // yaml-cpp keeps duplicate keys and answers lookups with the first: reject them here.
  std::set<std::string> seen;
  for (const auto& kv : value_.node()) {
    const std::string key = key_text(value_, kv.first);
    if (!seen.insert(key).second)
      value_.fail_at(kv.first, join(value_.path(), key),
                     "duplicate key (each key may appear once)");
  }
}

bool MapReader::has(std::string_view key) const {
  return value_.node()[std::string(key)].IsDefined();
}

Value MapReader::required(std::string_view key) {
  auto v = optional(key);
  if (!v) {
    // A misspelt required key is both missing and unknown. Which keys are valid here is known
    // only once the whole map is read, so a close key present is named as a question, not as an
    // error (closer than a quarter of the name: 'azimuth_dgr' for 'azimuth_deg', not 'lon_deg'
    // for 'lat_deg').
    std::string hint;
    for (const auto& kv : value_.node()) {
      const std::string present = key_text(value_, kv.first);
      if (visited_.contains(present)) continue;
      if (edit_distance(present, key) <= std::max<std::size_t>(1, key.size() / 4)) {
        hint = fmt::format(" (is '{}' at {} a misspelling?)", present,
                           value_.document().where(kv.first.Mark()));
        break;
      }
    }
    value_.fail(fmt::format("missing required key '{}'{}", key, hint));
  }
  return *v;
}

std::optional<Value> MapReader::optional(std::string_view key) {
  visited_.emplace(key);
  const YAML::Node n = value_.node()[std::string(key)];
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  return value_.child(n, join(value_.path(), key));
}

double MapReader::number(std::string_view key, const Range& range) {
  return required(key).number(range);
}

double MapReader::number_or(std::string_view key, double fallback, const Range& range) {
  auto v = optional(key);
  return v ? v->number(range) : fallback;
}

std::optional<double> MapReader::optional_number(std::string_view key, const Range& range) {
  auto v = optional(key);
  if (!v) return std::nullopt;
  return v->number(range);
}

std::string MapReader::string(std::string_view key) { return required(key).string(); }

std::string MapReader::string_or(std::string_view key, std::string fallback) {
  auto v = optional(key);
  return v ? v->string() : fallback;
}

bool MapReader::boolean_or(std::string_view key, bool fallback) {
  auto v = optional(key);
  return v ? v->boolean() : fallback;
}

void MapReader::finish() const {
  for (const auto& kv : value_.node()) {
    const std::string key = key_text(value_, kv.first);
    if (!visited_.contains(key)) {
      std::string known;
      std::vector<std::string> candidates;
      for (const auto& k : visited_) {
        known += (known.empty() ? "" : ", ") + k;
        candidates.push_back(k);
      }
      value_.fail_at(
          kv.first, join(value_.path(), key),
          fmt::format("unknown key{} (expected one of: {})", did_you_mean(key, candidates), known));
    }
  }
}

}  // namespace launchmc::config

namespace launchmc::config {

namespace {

std::string where_text(const std::string& file, const TextPosition& at) {
  return fmt::format("{}:{}:{}", file, at.line + 1, at.column + 1);
}

// Rejects collections used as map keys anywhere in the tree (MapReader checks the maps it reads;
// this covers the rest, e.g. a map under a key that is then reported as unknown). Each node is
// visited once: aliases share nodes (a self-referencing anchor even makes a cycle), and a node is
// known by its position and kind, which no two nodes of one parsed document share.
void check_keys(const YAML::Node& root, const Document& doc) {
  std::set<std::pair<std::size_t, int>> seen;
  std::vector<std::pair<YAML::Node, std::string>> todo{{root, ""}};
  while (!todo.empty()) {
    auto [node, path] = std::move(todo.back());
    todo.pop_back();
    if (!node.IsMap() && !node.IsSequence()) continue;
    if (!seen.emplace(node.Mark().pos, static_cast<int>(node.Type())).second) continue;
    if (node.IsSequence()) {
      for (std::size_t i = 0; i < node.size(); ++i)
        todo.emplace_back(node[i], fmt::format("{}[{}]", path, i));
      continue;
    }
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) {
        const std::string kind = kv.first.IsMap()        ? "a map"
                                 : kv.first.IsSequence() ? "a list"
                                                         : "null";
        throw ConfigError(
            path.empty()
                ? fmt::format("{}: {} used as a key at the top level: keys must be plain strings",
                              doc.where(kv.first.Mark()), kind)
                : fmt::format("{}: {}: {} used as a key: keys must be plain strings",
                              doc.where(kv.first.Mark()), path, kind));
      }
      todo.emplace_back(kv.second, join(path, kv.first.Scalar()));
    }
  }
}

// Where a document starts: the mark of its first event (its "---" if it has one). Nothing else
// of the events is kept: this handler only counts documents.
class DocumentStart : public YAML::EventHandler {
 public:
  YAML::Mark mark = YAML::Mark::null_mark();
  void OnDocumentStart(const YAML::Mark& m) override { mark = m; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// Refuses a second document. YAML::LoadAll is not used: yaml-cpp 0.7 loops forever in it, eating
// memory, on a stray token after the first document ("[1]\n," or "{a: 1},"; yaml-cpp issue
// #1040, fixed upstream in 2024): each call of HandleNextDocument returns another empty document.
// Here at most two documents are asked for.
void refuse_second_document(const std::string& text, const Document& doc) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStart first, second;
  if (!parser.HandleNextDocument(first) || !parser.HandleNextDocument(second)) return;
  const YAML::Mark& m = second.mark;
  const std::size_t pos = m.is_null() ? text.size() : static_cast<std::size_t>(m.pos);
  if (text.compare(pos, 3, "---") == 0)
    throw ConfigError(
        fmt::format("{}:{}:1: a second YAML document starts here: one YAML document "
                    "per config file",
                    doc.file, m.line + 1));
  const std::size_t eol = text.find('\n', pos);
  throw ConfigError(
      fmt::format("{}: YAML syntax error: '{}' after the end of the document (one YAML "
                  "document per config file)",
                  doc.where(m), text.substr(pos, std::min<std::size_t>(eol, pos + 20) - pos)));
}

}  // namespace

Value parse_document(const std::string& text, const std::string& file_for_messages) {
  auto doc = std::make_shared<Document>();
  doc->file = file_for_messages;
  // yaml-cpp stops at a NUL byte without a word, and reads invalid UTF-8 as it comes.
  if (const auto bad = find_bad_byte(text))
    throw ConfigError(fmt::format("{}: {} at byte offset {}: a config must be UTF-8 text",
                                  where_text(doc->file, bad->at), bad->what, bad->at.offset));
  // yaml-cpp reads an unclosed quote to the end of the file (no error at all), or reports where
  // the text after a later quote stops making sense: name the opening quote instead.
  const std::vector<QuotedScalar> quoted = scan_quoted_scalars(text);
  if (!quoted.empty() && !quoted.back().close)
    throw ConfigError(
        fmt::format("{}: YAML syntax error: the quoted string that starts here is "
                    "never closed (a missing {})",
                    where_text(doc->file, quoted.back().open), text[quoted.back().open.offset]));
  YAML::Node root;
  try {
    refuse_second_document(text, *doc);
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    // An error inside or just after a quoted string that runs over several lines: most likely
    // its closing quote is missing and a later quote closed it.
    const auto line = static_cast<std::size_t>(e.mark.line);
    for (auto q = quoted.rbegin(); !e.mark.is_null() && q != quoted.rend(); ++q) {
      if (q->open.offset > static_cast<std::size_t>(e.mark.pos)) continue;
      if (q->close && q->close->line > q->open.line && line <= q->close->line + 1)
        throw ConfigError(fmt::format(
            "{}: YAML syntax error: the quoted string that starts here runs on to line {} "
            "(is its closing {} missing?); yaml-cpp: {} at {}:{}",
            where_text(doc->file, q->open), q->close->line + 1, text[q->open.offset], e.msg,
            e.mark.line + 1, e.mark.column + 1));
      break;
    }
    throw ConfigError(fmt::format("{}: YAML syntax error: {}", doc->where(e.mark), e.msg));
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("{}: YAML error: {}", doc->where(e.mark), e.msg));
  }
  if (!root.IsMap())
    throw ConfigError(fmt::format("{}: the config must be a map of keys", doc->file));
  check_keys(root, *doc);
  return Value(root, "", doc);
}

std::vector<std::string> split_path(std::string_view path) {
  std::string why;
  auto out = split_parameter_path(path, &why);
  if (out.empty()) throw ConfigError(fmt::format("parameter path '{}': {}", path, why));
  return out;
}

void set_scalar(YAML::Node root, std::string_view path, std::string_view value) {
  YAML::Node cur;
  cur.reset(root);  // rebinding (operator= would copy content into the node)
  std::string walked;
  for (const std::string& seg : split_path(path)) {
    YAML::Node next;
    if (seg.front() == '[') {
      std::size_t i = 0;
      if (!parameter_index(seg, i) || !cur.IsSequence())
        throw ConfigError(
            fmt::format("parameter path '{}': '{}{}' names nothing ('{}' is {}, not a list)", path,
                        walked, seg, walked.empty() ? "the document" : walked, node_kind(cur)));
      if (i >= cur.size())
        throw ConfigError(
            fmt::format("parameter path '{}': '{}{}' names nothing: index {} is out of "
                        "range: the list has {} entries",
                        path, walked, seg, parameter_index_text(seg), cur.size()));
      next.reset(cur[i]);
    } else {
      if (!cur.IsMap() || !cur[seg].IsDefined())
        throw ConfigError(fmt::format("parameter path '{}': '{}{}{}' names nothing", path, walked,
                                      walked.empty() ? "" : ".", seg));
      next.reset(cur[seg]);
    }
    walked += (seg.front() == '[' || walked.empty()) ? seg : "." + seg;
    cur.reset(next);
  }
  if (!cur.IsScalar())
    throw ConfigError(
        fmt::format("parameter path '{}' names {}, not a value", path, node_kind(cur)));
  cur = std::string(value);
}

}  // namespace launchmc::config
