// Whole runs stratified by failure mode (engine/strata.hpp): bit-identical files for any thread
// count, block size and split into shards; weights that sum to the sample count and follow the
// strata; agreement with brute-force sampling within the estimators' own errors; and a rare
// (1e-3) failure mode's footprint resolved with a hundred times fewer samples than brute force
// needs, against a reference run in which every flight has that failure. The references are
// independent runs and closed forms written here, never numbers of the code under test.
#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>

#include "../support/one_stage_vacuum.hpp"
#include "config/load_scenario.hpp"
#include "engine/columns.hpp"
#include "engine/failure_report.hpp"
#include "engine/run.hpp"
#include "io/hdf5_file.hpp"
#include "io/run_file.hpp"
#include "io/summary_report.hpp"
#include "stats/impact_ellipse.hpp"

namespace launchmc::engine {
namespace {

namespace fs = std::filesystem;

fs::path temp_file(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("launchmc_strat_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d / name;
}

// A cheap scenario: a one-stage lob in vacuum over a non-rotating sphere (thrust and pitch-kick
// dispersed), whose engine shuts down between 10 and 30 s after liftoff with probability `p`:
// then the vehicle lands short of its nominal impact, along a footprint of its own.
Study lob(double p, const std::string& extra = "") {
  const std::string text =
      testing_support::one_stage_vacuum_yaml(
          "lob", "{vertical_rise_s: 5, pitch_kick_deg: 20, pitch_kick_duration_s: 5}") +
      R"(integrator: {rtol: 1.0e-6}
uncertainties:
  inputs:
    - {path: "vehicle.stages[0].thrust_vac_N", normal: {sd_percent: 1}}
    - {path: "guidance.pitch_kick_deg", normal: {sd: 0.5}}
)" + extra +
      R"(
failures:
  - {name: cutoff, stage: s1, mode: engine_shutdown, probability: )" +
      std::to_string(p) + R"(, window_start_s: 10, window_end_s: 30}
)";
  return config::load_config(text, "lob.yaml");
}

struct Ran {
  Summary summary;
  io::RunFile file;
  std::vector<double> weight;  // /outcome/weight
  fs::path path;
};

Ran run_to_file(const Study& cfg, RunOptions opt, const std::string& name) {
  Ran r;
  r.path = temp_file(name);
  io::RunFileWriter writer(r.path, cfg);
  r.summary = run_monte_carlo(cfg, opt, &writer, nullptr).summary;
  r.file = io::read_run_file(r.path);
  r.weight = io::h5::File::open_read(r.path).root().open_group("outcome").read<double>("weight");
  return r;
}

RunOptions stratified(std::uint64_t n, std::uint64_t seed, std::size_t block = 16) {
  RunOptions opt;
  opt.n_samples = n;
  opt.seed = seed;
  opt.block_size = block;
  opt.stratify = Stratify::failures;
  return opt;
}

void expect_same_doubles(const std::vector<double>& a, const std::vector<double>& b,
                         const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)), 0) << what;
}

void expect_same_rows(const Ran& a, const Ran& b) {
  ASSERT_EQ(a.file.samples.count, b.file.samples.count);
  for (const SampleColumn& c : sample_columns())
    expect_same_doubles(a.file.samples.column(c.name), b.file.samples.column(c.name),
                        std::string(c.name));
  for (std::size_t c = 0; c < a.file.samples.drawn.size(); ++c)
    expect_same_doubles(a.file.samples.drawn[c], b.file.samples.drawn[c], a.file.drawn_names[c]);
  EXPECT_EQ(a.file.samples.stratum, b.file.samples.stratum);
  expect_same_doubles(a.weight, b.weight, "weight");
}

// The summary as JSON without the timings.
std::string summary_text(const Summary& s) {
  nlohmann::json j = io::summary_to_json(s);
  j.erase("elapsed_s");
  j.erase("samples_per_s");
  return j.dump();
}

