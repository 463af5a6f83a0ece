// Saltelli's design and the Sobol' index estimators against analytic indices (Ishigami, linear
// models), the published Sobol' sequence and the net property of its randomised prefix.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>
#include <numbers>
#include <set>
#include <vector>

#include "sensitivity/problem.hpp"
#include "sensitivity/saltelli.hpp"
#include "uncertainty/random_stream.hpp"

namespace {

using launchmc::sensitivity::Estimate;
using launchmc::sensitivity::IndexStatus;
using launchmc::sensitivity::Problem;
using launchmc::sensitivity::SaltelliDesign;
using launchmc::sensitivity::sobol_indices;
using launchmc::sensitivity::SobolIndices;
using launchmc::sensitivity::SobolOptions;
using launchmc::uncertainty::Distribution;

// The model's outputs on every design row, in design order.
template <class F>
std::vector<double> evaluate(const SaltelliDesign& design, const Problem& problem, F model) {
  std::vector<double> y(design.rows()), u(design.dimensions()), x(design.dimensions());
  for (std::uint64_t i = 0; i < design.rows(); ++i) {
    design.row(i, u);
    launchmc::sensitivity::to_inputs(problem, u, x);
    y[i] = model(x);
  }
  return y;
}

Problem ishigami_problem() {
  Problem p;
  for (const char* name : {"x1", "x2", "x3"})
    p.inputs.push_back({name, Distribution::uniform(-std::numbers::pi, std::numbers::pi)});
  return p;
}

double ishigami(const std::vector<double>& x) {
  return std::sin(x[0]) + 7.0 * std::sin(x[1]) * std::sin(x[1]) +
         0.1 * std::pow(x[2], 4) * std::sin(x[0]);
}

// Analytic indices of the Ishigami function with a = 7, b = 0.1 (T. Ishigami & T. Homma, "An
// importance quantification technique in uncertainty analysis for computer models", ISUMA '90,
// 1990; A. Saltelli et al., Global Sensitivity Analysis: The Primer, Wiley 2008, sec. 4.8):
// V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, V1 = (1 + b pi^4/5)^2 / 2, V2 = a^2/8,
// V13 = b^2 pi^8 (1/18 - 1/50).
struct IshigamiIndices {
  double s1[3], st[3];
};
IshigamiIndices ishigami_analytic() {
  const double a = 7.0, b = 0.1, pi4 = std::pow(std::numbers::pi, 4), pi8 = pi4 * pi4;
  const double v = a * a / 8 + b * pi4 / 5 + b * b * pi8 / 18 + 0.5;
  const double v1 = 0.5 * (1 + b * pi4 / 5) * (1 + b * pi4 / 5), v2 = a * a / 8;
  const double v13 = b * b * pi8 * (1.0 / 18 - 1.0 / 50);
  return {{v1 / v, v2 / v, 0.0}, {(v1 + v13) / v, v2 / v, v13 / v}};
}

TEST(SobolIndices, IshigamiAnalyticValuesMatchThePublishedOnes) {
  // The formulas above against the 4-digit values of the reference (../shared/reference).
  const IshigamiIndices r = ishigami_analytic();
  const double s1[3] = {0.3139, 0.4424, 0.0}, st[3] = {0.5576, 0.4424, 0.2437};
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(r.s1[i], s1[i], 6e-5);
    EXPECT_NEAR(r.st[i], st[i], 6e-5);
  }
}

// A value is "within its interval" if the analytic value lies in the 95 % interval widened by
// `slack` times its width on each side: with 6 indices per run, a plain 95 % interval misses one
// of them about a quarter of the time, so the tests allow 25 % of the width (about 2.5 standard
// errors instead of 1.96).
void expect_covers(const Estimate& e, double truth, double slack, const std::string& what) {
  const double w = e.ci95.hi - e.ci95.lo;
  EXPECT_GT(w, 0.0) << what;
  EXPECT_LE(e.ci95.lo, e.value) << what;
  EXPECT_GE(e.ci95.hi, e.value) << what;
  EXPECT_GE(truth, e.ci95.lo - slack * w)
      << what << ": " << e.value << " [" << e.ci95.lo << ", " << e.ci95.hi << "]";
  EXPECT_LE(truth, e.ci95.hi + slack * w)
      << what << ": " << e.value << " [" << e.ci95.lo << ", " << e.ci95.hi << "]";
}

