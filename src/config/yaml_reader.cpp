// Strict YAML reading with positions and key paths in every message.
#include "config/yaml_reader.hpp"

#include "common/parameter_path.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace launchmc::config {

namespace {
std::string join(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}
}  // namespace

bool Range::contains(double x) const {
  if (lo_open ? !(x > lo) : !(x >= lo)) return false;
  if (hi_open ? !(x < hi) : !(x <= hi)) return false;
  return true;
}

std::string Range::describe() const {
  const bool has_lo = lo > -1e307, has_hi = hi < 1e307;
  if (has_lo && has_hi)
    return fmt::format("must be in {}{}, {}{}", lo_open ? "(" : "[", lo, hi, hi_open ? ")" : "]");
  if (has_lo) return fmt::format("must be {} {}", lo_open ? ">" : ">=", lo);
  if (has_hi) return fmt::format("must be {} {}", hi_open ? "<" : "<=", hi);
  return "must be a finite number";
}

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
    const std::string key = kv.first.as<std::string>();
    if (!seen.insert(key).second)
      value_.fail_at(kv.first, join(value_.path(), key), "duplicate key (each key may appear once)");
  }
}

bool MapReader::has(std::string_view key) const { return value_.node()[std::string(key)].IsDefined(); }

Value MapReader::required(std::string_view key) {
  auto v = optional(key);
  if (!v) value_.fail(fmt::format("missing required key '{}'", key));
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
    const std::string key = kv.first.as<std::string>();
    if (!visited_.contains(key)) {
      std::string known;
      for (const auto& k : visited_) known += (known.empty() ? "" : ", ") + k;
      value_.fail_at(kv.first, join(value_.path(), key),
                     fmt::format("unknown key (expected one of: {})", known));
    }
  }
}

}  // namespace launchmc::config

namespace launchmc::config {

Value parse_document(const std::string& text, const std::string& file_for_messages) {
  auto doc = std::make_shared<Document>();
  doc->file = file_for_messages;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(fmt::format("{}: YAML syntax error: {}", doc->where(e.mark), e.msg));
  }
  if (!root.IsMap()) throw ConfigError(fmt::format("{}: the config must be a map of keys", doc->file));
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
      const std::size_t i = std::stoul(seg.substr(1, seg.size() - 2));
      if (!cur.IsSequence() || i >= cur.size())
        throw ConfigError(fmt::format("parameter path '{}': '{}{}' names nothing", path, walked, seg));
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
    throw ConfigError(fmt::format("parameter path '{}' names a {} , not a number", path,
                                  cur.IsMap() ? "map" : "list"));
  cur = std::string(value);
}

}  // namespace launchmc::config
