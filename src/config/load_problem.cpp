// PROBLEM.yaml -> sensitivity::Problem. The distribution keys are the config's (config/
// load_scenario.cpp, read_input) with absolute values: where a config's input gives deviations
// from the parameter's nominal value (lo, hi, mode, bias) a problem gives the values themselves,
// and `mean` takes the place of the nominal value; relative (_percent) forms have no nominal to
// refer to and are not accepted.
#include "config/load_problem.hpp"

#include <fmt/format.h>

#include <set>

#include "config/load_scenario.hpp"
#include "config/yaml_reader.hpp"

namespace launchmc::config {

namespace {

constexpr const char* kKinds[] = {"normal",     "truncated_normal", "uniform",
                                  "triangular", "lognormal",        "discrete"};

uncertainty::Distribution read_distribution(const Value& spec, const std::string& kind) {
  MapReader d(spec);
  std::optional<uncertainty::Distribution> dist;
  try {
    if (kind == "normal") {
      dist = uncertainty::Distribution::normal(d.number("mean"), d.number("sd", Range::positive()));
    } else if (kind == "truncated_normal") {
      const double mean = d.number("mean"), sd = d.number("sd", Range::positive());
      const double lo = d.number("lo"), hi = d.number("hi");
      if (!(lo < hi)) spec.fail("lo must be below hi");
      dist = uncertainty::Distribution::truncated_normal(mean, sd, lo, hi);
    } else if (kind == "uniform") {
      const double lo = d.number("lo"), hi = d.number("hi");
      if (!(lo < hi)) spec.fail("lo must be below hi");
      dist = uncertainty::Distribution::uniform(lo, hi);
    } else if (kind == "triangular") {
      const double lo = d.number("lo"), mode = d.number("mode"), hi = d.number("hi");
      if (!(lo <= mode && mode <= hi && lo < hi)) spec.fail("need lo <= mode <= hi and lo < hi");
      dist = uncertainty::Distribution::triangular(lo, mode, hi);
    } else if (kind == "lognormal") {
      dist = uncertainty::Distribution::lognormal_from_mean_sd(d.number("mean", Range::positive()),
                                                               d.number("sd", Range::positive()));
    } else {
      const Value values = d.required("values");
      const Value weights = d.required("weights");
      std::vector<double> xs, ws;
      for (std::size_t i = 0; i < values.size(); ++i) xs.push_back(values[i].number());
      for (std::size_t i = 0; i < weights.size(); ++i)
        ws.push_back(weights[i].number(Range::positive()));
      if (xs.empty() || xs.size() != ws.size())
        weights.fail("values and weights must be non-empty lists of the same length");
      dist = uncertainty::Distribution::discrete(xs, ws);
    }
  } catch (const std::invalid_argument& e) {
    spec.fail(e.what());
  }
  d.finish();
  return *dist;
}

}  // namespace

sensitivity::Problem load_problem(const std::string& text, const std::string& file) {
  Value root = parse_document(text, file);
  if (!root.is_map()) root.fail("expected a map with the key 'inputs'");
  MapReader top(root);
  if (auto c = top.optional("correlations"))
    c->fail(
        "correlated inputs are not supported: the Sobol' and Morris estimators assume independent "
        "inputs (give each input its own distribution)");
  const Value inputs = top.required("inputs");
  top.finish();
  sensitivity::Problem problem;
  std::set<std::string> names;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Value v = inputs[i];
    MapReader m(v);
    const Value name_value = m.required("name");
    const std::string name = name_value.string();
    if (name.empty() || name == "." || name.find('/') != std::string::npos ||
        name.find_first_of("\n\r\t") != std::string::npos)
      name_value.fail(fmt::format(
          "'{}': a name must be non-empty, not '.', without '/' or control characters (it names "
          "an HDF5 dataset)",
          name));
    if (!names.insert(name).second) name_value.fail(fmt::format("'{}' is named twice", name));
    std::optional<Value> spec;
    std::string kind;
    for (const char* k : kKinds) {
      if (auto s = m.optional(k)) {
        if (spec) s->fail("give exactly one distribution per input");
        spec = s;
        kind = k;
      }
    }
    m.finish();  // an unknown key (a misspelt distribution) is the better message
    if (!spec)
      v.fail(
          "missing distribution: one of normal, truncated_normal, uniform, triangular, lognormal, "
          "discrete");
    problem.inputs.push_back({name, read_distribution(*spec, kind)});
  }
  if (problem.inputs.empty()) inputs.fail("needs at least one input");
  return problem;
}

sensitivity::Problem load_problem_file(const std::string& path) {
  return load_problem(read_text_file(path), path);
}

}  // namespace launchmc::config
