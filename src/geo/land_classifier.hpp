// The land mask: is a point on land or in water (sea, lakes), from the GSHHG shorelines that
// GMT ships (Debian `gmt-gshhg-low`: crude, low and intermediate resolutions; `gmt-gshhg-high`,
// `-full` add the others). Lakes are water and islands in lakes are land (GSHHG levels 1-4: land
// is an odd level). Loaded once for a lon/lat box from the installed files, nothing fetched.
//
// Data: Wessel, P., and W. H. F. Smith (1996), A global, self-consistent, hierarchical,
// high-resolution shoreline database, J. Geophys. Res., 101(B4), 8741-8743; GSHHG 2.3.7
// (https://www.soest.hawaii.edu/pwessel/gshhg/), LGPL.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "geo/area_classifier.hpp"
#include "geo/area_grid_index.hpp"
#include "geo/shore_resolution.hpp"

namespace launchmc::geo {

class LandClassifier final : public AreaClassifier {
 public:
  // Reads the shorelines of `box` (|lat| < 89.5 deg). Throws std::runtime_error naming the
  // Debian package to install when the GSHHG files of that resolution are missing.
  explicit LandClassifier(const LonLatBox& box, ShoreResolution resolution = ShoreResolution::low);

  std::size_t size() const override { return 1; }
  const std::string& name(std::size_t area) const override;
  // Area 0 ("land") when the point is on land; nothing for water and for points outside the box
  // (see covers()).
  void classify(double lat_deg, double lon_deg, std::vector<std::size_t>& hits) const override;

  // Is the point within the loaded box (the only places this classifier knows)?
  bool covers(double lat_deg, double lon_deg) const noexcept {
    return index_.covers(lat_deg, lon_deg);
  }
  const LonLatBox& box() const { return box_; }
  ShoreResolution resolution() const { return resolution_; }
  const AreaGridIndex& index() const { return index_; }

 private:
  static AreaGridIndex load(const LonLatBox& box, ShoreResolution resolution);

  LonLatBox box_;
  ShoreResolution resolution_;
  AreaGridIndex index_;
};

}  // namespace launchmc::geo
