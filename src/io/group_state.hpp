// A reducer's saved state (engine/reducer.hpp) as the datasets of one HDF5 group: how the run
// file keeps /reducers/<name> and the risk maps keep /risk/state.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

#include "engine/reducer.hpp"
#include "io/hdf5_file.hpp"

namespace launchmc::io {

class GroupStateWriter final : public engine::StateWriter {
 public:
  explicit GroupStateWriter(h5::Group g) : g_(std::move(g)) {}
  void put(std::string_view name, std::span<const double> v) override { g_.write<double>(name, v); }
  void put(std::string_view name, std::span<const std::uint64_t> v) override {
    g_.write<std::uint64_t>(name, v);
  }

 private:
  h5::Group g_;
};

}  // namespace launchmc::io
