// Summary statistics of a Monte Carlo run: a reducer (engine/reducer.hpp) of outcome blocks whose
// memory does not grow with the sample count and whose state merges exactly, so that `run`,
// `summarize` (which re-reads the file) and any split of the run give the same numbers to the bit.
// Rendering (text, JSON) lives in io/summary_report.hpp.
#pragma once

#include <Eigen/Core>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "engine/ellipse_stats.hpp"
#include "engine/failure_report.hpp"
#include "engine/iip_corridor.hpp"
#include "engine/outcome.hpp"
#include "engine/reducer.hpp"
#include "engine/strata.hpp"
#include "stats/bottom_k.hpp"
#include "stats/impact_ellipse.hpp"
#include "stats/moments.hpp"
#include "stats/quantile_sketch.hpp"

namespace launchmc::engine {

// Probabilities of the containment ellipses reported for every body: 50 %, 95 %, 99 %, and
// 99.73 % (the 1-D 3-sigma figure; in 2-D that is a 3.44-sigma ellipse).
inline constexpr std::array<double, 4> kEllipseProbabilities = {0.50, 0.95, 0.99, 0.9973};

// Count, mean and standard deviation (exact sums), and the 1st, 50th and 99th percentiles from a
// relative-accuracy sketch (stats::QuantileSketch, kQuantileRelativeAccuracy): within 1e-5 of
// the exact Hyndman & Fan type-7 quantiles, relative.
inline constexpr double kQuantileRelativeAccuracy = 1e-5;
struct FieldStats {
  std::uint64_t count = 0;
  double mean = 0, std = 0, q01 = 0, q50 = 0, q99 = 0;

  // Exact: `summarize` must reproduce a run's statistics to the bit.
  bool operator==(const FieldStats&) const = default;
  friend std::ostream& operator<<(std::ostream& out, const FieldStats& f) {
    return out << "{count " << f.count << ", mean " << f.mean << ", std " << f.std << ", q01 "
               << f.q01 << ", q50 " << f.q50 << ", q99 " << f.q99 << "}";
  }
};

// When a footprint statistic says little, the summary says so (BodySummary::warnings):
// - fewer impacts than this: the ellipses' axes are uncertain by ~1/sqrt(2 (n - 1));
inline constexpr std::uint64_t kFewImpacts = 30;
// - an rms distance from the mean impact above this [km]: scattered over a large part of the
//   globe, the mean point and the ellipses describe no single footprint (and the azimuthal
//   equidistant plane's scale error, (d/R)^2/6, exceeds 0.4 %);
inline constexpr double kScatteredRmsKm = 1000.0;
// - an ellipse whose contained fraction differs from its level by more than 3 binomial standard
//   deviations plus 1/n: the footprint is not Gaussian (clusters, tails).
bool containment_differs(double probability, double contained_fraction, std::uint64_t n) noexcept;
// Appends the two warnings above that every footprint shares (the body summaries and the
// per-failure-mode report): scattered impacts, and ellipses that differ from their levels.
void append_shape_warnings(std::vector<std::string>& warnings, double rms_distance_km,
                           const std::vector<EllipseStats>& ellipses,
                           std::uint64_t containment_sample);
// Contained fractions are measured on a uniform subsample of at most this many impacts per body
// (stats::BottomKSample keyed by row: the same subsample whatever the split of the run); exact
// below it, with a binomial standard error sqrt(p (1 - p) / kContainmentSample) above.
inline constexpr std::size_t kContainmentSample = 20000;

struct BodySummary {
  std::string name;
  std::uint64_t impacted = 0;
  // Stratified runs (weights differ): Kish's effective number of impacts, and the (weighted)
  // probability that a flight's body lands; with equal weights impacted and impacted / samples.
  double effective_impacts = 0;
  double impact_probability = 0;
  double impact_mean_lat_deg = 0, impact_mean_lon_deg = 0;
  FieldStats impact_time_s;
  double downrange_sd_km = 0, crossrange_sd_km = 0;
  double rms_distance_km = 0;  // rms distance of the impacts from their mean (0 below 2 impacts)
  std::uint64_t containment_sample = 0;  // impacts the contained fractions are measured on
  std::vector<EllipseStats> ellipses;
  std::vector<std::string> warnings;  // what these statistics hide, in words (see kFewImpacts)
};

// Samples that share a status and the way their last powered phase ended.
struct OutcomeCount {
  SampleStatus status = SampleStatus::orbit;
  flight::PoweredFlightEnd powered_flight_end = flight::PoweredFlightEnd::none;
  std::uint64_t count = 0;
  double fraction = 0;  // count / samples (weighted when stratified)
};

// Counts by [status][powered_flight_end] code.
using OutcomeMatrix =
    std::array<std::array<std::uint64_t, flight::kPoweredFlightEndCount>, kStatusCount>;

// The non-zero entries of `counts`, by count descending (ties: status code, then end code).
std::vector<OutcomeCount> outcome_list(const OutcomeMatrix& counts, std::uint64_t samples);

// The orbit a scenario aims at: the target of its last stage's closed-loop orbit guidance, with
// the tolerances (config `limits`) within which a sample counts as in it.
struct TargetOrbit {
  // Catalogue altitudes, a (1 -/+ e) - R_eq with R_eq the WGS-84 equatorial radius [km].
  double perigee_alt_km = 0, apogee_alt_km = 0;
  double inclination_deg = 0;
  double raan_deg = std::numeric_limits<double>::quiet_NaN();  // NaN: free node
  double tolerance_alt_km = 10.0, tolerance_incl_deg = 0.1;

