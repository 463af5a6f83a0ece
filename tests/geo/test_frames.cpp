// Tests of geo/frames: geodetic <-> ECEF against GeographicLib (accuracy and speed), ENU axes,
// Earth rotation (positions and velocities with the transport term), geodesics, local velocity.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <GeographicLib/Geocentric.hpp>
#include <chrono>
#include <cmath>
#include <iostream>
#include <random>
#include <vector>

#include "common/constants.hpp"
#include "geo/frames.hpp"

namespace {

using launchmc::geo::EarthRotation;
using launchmc::geo::Geodetic;
namespace c = launchmc::constants;
namespace geo = launchmc::geo;

constexpr double kDeg = c::deg_to_rad;

const GeographicLib::Geocentric& geographiclib() { return GeographicLib::Geocentric::WGS84(); }

Eigen::Vector3d reference_forward(double lat_deg, double lon_deg, double h_m) {
  Eigen::Vector3d r;
  geographiclib().Forward(lat_deg, lon_deg, h_m, r.x(), r.y(), r.z());
  return r;
}

// Distance [m] between two geodetic points close to each other, measured in ECEF.
double geodetic_error_m(const Geodetic& a, const Geodetic& b) {
  return (geo::geodetic_to_ecef(a) - geo::geodetic_to_ecef(b)).norm();
}

TEST(Frames, GeodeticToEcefMatchesGeographicLib) {
  for (double lat : {-90.0, -60.0, -1e-9, 0.0, 28.5, 45.0, 89.999, 90.0}) {
    for (double lon : {-180.0, -80.6, 0.0, 13.4, 179.9}) {
      for (double h : {-50e3, 0.0, 1234.5, 400e3, 35786e3}) {
        const Eigen::Vector3d mine = geo::geodetic_to_ecef({lat * kDeg, lon * kDeg, h});
        const Eigen::Vector3d ref = reference_forward(lat, lon, h);
        EXPECT_LT((mine - ref).norm(), 1e-6 * (1.0 + ref.norm() * 1e-6)) << lat << " " << lon;
      }
    }
  }
}

TEST(Frames, EcefToGeodeticSpecialPoints) {
  // Equator, prime meridian: altitude is x - a.
  Geodetic g = geo::ecef_to_geodetic(Eigen::Vector3d(c::wgs84_a_m + 100.0, 0.0, 0.0));
  EXPECT_NEAR(g.lat_rad, 0.0, 1e-15);
  EXPECT_NEAR(g.lon_rad, 0.0, 1e-15);
  EXPECT_NEAR(g.alt_m, 100.0, 1e-8);
  // North and south poles: altitude is |z| - b, longitude 0.
  g = geo::ecef_to_geodetic(Eigen::Vector3d(0.0, 0.0, c::wgs84_b_m + 5000.0));
  EXPECT_DOUBLE_EQ(g.lat_rad, 0.5 * c::pi);
  EXPECT_EQ(g.lon_rad, 0.0);
  EXPECT_NEAR(g.alt_m, 5000.0, 1e-8);
  g = geo::ecef_to_geodetic(Eigen::Vector3d(0.0, 0.0, -c::wgs84_b_m + 20000.0));
  EXPECT_DOUBLE_EQ(g.lat_rad, -0.5 * c::pi);
  EXPECT_NEAR(g.alt_m, -20000.0, 1e-8);
  // 90 deg east on the equator.
  g = geo::ecef_to_geodetic(Eigen::Vector3d(0.0, c::wgs84_a_m, 0.0));
  EXPECT_NEAR(g.lon_rad, 0.5 * c::pi, 1e-15);
  EXPECT_NEAR(g.alt_m, 0.0, 1e-8);
}

// Accuracy requirement: < 1 mm for altitudes -50 km .. 50,000 km, checked against
// GeographicLib::Geocentric::Reverse and by the round trip through geodetic_to_ecef.
TEST(Frames, EcefToGeodeticMatchesGeographicLibOnGridAndRandomPoints) {
  std::vector<Eigen::Vector3d> points;
  const std::vector<double> alts = {-50e3, -10e3, -1.0,  0.0, 1e-3, 1.0,     100.0,   10e3,
                                    80e3,  200e3, 400e3, 1e6, 5e6,  20200e3, 35786e3, 50000e3};
  for (double lat = -90.0; lat <= 90.0; lat += 2.5) {
    for (double lon : {-179.5, -120.0, -45.0, 0.0, 30.0, 90.0, 150.0}) {
      for (double h : alts) points.push_back(reference_forward(lat, lon, h));
    }
  }
  for (double lat : {-89.9999999, -1e-7, 1e-7, 44.99, 89.9999999}) {
    for (double h : alts) points.push_back(reference_forward(lat, 10.0, h));
  }
  std::mt19937_64 rng(12345);
  std::uniform_real_distribution<double> u_lat(-90.0, 90.0);
  std::uniform_real_distribution<double> u_lon(-180.0, 180.0);
  std::uniform_real_distribution<double> u_h(-50e3, 50000e3);
  for (int i = 0; i < 20000; ++i)
    points.push_back(reference_forward(u_lat(rng), u_lon(rng), u_h(rng)));

  double worst_ref_m = 0.0;
  double worst_round_trip_m = 0.0;
  for (const Eigen::Vector3d& r : points) {
    double lat_deg = 0.0;
    double lon_deg = 0.0;
    double h_m = 0.0;
    geographiclib().Reverse(r.x(), r.y(), r.z(), lat_deg, lon_deg, h_m);
    const Geodetic ref{lat_deg * kDeg, lon_deg * kDeg, h_m};
    const Geodetic mine = geo::ecef_to_geodetic(r);
    // Compare as a displacement (lat, lon errors times the radius) plus the altitude error.
    const double err_m = geodetic_error_m(mine, ref) + std::abs(mine.alt_m - ref.alt_m);
    const double round_trip_m = (geo::geodetic_to_ecef(mine) - r).norm();
    worst_ref_m = std::max(worst_ref_m, err_m);
    worst_round_trip_m = std::max(worst_round_trip_m, round_trip_m);
    ASSERT_LT(err_m, 1e-3) << r.transpose();
    ASSERT_LT(round_trip_m, 1e-3) << r.transpose();
  }
  std::cout << "[ecef_to_geodetic] " << points.size() << " points, worst vs GeographicLib "
            << worst_ref_m << " m, worst round trip " << worst_round_trip_m << " m\n";
  // In practice the closed form is at the round-off level (tens of nanometres at 50,000 km).
  EXPECT_LT(worst_ref_m, 1e-6);
}

TEST(Frames, EcefToGeodeticNearCentreFallsBackToGeographicLib) {
  for (const Eigen::Vector3d& r : {Eigen::Vector3d(1000.0, 2000.0, 3000.0),
                                   Eigen::Vector3d(30e3, 0.0, 1e3), Eigen::Vector3d(0, 0, 0)}) {
    double lat_deg = 0.0;
    double lon_deg = 0.0;
    double h_m = 0.0;
    geographiclib().Reverse(r.x(), r.y(), r.z(), lat_deg, lon_deg, h_m);
    const Geodetic g = geo::ecef_to_geodetic(r);
    EXPECT_NEAR(g.lat_rad, lat_deg * kDeg, 1e-12);
    EXPECT_NEAR(g.alt_m, h_m, 1e-6);
  }
}

// Not a pass/fail test (the machine is shared): reports ns/call of both implementations.
TEST(Frames, EcefToGeodeticSpeedReport) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u_lat(-90.0, 90.0);
  std::uniform_real_distribution<double> u_lon(-180.0, 180.0);
  std::uniform_real_distribution<double> u_h(-10e3, 2000e3);
  std::vector<Eigen::Vector3d> points;
  for (int i = 0; i < 4096; ++i)
    points.push_back(reference_forward(u_lat(rng), u_lon(rng), u_h(rng)));
  constexpr int kRepeats = 100;
  using Clock = std::chrono::steady_clock;

