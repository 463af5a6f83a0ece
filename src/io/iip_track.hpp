// One IIP track of powered flight (fly's, or a run's nominal) written as a group's datasets: one
// per IIP column of engine::iip_columns(), with the names, units and meanings of the run file's
// ragged /iip table, so that the three places an IIP track is stored read alike.
#pragma once

#include <span>

#include "flight/observers.hpp"
#include "io/hdf5_file.hpp"

namespace launchmc::io {

void write_iip_track(h5::Group& group, std::span<const flight::IipPoint> track);

}  // namespace launchmc::io
