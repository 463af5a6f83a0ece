// The `risk` command's work on a run file: stream its rows through a risk::RiskReducer (slices of
// rows: memory independent of the sample count), write the maps under /risk in a copy of the file
// renamed onto the output (the input is never modified in place), and render the JSON object of
// `risk --json` and the GeoTIFF exports. Layout: docs/hdf5_format.md (/risk); JSON: docs/json.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/iip_corridor.hpp"
#include "engine/state_buffer.hpp"
#include "geo/area_classifier.hpp"
#include "io/run_file.hpp"
#include "risk/hazard_areas.hpp"
#include "risk/polygon_areas.hpp"
#include "risk/risk_reducer.hpp"

namespace launchmc::io {

inline constexpr const char* kRiskFormatVersion = "1.3";

// The impacts' bounding box: latitudes and longitudes (unwrapped about the launch site's) [deg],
// and the number of impacts in it. Empty: no impact.
struct ImpactBox {
  double lat0_deg = 90, lat1_deg = -90, lon0_deg = 1e9, lon1_deg = -1e9;
  std::uint64_t impacts = 0;
};

// Processes that share one risk computation (`mpirun -np R launchmc risk`, cli/mpi_risk.hpp):
// member m reads the m-th of `members` contiguous ranges of the file's rows (row_range). Their
// impact boxes are united on every member; their reducers' states are gathered to member 0, which
// restores and merges them in member order and alone finishes the maps. The reducers' states are
// exact (risk_reducer.hpp, iip_corridor.hpp), so the maps are the single process's bit for bit.
// Each call is collective: every member makes it, in the same order.
class RiskTeam {
 public:
  virtual ~RiskTeam() = default;
  virtual int member() const = 0;
  virtual int members() const = 0;
  // The union of every member's box (each member gets it).
  virtual ImpactBox unite(const ImpactBox& mine) = 0;
  // Member 0: the states of members 1..R-1, in member order. The others send theirs and get none.
  virtual std::vector<engine::StateBuffer> gather(const engine::StateBuffer& mine) = 0;
};
// The rows [first, second) of `rows` that member m of `members` reads: contiguous, in member
// order, covering them once.
std::pair<std::uint64_t, std::uint64_t> row_range(std::uint64_t rows, int member, int members);

struct RiskOptions {
  double grid_deg = 0.05;
  // The map's box; none: the impacts' bounding box (a first pass over the file), one cell wider.
  std::optional<risk::Region> region;
  std::filesystem::path population;  // empty: no Ec
  // Ec from the coarse default population (risk/default_population.hpp) over the map's box
  // instead of a raster file.
  bool default_population = false;
  double intact_casualty_area_m2 = risk::kDefaultIntactCasualtyAreaM2;
  std::size_t slice_rows = 4096;  // rows read at a time (memory: a slice of every column)
  // The smoothing of the cell maps before their containment contours are traced.
  risk::Bandwidth contour_bandwidth = risk::Bandwidth::scott;
  // Also compute the run's IIP corridor (for the GIS exports), when the file has IIP tracks.
  bool iip_corridor = false;
  // Processes sharing the work (compute_risk_with_geography only); none: this one reads every row.
  RiskTeam* team = nullptr;
};

// Area classifiers built for a run, owned here and listed as the reducer's area groups.
struct RiskGeography {
  std::vector<std::unique_ptr<geo::AreaClassifier>> owned;
  std::vector<risk::AreaGroup> groups;  // pointing into `owned`
};
// Builds the geography that must cover every impact of the run, given the impacts' bounding box
// (longitudes unwrapped about the launch site's, one grid cell wider).
using GeographyBuilder = std::function<RiskGeography(const risk::Region& impacts)>;

struct RiskComputation {
  std::filesystem::path run_path;
  RunFile info;  // metadata (no rows)
  bool region_from_impacts = false;
  std::unique_ptr<risk::PopulationRaster> population;
  std::unique_ptr<risk::PolygonAreas> report_regions;  // the run's report.regions, if any
  std::vector<risk::AreaGroup> areas;                  // as given to the reducer
  RiskGeography
      geography;  // the classifiers built by a GeographyBuilder (owned: `areas` points in)
  std::unique_ptr<risk::RiskReducer> reducer;
  risk::RiskResult result;
  risk::Bandwidth contour_bandwidth = risk::Bandwidth::scott;
  risk::HazardAreas hazards;  // containment contours, ships' and aircraft hazard areas
  // The run's IIP corridor (RiskOptions::iip_corridor and a file with /iip), else none.
  std::optional<engine::IipCorridorSummary> iip_corridor;
  // False on members 1..R-1 of a RiskTeam: they handed their rows' state to member 0 and hold no
  // result (nothing to write or print).
  bool lead = true;
};

// The area groups the risk command classifies impacts by, given the geography's classifiers
// (e.g. {"land", ...}, {"countries", ...}): those, then "regions" from the run's report.regions
// (/report/regions) unless a group of that name is given.
// Reads the run file (twice without options.region) and computes the risk maps. Throws
// std::runtime_error (a file that is not a run file, a raster GDAL cannot read, no impacts to
// take a default region from) or std::invalid_argument (bad options), naming the problem.
RiskComputation compute_risk(const std::filesystem::path& run, const RiskOptions& options,
                             const std::vector<risk::AreaGroup>& classifiers);
// The same with classifiers built for the run's impacts: a first pass over the file finds their
// box (which is also the map's box without options.region), then `geography` builds them.
RiskComputation compute_risk_with_geography(const std::filesystem::path& run,
                                            const RiskOptions& options,
                                            const GeographyBuilder& geography);

// Writes /risk (replacing an older one) into a copy of `run` renamed onto `output` (which may be
// `run` itself): a failure leaves both files as they were.
void write_risk(const std::filesystem::path& run, const std::filesystem::path& output,
                const RiskComputation& risk);

// The object of `risk --json` (docs/json.md).
nlohmann::json risk_to_json(const RiskComputation& risk);

// GeoTIFFs PREFIX_probability.tif (a band per group: P(at least one piece in the cell) per
// flight) and, with a raster, PREFIX_ec.tif (expected casualties per cell per flight, all
// debris). Returns the files written.
std::vector<std::filesystem::path> write_risk_geotiffs(const std::string& prefix,
                                                       const RiskComputation& risk);

// A few lines for the terminal.
std::string risk_text(const RiskComputation& risk);

}  // namespace launchmc::io
