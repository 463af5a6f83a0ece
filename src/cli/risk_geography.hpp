// The geography the `risk` command classifies impacts by: the one place where area classifiers
// (geo::AreaClassifier) are listed, each under its group name. "land" gives `p_land` of
// `risk --json`, "countries" the `countries` of each body, "regions" the `regions` (without it,
// the run's own report.regions are used). Add a classifier here and it appears in /risk/areas,
// the text report and (for those three names) the JSON.
#pragma once

#include <string>

#include "geo/land_classifier.hpp"
#include "io/risk_file.hpp"
#include "risk/grid.hpp"

namespace launchmc::cli {

struct RiskGeographyOptions {
  bool land_and_countries = true;  // false: --no-geography (no GMT data needed)
  geo::ShoreResolution shore = geo::ShoreResolution::low;
  std::string regions_file;  // --regions FILE (GeoJSON, or any polygon layer OGR reads)
};

// Land (GSHHG through GMT), countries (DCW) over the impacts' box with a margin, and the user's
// regions. Throws std::runtime_error naming the Debian package when GMT's data are missing.
io::RiskGeography risk_geography(const RiskGeographyOptions& options, const risk::Region& impacts);

}  // namespace launchmc::cli