  bool node_fixed() const noexcept { return !std::isnan(raan_deg); }
  // An orbit is in the target when its catalogue perigee and apogee altitudes are each within
  // tolerance_alt_km of the target's, its inclination within tolerance_incl_deg, and (node
  // fixed) its RAAN within tolerance_incl_deg, the difference wrapped to [-180, 180] deg. Bounds
  // inclusive; NaN elements are not in it.
  bool contains(double semi_major_axis_m, double eccentricity, double inclination_deg,
                double raan_deg) const noexcept;
};

// How many samples reached the target orbit (status orbit and TargetOrbit::contains).
struct TargetOrbitSummary {
  TargetOrbit target;
  std::uint64_t count = 0;
  double p = 0, ci95_lo = 0, ci95_hi = 0;  // count / samples, 95 % Wilson interval
};

// Facts about the run that the statistics do not compute.
struct RunMeta {
  std::uint64_t seed = 0;
  std::uint64_t samples_requested = 0;  // -n (0: unknown, a file from before it was read back)
  std::string stopped_by = "samples";   // engine::RunEnd: samples, until_ci or interrupted
  std::string sampler;
  std::string scenario;
  SampleStatus success_status = SampleStatus::orbit;
  double site_lat_deg = 0, site_lon_deg = 0;
  // Reference point of the vehicle's own impact statistics (SummaryReducer).
  double vehicle_ref_lat_deg = 0, vehicle_ref_lon_deg = 0;
  double elapsed_s = 0;
  std::vector<std::string> failure_names;
  std::vector<std::string> termination_rule_names;  // scenario.range_safety, in rule order
  std::optional<TargetOrbit> target_orbit;  // none: no closed-loop orbit guidance on the last stage
  FailureStrata strata;                     // the run's failure strata (one: not stratified)
};

// One failure stratum of a run (engine/strata.hpp): its probability, its share of the rows, the
// rows it got and the weight each of them carries (probability * samples / rows).
struct StratumSummary {
  std::string name;
  double probability = 0, share = 0;
  std::uint64_t rows = 0;
  double weight = 0;
};

struct Summary {
  RunMeta meta;
  std::uint64_t samples = 0;
  std::uint64_t successes = 0;
  double p_success = 0, ci95_lo = 0, ci95_hi = 0;
  std::optional<TargetOrbitSummary> target_orbit;  // P(target orbit); none without a target
  std::array<std::uint64_t, kStatusCount> status_counts{};
  std::vector<std::uint64_t> failure_counts;
  // Stratified runs: the strata (empty when not stratified), the effective number of trials of
  // P(success) (its Wilson interval's), and the weighted fractions of the statuses and failure
  // modes (the counts above are rows; with equal weights these are counts / samples).
  std::vector<StratumSummary> strata;
  double p_success_effective_trials = 0;
  std::array<double, kStatusCount> status_fractions{};
  std::vector<double> failure_fractions;
  std::vector<OutcomeCount> outcomes;  // outcome_list of the run: why samples ended as they did
  FieldStats perigee_alt_km, apogee_alt_km, inclination_deg, insertion_time_s;
  // Catalogue convention (Space-Track SATCAT, press reports): a (1 -/+ e) - R_eq with R_eq the
  // WGS-84 equatorial radius, over the orbits whose semi-major axis and eccentricity are recorded.
  // perigee_alt_km/apogee_alt_km above are heights of the apsis points above the ellipsoid.
  FieldStats catalog_perigee_alt_km, catalog_apogee_alt_km;
  FieldStats vehicle_apogee_alt_km, range_km, flight_time_s;  // flights that end on the ground
  std::vector<BodySummary> bodies;  // jettisoned bodies, then "vehicle" (its own impact)
  // The IIP corridor and overflight table (IipCorridorReducer); none from a run file without
  // IIP tracks.
  std::optional<IipCorridorSummary> iip_corridor;
  // The per-failure-mode report (FailureReportReducer); none when not computed.
  std::optional<FailureReport> failure_report;
  double rhs_per_sample = 0;
  double samples_per_s() const { return meta.elapsed_s > 0 ? samples / meta.elapsed_s : 0.0; }
};

// The impact statistics of one body (or of the vehicle's own impacts): mean and covariance on the
// azimuthal equidistant plane of a fixed reference point, the impact times, and a bottom-k
// subsample of the points for the ellipses' empirical containment.
struct ImpactReduction {
  ImpactReduction(double ref_lat_deg, double ref_lon_deg)
      : plane(ref_lat_deg, ref_lon_deg), points(kContainmentSample) {}
  stats::ImpactAccumulator plane;
  stats::Moments times_s;
  stats::BottomKSample<Eigen::Vector2f> points;  // keyed by row
};

class SummaryReducer final : public Reducer {
 public:
  // `slots`: the bodies of the nominal flight (impact statistics relative to their nominal
  // points); the vehicle's own impacts are taken relative to `vehicle_ref_*` (the nominal
  // vehicle impact, or the launch site when the nominal flight does not come down); `target`: the
  // scenario's target orbit (target_orbit_of), whose samples are counted.
  // `strata`: the run's failure strata; the state is kept per stratum (Block::stratum) and
  // combined with the stratified estimators (stats/stratified.hpp) by finish().
  SummaryReducer(std::vector<BodySlot> slots, SampleStatus success_status,
                 std::size_t n_failure_modes, std::optional<TargetOrbit> target,
                 double vehicle_ref_lat_deg, double vehicle_ref_lon_deg,
                 FailureStrata strata = FailureStrata());

