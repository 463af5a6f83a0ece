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

  bool calm() const noexcept { return east_mps_.empty() || scale_ == 0.0; }
  double scale() const noexcept { return scale_; }
  void set_scale(double s) noexcept { scale_ = s; }
  const Table1D& east_table() const noexcept { return east_mps_; }
  const Table1D& north_table() const noexcept { return north_mps_; }

  // (east, north) wind [m/s] at geometric altitude [m].
  Eigen::Vector2d at(double alt_m) const noexcept {
    if (calm()) return Eigen::Vector2d::Zero();
    return {scale_ * east_mps_(alt_m), scale_ * north_mps_(alt_m)};
  }

 private:
  Table1D east_mps_;
  Table1D north_mps_;
  double scale_ = 1.0;
};

}  // namespace launchmc::atmosphere
