// Tests of gravity: acceleration = gradient of potential, point-mass limit, J2/J3/J4 terms vs
// textbook closed forms (Vallado eq. 8-30 style), signs, and WGS-84 normal gravity.
#include <gtest/gtest.h>

#include <GeographicLib/NormalGravity.hpp>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "common/constants.hpp"
#include "gravity/gravity.hpp"

namespace {

namespace c = launchmc::constants;
using launchmc::gravity::acceleration_mps2;
using launchmc::gravity::potential_m2ps2;

constexpr double kMu = c::wgs84_gm_m3ps2;
constexpr double kR = c::egm2008_radius_m;

// Points (ECEF-like, z = polar axis) from the surface to beyond GEO, all latitudes.
std::vector<Eigen::Vector3d> sample_points() {
  std::vector<Eigen::Vector3d> pts;
  for (double radius : {kR, kR + 100e3, kR + 400e3, 2.0 * kR, 42164e3}) {
    for (double lat_deg : {-90.0, -63.4, -30.0, 0.0, 10.0, 45.0, 75.0, 90.0}) {
      for (double lon_deg : {0.0, 123.0}) {
        const double la = lat_deg * c::deg_to_rad;
        const double lo = lon_deg * c::deg_to_rad;
        pts.emplace_back(radius * std::cos(la) * std::cos(lo), radius * std::cos(la) * std::sin(lo),
                         radius * std::sin(la));
      }
    }
  }
  return pts;
}

TEST(Gravity, AccelerationIsGradientOfPotential) {
  const double h = 5.0;  // central-difference step [m]: truncation ~ (h/r)^2, round-off ~ 1e-10
  for (int degree : {0, 2, 3, 4}) {
    for (const Eigen::Vector3d& r : sample_points()) {
      Eigen::Vector3d numeric;
      for (int k = 0; k < 3; ++k) {
        Eigen::Vector3d rp = r;
        Eigen::Vector3d rm = r;
        rp[k] += h;
        rm[k] -= h;
        numeric[k] = (potential_m2ps2(rp, degree) - potential_m2ps2(rm, degree)) / (2.0 * h);
      }
      const Eigen::Vector3d a = acceleration_mps2(r, degree);
      EXPECT_LT((a - numeric).norm(), 1e-8 * a.norm())
          << "degree " << degree << " at " << r.transpose();
    }
  }
}

TEST(Gravity, PointMassLimit) {
  for (const Eigen::Vector3d& r : sample_points()) {
    const Eigen::Vector3d expected = -kMu * r / std::pow(r.norm(), 3);
    EXPECT_LT((acceleration_mps2(r, 0) - expected).norm(), 1e-14 * expected.norm());
    EXPECT_LT((acceleration_mps2(r, 1) - expected).norm(), 1e-14 * expected.norm());
    EXPECT_NEAR(potential_m2ps2(r, 0), kMu / r.norm(), 1e-15 * kMu / r.norm());
  }
  // The zonal terms fall off as (R/r)^n: far away the field is a point mass (J2 (R/r)^2 ~ 3e-9
  // at |r| = 3.7e9 m).
  const Eigen::Vector3d far(1e9, 2e9, 3e9);
  EXPECT_LT((acceleration_mps2(far, 4) - acceleration_mps2(far, 0)).norm(),
            1e-8 * acceleration_mps2(far, 0).norm());
}

// Vallado, Fundamentals of Astrodynamics and Applications (4th ed.), sec. 8.6.1, eq. 8-30
// style closed forms of the zonal accelerations, term by term.
TEST(Gravity, ZonalTermsMatchTextbookClosedForms) {
  for (const Eigen::Vector3d& r_vec : sample_points()) {
    const double x = r_vec.x();
    const double y = r_vec.y();
    const double z = r_vec.z();
    const double r = r_vec.norm();
    const double zr2 = z * z / (r * r);
    // J2: a = -3/2 J2 mu R^2 / r^5 (x (1 - 5 z^2/r^2), y (...), z (3 - 5 z^2/r^2))
    const double k2 = -1.5 * c::egm2008_j2 * kMu * kR * kR / std::pow(r, 5);
    const Eigen::Vector3d a2(k2 * x * (1.0 - 5.0 * zr2), k2 * y * (1.0 - 5.0 * zr2),
                             k2 * z * (3.0 - 5.0 * zr2));
    // J3: a_x = -5/2 J3 mu R^3 x / r^7 (3 z - 7 z^3/r^2), a_z = -5/2 J3 mu R^3 / r^7
    // (6 z^2 - 7 z^4/r^2 - 3/5 r^2)
    const double k3 = -2.5 * c::egm2008_j3 * kMu * std::pow(kR, 3) / std::pow(r, 7);
    const Eigen::Vector3d a3(k3 * x * (3.0 * z - 7.0 * z * zr2), k3 * y * (3.0 * z - 7.0 * z * zr2),
                             k3 * (6.0 * z * z - 7.0 * z * z * zr2 - 0.6 * r * r));
    // J4: a_x = 15/8 J4 mu R^4 x / r^7 (1 - 14 z^2/r^2 + 21 z^4/r^4),
    //     a_z = 15/8 J4 mu R^4 z / r^7 (5 - 70/3 z^2/r^2 + 21 z^4/r^4)
    const double k4 = 15.0 / 8.0 * c::egm2008_j4 * kMu * std::pow(kR, 4) / std::pow(r, 7);
    const double hx = 1.0 - 14.0 * zr2 + 21.0 * zr2 * zr2;
    const Eigen::Vector3d a4(k4 * x * hx, k4 * y * hx,
                             k4 * z * (5.0 - 70.0 / 3.0 * zr2 + 21.0 * zr2 * zr2));

    const Eigen::Vector3d d2 = acceleration_mps2(r_vec, 2) - acceleration_mps2(r_vec, 0);
    const Eigen::Vector3d d3 = acceleration_mps2(r_vec, 3) - acceleration_mps2(r_vec, 2);
    const Eigen::Vector3d d4 = acceleration_mps2(r_vec, 4) - acceleration_mps2(r_vec, 3);
    // Differences of ~10 m/s^2 numbers: absolute round-off ~ 1e-14 m/s^2.
    EXPECT_LT((d2 - a2).norm(), 1e-9 * a2.norm() + 1e-13) << r_vec.transpose();
    EXPECT_LT((d3 - a3).norm(), 1e-7 * a3.norm() + 1e-13) << r_vec.transpose();
    EXPECT_LT((d4 - a4).norm(), 1e-7 * a4.norm() + 1e-13) << r_vec.transpose();
  }
}

TEST(Gravity, J2SignsEquatorStrongerPoleWeaker) {
  const double g_pm = kMu / (kR * kR);
  // On the equator at r = R, J2 adds 3/2 J2 g (radially inwards): stronger than point mass.
  const Eigen::Vector3d a_eq = acceleration_mps2(Eigen::Vector3d(kR, 0.0, 0.0), 2);
  EXPECT_GT(a_eq.norm(), g_pm);
  EXPECT_NEAR(a_eq.x(), -g_pm * (1.0 + 1.5 * c::egm2008_j2), 1e-12);
  EXPECT_NEAR(a_eq.z(), 0.0, 1e-15);
  // Over the pole at r = R, J2 removes 3 J2 g: weaker than point mass.
  const Eigen::Vector3d a_pole = acceleration_mps2(Eigen::Vector3d(0.0, 0.0, kR), 2);
  EXPECT_LT(a_pole.norm(), g_pm);
  EXPECT_NEAR(a_pole.z(), -g_pm * (1.0 - 3.0 * c::egm2008_j2), 1e-12);
  // Off the equator J2 pulls towards the equatorial plane (the equatorial bulge).
  const Eigen::Vector3d r45(kR * std::sqrt(0.5), 0.0, kR * std::sqrt(0.5));
  const Eigen::Vector3d d = acceleration_mps2(r45, 2) - acceleration_mps2(r45, 0);
  EXPECT_LT(d.z(), 0.0);
  EXPECT_LT(d.dot(Eigen::Vector3d(-1.0, 0.0, 1.0)), 0.0);  // towards decreasing latitude
}

// Gravitational part (no centrifugal term) of the WGS-84 normal field, NormalGravity::V0. The
// normal field is that of the level ellipsoid: its J2 (derived from f, 1.0826298e-3) differs
// from EGM2008's by 3.6e-9; its J4 (-2.37e-6) from EGM2008's (-1.62e-6) by 7.5e-7, which changes
// g by up to ~1.4e-5 m/s^2; it has no J3 (EGM2008 J3 = -2.5e-6, up to ~1e-4 m/s^2 near the poles,
// but nothing radial on the equator) and has J6 = 6.1e-9 (7 J6 g = 4.2e-7 m/s^2 at the poles).
TEST(Gravity, AgreesWithWgs84NormalGravityGravitationalPart) {
  const GeographicLib::NormalGravity& ng = GeographicLib::NormalGravity::WGS84();
  ASSERT_DOUBLE_EQ(ng.MassConstant(), kMu);
  ASSERT_DOUBLE_EQ(ng.EquatorialRadius(), kR);
  const auto v0 = [&](const Eigen::Vector3d& r) {
    Eigen::Vector3d g;
    ng.V0(r.x(), r.y(), r.z(), g.x(), g.y(), g.z());
    return g;
  };
  // Equator surface, full model: magnitudes agree to 2e-5 m/s^2 (2 ppm) given the J4 difference.
  const Eigen::Vector3d r_eq(kR, 0.0, 0.0);
  EXPECT_NEAR(acceleration_mps2(r_eq).norm(), v0(r_eq).norm(), 2e-5);
  // WGS-84 equatorial normal gravity 9.7803253359 m/s^2 (TR8350.2 table 3.4) is net of the
  // centrifugal omega^2 a = 0.0339 m/s^2; the gravitational part is their sum.
  const double w = c::earth_rotation_radps;
  EXPECT_NEAR(acceleration_mps2(r_eq).norm(), 9.7803253359 + w * w * kR, 2e-5);

  // Swapping in the normal field's J2 and J4 and dropping J3 leaves only its J6+ (< 4.2e-7).
  const double j2n = ng.DynamicalFormFactor(2);
  const double j4n = ng.DynamicalFormFactor(4);
  EXPECT_NEAR(j2n, c::egm2008_j2, 5e-9);
  for (const Eigen::Vector3d& r : sample_points()) {
    const Eigen::Vector3d a0 = acceleration_mps2(r, 0);
    const Eigen::Vector3d a2 = acceleration_mps2(r, 2);
    const Eigen::Vector3d a3 = acceleration_mps2(r, 3);
    const Eigen::Vector3d a4 = acceleration_mps2(r, 4);
    const Eigen::Vector3d normal_like =
        a0 + (a2 - a0) * (j2n / c::egm2008_j2) + (a4 - a3) * (j4n / c::egm2008_j4);
    EXPECT_LT((normal_like - v0(r)).norm(), 5e-7) << r.transpose();
  }
}

TEST(Gravity, RejectsUnsupportedDegree) {
  const Eigen::Vector3d r(kR, 0.0, 0.0);
  EXPECT_THROW(acceleration_mps2(r, 5), std::invalid_argument);
  EXPECT_THROW(acceleration_mps2(r, -1), std::invalid_argument);
  EXPECT_THROW(potential_m2ps2(r, 7), std::invalid_argument);
}

}  // namespace
