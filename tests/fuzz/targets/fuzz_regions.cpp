// libFuzzer target: a regions file (GeoJSON, read by GDAL/OGR) -> geo::RegionClassifier and
// point classification. See ../harness.hpp.
#include "../harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  launchmc::fuzz::regions_input(data, size);
  return 0;
}
