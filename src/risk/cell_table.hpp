// Sparse per-cell sums of the risk maps: an open-addressing hash table keyed by (group, stratum,
// cell), holding the pieces that landed in the cell in fixed point, the samples with at least one
// of them, and (group "any") the expected casualties in fixed point. Sparse because a debris
// footprint covers a small part of any map it is drawn on, and dense grids per group and stratum
// would not fit in memory at 0.05 deg; memory grows with the cells hit, never with the samples.
// Fixed-point sums are integers, so adding in any order (threads, shards, merges) gives the same
// bits. The table allocates only when it grows (doubling), not per sample.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace launchmc::risk {

// Fixed-point units: pieces in 2^-24 (rounding <= 3e-8 pieces per impact; sums up to 5e11
// pieces per cell), expected casualties in 2^-40 persons (rounding <= 4.6e-13 per impact; sums
// up to 8e6 per cell). Overflow throws std::overflow_error.
inline constexpr double kPieceUnit = 16777216.0;          // 2^24
inline constexpr double kCasualtyUnit = 1099511627776.0;  // 2^40

inline std::int64_t to_fixed(double value, double unit) {
  const double scaled = std::nearbyint(value * unit);
  if (!(std::fabs(scaled) < 9.2e18)) throw std::overflow_error("risk: a fixed-point sum overflows");
  return static_cast<std::int64_t>(scaled);
}
inline std::int64_t add_fixed(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r))
    throw std::overflow_error("risk: a fixed-point sum overflows");
  return r;
}

// Key: group (24 bits) | stratum (8 bits) | cell (32 bits).
inline std::uint64_t cell_key(std::size_t group, std::size_t stratum, std::size_t cell) noexcept {
  return (static_cast<std::uint64_t>(group) << 40) | (static_cast<std::uint64_t>(stratum) << 32) |
         static_cast<std::uint64_t>(cell);
}
inline std::size_t key_group(std::uint64_t key) noexcept {
  return static_cast<std::size_t>(key >> 40);
}
inline std::size_t key_stratum(std::uint64_t key) noexcept {
  return static_cast<std::size_t>((key >> 32) & 0xff);
}
inline std::size_t key_cell(std::uint64_t key) noexcept {
  return static_cast<std::size_t>(key & 0xffffffffu);
}

struct CellSums {
  std::uint64_t key = 0;
  std::int64_t pieces = 0;      // kPieceUnit
  std::int64_t casualties = 0;  // kCasualtyUnit (group "any" with a population raster)
  std::uint64_t samples = 0;    // samples with >= 1 piece of the group in the cell
  std::uint64_t last_row = 0;   // row + 1 of the last sample counted (0: none); not state
};

class CellTable {
 public:
  CellTable() { slots_.resize(1024); }
  // The entry of `key`, created empty if missing.
  CellSums& at(std::uint64_t key) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    return probe(key);
  }
  std::size_t size() const noexcept { return size_; }
  // Every used entry (in table order: sort the keys for a canonical order).
  template <class F>
  void for_each(F&& f) const {
    for (const Slot& s : slots_)
      if (s.used) f(s.sums);
  }

 private:
  struct Slot {
    bool used = false;
    CellSums sums;
  };
  static std::size_t hash(std::uint64_t key) noexcept {
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return static_cast<std::size_t>(key);
  }
  CellSums& probe(std::uint64_t key) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash(key) & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (!s.used) {
        s.used = true;
        s.sums = CellSums{};
        s.sums.key = key;
        ++size_;
        return s.sums;
      }
      if (s.sums.key == key) return s.sums;
    }
  }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    size_ = 0;
    for (const Slot& s : old)
      if (s.used) probe(s.sums.key) = s.sums;
  }
  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace launchmc::risk
