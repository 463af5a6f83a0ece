// Reproducible random streams (xoshiro256++ seeded by SplitMix64): the out-of-line parts.
#include "uncertainty/random_stream.hpp"

#include <stdexcept>

#include "uncertainty/distribution.hpp"

namespace launchmc::uncertainty {

RandomStream RandomStream::from_state(const std::array<std::uint64_t, 4>& state) {
  if (state[0] == 0 && state[1] == 0 && state[2] == 0 && state[3] == 0) {
    throw std::invalid_argument(
        "RandomStream::from_state: the all-zero xoshiro256++ state is invalid");
  }
  RandomStream stream;
  stream.s_ = state;
  return stream;
}

double RandomStream::normal() noexcept { return standard_normal_quantile(uniform01()); }

}  // namespace launchmc::uncertainty