const BodySummary& vehicle(const Summary& s) {
  for (const auto& b : s.bodies)
    if (b.name == "vehicle") return b;
  throw std::logic_error("no vehicle impacts");
}

TEST(StratifiedRun, BitIdenticalForAnyThreadCountAndBlockSize) {
  const Study cfg = lob(0.05);
  RunOptions opt = stratified(300, 7, 16);
  opt.threads = 1;
  const Ran one = run_to_file(cfg, opt, "j1.h5");
  opt.threads = 2;
  const Ran two = run_to_file(cfg, opt, "j2.h5");
  opt.block_size = 7;
  const Ran blocks = run_to_file(cfg, opt, "b7.h5");
  expect_same_rows(one, two);
  expect_same_rows(one, blocks);
  EXPECT_EQ(summary_text(one.summary), summary_text(two.summary));
  EXPECT_EQ(summary_text(one.summary), summary_text(blocks.summary));
  // The file's summary is the run's.
  EXPECT_EQ(summary_text(io::summarize_run_file(one.path)), summary_text(one.summary));
  // Stratification is part of the plan: the unstratified run's rows differ.
  opt.stratify = Stratify::none;
  const Ran brute = run_to_file(cfg, opt, "none.h5");
  EXPECT_NE(brute.file.plan_identity, blocks.file.plan_identity);
}

TEST(StratifiedRun, WeightsSumToTheSampleCountAndEachRowDrawsItsStratum) {
  const Study cfg = lob(0.05);
  const std::uint64_t n = 301;
  const Ran r = run_to_file(cfg, stratified(n, 3), "weights.h5");
  ASSERT_EQ(r.weight.size(), n);
  const auto& stratum = r.file.samples.stratum;
  const auto& mode = r.file.samples.column("failure_mode");
  std::map<int, std::uint64_t> rows;
  for (std::uint64_t i = 0; i < n; ++i) {
    ++rows[stratum[i]];
    // Stratum 0: no failure; stratum 1: the mode's failure, every time.
    EXPECT_EQ(mode[i], stratum[i] == 0 ? -1.0 : 0.0) << i;
  }
  ASSERT_EQ(rows.size(), 2u);
  const double pi[2] = {0.95, 0.05};
  double sum = 0.0;
  for (std::uint64_t i = 0; i < n; ++i) {
    const int k = stratum[i];
    EXPECT_NEAR(r.weight[i], pi[k] * n / static_cast<double>(rows[k]), 1e-12) << i;
    sum += r.weight[i];
  }
  EXPECT_NEAR(sum, static_cast<double>(n), 1e-9 * n);
  // Default shares: max(0.95, 1/2) : max(0.05, 1/2), within one row of them.
  EXPECT_NEAR(static_cast<double>(rows[1]), n * 0.5 / 1.45, 1.0);
  // The failure frequency is the mode's probability, to rounding.
  EXPECT_NEAR(r.summary.failure_fractions.at(0), 0.05, 1e-12);

  // Unstratified: every weight exactly 1.
  RunOptions plain = stratified(40, 3);
  plain.stratify = Stratify::none;
  const Ran u = run_to_file(cfg, plain, "plain.h5");
  for (const double w : u.weight) EXPECT_EQ(w, 1.0);
}

