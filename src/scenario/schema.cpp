// Wording of ranges and problems, and the docs archive: the parameter tables of docs/config.md
// written from the schema declarations.
#include "scenario/schema.hpp"

#include <fmt/format.h>

#include <Eigen/Core>
#include <functional>
#include <stdexcept>

#include "scenario/schema_fields.hpp"

namespace launchmc::schema {

namespace {

// Shortest text that reads back as x, without fmt's "e-09" padding.
std::string number_text(double x) {
  std::string s = fmt::format("{}", x);
  for (const char* pad : {"e-0", "e+0"}) {
    const auto at = s.find(pad);
    if (at != std::string::npos) s.erase(at + 2, 1);
  }
  if (const auto at = s.find("e+"); at != std::string::npos) s.erase(at + 1, 1);
  return s;
}

}  // namespace

std::string Range::describe() const {
  if (has_lo() && has_hi())
    return fmt::format("must be in {}{}, {}{}", lo_open ? "(" : "[", lo, hi, hi_open ? ")" : "]");
  if (has_lo()) return fmt::format("must be {} {}", lo_open ? ">" : ">=", lo);
  if (has_hi()) return fmt::format("must be {} {}", hi_open ? "<" : "<=", hi);
  return "must be a finite number";
}

std::string Range::interval() const {
  if (has_lo() && has_hi())
    return fmt::format("{}{}, {}{}", lo_open ? "(" : "[", number_text(lo), number_text(hi),
                       hi_open ? ")" : "]");
  if (has_lo()) return fmt::format("{} {}", lo_open ? ">" : ">=", number_text(lo));
  if (has_hi()) return fmt::format("{} {}", hi_open ? "<" : "<=", number_text(hi));
  return "";
}

std::string Problem::detail() const {
  return has_value() ? fmt::format("= {}: {}", value, message) : message;
}

std::string Problem::text() const {
  return has_value() ? fmt::format("{} = {}: {}", path, value, message)
                     : fmt::format("{}: {}", path, message);
}

namespace {

// Writes one row per key of one map: key, unit, range, default, dispersable, meaning. Nested
// maps and lists get a row of their own and a table of their own (they are not entered).
class DocsArchive {
 public:
  std::string rows;

  void number(double& x, const Field& f) {
    row(f, f.range.interval(), default_of(f, number_text(x)));
  }
  void number(double& x, const Field& f, bool) {
    row(f, f.range.interval(), default_of(f, number_text(x)));
  }
  void number(std::optional<double>&, const Field& f) {
    row(f, f.range.interval(), default_of(f, "none"));
  }
  void converted(double&, const Field& f, bool) { row(f, f.range.interval(), default_of(f, "")); }
  void integer(int& x, const Field& f) {
    row(f, fmt::format("integer in {}", f.range.interval()), default_of(f, std::to_string(x)));
  }
  void boolean(bool& x, const Field& f) {
    row(f, "true, false", default_of(f, x ? "true" : "false"));
  }
  void text(std::string& x, const Field& f) { row(f, "text", default_of(f, x)); }
  void epoch(double&, const Field& f) { row(f, "ISO 8601 time", default_of(f, "")); }
  template <class E>
  void choice(E& x, const Field& f, std::span<const Choice<E>> choices) {
    std::string names, current;
    for (const auto& c : choices) {
      names += (names.empty() ? "`" : ", `") + std::string(c.name) + "`";
      if (c.value == x) current = fmt::format("`{}`", c.name);
    }
    row(f, names, default_of(f, current));
  }
  void vector3(Eigen::Vector3d&, const Field& f, std::string_view) {
    row(f, fmt::format("3 numbers, each in {}", f.range.interval()), default_of(f, ""));
  }
  void table(Table1D&, const Field& f, const TableSpec& spec, bool) {
    row(f, columns(spec), default_of(f, ""));
  }
  void table(Table1D&, Table1D&, const Field& f, const TableSpec& spec, bool) {
    row(f, columns(spec), default_of(f, ""));
  }
  template <class Fn>
  void section(const Field& f, bool, Fn&&) {
    row(f, "map", default_of(f, "all defaults"));
  }
  template <class T, class Fn>
  void section(std::optional<T>&, const Field& f, Fn&&) {
    row(f, "map", default_of(f, "none"));
  }
  template <class T, class Fn>
  void list(std::vector<T>&, const Field& f, const ListSpec& spec, Fn&&) {
    row(f,
        spec.min_size > 0 ? fmt::format("list, at least {}", spec.min_size) : std::string("list"),
        default_of(f, "none"));
  }
  void forms(const Forms&) {}
  template <class Fn>
  void after_read(Fn&&) {}

