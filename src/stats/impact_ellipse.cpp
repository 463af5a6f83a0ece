// Impact dispersion: accumulation on the azimuthal equidistant plane, containment ellipses and the
// downrange/crossrange split. See impact_ellipse.hpp.
//
// References:
//  - Projection: C. F. F. Karney, "Algorithms for geodesics", J. Geodesy 87, 43-55, 2013, sec. 8
//    (the ellipsoidal azimuthal equidistant projection, as implemented by GeographicLib).
//  - Containment of a bivariate normal: d^T C^-1 d follows chi-square with 2 degrees of freedom,
//    whose CDF is 1 - exp(-k^2 / 2); hence k^2 = -2 ln(1 - P). W. E. Hoover, "Algorithms for
//    confidence circles and ellipses", NOAA Technical Report NOS 107 C&GS 3, 1984.
//  - Eigen-decomposition of the symmetric 2x2 [[a, b], [b, d]] in closed form: eigenvalues
//    (a + d)/2 +- hypot((d - a)/2, b); the variance along azimuth t (clockwise from north, with
//    x east, y north) is (a + d)/2 + (d - a)/2 cos 2t + b sin 2t, largest at
//    2t = atan2(b, (d - a)/2).
#include "stats/impact_ellipse.hpp"

#include <Eigen/Eigenvalues>
#include <GeographicLib/AzimuthalEquidistant.hpp>
#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/Math.hpp>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace launchmc::stats {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kEps = std::numeric_limits<double>::epsilon();

// Shared, immutable: GeographicLib's const member functions are thread-safe.
const GeographicLib::AzimuthalEquidistant& projection() {
  static const GeographicLib::AzimuthalEquidistant p(GeographicLib::Geodesic::WGS84());
  return p;
}

bool valid_point(double lat_deg, double lon_deg) {
  return lat_deg >= -90.0 && lat_deg <= 90.0 && std::isfinite(lon_deg);
}

void check_reference(double lat_deg, double lon_deg, const char* where) {
  if (std::isnan(lat_deg) && std::isnan(lon_deg)) return;
  if (!valid_point(lat_deg, lon_deg)) {
    throw std::invalid_argument(std::string(where) + ": reference (" + std::to_string(lat_deg) +
                                ", " + std::to_string(lon_deg) +
                                "): need lat in [-90, 90] and a finite lon, or both NaN");
  }
}

}  // namespace

ImpactAccumulator::ImpactAccumulator(double ref_lat_deg, double ref_lon_deg) {
  check_reference(ref_lat_deg, ref_lon_deg, "ImpactAccumulator");
  sums_.ref_lat_deg = ref_lat_deg;
  sums_.ref_lon_deg = ref_lon_deg;
}

bool ImpactAccumulator::has_reference() const noexcept { return !std::isnan(sums_.ref_lat_deg); }

Eigen::Vector2d ImpactAccumulator::add(double lat_deg, double lon_deg) noexcept {
  ++sums_.count;
  if (!has_reference() && valid_point(lat_deg, lon_deg)) {
    sums_.ref_lat_deg = lat_deg;
    sums_.ref_lon_deg = lon_deg;
  }
  double x = kNaN;
  double y = kNaN;
  if (has_reference()) {
    // GeographicLib returns NaN for an invalid point, which poisons the sums below.
    projection().Forward(sums_.ref_lat_deg, sums_.ref_lon_deg, lat_deg, lon_deg, x, y);
  }
  sums_.x_m.add(x);
  sums_.y_m.add(y);
  sums_.xx_m2.add_product(x, x);
  sums_.yy_m2.add_product(y, y);
  sums_.xy_m2.add_product(x, y);
  return {x, y};
}

