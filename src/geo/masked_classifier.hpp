// The areas of one classifier counted only where a mask classifier finds an area: countries on
// land. DCW's country polygons and GSHHG's shorelines are different data; a country polygon
// reaches past GSHHG's shoreline in places (a piece 1 km off Sohae can be "in" North Korea by DCW
// and at sea by GSHHG), and without the mask P(a country) could exceed P(land), which no reader
// of a risk report would accept. With it, a country's probability is that of a piece landing on
// land (the mask) inside the country's polygon.
#pragma once

#include <vector>

#include "geo/area_classifier.hpp"

namespace launchmc::geo {

class MaskedClassifier final : public AreaClassifier {
 public:
  // Both must outlive this classifier.
  MaskedClassifier(const AreaClassifier& areas, const AreaClassifier& mask)
      : areas_(areas), mask_(mask) {}

  std::size_t size() const override { return areas_.size(); }
  const std::string& name(std::size_t area) const override { return areas_.name(area); }
  void classify(double lat_deg, double lon_deg, std::vector<std::size_t>& hits) const override {
    // One scratch list per thread: classify() is const and called concurrently; it allocates
    // only the first time a thread needs the room.
    thread_local std::vector<std::size_t> in_mask;
    mask_.classify(lat_deg, lon_deg, in_mask);
    if (in_mask.empty()) {
      hits.clear();
      return;
    }
    areas_.classify(lat_deg, lon_deg, hits);
  }

 private:
  const AreaClassifier& areas_;
  const AreaClassifier& mask_;
};

}  // namespace launchmc::geo
