// Tests of guidance/ballistic_aim: the returned velocity, propagated by the universal-variable
// Kepler solver, reaches the aim point (fixed or carried by the Earth's rotation) at the returned
// time of flight; the arc's apoapsis (vis-viva and angular momentum) is the commanded one, passed
// between departure and arrival, on the lofted side of the minimum-energy arc (vacant-focus
// geometry); the Bate-Mueller-White free-flight arc is inverted; infeasible requests are refused.
#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <cmath>
#include <limits>

#include "common/constants.hpp"
#include "geo/frames.hpp"
#include "guidance/ballistic_aim.hpp"
#include "orbit/kepler.hpp"

namespace {

namespace c = launchmc::constants;
namespace geo = launchmc::geo;
using launchmc::guidance::aim_ballistic;
using launchmc::guidance::BallisticAim;
using launchmc::guidance::BallisticAimTarget;
using launchmc::orbit::propagate_kepler;
using launchmc::orbit::StateVector;

constexpr double kMu = c::wgs84_gm_m3ps2;
constexpr double kDeg = c::deg_to_rad;
constexpr double kA = c::wgs84_a_m;

struct Geometry {
  Eigen::Vector3d r_eci_m;        // current (burnout) position
  Eigen::Vector3d target_ecef_m;  // aim point on the ellipsoid
};

// Current position above (lat, lon) at altitude alt_m at time t_s; aim point on the ellipsoid at
// geodesic distance range_m along azimuth az_deg (GeographicLib, independent of the aim code).
Geometry make_geometry(const geo::EarthRotation& rot, double t_s, double lat_deg, double lon_deg,
                       double az_deg, double range_m, double alt_m) {
  const Eigen::Vector3d bo_ecef = geo::geodetic_to_ecef({lat_deg * kDeg, lon_deg * kDeg, alt_m});
  const auto [lat2_deg, lon2_deg] = geo::geodesic_direct(lat_deg, lon_deg, az_deg, range_m);
  return {rot.position_ecef_to_eci(bo_ecef, t_s),
          geo::geodetic_to_ecef({lat2_deg * kDeg, lon2_deg * kDeg, 0.0})};
}

// Apoapsis radius of the conic through (r, v): a from vis-viva, p from the angular momentum,
// e = sqrt(1 - p/a).
double apoapsis_radius_m(const Eigen::Vector3d& r, const Eigen::Vector3d& v) {
  const double energy = 0.5 * v.squaredNorm() - kMu / r.norm();
  const double a = -kMu / (2.0 * energy);
  const double p = r.cross(v).squaredNorm() / kMu;
  return a * (1.0 + std::sqrt(1.0 - p / a));
}

// Apogee of the minimum-energy ellipse through r1 and r2 (focus at the origin), from its
// geometry: 2a = (r1 + r2 + chord) / 2 and the vacant focus on the chord at 2a - r1 from r1;
// apoapsis = a + (focal distance) = a + |vacant focus| / 2.
double min_energy_apogee_m(const Eigen::Vector3d& r1, const Eigen::Vector3d& r2) {
  const double chord = (r2 - r1).norm();
  const double two_a = 0.5 * (r1.norm() + r2.norm() + chord);
  const Eigen::Vector3d vacant = r1 + (two_a - r1.norm()) * (r2 - r1) / chord;
  return 0.5 * two_a + 0.5 * vacant.norm();
}

// Lofted side: the vacant focus (-2 a e_vec) lies beyond the chord r1-r2 as seen from the Earth's
// centre (on the chord for the minimum-energy arc; towards the centre for the flat arcs).
double vacant_focus_beyond_chord_m(const Eigen::Vector3d& r1, const Eigen::Vector3d& v1,
                                   const Eigen::Vector3d& r2) {
  const double energy = 0.5 * v1.squaredNorm() - kMu / r1.norm();
  const double a = -kMu / (2.0 * energy);
  const Eigen::Vector3d e_vec = ((v1.squaredNorm() - kMu / r1.norm()) * r1 - r1.dot(v1) * v1) / kMu;
  const Eigen::Vector3d vacant = -2.0 * a * e_vec;
  const Eigen::Vector3d plane_n = r1.cross(r2).normalized();
  Eigen::Vector3d away = plane_n.cross(r2 - r1).normalized();  // in-plane chord normal
  if (away.dot(r1) < 0.0) away = -away;
  return (vacant - r1).dot(away);
}

// All checks of one aim from r at t_s: propagation hits the aim point's ECI position at arrival,
// the apoapsis is the commanded one and is passed on the way, the velocity lies in the plane,
// the reported flight-path angle is that of the velocity, and the arc is the lofted one.
void check_aim(const geo::EarthRotation& rot, const Eigen::Vector3d& r_eci, double t_s,
               const BallisticAimTarget& target, const std::string& label) {
  SCOPED_TRACE(label);
  const BallisticAim aim = aim_ballistic(r_eci, t_s, target, rot);
  ASSERT_TRUE(aim.ok);
  ASSERT_GT(aim.time_of_flight_s, 0.0);
  const Eigen::Vector3d& v = aim.v_required_eci_mps;

  const Eigen::Vector3d target_eci =
      rot.position_ecef_to_eci(target.impact_ecef_m, t_s + aim.time_of_flight_s);
  const StateVector end = propagate_kepler({r_eci, v}, aim.time_of_flight_s);
  EXPECT_LT((end.r_m - target_eci).norm(), 1.0);
  // The same in the rotating frame, where the aim point is fixed.
  EXPECT_LT(
      (rot.position_eci_to_ecef(end.r_m, t_s + aim.time_of_flight_s) - target.impact_ecef_m).norm(),
      1.0);

  EXPECT_NEAR(apoapsis_radius_m(r_eci, v), target.apogee_radius_m, 1.0);
  // Ascending now, descending at arrival: the apoapsis is the highest point of the arc flown.
  EXPECT_GT(r_eci.dot(v), 0.0);
  EXPECT_LT(end.r_m.dot(end.v_mps), 0.0);
  // Spot check of the maximum radius actually reached along the arc (coarse sampling).
  double r_max = 0.0;
  for (int k = 1; k < 400; ++k) {
    r_max =
        std::max(r_max, propagate_kepler({r_eci, v}, aim.time_of_flight_s * k / 400.0).r_m.norm());
  }
  EXPECT_LE(r_max, target.apogee_radius_m + 1.0);
  EXPECT_GT(r_max, target.apogee_radius_m - 1e-4 * target.apogee_radius_m);

  // In the plane to 1e-10 rad (1 mm at 10,000 km; the time-of-flight iteration stops within
  // 1 us, during which the aim point moves < 0.5 mm).
  const Eigen::Vector3d n = r_eci.cross(target_eci).normalized();
  EXPECT_LT(std::abs(n.dot(v)), 1e-10 * v.norm());
  EXPECT_NEAR(aim.flight_path_angle_rad, std::asin(r_eci.normalized().dot(v.normalized())), 1e-12);
  EXPECT_GT(vacant_focus_beyond_chord_m(r_eci, v, target_eci), 0.0);
}

struct Case {
  double range_km;
  double apogee_alt_km;
  double az_deg;
};
constexpr Case kCases[] = {{1000, 1000, 45},  {1000, 6000, 90},  {5000, 1500, 10},
                           {5000, 4000, 270}, {10000, 2000, 60}, {10000, 6000, 200}};

TEST(BallisticAim, NonRotatingArcHitsTargetWithCommandedApogee) {
  const geo::EarthRotation rot(1.234, 0.0);
  const double t_s = 180.0;
  for (const Case& k : kCases) {
    const Geometry g = make_geometry(rot, t_s, 39.0, 125.5, k.az_deg, k.range_km * 1e3, 300e3);
    const BallisticAimTarget target{g.target_ecef_m, kA + k.apogee_alt_km * 1e3};
    // The cases are lofted above the minimum-energy arc.
    ASSERT_GT(target.apogee_radius_m,
              min_energy_apogee_m(g.r_eci_m, rot.position_ecef_to_eci(g.target_ecef_m, 0.0)));
    check_aim(
        rot, g.r_eci_m, t_s, target,
        std::to_string(k.range_km) + " km, apogee " + std::to_string(k.apogee_alt_km) + " km");
  }
}

TEST(BallisticAim, RotatingEarthArcHitsMovingTarget) {
  const geo::EarthRotation rot(0.4);  // WGS-84 rate
  const double t_s = 240.0;
  for (const Case& k : kCases) {
    const Geometry g = make_geometry(rot, t_s, 39.0, 125.5, k.az_deg, k.range_km * 1e3, 300e3);
    const BallisticAimTarget target{g.target_ecef_m, kA + k.apogee_alt_km * 1e3};
    check_aim(
        rot, g.r_eci_m, t_s, target,
        std::to_string(k.range_km) + " km, apogee " + std::to_string(k.apogee_alt_km) + " km");
  }
  // Near-antipodal aim point: its ECI position now admits no arc with this apogee (too far), the
  // one at arrival, carried ~1000 km towards the launch point, does.
  {
    const Geometry far = make_geometry(rot, t_s, 39.0, 125.5, 90.0, 15500e3, 300e3);
    const BallisticAimTarget far_target{far.target_ecef_m, kA + 1000e3};
    EXPECT_FALSE(aim_ballistic(
                     far.r_eci_m, t_s,
                     {rot.position_ecef_to_eci(far.target_ecef_m, t_s), far_target.apogee_radius_m},
                     geo::EarthRotation(0.0, 0.0))
                     .ok);
    check_aim(rot, far.r_eci_m, t_s, far_target, "15500 km, apogee 1000 km");
  }
  // Rotation matters: the non-rotating aim at the same ECEF point misses it by far (the Earth
  // carries it > 100 km during a 1000 km lofted flight).
  const Geometry g = make_geometry(rot, t_s, 39.0, 125.5, 90.0, 1000e3, 300e3);
  const BallisticAimTarget target{g.target_ecef_m, kA + 6000e3};
  const BallisticAim rotating = aim_ballistic(g.r_eci_m, t_s, target, rot);
  const BallisticAim frozen = aim_ballistic(
      g.r_eci_m, t_s, {rot.position_ecef_to_eci(g.target_ecef_m, t_s), target.apogee_radius_m},
      geo::EarthRotation(0.0, 0.0));
  ASSERT_TRUE(rotating.ok);
  ASSERT_TRUE(frozen.ok);
  const Eigen::Vector3d miss =
      propagate_kepler({g.r_eci_m, frozen.v_required_eci_mps}, frozen.time_of_flight_s).r_m -
      rot.position_ecef_to_eci(target.impact_ecef_m, t_s + frozen.time_of_flight_s);
  EXPECT_GT(miss.norm(), 100e3);
}

// Inverse of Bate, Mueller & White's free-flight arc over a non-rotating sphere: burnout at
// r_bo with (v, gamma) lands at range angle Psi on radius R with the reported apogee; aiming from
// burnout at that point with that apogee returns (v, gamma) and the time of flight.
TEST(BallisticAim, RecoversBallisticArcBurnoutState) {
  constexpr double R = 6371e3;
  struct Burnout {
    double r_bo_m, v_mps, gamma_deg;
  };
  constexpr Burnout kBurnouts[] = {{R, 6500.0, 50.0},         {R, 7000.0, 40.0},
                                   {R, 4000.0, 70.0},         {R + 250e3, 7000.0, 35.0},
                                   {R + 250e3, 5500.0, 60.0}, {R + 400e3, 3000.0, 80.0}};
  const geo::EarthRotation rot(2.0, 0.0);
  // Transfer plane tilted against the axes.
  const Eigen::Vector3d u = Eigen::Vector3d(0.3, -0.5, 0.8).normalized();
  const Eigen::Vector3d w = u.cross(Eigen::Vector3d(0.1, 0.9, 0.2)).cross(u).normalized();
  for (const Burnout& b : kBurnouts) {
    SCOPED_TRACE(std::to_string(b.r_bo_m) + " m, " + std::to_string(b.v_mps) + " m/s, " +
                 std::to_string(b.gamma_deg) + " deg");
    const double gamma = b.gamma_deg * kDeg;
    const auto arc = launchmc::orbit::ballistic_arc(b.r_bo_m, b.v_mps, gamma, R);
    ASSERT_LT(arc.range_angle_rad, c::pi);  // short way
    const Eigen::Vector3d r1 = b.r_bo_m * u;
    const Eigen::Vector3d v1 = b.v_mps * (std::sin(gamma) * u + std::cos(gamma) * w);
    const Eigen::Vector3d r2 =
        R * (std::cos(arc.range_angle_rad) * u + std::sin(arc.range_angle_rad) * w);
    ASSERT_GT(vacant_focus_beyond_chord_m(r1, v1, r2), 0.0);  // lofted branch

    const BallisticAim aim =
        aim_ballistic(r1, 50.0, {rot.position_eci_to_ecef(r2, 50.0), arc.apogee_radius_m}, rot);
    ASSERT_TRUE(aim.ok);
    EXPECT_NEAR(aim.flight_path_angle_rad, gamma, 1e-6 * gamma);
    EXPECT_NEAR(aim.v_required_eci_mps.norm(), b.v_mps, 1e-6 * b.v_mps);
    EXPECT_LT((aim.v_required_eci_mps - v1).norm(), 1e-6 * b.v_mps);
    EXPECT_NEAR(aim.time_of_flight_s, arc.time_of_flight_s, 1e-6 * arc.time_of_flight_s);
  }
}

TEST(BallisticAim, RejectsApogeeBelowMinimumEnergyArc) {
  const geo::EarthRotation rot(0.0, 0.0);
  for (double range_km : {800.0, 4000.0, 12000.0}) {
    SCOPED_TRACE(range_km);
    const Geometry g = make_geometry(rot, 0.0, -20.0, 30.0, 75.0, range_km * 1e3, 250e3);
    const double ra_me = min_energy_apogee_m(g.r_eci_m, g.target_ecef_m);
    const auto aim_at = [&](double ra) {
      return aim_ballistic(g.r_eci_m, 0.0, {g.target_ecef_m, ra}, rot);
    };
    EXPECT_FALSE(aim_at(ra_me - 100.0).ok);
    EXPECT_FALSE(aim_at(0.5 * (ra_me + g.r_eci_m.norm())).ok);
    // Just above it: feasible, and the arc is the (nearly) minimum-energy one.
    const BallisticAim just_above = aim_at(ra_me + 100.0);
    ASSERT_TRUE(just_above.ok);
    EXPECT_NEAR(apoapsis_radius_m(g.r_eci_m, just_above.v_required_eci_mps), ra_me + 100.0, 1.0);
    const double chord = (g.target_ecef_m - g.r_eci_m).norm();
    const double a_min = 0.25 * (g.r_eci_m.norm() + g.target_ecef_m.norm() + chord);
    const double v_min = std::sqrt(kMu * (2.0 / g.r_eci_m.norm() - 1.0 / a_min));
    EXPECT_NEAR(just_above.v_required_eci_mps.norm(), v_min, 1e-4 * v_min);
  }
}

TEST(BallisticAim, RejectsImpossibleGeometry) {
  const geo::EarthRotation rot(0.3);
  const Geometry g = make_geometry(rot, 100.0, 10.0, 20.0, 30.0, 3000e3, 400e3);
  const double ra = kA + 2000e3;
  ASSERT_TRUE(aim_ballistic(g.r_eci_m, 100.0, {g.target_ecef_m, ra}, rot).ok);
  // Already above the commanded apogee.
  const Eigen::Vector3d high = g.r_eci_m.normalized() * (ra + 10e3);
  EXPECT_FALSE(aim_ballistic(high, 100.0, {g.target_ecef_m, ra}, rot).ok);
  // Aim point above the commanded apogee.
  EXPECT_FALSE(aim_ballistic(g.r_eci_m, 100.0, {g.target_ecef_m * 1.5, ra}, rot).ok);
  // Aim point straight below (transfer angle 0) or antipodal (plane undefined), non-rotating.
  const geo::EarthRotation still(0.3, 0.0);
  const Eigen::Vector3d below = still.position_eci_to_ecef(g.r_eci_m.normalized() * kA, 100.0);
  EXPECT_FALSE(aim_ballistic(g.r_eci_m, 100.0, {below, ra}, still).ok);
  EXPECT_FALSE(aim_ballistic(g.r_eci_m, 100.0, {-below, ra}, still).ok);
  // Non-finite input.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(aim_ballistic(g.r_eci_m, 100.0, {g.target_ecef_m, nan}, rot).ok);
  EXPECT_FALSE(aim_ballistic(g.r_eci_m, nan, {g.target_ecef_m, ra}, rot).ok);
  // Aim point 1 km below the commanded apogee and 2000 km above r: every arc through both points
  // (even the minimum-energy one) climbs higher than that.
  const Eigen::Vector3d r_low = g.r_eci_m.normalized() * kA;
  const Eigen::Vector3d r_up = still.position_eci_to_ecef(
      (std::cos(0.3) * g.r_eci_m.normalized() +
       std::sin(0.3) * g.r_eci_m.normalized().cross(Eigen::Vector3d::UnitZ()).normalized()) *
          (ra - 1e3),
      100.0);
  EXPECT_FALSE(aim_ballistic(r_low, 100.0, {r_up, ra}, still).ok);
}

}  // namespace

