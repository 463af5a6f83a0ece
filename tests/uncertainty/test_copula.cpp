// Gaussian copula: the normal scores of its outputs have the requested correlation, marginals stay
// U(0,1), the identity is a no-op, in-place use works, and invalid matrices are refused clearly.
#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "uncertainty/copula.hpp"
#include "uncertainty/distribution.hpp"
#include "uncertainty/sampler.hpp"

namespace launchmc::uncertainty {
namespace {

void expect_invalid(const std::function<void()>& f, const std::vector<std::string>& needles) {
  try {
    f();
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    for (const auto& needle : needles) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos)
          << "\"" << needle << "\" not in: " << e.what();
    }
  }
}

TEST(GaussianCopula, NormalScoresHaveTheRequestedCorrelation) {
  Eigen::MatrixXd r(4, 4);
  r << 1.0, 0.6, -0.3, 0.0,  //
      0.6, 1.0, 0.2, 0.3,    //
      -0.3, 0.2, 1.0, -0.5,  //
      0.0, 0.3, -0.5, 1.0;
  const GaussianCopula copula(r);
  EXPECT_EQ(copula.size(), 4u);
  const Eigen::MatrixXd l = copula.cholesky_lower();
  EXPECT_LT((l * l.transpose() - r).cwiseAbs().maxCoeff(), 1e-15);

  constexpr std::size_t n = 100000;
  const Sampler sampler(SamplerKind::monte_carlo, 4, 8, n);
  std::vector<double> u(4), out(4);
  Eigen::MatrixXd z(n, 4);
  Eigen::Vector4d sum_u = Eigen::Vector4d::Zero(), sum_u2 = Eigen::Vector4d::Zero();
  for (std::size_t i = 0; i < n; ++i) {
    sampler.uniforms(i, u);
    copula.correlate(u, out);
    for (int j = 0; j < 4; ++j) {
      ASSERT_GT(out[j], 0.0);
      ASSERT_LT(out[j], 1.0);
      z(static_cast<Eigen::Index>(i), j) = standard_normal_quantile(out[j]);
      sum_u[j] += out[j];
      sum_u2[j] += out[j] * out[j];
    }
  }
  // Sample correlation of the normal scores: standard error (1 - rho^2)/sqrt(n) <= 1/sqrt(n).
  const Eigen::MatrixXd centred = z.rowwise() - z.colwise().mean();
  const Eigen::MatrixXd cov = centred.transpose() * centred / static_cast<double>(n - 1);
  const Eigen::VectorXd sd = cov.diagonal().cwiseSqrt();
  const Eigen::MatrixXd corr = cov.cwiseQuotient(sd * sd.transpose());
  const double bound = 4.0 / std::sqrt(static_cast<double>(n));
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) EXPECT_NEAR(corr(i, j), r(i, j), bound) << i << "," << j;
  }
  // Marginals stay U(0,1): mean 1/2 (se sqrt(1/12/n)), variance 1/12 (se sqrt((1/80-1/144)/n)).
  for (int j = 0; j < 4; ++j) {
    const double mean = sum_u[j] / n;
    const double var = sum_u2[j] / n - mean * mean;
    EXPECT_NEAR(mean, 0.5, 4.0 * std::sqrt(1.0 / 12.0 / n)) << j;
    EXPECT_NEAR(var, 1.0 / 12.0, 4.0 * std::sqrt((1.0 / 80.0 - 1.0 / 144.0) / n)) << j;
  }
}

TEST(GaussianCopula, IdentityLeavesInputsAloneAndInPlaceWorks) {
  const GaussianCopula identity(Eigen::MatrixXd::Identity(3, 3));
  std::vector<double> u = {0.1, 0.5, 0.999}, out(3);
  identity.correlate(u, out);
  for (int j = 0; j < 3; ++j) EXPECT_NEAR(out[j], u[j], 1e-15);

  Eigen::MatrixXd r(3, 3);
  r << 1.0, 0.8, 0.3, 0.8, 1.0, 0.1, 0.3, 0.1, 1.0;
  const GaussianCopula copula(r);
  std::vector<double> separate(3), inplace = {0.2, 0.7, 0.4};
  copula.correlate(inplace, separate);
  copula.correlate(inplace, inplace);
  for (int j = 0; j < 3; ++j) EXPECT_EQ(inplace[j], separate[j]);
  // The first input is only transformed and back: L(0,0) = 1.
  EXPECT_NEAR(separate[0], 0.2, 1e-15);

  std::vector<double> wrong(2);
  EXPECT_THROW(copula.correlate(wrong, out), std::invalid_argument);
  EXPECT_THROW(copula.correlate(u, wrong), std::invalid_argument);
}

TEST(GaussianCopula, RejectsInvalidMatrices) {
  Eigen::MatrixXd not_pd(3, 3);
  not_pd << 1.0, 0.9, -0.9, 0.9, 1.0, 0.9, -0.9, 0.9, 1.0;
  // Its eigenvalues are 1.9 (twice) and -0.8.
  const double lmin =
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(not_pd).eigenvalues().minCoeff();
  EXPECT_NEAR(lmin, -0.8, 1e-12);
  expect_invalid([&] { GaussianCopula c(not_pd); },
                 {"correlation matrix is not positive definite", "smallest eigenvalue -0.8"});

  Eigen::MatrixXd singular(2, 2);
  singular << 1.0, 1.0, 1.0, 1.0;
  expect_invalid([&] { GaussianCopula c(singular); }, {"not positive definite"});

  Eigen::MatrixXd asym(2, 2);
  asym << 1.0, 0.5, 0.4, 1.0;
  expect_invalid([&] { GaussianCopula c(asym); }, {"not symmetric", "R(0,1) = 0.5"});

  Eigen::MatrixXd diag(2, 2);
  diag << 1.0, 0.5, 0.5, 2.0;
  expect_invalid([&] { GaussianCopula c(diag); }, {"unit diagonal", "R(1,1) = 2"});

  Eigen::MatrixXd big(2, 2);
  big << 1.0, 1.5, 1.5, 1.0;
  expect_invalid([&] { GaussianCopula c(big); }, {"|rho| > 1", "R(0,1) = 1.5"});

  expect_invalid([&] { GaussianCopula c(Eigen::MatrixXd(2, 3)); }, {"must be square"});
  expect_invalid([&] { GaussianCopula c(Eigen::MatrixXd(0, 0)); }, {"non-empty"});
  Eigen::MatrixXd nan = Eigen::MatrixXd::Identity(2, 2);
  nan(0, 1) = nan(1, 0) = std::nan("");
  expect_invalid([&] { GaussianCopula c(nan); }, {"non-finite"});
}

}  // namespace
}  // namespace launchmc::uncertainty
