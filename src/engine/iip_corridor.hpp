// The IIP corridor of a Monte Carlo run: a reducer (engine/reducer.hpp) of the blocks' IIP tracks
// (Block::iip) giving, on the track's time grid, the mean IIP and the cross-track containment of
// the samples' IIPs about the nominal IIP, and an overflight table: for each configured line
// (polyline) or region (polygon), the share of samples whose IIP track crosses or enters it, and
// when. Memory is bounded by the grid (fixed before the run) and the quantile sketches; sums are
// exact (stats::Moments), so any split of the run merges to the same bits.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "engine/outcome.hpp"
#include "engine/reducer.hpp"
#include "engine/strata.hpp"
#include "flight/observers.hpp"
#include "scenario/scenario.hpp"
#include "stats/moments.hpp"
#include "stats/quantile_sketch.hpp"

namespace launchmc::engine {

// Probabilities of the cross-track containment half-widths reported at every grid time.
inline constexpr std::array<double, 3> kCorridorProbabilities = {0.50, 0.90, 0.99};
// Relative accuracy of the half-widths' quantile sketches (stats::QuantileSketch): 0.1 %, far
// below the sampling error of a 99 % containment. It bounds the memory: a sketch holds at most
// ln(max / min) / (2 alpha) buckets, ~10,000 for offsets from 1 mm to 1,000 km, so ~140 grid
// times cost < 20 MB however many samples run (at 1e-4 nearly every sample had its own bucket).
inline constexpr double kCorridorQuantileAccuracy = 1e-3;
// Radius of the local plane in which offsets from the nominal IIP are measured [m]: the IUGG mean
// radius R1 (Moritz, Geodetic Reference System 1980). The plane is equirectangular about the
// nominal point (east = R cos(lat0) dlon, north = R dlat): its scale errors stay below ~1 % for
// offsets within ~100 km at mid-latitudes, growing with tan(lat0) times the offset's latitude.
inline constexpr double kCorridorPlaneRadius_m = 6371008.8;

// A configured line or region, as the corridor checks it.
struct IipZoneSpec {
  std::string name;
  bool region = false;  // false: a polyline (crossings); true: a polygon (entries)
  std::vector<GeoPoint> points;
};

// What the corridor is measured against: fixed before the run, so that every split agrees.
struct IipCorridorSetup {
  double step_s = 5.0;                    // the tracks' grid (iip.step_s)
  std::vector<flight::IipPoint> nominal;  // the nominal flight's IIP track: the reference
  std::size_t max_points = 0;             // grid points tracked (iip_points_per_row)
  double site_lon_deg = 0.0;              // longitudes are unwrapped about the launch site's
  std::vector<IipZoneSpec> zones;         // lines, then regions, as configured
  // The run's failure strata: the state is kept per stratum (Block::stratum) and the statistics
  // are weighted (stats/stratified.hpp); one stratum: unweighted.
  FailureStrata strata;
};
IipCorridorSetup iip_corridor_setup(const IipSettings& settings,
                                    std::vector<flight::IipPoint> nominal, std::size_t max_points,
                                    double site_lon_deg);

// One grid time of the corridor.
struct CorridorPoint {
  double t_s = 0;
  std::uint64_t tracks = 0;     // samples whose powered flight reached this time
  std::uint64_t impacting = 0;  // ... of which with an IIP (not in orbit, not escaping)
  // The means, spreads and half-widths below are weighted in a stratified run.
  double mean_lat_deg = 0, mean_lon_deg = 0;        // mean IIP of those (NaN: none)
  double nominal_lat_deg = 0, nominal_lon_deg = 0;  // reference (NaN: the nominal has none)
  // Offsets of the IIPs from the nominal IIP (NaN without a reference or samples): along the
  // nominal track's direction of motion and across it (positive to its left), in km.
  double along_mean_km = 0, along_sd_km = 0;
  double cross_mean_km = 0, cross_sd_km = 0;
  // |cross-track offset| not exceeded by kCorridorProbabilities of the impacting samples [km].
  std::array<double, kCorridorProbabilities.size()> cross_halfwidth_km{};
};

// One line or region of the overflight table.
struct OverflightRow {
  std::string name;
  bool region = false;
  std::uint64_t count = 0;  // samples whose IIP track crossed (line) or entered (region) it
  double fraction = 0;      // count / samples of the run (weighted when stratified)
  // Time since liftoff of the first crossing / entry, over those samples (linear between grid
  // points) [s]; NaN when count is 0 (sd: below 2).
  double time_mean_s = 0, time_sd_s = 0, time_min_s = 0, time_max_s = 0;
};

struct IipCorridorSummary {
  double step_s = 0;
  std::uint64_t samples = 0;         // rows of the run (the denominator of every fraction)
  std::vector<CorridorPoint> track;  // grid times 0 .. the last one any sample reached
  std::vector<OverflightRow> overflight;
};

class IipCorridorReducer final : public Reducer {
 public:
  explicit IipCorridorReducer(IipCorridorSetup setup);

  void write(const Block& block) override { add(block); }
  void add(const Block& block);
  void merge(const Reducer& other) override;
  void save(StateWriter& out) const override;
  // Sets the state to one save() wrote for a reducer of the same setup (grid, zones, strata), bit
  // for bit. Throws std::runtime_error for a state that does not fit the setup.
  void restore(const StateReader& in);
  using BlockSink::finish;  // the sink's end-of-run hook, kept visible beside this overload
  IipCorridorSummary finish() const;
  const IipCorridorSetup& setup() const noexcept { return setup_; }

 private:
  struct GridPoint {
    GridPoint() : cross_abs_km(kCorridorQuantileAccuracy) {}
    std::uint64_t tracks = 0;
    stats::Moments lat_deg, lon_deg, along_km, cross_km;
    stats::QuantileSketch cross_abs_km;
  };
  struct Reference {
    bool valid = false;
    double lat_deg = 0, lon_deg = 0;
    double east_per_deg_km = 0, north_per_deg_km = 0;  // local plane scale
    double u_east = 0, u_north = 0;                    // unit direction of the nominal track
  };
  // The state of one stratum's rows (all rows when not stratified).
  struct Part {
    std::uint64_t samples = 0;
    std::vector<GridPoint> grid;
    std::vector<std::uint64_t> zone_count;
    std::vector<stats::Moments> zone_time_s;
  };
  static void save_part(const Part& p, StateWriter& out);
  static void restore_part(Part& p, const StateReader& in);
  IipCorridorSetup setup_;
  std::vector<Reference> reference_;  // [grid index]
  std::vector<Part> parts_;           // [stratum]
};

// The first crossing of the track (t, lat, lon) [i0, i1) with a zone: its time, or NaN. Edges and
// track segments are straight in (lat, lon unwrapped about site_lon_deg); a segment needs both
// ends finite. Exposed for tests.
double first_crossing_s(const IipZoneSpec& zone, const double* t_s, const double* lat_deg,
                        const double* lon_deg, std::size_t n, double site_lon_deg) noexcept;

// Whether (lat, lon) is inside a region's polygon: the even-odd rule, edges straight in
// (lat, lon) with longitudes unwrapped about site_lon_deg (as the overflight table checks entries).
bool inside_region(const IipZoneSpec& zone, double lat_deg, double lon_deg,
                   double site_lon_deg) noexcept;

}  // namespace launchmc::engine