  void write(const Block& block) override { add(block); }
  // Adds rows [0, block.count). Throws std::logic_error for a code out of range (the run-file
  // reader refuses damaged files before their rows get here).
  void add(const Block& block);
  void merge(const Reducer& other) override;
  void save(StateWriter& out) const override;
  // The state saved by save(), for a reducer built with the same arguments.
  void load(const StateReader& in);

  std::uint64_t samples() const noexcept;
  std::uint64_t successes() const noexcept;
  // Rows per stratum so far.
  std::vector<std::uint64_t> stratum_rows() const;
  const FailureStrata& strata() const noexcept { return strata_; }
  // Width of the 95 % interval of P(success) so far (Wilson's; on the effective number of trials
  // when stratified).
  double ci95_width() const;
  using BlockSink::finish;  // the sink's end-of-run hook, kept visible beside this overload
  Summary finish(const RunMeta& meta) const;

 private:
  struct Field {
    Field() : sketch(kQuantileRelativeAccuracy) {}
    stats::Moments moments;
    stats::QuantileSketch sketch;
    void add(double x) {
      moments.add(x);
      sketch.add(x);
    }
  };
  enum FieldId : std::size_t {
    kPerigee,
    kApogee,
    kInclination,
    kInsertionTime,
    kCatalogPerigee,
    kCatalogApogee,
    kVehicleApogee,
    kRange,
    kFlightTime,
    kFieldCount
  };
  // The state of one stratum's rows (all rows when not stratified).
  struct Part {
    std::uint64_t samples = 0;
    std::uint64_t in_target = 0;
    std::array<std::uint64_t, kStatusCount> status_counts{};
    std::vector<std::uint64_t> failure_counts;
    OutcomeMatrix outcome_counts{};
    std::int64_t rhs_total = 0;
    std::array<Field, kFieldCount> fields;
    std::vector<ImpactReduction> impacts;  // the slots, then the vehicle
  };
  FieldStats stats_of(FieldId id, const std::vector<double>& weights) const;
  static void save_part(const Part& p, StateWriter& out);
  static void load_part(Part& p, const StateReader& in);
  std::vector<std::uint64_t> successes_by_stratum() const;

  std::vector<BodySlot> slots_;
  SampleStatus success_;
  std::optional<TargetOrbit> target_;
  FailureStrata strata_;
  std::vector<Part> parts_;  // [stratum]
};

}  // namespace launchmc::engine
