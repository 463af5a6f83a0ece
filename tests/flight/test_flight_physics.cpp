// Whole flights against analytic references: the rocket equation (gravity-free vacuum burn),
// the Kepler free-flight range and time of a ballistic arc (vacuum, non-rotating sphere), and the
// J2 nodal regression of the Malligyong-1 orbit.
#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <cmath>
#include <string>

#include "common/constants.hpp"
#include "config/load_scenario.hpp"
#include "flight/flight.hpp"
#include "flight/integrator.hpp"
#include "gravity/gravity.hpp"
#include "orbit/elements.hpp"
#include "orbit/kepler.hpp"

namespace launchmc::flight {
namespace {

using constants::deg_to_rad;
using constants::g0_mps2;

// A one-stage vehicle in a validation world: no air, non-rotating sphere; `extra` adds keys.
std::string one_stage_config(const std::string& guidance, const std::string& extra) {
  return R"(
name: validation
launch: {lat_deg: 10, lon_deg: 20, alt_m: 0, azimuth_deg: 90, epoch_utc: "2024-01-01T00:00:00Z"}
atmosphere: {density_scale: 0}
earth: {rotating: false, shape: sphere}
vehicle:
  payload: {mass_kg: 100}
  stages:
    - name: s1
      thrust_vac_N: 1.0e5
      isp_vac_s: 300
      propellant_mass_kg: 5000
      dry_mass_kg: 1000
      stack_drag: {ref_area_m2: 1, cd_mach: [[0, 0.0]]}
)" + guidance +
         extra;
}

const FlightEvent* find_event(const FlightResult& r, EventKind kind) {
  for (const auto& e : r.events)
    if (e.kind == kind) return &e;
  return nullptr;
}

TEST(FlightPhysics, GravityFreeVacuumBurnFollowsRocketEquation) {
  const std::string cfg = one_stage_config(R"(
guidance: {vertical_rise_s: 1000, pitch_kick_deg: 0, pitch_kick_duration_s: 1}
gravity: {degree: 0, enabled: false}
limits: {max_flight_time_s: 160}
integrator: {rtol: 1.0e-11, atol_position_m: 1.0e-6, atol_velocity_mps: 1.0e-9, atol_mass_kg: 1.0e-9}
)",
                                           "");
  const Scenario sc = config::load_scenario(cfg, "rocket_equation.yaml");
  const FlightResult r = fly(sc);
  const FlightEvent* bo = find_event(r, EventKind::burnout);
  ASSERT_NE(bo, nullptr);
  const double ve = 300.0 * g0_mps2;
  const double m0 = 6100.0, mf = 1100.0;
  // Burn time of a constant-thrust engine: m_p v_e / F.
  EXPECT_NEAR(bo->t_s, 5000.0 * ve / 1.0e5, 1e-4);
  const Environment env = make_environment(sc);
  const State y0 = initial_state(sc, env);
  const double dv = (bo->state.segment<3>(3) - y0.segment<3>(3)).norm();
  EXPECT_NEAR(dv / (ve * std::log(m0 / mf)), 1.0, 1e-9);
  EXPECT_NEAR(bo->state[6], mf, 1e-6);
}

TEST(FlightPhysics, VacuumBallisticArcMatchesKeplerRangeAndTime) {
  const std::string cfg = one_stage_config(R"(
guidance: {vertical_rise_s: 10, pitch_kick_deg: 6, pitch_kick_duration_s: 10}
gravity: {degree: 0}
integrator: {rtol: 1.0e-11, atol_position_m: 1.0e-5, atol_velocity_mps: 1.0e-8, atol_mass_kg: 1.0e-8, event_tolerance_s: 1.0e-7}
)",
                                           "");
  const Scenario sc = config::load_scenario(cfg, "ballistic.yaml");
  const FlightResult r = fly(sc);
  ASSERT_EQ(r.status, FlightStatus::suborbital);
  const FlightEvent* bo = find_event(r, EventKind::burnout);
  const FlightEvent* impact = nullptr;
  for (const auto& e : r.events)
    if (e.kind == EventKind::impact && e.index < 0) impact = &e;
  ASSERT_NE(bo, nullptr);
  ASSERT_NE(impact, nullptr);

  // Burnout conditions in the (non-rotating, so inertial) frame.
  const Eigen::Vector3d r_bo = bo->state.head<3>(), v_bo = bo->state.segment<3>(3);
  const double gamma = std::asin(r_bo.dot(v_bo) / (r_bo.norm() * v_bo.norm()));
  const double R = sc.earth.sphere_radius_m;
  const orbit::BallisticArc arc = orbit::ballistic_arc(r_bo.norm(), v_bo.norm(), gamma, R);

  const Eigen::Vector3d r_imp = impact->state.head<3>();
  const double central_angle = std::atan2(r_bo.cross(r_imp).norm(), r_bo.dot(r_imp));
  EXPECT_NEAR(impact->t_s - bo->t_s, arc.time_of_flight_s, 1e-3);  // [s]
  EXPECT_NEAR(central_angle * R, arc.range_angle_rad * R, 0.05);   // [m] along the surface
  EXPECT_NEAR(r.apogee_alt_m, arc.apogee_radius_m - R, 1.0);       // [m]
  EXPECT_NEAR(r_imp.norm(), R, 1e-3);
}

