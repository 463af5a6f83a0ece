// The per-failure-mode report of a Monte Carlo run: a reducer (engine/reducer.hpp) that groups
// the rows by the failure mode they drew (/outcome/failure_mode; -1: none) and gives, for each
// group, its weighted frequency, the spread of its breakup times, the vehicle's impact footprint
// and each fragment class's (/fragments, weighted by the pieces each fragment stands for): mean
// point, 50/90/99 % ellipses, impact-time spread, and the share inside each polygon of the
// config's `report.regions`. Sums are exact (stats::ExactSum), the ellipses' containment is
// measured on bottom-k subsamples keyed by row, so any split of the run merges to the same bits
// and `summarize` rebuilds from the file's rows what `run` printed.
//
// Weights: a row weighs /outcome/weight when the layout has that column (weighted sampling), else
// 1; a fragment weighs its `weight` column (pieces x its sample's weight). The frequency of a
// group is its rows' weight over all rows' weight. Within a group the rows share one weight
// (stratified failure sampling draws each mode's rows with one weight), so the vehicle's
// statistics are plain (unweighted) statistics of the group's rows, and a fragment class's are
// weighted by the fragments' weights, in which the common sample weight cancels.
#pragma once

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ellipse_stats.hpp"
#include "engine/iip_corridor.hpp"
#include "engine/outcome.hpp"
#include "engine/reducer.hpp"
#include "engine/state_io.hpp"
#include "scenario/scenario.hpp"
#include "stats/bottom_k.hpp"
#include "stats/impact_ellipse.hpp"
#include "stats/moments.hpp"

namespace launchmc::engine {

// Probabilities of the containment ellipses of the report: 50, 90 and 99 %.
inline constexpr std::array<double, 3> kFailureReportEllipses = {0.50, 0.90, 0.99};

// A failure mode as the report names it (index = its code in /outcome/failure_mode).
struct FailureModeInfo {
  std::string name;
  std::string stage;  // the stage's name ("" unknown: a run file without /failure_modes/stage)
  std::string kind;   // FailureKind as in the config (`mode`), "" unknown
};

// What the report is measured against: fixed before the run, so that every split agrees.
struct FailureReportSetup {
  std::vector<FailureModeInfo> modes;
  std::vector<IipZoneSpec> regions;  // report.regions (polygons)
  // The fragment classes the run's breakups can make (fragment_classes_of), in the config's
  // order: a class's state is saved under its index here. A fragment of another class is refused.
  std::vector<std::string> classes;
  // Reference point of the impact plane (the vehicle's reference point of the summary: its
  // nominal impact, else the launch site); longitudes of the regions unwrapped about the site's.
  double ref_lat_deg = 0, ref_lon_deg = 0;
  double site_lon_deg = 0;
  // A stratified run (engine/strata.hpp): the probability of each stratum, [0] no failure and
  // [1 + m] mode m; empty when not stratified. Every row of a stratum has the same weight, so a
  // group's own statistics are the plain ones, and its frequency is its stratum's probability,
  // exact by the design (no interval).
  std::vector<double> stratum_probability;
};

// Mean, standard deviation, min and max (NaN without values; sd NaN below 2).
struct Spread {
  double mean = 0, sd = 0, min = 0, max = 0;
};

struct RegionShare {
  std::string name;
  double fraction = 0;  // weight of the impacts inside / weight of the group's bodies of the kind
};

// The footprint of the vehicle or of one fragment class in one failure-mode group.
struct FootprintReport {
  std::string name;              // "vehicle" or the fragment class
  std::uint64_t bodies = 0;      // vehicle: the group's samples; fragments: entries of /fragments
  double weight = 0;             // vehicle: = bodies; fragments: their pieces (sum of weights)
  std::uint64_t impacts = 0;     // of those that impacted
  double impact_weight = 0;      // their weight
  double effective_impacts = 0;  // Kish: (sum w)^2 / sum w^2 (vehicle: = impacts)
  // Samples with an impact of the kind (vehicle: = impacts): the fragments of one breakup land
  // together, so a class's statistics are about as uncertain as this many points.
  std::uint64_t impact_samples = 0;
  double mean_lat_deg = 0, mean_lon_deg = 0;  // NaN without impacts
  Spread impact_time_s;                       // after liftoff
  double rms_distance_km = 0;                 // from the mean impact (0 below 2 impacts)
  std::uint64_t containment_sample = 0;
  std::vector<EllipseStats> ellipses;  // kFailureReportEllipses (none below 2 impacts)
  std::vector<RegionShare> regions;    // report.regions, in config order
  std::vector<std::string> warnings;   // what these statistics hide
};

struct FailureModeReport {
  int index = -1;  // -1: the rows without a failure ("none")
  FailureModeInfo mode;
  std::uint64_t samples = 0;
  double weight = 0;
  double frequency = 0;  // weight / the run's weight
  // 95 % Wilson interval of the frequency when every row of the run weighs 1; none otherwise.
  std::optional<std::array<double, 2>> frequency_ci95;
  std::uint64_t breakups = 0;  // samples with fragments
  Spread breakup_time_s;
  FootprintReport vehicle;
  std::vector<FootprintReport> fragment_classes;  // by class name
};

struct FailureReport {
  std::uint64_t samples = 0;
  double weight = 0;
  std::vector<std::string> regions;
  std::vector<FailureModeReport> modes;  // failure modes in index order, then "none"
};

// The fragment classes a scenario's breakups can make, in order: the debris classes of its stages
// (first appearance), then intact stages, fairing pieces (with a fairing) and the payload.
std::vector<std::string> fragment_classes_of(const Scenario& scenario);

class FailureReportReducer final : public Reducer {
 public:
  explicit FailureReportReducer(FailureReportSetup setup);

