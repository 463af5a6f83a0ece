// The distribution vocabulary of configs and sensitivity problems (see distribution_reader.hpp).
#include "config/distribution_reader.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace launchmc::config {

std::optional<DistributionSpec> find_distribution(MapReader& m) {
  static const char* kinds[] = {"normal",     "truncated_normal", "uniform",
                                "triangular", "lognormal",        "discrete"};
  std::optional<DistributionSpec> found;
  for (const char* k : kinds) {
    if (auto s = m.optional(k)) {
      if (found) s->fail("give exactly one distribution per input");
      found = DistributionSpec{*s, k};
    }
  }
  return found;
}

uncertainty::Distribution read_distribution(const DistributionSpec& s,
                                            std::optional<double> nominal) {
  const Value& spec = s.spec;
  const std::string& kind = s.kind;
  MapReader d(spec);
  const bool relative = nominal.has_value();
  const double base = nominal.value_or(0.0);  // what lo, hi, mode, bias are measured from
  // An absolute amount `key`, or (relative inputs only) one relative to |nominal| `key_percent`.
  auto amount = [&](const std::string& key, bool required,
                    const Range& range) -> std::optional<double> {
    if (!relative) {
      if (required) return d.number(key, range);
      return d.optional_number(key, range);
    }
    const auto abs = d.optional_number(key, range);
    const auto pct = d.optional_number(key + "_percent", range);
    if (abs && pct) spec.fail(fmt::format("give {} or {}_percent, not both", key, key));
    if (pct) return *pct / 100.0 * std::abs(*nominal);
    if (!abs && required) spec.fail(fmt::format("missing {} (or {}_percent)", key, key));
    return abs;
  };
  // The centre of normal, truncated normal and lognormal: the nominal, or the key `mean`.
  auto centre = [&](const Range& range) { return relative ? *nominal : d.number("mean", range); };
  std::optional<uncertainty::Distribution> dist;
  try {
    if (kind == "normal") {
      const double mean = centre(Range::any());
      const double sd = *amount("sd", true, Range::positive());
      const double bias = relative ? amount("bias", false, Range::any()).value_or(0.0) : 0.0;
      dist = uncertainty::Distribution::normal(mean + bias, sd);
    } else if (kind == "truncated_normal") {
      const double mean = centre(Range::any());
      const double sd = *amount("sd", true, Range::positive());
      const double lo = *amount("lo", true, Range::any());
      const double hi = *amount("hi", true, Range::any());
      if (!(lo < hi)) spec.fail("lo must be below hi");
      dist = uncertainty::Distribution::truncated_normal(mean, sd, base + lo, base + hi);
    } else if (kind == "uniform") {
      const auto half = relative ? amount("half_width", false, Range::positive()) : std::nullopt;
      double lo = 0, hi = 0;
      if (half) {
        lo = -*half;
        hi = *half;
      } else {
        lo = *amount("lo", true, Range::any());
        hi = *amount("hi", true, Range::any());
      }
      if (!(lo < hi)) spec.fail("lo must be below hi");
      dist = uncertainty::Distribution::uniform(base + lo, base + hi);
    } else if (kind == "triangular") {
      const double lo = *amount("lo", true, Range::any());
      const double mode = relative ? amount("mode", false, Range::any()).value_or(0.0)
                                   : *amount("mode", true, Range::any());
      const double hi = *amount("hi", true, Range::any());
      if (!(lo <= mode && mode <= hi && lo < hi)) spec.fail("need lo <= mode <= hi and lo < hi");
      dist = uncertainty::Distribution::triangular(base + lo, base + mode, base + hi);
    } else if (kind == "lognormal") {
      if (relative && !(*nominal > 0.0))
        spec.fail("a lognormal input needs a positive nominal value");
      const double mean = centre(Range::positive());
      const double sd = *amount("sd", true, Range::positive());
      dist = uncertainty::Distribution::lognormal_from_mean_sd(mean, sd);
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

}  // namespace launchmc::config
