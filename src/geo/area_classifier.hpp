// Which named areas of the map a point falls in: the seam between the risk reducers (risk/),
// which count weighted impacts per area, and the geography that knows the areas (land from
// GSHHG coastlines, countries from DCW polygons, a user's GeoJSON regions). The risk code sees
// only this interface, so a test can hand it a few hand-drawn polygons and a run can hand it
// the real coastlines.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace launchmc::geo {

class AreaClassifier {
 public:
  virtual ~AreaClassifier() = default;

  // How many named areas there are; names are unique and stable for the classifier's life.
  virtual std::size_t size() const = 0;
  virtual const std::string& name(std::size_t area) const = 0;

  // Appends to `hits` the index of every area that contains the geodetic point (WGS-84,
  // latitude in [-90, 90], longitude any value: it is wrapped), in increasing order, each once.
  // `hits` is cleared first. Thread-safe for concurrent calls on a const classifier; allocates
  // nothing once `hits` has capacity for the areas that overlap (the risk reducers call it per
  // impact in the hot path).
  virtual void classify(double lat_deg, double lon_deg, std::vector<std::size_t>& hits) const = 0;
};

}  // namespace launchmc::geo
