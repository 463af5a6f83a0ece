// Breakup into fragments: where fragments land against an independent two-body (Kepler)
// computation in vacuum, how their spread grows with the imparted velocity (first order:
// d(range) = dR/dv . dv), what denser air and a smaller ballistic coefficient do, the body table
// of a breakup, and the impact error of the fragments' cheap integration against a tight one.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "common/constants.hpp"
#include "config/load_scenario.hpp"
#include "flight/flight.hpp"

namespace launchmc::flight {
namespace {

constexpr double kMu = constants::wgs84_gm_m3ps2;

// A one-stage hop over a non-rotating sphere with point-mass gravity; `atmosphere` and the debris
// list are the test's.
Scenario hop(const std::string& atmosphere, const std::string& debris,
             const std::string& extra = "") {
  const std::string text = R"(
name: hop
launch: {lat_deg: 10, lon_deg: 20, azimuth_deg: 90, epoch_utc: "2024-01-01T00:00:00Z"}
atmosphere: )" + atmosphere +
                           R"(
earth: {rotating: false, shape: sphere}
gravity: {degree: 0}
vehicle:
  payload: {mass_kg: 100, drag: {ref_area_m2: 0.3, cd_mach: [[0, 1.0]]}}
  stages:
    - name: s1
      thrust_vac_N: 2.0e4
      isp_vac_s: 250
      propellant_mass_kg: 400
      dry_mass_kg: 200
      stack_drag: {ref_area_m2: 1, cd_mach: [[0, 0.3]]}
      spent_drag: {ref_area_m2: 1, cd_mach: [[0, 1.0]]}
      debris:
)" + debris + R"(
guidance: {vertical_rise_s: 5, pitch_kick_deg: 20, pitch_kick_duration_s: 5}
)" + extra;
  return config::load_config(text, "hop.yaml").scenario;
}

SampleDraws breakup_at(double t_after_ignition_s, std::uint64_t seed = 1) {
  SampleDraws d;
  d.failure.mode = 0;
  d.failure.stage = 0;
  d.failure.time_after_ignition_s = t_after_ignition_s;
  d.failure.effect = Breakup{};
  d.fragment_seed = seed;
  return d;
}

// Two-body arc from (r0, v0) to the sphere of radius R on the way down: where (ECI, which is
// fixed to the non-rotating Earth) and after how long. Bate, Mueller & White ch. 2 and 4.
struct Arc {
  Eigen::Vector3d r_impact;
  double dt_s;
};
Arc kepler_impact(const Eigen::Vector3d& r0, const Eigen::Vector3d& v0, double R) {
  const Eigen::Vector3d h = r0.cross(v0);
  const Eigen::Vector3d e_vec = v0.cross(h) / kMu - r0.normalized();
  const double e = e_vec.norm(), p = h.squaredNorm() / kMu, a = p / (1.0 - e * e);
  const double two_pi = 2.0 * constants::pi;
  auto true_anomaly = [&](double r, bool ascending) {
    const double nu = std::acos(std::clamp((p / r - 1.0) / e, -1.0, 1.0));
    return ascending ? nu : two_pi - nu;
  };
  const double nu0 = true_anomaly(r0.norm(), r0.dot(v0) > 0.0);
  const double nu1 = true_anomaly(R, false);
  auto mean_anomaly = [&](double nu) {
    double E = std::atan2(std::sqrt(1.0 - e * e) * std::sin(nu), e + std::cos(nu));
    if (E < 0.0) E += two_pi;
    return E - e * std::sin(E);
  };
  const double n = std::sqrt(kMu / (a * a * a));
  const double dnu = nu1 - nu0;
  const Eigen::Vector3d rhat = r0.normalized(), shat = h.normalized().cross(rhat);
  return {R * (std::cos(dnu) * rhat + std::sin(dnu) * shat),
          (mean_anomaly(nu1) - mean_anomaly(nu0)) / n};
}

const FlightEvent& breakup_event(const FlightResult& r) {
  for (const auto& e : r.events)
    if (e.kind == EventKind::breakup) return e;
  throw std::runtime_error("no breakup");
}