  double sink = 0.0;
  const auto t0 = Clock::now();
  for (int k = 0; k < kRepeats; ++k) {
    for (const Eigen::Vector3d& r : points) {
      const Geodetic g = geo::ecef_to_geodetic(r);
      sink += g.lat_rad + g.lon_rad + g.alt_m;
    }
  }
  const auto t1 = Clock::now();
  for (int k = 0; k < kRepeats; ++k) {
    for (const Eigen::Vector3d& r : points) {
      double lat = 0.0;
      double lon = 0.0;
      double h = 0.0;
      geographiclib().Reverse(r.x(), r.y(), r.z(), lat, lon, h);
      sink += lat + lon + h;
    }
  }
  const auto t2 = Clock::now();
  const double n = static_cast<double>(kRepeats) * static_cast<double>(points.size());
  const double mine_ns = std::chrono::duration<double, std::nano>(t1 - t0).count() / n;
  const double ref_ns = std::chrono::duration<double, std::nano>(t2 - t1).count() / n;
  std::cout << "[ecef_to_geodetic] launchmc (Vermeille) " << mine_ns
            << " ns/call, GeographicLib::Geocentric::Reverse " << ref_ns << " ns/call (sink "
            << (sink != 0.0) << ")\n";
  RecordProperty("ecef_to_geodetic_ns", std::to_string(mine_ns));
  RecordProperty("geographiclib_reverse_ns", std::to_string(ref_ns));
  EXPECT_TRUE(std::isfinite(sink));
}

