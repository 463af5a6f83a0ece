// Reducers and sinks: what consumes a run's blocks. A sink sees every block once, in block order,
// from one thread (the run-file writer, a progress display). A reducer is a sink whose state is
// mergeable: reducing rows [0, m) and [m, n) apart and merging gives bit-for-bit the state of
// reducing [0, n), whatever m, so that threads, MPI ranks, job-array shards and resumed runs all
// agree; it saves that state (to the run file) so that pieces can be merged later. The summary,
// and later the risk grids and sensitivity estimators, are reducers; the engine feeds a list of
// sinks and knows none of them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace launchmc::engine {

struct Block;
struct RunLayout;
enum class RunEnd;

class BlockSink {
 public:
  virtual ~BlockSink() = default;
  virtual void begin(const RunLayout& /*layout*/) {}
  virtual void write(const Block& block) = 0;  // in block order, from one thread
  virtual void finish(RunEnd /*end*/, std::uint64_t /*rows*/, double /*elapsed_s*/) {}
};

// Named 1-D arrays: where a reducer saves its state, and whence it is restored.
class StateWriter {
 public:
  virtual ~StateWriter() = default;
  virtual void put(std::string_view name, std::span<const double> values) = 0;
  virtual void put(std::string_view name, std::span<const std::uint64_t> values) = 0;
};
class StateReader {
 public:
  virtual ~StateReader() = default;
  virtual std::vector<double> doubles(std::string_view name) const = 0;
  virtual std::vector<std::uint64_t> counts(std::string_view name) const = 0;
};

// A reducer's state under names with a prefix (e.g. "stratum2." for the state of one failure
// stratum, engine/strata.hpp, beside the plain names of stratum 0).
class PrefixedStateWriter final : public StateWriter {
 public:
  PrefixedStateWriter(StateWriter& out, std::string prefix)
      : out_(out), prefix_(std::move(prefix)) {}
  void put(std::string_view name, std::span<const double> v) override {
    out_.put(prefix_ + std::string(name), v);
  }
  void put(std::string_view name, std::span<const std::uint64_t> v) override {
    out_.put(prefix_ + std::string(name), v);
  }

 private:
  StateWriter& out_;
  std::string prefix_;
};
class PrefixedStateReader final : public StateReader {
 public:
  PrefixedStateReader(const StateReader& in, std::string prefix)
      : in_(in), prefix_(std::move(prefix)) {}
  std::vector<double> doubles(std::string_view name) const override {
    return in_.doubles(prefix_ + std::string(name));
  }
  std::vector<std::uint64_t> counts(std::string_view name) const override {
    return in_.counts(prefix_ + std::string(name));
  }

 private:
  const StateReader& in_;
  std::string prefix_;
};

class Reducer : public BlockSink {
 public:
  // Adds the state of `other` (the same kind of reducer, for the same run), whose rows follow
  // this one's or precede them: the result does not depend on which.
  virtual void merge(const Reducer& other) = 0;
  virtual void save(StateWriter& out) const = 0;
};

}  // namespace launchmc::engine