void ImpactAccumulator::merge(const ImpactAccumulator& other) {
  if (other.has_reference()) {
    if (!has_reference()) {
      sums_.ref_lat_deg = other.sums_.ref_lat_deg;
      sums_.ref_lon_deg = other.sums_.ref_lon_deg;
    } else if (sums_.ref_lat_deg != other.sums_.ref_lat_deg ||
               sums_.ref_lon_deg != other.sums_.ref_lon_deg) {
      throw std::invalid_argument("ImpactAccumulator::merge: different reference points (" +
                                  std::to_string(sums_.ref_lat_deg) + ", " +
                                  std::to_string(sums_.ref_lon_deg) + ") and (" +
                                  std::to_string(other.sums_.ref_lat_deg) + ", " +
                                  std::to_string(other.sums_.ref_lon_deg) + ")");
    }
  }
  sums_.count += other.sums_.count;
  sums_.x_m.merge(other.sums_.x_m);
  sums_.y_m.merge(other.sums_.y_m);
  sums_.xx_m2.merge(other.sums_.xx_m2);
  sums_.yy_m2.merge(other.sums_.yy_m2);
  sums_.xy_m2.merge(other.sums_.xy_m2);
}

Eigen::Vector2d ImpactAccumulator::mean_en_m() const noexcept {
  return {exact_mean(sums_.x_m, sums_.count), exact_mean(sums_.y_m, sums_.count)};
}

void ImpactAccumulator::mean_lat_lon(double& lat_deg, double& lon_deg) const noexcept {
  lat_deg = kNaN;
  lon_deg = kNaN;
  const Eigen::Vector2d m = mean_en_m();
  if (!has_reference() || !m.allFinite()) return;
  projection().Reverse(sums_.ref_lat_deg, sums_.ref_lon_deg, m.x(), m.y(), lat_deg, lon_deg);
}

double ImpactAccumulator::mean_lat_deg() const noexcept {
  double lat = kNaN;
  double lon = kNaN;
  mean_lat_lon(lat, lon);
  return lat;
}

double ImpactAccumulator::mean_lon_deg() const noexcept {
  double lat = kNaN;
  double lon = kNaN;
  mean_lat_lon(lat, lon);
  return lon;
}

Eigen::Matrix2d ImpactAccumulator::covariance_en_m2() const noexcept {
  Eigen::Matrix2d c;
  const std::uint64_t n = sums_.count;
  if (n < 2) {
    c.setConstant(kNaN);
    return c;
  }
  const auto dof = static_cast<double>(n - 1);
  const double cxx = co_moment(sums_.xx_m2, sums_.x_m, sums_.x_m, n) / dof;
  const double cyy = co_moment(sums_.yy_m2, sums_.y_m, sums_.y_m, n) / dof;
  const double cxy = co_moment(sums_.xy_m2, sums_.x_m, sums_.y_m, n) / dof;
  // Clamp rounding below zero (std::max keeps NaN: NaN < 0 is false).
  const double vxx = std::max(cxx, 0.0), vyy = std::max(cyy, 0.0);
  // Each entry is the exact co-moment rounded, but three roundings can still break
  // cxy^2 <= cxx cyy (Cauchy-Schwarz) when the points are collinear or identical: identical points
  // far from the reference leave +-1e-15 m^2 of rounding in every entry, an indefinite matrix that
  // containment_ellipse refused (a fuzz finding). Clamp cxy to the bound (NaN stays NaN).
  double vxy = cxy;
  const double bound = std::sqrt(vxx) * std::sqrt(vyy);
  if (std::abs(vxy) > bound) vxy = std::copysign(bound, vxy);
  c << vxx, vxy, vxy, vyy;
  return c;
}

ImpactAccumulator ImpactAccumulator::from_sums(const ImpactSums& sums) {
  check_reference(sums.ref_lat_deg, sums.ref_lon_deg, "ImpactAccumulator::from_sums");
  const ExactSum zero;
  if (sums.count == 0 && !(sums.x_m == zero && sums.y_m == zero && sums.xx_m2 == zero &&
                           sums.yy_m2 == zero && sums.xy_m2 == zero)) {
    throw std::invalid_argument("ImpactAccumulator::from_sums: count = 0 with nonzero sums");
  }
  // Without a reference only poisoned (NaN) points can have been added.
  if (sums.count > 0 && std::isnan(sums.ref_lat_deg) && !sums.x_m.has_nan()) {
    throw std::invalid_argument("ImpactAccumulator::from_sums: count > 0 without a reference");
  }
  ImpactAccumulator acc;
  acc.sums_ = sums;
  return acc;
}