TEST(SobolIndices, IshigamiWithinBootstrapIntervalsAndIntervalsShrinkAsOneOverSqrtN) {
  const IshigamiIndices truth = ishigami_analytic();
  const Problem problem = ishigami_problem();
  SobolOptions options;
  options.seed = 11;
  const SaltelliDesign big(3, 1 << 14, 2024, false), small(3, 1 << 10, 2024, false);
  const SobolIndices r = sobol_indices(evaluate(big, problem, ishigami), 3, false, options);
  const SobolIndices s = sobol_indices(evaluate(small, problem, ishigami), 3, false, options);
  ASSERT_EQ(r.status, IndexStatus::ok);
  EXPECT_EQ(r.base_points_used, 1u << 14);
  EXPECT_EQ(r.base_points_dropped, 0u);
  for (int i = 0; i < 3; ++i) {
    expect_covers(r.first[i], truth.s1[i], 0.25, "S1 x" + std::to_string(i + 1));
    expect_covers(r.total[i], truth.st[i], 0.25, "ST x" + std::to_string(i + 1));
    // 16 times the base points: intervals about 4 times narrower.
    for (const auto& [big_e, small_e] :
         {std::pair{r.first[i], s.first[i]}, std::pair{r.total[i], s.total[i]}}) {
      const double ratio = (small_e.ci95.hi - small_e.ci95.lo) / (big_e.ci95.hi - big_e.ci95.lo);
      EXPECT_GT(ratio, 3.0) << "index of x" << i + 1;
      EXPECT_LT(ratio, 5.3) << "index of x" << i + 1;
    }
  }
  // Output variance: the analytic V of the Ishigami function (~13.8446), to the sampling error.
  const double pi4 = std::pow(std::numbers::pi, 4);
  const double v = 49.0 / 8 + 0.1 * pi4 / 5 + 0.01 * pi4 * pi4 / 18 + 0.5;
  EXPECT_NEAR(r.variance, v, 0.02 * v);
  EXPECT_NEAR(r.mean, 3.5, 0.05);  // E f = a/2
}

TEST(SobolIndices, LinearModelGivesTheVarianceShares) {
  // y = sum a_i x_i with independent inputs: S1_i = ST_i = a_i^2 var_i / sum_j a_j^2 var_j.
  Problem p;
  p.inputs.push_back({"normal", Distribution::normal(10.0, 2.0)});              // var 4
  p.inputs.push_back({"uniform", Distribution::uniform(-3.0, 3.0)});            // var 3
  p.inputs.push_back({"triangular", Distribution::triangular(0.0, 1.0, 4.0)});  // var 13/18
  p.inputs.push_back({"inert", Distribution::uniform(0.0, 1.0)});
  const double a[4] = {1.0, -2.0, 3.0, 0.0};
  const double var[4] = {4.0, 3.0, 13.0 / 18.0, 1.0 / 12.0};
  double total = 0.0;
  for (int i = 0; i < 4; ++i) total += a[i] * a[i] * var[i];
  const SaltelliDesign design(4, 1 << 12, 5, true);
  const auto y = evaluate(design, p, [&](const std::vector<double>& x) {
    return a[0] * x[0] + a[1] * x[1] + a[2] * x[2] + a[3] * x[3];
  });
  const SobolIndices r = sobol_indices(y, 4, true, {});
  ASSERT_EQ(r.status, IndexStatus::ok);
  for (int i = 0; i < 4; ++i) {
    const double share = a[i] * a[i] * var[i] / total;
    if (share > 0) {
      expect_covers(r.first[i], share, 0.25, "S1 " + p.inputs[i].name);
      expect_covers(r.total[i], share, 0.25, "ST " + p.inputs[i].name);
    } else {
      // The inert input: exactly zero, as f(AB_i) == f(A) on every row.
      EXPECT_EQ(r.total[i].value, 0.0);
      EXPECT_NEAR(r.first[i].value, 0.0, 0.01);
    }
    // No interactions in an additive model: every S2 near zero.
    for (int j = i + 1; j < 4; ++j) EXPECT_NEAR(r.second[i][j].value, 0.0, 0.03) << i << j;
  }
}

TEST(SobolIndices, SecondOrderIshigamiInteractionIsV13OverV) {
  // The only interaction of the Ishigami function is x1-x3: S13 = V13 / V = ST3, S12 = S23 = 0.
  const IshigamiIndices truth = ishigami_analytic();
  const SaltelliDesign design(3, 1 << 13, 8, true);
  const SobolIndices r = sobol_indices(evaluate(design, ishigami_problem(), ishigami), 3, true, {});
  ASSERT_EQ(r.second.size(), 3u);
  expect_covers(r.second[0][2], truth.st[2], 0.25, "S13");
  EXPECT_NEAR(r.second[0][1].value, 0.0, 0.03);
  EXPECT_NEAR(r.second[1][2].value, 0.0, 0.03);
  EXPECT_TRUE(std::isnan(r.second[1][0].value));
}

