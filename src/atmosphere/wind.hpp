// Horizontal wind profile versus geometric altitude (east and north components, Earth-fixed).
#pragma once

#include <Eigen/Core>

#include "common/table.hpp"

namespace launchmc::atmosphere {

// Wind from an altitude table, linearly interpolated; held at the first and last rows outside the
// table (add a zero row at the top to end the wind there). No table: calm air, i.e. the
// atmosphere co-rotates with the Earth.
class WindProfile {
 public:
  WindProfile() = default;
  WindProfile(Table1D east_mps, Table1D north_mps, double scale = 1.0)
      : east_mps_(std::move(east_mps)), north_mps_(std::move(north_mps)), scale_(scale) {}

  // No wind at all for these perturbation draws.
  bool calm(double xi_east = 0.0, double xi_north = 0.0) const noexcept {
    return (east_mps_.empty() || scale_ == 0.0) &&
           (sigma_mps_.empty() || (xi_east == 0.0 && xi_north == 0.0));
  }
  double scale() const noexcept { return scale_; }
  double& scale_ref() noexcept { return scale_; }
  void set_scale(double s) noexcept { scale_ = s; }

  // Per-sample perturbation: sigma(h) [m/s] times standard normal draws (east, north), each fully
  // correlated in altitude (a simple model: one random profile shape per component). The draws
  // are a sample's (SampleDraws), not the profile's.
  void set_perturbation_sigma(Table1D sigma_mps) { sigma_mps_ = std::move(sigma_mps); }
  const Table1D& perturbation_sigma() const noexcept { return sigma_mps_; }
  const Table1D& east_table() const noexcept { return east_mps_; }
  const Table1D& north_table() const noexcept { return north_mps_; }
  // The tables themselves, for the config reader (config/): both or neither, on the same altitudes.
  Table1D& east_table_ref() noexcept { return east_mps_; }
  Table1D& north_table_ref() noexcept { return north_mps_; }

  // (east, north) wind [m/s] at geometric altitude [m], with the perturbation draws xi.
  Eigen::Vector2d at(double alt_m, double xi_east = 0.0, double xi_north = 0.0) const noexcept {
    Eigen::Vector2d w = Eigen::Vector2d::Zero();
    if (!east_mps_.empty()) w = {scale_ * east_mps_(alt_m), scale_ * north_mps_(alt_m)};
    if (!sigma_mps_.empty()) {
      const double s = sigma_mps_(alt_m);
      w += Eigen::Vector2d(s * xi_east, s * xi_north);
    }
    return w;
  }

 private:
  Table1D east_mps_;
  Table1D north_mps_;
  double scale_ = 1.0;
  Table1D sigma_mps_;
};

}  // namespace launchmc::atmosphere