TEST(StratifiedRun, ShardsMergeToTheWholeRun) {
  const Study cfg = lob(0.05);
  const RunOptions opt = stratified(200, 11, 16);
  const RunResult whole = run_monte_carlo(cfg, opt, nullptr, nullptr);
  const RunPlan plan = plan_of(cfg, opt);
  Execution exec;
  exec.threads = 2;
  std::unique_ptr<SummaryReducer> merged;
  std::unique_ptr<IipCorridorReducer> corridor;
  std::unique_ptr<FailureReportReducer> report;
  RunMeta meta;
  for (const BlockRange range : {BlockRange{0, 5}, BlockRange{5, plan.n_blocks()}}) {
    const RunLayout layout = layout_of(cfg, plan, range, exec);
    auto s = summary_reducer_for(layout, cfg);
    auto c = iip_corridor_reducer_for(layout, cfg);
    auto f = failure_report_reducer_for(layout, cfg);
    std::vector<BlockSink*> sinks = {s.get(), c.get(), f.get()};
    run_blocks(layout, sinks, exec);
    if (!merged) {
      merged = std::move(s);
      corridor = std::move(c);
      report = std::move(f);
      meta = layout.meta;
    } else {
      merged->merge(*s);
      corridor->merge(*c);
      report->merge(*f);
    }
  }
  meta.elapsed_s = whole.summary.meta.elapsed_s;
  Summary s = merged->finish(meta);
  s.iip_corridor = corridor->finish();
  s.failure_report = report->finish();
  // Stratified: each mode's frequency is its stratum's probability (exact by the design).
  ASSERT_TRUE(s.failure_report.has_value());
  ASSERT_EQ(s.failure_report->modes.size(), 2u);  // the mode, then none
  EXPECT_DOUBLE_EQ(s.failure_report->modes[0].frequency, 0.05);
  EXPECT_DOUBLE_EQ(s.failure_report->modes[1].frequency, 0.95);
  EXPECT_EQ(summary_text(s), summary_text(whole.summary));
}

TEST(StratifiedRun, UntilCiStopsOnTheStratifiedIntervalAndWeighsTheRowsKept) {
  const Study cfg = lob(0.05);
  RunOptions opt = stratified(100000, 9, 64);
  opt.until_ci_width = 0.05;
  opt.threads = 1;
  const Ran one = run_to_file(cfg, opt, "ci1.h5");
  opt.threads = 2;
  const Ran two = run_to_file(cfg, opt, "ci2.h5");
  const std::uint64_t n = one.file.samples.count;
  EXPECT_LT(n, 100000u);
  EXPECT_EQ(n % 64, 0u);
  EXPECT_LE(one.summary.ci95_hi - one.summary.ci95_lo, 0.05);
  expect_same_rows(one, two);
  double sum = 0.0;
  for (const double w : one.weight) sum += w;
  EXPECT_NEAR(sum, static_cast<double>(n), 1e-9 * n);
}

TEST(StratifiedRun, OneStratumIsExactlyTheUnstratifiedRun) {
  // No failure modes: --stratify failures has nothing to stratify.
  Study cfg = lob(0.05);
  cfg.dispersions.failures.clear();
  RunOptions opt = stratified(64, 5);
  const RunResult s = run_monte_carlo(cfg, opt, nullptr, nullptr);
  opt.stratify = Stratify::none;
  const RunResult u = run_monte_carlo(cfg, opt, nullptr, nullptr);
  EXPECT_EQ(summary_text(s.summary), summary_text(u.summary));
  EXPECT_EQ(plan_of(cfg, stratified(64, 5)).identity(), plan_of(cfg, opt).identity());
  EXPECT_TRUE(s.summary.strata.empty());
}