namespace launchmc::guidance {
namespace {

// The configured aim point at a range along an azimuth lies at that geodesic distance and initial
// azimuth from the site (GeographicLib's inverse problem), and the launch azimuth is the default.
TEST(BallisticAimTarget, RangeAndAzimuthPlaceTheAimPointOnTheGeodesic) {
  BallisticTarget t;
  t.range_km = 999.2;
  t.apogee_alt_km = 6040.9;
  const double site_lat = 39.22, site_lon = 125.67;
  for (double az : {72.0, 200.0}) {
    t.azimuth_deg = az == 72.0 ? std::nan("") : az;  // first: the launch azimuth, 72 deg
    const BallisticAimTarget aim = make_aim_target(t, site_lat, site_lon, 72.0);
    const geo::Geodetic g = geo::ecef_to_geodetic(aim.impact_ecef_m);
    EXPECT_NEAR(g.alt_m, 0.0, 1e-6);
    const geo::GeodesicInverse inv = geo::geodesic_inverse(
        site_lat, site_lon, g.lat_rad * constants::rad_to_deg, g.lon_rad * constants::rad_to_deg);
    EXPECT_NEAR(inv.distance_m, 999.2e3, 1e-3);
    EXPECT_NEAR(std::remainder(inv.azimuth1_deg - az, 360.0), 0.0, 1e-9);
    // Apogee radius: above the ellipsoid surface at the mid latitude, between polar and
    // equatorial radius plus the height.
    EXPECT_GT(aim.apogee_radius_m, constants::wgs84_b_m + 6040.9e3);
    EXPECT_LT(aim.apogee_radius_m, constants::wgs84_a_m + 6040.9e3);
  }
}

}  // namespace
}  // namespace launchmc::guidance
