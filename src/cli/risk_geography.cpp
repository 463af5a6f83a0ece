// The geography of the `risk` command (risk_geography.hpp).
#include "cli/risk_geography.hpp"

#include <algorithm>
#include <memory>

#include "geo/country_classifier.hpp"
#include "geo/masked_classifier.hpp"
#include "geo/region_classifier.hpp"

namespace launchmc::cli {

namespace {
// Margin around the impacts' box [deg]: the classifiers know only their box (a point outside it
// is in no area), and a cell's impacts reach half a cell beyond the box's cell centres.
constexpr double kMarginDeg = 0.5;
// The land mask's data stop short of the poles (geo::LandClassifier).
constexpr double kMaxLatDeg = 89.4;
}  // namespace

io::RiskGeography risk_geography(const RiskGeographyOptions& options, const risk::Region& impacts) {
  io::RiskGeography g;
  // The user's file first: a bad one is refused before the seconds the countries take to load.
  std::unique_ptr<geo::AreaClassifier> regions;
  if (!options.regions_file.empty())
    regions = std::make_unique<geo::RegionClassifier>(options.regions_file);
  if (options.land_and_countries) {
    geo::LonLatBox box{
        impacts.lon0_deg - kMarginDeg, std::max(-kMaxLatDeg, impacts.lat0_deg - kMarginDeg),
        impacts.lon1_deg + kMarginDeg, std::min(kMaxLatDeg, impacts.lat1_deg + kMarginDeg)};
    if (box.east_deg - box.west_deg > 360.0) box.east_deg = box.west_deg + 360.0;
    g.owned.push_back(std::make_unique<geo::LandClassifier>(box, options.shore));
    const geo::AreaClassifier& land = *g.owned.back();
    g.groups.push_back({"land", &land});
    // Countries on land only (geo/masked_classifier.hpp): P(a country) <= P(land).
    g.owned.push_back(std::make_unique<geo::CountryClassifier>(box));
    g.owned.push_back(std::make_unique<geo::MaskedClassifier>(*g.owned.back(), land));
    g.groups.push_back({"countries", g.owned.back().get()});
  }
  if (regions) {
    g.owned.push_back(std::move(regions));
    g.groups.push_back({"regions", g.owned.back().get()});
  }
  return g;
}

}  // namespace launchmc::cli
