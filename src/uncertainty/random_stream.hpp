// Reproducible random streams: every random number of sample i comes from a small xoshiro256++
// engine seeded by (master seed, sample index, purpose), so results do not depend on threads.
//
// References:
//  - G. L. Steele Jr., D. Lea, C. H. Flood, "Fast splittable pseudorandom number generators",
//    OOPSLA 2014 (SplitMix64); finaliser constants of D. Stafford's "Mix13" variant, as in
//    Vigna's splitmix64.c.
//  - D. Blackman, S. Vigna, "Scrambled linear pseudorandom number generators", ACM Trans. Math.
//    Softw. 47(4), 2021 (xoshiro256++; reference code xoshiro256plusplus.c).
//
// Why not a counter-based engine or mt19937_64: Boost.Random 1.74 has no counter-based engine, and
// seeding mt19937_64 per sample costs microseconds. Constructing a RandomStream costs seven
// SplitMix64 finalisers (a few nanoseconds).
#pragma once

#include <array>
#include <concepts>
#include <cstdint>
#include <limits>
#include <random>

namespace launchmc::uncertainty {

// What a stream is used for. A model that draws more numbers from its own purpose never shifts the
// numbers of another purpose. Values are part of the reproducibility contract: never renumber.
enum class StreamPurpose : std::uint64_t {
  inputs = 1,               // uncertain scenario inputs (Monte Carlo sampler; LHS jitter)
  environment = 2,          // winds, atmosphere perturbations
  failures = 3,             // failure modes and their times
  navigation = 4,           // guidance / navigation noise
  shift = 5,                // Sobol' Cranley-Patterson shift, indexed by dimension (not by sample)
  lhs_permutation = 6,      // Latin hypercube permutation keys, indexed by (block, dimension)
  fragments = 7,            // breakup fragments: imparted velocities (stream (fragment seed, 0))
  bootstrap = 8,            // sensitivity indices' bootstrap resamples, indexed by replicate
  morris = 9,               // Morris trajectories of the candidate pool, indexed by trajectory
  sensitivity_groups = 10,  // a correlated group's uniforms in a sensitivity design, keyed by
                            // the group factor's value (engine/sampling.hpp)
};

// The SplitMix64 output function (a bijection of 64-bit words; Steele, Lea & Flood 2014).
constexpr std::uint64_t splitmix64_mix(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Seed of the stream (seed, index, purpose): a chain of SplitMix64 finalisers. For fixed seed and
// purpose it is a bijection of index (distinct samples never share a stream seed), and likewise a
// bijection of seed for fixed index and purpose.
constexpr std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t index,
                                 std::uint64_t purpose) noexcept {
  constexpr std::uint64_t golden = 0x9e3779b97f4a7c15ULL;  // 2^64 / golden ratio, odd
  std::uint64_t h = splitmix64_mix(seed + golden);
  h = splitmix64_mix(h + index);
  return splitmix64_mix(h + (purpose + 1) * golden);
}

// Largest double below 1 and the smallest value uniform01() returns: the open unit interval used
// by every sampler in this folder.
inline constexpr double uniform_open_lo = 0x1.0p-53;
inline constexpr double uniform_open_hi = 1.0 - 0x1.0p-53;

// Clamps x into [2^-53, 1 - 2^-53] so that inverse CDFs never see exactly 0 or 1 (which map to
// infinite quantiles). NaN passes through unchanged.
constexpr double u_to_open(double x) noexcept {
  if (x < uniform_open_lo) return uniform_open_lo;
  if (x > uniform_open_hi) return uniform_open_hi;
  return x;
}

// xoshiro256++ seeded from mix_seed(seed, index, purpose) through four SplitMix64 steps (the
// seeding Blackman & Vigna recommend). Satisfies std::uniform_random_bit_generator, so <random>
// and Boost.Random distributions accept it. Not thread-safe: one stream per sample and purpose.
class RandomStream {
 public:
  using result_type = std::uint64_t;

  RandomStream(std::uint64_t seed, std::uint64_t index, StreamPurpose purpose) noexcept
      : RandomStream(mix_seed(seed, index, static_cast<std::uint64_t>(purpose))) {}

  // A stream from an already mixed 64-bit seed (SplitMix64 seeding of the xoshiro state).
  explicit RandomStream(std::uint64_t stream_seed) noexcept {
    constexpr std::uint64_t golden = 0x9e3779b97f4a7c15ULL;
    for (auto& word : s_) {
      stream_seed += golden;
      word = splitmix64_mix(stream_seed);
    }
  }

  // A stream with the raw xoshiro256++ state (for checks against the reference implementation).
  // Throws std::invalid_argument if every word is 0 (the one state xoshiro never leaves).
  static RandomStream from_state(const std::array<std::uint64_t, 4>& state);

  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  // Next 64-bit output of xoshiro256++ (Blackman & Vigna, xoshiro256plusplus.c).
  result_type operator()() noexcept {
    const std::uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform on the OPEN interval (0, 1) with 53-bit resolution: k * 2^-53 for k in [1, 2^53 - 1],
  // all equally likely (a draw with k = 0 is rejected and redrawn, probability 2^-53). Offsetting
  // by half a step instead would round 1 - 2^-54 up to 1.0.
  double uniform01() noexcept {
    for (;;) {
      const std::uint64_t k = (*this)() >> 11;
      if (k != 0) return static_cast<double>(k) * 0x1.0p-53;
    }
  }

  // Standard normal by inversion of uniform01() (Wichura's AS241, see distribution.hpp), so one
  // uniform gives one normal and the range is symmetric, about [-8.21, 8.21]. Deterministic across
  // platforms that share the libm log/sqrt.
  double normal() noexcept;

 private:
  RandomStream() = default;
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept {
    return (x << k) | (x >> (64 - k));
  }

  std::array<std::uint64_t, 4> s_{};
};

static_assert(std::uniform_random_bit_generator<RandomStream>);

}  // namespace launchmc::uncertainty
