// Gaussian copula: turns independent U(0,1) inputs into uniforms whose normal scores have a given
// correlation matrix, keeping every marginal U(0,1) (so any Distribution::quantile applies after).
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <span>

namespace launchmc::uncertainty {

// For a k x k correlation matrix R = L L^T (Cholesky, Eigen's LLT): z = L Phi^-1(u_in),
// u_out = Phi(z). Then Phi^-1(u_out) ~ N(0, R) and each u_out[i] ~ U(0,1). Correlation here is
// that of the normal scores (the Gaussian copula parameter), not the Pearson correlation of the
// final inputs; Spearman's rho of the inputs is (6/pi) asin(R_ij / 2) for any monotone marginals
// (R. B. Nelsen, An Introduction to Copulas, 2nd ed., Springer 2006, sec. 5.1.2 and 5.3;
// Iman & Conover, Commun. Stat. Simul. Comput. 11(3), 1982, for this use in simulation inputs).
class GaussianCopula {
 public:
  // Throws std::invalid_argument with a message starting "correlation matrix" if R is empty, not
  // square, not finite, not symmetric (|R_ij - R_ji| > 1e-12), has a diagonal entry != 1 (beyond
  // 1e-12), an off-diagonal |R_ij| > 1, or is not positive definite (the message then reports the
  // smallest eigenvalue).
  explicit GaussianCopula(const Eigen::MatrixXd& correlation);

  // u_in and u_out must both have size() entries; they may be the same span (in place). No
  // allocation: u_out is the scratch for the normal scores (the triangular product runs from the
  // last row up, so each row reads scores not yet overwritten). Thread-safe (const, no state).
  // Outputs pass through u_to_open(). Throws std::invalid_argument on a size mismatch.
  void correlate(std::span<const double> u_in, std::span<double> u_out) const;

  std::size_t size() const noexcept { return static_cast<std::size_t>(lower_.rows()); }
  const Eigen::MatrixXd& cholesky_lower() const noexcept { return lower_; }

 private:
  Eigen::MatrixXd lower_;  // L, lower triangular, R = L L^T
};

}  // namespace launchmc::uncertainty
