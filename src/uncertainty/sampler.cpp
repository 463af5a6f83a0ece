// Samplers of the unit hypercube (Monte Carlo, Latin hypercube, randomised Sobol'): see
// sampler.hpp for the methods and their references.
#include "uncertainty/sampler.hpp"

#include <algorithm>
#include <bit>
#include <boost/random/sobol.hpp>
#include <cmath>
#include <stdexcept>
#include <string>

namespace launchmc::uncertainty {

static_assert(Sampler::max_sobol_dimensions ==
              boost::random::detail::qrng_tables::sobol::max_dimension);

namespace {

// Kensler's hash-based permutation of {0..l-1} keyed by p, evaluated at i < l (Pixar Technical
// Memo 13-01, 2013, listing "permute"). Every step is a bijection on the low bits below the mask
// w (xor with a key, multiplication by an odd constant, xorshift of the masked bits), so the
// loop is a bijection on [0, w]; cycle walking (repeat while >= l) restricts it to [0, l), in at
// most ~2 rounds on average since w < 2 l.
// l in [1, 2^32] (taken as 64-bit so that l = 2^32 works).
constexpr std::uint32_t kensler_permute(std::uint32_t i, std::uint64_t l, std::uint32_t p) {
  auto w = static_cast<std::uint32_t>(l - 1);
  w |= w >> 1;
  w |= w >> 2;
  w |= w >> 4;
  w |= w >> 8;
  w |= w >> 16;
  do {
    i ^= p;
    i *= 0xe170893du;
    i ^= p >> 16;
    i ^= (i & w) >> 4;
    i ^= p >> 8;
    i *= 0x0929eb3fu;
    i ^= p >> 23;
    i ^= (i & w) >> 1;
    i *= 1u | p >> 27;
    i *= 0x6935fa69u;
    i ^= (i & w) >> 11;
    i *= 0x74dcb303u;
    i ^= (i & w) >> 2;
    i *= 0x9e501cc3u;
    i ^= (i & w) >> 2;
    i *= 0xc860a3dfu;
    i &= w;
    i ^= i >> 5;
  } while (i >= l);
  return static_cast<std::uint32_t>((std::uint64_t{i} + p) % l);
}

std::uint32_t lhs_key(std::uint64_t seed, std::uint64_t block, std::size_t dims, std::size_t j) {
  const std::uint64_t h =
      mix_seed(seed, block * dims + j, static_cast<std::uint64_t>(StreamPurpose::lhs_permutation));
  return static_cast<std::uint32_t>(h >> 32);
}

}  // namespace

const char* to_string(SamplerKind kind) noexcept {
  switch (kind) {
    case SamplerKind::monte_carlo:
      return "mc";
    case SamplerKind::latin_hypercube:
      return "lhs";
    case SamplerKind::sobol:
      return "sobol";
  }
  return "unknown";
}

SamplerKind sampler_from_string(std::string_view name) {
  if (name == "mc") return SamplerKind::monte_carlo;
  if (name == "lhs") return SamplerKind::latin_hypercube;
  if (name == "sobol") return SamplerKind::sobol;
  throw std::invalid_argument("unknown sampler \"" + std::string(name) +
                              "\": must be one of \"mc\", \"lhs\", \"sobol\"");
}

Sampler::Sampler(SamplerKind kind, std::size_t dimensions, std::uint64_t seed,
                 std::uint64_t n_samples, bool sobol_shift)
    : Sampler(
          kind, dimensions, seed, n_samples,
          sobol_shift ? SobolRandomisation::cranley_patterson_shift : SobolRandomisation::none) {}

Sampler::Sampler(SamplerKind kind, std::size_t dimensions, std::uint64_t seed,
                 std::uint64_t n_samples, SobolRandomisation sobol_randomisation)
    : kind_(kind),
      dims_(dimensions),
      seed_(seed),
      n_samples_(n_samples),
      sobol_randomisation_(sobol_randomisation) {
  switch (kind_) {
    case SamplerKind::monte_carlo:
      break;
    case SamplerKind::latin_hypercube:
      if (n_samples_ < 1 || n_samples_ > max_lhs_samples) {
        throw std::invalid_argument("Sampler: latin hypercube needs 1 <= n_samples <= 2^32, got " +
                                    std::to_string(n_samples_));
      }
      lhs_keys_.resize(dims_);
      for (std::size_t j = 0; j < dims_; ++j) lhs_keys_[j] = lhs_key(seed_, 0, dims_, j);
      break;
    case SamplerKind::sobol: {
      if (dims_ > max_sobol_dimensions) {
        throw std::invalid_argument("Sampler: sobol supports at most " +
                                    std::to_string(max_sobol_dimensions) + " dimensions, got " +
                                    std::to_string(dims_));
      }
      if (dims_ == 0) break;
      // Direction numbers V_r (r = 0..63) through Boost's public interface: seed(k) puts the
      // engine on its k-th vector, which is the XOR of V_r over the bits of gray(k + 1); for
      // k = 2^(r+1) - 2, gray(k + 1) = 2^r, so the vector read is V_r itself.
      boost::random::sobol engine(dims_);
      sobol_v_.resize(64 * dims_);
      for (unsigned r = 0; r < 64; ++r) {
        const std::uint64_t k = r == 63 ? ~std::uint64_t{0} - 1 : (std::uint64_t{2} << r) - 2;
        engine.seed(k);
        for (std::size_t j = 0; j < dims_; ++j) sobol_v_[r * dims_ + j] = engine();
      }
      sobol_shifts_.assign(dims_, 0);
      if (sobol_randomisation_ != SobolRandomisation::none) {
        for (std::size_t j = 0; j < dims_; ++j) {
          sobol_shifts_[j] = RandomStream(seed_, j, StreamPurpose::shift)();
        }
      }
      break;
    }
    default:
      throw std::invalid_argument("Sampler: unknown SamplerKind");
  }
}

void Sampler::uniforms(std::uint64_t i, std::span<double> u) const {
  if (u.size() < dims_) {
    throw std::invalid_argument("Sampler::uniforms: output has " + std::to_string(u.size()) +
                                " entries, need " + std::to_string(dims_));
  }
  switch (kind_) {
    case SamplerKind::monte_carlo:
      monte_carlo(i, u);
      break;
    case SamplerKind::latin_hypercube:
      latin_hypercube(i, u);
      break;
    case SamplerKind::sobol:
      sobol(i, u);
      break;
  }
}

void Sampler::monte_carlo(std::uint64_t i, std::span<double> u) const noexcept {
  RandomStream stream(seed_, i, StreamPurpose::inputs);
  for (std::size_t j = 0; j < dims_; ++j) u[j] = stream.uniform01();
}

void Sampler::latin_hypercube(std::uint64_t i, std::span<double> u) const noexcept {
  const std::uint64_t block = i / n_samples_;
  const auto r = static_cast<std::uint32_t>(i % n_samples_);
  const double n = static_cast<double>(n_samples_);
  RandomStream jitter(seed_, i, StreamPurpose::inputs);
  for (std::size_t j = 0; j < dims_; ++j) {
    const std::uint32_t key = block == 0 ? lhs_keys_[j] : lhs_key(seed_, block, dims_, j);
    const std::uint32_t stratum = kensler_permute(r, n_samples_, key);
    const double k = static_cast<double>(stratum);
    double x = k + jitter.uniform01();                 // in (k, k + 1] after rounding
    if (x >= k + 1.0) x = std::nextafter(k + 1.0, k);  // keep it inside stratum k
    u[j] = u_to_open(x / n);
  }
}

void Sampler::sobol(std::uint64_t i, std::span<double> u) const noexcept {
  const std::uint64_t gray = i ^ (i >> 1);
  constexpr std::size_t chunk = 64;
  for (std::size_t j0 = 0; j0 < dims_; j0 += chunk) {
    const std::size_t m = std::min(chunk, dims_ - j0);
    std::uint64_t acc[chunk];
    std::fill_n(acc, m, std::uint64_t{0});
    for (std::uint64_t bits = gray; bits != 0; bits &= bits - 1) {
      const std::uint64_t* row = sobol_v_.data() + std::countr_zero(bits) * dims_ + j0;
      for (std::size_t k = 0; k < m; ++k) acc[k] ^= row[k];
    }
    const bool digital = sobol_randomisation_ == SobolRandomisation::digital_shift;
    for (std::size_t k = 0; k < m; ++k) {
      // frac(x + s) exactly mod 2^64, or the digital shift x XOR d.
      const std::uint64_t y =
          digital ? acc[k] ^ sobol_shifts_[j0 + k] : acc[k] + sobol_shifts_[j0 + k];
      u[j0 + k] = u_to_open(static_cast<double>(y >> 11) * 0x1.0p-53);
    }
  }
}

}  // namespace launchmc::uncertainty
