// One IIP track of powered flight (fly's, or a run's nominal) written as a group's datasets: one
// per IIP column of engine::iip_columns(), with the names, units and meanings of the run file's
// ragged /iip table, so that the three places an IIP track is stored read alike.
#pragma once

#include <span>

#include "flight/observers.hpp"
#include "io/hdf5_file.hpp"

namespace launchmc::io {

void write_iip_track(h5::Group& group, std::span<const flight::IipPoint> track);

// The ground track on the same grid as the group's IIP track (the vehicle's position at each of
// its times): datasets vehicle_lat_deg, vehicle_lon_deg, vehicle_alt_m. Throws std::logic_error
// if the two tracks are not of one grid (lengths or times differ).
void write_ground_track(h5::Group& group, std::span<const flight::IipPoint> iip,
                        std::span<const flight::GroundPoint> ground);

}  // namespace launchmc::io
