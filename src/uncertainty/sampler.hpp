// Samplers of the unit hypercube: for sample index i and dimension j, a uniform in (0,1) that is a
// pure function of (seed, i, j) (plus n for Latin hypercube), by Monte Carlo, LHS or Sobol'.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "uncertainty/random_stream.hpp"

namespace launchmc::uncertainty {

enum class SamplerKind { monte_carlo, latin_hypercube, sobol };

// How a Sobol' sampler randomises the sequence (see Sampler).
enum class SobolRandomisation { none, cranley_patterson_shift, digital_shift };

// "mc", "lhs", "sobol".
const char* to_string(SamplerKind kind) noexcept;
// Inverse of to_string; throws std::invalid_argument naming the valid choices otherwise.
SamplerKind sampler_from_string(std::string_view name);

// Immutable after construction; uniforms() is const, allocation-free and safe to call from many
// threads at once on the same Sampler.
//
//  - monte_carlo: u_ij is the j-th uniform01() of RandomStream(seed, i, inputs).
//  - latin_hypercube: u_ij = (pi_j(i) + v_ij) / n, where pi_j is a hash-based pseudo-random
//    permutation of {0..n-1} (A. Kensler, "Correlated Multi-Jittered Sampling", Pixar Technical
//    Memo 13-01, 2013, permute()) keyed by mix_seed(seed, j, lhs_permutation), and v_ij the j-th
//    uniform01() of RandomStream(seed, i, inputs). O(1) memory; for i in [0, n) every stratum
//    [k/n, (k+1)/n) of every dimension is hit exactly once (McKay, Beckman & Conover,
//    Technometrics 21(2), 1979). Indices i >= n continue with independent replicate designs:
//    block b = i / n uses the permutation keys mix_seed(seed, b * dims + j, lhs_permutation).
//    Requires 1 <= n <= 2^32 (Kensler's permutation works on 32-bit words).
//  - sobol: Sobol' points with the Joe & Kuo (2008) direction numbers of Boost.Random 1.74
//    (boost::random::sobol, up to 3667 dimensions), computed directly from the Gray code of i
//    (Antonov & Saleev 1979; Bratley & Fox, ACM TOMS 14, 1988), then randomised by a
//    Cranley-Patterson shift u = frac(x + s_j) (Cranley & Patterson, SIAM J. Numer. Anal. 13(6),
//    1976) done exactly in 64-bit fixed point, s_j from RandomStream(seed, j, shift). Independent
//    seeds give independent, unbiased randomised-QMC estimates, so a confidence interval can be
//    formed over replicates.
//    Convention: sample i is point i of the sequence in Joe & Kuo's numbering, INCLUDING the
//    initial point 0 = (0, ..., 0). Boost's engine skips that point (its first output is Joe &
//    Kuo's point 1); we keep it because the first 2^m points then form a (t, m, s)-net, which
//    dropping point 0 destroys (A. B. Owen, "On dropping the first Sobol' point", MCQMC 2020,
//    Springer 2022). Use n = 2^m samples for the best balance.
//    With sobol_shift = false the raw sequence is returned (point 0 then comes out as 2^-53).
//    SobolRandomisation::digital_shift randomises instead by a random digital shift
//    u = x XOR d_j in 64-bit fixed point (d_j from the same stream as the shift): unlike the
//    additive shift it keeps every (t, m, s)-net property of the sequence (each elementary
//    interval of a 2^m prefix still holds its share of points), and each point is still uniform
//    on the cube (J. Dick & F. Pillichshammer, Digital Nets and Sequences, Cambridge 2010,
//    sec. 4.4.1). The sensitivity designs (sensitivity/saltelli.hpp) use it.
//
// Every value is passed through u_to_open(), so none is exactly 0 or 1.
class Sampler {
 public:
  static constexpr std::size_t max_sobol_dimensions = 3667;  // Boost 1.74's Joe-Kuo table
  static constexpr std::uint64_t max_lhs_samples = std::uint64_t{1} << 32;

  // n_samples matters for LHS only (its stratum count). Throws std::invalid_argument for LHS with
  // n_samples outside [1, 2^32] and for Sobol' with more than 3667 dimensions.
  Sampler(SamplerKind kind, std::size_t dimensions, std::uint64_t seed, std::uint64_t n_samples,
          bool sobol_shift = true);
  // The same with the Sobol' randomisation named (sobol_shift = true is cranley_patterson_shift).
  Sampler(SamplerKind kind, std::size_t dimensions, std::uint64_t seed, std::uint64_t n_samples,
          SobolRandomisation sobol_randomisation);

  // Fills u[0..dimensions()) for sample i (u.size() must be >= dimensions(); further entries are
  // left alone). No allocation; thread-safe.
  void uniforms(std::uint64_t i, std::span<double> u) const;

  SamplerKind kind() const noexcept { return kind_; }
  std::size_t dimensions() const noexcept { return dims_; }
  std::uint64_t seed() const noexcept { return seed_; }
  std::uint64_t n_samples() const noexcept { return n_samples_; }

 private:
  void monte_carlo(std::uint64_t i, std::span<double> u) const noexcept;
  void latin_hypercube(std::uint64_t i, std::span<double> u) const noexcept;
  void sobol(std::uint64_t i, std::span<double> u) const noexcept;

  SamplerKind kind_;
  std::size_t dims_;
  std::uint64_t seed_;
  std::uint64_t n_samples_;
  SobolRandomisation sobol_randomisation_;
  std::vector<std::uint32_t> lhs_keys_;      // block 0 permutation keys, one per dimension
  std::vector<std::uint64_t> sobol_v_;       // direction numbers, [bit * dims + j], 64-bit
  std::vector<std::uint64_t> sobol_shifts_;  // shifts (added or XORed) in 2^-64 units, [j]
};

}  // namespace launchmc::uncertainty