 private:
  static std::string default_of(const Field& f, const std::string& value) {
    if (f.need == Need::required) return "required";
    if (!f.default_text.empty()) return std::string(f.default_text);
    return value;
  }
  static std::string columns(const TableSpec& spec) {
    std::string out = "rows";
    if (spec.min_rows > 1) out += fmt::format(" (at least {})", spec.min_rows);
    out += ":";
    for (std::size_t j = 0; j < spec.columns.size(); ++j) {
      const Column& c = spec.columns[j];
      const std::string range = c.range.interval();
      out += fmt::format("{} {}{}{}", j == 0 ? "" : ",", c.name, range.empty() ? "" : " ", range);
      if (j == 0) out += " increasing";
    }
    return out;
  }
  void row(const Field& f, const std::string& range, const std::string& dflt) {
    rows += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", f.key, f.unit, range, dflt,
                        f.dispersable ? "yes" : "", f.meaning);
  }
};

struct TableDef {
  std::string_view name;
  std::function<void(DocsArchive&)> visit;
};

const std::vector<TableDef>& tables() {
  static const std::vector<TableDef> defs = {
      {"top",
       [](DocsArchive& a) {
         Scenario sc;
         fields(a, sc);
       }},
      {"launch",
       [](DocsArchive& a) {
         Scenario sc;
         launch_fields(a, sc);
       }},
      {"atmosphere",
       [](DocsArchive& a) {
         Scenario sc;
         atmosphere_fields(a, sc);
       }},
      {"gravity",
       [](DocsArchive& a) {
         Scenario sc;
         gravity_fields(a, sc);
       }},
      {"earth",
       [](DocsArchive& a) {
         EarthModel e;
         fields(a, e);
       }},
      {"vehicle",
       [](DocsArchive& a) {
         vehicle::Vehicle v;
         fields(a, v);
       }},
      {"payload",
       [](DocsArchive& a) {
         vehicle::Payload p;
         fields(a, p);
       }},
      {"fairing",
       [](DocsArchive& a) {
         vehicle::Fairing f;
         fields(a, f);
       }},
      {"stage",
       [](DocsArchive& a) {
         vehicle::Stage s;
         fields(a, s, 0);
       }},
      {"debris",
       [](DocsArchive& a) {
         vehicle::DebrisClass d;
         fields(a, d);
       }},
      {"drag",
       [](DocsArchive& a) {
         vehicle::DragModel d;
         fields(a, d);
       }},
      {"energy_cutoff",
       [](DocsArchive& a) {
         vehicle::EnergyCutoff e;
         fields(a, e);
       }},
      {"closed_loop",
       [](DocsArchive& a) {
         guidance::ClosedLoop c;
         fields(a, c);
       }},
      {"orbit_target",
       [](DocsArchive& a) {
         guidance::OrbitTargetSpec o;
         fields(a, o);
       }},
      {"ballistic_target",
       [](DocsArchive& a) {
         guidance::BallisticTarget b;
         fields(a, b);
       }},
      {"navigation",
       [](DocsArchive& a) {
         guidance::Navigation n;
         fields(a, n);
       }},
      {"open_loop",
       [](DocsArchive& a) {
         guidance::OpenLoopProgram g;
         fields(a, g);
       }},
      {"yaw_step",
       [](DocsArchive& a) {
         guidance::YawStep y;
         fields(a, y);
       }},
      {"integrator",
       [](DocsArchive& a) {
         IntegratorSettings s;
         fields(a, s);
       }},
      {"limits",
       [](DocsArchive& a) {
         FlightLimits l;
         fields(a, l);
       }},
      {"output",
       [](DocsArchive& a) {
         Scenario sc;
         output_fields(a, sc);
       }},
      {"iip",
       [](DocsArchive& a) {
         IipSettings s;
         fields(a, s);
       }},
      {"report",
       [](DocsArchive& a) {
         ReportSettings s;
         fields(a, s);
       }},
      {"risk",
       [](DocsArchive& a) {
         RiskSettings r;
         fields(a, r);
       }},
      {"risk_region",
       [](DocsArchive& a) {
         RiskSettings::Box b;
         fields(a, b);
       }},
      {"iip_zone",
       [](DocsArchive& a) {
         IipZone z;
         fields(a, z, 2);
       }},
      {"geo_point",
       [](DocsArchive& a) {
         GeoPoint p;
         fields(a, p);
       }},
      {"range_safety",
       [](DocsArchive& a) {
         RangeSafety rs;
         fields(a, rs);
       }},
      {"iip_corridor",
       [](DocsArchive& a) {
         IipCorridorRule r;
         fields(a, r);
       }},
      {"deviation_limit",
       [](DocsArchive& a) {
         DeviationRule r;
         fields(a, r);
       }},
      {"failure",
       [](DocsArchive& a) {
         Scenario sc;
         FailureMode f;
         fields(a, f, sc);
       }},
  };
  return defs;
}

}  // namespace

std::vector<std::string> table_names() {
  std::vector<std::string> out;
  for (const auto& t : tables()) out.emplace_back(t.name);
  return out;
}

std::string markdown_table(std::string_view name) {
  for (const auto& t : tables()) {
    if (t.name != name) continue;
    DocsArchive a;
    t.visit(a);
    return "| key | unit | range | default | dispersable | meaning |\n|---|---|---|---|---|---|\n" +
           a.rows;
  }
  throw std::invalid_argument(fmt::format("no schema table named '{}'", name));
}

std::string update_markdown(const std::string& document) {
  static constexpr std::string_view kOpen = "<!-- schema: ";
  static constexpr std::string_view kClose = "<!-- /schema -->";
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t open = document.find(kOpen, pos);
    if (open == std::string::npos) break;
    const std::size_t name_end = document.find(" -->", open);
    const std::size_t line_end = document.find('\n', open);
    if (name_end == std::string::npos || line_end == std::string::npos || name_end > line_end)
      throw std::invalid_argument("a '<!-- schema: NAME -->' marker must be a line of its own");
    const std::string name = document.substr(open + kOpen.size(), name_end - open - kOpen.size());
    const std::size_t close = document.find(kClose, line_end);
    if (close == std::string::npos)
      throw std::invalid_argument(
          fmt::format("the schema table '{}' is not closed by '{}'", name, kClose));
    out.append(document, pos, line_end + 1 - pos);
    out += markdown_table(name);
    pos = close;
  }
  out.append(document, pos, std::string::npos);
  return out;
}

}  // namespace launchmc::schema