Ellipse containment_ellipse(const Eigen::Matrix2d& cov_en_m2, double probability) {
  if (!(probability >= 0.0 && probability < 1.0)) {
    throw std::domain_error("containment_ellipse: probability = " + std::to_string(probability) +
                            ": must be in [0, 1)");
  }
  if (!cov_en_m2.allFinite()) {
    throw std::invalid_argument("containment_ellipse: covariance is not finite");
  }
  const double a = cov_en_m2(0, 0);  // east variance
  const double d = cov_en_m2(1, 1);  // north variance
  const double b = 0.5 * (cov_en_m2(0, 1) + cov_en_m2(1, 0));
  const double m = 0.5 * (a + d);
  const double h = 0.5 * (d - a);
  const double r = std::hypot(h, b);
  const double l1 = m + r;
  double l2 = m - r;
  const double scale = std::max({std::abs(a), std::abs(d), std::abs(b)});
  if (l2 < -1e-12 * scale) {
    throw std::invalid_argument(
        "containment_ellipse: covariance is not positive semi-definite "
        "(eigenvalues " +
        std::to_string(l1) + ", " + std::to_string(l2) + ")");
  }
  l2 = std::max(l2, 0.0);
  double orientation = 0.0;
  if (r > 64.0 * kEps * std::abs(m)) {  // else isotropic: any axis is a major axis
    orientation = 0.5 * std::atan2(b, h) * (180.0 / std::numbers::pi);  // in [-90, 90]
    if (orientation < 0.0) orientation += 180.0;
    if (orientation >= 180.0) orientation -= 180.0;
    orientation += 0.0;  // no -0
  }
  const double k = std::sqrt(-2.0 * std::log1p(-probability));
  return {probability, k * std::sqrt(l1), k * std::sqrt(l2), orientation};
}

namespace {
// Weighted share of the points inside each ellipse (weights null: each point weighs 1).
std::vector<double> weighted_fractions(const std::vector<Eigen::Vector2f>& points_en_m,
                                       const std::vector<double>* weights,
                                       const Eigen::Vector2d& mean_en_m,
                                       const Eigen::Matrix2d& cov_en_m2,
                                       const std::vector<double>& probabilities) {
  std::vector<double> fractions(probabilities.size(), kNaN);
  if (points_en_m.empty()) return fractions;
  // Eigen-decomposition of the symmetric covariance: d^T C^-1 d = sum_i (v_i . d)^2 / l_i.
  const Eigen::SelfAdjointEigenSolver<Eigen::Matrix2d> eig(0.5 *
                                                           (cov_en_m2 + cov_en_m2.transpose()));
  const Eigen::Vector2d l = eig.eigenvalues();
  const Eigen::Matrix2d v = eig.eigenvectors();
  const double l_max = std::max(l.maxCoeff(), 0.0);
  std::vector<double> k2(probabilities.size());
  for (std::size_t i = 0; i < probabilities.size(); ++i)
    k2[i] = -2.0 * std::log1p(-probabilities[i]);
  std::vector<ExactSum> inside(probabilities.size());
  ExactSum total;
  for (std::size_t p = 0; p < points_en_m.size(); ++p) {
    const double w = weights ? (*weights)[p] : 1.0;
    total.add(w);
    const Eigen::Vector2d d = points_en_m[p].cast<double>() - mean_en_m;
    double m2 = 0.0;
    for (int j = 0; j < 2; ++j) {
      const double proj = v.col(j).dot(d);
      if (l[j] > 1e-12 * l_max) {
        m2 += proj * proj / l[j];
      } else if (std::abs(proj) > 1e-6 * std::sqrt(l_max) + 1e-3) {
        m2 = std::numeric_limits<double>::infinity();  // off a degenerate (line) footprint
      }
    }
    for (std::size_t i = 0; i < k2.size(); ++i)
      if (m2 <= k2[i] * (1.0 + 1e-9)) inside[i].add(w);
  }
  const double t = total.value();
  if (!(t > 0.0)) return fractions;
  for (std::size_t i = 0; i < fractions.size(); ++i) fractions[i] = inside[i].value() / t;
  return fractions;
}
}  // namespace

