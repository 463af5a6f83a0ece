// The debris-risk maps of a run as a reducer (engine/reducer.hpp): for each group of impacts
// (every impact: "any"; each nominal body; the vehicle itself; each failure mode: every impact of
// the samples that drew it; when the run has failure modes, each nominal body in normal flight:
// its impacts in the samples that drew no failure and did not break up, for the ships' hazard
// areas of 14 CFR 450.133; each fragment class of /fragments) it counts, per failure stratum,
// per cell of a lon/lat grid and per named area of the classifiers it is given (land, countries,
// user regions: geo::AreaClassifier), the pieces that land and the samples in which at least one
// piece lands, and the expected casualties on a population raster.
//
// What the numbers mean (per flight; docs/hdf5_format.md, /risk):
// - expected impacts of a cell: E[number of pieces of the group landing in the cell], the sum of
//   the pieces (a fragment stands for `weight` pieces) over the flights, divided by the flights;
// - probability of a cell: P(at least one piece of the group lands in the cell), the share of
//   flights in which one does. For a nominal body or the vehicle (one piece per flight) the two
//   are equal; for a fragment class the expectation can exceed 1 and is always >= the probability;
// - probability of an area (land, a country, a region): P(at least one piece of the group lands
//   in it), the same per-flight indicator, with a Wilson interval (stats::stratified_proportion:
//   the stratified variance in a stratified run);
// - expected casualties Ec: E[sum over the group's landed pieces of casualty area x population
//   density at the impact point]. Its 95 % interval is the union of two: the normal interval
//   from the per-flight values' stratified variance (Cochran 5.6), right when many flights put
//   debris on people, and a count interval for when few do, where the normal one is far too
//   narrow (with none it is [0, 0]). Ec = q m, q the probability that a flight puts debris on a
//   populated cell ("contributes") and m the mean Ec of such a flight; q has a Wilson interval
//   (stats::stratified_proportion of the contributing flights per stratum) and the count
//   interval is Ec x [q_lo / q, q_hi / q]. With no contributing flight, m is bounded by the
//   largest casualty area one flight of the group landed (at least the intact body's) times the
//   densest population cell of the raster inside the map's grid: [0, q_hi x that bound], what
//   the run can say (a run whose every piece fell at sea does not show Ec = 0 exactly).
// Sample weights: a run stratified by failures (engine/strata.hpp) gives stratum k the weight
// pi_k / n_k per row; every estimate is sum_k pi_k (stratum k's sum) / n_k over the strata that
// have rows, divided by their probability: the same as weighting each row by its
// /outcome/weight = pi_k N / n_k and dividing by N. Within a stratum rows are counted, not
// weighted, so the state is integers and exact sums: any split of the rows merges to the same bits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/reducer.hpp"
#include "geo/area_classifier.hpp"
#include "risk/cell_table.hpp"
#include "risk/grid.hpp"
#include "risk/population.hpp"
#include "stats/moments.hpp"
#include "stats/stratified.hpp"

