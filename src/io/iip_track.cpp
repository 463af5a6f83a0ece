#include "io/iip_track.hpp"

#include <string>
#include <vector>

#include "engine/columns.hpp"

namespace launchmc::io {

void write_iip_track(h5::Group& group, std::span<const flight::IipPoint> track) {
  std::vector<double> values(track.size());
  for (const engine::IipColumn& c : engine::iip_columns()) {
    for (std::size_t i = 0; i < track.size(); ++i) values[i] = c.extract(track[i]);
    auto ds = group.write(std::string(c.name), std::span<const double>(values));
    ds.set_attribute("units", std::string(c.unit));
    ds.set_attribute("meaning", std::string(c.meaning));
  }
}

}  // namespace launchmc::io