// Independent runs of the same scenario: brute force and stratified estimates agree within
// their own errors (4 standard errors of the difference; fixed seeds).
TEST(StratifiedRun, AgreesWithBruteForceWithinTheirIntervals) {
  const Study cfg = lob(0.05);
  RunOptions brute = stratified(4000, 21, 256);
  brute.stratify = Stratify::none;
  const Summary b = run_monte_carlo(cfg, brute, nullptr, nullptr).summary;
  const Summary s = run_monte_carlo(cfg, stratified(2000, 22, 256), nullptr, nullptr).summary;
  ASSERT_FALSE(s.strata.empty());
  ASSERT_TRUE(b.strata.empty());
  auto se = [](double lo, double hi) { return (hi - lo) / (2.0 * 1.959964); };
  // P(success) (the vehicle lands where it is meant to, i.e. no failure).
  const double se_p = std::hypot(se(b.ci95_lo, b.ci95_hi), se(s.ci95_lo, s.ci95_hi));
  EXPECT_LT(std::abs(b.p_success - s.p_success), 4.0 * se_p)
      << b.p_success << " vs " << s.p_success;
  EXPECT_GT(b.p_success, 0.9);
  // The failure mode's frequency: brute force's count against the stratified (exact) share.
  const double fb = static_cast<double>(b.failure_counts.at(0)) / 4000.0;
  EXPECT_LT(std::abs(fb - s.failure_fractions.at(0)), 4.0 * std::sqrt(0.05 * 0.95 / 4000.0));
  // The vehicle's mean impact point (a mixture of the nominal and the failure footprints):
  // compared in km east/north with the spread of each run's impacts.
  const BodySummary& vb = vehicle(b);
  const BodySummary& vs = vehicle(s);
  const double km_per_deg = 6371.0 * M_PI / 180.0;
  const double dn = (vs.impact_mean_lat_deg - vb.impact_mean_lat_deg) * km_per_deg;
  const double de = (vs.impact_mean_lon_deg - vb.impact_mean_lon_deg) * km_per_deg *
                    std::cos(vb.impact_mean_lat_deg * M_PI / 180.0);
  const double se_mean = std::sqrt(vb.rms_distance_km * vb.rms_distance_km / vb.effective_impacts +
                                   vs.rms_distance_km * vs.rms_distance_km / vs.effective_impacts);
  EXPECT_LT(std::hypot(de, dn), 4.0 * se_mean) << de << " " << dn << " se " << se_mean;
  // The weighted spread estimates the same footprint spread.
  EXPECT_NEAR(vs.rms_distance_km, vb.rms_distance_km, 0.15 * vb.rms_distance_km);
  // The IIP corridor at 40 s (after every failure's cutoff, before the nominal burnout: the
  // flights still powered, weighted): mean and spread of the along-track offset. Every flight
  // lands, so the vehicle's effective impacts are the rows' effective count.
  ASSERT_TRUE(b.iip_corridor && s.iip_corridor);
  const std::size_t at = static_cast<std::size_t>(std::llround(40.0 / b.iip_corridor->step_s));
  ASSERT_LT(at, b.iip_corridor->track.size());
  ASSERT_LT(at, s.iip_corridor->track.size());
  const CorridorPoint& cb = b.iip_corridor->track[at];
  const CorridorPoint& cs = s.iip_corridor->track[at];
  EXPECT_LT(std::abs(cs.along_mean_km - cb.along_mean_km),
            4.0 * std::sqrt(cb.along_sd_km * cb.along_sd_km / cb.impacting +
                            cs.along_sd_km * cs.along_sd_km / vs.effective_impacts))
      << cb.along_mean_km << " vs " << cs.along_mean_km;
  EXPECT_NEAR(cs.along_sd_km, cb.along_sd_km, 0.15 * cb.along_sd_km);
  std::printf(
      "brute force (4000) vs stratified (2000): P(success) %.4f vs %.4f; vehicle rms %.1f vs "
      "%.1f km (effective impacts %.0f); IIP along-track at 40 s %.2f +- %.2f vs %.2f +- %.2f km\n",
      b.p_success, s.p_success, vb.rms_distance_km, vs.rms_distance_km, vs.effective_impacts,
      cb.along_mean_km, cb.along_sd_km, cs.along_mean_km, cs.along_sd_km);
  // The range's mean (weighted) with Kish's effective count.
  EXPECT_LT(std::abs(s.range_km.mean - b.range_km.mean),
            4.0 * std::sqrt(b.range_km.std * b.range_km.std / b.range_km.count +
                            s.range_km.std * s.range_km.std / vs.effective_impacts));
}

// The mode's footprint from a run file: the vehicle's impacts of the rows that drew the failure,
// on the plane of `ref` (mean, covariance).
stats::ImpactAccumulator mode_footprint(const io::RunFile& f, double ref_lat, double ref_lon) {
  stats::ImpactAccumulator a(ref_lat, ref_lon);
  const auto& mode = f.samples.column("failure_mode");
  const auto& lat = f.samples.column("vehicle_impact_lat_deg");
  const auto& lon = f.samples.column("vehicle_impact_lon_deg");
  for (std::size_t i = 0; i < f.samples.count; ++i)
    if (mode[i] == 0.0 && std::isfinite(lat[i])) a.add(lat[i], lon[i]);
  return a;
}

