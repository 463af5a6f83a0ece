// PROBLEM.yaml -> sensitivity::Problem. The distributions are read by the config's own reader
// (config/distribution_reader.hpp) without a nominal value: absolute values, `mean` for the
// centre, no relative (_percent) forms.
#include "config/load_problem.hpp"

#include <fmt/format.h>

#include <set>

#include "config/distribution_reader.hpp"
#include "config/load_scenario.hpp"
#include "config/yaml_reader.hpp"

namespace launchmc::config {

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
    const std::optional<DistributionSpec> spec = find_distribution(m);
    m.finish();  // an unknown key (a misspelt distribution) is the better message
    if (!spec) v.fail(kMissingDistribution);
    problem.inputs.push_back({name, read_distribution(*spec, std::nullopt)});
  }
  if (problem.inputs.empty()) inputs.fail("needs at least one input");
  return problem;
}

sensitivity::Problem load_problem_file(const std::string& path) {
  return load_problem(read_text_file(path), path);
}

}  // namespace launchmc::config