  void write(const Block& block) override { add(block); }
  // Adds rows [0, block.count) and their fragments. Throws std::logic_error for a failure mode
  // outside the setup's (the run-file reader refuses damaged files before their rows get here).
  void add(const Block& block);
  void merge(const Reducer& other) override;
  // The state, under names fixed by the setup's order of modes, regions and classes
  // (docs/hdf5_format.md, /reducers/failure_report): a shard's or a resumed run's saved state
  // merges like the reducer itself.
  void save(StateWriter& out) const override;
  // Replaces the state by the one save() wrote, for a reducer built with the same setup. Throws
  // std::runtime_error for a state of another setup (modes, regions, classes, reference point or
  // strata) or a damaged one.
  void load(const StateReader& in);
  using BlockSink::finish;
  FailureReport finish() const;
  const FailureReportSetup& setup() const noexcept { return setup_; }

 private:
  struct ClassState {
    explicit ClassState(const FailureReportSetup& s, std::size_t n_regions);
    std::uint64_t bodies = 0;
    std::uint64_t impact_samples = 0;  // samples with an impacted entry of the class
    stats::ExactSum weight;
    stats::WeightedImpactAccumulator plane;  // impacted entries
    stats::ExactSum w_t, w_tt, w2;           // impact time: sum w t, sum (w t) t, sum w^2
    double t_min, t_max;
    stats::BottomKSample<WeightedPoint> points;  // keyed by (row, entry in row)
    std::vector<stats::ExactSum> in_region;
  };
  struct Group {
    Group(const FailureReportSetup& s, std::size_t n_regions);
    std::uint64_t samples = 0;
    stats::ExactSum weight;
    stats::Moments breakup_time_s;
    stats::ImpactAccumulator vehicle;
    stats::Moments vehicle_time_s;
    stats::BottomKSample<Eigen::Vector2f> vehicle_points;  // keyed by row
    std::vector<std::uint64_t> vehicle_in_region;
    std::map<std::size_t, ClassState> classes;  // by index in setup.classes, those seen
  };
  Group& group(double code, std::uint64_t row);
  std::size_t class_index(std::string_view name, std::uint64_t row) const;
  // What save() writes first and load() checks: the setup's counts and a hash of its names.
  std::vector<std::uint64_t> setup_identity() const;

  FailureReportSetup setup_;
  std::optional<std::size_t> weight_column_;  // /outcome/weight, if the layout has it
  std::uint64_t samples_ = 0;
  std::uint64_t unit_weight_rows_ = 0;
  stats::ExactSum weight_;
  std::vector<Group> groups_;                        // modes, then none
  std::vector<const ClassState*> impacted_classes_;  // add(): the classes of the current row
};

}  // namespace launchmc::engine