TEST(Frames, EnuToEcefAxes) {
  const double lat = 28.5 * kDeg;
  const double lon = -80.6 * kDeg;
  const double h = 1000.0;
  const Eigen::Matrix3d m = geo::enu_to_ecef(lat, lon);
  EXPECT_TRUE((m.transpose() * m).isApprox(Eigen::Matrix3d::Identity(), 1e-14));
  EXPECT_NEAR(m.determinant(), 1.0, 1e-14);
  // Columns are the normalised partial derivatives of the geodetic position.
  const double d = 1e-6;
  const auto pos = [&](double la, double lo, double hh) {
    return geo::geodetic_to_ecef({la, lo, hh});
  };
  const Eigen::Vector3d east = (pos(lat, lon + d, h) - pos(lat, lon - d, h)).normalized();
  const Eigen::Vector3d north = (pos(lat + d, lon, h) - pos(lat - d, lon, h)).normalized();
  const Eigen::Vector3d up = (pos(lat, lon, h + 1.0) - pos(lat, lon, h - 1.0)).normalized();
  EXPECT_LT((m.col(0) - east).norm(), 1e-9);
  EXPECT_LT((m.col(1) - north).norm(), 1e-9);
  EXPECT_LT((m.col(2) - up).norm(), 1e-9);
}

TEST(Frames, EarthRotationAngleAndMatrix) {
  const EarthRotation rot(1.0);
  EXPECT_DOUBLE_EQ(rot.angle_rad(0.0), 1.0);
  EXPECT_NEAR(rot.angle_rad(100.0), 1.0 + c::earth_rotation_radps * 100.0, 1e-15);
  // One sidereal rotation later the angle is back; always wrapped into [0, 2 pi).
  const double sidereal_day_s = 2.0 * c::pi / c::earth_rotation_radps;
  EXPECT_NEAR(rot.angle_rad(sidereal_day_s), 1.0, 1e-12);
  for (double t : {-1e6, -3.0, 0.0, 5e4, 3e7}) {
    EXPECT_GE(rot.angle_rad(t), 0.0);
    EXPECT_LT(rot.angle_rad(t), 2.0 * c::pi);
  }
  // R3(theta): the ECI x axis seen from ECEF is at -theta.
  const Eigen::Matrix3d r = rot.eci_to_ecef(0.0);
  EXPECT_NEAR(r(0, 0), std::cos(1.0), 1e-15);
  EXPECT_NEAR(r(0, 1), std::sin(1.0), 1e-15);
  EXPECT_NEAR(r(1, 0), -std::sin(1.0), 1e-15);
  const Eigen::Vector3d x_eci(7e6, -2e6, 3e6);
  for (double t : {0.0, 123.4, 5000.0}) {
    EXPECT_LT((rot.eci_to_ecef(t) * x_eci - rot.position_eci_to_ecef(x_eci, t)).norm(), 1e-8);
    EXPECT_LT((rot.position_ecef_to_eci(rot.position_eci_to_ecef(x_eci, t), t) - x_eci).norm(),
              1e-8);
  }
}

