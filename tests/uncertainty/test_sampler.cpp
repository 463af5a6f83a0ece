// Samplers: Monte Carlo streams, Latin hypercube stratification, Sobol' points against the
// published Joe-Kuo sequence and Boost's engine, the randomised-QMC error advantage, and
// identical results from concurrent callers.
#include <gtest/gtest.h>

#include <boost/random/sobol.hpp>
#include <cmath>
#include <thread>
#include <vector>

#include "uncertainty/random_stream.hpp"
#include "uncertainty/sampler.hpp"

namespace launchmc::uncertainty {
namespace {

std::vector<double> point(const Sampler& s, std::uint64_t i) {
  std::vector<double> u(s.dimensions());
  s.uniforms(i, u);
  return u;
}

TEST(Sampler, NamesRoundTrip) {
  for (const auto k :
       {SamplerKind::monte_carlo, SamplerKind::latin_hypercube, SamplerKind::sobol}) {
    EXPECT_EQ(sampler_from_string(to_string(k)), k);
  }
  EXPECT_STREQ(to_string(SamplerKind::monte_carlo), "mc");
  EXPECT_STREQ(to_string(SamplerKind::latin_hypercube), "lhs");
  EXPECT_STREQ(to_string(SamplerKind::sobol), "sobol");
  try {
    sampler_from_string("halton");
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("\"halton\""), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("\"sobol\""), std::string::npos) << e.what();
  }
}

TEST(Sampler, MonteCarloDrawsTheInputsStreamInOrder) {
  const Sampler s(SamplerKind::monte_carlo, 7, 99, 0);
  for (std::uint64_t i : {0ULL, 1ULL, 123456789ULL}) {
    RandomStream stream(99, i, StreamPurpose::inputs);
    for (const double u : point(s, i)) EXPECT_EQ(u, stream.uniform01());
  }
  EXPECT_EQ(s.kind(), SamplerKind::monte_carlo);
  EXPECT_EQ(s.dimensions(), 7u);
}

TEST(Sampler, RejectsBadArguments) {
  EXPECT_THROW(Sampler(SamplerKind::latin_hypercube, 3, 1, 0), std::invalid_argument);
  EXPECT_THROW(Sampler(SamplerKind::latin_hypercube, 3, 1, (1ULL << 32) + 1),
               std::invalid_argument);
  EXPECT_THROW(Sampler(SamplerKind::sobol, 3668, 1, 0), std::invalid_argument);
  const Sampler s(SamplerKind::monte_carlo, 4, 1, 0);
  std::vector<double> small(3);
  EXPECT_THROW(s.uniforms(0, small), std::invalid_argument);
  std::vector<double> big(5, -1.0);
  s.uniforms(0, big);
  EXPECT_EQ(big[4], -1.0);  // entries past dimensions() untouched
  // Zero dimensions is allowed (a scenario without uncertain inputs).
  const Sampler none(SamplerKind::sobol, 0, 1, 0);
  none.uniforms(5, std::span<double>());
}

// Checks that samples [first, first + n) of s form a Latin hypercube: in every dimension each
// stratum [k/n, (k+1)/n) holds exactly one value.
void expect_latin_hypercube(const Sampler& s, std::uint64_t first, std::uint64_t n) {
  const std::size_t dims = s.dimensions();
  std::vector<std::vector<int>> hits(dims, std::vector<int>(n, 0));
  std::vector<double> u(dims);
  const double nd = static_cast<double>(n);
  for (std::uint64_t i = first; i < first + n; ++i) {
    s.uniforms(i, u);
    for (std::size_t j = 0; j < dims; ++j) {
      ASSERT_GT(u[j], 0.0);
      ASSERT_LT(u[j], 1.0);
      const auto k = static_cast<std::uint64_t>(std::floor(u[j] * nd));
      ASSERT_LT(k, n);
      // Inside its stratum, compared with the stratum ends as doubles.
      EXPECT_GE(u[j], static_cast<double>(k) / nd);
      EXPECT_LE(u[j], static_cast<double>(k + 1) / nd);
      ++hits[j][k];
    }
  }
  for (std::size_t j = 0; j < dims; ++j) {
    for (std::uint64_t k = 0; k < n; ++k) {
      ASSERT_EQ(hits[j][k], 1) << "dimension " << j << " stratum " << k << " of n = " << n;
    }
  }
}

TEST(Sampler, LatinHypercubeHitsEveryStratumOnce) {
  const Sampler s(SamplerKind::latin_hypercube, 5, 2024, 1000);
  expect_latin_hypercube(s, 0, 1000);
  // Samples past n continue with an independent replicate design, itself a Latin hypercube.
  expect_latin_hypercube(s, 1000, 1000);
  expect_latin_hypercube(s, 5000, 1000);
  EXPECT_NE(point(s, 3), point(s, 1003));
  // Kensler's permutation is a bijection for any n, powers of two or not.
  for (const std::uint64_t n : {1ULL, 2ULL, 3ULL, 7ULL, 64ULL, 65ULL, 1023ULL, 1025ULL}) {
    expect_latin_hypercube(Sampler(SamplerKind::latin_hypercube, 3, n, n), 0, n);
  }
}

TEST(Sampler, LatinHypercubeDependsOnTheSeedAndDecorrelatesDimensions) {
  const std::uint64_t n = 1000;
  const Sampler a(SamplerKind::latin_hypercube, 5, 1, n);
  const Sampler b(SamplerKind::latin_hypercube, 5, 2, n);
  std::size_t same_stratum = 0;
  double sxy = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    const auto ua = point(a, i), ub = point(b, i);
    same_stratum += std::floor(ua[0] * n) == std::floor(ub[0] * n);
    sxy += (ua[0] - 0.5) * (ua[1] - 0.5);
  }
  // Two independent permutations agree at ~1 place on average (Poisson(1)).
  EXPECT_LT(same_stratum, 8u);
  // Correlation between two dimensions of one design: within 4 / sqrt(n).
  EXPECT_LT(std::abs(sxy / n * 12.0), 4.0 / std::sqrt(static_cast<double>(n)));
  // The largest supported design works.
  const Sampler huge(SamplerKind::latin_hypercube, 2, 3, 1ULL << 32);
  for (const double u : point(huge, (1ULL << 32) - 1)) {
    EXPECT_GT(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

TEST(Sampler, UnshiftedSobolReproducesJoeKuoSequence) {
  // First 8 points of the 2-D Sobol' sequence with the Joe & Kuo (2008) direction numbers
  // (new-joe-kuo-6.21201), including point 0, as tabulated in SciPy's and PyTorch's tests
  // ("theoretical values from Joe Kuo 2010").
  const double expected[8][2] = {{0.0, 0.0},     {0.5, 0.5},     {0.75, 0.25},   {0.25, 0.75},
                                 {0.375, 0.375}, {0.875, 0.875}, {0.625, 0.125}, {0.125, 0.625}};
  const Sampler s(SamplerKind::sobol, 2, 0, 0, /*sobol_shift=*/false);
  for (std::uint64_t i = 0; i < 8; ++i) {
    const auto u = point(s, i);
    for (std::size_t j = 0; j < 2; ++j) {
      // Point 0 is the origin, returned as 2^-53 by u_to_open.
      EXPECT_EQ(u[j], i == 0 ? uniform_open_lo : expected[i][j]) << i << "," << j;
    }
  }
}

TEST(Sampler, UnshiftedSobolEqualsBoostEngineWithPointZeroPrepended) {
  // boost::random::sobol skips point 0: its k-th vector (0-based) is our sample k + 1. Checked
  // over the first 4096 points and at i ~ 10^6 (via discard), for 40 dimensions.
  constexpr std::size_t dims = 40;
  const Sampler s(SamplerKind::sobol, dims, 0, 0, false);
  boost::random::sobol engine(dims);
  std::vector<double> u(dims);
  for (std::uint64_t k = 0; k < 4096; ++k) {
    s.uniforms(k + 1, u);
    for (std::size_t j = 0; j < dims; ++j) {
      ASSERT_EQ(u[j], u_to_open(static_cast<double>(engine() >> 11) * 0x1.0p-53)) << k << "," << j;
    }
  }
  for (const std::uint64_t i : {1000000ULL, 1234567ULL, (1ULL << 40) + 12345ULL}) {
    boost::random::sobol e(dims);
    e.discard((i - 1) * dims);
    s.uniforms(i, u);
    for (std::size_t j = 0; j < dims; ++j) {
      ASSERT_EQ(u[j], u_to_open(static_cast<double>(e() >> 11) * 0x1.0p-53)) << i << "," << j;
    }
  }
  // The full Boost table: the last dimension at a few points.
  const Sampler wide(SamplerKind::sobol, Sampler::max_sobol_dimensions, 0, 0, false);
  boost::random::sobol ewide(Sampler::max_sobol_dimensions);
  std::vector<double> w(Sampler::max_sobol_dimensions);
  for (std::uint64_t k = 0; k < 3; ++k) {
    wide.uniforms(k + 1, w);
    for (std::size_t j = 0; j < Sampler::max_sobol_dimensions; ++j) {
      ASSERT_EQ(w[j], u_to_open(static_cast<double>(ewide() >> 11) * 0x1.0p-53)) << k << "," << j;
    }
  }
}

TEST(Sampler, ShiftedSobolIsBalancedAndShiftedPerDimension) {
  constexpr std::size_t dims = 20;
  constexpr std::uint64_t n = 1 << 12;
  const Sampler s(SamplerKind::sobol, dims, 7, n);
  const Sampler raw(SamplerKind::sobol, dims, 7, n, false);
  std::vector<double> sum(dims, 0.0);
  std::vector<double> u(dims), x(dims);
  for (std::uint64_t i = 0; i < n; ++i) {
    s.uniforms(i, u);
    raw.uniforms(i, x);
    for (std::size_t j = 0; j < dims; ++j) {
      ASSERT_GT(u[j], 0.0);
      ASSERT_LT(u[j], 1.0);
      sum[j] += u[j];
      // u = frac(x + s_j) with s_j the first 64 bits of RandomStream(seed, j, shift), in 2^-64.
      if (i > 0) {
        const double s_j =
            static_cast<double>(RandomStream(7, j, StreamPurpose::shift)() >> 11) * 0x1.0p-53;
        const double expected = std::fmod(x[j] + s_j, 1.0);
        ASSERT_NEAR(u[j], expected, 2e-16) << i << "," << j;
      }
    }
  }
  // 2^12 points of a shifted (t, 12, s)-net: every coordinate's mean is within 1/(2n) of 1/2.
  for (std::size_t j = 0; j < dims; ++j) EXPECT_NEAR(sum[j] / n, 0.5, 1e-3) << j;
}

TEST(Sampler, DigitalShiftIsXorAndKeepsTheNetWhereTheAdditiveShiftBreaksIt) {
  // u = x XOR d_j (d_j: the first word of RandomStream(seed, j, shift), top 53 bits), and the
  // first 2^m points of dimensions 0 and 1 stay a (0, m, 2)-net: each of the 2^m boxes of
  // 2^a x 2^(m-a) equal parts holds one point, for every a. Checked for m = 8: the additive
  // (Cranley-Patterson) shift of the same seed leaves some box empty.
  constexpr std::uint64_t n = 1 << 8;
  const Sampler raw(SamplerKind::sobol, 2, 5, n, SobolRandomisation::none);
  const Sampler digital(SamplerKind::sobol, 2, 5, n, SobolRandomisation::digital_shift);
  const Sampler additive(SamplerKind::sobol, 2, 5, n, SobolRandomisation::cranley_patterson_shift);
  auto boxes_filled = [&](const Sampler& s) {
    std::size_t worst = n;
    for (int a = 0; a <= 8; ++a) {
      std::vector<bool> hit(n, false);
      std::size_t count = 0;
      for (std::uint64_t i = 0; i < n; ++i) {
        const auto u = point(s, i);
        const auto bx = static_cast<std::uint64_t>(std::ldexp(u[0], a));
        const auto by = static_cast<std::uint64_t>(std::ldexp(u[1], 8 - a));
        const std::uint64_t box = (bx << (8 - a)) | by;
        if (!hit[box]) ++count;
        hit[box] = true;
      }
      worst = std::min(worst, count);
    }
    return worst;
  };
  EXPECT_EQ(boxes_filled(digital), n);
  EXPECT_LT(boxes_filled(additive), n);
  for (std::uint64_t i = 1; i < n; ++i) {
    const auto x = point(raw, i), u = point(digital, i);
    for (std::size_t j = 0; j < 2; ++j) {
      const std::uint64_t d = RandomStream(5, j, StreamPurpose::shift)() >> 11;
      const auto xb = static_cast<std::uint64_t>(x[j] * 0x1.0p53);
      EXPECT_EQ(u[j], static_cast<double>(xb ^ d) * 0x1.0p-53) << i << "," << j;
    }
  }
}

// f(x) = prod_j (1 + (x_j - 1/2) / j), integral 1 over [0,1]^d, Var f = prod(1 + 1/(12 j^2)) - 1.
double test_function(const std::vector<double>& x) {
  double f = 1.0;
  for (std::size_t j = 0; j < x.size(); ++j) f *= 1.0 + (x[j] - 0.5) / static_cast<double>(j + 1);
  return f;
}

TEST(Sampler, RandomisedSobolBeatsMonteCarloOnASmoothIntegrand) {
  constexpr std::size_t dims = 10;
  constexpr std::uint64_t n = 1 << 12;
  constexpr int replicates = 16;
  std::vector<double> x(dims);
  double mse_qmc = 0, mse_mc = 0, mean_qmc = 0;
  std::vector<double> qmc(replicates);
  for (int r = 0; r < replicates; ++r) {
    const Sampler sobol(SamplerKind::sobol, dims, 1000 + r, n);
    const Sampler mc(SamplerKind::monte_carlo, dims, 1000 + r, n);
    double s_qmc = 0, s_mc = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      sobol.uniforms(i, x);
      s_qmc += test_function(x);
      mc.uniforms(i, x);
      s_mc += test_function(x);
    }
    qmc[r] = s_qmc / n;
    mse_qmc += std::pow(qmc[r] - 1.0, 2) / replicates;
    mse_mc += std::pow(s_mc / n - 1.0, 2) / replicates;
    mean_qmc += qmc[r] / replicates;
  }
  double var_f = 1.0;
  for (std::size_t j = 1; j <= dims; ++j) var_f *= 1.0 + 1.0 / (12.0 * j * j);
  var_f -= 1.0;
  // Monte Carlo's RMS error is its standard error sqrt(Var f / n) ~ 6e-3 ...
  EXPECT_NEAR(std::sqrt(mse_mc), std::sqrt(var_f / n), 0.5 * std::sqrt(var_f / n));
  // ... randomised QMC's is at least 10x smaller (observed: 1.9e-4 vs 5.8e-3, ~30x).
  EXPECT_LT(std::sqrt(mse_qmc), 0.1 * std::sqrt(mse_mc))
      << "RQMC rms " << std::sqrt(mse_qmc) << " MC rms " << std::sqrt(mse_mc);
  // The shift makes each replicate unbiased: the replicate mean is within 4 standard errors of 1.
  double var_rep = 0;
  for (const double q : qmc) var_rep += (q - mean_qmc) * (q - mean_qmc) / (replicates - 1);
  EXPECT_LT(std::abs(mean_qmc - 1.0), 4.0 * std::sqrt(var_rep / replicates));
}

TEST(Sampler, ConcurrentCallsGiveTheSequentialResults) {
  constexpr std::size_t dims = 20;
  constexpr std::uint64_t n = 4000;
  constexpr int threads = 4;
  for (const auto kind :
       {SamplerKind::monte_carlo, SamplerKind::latin_hypercube, SamplerKind::sobol}) {
    const Sampler s(kind, dims, 31337, n);
    std::vector<double> sequential(n * dims), parallel(n * dims);
    for (std::uint64_t i = 0; i < n; ++i) {
      s.uniforms(i, std::span<double>(sequential).subspan(i * dims, dims));
    }
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {  // interleaved: thread t takes i = t, t + 4, ...
        for (std::uint64_t i = t; i < n; i += threads) {
          s.uniforms(i, std::span<double>(parallel).subspan(i * dims, dims));
        }
      });
    }
    for (auto& th : pool) th.join();
    EXPECT_EQ(sequential, parallel) << to_string(kind);
  }
}

}  // namespace
}  // namespace launchmc::uncertainty