TEST(StratifiedRun, ResolvesARareModesFootprintWithAHundredTimesFewerSamples) {
  // Reference: every flight has the failure (its footprint conditioned on the mode).
  RunOptions ref_opt = stratified(1500, 31, 256);
  ref_opt.stratify = Stratify::none;
  const Ran ref = run_to_file(lob(1.0), ref_opt, "rare_ref.h5");
  const stats::ImpactAccumulator r = mode_footprint(ref.file, 10.0, 20.0);
  ASSERT_GT(r.count(), 1400u);
  const Study rare = lob(1e-3);
  // Brute force: N samples see ~N 1e-3 failures.
  const std::uint64_t n_brute = 10000;
  RunOptions brute_opt = stratified(n_brute, 32, 256);
  brute_opt.stratify = Stratify::none;
  const Ran brute = run_to_file(rare, brute_opt, "rare_brute.h5");
  const stats::ImpactAccumulator b = mode_footprint(brute.file, 10.0, 20.0);
  // Stratified: N / 100 samples, a third of them with the failure (default shares
  // max(0.999, 1/2) : max(0.001, 1/2)).
  const Ran strat = run_to_file(rare, stratified(n_brute / 100, 33, 16), "rare_strat.h5");
  const stats::ImpactAccumulator s = mode_footprint(strat.file, 10.0, 20.0);
  RecordProperty("brute_force_samples", static_cast<int>(n_brute));
  RecordProperty("brute_force_mode_impacts", static_cast<int>(b.count()));
  RecordProperty("stratified_samples", static_cast<int>(n_brute / 100));
  RecordProperty("stratified_mode_impacts", static_cast<int>(s.count()));
  std::printf(
      "1e-3 mode: brute force %llu samples -> %llu impacts of the mode; stratified %llu "
      "samples -> %llu\n",
      static_cast<unsigned long long>(n_brute), static_cast<unsigned long long>(b.count()),
      static_cast<unsigned long long>(n_brute / 100), static_cast<unsigned long long>(s.count()));
  // Binomial(10000, 1e-3): mean 10, P(more than 25) < 1e-4.
  EXPECT_LT(b.count(), 25u);
  EXPECT_GE(s.count(), 32u);  // 100 * 0.5 / 1.499 = 33.4 rows of the mode, +-1
  // The stratified footprint matches the reference: mean within 4 standard errors per axis,
  // and the ellipse's axes within 4 standard errors of a standard deviation (1 / sqrt(2 (n-1))).
  const Eigen::Matrix2d cr = r.covariance_en_m2(), cs = s.covariance_en_m2();
  const Eigen::Vector2d d = s.mean_en_m() - r.mean_en_m();
  for (int axis = 0; axis < 2; ++axis)
    EXPECT_LT(std::abs(d[axis]),
              4.0 * std::sqrt(cr(axis, axis) / s.count() + cr(axis, axis) / r.count()))
        << axis << ": " << d[axis] << " m";
  const Eigen::SelfAdjointEigenSolver<Eigen::Matrix2d> er(cr), es(cs);
  const double rel = 4.0 / std::sqrt(2.0 * (s.count() - 1.0));
  const double major_r = std::sqrt(er.eigenvalues()[1]), major_s = std::sqrt(es.eigenvalues()[1]);
  EXPECT_NEAR(major_s / major_r, 1.0, rel);
  EXPECT_GT(major_r, 1000.0);  // a real footprint (km scale), not a point
  // The weighted summary gives the mode its probability, not its share of the rows.
  EXPECT_NEAR(strat.summary.failure_fractions.at(0), 1e-3, 1e-15);
}

}  // namespace
}  // namespace launchmc::engine
