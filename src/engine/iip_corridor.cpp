// The IIP corridor reducer (see iip_corridor.hpp).
#include "engine/iip_corridor.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "common/constants.hpp"
#include "engine/columns.hpp"
#include "engine/state_io.hpp"
#include "geo/polygon.hpp"
#include "stats/stratified.hpp"

namespace launchmc::engine {

namespace {

using geo::segment_hit;
using geo::unwrap_deg;

std::uint64_t grid_index(double t_s, double step_s) noexcept {
  return static_cast<std::uint64_t>(std::llround(t_s / step_s));
}

}  // namespace

bool inside_region(const IipZoneSpec& zone, double lat_deg, double lon_deg,
                   double site_lon_deg) noexcept {
  if (zone.points.size() < 3 || !std::isfinite(lat_deg) || !std::isfinite(lon_deg)) return false;
  return geo::inside_polygon(zone.points, lat_deg, lon_deg, site_lon_deg);
}

double first_crossing_s(const IipZoneSpec& z, const double* t, const double* lat, const double* lon,
                        std::size_t n, double site_lon) noexcept {
  const std::size_t m = z.points.size();
  if (n == 0 || m < 2) return std::nan("");
  if (z.region && std::isfinite(lat[0]) && geo::inside_polygon(z.points, lat[0], lon[0], site_lon))
    return t[0];
  const std::size_t edges = z.region ? m : m - 1;
  for (std::size_t i = 1; i < n; ++i) {
    if (!std::isfinite(lat[i - 1]) || !std::isfinite(lat[i])) continue;
    const double x0 = unwrap_deg(lon[i - 1], site_lon), y0 = lat[i - 1];
    const double x1 = unwrap_deg(lon[i], site_lon), y1 = lat[i];
    double best = 2.0;
    for (std::size_t e = 0; e < edges; ++e) {
      const GeoPoint& a = z.points[e];
      const GeoPoint& b = z.points[(e + 1) % m];
      const double s = segment_hit(x0, y0, x1, y1, unwrap_deg(a.lon_deg, site_lon), a.lat_deg,
                                   unwrap_deg(b.lon_deg, site_lon), b.lat_deg);
      if (s <= best) best = s;  // NaN compares false
    }
    // A region is entered where the track crosses its boundary from outside (a track that
    // starts inside was caught above; a later re-entry is not the first entry).
    if (best <= 1.0) return t[i - 1] + best * (t[i] - t[i - 1]);
  }
  return std::nan("");
}

IipCorridorSetup iip_corridor_setup(const IipSettings& settings,
                                    std::vector<flight::IipPoint> nominal, std::size_t max_points,
                                    double site_lon_deg) {
  IipCorridorSetup s;
  s.step_s = settings.step_s;
  s.nominal = std::move(nominal);
  s.max_points = max_points;
  s.site_lon_deg = site_lon_deg;
  for (const IipZone& z : settings.lines) s.zones.push_back({z.name, false, z.points});
  for (const IipZone& z : settings.regions) s.zones.push_back({z.name, true, z.points});
  return s;
}

IipCorridorReducer::IipCorridorReducer(IipCorridorSetup setup)
    : setup_(std::move(setup)), parts_(setup_.strata.size()) {
  for (Part& p : parts_) {
    p.grid.resize(setup_.max_points);
    p.zone_count.assign(setup_.zones.size(), 0);
    p.zone_time_s.resize(setup_.zones.size());
  }
  // The reference of each grid time: the nominal IIP there, the local plane's scale, and the
  // nominal track's direction (central difference of its neighbours, one-sided at its ends).
  const auto& nom = setup_.nominal;
  reference_.resize(setup_.max_points);
  constexpr double km_per_deg = kCorridorPlaneRadius_m * constants::deg_to_rad / 1e3;
  auto finite = [&](std::size_t i) {
    return i < nom.size() && std::isfinite(nom[i].lat_deg) && std::isfinite(nom[i].lon_deg);
  };
  for (std::size_t k = 0; k < reference_.size() && k < nom.size(); ++k) {
    if (!finite(k)) continue;
    Reference& r = reference_[k];
    r.valid = true;
    r.lat_deg = nom[k].lat_deg;
    r.lon_deg = nom[k].lon_deg;
    r.north_per_deg_km = km_per_deg;
    r.east_per_deg_km = km_per_deg * std::cos(r.lat_deg * constants::deg_to_rad);
    const std::size_t a = k > 0 && finite(k - 1) ? k - 1 : k;
    const std::size_t b = finite(k + 1) ? k + 1 : k;
    double de = (unwrap_deg(nom[b].lon_deg, r.lon_deg) - unwrap_deg(nom[a].lon_deg, r.lon_deg)) *
                r.east_per_deg_km;
    double dn = (nom[b].lat_deg - nom[a].lat_deg) * r.north_per_deg_km;
    const double len = std::hypot(de, dn);
    // A track that does not move (the pad, before liftoff's IIP leaves it): north serves.
    if (!(len > 1e-9)) {
      de = 0.0;
      dn = 1.0;
    } else {
      de /= len;
      dn /= len;
    }
    r.u_east = de;
    r.u_north = dn;
  }
}

void IipCorridorReducer::add(const Block& b) {
  const RaggedIip& iip = b.iip;
  const std::size_t n = b.count;
  auto part_of = [&](std::size_t r) -> Part& {
    const std::size_t k = r < b.stratum.size() ? b.stratum[r] : 0;
    if (k >= parts_.size())
      throw std::logic_error("IipCorridorReducer: a row of stratum " + std::to_string(k) +
                             " in a run of " + std::to_string(parts_.size()));
    return parts_[k];
  };
  for (std::size_t r = 0; r < n; ++r) ++part_of(r).samples;
  if (iip.columns.size() != iip_columns().size() || iip.row_end.size() < n) return;
  const double* t = iip.columns[iip_column("time_s")].data();
  const double* lat = iip.columns[iip_column("lat_deg")].data();
  const double* lon = iip.columns[iip_column("lon_deg")].data();
  std::uint64_t begin = 0;
  for (std::size_t r = 0; r < n; ++r) {
    Part& p = part_of(r);
    const std::uint64_t end = iip.row_end[r];
    for (std::uint64_t i = begin; i < end; ++i) {
      const std::uint64_t k = grid_index(t[i], setup_.step_s);
      if (k >= p.grid.size()) continue;
      GridPoint& g = p.grid[k];
      ++g.tracks;
      if (!std::isfinite(lat[i]) || !std::isfinite(lon[i])) continue;
      g.lat_deg.add(lat[i]);
      g.lon_deg.add(unwrap_deg(lon[i], setup_.site_lon_deg));
      const Reference& ref = reference_[k];
      if (!ref.valid) continue;
      const double de = (unwrap_deg(lon[i], ref.lon_deg) - ref.lon_deg) * ref.east_per_deg_km;
      const double dn = (lat[i] - ref.lat_deg) * ref.north_per_deg_km;
      const double along = ref.u_east * de + ref.u_north * dn;
      const double cross = ref.u_east * dn - ref.u_north * de;  // left of the track: positive
      g.along_km.add(along);
      g.cross_km.add(cross);
      g.cross_abs_km.add(std::abs(cross));
    }
    for (std::size_t z = 0; z < setup_.zones.size(); ++z) {
      const double tc =
          first_crossing_s(setup_.zones[z], t + begin, lat + begin, lon + begin,
                           static_cast<std::size_t>(end - begin), setup_.site_lon_deg);
      if (std::isnan(tc)) continue;
      ++p.zone_count[z];
      p.zone_time_s[z].add(tc);
    }
    begin = end;
  }
}

void IipCorridorReducer::merge(const Reducer& other_reducer) {
  const auto* o = dynamic_cast<const IipCorridorReducer*>(&other_reducer);
  if (o == nullptr || o->parts_.size() != parts_.size() ||
      o->parts_[0].grid.size() != parts_[0].grid.size() ||
      o->parts_[0].zone_count.size() != parts_[0].zone_count.size())
    throw std::invalid_argument("IipCorridorReducer::merge: a reducer of another run");
  for (std::size_t s = 0; s < parts_.size(); ++s) {
    Part& p = parts_[s];
    const Part& q = o->parts_[s];
    p.samples += q.samples;
    for (std::size_t k = 0; k < p.grid.size(); ++k) {
      GridPoint& g = p.grid[k];
      const GridPoint& h = q.grid[k];
      g.tracks += h.tracks;
      g.lat_deg.merge(h.lat_deg);
      g.lon_deg.merge(h.lon_deg);
      g.along_km.merge(h.along_km);
      g.cross_km.merge(h.cross_km);
      g.cross_abs_km.merge(h.cross_abs_km);
    }
    for (std::size_t z = 0; z < p.zone_count.size(); ++z) {
      p.zone_count[z] += q.zone_count[z];
      p.zone_time_s[z].merge(q.zone_time_s[z]);
    }
  }
}

void IipCorridorReducer::save(StateWriter& out) const {
  // Stratum 0 (all rows when not stratified) under the plain names, stratum k under "stratum<k>.".
  save_part(parts_[0], out);
  for (std::size_t k = 1; k < parts_.size(); ++k) {
    PrefixedStateWriter w(out, "stratum" + std::to_string(k) + ".");
    save_part(parts_[k], w);
  }
}

void IipCorridorReducer::save_part(const Part& part, StateWriter& out) {
  const std::vector<GridPoint>& grid = part.grid;
  // Packed per grid point: counts; each Moments as count, min, max and the exact sums' terms
  // (concatenated, with their lengths); each sketch as (index, count) pairs per sign with the
  // number of pairs. Enough to rebuild the state exactly.
  const std::uint64_t head[] = {part.samples, grid.size(), part.zone_count.size()};
  out.put("counts", std::span<const std::uint64_t>(head));
  std::vector<std::uint64_t> tracks;
  for (const GridPoint& g : grid) tracks.push_back(g.tracks);
  out.put("tracks", std::span<const std::uint64_t>(tracks));
  auto grid_moments = [&grid](stats::Moments GridPoint::*field) {
    std::vector<const stats::Moments*> v;
    for (const GridPoint& g : grid) v.push_back(&(g.*field));
    return v;
  };
  put_packed_moments(out, "lat_deg", grid_moments(&GridPoint::lat_deg));
  put_packed_moments(out, "lon_deg", grid_moments(&GridPoint::lon_deg));
  put_packed_moments(out, "along_km", grid_moments(&GridPoint::along_km));
  put_packed_moments(out, "cross_km", grid_moments(&GridPoint::cross_km));
  std::vector<double> index;
  std::vector<std::uint64_t> counts;
  for (const GridPoint& g : grid) {
    const stats::QuantileSketch& q = g.cross_abs_km;
    index.push_back(static_cast<double>(q.positive().size()));
    counts.push_back(q.zeros());
    for (const auto& [i, c] : q.positive()) {
      index.push_back(i);
      counts.push_back(c);
    }
  }
  out.put("cross_abs_km.sketch_index", std::span<const double>(index));
  out.put("cross_abs_km.sketch_counts", std::span<const std::uint64_t>(counts));
  out.put("zone_count", std::span<const std::uint64_t>(part.zone_count));
  std::vector<const stats::Moments*> zone_time;
  for (const auto& m : part.zone_time_s) zone_time.push_back(&m);
  put_packed_moments(out, "zone_time_s", zone_time);
}

void IipCorridorReducer::restore(const StateReader& in) {
  restore_part(parts_[0], in);
  for (std::size_t k = 1; k < parts_.size(); ++k)
    restore_part(parts_[k], PrefixedStateReader(in, "stratum" + std::to_string(k) + "."));
}

void IipCorridorReducer::restore_part(Part& part, const StateReader& in) {
  constexpr const char* what = "IIP corridor";
  auto bad = [](const std::string& name) {
    throw std::runtime_error("IIP corridor state: bad " + name);
  };
  const auto head = in.counts("counts");
  if (head.size() != 3 || head[1] != part.grid.size() || head[2] != part.zone_count.size())
    bad("counts (another grid or other zones)");
  const std::size_t n = part.grid.size();
  const auto tracks = in.counts("tracks");
  if (tracks.size() != n) bad("tracks");
  const auto lat = get_packed_moments(in, "lat_deg", n, what);
  const auto lon = get_packed_moments(in, "lon_deg", n, what);
  const auto along = get_packed_moments(in, "along_km", n, what);
  const auto cross = get_packed_moments(in, "cross_km", n, what);
  // The sketches: per grid point the number of (index, count) pairs (as a double), then the
  // pairs; the counts array has the zeros' count first. |cross| >= 0: no negative store. A
  // sketch of kCorridorQuantileAccuracy never collapses (its 2^20 buckets would span a range of
  // values of e^2000, beyond any double's), so none is restored collapsed.
  const auto index = in.doubles("cross_abs_km.sketch_index");
  const auto counts = in.counts("cross_abs_km.sketch_counts");
  std::size_t at = 0;
  std::vector<GridPoint> grid(n);
  for (std::size_t k = 0; k < n; ++k) {
    if (at >= index.size() || at >= counts.size()) bad("cross_abs_km");
    const double pairs = index[at];
    if (!(pairs >= 0) || pairs > static_cast<double>(index.size() - at - 1) ||
        counts.size() - at - 1 < static_cast<std::size_t>(pairs))
      bad("cross_abs_km");
    const std::uint64_t zeros = counts[at];
    stats::QuantileSketch::Store positive;
    for (std::size_t i = 0; i < static_cast<std::size_t>(pairs); ++i)
      positive.emplace_back(static_cast<std::int32_t>(index[at + 1 + i]), counts[at + 1 + i]);
    at += 1 + static_cast<std::size_t>(pairs);
    GridPoint& g = grid[k];
    g.tracks = tracks[k];
    g.lat_deg = lat[k];
    g.lon_deg = lon[k];
    g.along_km = along[k];
    g.cross_km = cross[k];
    g.cross_abs_km = stats::QuantileSketch::from_state(kCorridorQuantileAccuracy,
                                                       std::move(positive), {}, zeros, false);
  }
  if (at != index.size() || at != counts.size()) bad("cross_abs_km");
  const auto zone_count = in.counts("zone_count");
  if (zone_count.size() != part.zone_count.size()) bad("zone_count");
  auto zone_time = get_packed_moments(in, "zone_time_s", zone_count.size(), what);
  part.samples = head[0];
  part.grid = std::move(grid);
  part.zone_count = zone_count;
  part.zone_time_s = std::move(zone_time);
}

IipCorridorSummary IipCorridorReducer::finish() const {
  IipCorridorSummary s;
  s.step_s = setup_.step_s;
  const bool single = parts_.size() == 1;
  std::vector<std::uint64_t> rows;
  for (const Part& p : parts_) {
    rows.push_back(p.samples);
    s.samples += p.samples;
  }
  const stats::Strata strata = setup_.strata.strata();
  const std::vector<double> w = strata.row_weights(rows);
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  auto moments = [&](auto get) {
    std::vector<const stats::Moments*> v;
    for (const Part& p : parts_) v.push_back(get(p));
    return stats::weighted_moments(v, w);
  };
  std::size_t last = 0;
  for (const Part& part : parts_)
    for (std::size_t k = 0; k < part.grid.size(); ++k)
      if (part.grid[k].tracks > 0) last = std::max(last, k + 1);
  for (std::size_t k = 0; k < last; ++k) {
    const Reference& ref = reference_[k];
    CorridorPoint p;
    p.t_s = static_cast<double>(k) * setup_.step_s;
    std::uint64_t cross_count = 0;
    std::vector<const stats::QuantileSketch*> sketches;
    for (const Part& part : parts_) {
      p.tracks += part.grid[k].tracks;
      p.impacting += part.grid[k].lat_deg.count();
      cross_count += part.grid[k].cross_km.count();
      sketches.push_back(&part.grid[k].cross_abs_km);
    }
    const stats::WeightedMoments lat = moments([k](const Part& q) { return &q.grid[k].lat_deg; });
    const stats::WeightedMoments lon = moments([k](const Part& q) { return &q.grid[k].lon_deg; });
    p.mean_lat_deg = p.impacting > 0 ? lat.mean : (single ? parts_[0].grid[k].lat_deg.mean() : nan);
    p.mean_lon_deg = p.impacting > 0 ? unwrap_deg(lon.mean, 0.0) : nan;
    if (p.mean_lon_deg == 180.0) p.mean_lon_deg = -180.0;
    p.nominal_lat_deg = ref.valid ? ref.lat_deg : nan;
    p.nominal_lon_deg = ref.valid ? ref.lon_deg : nan;
    const bool has = ref.valid && cross_count > 0;
    const stats::WeightedMoments along =
        moments([k](const Part& q) { return &q.grid[k].along_km; });
    const stats::WeightedMoments cross =
        moments([k](const Part& q) { return &q.grid[k].cross_km; });
    p.along_mean_km = has ? along.mean : nan;
    p.along_sd_km = has ? along.std : nan;
    p.cross_mean_km = has ? cross.mean : nan;
    p.cross_sd_km = has ? cross.std : nan;
    for (std::size_t j = 0; j < kCorridorProbabilities.size(); ++j)
      p.cross_halfwidth_km[j] =
          has ? stats::weighted_quantile(sketches, w, kCorridorProbabilities[j]) : nan;
    s.track.push_back(p);
  }
  for (std::size_t z = 0; z < setup_.zones.size(); ++z) {
    OverflightRow row;
    row.name = setup_.zones[z].name;
    row.region = setup_.zones[z].region;
    std::vector<std::uint64_t> counts;
    for (const Part& p : parts_) {
      counts.push_back(p.zone_count[z]);
      row.count += p.zone_count[z];
    }
    row.fraction = stats::stratified_proportion(strata, counts, rows).p;
    if (single) {
      const stats::Moments& m = parts_[0].zone_time_s[z];
      row.time_mean_s = m.mean();
      row.time_sd_s = m.std_dev();
      row.time_min_s = m.min();
      row.time_max_s = m.max();
    } else {
      const stats::WeightedMoments m = moments([z](const Part& q) { return &q.zone_time_s[z]; });
      row.time_mean_s = row.count > 0 ? m.mean : nan;
      row.time_sd_s = row.count > 1 ? m.std : nan;
      row.time_min_s = row.time_max_s = nan;
      for (const Part& q : parts_) {
        const stats::Moments& t = q.zone_time_s[z];
        if (t.count() == 0) continue;
        row.time_min_s = std::isnan(row.time_min_s) ? t.min() : std::min(row.time_min_s, t.min());
        row.time_max_s = std::isnan(row.time_max_s) ? t.max() : std::max(row.time_max_s, t.max());
      }
    }
    s.overflight.push_back(row);
  }
  return s;
}

}  // namespace launchmc::engine
