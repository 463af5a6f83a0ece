// Dispersion of impact points in the local horizontal plane: a mergeable accumulator of mean and
// covariance, containment ellipses, and the downrange/crossrange decomposition.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <limits>
#include <vector>

#include "stats/moments.hpp"

namespace launchmc::stats {

// Raw state of an ImpactAccumulator, for serialisation: the reference point and exact sums of the
// projected coordinates x (east) and y (north) [m] and of their products [m^2].
struct ImpactSums {
  std::uint64_t count = 0;
  double ref_lat_deg = std::numeric_limits<double>::quiet_NaN();  // NaN: not yet set
  double ref_lon_deg = std::numeric_limits<double>::quiet_NaN();
  ExactSum x_m;
  ExactSum y_m;
  ExactSum xx_m2;
  ExactSum yy_m2;
  ExactSum xy_m2;
};

// Mean and covariance of impact points (lat, lon on WGS-84). Points are projected on the azimuthal
// equidistant plane centred on a fixed reference point (GeographicLib::AzimuthalEquidistant with
// Geodesic::WGS84(): x east, y north at the reference, in metres; distances and azimuths from the
// reference are exact, so the poles and the antimeridian need no special care). The reference is
// fixed, so accumulation is a pure (exact) sum: blocks merged in any order and split give the
// bit-identical state, as for Moments.
//
// Accuracy of the plane: scale errors grow as (d / R)^2 / 6 at distance d from the reference
// (1e-5 at 50 km), and "north" is north at the reference (grid convergence ~ (d / R) tan(lat) at
// the mean point, 0.3 deg for 50 km at 36 N): pass a reference near the points (the engine uses
// the nominal impact point).
//
// Without a reference (NaN, the default) the first point added becomes the reference; merging an
// accumulator without a reference adopts the other's. add() of a non-finite or invalid point
// (|lat| > 90) poisons the sums (mean and covariance NaN): filter first.
class ImpactAccumulator {
 public:
  // Throws std::invalid_argument unless both are NaN or lat in [-90, 90] and lon finite.
  explicit ImpactAccumulator(double ref_lat_deg = std::numeric_limits<double>::quiet_NaN(),
                             double ref_lon_deg = std::numeric_limits<double>::quiet_NaN());

  // Returns the point projected on the plane (x east, y north) [m], NaN for an invalid point.
  Eigen::Vector2d add(double lat_deg, double lon_deg) noexcept;
  // Throws std::invalid_argument if both have a reference and they differ.
  void merge(const ImpactAccumulator& other);

  std::uint64_t count() const noexcept { return sums_.count; }
  bool has_reference() const noexcept;
  double ref_lat_deg() const noexcept { return sums_.ref_lat_deg; }
  double ref_lon_deg() const noexcept { return sums_.ref_lon_deg; }

  // Mean point in the plane [m], and back-projected to lat/lon (NaN if count == 0).
  Eigen::Vector2d mean_en_m() const noexcept;
  double mean_lat_deg() const noexcept;
  double mean_lon_deg() const noexcept;  // in [-180, 180]
  // Sample covariance (divisor n - 1) of (x east, y north) [m^2]; NaN if count < 2.
  Eigen::Matrix2d covariance_en_m2() const noexcept;

  const ImpactSums& sums() const noexcept { return sums_; }
  // Throws std::invalid_argument for an inconsistent state (count > 0 without a reference,
  // count == 0 with nonzero sums, invalid reference).
  static ImpactAccumulator from_sums(const ImpactSums& sums);

 private:
  void mean_lat_lon(double& lat_deg, double& lon_deg) const noexcept;

  ImpactSums sums_;
};

// The azimuthal equidistant projection ImpactAccumulator uses: (lat, lon) -> (x east, y north)
// [m] on the plane of (ref_lat_deg, ref_lon_deg), NaN for an invalid point; and back.
Eigen::Vector2d project_en_m(double ref_lat_deg, double ref_lon_deg, double lat_deg,
                             double lon_deg) noexcept;
void unproject_en_m(double ref_lat_deg, double ref_lon_deg, const Eigen::Vector2d& en_m,
                    double& lat_deg, double& lon_deg) noexcept;

// Raw state of a WeightedImpactAccumulator, for serialisation: its reference point, point count
// and the exact sums of w, w^2, w x, w y, (w x) x, (w y) y and (w x) y.
struct WeightedImpactSums {
  double ref_lat_deg = 0, ref_lon_deg = 0;
  std::uint64_t count = 0;
  ExactSum w, w2, wx, wy, wxx, wyy, wxy;
};

// ImpactAccumulator with a weight per point (e.g. the pieces a fragment stands for): weighted
// mean and covariance on the plane of a fixed reference point (required here: weighted results
// must not depend on which point came first). Sums of w, w^2, w x, w y (exact products) and of
// (w x) x, (w x) y, (w y) y (w x rounded once per point, so the state still depends on the points
// only, never on their order or split). The covariance uses reliability weights,
// sum w (d d^T) / (W - sum w^2 / W) with W = sum w: with equal weights it is the unweighted
// sample covariance (divisor n - 1), and scaling every weight by a constant changes nothing.
// The effective number of points (Kish) is W^2 / sum w^2. Points with w <= 0 or not finite, or
// with an invalid position, are the caller's to filter (they poison the sums).
class WeightedImpactAccumulator {
 public:
  // Throws std::invalid_argument unless lat in [-90, 90] and lon finite.
  WeightedImpactAccumulator(double ref_lat_deg, double ref_lon_deg);