TEST(Fragments, ZeroDeltaVInVacuumLandWhereTheKeplerArcOfTheBreakupStateLands) {
  const Scenario sc = hop("{density_scale: 0}",
                          "        - {name: tank, pieces: 10, mass_kg: 5, "
                          "ballistic_coefficient_kgpm2: 20, delta_v_scale_mps: 0}",
                          "limits: {fragments_per_class: 3}\n");
  const FlightResult r = fly(sc, breakup_at(40.0));
  EXPECT_EQ(r.status, FlightStatus::crash);
  EXPECT_EQ(r.failure_mode, 0);
  EXPECT_EQ(r.breakup_cause, BreakupCause::failure_mode);
  EXPECT_EQ(r.powered_flight_end, PoweredFlightEnd::breakup);
  const FlightEvent& b = breakup_event(r);
  EXPECT_NEAR(b.t_s, 40.0, 1e-6);
  const Arc arc = kepler_impact(b.state.head<3>(), b.state.segment<3>(3), sc.earth.sphere_radius_m);
  int fragments = 0, payloads = 0;
  for (const BodyResult& body : r.bodies) {
    ASSERT_EQ(body.fate, BodyFate::impact) << body.name.str();
    const double miss_m = (body.impact.state.head<3>() - arc.r_impact).norm();
    EXPECT_LT(miss_m, 5.0) << body.name.str();
    EXPECT_NEAR(body.impact.t_s - b.t_s, arc.dt_s, 0.05) << body.name.str();
    if (body.body_class == "tank") {
      ++fragments;
      EXPECT_EQ(body.weight, 10.0 / 3.0);
      EXPECT_EQ(body.release_state[6], 5.0);
      EXPECT_TRUE(body.fragment);
    }
    if (body.body_class == kPayloadClass) ++payloads;
  }
  EXPECT_EQ(fragments, 3);
  EXPECT_EQ(payloads, 1);
  // The arc is a real one (tens of km), not a drop at the pad.
  EXPECT_GT((arc.r_impact - b.state.head<3>()).norm(), 3e4);
}

// Downrange of an impact point from a reference one, along the arc's plane [m].
double downrange_m(const Eigen::Vector3d& ref, const Eigen::Vector3d& p, const Eigen::Vector3d& h,
                   double R) {
  const Eigen::Vector3d a = ref.normalized(), c = p.normalized();
  return R * std::atan2(a.cross(c).dot(h.normalized()), a.dot(c));
}

TEST(Fragments, SpreadGrowsWithTheImpartedVelocityAsTheKeplerArcPredicts) {
  // First order: a fragment's downrange shift is dR/dv . dv; with dv's components normal with
  // sigma each, its standard deviation is sigma |grad_v R| (gradient from the Kepler arc here).
  for (const double sigma : {1.0, 3.0}) {
    char line[200];
    std::snprintf(line, sizeof line,
                  "        - {name: bits, pieces: 64, mass_kg: 1, ballistic_coefficient_kgpm2: 20, "
                  "delta_v_scale_mps: %g}",
                  sigma);
    const Scenario sc = hop("{density_scale: 0}", line, "limits: {fragments_per_class: 64}\n");
    std::vector<double> dr;
    Eigen::Vector3d grad = Eigen::Vector3d::Zero();
    for (std::uint64_t seed = 1; seed <= 8; ++seed) {
      const FlightResult r = fly(sc, breakup_at(40.0, seed));
      const FlightEvent& b = breakup_event(r);
      const Eigen::Vector3d r0 = b.state.head<3>(), v0 = b.state.segment<3>(3);
      const double R = sc.earth.sphere_radius_m;
      const Eigen::Vector3d h = r0.cross(v0);
      const Arc nominal = kepler_impact(r0, v0, R);
      for (int k = 0; k < 3; ++k) {
        Eigen::Vector3d dv = Eigen::Vector3d::Zero();
        dv[k] = 0.01;
        grad[k] = (downrange_m(nominal.r_impact, kepler_impact(r0, v0 + dv, R).r_impact, h, R) -
                   downrange_m(nominal.r_impact, kepler_impact(r0, v0 - dv, R).r_impact, h, R)) /
                  0.02;
      }
      for (const BodyResult& body : r.bodies)
        if (body.body_class == "bits")
          dr.push_back(downrange_m(nominal.r_impact, body.impact.state.head<3>(), h, R));
    }
    ASSERT_EQ(dr.size(), 512u);
    double mean = 0.0, var = 0.0;
    for (double x : dr) mean += x / static_cast<double>(dr.size());
    for (double x : dr) var += (x - mean) * (x - mean) / static_cast<double>(dr.size() - 1);
    const double predicted = sigma * grad.norm();
    // The sample sd's relative standard error is ~1/sqrt(2 n) = 3.1 %: 4 of them.
    EXPECT_NEAR(std::sqrt(var) / predicted, 1.0, 0.125) << "sigma " << sigma;
    EXPECT_GT(predicted, 100.0 * sigma);  // metres per m/s: a visible spread
  }
}

