// The saved states of the reducers (engine/reducer.hpp) are named 1-D arrays; these are the
// arrays of the stats classes they are made of, shared by every reducer so that one class is
// saved one way: written by put_*, read back bit for bit by get_*. The get_* functions throw
// std::runtime_error("<what> state: bad <name>") for arrays of the wrong length.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/reducer.hpp"
#include "stats/bottom_k.hpp"
#include "stats/impact_ellipse.hpp"
#include "stats/moments.hpp"

namespace launchmc::engine {

// One count under `name`; get_count checks there is exactly one.
void put_count(StateWriter& out, const std::string& name, std::uint64_t n);
std::uint64_t get_count(const StateReader& in, const std::string& name, const char* what);

// ExactSum: its canonical terms under `name`.
void put_sum(StateWriter& out, const std::string& name, const stats::ExactSum& s);
stats::ExactSum get_sum(const StateReader& in, const std::string& name);

// Moments: <name>.count, <name>.min_max and the exact sums <name>.sum and <name>.sum_sq.
void put_moments(StateWriter& out, const std::string& name, const stats::Moments& m);
stats::Moments get_moments(const StateReader& in, const std::string& name, const char* what);

// Several Moments packed in four arrays: <name>.count and <name>.min_max per item, and the terms
// of each item's sum and sum of squares concatenated in <name>.terms with their lengths in
// <name>.term_lengths.
void put_packed_moments(StateWriter& out, const std::string& name,
                        std::span<const stats::Moments* const> items);
// The `count` Moments put_packed_moments saved under `name`.
std::vector<stats::Moments> get_packed_moments(const StateReader& in, const std::string& name,
                                               std::size_t count, const char* what);

// ImpactAccumulator: <name>.count, <name>.reference (lat, lon) and the exact sums <name>.x, .y,
// .xx, .yy, .xy.
void put_impacts(StateWriter& out, const std::string& name, const stats::ImpactAccumulator& a);
stats::ImpactAccumulator get_impacts(const StateReader& in, const std::string& name,
                                     const char* what);

// WeightedImpactAccumulator: <name>.count, <name>.reference (lat, lon) and the exact sums
// <name>.w, .w2, .wx, .wy, .wxx, .wyy, .wxy.
void put_weighted_impacts(StateWriter& out, const std::string& name,
                          const stats::WeightedImpactAccumulator& a);
stats::WeightedImpactAccumulator get_weighted_impacts(const StateReader& in,
                                                      const std::string& name, const char* what);

// A bottom-k subsample of plane points (x, y) [m] keyed by row: <name>.sample_seen,
// <name>.sample_rows (the kept ids, in key order) and <name>.sample_xy (x, y per kept id); with a
// weight per point, <name>.sample_w.
void put_points(StateWriter& out, const std::string& name,
                const stats::BottomKSample<Eigen::Vector2f>& s);
stats::BottomKSample<Eigen::Vector2f> get_points(const StateReader& in, const std::string& name,
                                                 std::size_t k, const char* what);
struct WeightedPoint {  // a plane point with its weight
  Eigen::Vector2f p;
  float w;
};
void put_points(StateWriter& out, const std::string& name,
                const stats::BottomKSample<WeightedPoint>& s);
stats::BottomKSample<WeightedPoint> get_weighted_points(const StateReader& in,
                                                        const std::string& name, std::size_t k,
                                                        const char* what);

}  // namespace launchmc::engine
