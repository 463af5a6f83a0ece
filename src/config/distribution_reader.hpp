// One reader of the distribution vocabulary (normal, truncated_normal, uniform, triangular,
// lognormal, discrete) for the config's uncertain inputs (relative to a parameter's nominal value)
// and for sensitivity problems (absolute values). Private to src/config/.
#pragma once

#include <optional>
#include <string>

#include "config/yaml_reader.hpp"
#include "uncertainty/distribution.hpp"

namespace launchmc::config {

// The distribution key of the map `m` reads (exactly one of the vocabulary; a second one is an
// error at it), or nullopt when none is given. The caller finishes `m`.
struct DistributionSpec {
  Value spec;
  std::string kind;
};
std::optional<DistributionSpec> find_distribution(MapReader& m);
inline constexpr const char* kMissingDistribution =
    "missing distribution: one of normal, truncated_normal, uniform, triangular, lognormal, "
    "discrete";

// Reads the distribution's own map.
//  - With a nominal value (a config input): spreads are absolute or relative to |nominal| (keys
//    ending in _percent); lo, hi, mode and bias are deviations from the nominal; the centre of
//    normal, truncated_normal and lognormal is the nominal (docs/config.md).
//  - Without (a sensitivity problem): every value is absolute, the centre is the key `mean`,
//    triangular's `mode` is required, and no _percent or half_width form exists.
// Discrete values are absolute in both. Errors: ConfigError at the offending node.
uncertainty::Distribution read_distribution(const DistributionSpec& spec,
                                            std::optional<double> nominal);

}  // namespace launchmc::config
