// Strict reading of YAML configs: every value is read through a path ("stages[1].thrust_vac_N"),
// unknown and duplicate keys are errors, and every error names file:line:col, the key path and the
// constraint that failed (in the spirit of Drake's yaml_read_archive and Ceres' Options::IsValid).
// Private to src/config/: no header outside it includes yaml-cpp (config/load_scenario.hpp is
// the public one).
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.hpp"
#include "scenario/schema.hpp"

namespace launchmc::config {

// What a node is, for messages: "a map", "a list", "null" or "a scalar".
std::string node_kind(const YAML::Node& node);

// The numeric constraint of a key, as the schema declares it ("must be > 0").
using Range = schema::Range;

// Where things came from, shared by all values of one document.
struct Document {
  std::string file;                         // for messages
  std::map<std::string, YAML::Mark> marks;  // key path -> position, for cross-field messages
  std::string where(const YAML::Mark& mark) const;  // "file:line:col" (1-based)
};

class Value {
 public:
  Value(YAML::Node node, std::string path, std::shared_ptr<Document> doc);

  const std::string& path() const noexcept { return path_; }
  const YAML::Node& node() const noexcept { return node_; }
  bool is_map() const noexcept { return node_.IsMap(); }
  bool is_sequence() const noexcept { return node_.IsSequence(); }
  bool is_scalar() const noexcept { return node_.IsScalar(); }

  double number(const Range& range = Range::any()) const;
  int integer(int lo, int hi) const;
  std::string string() const;
  bool boolean() const;  // true/false (YAML 1.2 core schema spellings)

  std::size_t size() const;               // a sequence's length (error if not a sequence)
  Value operator[](std::size_t i) const;  // a sequence element

  // Rows of a table: a sequence of sequences of `columns` numbers each.
  std::vector<std::vector<double>> rows(std::size_t columns, std::size_t min_rows = 1) const;

  [[noreturn]] void fail(std::string_view message) const;
  // An error at another node of the same document (a key, a row), with the given path.
  [[noreturn]] void fail_at(const YAML::Node& node, std::string_view path,
                            std::string_view message) const;
  Value child(YAML::Node node, std::string path) const {
    return Value(std::move(node), std::move(path), doc_);
  }
  const Document& document() const noexcept { return *doc_; }

 private:
  YAML::Node node_;
  std::string path_;
  std::shared_ptr<Document> doc_;
};

// A map whose keys are read one by one; finish() rejects the keys nobody asked for.
class MapReader {
 public:
  explicit MapReader(const Value& value);

  bool has(std::string_view key) const;
  Value required(std::string_view key);
  std::optional<Value> optional(std::string_view key);

  double number(std::string_view key, const Range& range = Range::any());
  double number_or(std::string_view key, double fallback, const Range& range = Range::any());
  std::optional<double> optional_number(std::string_view key, const Range& range = Range::any());
  std::string string(std::string_view key);
  std::string string_or(std::string_view key, std::string fallback);
  bool boolean_or(std::string_view key, bool fallback);

  void finish() const;  // throws ConfigError on the first unknown key
  const Value& value() const noexcept { return value_; }

 private:
  Value value_;
  std::set<std::string, std::less<>> visited_;
};

// Parses YAML text; syntax errors become ConfigError with file:line:col.
Value parse_document(const std::string& text, const std::string& file_for_messages);

// Sets the scalar at `path` (e.g. "stages[1].thrust_vac_N") to `value` in the tree of `root`.
// The path must name an existing scalar; otherwise ConfigError (an override never adds keys).
void set_scalar(YAML::Node root, std::string_view path, std::string_view value);

// Splits "a.b[2].c" into segments {"a", "b", "[2]", "c"}; throws ConfigError on bad syntax.
std::vector<std::string> split_path(std::string_view path);

}  // namespace launchmc::config
