// A uniform random subsample of bounded size that merges exactly: keep the k items whose keys are
// smallest, where each item's key is a hash of its identity (a sample's stream index), so that
// which items are kept depends on the items only, never on the order they arrive in or on how a
// run was split (bottom-k sampling: E. Cohen and H. Kaplan, "Summarizing data using bottom-k
// sketches", PODC 2007). Below k items it holds them all (statistics from it are then exact);
// above, each item is kept with the same probability k / n, and a fraction estimated from the
// subsample has the binomial standard error sqrt(p (1 - p) / k).
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace launchmc::stats {

template <class T>
class BottomKSample {
 public:
  struct Item {
    std::uint64_t key;
    std::uint64_t id;  // the item's identity, ties between equal keys
    T value;
  };

  explicit BottomKSample(std::size_t k) : k_(k) { heap_.reserve(k); }

  // `id`: the item's identity (e.g. a sample's stream index); its key is a hash of it.
  void add(std::uint64_t id, const T& value) { push({key_of(id), id, value}); }
  void merge(const BottomKSample& other) {
    for (const Item& it : other.heap_) push(it);
    seen_ += other.seen_ - other.heap_.size();  // push() counted the kept ones already
  }

  // Counts `n` items offered and not kept (restoring a saved state: only kept items are saved).
  void add_unkept(std::uint64_t n) noexcept { seen_ += n; }
  // A sample restored from its saved state, seen() and the kept items' (id, value) (their keys
  // are hashes of the ids): the same items(), seen() and merges as the saved one. Throws
  // std::invalid_argument for more items than k or than seen.
  template <class Items>
  static BottomKSample from_items(std::size_t k, const Items& ids_values, std::uint64_t seen) {
    if (ids_values.size() > k || ids_values.size() > seen)
      throw std::invalid_argument("BottomKSample::from_items: more items than k or than seen");
    BottomKSample s(k);
    for (const auto& [id, value] : ids_values) s.add(id, value);
    s.add_unkept(seen - ids_values.size());
    return s;
  }
  std::size_t capacity() const noexcept { return k_; }
  std::uint64_t seen() const noexcept { return seen_; }  // items offered in all
  std::size_t size() const noexcept { return heap_.size(); }
  bool complete() const noexcept { return seen_ == heap_.size(); }  // every item is kept
  // The kept items, ordered by key (a canonical order, whatever the history).
  std::vector<Item> items() const {
    std::vector<Item> v = heap_;
    std::sort(v.begin(), v.end(), less);
    return v;
  }

  // SplitMix64's finaliser (Steele, Lea & Flood, OOPSLA 2014): a bijection of 64-bit integers
  // whose output looks uniform for consecutive inputs.
  static std::uint64_t key_of(std::uint64_t id) noexcept {
    std::uint64_t z = id + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  static bool less(const Item& a, const Item& b) noexcept {
    return a.key != b.key ? a.key < b.key : a.id < b.id;
  }
  void push(const Item& it) {
    ++seen_;
    if (k_ == 0) return;
    if (heap_.size() < k_) {
      heap_.push_back(it);
      std::push_heap(heap_.begin(), heap_.end(), less);  // max-heap on (key, id)
      return;
    }
    if (!less(it, heap_.front())) return;
    std::pop_heap(heap_.begin(), heap_.end(), less);
    heap_.back() = it;
    std::push_heap(heap_.begin(), heap_.end(), less);
  }

  std::size_t k_;
  std::vector<Item> heap_;
  std::uint64_t seen_ = 0;
};

}  // namespace launchmc::stats
