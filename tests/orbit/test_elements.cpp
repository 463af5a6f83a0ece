// Tests of orbit/elements: RV2COE against Vallado example 2-5, circular/equatorial/hyperbolic
// and rectilinear cases, energy and angular momentum, apsis altitudes, J2 nodal rate.
#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <cmath>
#include <limits>

#include "common/constants.hpp"
#include "orbit/elements.hpp"

namespace {

namespace c = launchmc::constants;
using launchmc::orbit::apsis_altitudes;
using launchmc::orbit::Elements;
using launchmc::orbit::elements_from_state;
using launchmc::orbit::j2_nodal_rate_radps;

constexpr double kMu = c::wgs84_gm_m3ps2;
constexpr double kDeg = c::deg_to_rad;

// State from elements (perifocal -> ECI), used to build test cases.
void state_from_elements(double a, double e, double i, double raan, double argp, double nu,
                         Eigen::Vector3d& r, Eigen::Vector3d& v) {
  const double p = a * (1.0 - e * e);
  const double rad = p / (1.0 + e * std::cos(nu));
  const Eigen::Vector3d r_pqw(rad * std::cos(nu), rad * std::sin(nu), 0.0);
  const Eigen::Vector3d v_pqw(-std::sqrt(kMu / p) * std::sin(nu),
                              std::sqrt(kMu / p) * (e + std::cos(nu)), 0.0);
  const Eigen::Matrix3d rot = (Eigen::AngleAxisd(raan, Eigen::Vector3d::UnitZ()) *
                               Eigen::AngleAxisd(i, Eigen::Vector3d::UnitX()) *
                               Eigen::AngleAxisd(argp, Eigen::Vector3d::UnitZ()))
                                  .toRotationMatrix();
  r = rot * r_pqw;
  v = rot * v_pqw;
}

TEST(Elements, ValladoExample2_5) {
  // Vallado, Fundamentals of Astrodynamics and Applications (4th ed.), example 2-5 (RV2COE).
  const Eigen::Vector3d r(6524.834e3, 6862.875e3, 6448.296e3);
  const Eigen::Vector3d v(4.901327e3, 5.533756e3, -1.976341e3);
  const Elements el = elements_from_state(r, v);
  const double p = el.semi_major_axis_m * (1.0 - el.eccentricity * el.eccentricity);
  // The book prints p = 11067.790 km, a = 36127.343 km; evaluating h^2/mu and -mu/(2 energy)
  // in double precision from the printed r, v gives 11067.798 km and 36127.338 km (the book's
  // rounding of intermediate values), hence 1e-6 relative tolerances on these two.
  EXPECT_NEAR(p / 1e3, 11067.790, 0.011);
  EXPECT_NEAR(el.semi_major_axis_m / 1e3, 36127.343, 0.036);
  EXPECT_NEAR(el.eccentricity, 0.832853, 1e-6);
  EXPECT_NEAR(el.inclination_rad / kDeg, 87.870, 1e-3);
  EXPECT_NEAR(el.raan_rad / kDeg, 227.898, 1e-3);
  EXPECT_NEAR(el.arg_perigee_rad / kDeg, 53.38, 0.01);
  EXPECT_NEAR(el.true_anomaly_rad / kDeg, 92.335, 1e-3);
  EXPECT_NEAR(el.periapsis_radius_m, el.semi_major_axis_m * (1.0 - el.eccentricity), 1e-3);
  EXPECT_NEAR(el.apoapsis_radius_m, el.semi_major_axis_m * (1.0 + el.eccentricity), 1e-3);
  EXPECT_NEAR(el.period_s, 2.0 * c::pi * std::sqrt(std::pow(el.semi_major_axis_m, 3) / kMu), 1e-6);
}

TEST(Elements, EnergyAndAngularMomentum) {
  const Eigen::Vector3d r(7000e3, -1200e3, 300e3);
  const Eigen::Vector3d v(1.1e3, 7.3e3, 1.5e3);
  const Elements el = elements_from_state(r, v);
  EXPECT_NEAR(el.specific_energy_m2ps2, 0.5 * v.squaredNorm() - kMu / r.norm(), 1e-6);
  EXPECT_NEAR(el.specific_angular_momentum_m2ps, r.cross(v).norm(), 1e-3);
  EXPECT_NEAR(el.semi_major_axis_m, -kMu / (2.0 * el.specific_energy_m2ps2), 1e-6);
  // h^2 = mu a (1 - e^2)
  EXPECT_NEAR(std::pow(el.specific_angular_momentum_m2ps, 2) / kMu,
              el.semi_major_axis_m * (1.0 - el.eccentricity * el.eccentricity), 1e-4);
}

TEST(Elements, RoundTripGeneralOrbits) {
  for (double e : {1e-4, 0.1, 0.7, 0.95}) {
    for (double i_deg : {5.0, 51.6, 97.4, 150.0}) {
      const double a = 8000e3;
      const double raan = 300.0 * kDeg;
      const double argp = 45.0 * kDeg;
      const double nu = 200.0 * kDeg;
      Eigen::Vector3d r;
      Eigen::Vector3d v;
      state_from_elements(a, e, i_deg * kDeg, raan, argp, nu, r, v);
      const Elements el = elements_from_state(r, v);
      EXPECT_NEAR(el.semi_major_axis_m, a, 1e-6 * a);
      EXPECT_NEAR(el.eccentricity, e, 1e-12);
      EXPECT_NEAR(el.inclination_rad, i_deg * kDeg, 1e-12);
      EXPECT_NEAR(el.raan_rad, raan, 1e-11);
      EXPECT_NEAR(el.arg_perigee_rad, argp, 1e-7);
      EXPECT_NEAR(el.true_anomaly_rad, nu, 1e-7);
    }
  }
}

TEST(Elements, CircularInclinedUsesArgumentOfLatitude) {
  const double a = c::wgs84_a_m + 500e3;
  Eigen::Vector3d r;
  Eigen::Vector3d v;
  state_from_elements(a, 0.0, 97.4 * kDeg, 10.0 * kDeg, 0.0, 30.0 * kDeg, r, v);
  const Elements el = elements_from_state(r, v);
  EXPECT_LT(el.eccentricity, 1e-10);
  EXPECT_NEAR(el.semi_major_axis_m, a, 1e-6);
  EXPECT_NEAR(el.periapsis_radius_m, a, 1e-6);
  EXPECT_NEAR(el.apoapsis_radius_m, a, 1e-6);
  EXPECT_NEAR(el.inclination_rad, 97.4 * kDeg, 1e-12);
  EXPECT_NEAR(el.raan_rad, 10.0 * kDeg, 1e-12);
  EXPECT_EQ(el.arg_perigee_rad, 0.0);
  EXPECT_NEAR(el.true_anomaly_rad, 30.0 * kDeg, 1e-12);  // argument of latitude
  EXPECT_NEAR(el.period_s, 2.0 * c::pi * std::sqrt(a * a * a / kMu), 1e-9);
}

TEST(Elements, EquatorialCases) {
  const double a = 42164e3;
  Eigen::Vector3d r;
  Eigen::Vector3d v;
  // Circular equatorial (GEO): true longitude.
  state_from_elements(a, 0.0, 0.0, 0.0, 0.0, 75.0 * kDeg, r, v);
  Elements el = elements_from_state(r, v);
  EXPECT_EQ(el.inclination_rad, 0.0);
  EXPECT_EQ(el.raan_rad, 0.0);
  EXPECT_EQ(el.arg_perigee_rad, 0.0);
  EXPECT_NEAR(el.true_anomaly_rad, 75.0 * kDeg, 1e-12);
  // Elliptic equatorial: argument of perigee is the longitude of periapsis.
  state_from_elements(a, 0.3, 0.0, 0.0, 120.0 * kDeg, 10.0 * kDeg, r, v);
  el = elements_from_state(r, v);
  EXPECT_EQ(el.raan_rad, 0.0);
  EXPECT_NEAR(el.arg_perigee_rad, 120.0 * kDeg, 1e-12);
  EXPECT_NEAR(el.true_anomaly_rad, 10.0 * kDeg, 1e-12);
  // Retrograde equatorial: inclination pi, angles measured in the direction of motion.
  state_from_elements(a, 0.3, c::pi, 0.0, 120.0 * kDeg, 10.0 * kDeg, r, v);
  el = elements_from_state(r, v);
  EXPECT_NEAR(el.inclination_rad, c::pi, 1e-12);
  EXPECT_NEAR(el.arg_perigee_rad, 120.0 * kDeg, 1e-12);
  EXPECT_NEAR(el.true_anomaly_rad, 10.0 * kDeg, 1e-12);
}

TEST(Elements, HyperbolicAndParabolic) {
  // Hyperbolic: v above escape speed at perigee.
  const double rp = 7000e3;
  const double v_esc = std::sqrt(2.0 * kMu / rp);
  const Eigen::Vector3d r(rp, 0.0, 0.0);
  const Eigen::Vector3d v(0.0, 1.2 * v_esc, 0.0);
  Elements el = elements_from_state(r, v);
  const double e_expected = rp * v.squaredNorm() / kMu - 1.0;  // at periapsis
  EXPECT_NEAR(el.eccentricity, e_expected, 1e-12);
  EXPECT_GT(el.eccentricity, 1.0);
  EXPECT_LT(el.semi_major_axis_m, 0.0);
  EXPECT_GT(el.specific_energy_m2ps2, 0.0);
  EXPECT_NEAR(el.periapsis_radius_m, rp, 1e-6);
  EXPECT_NEAR(el.semi_major_axis_m * (1.0 - el.eccentricity), rp, 1e-5);
  EXPECT_TRUE(std::isinf(el.apoapsis_radius_m));
  EXPECT_TRUE(std::isinf(el.period_s));
  EXPECT_NEAR(el.true_anomaly_rad, 0.0, 1e-12);
  // Outbound leg: true anomaly below the asymptote angle acos(-1/e).
  const Eigen::Vector3d r2(rp, 1e6, 0.0);
  el = elements_from_state(r2, v);
  EXPECT_LT(el.true_anomaly_rad, std::acos(-1.0 / el.eccentricity));
  // Parabolic: escape speed exactly (energy ~ 0), e = 1, a huge, unbound.
  el = elements_from_state(r, Eigen::Vector3d(0.0, v_esc, 0.0));
  EXPECT_NEAR(el.eccentricity, 1.0, 1e-12);
  EXPECT_NEAR(el.periapsis_radius_m, rp, 1e-6);
  EXPECT_GT(std::abs(el.semi_major_axis_m), 1e12);
}

TEST(Elements, RectilinearIsHandled) {
  const Eigen::Vector3d r(7000e3, 0.0, 0.0);
  const Elements el = elements_from_state(r, Eigen::Vector3d(3000.0, 0.0, 0.0));
  EXPECT_EQ(el.eccentricity, 1.0);
  EXPECT_EQ(el.periapsis_radius_m, 0.0);
  EXPECT_EQ(el.inclination_rad, 0.0);
  EXPECT_GT(el.semi_major_axis_m, 0.0);  // bound: falls back
  EXPECT_NEAR(el.apoapsis_radius_m, 2.0 * el.semi_major_axis_m, 1e-6);
  EXPECT_TRUE(std::isfinite(el.period_s));
}

TEST(Elements, ApsisAltitudesAboveEllipsoid) {
  // Equatorial orbit: altitudes are radius minus a.
  Eigen::Vector3d r;
  Eigen::Vector3d v;
  const double rp = c::wgs84_a_m + 200e3;
  const double ra = c::wgs84_a_m + 35786e3;
  const double a = 0.5 * (rp + ra);
  const double e = (ra - rp) / (ra + rp);
  state_from_elements(a, e, 0.0, 0.0, 30.0 * kDeg, 1.0, r, v);
  auto alt = apsis_altitudes(elements_from_state(r, v));
  EXPECT_NEAR(alt.perigee_alt_m, 200e3, 1e-3);
  EXPECT_NEAR(alt.apogee_alt_m, 35786e3, 1e-3);
  // Polar orbit with perigee over the north pole: perigee altitude is r - b (21.4 km more than
  // r - a), apogee over the south pole likewise.
  state_from_elements(a, e, 90.0 * kDeg, 0.0, 90.0 * kDeg, 1.0, r, v);
  alt = apsis_altitudes(elements_from_state(r, v));
  EXPECT_NEAR(alt.perigee_alt_m, rp - c::wgs84_b_m, 1e-3);
  EXPECT_NEAR(alt.apogee_alt_m, ra - c::wgs84_b_m, 1e-3);
  // Unbound: apogee infinite.
  const Elements hyp =
      elements_from_state(Eigen::Vector3d(7000e3, 0.0, 0.0), Eigen::Vector3d(0.0, 12e3, 0.0));
  alt = apsis_altitudes(hyp);
  EXPECT_NEAR(alt.perigee_alt_m, 7000e3 - c::wgs84_a_m, 1e-3);
  EXPECT_TRUE(std::isinf(alt.apogee_alt_m));
}

TEST(Elements, J2NodalRateSunSynchronous) {
  // A 500 km, 97.4 deg circular orbit is (nearly) sun-synchronous: +360 deg per tropical year
  // = +0.9856 deg/day.
  const double rate = j2_nodal_rate_radps(c::wgs84_a_m + 500e3, 0.0, 97.4 * kDeg);
  const double deg_per_day = rate / kDeg * 86400.0;
  EXPECT_NEAR(deg_per_day, 0.9856, 0.005);
  // Prograde orbits regress (ISS: about -5 deg/day), polar orbits do not precess.
  EXPECT_NEAR(j2_nodal_rate_radps(c::wgs84_a_m + 420e3, 0.0, 51.6 * kDeg) / kDeg * 86400.0, -5.0,
              0.1);
  EXPECT_NEAR(j2_nodal_rate_radps(7000e3, 0.1, 90.0 * kDeg), 0.0, 1e-20);
  EXPECT_THROW(j2_nodal_rate_radps(7000e3, 1.2, 0.0), std::invalid_argument);
}

}  // namespace