TEST(Frames, EarthRotationVelocityTransportTerm) {
  const EarthRotation rot(0.3);
  // A point at rest on the ground moves in ECI with w x r.
  const Eigen::Vector3d r_ecef = geo::geodetic_to_ecef({0.0, 0.5, 0.0});
  const double t = 42.0;
  const Eigen::Vector3d v_eci = rot.velocity_ecef_to_eci(r_ecef, Eigen::Vector3d::Zero(), t);
  const Eigen::Vector3d r_eci = rot.position_ecef_to_eci(r_ecef, t);
  const Eigen::Vector3d w(0.0, 0.0, c::earth_rotation_radps);
  EXPECT_LT((v_eci - w.cross(r_eci)).norm(), 1e-9);
  EXPECT_NEAR(v_eci.norm(), c::earth_rotation_radps * c::wgs84_a_m, 1e-9);  // 465.1 m/s
  EXPECT_LT(rot.velocity_eci_to_ecef(r_eci, v_eci, t).norm(), 1e-9);

  // An inertially moving point: v_ecef equals the time derivative of its ECEF position.
  const Eigen::Vector3d r0(6.9e6, 1e5, -2e5);
  const Eigen::Vector3d v0(-100.0, 7500.0, 300.0);
  const auto r_ecef_at = [&](double tt) { return rot.position_eci_to_ecef(r0 + v0 * tt, tt); };
  const double dt = 1e-3;
  const Eigen::Vector3d numeric = (r_ecef_at(t + dt) - r_ecef_at(t - dt)) / (2.0 * dt);
  const Eigen::Vector3d v_ecef = rot.velocity_eci_to_ecef(r0 + v0 * t, v0, t);
  EXPECT_LT((v_ecef - numeric).norm(), 1e-5);
  // Round trip.
  const Eigen::Vector3d back =
      rot.velocity_ecef_to_eci(rot.position_eci_to_ecef(r0 + v0 * t, t), v_ecef, t);
  EXPECT_LT((back - v0).norm(), 1e-9);
}

TEST(Frames, GeodesicsOnWgs84) {
  // Quarter meridian of WGS-84 (equator to pole): 10,001,965.729 m.
  const geo::GeodesicInverse q = geo::geodesic_inverse(0.0, 0.0, 90.0, 0.0);
  EXPECT_NEAR(q.distance_m, 10001965.729, 1e-3);
  EXPECT_NEAR(q.azimuth1_deg, 0.0, 1e-12);
  // One degree along the equator is a * pi / 180, azimuth due east.
  const geo::GeodesicInverse e = geo::geodesic_inverse(0.0, 10.0, 0.0, 11.0);
  EXPECT_NEAR(e.distance_m, c::wgs84_a_m * kDeg, 1e-6);
  EXPECT_NEAR(e.azimuth1_deg, 90.0, 1e-12);
  EXPECT_NEAR(e.azimuth2_deg, 90.0, 1e-12);
  // Direct problem inverts the inverse problem (Kourou -> somewhere over the Atlantic).
  const geo::GeodesicInverse k = geo::geodesic_inverse(5.236, -52.775, 40.0, -10.0);
  const auto [lat2, lon2] = geo::geodesic_direct(5.236, -52.775, k.azimuth1_deg, k.distance_m);
  EXPECT_NEAR(lat2, 40.0, 1e-9);
  EXPECT_NEAR(lon2, -10.0, 1e-9);
  // Short geodesic is close to the straight-line (chord) distance.
  const Eigen::Vector3d p1 = geo::geodetic_to_ecef({45.0 * kDeg, 7.0 * kDeg, 0.0});
  const Eigen::Vector3d p2 = geo::geodetic_to_ecef({45.01 * kDeg, 7.01 * kDeg, 0.0});
  EXPECT_NEAR(geo::geodesic_inverse(45.0, 7.0, 45.01, 7.01).distance_m, (p2 - p1).norm(), 1e-3);
}

