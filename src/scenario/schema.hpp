// The config schema's vocabulary: what one declaration of a config key says (name, unit, range,
// default or required, dispersable, meaning) and the problems that validation reports. The
// declarations themselves are in scenario/schema_fields.hpp, one function per config struct,
// visited by archives (Drake's Serialize(Archive*) idea): the YAML reader and writer (config/),
// the parameter-path binding and path list (scenario/parameters), validate() (scenario/validate)
// and the parameter tables of docs/config.md (schema::markdown_tables, below).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace launchmc::schema {

// A numeric constraint. Bounds at +-kUnbounded are absent. contains() is what every archive
// checks; describe() is its wording in messages ("must be in [-90, 90]", "must be > 0").
inline constexpr double kUnbounded = 1e308;
struct Range {
  double lo = -kUnbounded;
  double hi = kUnbounded;
  bool lo_open = false;
  bool hi_open = false;

  static constexpr Range any() { return {}; }
  static constexpr Range positive() { return {0.0, kUnbounded, true, false}; }
  static constexpr Range non_negative() { return {0.0, kUnbounded, false, false}; }
  static constexpr Range closed(double a, double b) { return {a, b, false, false}; }
  static constexpr Range half_open(double a, double b) { return {a, b, false, true}; }  // [a, b)
  static constexpr Range at_least(double a) { return {a, kUnbounded, false, false}; }

  constexpr bool has_lo() const noexcept { return lo > -kUnbounded * 0.1; }
  constexpr bool has_hi() const noexcept { return hi < kUnbounded * 0.1; }
  // False for NaN and for anything outside the bounds.
  constexpr bool contains(double x) const noexcept {
    if (lo_open ? !(x > lo) : !(x >= lo)) return false;
    if (hi_open ? !(x < hi) : !(x <= hi)) return false;
    return true;
  }
  std::string describe() const;  // "must be in [a, b]", "must be > 0", "must be a finite number"
  std::string interval() const;  // for the docs: "[a, b]", "> 0", "" when unbounded
};

// Whether a key must be in the config.
enum class Need : std::uint8_t {
  required,   // must be given
  defaulted,  // may be left out: the default applies
  optional,   // may be left out: then there is none (no fairing, no cutoff time, a free node)
  form,       // one of alternative forms of a map (see Forms): given or not as the form says
};

// The declaration of one config key.
struct Field {
  std::string_view key = {};
  std::string_view unit =
      {};  // SI-style unit of the value ("kg", "deg", "-"); "" for text and switches
  Range range = {};
  Need need = Need::required;
  bool dispersable = false;            // a Monte Carlo input or `target --vary` may set it
  std::string_view meaning = {};       // one line for the docs
  std::string_view default_text = {};  // the default in words, where its value does not say it
  std::string_view absent = {};        // why its parameter path names nothing when it is left out
};

// One value of an enumeration key ("mode: orbit").
template <class E>
struct Choice {
  std::string_view name;
  E value;
};

// A column of a table; column 0 is the abscissa and increases strictly from row to row.
struct Column {
  std::string_view name = {};  // in messages: "Mach must be >= 0"
  std::string_view unit = {};
  Range range = {};
  bool unit_in_message = false;  // "pitch must be in [-90, 90] deg"
};

struct TableSpec {
  std::span<const Column> columns = {};
  std::size_t min_rows = 1;
  std::string_view min_rows_message =
      {};                              // when there are fewer rows (the generic message if empty)
  std::string_view zero_message = {};  // if set: the value column must not be zero everywhere
  bool values_dispersable = false;     // its value cells are parameters (`key[row][1]`)
};

struct ListSpec {
  std::size_t min_size = 0;
  std::string_view too_short = {};  // message when there are fewer entries
};

// Alternative forms of a map's keys: exactly one form must be given, with its first `required`
// keys (e.g. perigee and apogee, or semi-major axis and eccentricity). Only a reader of a
// config has anything to check: the model holds the one form it was given.
struct Form {
  std::string_view keys[2] = {};
  std::size_t required = 1;
  std::string_view incomplete = {};  // message when the form is given in part ("" = Forms::neither)
};
struct Forms {
  Form forms[2] = {};
  std::string_view neither = {};  // no form given
  std::string_view both = {};     // keys of both forms given
  bool both_at_key = false;       // `both` is reported at the second form's key, else at the map
};

// What validation found wrong: the key path, the offending value (NaN if the message says it
// all) and the constraint. text(): "vehicle.stages[1].propellant_mass_kg = -3: must be > 0".
struct Problem {
  std::string path;
  double value = std::nan("");
  std::string message;

  bool has_value() const noexcept { return !std::isnan(value); }
  std::string detail() const;  // "= -3: must be > 0", or the message alone
  std::string text() const;    // path and detail
};

// The parameter tables of docs/config.md, generated from the declarations. A table is marked in
// the document by `<!-- schema: NAME -->` ... `<!-- /schema -->`.
std::vector<std::string> table_names();
std::string markdown_table(std::string_view name);  // throws std::invalid_argument: unknown name
// `document` with the text between every pair of markers replaced by the generated table.
// Throws std::invalid_argument on an unknown table name or an unclosed marker.
std::string update_markdown(const std::string& document);

}  // namespace launchmc::schema
