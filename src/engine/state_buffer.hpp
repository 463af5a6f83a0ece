// A reducer's saved state (engine/reducer.hpp) held in memory and carried as bytes: how the ranks
// of `mpirun -np R launchmc risk` send their partial risk maps to rank 0 (cli/mpi_risk.hpp), which
// restores and merges them. Named arrays of doubles or counts, and lists of names (a reducer's
// group names), in the order they were put.
//
// The bytes are the values' own (native byte order, IEEE doubles), so a state read back is the
// saved one bit for bit. They travel between ranks of one job, which run the same program on
// machines of one architecture; from_bytes refuses bytes of another format version or byte order
// (a mark written as a number and checked), and any truncated or malformed buffer, by throwing
// std::runtime_error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/reducer.hpp"

namespace launchmc::engine {

class StateBuffer final : public StateWriter, public StateReader {
 public:
  void put(std::string_view name, std::span<const double> values) override;
  void put(std::string_view name, std::span<const std::uint64_t> values) override;
  void put_names(std::string_view name, const std::vector<std::string>& names);

  // The array or list put under `name`; std::runtime_error if there is none of that kind.
  std::vector<double> doubles(std::string_view name) const override;
  std::vector<std::uint64_t> counts(std::string_view name) const override;
  std::vector<std::string> names(std::string_view name) const;

  std::vector<std::byte> bytes() const;
  static StateBuffer from_bytes(std::span<const std::byte> bytes);

 private:
  enum class Kind : std::uint8_t { doubles = 1, counts = 2, names = 3 };
  struct Entry {
    std::string name;
    Kind kind = Kind::doubles;
    std::vector<double> real;
    std::vector<std::uint64_t> count;
    std::vector<std::string> text;
  };
  const Entry& find(std::string_view name, Kind kind) const;
  Entry& add(std::string_view name, Kind kind);
  std::vector<Entry> entries_;
};

}  // namespace launchmc::engine