// Secular drift of the ascending node under J2 (Vallado, Fundamentals of Astrodynamics, eq. 9-41)
// for the Malligyong-1 orbit (493 x 512 km, 97.4 deg): sun-synchronous, about +0.9856 deg/day.
TEST(FlightPhysics, J2NodalRegressionOfMalligyong1Orbit) {
  using State6 = StateN<6>;
  const double mu = constants::wgs84_gm_m3ps2;
  const double rp = constants::wgs84_a_m + 493e3, ra = constants::wgs84_a_m + 512e3;
  const double a = 0.5 * (rp + ra), e = (ra - rp) / (ra + rp), inc = 97.4 * deg_to_rad;
  const double vp = std::sqrt(mu * (2.0 / rp - 1.0 / a));
  State6 y;  // at perigee, on the equator (ascending node at RAAN 0)
  y << rp, 0, 0, 0, vp * std::cos(inc), vp * std::sin(inc);

  Tolerances<6> tol;
  tol.rtol = 1e-11;
  tol.atol << 1e-5, 1e-5, 1e-5, 1e-8, 1e-8, 1e-8;
  tol.h_max_s = 600;
  tol.event_tol_s = 1e-6;
  DormandPrince45<6> dp(tol);
  auto f = [](double, const State6& s, State6& ds) {
    ds.head<3>() = s.tail<3>();
    ds.tail<3>() = gravity::acceleration_mps2(s.head<3>(), 2);
  };
  EventSpec spec;
  spec.count = 1;
  spec.direction[0] = +1;  // ascending node: z crosses zero upward
  auto g = [](double, const State6& s, double* out) { out[0] = s[2]; };
  auto obs = [](const DenseStep<6>&, double) {};
  IntegratorStats stats;
  double t = 0, h = 0;
  std::vector<std::pair<double, double>> nodes;  // (time, RAAN)
  while (t < 86400.0 * 2) {
    const auto out = dp.integrate(f, g, spec, obs, t, y, 86400.0 * 2, h, stats);
    if (out.reason != StopReason::event) break;
    const orbit::Elements el = orbit::elements_from_state(y.head<3>(), y.tail<3>());
    nodes.emplace_back(t, el.raan_rad);
  }
  ASSERT_GT(nodes.size(), 25u);
  // Fit over whole node-to-node revolutions: same orbital phase, so short-period terms cancel.
  const auto& [t0, raan0] = nodes.front();
  const auto& [t1, raan1] = nodes.back();
  double draan = raan1 - raan0;
  draan = std::remainder(draan, 2.0 * constants::pi);
  const double rate_deg_per_day = draan / (t1 - t0) * 86400.0 / deg_to_rad;
  const double analytic = orbit::j2_nodal_rate_radps(a, e, inc) * 86400.0 / deg_to_rad;
  // Osculating versus mean semi-major axis differ by ~ J2 R^2 / a ~ 7 km: ~0.3 % in the rate.
  EXPECT_NEAR(rate_deg_per_day / analytic, 1.0, 5e-3);
  EXPECT_NEAR(rate_deg_per_day, 360.0 / 365.2422, 0.01);  // sun-synchronous: +0.9856 deg/day
}

}  // namespace
}  // namespace launchmc::flight