  // Returns the point projected on the plane (x east, y north) [m].
  Eigen::Vector2d add(double lat_deg, double lon_deg, double weight) noexcept;
  // Throws std::invalid_argument for another reference point.
  void merge(const WeightedImpactAccumulator& other);

  std::uint64_t count() const noexcept { return count_; }
  double weight() const noexcept { return w_.value(); }
  double effective_count() const noexcept;     // W^2 / sum w^2 (0 without points)
  Eigen::Vector2d mean_en_m() const noexcept;  // NaN without weight
  double mean_lat_deg() const noexcept;
  double mean_lon_deg() const noexcept;
  // NaN unless count >= 2 and the effective count exceeds 1.
  Eigen::Matrix2d covariance_en_m2() const noexcept;

  // The state, and an accumulator restored from it bit for bit. from_sums throws
  // std::invalid_argument for an invalid reference, or count == 0 with nonzero sums.
  WeightedImpactSums sums() const;
  static WeightedImpactAccumulator from_sums(const WeightedImpactSums& sums);

 private:
  double ref_lat_deg_, ref_lon_deg_;
  std::uint64_t count_ = 0;
  ExactSum w_, w2_, wx_, wy_, wxx_, wyy_, wxy_;
};

// Containment ellipse of a bivariate normal with covariance cov_en_m2: the region
// d^T C^-1 d <= k^2 holds probability P when k^2 = -2 ln(1 - P) (chi-square, 2 degrees of
// freedom). Hence a k-sigma ellipse holds 1 - exp(-k^2 / 2): 1 sigma 39.35 %, 2 sigma 86.47 %,
// 3 sigma 98.89 % -- not the 1-D figures 68.27 / 95.45 / 99.73 %.
struct Ellipse {
  double probability;
  double semi_major_m;
  double semi_minor_m;
  double orientation_deg;  // azimuth of the major axis: clockwise from north, in [0, 180)
};
// probability in [0, 1). cov must be finite, symmetric (the mean of the off-diagonal entries is
// used) and positive semi-definite up to rounding (tiny negative eigenvalues are clamped to 0).
// Orientation 0 when the covariance is isotropic (to ~1e-14 relative). Throws std::domain_error
// for a probability outside [0, 1), std::invalid_argument for a non-finite or indefinite cov.
Ellipse containment_ellipse(const Eigen::Matrix2d& cov_en_m2, double probability);

// The share of `points_en_m` (plane coordinates, as ImpactAccumulator::add returns them) inside
// each ellipse d^T C^-1 d <= -2 ln(1 - P) centred on mean_en_m: the empirical containment of the
// normal-theory ellipses, which equals P when the footprint is Gaussian (within the binomial
// error sqrt(P (1 - P) / n)). Points with d^T C^-1 d within 1e-9 relative of the boundary count
// as inside. A singular cov (all points on a line) uses its pseudo-inverse with the points off
// the line outside. Empty points: NaN for every P.
std::vector<double> contained_fractions(const std::vector<Eigen::Vector2f>& points_en_m,
                                        const Eigen::Vector2d& mean_en_m,
                                        const Eigen::Matrix2d& cov_en_m2,
                                        const std::vector<double>& probabilities);

// The same with a weight per point: the weighted share of the points inside each ellipse (NaN
// for every P when the weights sum to 0).
std::vector<double> contained_fractions(const std::vector<Eigen::Vector2f>& points_en_m,
                                        const std::vector<double>& weights,
                                        const Eigen::Vector2d& mean_en_m,
                                        const Eigen::Matrix2d& cov_en_m2,
                                        const std::vector<double>& probabilities);

// Standard deviations along the downrange direction (azimuth downrange_azimuth_deg, clockwise from
// north, e.g. launch site -> mean impact) and across it (crossrange, positive to the right, i.e.
// azimuth + 90 deg), and the downrange/crossrange correlation (0 if either deviation is 0).
struct RangeSpread {
  double downrange_sd_m;
  double crossrange_sd_m;
  double correlation;
};
RangeSpread range_spread(const Eigen::Matrix2d& cov_en_m2, double downrange_azimuth_deg);

}  // namespace launchmc::stats
