// The saved states of the stats classes (see state_io.hpp).
#include "engine/state_io.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <utility>
#include <vector>

namespace launchmc::engine {

namespace {

[[noreturn]] void bad(const char* what, const std::string& name) {
  throw std::runtime_error(fmt::format("{} state: bad {}", what, name));
}

void put_reference(StateWriter& out, const std::string& name, std::uint64_t count, double lat,
                   double lon) {
  put_count(out, name + ".count", count);
  const double ref[] = {lat, lon};
  out.put(name + ".reference", std::span<const double>(ref));
}

}  // namespace

void put_count(StateWriter& out, const std::string& name, std::uint64_t n) {
  const std::uint64_t v[] = {n};
  out.put(name, std::span<const std::uint64_t>(v));
}

std::uint64_t get_count(const StateReader& in, const std::string& name, const char* what) {
  const auto v = in.counts(name);
  if (v.size() != 1) bad(what, name);
  return v[0];
}

void put_sum(StateWriter& out, const std::string& name, const stats::ExactSum& s) {
  const std::vector<double> t = s.terms();
  out.put(name, std::span<const double>(t));
}

stats::ExactSum get_sum(const StateReader& in, const std::string& name) {
  return stats::ExactSum::from_terms(in.doubles(name));
}

void put_moments(StateWriter& out, const std::string& name, const stats::Moments& m) {
  put_count(out, name + ".count", m.count());
  const double extremes[] = {m.min(), m.max()};
  out.put(name + ".min_max", std::span<const double>(extremes));
  put_sum(out, name + ".sum", m.exact_sum());
  put_sum(out, name + ".sum_sq", m.exact_sum_sq());
}

stats::Moments get_moments(const StateReader& in, const std::string& name, const char* what) {
  const auto count = in.counts(name + ".count");
  const auto mm = in.doubles(name + ".min_max");
  if (count.size() != 1 || mm.size() != 2) bad(what, name);
  return stats::Moments::from_sums(count[0], get_sum(in, name + ".sum"),
                                   get_sum(in, name + ".sum_sq"), mm[0], mm[1]);
}

void put_packed_moments(StateWriter& out, const std::string& name,
                        std::span<const stats::Moments* const> items) {
  std::vector<std::uint64_t> count, lengths;
  std::vector<double> min_max, terms;
  for (const stats::Moments* m : items) {
    count.push_back(m->count());
    min_max.push_back(m->min());
    min_max.push_back(m->max());
    for (const stats::ExactSum* s : {&m->exact_sum(), &m->exact_sum_sq()}) {
      const std::vector<double> t = s->terms();
      lengths.push_back(t.size());
      terms.insert(terms.end(), t.begin(), t.end());
    }
  }
  out.put(name + ".count", std::span<const std::uint64_t>(count));
  out.put(name + ".min_max", std::span<const double>(min_max));
  out.put(name + ".term_lengths", std::span<const std::uint64_t>(lengths));
  out.put(name + ".terms", std::span<const double>(terms));
}

std::vector<stats::Moments> get_packed_moments(const StateReader& in, const std::string& name,
                                               std::size_t count, const char* what) {
  const auto n = in.counts(name + ".count");
  const auto min_max = in.doubles(name + ".min_max");
  const auto lengths = in.counts(name + ".term_lengths");
  const auto terms = in.doubles(name + ".terms");
  if (n.size() != count || min_max.size() != 2 * count || lengths.size() != 2 * count)
    bad(what, name);
  std::vector<stats::Moments> items;
  items.reserve(count);
  std::uint64_t at = 0;
  auto next_sum = [&](std::size_t k) {
    if (lengths[k] > terms.size() - at) bad(what, name + ".terms");
    const stats::ExactSum s = stats::ExactSum::from_terms(
        std::span<const double>(terms.data() + at, static_cast<std::size_t>(lengths[k])));
    at += lengths[k];
    return s;
  };
  for (std::size_t i = 0; i < count; ++i) {
    const stats::ExactSum sum = next_sum(2 * i);
    const stats::ExactSum sum_sq = next_sum(2 * i + 1);
    items.push_back(
        stats::Moments::from_sums(n[i], sum, sum_sq, min_max[2 * i], min_max[2 * i + 1]));
  }
  if (at != terms.size()) bad(what, name + ".terms");
  return items;
}

void put_impacts(StateWriter& out, const std::string& name, const stats::ImpactAccumulator& a) {
  const stats::ImpactSums& s = a.sums();
  put_reference(out, name, s.count, s.ref_lat_deg, s.ref_lon_deg);
  put_sum(out, name + ".x", s.x_m);
  put_sum(out, name + ".y", s.y_m);
  put_sum(out, name + ".xx", s.xx_m2);
  put_sum(out, name + ".yy", s.yy_m2);
  put_sum(out, name + ".xy", s.xy_m2);
}

stats::ImpactAccumulator get_impacts(const StateReader& in, const std::string& name,
                                     const char* what) {
  stats::ImpactSums s;
  const auto ref = in.doubles(name + ".reference");
  if (ref.size() != 2) bad(what, name);
  s.count = get_count(in, name + ".count", what);
  s.ref_lat_deg = ref[0];
  s.ref_lon_deg = ref[1];
  s.x_m = get_sum(in, name + ".x");
  s.y_m = get_sum(in, name + ".y");
  s.xx_m2 = get_sum(in, name + ".xx");
  s.yy_m2 = get_sum(in, name + ".yy");
  s.xy_m2 = get_sum(in, name + ".xy");
  return stats::ImpactAccumulator::from_sums(s);
}

void put_weighted_impacts(StateWriter& out, const std::string& name,
                          const stats::WeightedImpactAccumulator& a) {
  const stats::WeightedImpactSums s = a.sums();
  put_reference(out, name, s.count, s.ref_lat_deg, s.ref_lon_deg);
  put_sum(out, name + ".w", s.w);
  put_sum(out, name + ".w2", s.w2);
  put_sum(out, name + ".wx", s.wx);
  put_sum(out, name + ".wy", s.wy);
  put_sum(out, name + ".wxx", s.wxx);
  put_sum(out, name + ".wyy", s.wyy);
  put_sum(out, name + ".wxy", s.wxy);
}

stats::WeightedImpactAccumulator get_weighted_impacts(const StateReader& in,
                                                      const std::string& name, const char* what) {
  stats::WeightedImpactSums s;
  const auto ref = in.doubles(name + ".reference");
  if (ref.size() != 2) bad(what, name);
  s.count = get_count(in, name + ".count", what);
  s.ref_lat_deg = ref[0];
  s.ref_lon_deg = ref[1];
  s.w = get_sum(in, name + ".w");
  s.w2 = get_sum(in, name + ".w2");
  s.wx = get_sum(in, name + ".wx");
  s.wy = get_sum(in, name + ".wy");
  s.wxx = get_sum(in, name + ".wxx");
  s.wyy = get_sum(in, name + ".wyy");
  s.wxy = get_sum(in, name + ".wxy");
  return stats::WeightedImpactAccumulator::from_sums(s);
}

void put_points(StateWriter& out, const std::string& name,
                const stats::BottomKSample<Eigen::Vector2f>& s) {
  std::vector<std::uint64_t> ids;
  std::vector<double> xy;
  for (const auto& item : s.items()) {
    ids.push_back(item.id);
    xy.push_back(item.value.x());
    xy.push_back(item.value.y());
  }
  put_count(out, name + ".sample_seen", s.seen());
  out.put(name + ".sample_rows", std::span<const std::uint64_t>(ids));
  out.put(name + ".sample_xy", std::span<const double>(xy));
}

stats::BottomKSample<Eigen::Vector2f> get_points(const StateReader& in, const std::string& name,
                                                 std::size_t k, const char* what) {
  const auto rows = in.counts(name + ".sample_rows");
  const auto xy = in.doubles(name + ".sample_xy");
  const std::uint64_t seen = get_count(in, name + ".sample_seen", what);
  if (xy.size() != 2 * rows.size() || seen < rows.size() || rows.size() > k) bad(what, name);
  std::vector<std::pair<std::uint64_t, Eigen::Vector2f>> items;
  for (std::size_t i = 0; i < rows.size(); ++i)
    items.emplace_back(
        rows[i], Eigen::Vector2f(static_cast<float>(xy[2 * i]), static_cast<float>(xy[2 * i + 1])));
  return stats::BottomKSample<Eigen::Vector2f>::from_items(k, items, seen);
}

void put_points(StateWriter& out, const std::string& name,
                const stats::BottomKSample<WeightedPoint>& s) {
  std::vector<std::uint64_t> ids;
  std::vector<double> xy, w;
  for (const auto& item : s.items()) {
    ids.push_back(item.id);
    xy.push_back(item.value.p.x());
    xy.push_back(item.value.p.y());
    w.push_back(item.value.w);
  }
  put_count(out, name + ".sample_seen", s.seen());
  out.put(name + ".sample_rows", std::span<const std::uint64_t>(ids));
  out.put(name + ".sample_xy", std::span<const double>(xy));
  out.put(name + ".sample_w", std::span<const double>(w));
}

stats::BottomKSample<WeightedPoint> get_weighted_points(const StateReader& in,
                                                        const std::string& name, std::size_t k,
                                                        const char* what) {
  const auto rows = in.counts(name + ".sample_rows");
  const auto xy = in.doubles(name + ".sample_xy");
  const auto w = in.doubles(name + ".sample_w");
  const std::uint64_t seen = get_count(in, name + ".sample_seen", what);
  if (xy.size() != 2 * rows.size() || w.size() != rows.size() || seen < rows.size() ||
      rows.size() > k)
    bad(what, name);
  std::vector<std::pair<std::uint64_t, WeightedPoint>> items;
  for (std::size_t i = 0; i < rows.size(); ++i)
    items.emplace_back(rows[i], WeightedPoint{Eigen::Vector2f(static_cast<float>(xy[2 * i]),
                                                              static_cast<float>(xy[2 * i + 1])),
                                              static_cast<float>(w[i])});
  return stats::BottomKSample<WeightedPoint>::from_items(k, items, seen);
}

}  // namespace launchmc::engine
