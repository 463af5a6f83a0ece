// Reading a config through the schema (scenario/schema_fields.hpp): an archive over one YAML map
// whose visits read, check and store each key with the messages of yaml_reader ("file:line:col:
// path: constraint"), reject unknown and duplicate keys, and check alternative forms. Private to
// src/config/.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <stdexcept>

#include "config/yaml_reader.hpp"
#include "geo/time.hpp"
#include "scenario/schema_fields.hpp"

namespace launchmc::config {

class ReadArchive {
 public:
  explicit ReadArchive(const Value& map) : value_(map), m_(map) {}

  MapReader& reader() noexcept { return m_; }
  const Value& value() const noexcept { return value_; }
  void finish() const { m_.finish(); }

  // Whether the map gives `key` (a null value counts as not given).
  bool present(std::string_view key) const {
    const YAML::Node n = value_.node()[std::string(key)];
    return n.IsDefined() && !n.IsNull();
  }
  // An error at the value of `key` (which the map gives), or at the map.
  [[noreturn]] void fail_at(std::string_view key, std::string_view message) {
    m_.required(key).fail(message);
  }
  [[noreturn]] void fail(std::string_view message) const { value_.fail(message); }

  // ---- the schema's visits ----
  void number(double& x, const schema::Field& f) { read(x, f); }
  void number(double& x, const schema::Field& f, bool) { read(x, f); }
  void number(std::optional<double>& x, const schema::Field& f) {
    if (auto v = m_.optional_number(f.key, f.range)) x = *v;
  }
  void converted(double& x, const schema::Field& f, bool) { read(x, f); }
  void integer(int& x, const schema::Field& f) {
    const int lo = static_cast<int>(f.range.lo), hi = static_cast<int>(f.range.hi);
    if (f.need == schema::Need::required)
      x = m_.required(f.key).integer(lo, hi);
    else if (auto v = m_.optional(f.key))
      x = v->integer(lo, hi);
  }
  void boolean(bool& x, const schema::Field& f) {
    x = f.need == schema::Need::required ? m_.required(f.key).boolean() : m_.boolean_or(f.key, x);
  }
  void text(std::string& x, const schema::Field& f) {
    x = f.need == schema::Need::required ? m_.string(f.key) : m_.string_or(f.key, x);
  }
  void epoch(double& unix_s, const schema::Field& f) {
    const auto v = value_of(f);
    if (!v) return;
    try {
      unix_s = geo::parse_utc_iso8601(v->string());
    } catch (const std::invalid_argument& e) {
      v->fail(fmt::format("'{}': {}", v->string(), e.what()));
    }
  }
  template <class E>
  void choice(E& x, const schema::Field& f, std::span<const schema::Choice<E>> choices) {
    const auto v = value_of(f);
    if (!v) return;
    const std::string s = v->string();
    std::string names;
    for (std::size_t i = 0; i < choices.size(); ++i) {
      if (choices[i].name == s) {
        x = choices[i].value;
        return;
      }
      names += (i == 0                    ? ""
                : i + 1 == choices.size() ? " or "
                                          : ", ") +
               std::string(choices[i].name);
    }
    v->fail(fmt::format("'{}': expected {}", s, names));
  }
  void vector3(Eigen::Vector3d& x, const schema::Field& f, std::string_view shape_message) {
    const auto v = value_of(f);
    if (!v) return;
    if (!v->is_sequence() || v->size() != 3) v->fail(shape_message);
    for (std::size_t i = 0; i < 3; ++i) x[static_cast<Eigen::Index>(i)] = (*v)[i].number(f.range);
  }
  void table(Table1D& t, const schema::Field& f, const schema::TableSpec& spec, bool) {
    const auto v = value_of(f);
    if (!v) return;
    const auto rows = read_rows(*v, spec);
    t = column_table(rows, 1);
  }
  void table(Table1D& y1, Table1D& y2, const schema::Field& f, const schema::TableSpec& spec,
             bool) {
    const auto v = value_of(f);
    if (!v) return;
    const auto rows = read_rows(*v, spec);
    y1 = column_table(rows, 1);
    y2 = column_table(rows, 2);
  }
  template <class Fn>
  void section(const schema::Field& f, bool, Fn&& fn) {
    const auto v = value_of(f);
    if (!v) return;
    ReadArchive sub(*v);
    fn(sub);
    sub.finish();
  }
  template <class T, class Fn>
  void section(std::optional<T>& o, const schema::Field& f, Fn&& fn) {
    const auto v = value_of(f);
    if (!v) return;
    ReadArchive sub(*v);
    o.emplace();
    fn(sub, *o);
    sub.finish();
  }
  template <class T, class Fn>
  void list(std::vector<T>& out, const schema::Field& f, const schema::ListSpec& spec, Fn&& fn) {
    const auto v = value_of(f);
    if (!v) return;
    const std::size_t n = v->size();
    if (n < spec.min_size)
      v->fail(spec.too_short.empty() ? fmt::format("expected at least {} entries", spec.min_size)
                                     : std::string(spec.too_short));
    out.clear();
    out.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      ReadArchive sub((*v)[i]);
      fn(sub, out[i], i);
      sub.finish();
    }
  }
  void forms(const schema::Forms& r) {
    bool touched[2] = {false, false};
    for (int k = 0; k < 2; ++k) {
      const schema::Form& form = r.forms[k];
      std::size_t given = 0;
      bool complete = true;
      for (std::size_t i = 0; i < 2; ++i) {
        if (form.keys[i].empty()) continue;
        const bool p = present(form.keys[i]);
        given += p ? 1 : 0;
        if (i < form.required && !p) complete = false;
      }
      touched[k] = given > 0;
      if (touched[k] && !complete) fail(form.incomplete.empty() ? r.neither : form.incomplete);
    }
    if (touched[0] && touched[1]) {
      if (r.both_at_key) fail_at(r.forms[1].keys[0], r.both);
      fail(r.both);
    }
    if (!touched[0] && !touched[1]) fail(r.neither);
  }
  template <class Fn>
  void after_read(Fn&& fn) {
    fn(*this);
  }

