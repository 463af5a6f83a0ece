// The geography the `risk` command classifies impacts by: the one place where area classifiers
// (geo::AreaClassifier) are listed, each under its group name. "land" gives `p_land` of
// `risk --json`, "countries" the `countries` of each body, "regions" the `regions` (without it,
// the run's own report.regions are used). Add a classifier here and it appears in /risk/areas,
// the text report and (for those three names) the JSON.
#pragma once

#include <memory>
#include <vector>

#include "geo/area_classifier.hpp"
#include "risk/risk_reducer.hpp"

namespace launchmc::cli {

struct RiskGeography {
  std::vector<std::unique_ptr<geo::AreaClassifier>> owned;
  std::vector<risk::AreaGroup> groups;  // pointing into `owned`
};

// The classifiers of a risk run. Until the land mask (GSHHG), the countries (DCW) and the user's
// GeoJSON regions are wired here, the list is empty: p_land and countries are then null / empty.
RiskGeography risk_geography();

}  // namespace launchmc::cli