TEST(Frames, LocalVelocityFlightPathAngleAndHeading) {
  const double lat = -30.0 * kDeg;
  const double lon = 120.0 * kDeg;
  const Eigen::Vector3d r = geo::geodetic_to_ecef({lat, lon, 50e3});
  const Eigen::Matrix3d enu = geo::enu_to_ecef(lat, lon);
  const auto from_local = [&](double speed, double fpa, double heading) {
    const Eigen::Vector3d v_enu(speed * std::cos(fpa) * std::sin(heading),
                                speed * std::cos(fpa) * std::cos(heading), speed * std::sin(fpa));
    return Eigen::Vector3d(enu * v_enu);
  };
  for (double fpa_deg : {-80.0, -10.0, 0.0, 25.0, 89.0}) {
    for (double hdg_deg : {0.0, 45.0, 90.0, 181.0, 359.0}) {
      const geo::LocalVelocity lv =
          geo::local_velocity(r, from_local(2500.0, fpa_deg * kDeg, hdg_deg * kDeg));
      EXPECT_NEAR(lv.speed_mps, 2500.0, 1e-9);
      EXPECT_NEAR(lv.flight_path_angle_rad, fpa_deg * kDeg, 1e-12);
      EXPECT_NEAR(lv.heading_rad, hdg_deg * kDeg, 1e-11);
    }
  }
  const geo::LocalVelocity up = geo::local_velocity(r, enu.col(2) * 10.0);
  EXPECT_NEAR(up.flight_path_angle_rad, 0.5 * c::pi, 1e-12);
  const geo::LocalVelocity rest = geo::local_velocity(r, Eigen::Vector3d::Zero());
  EXPECT_EQ(rest.speed_mps, 0.0);
  EXPECT_EQ(rest.heading_rad, 0.0);
}

}  // namespace

// The flight's fast latitude/height from (rho, z) against GeographicLib, -50 km to 50,000 km.
TEST(LatitudeHeight, MatchesGeographicLib) {
  const auto& earth = GeographicLib::Geocentric::WGS84();
  double worst_h = 0, worst_lat_m = 0;
  for (double lat = -90.0; lat <= 90.0; lat += 0.37) {
    for (double h : {-50e3, -1e3, 0.0, 10.0, 1e4, 1e5, 5e5, 2e6, 1e7, 5e7}) {
      double x = 0, y = 0, z = 0;
      earth.Forward(lat, 33.0, h, x, y, z);
      const launchmc::geo::LatitudeHeight lh = launchmc::geo::latitude_height(std::hypot(x, y), z);
      worst_h = std::max(worst_h, std::abs(lh.alt_m - h));
      const double lat_fast = std::atan2(lh.sin_lat, lh.cos_lat) * 180.0 / M_PI;
      worst_lat_m = std::max(worst_lat_m, std::abs(lat_fast - lat) * 111e3);
      EXPECT_NEAR(lh.sin_lat * lh.sin_lat + lh.cos_lat * lh.cos_lat, 1.0, 1e-14);
    }
  }
  EXPECT_LT(worst_h, 1e-6);     // [m]
  EXPECT_LT(worst_lat_m, 0.1);  // [m] along the meridian
}