double fragment_range_m(const Scenario& sc, const FlightResult& r, const char* cls) {
  for (const BodyResult& body : r.bodies)
    if (body.body_class == cls && body.fate == BodyFate::impact) {
      const Eigen::Vector3d pad = r.events.front().state.head<3>();
      const Eigen::Vector3d p = body.impact.state.head<3>();
      return sc.earth.sphere_radius_m * std::atan2(pad.normalized().cross(p.normalized()).norm(),
                                                   pad.normalized().dot(p.normalized()));
    }
  return NAN;
}

TEST(Fragments, DenserAirOrASmallerBallisticCoefficientShortensTheRange) {
  const std::string debris =
      "        - {name: heavy, pieces: 1, mass_kg: 50, ballistic_coefficient_kgpm2: 300}\n"
      "        - {name: light, pieces: 1, mass_kg: 50, ballistic_coefficient_kgpm2: 30}";
  // Breakup at 40 s, in the atmosphere, where drag matters.
  const Scenario thin = hop("{density_scale: 1}", debris);
  const Scenario dense = hop("{density_scale: 2}", debris);
  const FlightResult rt = fly(thin, breakup_at(40.0));
  const FlightResult rd = fly(dense, breakup_at(40.0));
  const double heavy_thin = fragment_range_m(thin, rt, "heavy");
  const double light_thin = fragment_range_m(thin, rt, "light");
  const double heavy_dense = fragment_range_m(dense, rd, "heavy");
  EXPECT_LT(light_thin, 0.95 * heavy_thin);
  EXPECT_LT(heavy_dense, 0.99 * heavy_thin);
  EXPECT_GT(heavy_thin, 500.0);
}

// The fragments' cheap integration (fragment_rtol, default 1e-5, and the stiff terminal
// descent) against a tight explicit one (rtol 1e-11, no stiff switch) of the same fragments:
// measured on this hop (breakup at 40 s, Maxwellian 30 m/s, drag
// from 2 to 300 kg/m^2). Measured 2026-11-30: max 2.6 m over 2 x 25 bodies, with 14x fewer
// right-hand-side evaluations (8,363 vs 118,168); printed below.
TEST(Fragments, CheapModelImpactErrorAgainstTightIntegration) {
  const std::string debris =
      "        - {name: a, pieces: 8, mass_kg: 2, ballistic_coefficient_kgpm2: 2, "
      "delta_v_scale_mps: 30}\n"
      "        - {name: b, pieces: 8, mass_kg: 20, ballistic_coefficient_kgpm2: 30, "
      "delta_v_scale_mps: 30}\n"
      "        - {name: c, pieces: 8, mass_kg: 200, ballistic_coefficient_kgpm2: 300, "
      "delta_v_scale_mps: 30}";
  const Scenario cheap = hop("{density_scale: 1}", debris, "limits: {fragments_per_class: 8}\n");
  const Scenario tight =
      hop("{density_scale: 1}", debris,
          "limits: {fragments_per_class: 8}\n"
          "integrator: {fragment_rtol: 1.0e-11, terminal_atol_velocity_mps: 0}\n");
  double worst_m = 0.0;
  std::int64_t rhs_cheap = 0, rhs_tight = 0;
  for (const double t : {20.0, 40.0}) {
    const FlightResult a = fly(cheap, breakup_at(t, 3));
    const FlightResult b = fly(tight, breakup_at(t, 3));
    ASSERT_EQ(a.bodies.size(), b.bodies.size());
    for (std::size_t i = 0; i < a.bodies.size(); ++i) {
      if (!a.bodies[i].fragment) continue;
      ASSERT_EQ(a.bodies[i].fate, BodyFate::impact);
      ASSERT_EQ(b.bodies[i].fate, BodyFate::impact);
      // Same release state (the same draws), so the difference is the integration's.
      EXPECT_EQ(a.bodies[i].release_state, b.bodies[i].release_state);
      worst_m = std::max(
          worst_m,
          (a.bodies[i].impact.state.head<3>() - b.bodies[i].impact.state.head<3>()).norm());
      rhs_cheap += a.bodies[i].stats.rhs_evaluations;
      rhs_tight += b.bodies[i].stats.rhs_evaluations;
    }
  }
  std::printf("fragment impact error, cheap vs tight: max %.3f m; rhs %lld vs %lld\n", worst_m,
              static_cast<long long>(rhs_cheap), static_cast<long long>(rhs_tight));
  EXPECT_LT(worst_m, 25.0);
  EXPECT_LT(rhs_cheap, rhs_tight);
}

}  // namespace
}  // namespace launchmc::flight