std::vector<double> contained_fractions(const std::vector<Eigen::Vector2f>& points_en_m,
                                        const Eigen::Vector2d& mean_en_m,
                                        const Eigen::Matrix2d& cov_en_m2,
                                        const std::vector<double>& probabilities) {
  return weighted_fractions(points_en_m, nullptr, mean_en_m, cov_en_m2, probabilities);
}

std::vector<double> contained_fractions(const std::vector<Eigen::Vector2f>& points_en_m,
                                        const std::vector<double>& weights,
                                        const Eigen::Vector2d& mean_en_m,
                                        const Eigen::Matrix2d& cov_en_m2,
                                        const std::vector<double>& probabilities) {
  if (weights.size() != points_en_m.size())
    throw std::invalid_argument("contained_fractions: one weight per point");
  return weighted_fractions(points_en_m, &weights, mean_en_m, cov_en_m2, probabilities);
}

Eigen::Vector2d project_en_m(double ref_lat_deg, double ref_lon_deg, double lat_deg,
                             double lon_deg) noexcept {
  double x = kNaN, y = kNaN;
  projection().Forward(ref_lat_deg, ref_lon_deg, lat_deg, lon_deg, x, y);
  return {x, y};
}

void unproject_en_m(double ref_lat_deg, double ref_lon_deg, const Eigen::Vector2d& en_m,
                    double& lat_deg, double& lon_deg) noexcept {
  lat_deg = kNaN;
  lon_deg = kNaN;
  if (!en_m.allFinite()) return;
  projection().Reverse(ref_lat_deg, ref_lon_deg, en_m.x(), en_m.y(), lat_deg, lon_deg);
}

WeightedImpactAccumulator::WeightedImpactAccumulator(double ref_lat_deg, double ref_lon_deg)
    : ref_lat_deg_(ref_lat_deg), ref_lon_deg_(ref_lon_deg) {
  if (!valid_point(ref_lat_deg, ref_lon_deg))
    throw std::invalid_argument("WeightedImpactAccumulator: reference (" +
                                std::to_string(ref_lat_deg) + ", " + std::to_string(ref_lon_deg) +
                                ") is not a point");
}

Eigen::Vector2d WeightedImpactAccumulator::add(double lat_deg, double lon_deg,
                                               double weight) noexcept {
  const Eigen::Vector2d p = project_en_m(ref_lat_deg_, ref_lon_deg_, lat_deg, lon_deg);
  ++count_;
  w_.add(weight);
  w2_.add_product(weight, weight);
  wx_.add_product(weight, p.x());
  wy_.add_product(weight, p.y());
  const double wx = weight * p.x(), wy = weight * p.y();  // rounded once per point
  wxx_.add_product(wx, p.x());
  wyy_.add_product(wy, p.y());
  wxy_.add_product(wx, p.y());
  return p;
}

void WeightedImpactAccumulator::merge(const WeightedImpactAccumulator& o) {
  if (o.ref_lat_deg_ != ref_lat_deg_ || o.ref_lon_deg_ != ref_lon_deg_)
    throw std::invalid_argument("WeightedImpactAccumulator::merge: different reference points");
  count_ += o.count_;
  w_.merge(o.w_);
  w2_.merge(o.w2_);
  wx_.merge(o.wx_);
  wy_.merge(o.wy_);
  wxx_.merge(o.wxx_);
  wyy_.merge(o.wyy_);
  wxy_.merge(o.wxy_);
}

WeightedImpactSums WeightedImpactAccumulator::sums() const {
  return {ref_lat_deg_, ref_lon_deg_, count_, w_, w2_, wx_, wy_, wxx_, wyy_, wxy_};
}

WeightedImpactAccumulator WeightedImpactAccumulator::from_sums(const WeightedImpactSums& s) {
  WeightedImpactAccumulator acc(s.ref_lat_deg, s.ref_lon_deg);  // checks the reference
  const ExactSum zero;
  if (s.count == 0 && !(s.w == zero && s.w2 == zero && s.wx == zero && s.wy == zero &&
                        s.wxx == zero && s.wyy == zero && s.wxy == zero))
    throw std::invalid_argument(
        "WeightedImpactAccumulator::from_sums: count = 0 with nonzero sums");
  acc.count_ = s.count;
  acc.w_ = s.w;
  acc.w2_ = s.w2;
  acc.wx_ = s.wx;
  acc.wy_ = s.wy;
  acc.wxx_ = s.wxx;
  acc.wyy_ = s.wyy;
  acc.wxy_ = s.wxy;
  return acc;
}