namespace launchmc::risk {

// Casualty area of an intact body (a nominal jettisoned body, the vehicle, an intact piece of a
// breakup, another body) when nothing more specific is known [m^2]: the RCC 321 form
// (sqrt(A_body) + sqrt(A_person))^2 with a person's 0.36 m^2 and a stage lying flat, 2.4 m x
// 10 m = 24 m^2 projected: (4.90 + 0.60)^2 = 30 m^2. An analyst's estimate: override it with
// `risk --intact-casualty-area`.
inline constexpr double kDefaultIntactCasualtyAreaM2 = 30.0;
// The collective-risk criterion of 14 CFR 450.101(a)(1)/(b)(1): Ec <= 1e-4 per launch.
inline constexpr double kCollectiveRiskCriterion = 1e-4;

// One list of classifiers (e.g. "land", "countries", "regions") and its areas.
struct AreaGroup {
  std::string name;
  const geo::AreaClassifier* classifier = nullptr;  // must outlive the reducer
};

struct RiskSetup {
  Grid grid;
  std::vector<std::string> body_names;     // the nominal bodies (slots), in slot order
  std::vector<std::string> failure_modes;  // by /outcome/failure_mode code
  // Fragment classes known before the rows (a run file's /fragments/classes): each has a group
  // even if none of its pieces lands. Classes met in the rows are added as they come.
  std::vector<std::string> fragment_classes;
  std::vector<double> stratum_probability{1.0};  // pi_k; {1}: not stratified
  std::vector<AreaGroup> areas;
  const PopulationRaster* population = nullptr;  // none: no Ec
  double intact_casualty_area_m2 = kDefaultIntactCasualtyAreaM2;
};

enum class GroupKind { any, body, vehicle, failure_mode, normal_flight, fragment_class };
const char* to_string(GroupKind kind) noexcept;

struct Estimate {
  double value = 0, lo = 0, hi = 0;
};

struct AreaResult {
  std::string name;  // the area's, or "" for the union of the classifier's areas
  Estimate p;        // P(at least one piece in the area) per flight, 95 % Wilson interval
};

struct GroupResult {
  std::string name;
  GroupKind kind = GroupKind::any;
  Estimate p_impact;                   // P(at least one piece of the group lands anywhere)
  double expected_pieces = 0;          // landed pieces per flight
  double expected_pieces_outside = 0;  // of those, outside the grid
  std::optional<Estimate> ec;          // none without a population raster
  // [area group][area], then the union of that group's areas as the last entry (name "").
  std::vector<std::vector<AreaResult>> areas;
  // The flights with at least one piece of the group landing, and Kish's effective number of
  // them, (sum_k w_k h_k)^2 / sum_k w_k^2 h_k with the row weights w_k of the strata (L. Kish,
  // "Survey Sampling", 1965, sec. 11.7): how many independent flights support the group's map.
  std::uint64_t flights_hit = 0;
  double effective_flights = 0;
  // The flights in which a piece of the group met a populated cell (Ec > 0): how many flights
  // the Ec estimate rests on (0 without a population raster).
  std::uint64_t ec_flights = 0;
};

struct RiskResult {
  std::uint64_t samples = 0;
  std::vector<std::uint64_t> stratum_rows;
  double observed_probability = 1;  // of the strata with rows (1 unless one has none)
  std::vector<GroupResult> groups;  // any, bodies, vehicle, failure modes, fragment classes
  // The densest population cell of the raster inside the grid [1/km^2]: the bound on the density
  // behind the Ec interval of a group with no contributing flight (0 without a raster).
  double max_density_per_km2 = 0;
};

class RiskReducer final : public engine::Reducer {
 public:
  explicit RiskReducer(RiskSetup setup);

  void write(const engine::Block& block) override { add(block); }
  // Adds the block's rows (block.first + r is the row's index). Reads the sample columns
  // failure_mode, vehicle_impact_lat_deg/lon_deg, the slots' fate and impact, /other_bodies and
  // /fragments; block.stratum for the stratum (absent: 0).
  void add(const engine::Block& block);
  void merge(const engine::Reducer& other) override;
  // Numeric state with the groups in the canonical order of group_names().
  void save(engine::StateWriter& out) const override;
  // Restores a state saved with these group names (fragment classes from the names after the
  // fixed groups). Throws std::runtime_error if it does not fit the setup.
  void restore(const std::vector<std::string>& group_names, const engine::StateReader& in);
  using BlockSink::finish;