TEST(SobolIndices, ConstantOutputIsNoVarianceAndNaNsDropTheirBlocks) {
  std::vector<double> y(5 * 100, 42.0);
  const SobolIndices c = sobol_indices(y, 3, false, {});
  EXPECT_EQ(c.status, IndexStatus::no_variance);
  EXPECT_EQ(c.variance, 0.0);
  EXPECT_TRUE(std::isnan(c.first[0].value));
  // A NaN in row 7 (block 1) and an infinity in row 499 (block 99): two blocks dropped.
  const SaltelliDesign design(3, 100, 1, false);
  auto v = evaluate(design, ishigami_problem(), ishigami);
  v[7] = std::nan("");
  v[499] = INFINITY;
  const SobolIndices r = sobol_indices(v, 3, false, {});
  EXPECT_EQ(r.base_points_used, 98u);
  EXPECT_EQ(r.base_points_dropped, 2u);
  EXPECT_TRUE(std::isfinite(r.first[1].value));
  EXPECT_THROW(sobol_indices(std::vector<double>(7, 1.0), 3, false, {}), std::invalid_argument);
  const SobolIndices few = sobol_indices(std::vector<double>(5, 1.0), 3, false, {});
  EXPECT_EQ(few.status, IndexStatus::too_few);
}

TEST(SobolIndices, BootstrapIsReproducibleAndSeeded) {
  const SaltelliDesign design(3, 256, 3, false);
  const auto y = evaluate(design, ishigami_problem(), ishigami);
  SobolOptions o;
  o.seed = 5;
  const SobolIndices a = sobol_indices(y, 3, false, o), b = sobol_indices(y, 3, false, o);
  o.seed = 6;
  const SobolIndices c = sobol_indices(y, 3, false, o);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(a.first[i].ci95.lo, b.first[i].ci95.lo);
    EXPECT_EQ(a.total[i].ci95.hi, b.total[i].ci95.hi);
    EXPECT_EQ(a.first[i].value, c.first[i].value);  // point estimates do not depend on the seed
    EXPECT_NE(a.first[i].ci95.lo, c.first[i].ci95.lo);
  }
}

TEST(SobolIndices, SameResultForAnyThreadCount) {
  // The bootstrap runs on TBB: every resample has its own stream and slot, so one thread and all
  // threads give the same bits.
  const SaltelliDesign design(3, 1024, 4, true);
  const auto y = evaluate(design, ishigami_problem(), ishigami);
  const SobolIndices all = sobol_indices(y, 3, true, {});
  SobolIndices one;
  {
    tbb::global_control single(tbb::global_control::max_allowed_parallelism, 1);
    one = sobol_indices(y, 3, true, {});
  }
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(all.first[i].ci95.lo, one.first[i].ci95.lo);
    EXPECT_EQ(all.first[i].ci95.hi, one.first[i].ci95.hi);
    EXPECT_EQ(all.total[i].ci95.lo, one.total[i].ci95.lo);
    EXPECT_EQ(all.total[i].ci95.hi, one.total[i].ci95.hi);
  }
  EXPECT_EQ(all.second[0][2].ci95.hi, one.second[0][2].ci95.hi);
}

TEST(SaltelliDesign, RowsFollowTheDocumentedLayout) {
  const std::size_t k = 3;
  const SaltelliDesign design(k, 8, 77, true);
  ASSERT_EQ(design.rows(), 8u * (2 * k + 2));
  std::vector<double> a(k), b(k), u(k);
  for (std::uint64_t j = 0; j < 8; ++j) {
    const std::uint64_t first = j * (2 * k + 2);
    EXPECT_EQ(design.row(first, a), j);
    EXPECT_EQ(design.row(first + 2 * k + 1, b), j);
    for (std::size_t i = 0; i < k; ++i) EXPECT_NE(a[i], b[i]);
    for (std::size_t i = 0; i < k; ++i) {
      EXPECT_EQ(design.row(first + 1 + i, u), j);  // AB_i: A with input i from B
      for (std::size_t c = 0; c < k; ++c) EXPECT_EQ(u[c], c == i ? b[c] : a[c]);
      design.row(first + 1 + k + i, u);  // BA_i: B with input i from A
      for (std::size_t c = 0; c < k; ++c) EXPECT_EQ(u[c], c == i ? a[c] : b[c]);
    }
  }
}