double WeightedImpactAccumulator::effective_count() const noexcept {
  const double w = w_.value(), w2 = w2_.value();
  return w2 > 0.0 ? w * w / w2 : 0.0;
}

Eigen::Vector2d WeightedImpactAccumulator::mean_en_m() const noexcept {
  const double w = w_.value();
  if (!(w > 0.0)) return {kNaN, kNaN};
  return {wx_.value() / w, wy_.value() / w};
}

double WeightedImpactAccumulator::mean_lat_deg() const noexcept {
  double lat = kNaN, lon = kNaN;
  unproject_en_m(ref_lat_deg_, ref_lon_deg_, mean_en_m(), lat, lon);
  return lat;
}

double WeightedImpactAccumulator::mean_lon_deg() const noexcept {
  double lat = kNaN, lon = kNaN;
  unproject_en_m(ref_lat_deg_, ref_lon_deg_, mean_en_m(), lat, lon);
  return lon;
}

Eigen::Matrix2d WeightedImpactAccumulator::covariance_en_m2() const noexcept {
  Eigen::Matrix2d c;
  c.setConstant(kNaN);
  const double w = w_.value(), w2 = w2_.value();
  const double dof = w - w2 / w;
  if (count_ < 2 || !(w > 0.0) || !(dof > 0.0)) return c;
  // S_ab - S_a S_b / W in extended precision from the exact sums' double-double values.
  auto ld = [](const ExactSum& s) {
    const DoubleDouble d = s.value_dd();
    return static_cast<long double>(d.hi) + static_cast<long double>(d.lo);
  };
  const long double W = ld(w_), sx = ld(wx_), sy = ld(wy_);
  const double cxx = static_cast<double>(ld(wxx_) - sx * sx / W) / dof;
  const double cyy = static_cast<double>(ld(wyy_) - sy * sy / W) / dof;
  const double cxy = static_cast<double>(ld(wxy_) - sx * sy / W) / dof;
  const double vxx = std::max(cxx, 0.0), vyy = std::max(cyy, 0.0);
  double vxy = cxy;
  const double bound = std::sqrt(vxx) * std::sqrt(vyy);
  if (std::abs(vxy) > bound) vxy = std::copysign(bound, vxy);  // as ImpactAccumulator
  c << vxx, vxy, vxy, vyy;
  return c;
}

RangeSpread range_spread(const Eigen::Matrix2d& cov_en_m2, double downrange_azimuth_deg) {
  double s = 0.0;
  double c = 0.0;
  GeographicLib::Math::sincosd(downrange_azimuth_deg, s, c);  // exact at multiples of 90 deg
  const double a = cov_en_m2(0, 0);
  const double d = cov_en_m2(1, 1);
  const double b = 0.5 * (cov_en_m2(0, 1) + cov_en_m2(1, 0));
  // Unit vectors (east, north): downrange (s, c); crossrange, 90 deg to the right, (c, -s).
  const double var_down = a * s * s + d * c * c + 2.0 * b * s * c;
  const double var_cross = a * c * c + d * s * s - 2.0 * b * s * c;
  const double cov_dc = (a - d) * s * c + b * (c * c - s * s);
  const double sd_down = std::sqrt(std::max(var_down, 0.0));
  const double sd_cross = std::sqrt(std::max(var_cross, 0.0));
  double corr = 0.0;
  if (sd_down > 0.0 && sd_cross > 0.0) corr = std::clamp(cov_dc / (sd_down * sd_cross), -1.0, 1.0);
  if (std::isnan(cov_dc) || std::isnan(sd_down) || std::isnan(sd_cross)) corr = kNaN;
  return {sd_down, sd_cross, corr};
}

}  // namespace launchmc::stats
