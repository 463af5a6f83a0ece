// The geography of the `risk` command (risk_geography.hpp).
#include "cli/risk_geography.hpp"

namespace launchmc::cli {

RiskGeography risk_geography() {
  RiskGeography g;
  // Wire the land mask as {"land", ...}, the countries as {"countries", ...} and the user's
  // GeoJSON regions as {"regions", ...}: g.owned.push_back(std::make_unique<...>(...));
  // g.groups.push_back({"land", g.owned.back().get()});
  return g;
}

}  // namespace launchmc::cli
