// Writing a model back as a config through the schema: every key the model holds, in schema
// order, numbers in their shortest exact form (so reading the text back gives the same model).
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cmath>

#include "config/load_scenario.hpp"
#include "scenario/schema_fields.hpp"

namespace launchmc::config {

namespace {

std::string number_text(double x) { return fmt::format("{}", x); }

// "2023-11-21T13:42:28Z" (fractional seconds when there are any).
std::string iso_utc(double unix_s) {
  const double whole = std::floor(unix_s);
  const std::chrono::sys_seconds t{std::chrono::seconds(static_cast<long long>(whole))};
  std::string out = fmt::format("{:%Y-%m-%dT%H:%M:%S}", t);
  if (unix_s > whole) out += fmt::format("{:.9f}", unix_s - whole).substr(1);
  return out + "Z";
}

YAML::Node flow_numbers(std::initializer_list<double> xs) {
  YAML::Node n(YAML::NodeType::Sequence);
  n.SetStyle(YAML::EmitterStyle::Flow);
  for (double x : xs) n.push_back(number_text(x));
  return n;
}

class WriteArchive {
 public:
  explicit WriteArchive(YAML::Node node) : node_(std::move(node)) {}

  void number(double& x, const schema::Field& f) { put(f.key, number_text(x)); }
  void number(double& x, const schema::Field& f, bool present) {
    if (present) put(f.key, number_text(x));
  }
  void number(std::optional<double>& x, const schema::Field& f) {
    if (x) put(f.key, number_text(*x));
  }
  void converted(double& x, const schema::Field& f, bool present) {
    if (present) put(f.key, number_text(x));
  }
  void integer(int& x, const schema::Field& f) { put(f.key, std::to_string(x)); }
  void boolean(bool& x, const schema::Field& f) { put(f.key, x ? "true" : "false"); }
  void text(std::string& x, const schema::Field& f) { put(f.key, x); }
  void epoch(double& x, const schema::Field& f) { put(f.key, iso_utc(x)); }
  template <class E>
  void choice(E& x, const schema::Field& f, std::span<const schema::Choice<E>> choices) {
    for (const auto& c : choices)
      if (c.value == x) put(f.key, std::string(c.name));
  }
  void vector3(Eigen::Vector3d& v, const schema::Field& f, std::string_view) {
    node_[std::string(f.key)] = flow_numbers({v[0], v[1], v[2]});
  }
  void table(Table1D& t, const schema::Field& f, const schema::TableSpec&, bool present) {
    if (!present) return;
    YAML::Node rows(YAML::NodeType::Sequence);
    for (std::size_t i = 0; i < t.size(); ++i) rows.push_back(flow_numbers({t.x()[i], t.y()[i]}));
    node_[std::string(f.key)] = rows;
  }
  void table(Table1D& a, Table1D& b, const schema::Field& f, const schema::TableSpec&,
             bool present) {
    if (!present) return;
    YAML::Node rows(YAML::NodeType::Sequence);
    for (std::size_t i = 0; i < a.size(); ++i)
      rows.push_back(flow_numbers({a.x()[i], a.y()[i], b.y()[i]}));
    node_[std::string(f.key)] = rows;
  }
  template <class Fn>
  void section(const schema::Field& f, bool present, Fn&& fn) {
    if (!present) return;
    WriteArchive sub{YAML::Node(YAML::NodeType::Map)};
    fn(sub);
    node_[std::string(f.key)] = sub.node_;
  }
  template <class T, class Fn>
  void section(std::optional<T>& o, const schema::Field& f, Fn&& fn) {
    if (!o) return;
    WriteArchive sub{YAML::Node(YAML::NodeType::Map)};
    fn(sub, *o);
    node_[std::string(f.key)] = sub.node_;
  }
  template <class T, class Fn>
  void list(std::vector<T>& v, const schema::Field& f, const schema::ListSpec&, Fn&& fn) {
    if (v.empty()) return;
    YAML::Node seq(YAML::NodeType::Sequence);
    for (std::size_t i = 0; i < v.size(); ++i) {
      WriteArchive sub{YAML::Node(YAML::NodeType::Map)};
      fn(sub, v[i], i);
      seq.push_back(sub.node_);
    }
    node_[std::string(f.key)] = seq;
  }
  void forms(const schema::Forms&) {}
  template <class Fn>
  void after_read(Fn&&) {}

  const YAML::Node& node() const noexcept { return node_; }

 private:
  void put(std::string_view key, const std::string& value) { node_[std::string(key)] = value; }
  YAML::Node node_;
};

}  // namespace

std::string write_config(const Study& study) {
  Study s = study;  // the archive visits through non-const references; a copy keeps this const
  WriteArchive a{YAML::Node(YAML::NodeType::Map)};
  schema::fields(a, s.scenario);
  a.list(s.dispersions.failures, {.key = "failures"}, {},
         [&](auto& sub, FailureMode& f, std::size_t) { schema::fields(sub, f, s.scenario); });
  YAML::Emitter out;
  out << a.node();
  return std::string(out.c_str()) + "\n";
}

}  // namespace launchmc::config
