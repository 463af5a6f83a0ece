// Summary statistics of a Monte Carlo run, accumulated in sample order from outcome blocks, so
// that `run` and `summarize` (which re-reads the file) print the same numbers to the bit.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "engine/outcome.hpp"
#include "stats/impact_ellipse.hpp"
#include "stats/moments.hpp"

namespace launchmc::engine {

// Probabilities of the containment ellipses reported for every body: 50 %, 95 %, 99 %, and
// 99.73 % (the 1-D 3-sigma figure; in 2-D that is a 3.44-sigma ellipse).
inline constexpr std::array<double, 4> kEllipseProbabilities = {0.50, 0.95, 0.99, 0.9973};

struct FieldStats {
  std::uint64_t count = 0;
  double mean = 0, std = 0, q01 = 0, q50 = 0, q99 = 0;

  // Exact: `summarize` must reproduce a run's statistics to the bit.
  bool operator==(const FieldStats&) const = default;
  friend std::ostream& operator<<(std::ostream& out, const FieldStats& f) {
    return out << "{count " << f.count << ", mean " << f.mean << ", std " << f.std << ", q01 " << f.q01
               << ", q50 " << f.q50 << ", q99 " << f.q99 << "}";
  }
};

struct EllipseStats {
  double probability = 0, semi_major_km = 0, semi_minor_km = 0, orientation_deg = 0;
  // The share of the body's impacts inside the ellipse (stats::contained_fractions): equals
  // `probability` within sampling error when the footprint is Gaussian.
  double contained_fraction = std::numeric_limits<double>::quiet_NaN();
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

struct BodySummary {
  std::string name;
  std::uint64_t impacted = 0;
  double impact_mean_lat_deg = 0, impact_mean_lon_deg = 0;
  FieldStats impact_time_s;
  double downrange_sd_km = 0, crossrange_sd_km = 0;
  double rms_distance_km = 0;  // rms distance of the impacts from their mean (0 below 2 impacts)
  std::vector<EllipseStats> ellipses;
  std::vector<std::string> warnings;  // what these statistics hide, in words (see kFewImpacts)
};

// Samples that share a status and the way their last powered phase ended.
struct OutcomeCount {
  SampleStatus status = SampleStatus::orbit;
  flight::PoweredFlightEnd powered_flight_end = flight::PoweredFlightEnd::none;
  std::uint64_t count = 0;
  double fraction = 0;  // count / samples
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
  double elapsed_s = 0;
  std::vector<std::string> failure_names;
  std::optional<TargetOrbit> target_orbit;  // none: no closed-loop orbit guidance on the last stage
};

struct Summary {
  RunMeta meta;
  std::uint64_t samples = 0;
  std::uint64_t successes = 0;
  double p_success = 0, ci95_lo = 0, ci95_hi = 0;
  std::optional<TargetOrbitSummary> target_orbit;  // P(target orbit); none without a target
  std::array<std::uint64_t, kStatusCount> status_counts{};
  std::vector<std::uint64_t> failure_counts;
  std::vector<OutcomeCount> outcomes;  // outcome_list of the run: why samples ended as they did
  FieldStats perigee_alt_km, apogee_alt_km, inclination_deg, insertion_time_s;
  // Catalogue convention (Space-Track SATCAT, press reports): a (1 -/+ e) - R_eq with R_eq the
  // WGS-84 equatorial radius, over the orbits whose semi-major axis and eccentricity are recorded.
  // perigee_alt_km/apogee_alt_km above are heights of the apsis points above the ellipsoid.
  FieldStats catalog_perigee_alt_km, catalog_apogee_alt_km;
  FieldStats vehicle_apogee_alt_km, range_km, flight_time_s;  // flights that end on the ground
  std::vector<BodySummary> bodies;  // jettisoned bodies, then "vehicle" (its own impact)
  double rhs_per_sample = 0;
  double samples_per_s() const { return meta.elapsed_s > 0 ? samples / meta.elapsed_s : 0.0; }
};

class SummaryAccumulator {
 public:
  // `target`: the scenario's target orbit (target_orbit_of), whose samples are counted.
  SummaryAccumulator(std::vector<BodySlot> slots, SampleStatus success_status, std::size_t n_failure_modes,
                     std::optional<TargetOrbit> target = std::nullopt);

  // Adds rows [0, block.count) in order.
  void add(const Block& block);
  std::uint64_t samples() const noexcept { return samples_; }
  std::uint64_t successes() const noexcept { return status_counts_[static_cast<std::size_t>(success_)]; }
  // Width of the 95 % Wilson interval of P(success) so far.
  double ci95_width() const;
  Summary finish(const RunMeta& meta) const;

 private:
  std::vector<BodySlot> slots_;
  SampleStatus success_;
  std::optional<TargetOrbit> target_;
  std::uint64_t samples_ = 0;
  std::uint64_t in_target_ = 0;
  std::array<std::uint64_t, kStatusCount> status_counts_{};
  std::vector<std::uint64_t> failure_counts_;
  OutcomeMatrix outcome_counts_{};
  std::int64_t rhs_total_ = 0;
  // Values kept for exact quantiles (a few doubles per sample).
  std::vector<double> perigee_km_, apogee_km_, inclination_deg_, insertion_s_;
  std::vector<double> catalog_perigee_km_, catalog_apogee_km_;
  std::vector<double> vehicle_apogee_km_, range_km_, flight_time_s_;
  std::vector<stats::ImpactAccumulator> impacts_;  // bodies, then the vehicle
  // Impact points on each accumulator's plane, for the ellipses' empirical containment (8 bytes
  // per impact; float keeps ~1 m at 10,000 km, far below any footprint's size).
  std::vector<std::vector<Eigen::Vector2f>> impact_points_en_m_;
  std::vector<stats::Moments> impact_times_;
};

nlohmann::json summary_to_json(const Summary& s);
void print_summary(std::ostream& out, const Summary& s);

}  // namespace launchmc::engine
