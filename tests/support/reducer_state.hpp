// Where the reducer tests save states (engine/reducer.hpp): in memory, or read back from a run
// file's /reducers/<name> group.
#pragma once

#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/reducer.hpp"
#include "io/hdf5_file.hpp"

namespace launchmc::testing_support {

// A state kept in memory; reading a name it lacks (or of the other type) throws.
class MemoryState final : public engine::StateWriter, public engine::StateReader {
 public:
  void put(std::string_view name, std::span<const double> v) override {
    doubles_[std::string(name)].assign(v.begin(), v.end());
  }
  void put(std::string_view name, std::span<const std::uint64_t> v) override {
    counts_[std::string(name)].assign(v.begin(), v.end());
  }
  std::vector<double> doubles(std::string_view name) const override {
    const auto it = doubles_.find(std::string(name));
    if (it == doubles_.end()) throw std::runtime_error("no doubles " + std::string(name));
    return it->second;
  }
  std::vector<std::uint64_t> counts(std::string_view name) const override {
    const auto it = counts_.find(std::string(name));
    if (it == counts_.end()) throw std::runtime_error("no counts " + std::string(name));
    return it->second;
  }
  std::size_t size() const noexcept { return doubles_.size() + counts_.size(); }

 private:
  std::map<std::string, std::vector<double>, std::less<>> doubles_;
  std::map<std::string, std::vector<std::uint64_t>, std::less<>> counts_;
};

// A state saved in a run file (/reducers/<name>).
struct FileState final : engine::StateReader {
  explicit FileState(io::h5::Group group) : g(std::move(group)) {}
  std::vector<double> doubles(std::string_view n) const override { return g.read<double>(n); }
  std::vector<std::uint64_t> counts(std::string_view n) const override {
    return g.read<std::uint64_t>(n);
  }
  io::h5::Group g;
};

}  // namespace launchmc::testing_support
