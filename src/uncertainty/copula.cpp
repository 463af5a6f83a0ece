// Gaussian copula for correlated inputs: validation of the correlation matrix, its Cholesky
// factor (Eigen LLT) and the map u -> Phi(L Phi^-1(u)). References in copula.hpp.
#include "uncertainty/copula.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

#include "uncertainty/distribution.hpp"
#include "uncertainty/random_stream.hpp"

namespace launchmc::uncertainty {
namespace {

constexpr double kTolerance = 1e-12;  // symmetry and unit diagonal, absolute

[[noreturn]] void reject(const std::string& what) {
  throw std::invalid_argument("correlation matrix " + what);
}

std::string entry(Eigen::Index i, Eigen::Index j, double value) {
  std::ostringstream os;
  os.precision(17);
  os << "R(" << i << "," << j << ") = " << value;
  return os.str();
}

}  // namespace

GaussianCopula::GaussianCopula(const Eigen::MatrixXd& correlation) {
  const Eigen::Index k = correlation.rows();
  if (k == 0 || correlation.cols() != k) {
    reject("must be square and non-empty, got " + std::to_string(correlation.rows()) + " x " +
           std::to_string(correlation.cols()));
  }
  for (Eigen::Index i = 0; i < k; ++i) {
    for (Eigen::Index j = 0; j < k; ++j) {
      const double r = correlation(i, j);
      if (!std::isfinite(r)) reject("has a non-finite entry: " + entry(i, j, r));
      if (i == j && std::abs(r - 1.0) > kTolerance) {
        reject("must have a unit diagonal: " + entry(i, j, r));
      }
      if (i != j && std::abs(r) > 1.0) reject("has |rho| > 1: " + entry(i, j, r));
      if (j > i && std::abs(r - correlation(j, i)) > kTolerance) {
        reject("is not symmetric: " + entry(i, j, r) + " but " + entry(j, i, correlation(j, i)));
      }
    }
  }
  // Symmetrise exactly (the checks above allow 1e-12) and factor.
  const Eigen::MatrixXd r = 0.5 * (correlation + correlation.transpose());
  const Eigen::LLT<Eigen::MatrixXd> llt(r);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(r, Eigen::EigenvaluesOnly);
  const double min_eigenvalue = eig.eigenvalues().minCoeff();
  if (llt.info() != Eigen::Success || !(min_eigenvalue > 0.0)) {
    std::ostringstream os;
    os.precision(6);
    os << "is not positive definite (smallest eigenvalue " << min_eigenvalue
       << "): the correlations are inconsistent with each other; lower the magnitude of the "
          "off-diagonal entries or repair the matrix (e.g. nearest correlation matrix, Higham "
          "2002)";
    reject(os.str());
  }
  lower_ = llt.matrixL();
}

void GaussianCopula::correlate(std::span<const double> u_in, std::span<double> u_out) const {
  const std::size_t k = size();
  if (u_in.size() != k || u_out.size() != k) {
    throw std::invalid_argument("GaussianCopula::correlate: expected " + std::to_string(k) +
                                " inputs and outputs, got " + std::to_string(u_in.size()) +
                                " and " + std::to_string(u_out.size()));
  }
  for (std::size_t i = 0; i < k; ++i) u_out[i] = standard_normal_quantile(u_in[i]);
  // z_i = sum_{j <= i} L_ij n_j, from the last row up: row i reads n_0..n_i, still intact.
  for (std::size_t ii = k; ii-- > 0;) {
    const auto i = static_cast<Eigen::Index>(ii);
    double z = 0.0;
    for (Eigen::Index j = 0; j <= i; ++j) z += lower_(i, j) * u_out[static_cast<std::size_t>(j)];
    u_out[ii] = u_to_open(standard_normal_cdf(z));
  }
}

}  // namespace launchmc::uncertainty