TEST(SaltelliDesign, IsTheDigitallyShiftedSobolSequence) {
  // Undoing the digital shift (XOR with the first word of RandomStream(seed, dim, shift)) gives
  // Sobol's sequence: dimension 0 runs 0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125 (Sobol'
  // 1967; Bratley & Fox 1988), dimension 1 0, 0.5, 0.25, 0.75, 0.375, 0.875, 0.125, 0.625 (Joe &
  // Kuo 2008). A = dimensions 0..k-1, B = k..2k-1: with k = 1, A is dimension 0 and B dimension 1.
  const double d0[8] = {0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125};
  const double d1[8] = {0, 0.5, 0.25, 0.75, 0.375, 0.875, 0.125, 0.625};
  const std::uint64_t seed = 99;
  const SaltelliDesign design(1, 8, seed, false);
  using launchmc::uncertainty::RandomStream;
  using launchmc::uncertainty::StreamPurpose;
  const std::uint64_t s0 = RandomStream(seed, 0, StreamPurpose::shift)() >> 11;
  const std::uint64_t s1 = RandomStream(seed, 1, StreamPurpose::shift)() >> 11;
  std::vector<double> u(1);
  for (std::uint64_t j = 0; j < 8; ++j) {
    design.row(3 * j, u);  // A_j
    const auto bits_a = static_cast<std::uint64_t>(u[0] * 0x1.0p53);
    EXPECT_EQ(static_cast<double>(bits_a ^ s0) * 0x1.0p-53, d0[j]) << j;
    design.row(3 * j + 2, u);  // B_j
    const auto bits_b = static_cast<std::uint64_t>(u[0] * 0x1.0p53);
    EXPECT_EQ(static_cast<double>(bits_b ^ s1) * 0x1.0p-53, d1[j]) << j;
  }
}

TEST(SaltelliDesign, RandomisedPrefixesStayNets) {
  // Any 2^m base points from the start: in every one of the 2k dimensions, each interval
  // [l/2^m, (l+1)/2^m) holds exactly one point; and Sobol's first two dimensions form a
  // (0, m, 2)-net, kept by the digital shift: every box of 2^a x 2^(m-a) equal parts holds one.
  const std::size_t k = 4;
  const SaltelliDesign design(k, 1 << 10, 31337, false);
  std::vector<double> u(k), b(k);
  for (const int m : {4, 7, 10}) {
    const std::uint64_t n = std::uint64_t{1} << m;
    std::vector<std::set<std::uint64_t>> cells(2 * k);
    std::vector<std::set<std::pair<std::uint64_t, std::uint64_t>>> boxes(m + 1);
    for (std::uint64_t j = 0; j < n; ++j) {
      design.row(j * (k + 2), u);
      design.row(j * (k + 2) + k + 1, b);
      for (std::size_t c = 0; c < k; ++c) {
        cells[c].insert(static_cast<std::uint64_t>(u[c] * static_cast<double>(n)));
        cells[k + c].insert(static_cast<std::uint64_t>(b[c] * static_cast<double>(n)));
      }
      for (int a = 0; a <= m; ++a)
        boxes[a].insert({static_cast<std::uint64_t>(std::ldexp(u[0], a)),
                         static_cast<std::uint64_t>(std::ldexp(u[1], m - a))});
    }
    for (const auto& c : cells) EXPECT_EQ(c.size(), n) << "m = " << m;
    for (const auto& bx : boxes) EXPECT_EQ(bx.size(), n) << "m = " << m;
  }
}

TEST(SaltelliDesign, SameSeedSameDesignBitForBit) {
  const SaltelliDesign a(5, 64, 1234, true), b(5, 64, 1234, true), c(5, 64, 1235, true);
  std::vector<double> ua(5), ub(5), uc(5);
  bool differs = false;
  for (std::uint64_t i = 0; i < a.rows(); ++i) {
    a.row(i, ua);
    b.row(i, ub);
    c.row(i, uc);
    EXPECT_EQ(ua, ub);
    differs = differs || ua != uc;
    for (const double v : ua) {
      EXPECT_GT(v, 0.0);
      EXPECT_LT(v, 1.0);
    }
  }
  EXPECT_TRUE(differs);
  EXPECT_THROW(SaltelliDesign(0, 10, 1, false), std::invalid_argument);
  EXPECT_THROW(SaltelliDesign(1834, 10, 1, false), std::invalid_argument);
  EXPECT_THROW(SaltelliDesign(2, 0, 1, false), std::invalid_argument);
}

}  // namespace
