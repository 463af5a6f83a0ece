// Designs: what row i of a run flies. Each row has a point of the unit hypercube of the dispersed
// inputs and a stream index that seeds everything else the row draws (the environment's shapes,
// the failure, the navigation noise). For Monte Carlo, Latin hypercube and Sobol' designs the
// stream index is the row index. A design that evaluates one base point several times (Saltelli's
// A, B and AB_i matrices for variance-based sensitivity) gives those rows the base point's stream,
// so that they share its environment and failure draws and differ only in the inputs it varies.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "uncertainty/sampler.hpp"

namespace launchmc::uncertainty {

class Design {
 public:
  virtual ~Design() = default;
  virtual std::string_view name() const noexcept = 0;  // recorded in run files
  virtual std::uint64_t rows() const noexcept = 0;
  virtual std::size_t dimensions() const noexcept = 0;
  // Writes row i's point to u[0..dimensions()) and returns its stream index. No allocation;
  // thread-safe.
  virtual std::uint64_t row(std::uint64_t i, std::span<double> u) const = 0;
};

// The row-wise designs: Monte Carlo, Latin hypercube (strata over `rows`), randomised Sobol'.
// Stream index = row index.
class SamplerDesign final : public Design {
 public:
  SamplerDesign(SamplerKind kind, std::size_t dimensions, std::uint64_t seed, std::uint64_t rows)
      : sampler_(kind, dimensions, seed, rows), rows_(rows) {}
  std::string_view name() const noexcept override { return to_string(sampler_.kind()); }
  std::uint64_t rows() const noexcept override { return rows_; }
  std::size_t dimensions() const noexcept override { return sampler_.dimensions(); }
  std::uint64_t row(std::uint64_t i, std::span<double> u) const override {
    sampler_.uniforms(i, u);
    return i;
  }
  const Sampler& sampler() const noexcept { return sampler_; }

 private:
  Sampler sampler_;
  std::uint64_t rows_;
};

}  // namespace launchmc::uncertainty