  // Names and kinds of the groups in canonical order (fragment classes sorted by name).
  std::vector<std::string> group_names() const;
  std::vector<GroupKind> group_kinds() const;
  RiskResult finish() const;
  // Dense per-cell maps of group `g` (canonical index), row-major from the north-west cell:
  // P(at least one piece in the cell), expected pieces, and expected casualties (group "any"
  // only; zeros otherwise or without a raster). Per flight.
  std::vector<double> probability_map(std::size_t g) const;
  std::vector<double> expected_map(std::size_t g) const;
  // The nonzero cells of expected_map(g) as (cell, value), sorted by cell: the same values (the
  // strata summed in the same order), without a dense map of the grid.
  std::vector<std::pair<std::size_t, double>> expected_cells(std::size_t g) const;
  // probability_map(g) and expected_map(g) at the cells where either is nonzero, sorted by cell:
  // the same values, without dense maps of the grid; with the probability's 95 % interval
  // (stats::stratified_proportion of the cell's flights hit per stratum: Wilson's when not
  // stratified), which says how far a rare cell's estimate can be trusted.
  struct SparseCell {
    std::size_t cell = 0;
    double probability = 0, expected = 0;
    double probability_lo = 0, probability_hi = 0;
  };
  std::vector<SparseCell> sparse_maps(std::size_t g) const;
  std::vector<double> casualty_map() const;
  // The nonzero cells of casualty_map() as (cell, Ec), sorted by cell: the same values (the
  // strata summed in the same order), without a dense map of the grid.
  std::vector<std::pair<std::size_t, double>> casualty_cells() const;
  // Per cell hit by group `g`, sorted by cell: P(at least one piece of the group in the cell) as
  // a stratified proportion of the flights that hit it (stats::stratified_proportion: Wilson's
  // interval when not stratified), the one estimate behind the cells' intervals and the aircraft
  // hazard area's decisions.
  struct CellProportion {
    std::size_t cell = 0;
    stats::StratifiedProportion p;
  };
  std::vector<CellProportion> cell_proportions(std::size_t g) const;
  // The probability a row of stratum k stands for: pi_k / n_k / (probability of the observed
  // strata); 0 for a stratum without rows.
  double row_weight(std::size_t k) const { return weight_of(k); }
  // The group of nominal body `slot` in normal flight (canonical index), or npos if the run has
  // no failure modes (then every flight is a normal one: the body's own group is it).
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  std::size_t normal_flight_group(std::size_t slot) const;
  const RiskSetup& setup() const noexcept { return setup_; }
  std::uint64_t samples() const noexcept;

 private:
  struct Group {
    std::string name;
    GroupKind kind = GroupKind::any;
    std::vector<std::uint64_t> samples_hit;                   // [stratum]
    std::vector<stats::ExactSum> pieces, outside, ec, ec_sq;  // [stratum]
    std::vector<std::uint64_t> ec_flights;                    // [stratum]: flights with Ec > 0
    // [stratum]: the largest sum over one flight's landed pieces of pieces x casualty area [m^2]
    std::vector<double> area_max_m2;
    std::vector<std::uint64_t> area_hits;  // [stratum * area_slots + slot]
    // Scratch of the current row (not state).
    std::uint64_t row_stamp = 0;  // row + 1
    double ec_row = 0;
    double area_row_m2 = 0;
    std::vector<std::uint64_t> area_stamp;  // [slot]: row + 1
  };
  Group make_group(std::string name, GroupKind kind) const;
  std::size_t fragment_group(std::string_view name);
  void impact(std::size_t row, std::size_t stratum, int mode_group, std::size_t group, double lat,
              double lon, double pieces, double area_m2, std::size_t normal_group = 0);
  void end_row(std::size_t stratum);
  std::vector<std::size_t> canonical_order() const;  // canonical position -> internal index
  double weight_of(std::size_t k) const;             // pi_k / n_k / observed probability

  RiskSetup setup_;
  std::size_t strata_ = 1, area_slots_ = 0;
  std::vector<std::size_t> area_offset_;  // [area group]: first slot
  std::vector<std::uint64_t> rows_;       // [stratum]
  std::vector<Group> groups_;
  std::size_t first_fragment_group_ = 0;
  std::size_t first_normal_group_ = 0;  // == first_fragment_group_ without failure modes
  CellTable cells_;
  // Scratch (not state).
  std::vector<std::size_t> hits_;
  std::vector<std::vector<std::size_t>> area_hits_;  // [area group]
  std::vector<std::size_t> touched_;                 // groups of the current row
};

}  // namespace launchmc::risk
