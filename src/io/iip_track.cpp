#include "io/iip_track.hpp"

#include <stdexcept>
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

void write_ground_track(h5::Group& group, std::span<const flight::IipPoint> iip,
                        std::span<const flight::GroundPoint> ground) {
  if (ground.size() != iip.size())
    throw std::logic_error("write_ground_track: the ground and IIP tracks differ in length");
  std::vector<double> lat(ground.size()), lon(ground.size()), alt(ground.size());
  for (std::size_t i = 0; i < ground.size(); ++i) {
    if (ground[i].t_s != iip[i].t_s)
      throw std::logic_error("write_ground_track: the ground and IIP tracks differ in time");
    lat[i] = ground[i].lat_deg;
    lon[i] = ground[i].lon_deg;
    alt[i] = ground[i].alt_m;
  }
  const auto put = [&](const char* name, const std::vector<double>& v, const char* unit,
                       const char* meaning) {
    auto ds = group.write(std::string(name), std::span<const double>(v));
    ds.set_attribute("units", unit);
    ds.set_attribute("meaning", meaning);
  };
  put("vehicle_lat_deg", lat, "deg", "geodetic latitude of the vehicle at time_s (WGS-84)");
  put("vehicle_lon_deg", lon, "deg", "longitude of the vehicle at time_s, east positive");
  put("vehicle_alt_m", alt, "m", "height of the vehicle above the ellipsoid at time_s");
}

}  // namespace launchmc::io