 private:
  // The value of a key as its need says: required (an error if missing), else if given.
  std::optional<Value> value_of(const schema::Field& f) {
    if (f.need == schema::Need::required) return m_.required(f.key);
    return m_.optional(f.key);
  }
  void read(double& x, const schema::Field& f) {
    switch (f.need) {
      case schema::Need::required:
        x = m_.number(f.key, f.range);
        break;
      case schema::Need::defaulted:
        x = m_.number_or(f.key, x, f.range);
        break;
      default:
        if (auto v = m_.optional_number(f.key, f.range)) x = *v;
    }
  }
  // Rows of a table: the abscissa strictly increasing, then each cell in its column's range.
  static std::vector<std::vector<double>> read_rows(const Value& v, const schema::TableSpec& spec) {
    auto rows = v.rows(spec.columns.size());
    for (std::size_t i = 1; i < rows.size(); ++i)
      if (!(rows[i][0] > rows[i - 1][0]))
        v[i].fail(fmt::format("{} must increase strictly from row to row ({} after {})",
                              spec.columns[0].name, rows[i][0], rows[i - 1][0]));
    if (rows.size() < spec.min_rows)
      v.fail(spec.min_rows_message.empty() ? fmt::format("expected at least {} rows", spec.min_rows)
                                           : std::string(spec.min_rows_message));
    bool all_zero = true;
    for (std::size_t i = 0; i < rows.size(); ++i)
      for (std::size_t j = 0; j < spec.columns.size(); ++j) {
        const schema::Column& c = spec.columns[j];
        if (!c.range.contains(rows[i][j]))
          v[i][j].fail(fmt::format("{} {}{}{}", c.name, c.range.describe(),
                                   c.unit_in_message ? " " : "", c.unit_in_message ? c.unit : ""));
        if (j > 0 && rows[i][j] != 0.0) all_zero = false;
      }
    if (!spec.zero_message.empty() && all_zero) v.fail(spec.zero_message);
    return rows;
  }
  static Table1D column_table(const std::vector<std::vector<double>>& rows, std::size_t column) {
    std::vector<double> x, y;
    for (const auto& r : rows) {
      x.push_back(r[0]);
      y.push_back(r[column]);
    }
    return Table1D(std::move(x), std::move(y));
  }

  Value value_;
  MapReader m_;
};

}  // namespace launchmc::config
