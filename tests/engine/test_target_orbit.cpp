// P(target orbit): the probability of reaching the orbit the last stage's closed-loop guidance
// aims at, not just any orbit. A sample is in the target when its status is orbit and its
// catalogue perigee and apogee altitudes a (1 -/+ e) - R_eq (R_eq = 6378.137 km) are each within
// limits.target_orbit_tolerance_alt_km of the target's, its inclination within
// limits.target_orbit_tolerance_incl_deg, and (a target with a node) its RAAN within the same
// angle, the difference wrapped to +-180 deg. Blocks are built by hand from chosen catalogue
// altitudes, so which samples are in the target, and the Wilson interval, are known here without
// the library's code. Also the summary's JSON and printed line, and a run of the bundled
// Chollima-1 scenario.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "config/load_scenario.hpp"
#include "engine/columns.hpp"
#include "engine/run.hpp"
#include "engine/summary.hpp"
#include "io/summary_report.hpp"

namespace launchmc::engine {
namespace {

constexpr double kReqM = 6378137.0;  // WGS-84 equatorial radius [m]
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A synthetic sample: status, catalogue apsis altitudes [km], inclination and RAAN [deg], and
// whether it is in the target below (decided by hand, from the numbers).
struct Sample {
  SampleStatus status;
  double perigee_km, apogee_km, incl_deg, raan_deg;
  bool in_target;
};

// a and e of an orbit with these catalogue altitudes: r_p = R_eq + h_p, r_a = R_eq + h_a,
// a = (r_p + r_a) / 2, e = (r_a - r_p) / (r_a + r_p).
double sma_m(double hp_km, double ha_km) {
  return 0.5 * ((kReqM + hp_km * 1e3) + (kReqM + ha_km * 1e3));
}
double ecc(double hp_km, double ha_km) {
  const double rp = kReqM + hp_km * 1e3, ra = kReqM + ha_km * 1e3;
  return (ra - rp) / (ra + rp);
}

TargetOrbit chollima_target() {
  TargetOrbit t;
  t.perigee_alt_km = 493.0;
  t.apogee_alt_km = 512.0;
  t.inclination_deg = 97.4;
  t.raan_deg = kNaN;
  t.tolerance_alt_km = 10.0;
  t.tolerance_incl_deg = 0.1;
  return t;
}

// Against chollima_target(): 10 km and 0.1 deg; "just inside" / "just outside" are 10 m and
// 0.001 deg from the bound.
const std::vector<Sample>& samples() {
  using S = SampleStatus;
  static const std::vector<Sample> v = {
      {S::orbit, 493.0, 512.0, 97.4, 10.0, true},        // on target
      {S::orbit, 502.99, 512.0, 97.4, 200.0, true},      // perigee +9.99 km
      {S::orbit, 503.01, 512.0, 97.4, 200.0, false},     // perigee +10.01 km
      {S::orbit, 483.01, 512.0, 97.4, 200.0, true},      // perigee -9.99 km
      {S::orbit, 482.99, 512.0, 97.4, 200.0, false},     // perigee -10.01 km
      {S::orbit, 493.0, 521.99, 97.4, 300.0, true},      // apogee +9.99 km
      {S::orbit, 493.0, 522.01, 97.4, 300.0, false},     // apogee +10.01 km
      {S::orbit, 493.0, 502.01, 97.4, 300.0, true},      // apogee -9.99 km
      {S::orbit, 493.0, 501.99, 97.4, 300.0, false},     // apogee -10.01 km
      {S::orbit, 493.0, 512.0, 97.499, 0.0, true},       // inclination +0.099 deg
      {S::orbit, 493.0, 512.0, 97.501, 0.0, false},      // inclination +0.101 deg
      {S::orbit, 493.0, 512.0, 97.301, 359.9, true},     // inclination -0.099 deg
      {S::orbit, 493.0, 512.0, 97.299, 359.9, false},    // inclination -0.101 deg
      {S::orbit, 502.0, 503.0, 97.45, 90.0, true},       // every element off, all inside
      {S::orbit, 150.0, 900.0, 97.4, 90.0, false},       // an orbit, far from the target
      {S::orbit, 492.0, 513.0, 80.0, 90.0, false},       // the wrong plane
      {S::suborbital, 493.0, 512.0, 97.4, 90.0, false},  // not an orbit: never counts
      {S::crash, 493.0, 512.0, 97.4, 90.0, false},      {S::orbit, 495.0, 510.0, 97.39, 45.0, true},
      {S::orbit, 493.5, 511.5, 97.41, 45.0, true},
  };
  return v;
}

// The samples in blocks of the given sizes (consecutive, in order).
std::vector<Block> blocks_of(const std::vector<Sample>& v, const std::vector<std::size_t>& sizes) {
  std::vector<Block> out;
  std::size_t first = 0;
  for (std::size_t n : sizes) {
    Block b;
    b.resize(n, 0, 0);
    b.first = first;
    b.count = n;
    for (std::size_t r = 0; r < n; ++r) {
      const Sample& s = v[first + r];
      b.column("status")[r] = static_cast<std::int8_t>(s.status);
      b.column("semi_major_axis_m")[r] = sma_m(s.perigee_km, s.apogee_km);
      b.column("eccentricity")[r] = ecc(s.perigee_km, s.apogee_km);
      b.column("inclination_deg")[r] = s.incl_deg;
      b.column("raan_deg")[r] = s.raan_deg;
      // Ellipsoid heights deliberately 15 km off the catalogue ones: using them would change
      // which samples are in the target.
      b.column("perigee_alt_m")[r] = (s.perigee_km + 15.0) * 1e3;
      b.column("apogee_alt_m")[r] = (s.apogee_km + 15.0) * 1e3;
      b.column("insertion_time_s")[r] = 700.0;
    }
    out.push_back(std::move(b));
    first += n;
  }
  return out;
}

Summary summarize(const std::vector<Block>& blocks, std::optional<TargetOrbit> target) {
  SummaryReducer acc({}, SampleStatus::orbit, 0, target, 0.0, 0.0);
  for (const auto& b : blocks) acc.add(b);
  RunMeta meta;
  meta.scenario = "synthetic";
  meta.target_orbit = target;
  return acc.finish(meta);
}

// Wilson score interval at 95 %, written out: (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 +
// z^2/n).
std::pair<double, double> wilson95(double k, double n) {
  const double z = 1.959963984540054, p = k / n, z2 = z * z;
  const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z / (1 + z2 / n) * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  return {centre - half, centre + half};
}

TEST(EngineTargetOrbit, CountsExactlyTheSamplesWithinEveryTolerance) {
  const auto& v = samples();
  std::uint64_t by_hand = 0;
  for (const auto& s : v) by_hand += s.in_target ? 1 : 0;
  ASSERT_EQ(by_hand, 10u);  // the table above: 10 of 20

  // Each sample alone, to name the one that is wrong.
  const TargetOrbit t = chollima_target();
  for (std::size_t i = 0; i < v.size(); ++i) {
    SCOPED_TRACE(testing::Message() << "sample " << i);
    const Summary one = summarize(blocks_of({v[i]}, {1}), t);
    ASSERT_TRUE(one.target_orbit.has_value());
    EXPECT_EQ(one.target_orbit->count, v[i].in_target ? 1u : 0u);
  }

  const Summary s = summarize(blocks_of(v, {v.size()}), t);
  ASSERT_TRUE(s.target_orbit.has_value());
  EXPECT_EQ(s.target_orbit->count, 10u);
  EXPECT_DOUBLE_EQ(s.target_orbit->p, 0.5);
  const auto [lo, hi] = wilson95(10, 20);
  EXPECT_NEAR(s.target_orbit->ci95_lo, lo, 1e-12);
  EXPECT_NEAR(s.target_orbit->ci95_hi, hi, 1e-12);
  // Sanity of the hand formula: 10/20 gives [0.2993, 0.7007].
  EXPECT_NEAR(lo, 0.2993, 5e-5);
  EXPECT_NEAR(hi, 0.7007, 5e-5);
  // P(orbit) is unchanged: 18 orbits.
  EXPECT_EQ(s.successes, 18u);
  EXPECT_DOUBLE_EQ(s.p_success, 0.9);
  // The target is reported as given.
  EXPECT_DOUBLE_EQ(s.target_orbit->target.perigee_alt_km, 493.0);
  EXPECT_DOUBLE_EQ(s.target_orbit->target.tolerance_incl_deg, 0.1);

  // Split into blocks of other sizes: the same.
  const Summary split = summarize(blocks_of(v, {3, 1, 9, 7}), t);
  EXPECT_EQ(split.target_orbit->count, 10u);
  EXPECT_EQ(split.target_orbit->ci95_lo, s.target_orbit->ci95_lo);
}

TEST(EngineTargetOrbit, TolerancesComeFromTheTarget) {
  // Tighter tolerances: 1 km and 0.02 deg keep only the samples that close to 493 x 512 x 97.4.
  TargetOrbit t = chollima_target();
  t.tolerance_alt_km = 1.0;
  t.tolerance_incl_deg = 0.02;
  const Summary s = summarize(blocks_of(samples(), {samples().size()}), t);
  // By hand: sample 0 (on target) and 19 (493.5 x 511.5, 97.41: 0.5 km, 0.5 km, 0.01 deg off);
  // nothing else (18 is 2 km off).
  EXPECT_EQ(s.target_orbit->count, 2u);
  // Wider: 600 km and 20 deg take every orbit but the wrong plane (17.4 deg off is inside 20,
  // so all 18 orbits).
  t.tolerance_alt_km = 600.0;
  t.tolerance_incl_deg = 20.0;
  EXPECT_EQ(summarize(blocks_of(samples(), {samples().size()}), t).target_orbit->count, 18u);
}

TEST(EngineTargetOrbit, RaanIsComparedWrappedAroundZero) {
  TargetOrbit t = chollima_target();
  auto in = [&](double raan) {
    return t.contains(sma_m(493.0, 512.0), ecc(493.0, 512.0), 97.4, raan);
  };
  // Free node: any RAAN, even none.
  EXPECT_TRUE(in(0.0));
  EXPECT_TRUE(in(180.0));
  EXPECT_TRUE(in(kNaN));

  t.raan_deg = 359.95;  // 0.1 deg each way: [359.85, 0.05]
  EXPECT_TRUE(in(359.95));
  EXPECT_TRUE(in(0.04));     // 0.09 deg past 360
  EXPECT_FALSE(in(0.06));    // 0.11
  EXPECT_TRUE(in(359.86));   // -0.09
  EXPECT_FALSE(in(359.84));  // -0.11
  EXPECT_FALSE(in(179.95));  // the opposite node
  EXPECT_FALSE(in(kNaN));    // no RAAN recorded: not in a target that fixes it

  t.raan_deg = 0.05;  // [359.95, 0.15]
  EXPECT_TRUE(in(359.96));
  EXPECT_FALSE(in(359.94));
  EXPECT_TRUE(in(0.14));
  EXPECT_FALSE(in(0.16));

  t.raan_deg = -0.05;  // a config may give [-360, 720]: the same as 359.95
  EXPECT_TRUE(in(359.99));
  EXPECT_TRUE(in(0.04));
  EXPECT_FALSE(in(0.06));
  t.raan_deg = 719.95;
  EXPECT_TRUE(in(0.04));
  EXPECT_FALSE(in(359.84));

  // Through the accumulator: RAANs 0.04, 359.86 in; 0.06, 359.84, 180 out (all else on target).
  t.raan_deg = 359.95;
  std::vector<Sample> v;
  for (double raan : {0.04, 359.86, 0.06, 359.84, 180.0})
    v.push_back({SampleStatus::orbit, 493.0, 512.0, 97.4, raan, false});
  const Summary s = summarize(blocks_of(v, {v.size()}), t);
  EXPECT_EQ(s.target_orbit->count, 2u);
}

TEST(EngineTargetOrbit, JsonIsNullWithoutATargetAndNothingIsPrinted) {
  const auto blocks = blocks_of(samples(), {samples().size()});
  const Summary none = summarize(blocks, std::nullopt);
  EXPECT_FALSE(none.target_orbit.has_value());
  const nlohmann::json j = io::summary_to_json(none);
  ASSERT_TRUE(j.contains("target_orbit"));
  EXPECT_TRUE(j["target_orbit"].is_null());
  std::ostringstream out;
  io::print_summary(out, none);
  EXPECT_EQ(out.str().find("target orbit"), std::string::npos) << out.str();
}

TEST(EngineTargetOrbit, JsonAndPrintedLineOfATarget) {
  const auto blocks = blocks_of(samples(), {samples().size()});
  const Summary s = summarize(blocks, chollima_target());
  const nlohmann::json j = io::summary_to_json(s);
  const nlohmann::json& t = j["target_orbit"];
  ASSERT_TRUE(t.is_object()) << j.dump();
  EXPECT_EQ(t.size(), 9u) << t.dump();
  EXPECT_EQ(t["perigee_alt_km"], 493.0);
  EXPECT_EQ(t["apogee_alt_km"], 512.0);
  EXPECT_EQ(t["inclination_deg"], 97.4);
  ASSERT_TRUE(t.contains("raan_deg"));
  EXPECT_TRUE(t["raan_deg"].is_null());
  EXPECT_EQ(t["tolerance_alt_km"], 10.0);
  EXPECT_EQ(t["tolerance_incl_deg"], 0.1);
  EXPECT_EQ(t["count"], 10);
  EXPECT_EQ(t["p"], 0.5);
  const auto [lo, hi] = wilson95(10, 20);
  ASSERT_TRUE(t["ci95"].is_array());
  ASSERT_EQ(t["ci95"].size(), 2u);
  EXPECT_NEAR(t["ci95"][0].get<double>(), lo, 1e-12);
  EXPECT_NEAR(t["ci95"][1].get<double>(), hi, 1e-12);

  // Printed right after the P(orbit) line, to two significant digits of each interval's width
  // (0.27 and 0.40 at 20 samples: 3 decimals).
  std::ostringstream out;
  io::print_summary(out, s);
  const std::string text = out.str();
  char line[200];
  std::snprintf(
      line, sizeof line,
      "P(orbit) = 0.900  95%% CI [%.3f, %.3f] (Wilson)\n"
      "P(target orbit: 493 x 512 km +-10 km, 97.40 +-0.10 deg) = 0.500  95%% CI [%.3f, %.3f]\n",
      wilson95(18, 20).first, wilson95(18, 20).second, lo, hi);
  EXPECT_NE(text.find(line), std::string::npos) << "missing:\n" << line << "in:\n" << text;

  // A fixed node: a number in JSON and on the line.
  TargetOrbit fixed = chollima_target();
  fixed.raan_deg = 10.0;
  fixed.tolerance_alt_km = 12.5;
  const Summary sf = summarize(blocks, fixed);
  EXPECT_EQ(io::summary_to_json(sf)["target_orbit"]["raan_deg"], 10.0);
  std::ostringstream outf;
  io::print_summary(outf, sf);
  EXPECT_NE(
      outf.str().find(
          "P(target orbit: 493 x 512 km +-12.5 km, 97.40 +-0.10 deg, RAAN 10.00 +-0.10 deg) = "),
      std::string::npos)
      << outf.str();
}

TEST(EngineTargetOrbit, EveryOtherKeyAndLineIsUnchanged) {
  const auto blocks = blocks_of(samples(), {samples().size()});
  nlohmann::json with = io::summary_to_json(summarize(blocks, chollima_target()));
  nlohmann::json without = io::summary_to_json(summarize(blocks, std::nullopt));
  with.erase("target_orbit");
  without.erase("target_orbit");
  EXPECT_EQ(with.dump(), without.dump());

  std::ostringstream a, b;
  io::print_summary(a, summarize(blocks, chollima_target()));
  io::print_summary(b, summarize(blocks, std::nullopt));
  std::string text = a.str();
  const std::size_t at = text.find("P(target orbit");
  ASSERT_NE(at, std::string::npos);
  text.erase(at, text.find('\n', at) + 1 - at);
  EXPECT_EQ(text, b.str());
}

// The columns a run hands its sink, to count the target orbit by hand.
class Collect : public BlockSink {
 public:
  void begin(const RunLayout&) override {}
  void write(const Block& b) override {
    for (std::size_t i = 0; i < b.count; ++i) {
      if (b.column("status")[i] != static_cast<std::int8_t>(SampleStatus::orbit)) continue;
      ++orbits;
      const double hp =
          (b.column("semi_major_axis_m")[i] * (1.0 - b.column("eccentricity")[i]) - kReqM) / 1e3;
      const double ha =
          (b.column("semi_major_axis_m")[i] * (1.0 + b.column("eccentricity")[i]) - kReqM) / 1e3;
      if (std::abs(hp - 493.0) <= 10.0 && std::abs(ha - 512.0) <= 10.0 &&
          std::abs(b.column("inclination_deg")[i] - 97.4) <= 0.1)
        ++in_target;
    }
  }
  std::uint64_t orbits = 0, in_target = 0;
};

TEST(EngineTargetOrbit, ChollimaRunReachesItsTargetMostOfTheTime) {
  const auto cfg =
      config::load_config_file(std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml");
  RunOptions opt;
  opt.n_samples = 500;
  opt.seed = 11;
  Collect sink;
  const RunResult r = run_monte_carlo(cfg, opt, &sink, nullptr);
  const nlohmann::json j = io::summary_to_json(r.summary);
  ASSERT_TRUE(j["target_orbit"].is_object()) << j.dump();
  const double p = j["target_orbit"]["p"].get<double>();
  // The failure modes take 10 %, propellant depletion before the guided cutoff a few % more.
  EXPECT_GT(p, 0.75);
  EXPECT_LT(p, 0.95);
  EXPECT_EQ(j["target_orbit"]["count"].get<std::uint64_t>(), sink.in_target);
  EXPECT_LE(sink.in_target, sink.orbits);
  EXPECT_LE(p, r.summary.p_success);
  EXPECT_EQ(j["target_orbit"]["perigee_alt_km"], 493.0);
  EXPECT_EQ(j["target_orbit"]["apogee_alt_km"], 512.0);
  EXPECT_EQ(j["target_orbit"]["inclination_deg"], 97.4);

  // Open loop there is no target.
  const auto open =
      config::load_config_file(std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml",
                               {{"vehicle.stages[2].guidance.enabled", "false"}});
  opt.n_samples = 20;
  const RunResult ro = run_monte_carlo(open, opt, nullptr, nullptr);
  EXPECT_FALSE(ro.summary.target_orbit.has_value());
  EXPECT_TRUE(io::summary_to_json(ro.summary)["target_orbit"].is_null());
}

}  // namespace
}  // namespace launchmc::engine
