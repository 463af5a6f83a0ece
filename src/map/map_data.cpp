// Reading what the map draws from a run file (see map_data.hpp).
#include "map/map_data.hpp"

#include <fmt/format.h>

#include <GeographicLib/Geodesic.hpp>
#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <optional>
#include <stdexcept>

#include "engine/iip_corridor.hpp"
#include "engine/impacts.hpp"
#include "engine/summary.hpp"
#include "io/hdf5_file.hpp"
#include "io/risk_hazards.hpp"
#include "io/run_file.hpp"
#include "map/text.hpp"
#include "stats/bottom_k.hpp"
#include "stats/impact_ellipse.hpp"

namespace launchmc::map {

namespace {

// The ellipse drawn (the summary reports 50, 95, 99 and 99.73 %).
constexpr double kEllipseProbability = 0.95;
// Vertices of a drawn ellipse.
constexpr int kEllipseVertices = 144;
// The corridor's band: the 99 % cross-track half-width (engine::kCorridorProbabilities[2]).
constexpr std::size_t kCorridorLevel = 2;
// Mean Earth radius for the sets' rms spread (a threshold test, not a statistic) [km].
constexpr double kMeanRadius_km = 6371.0;

// Collects one set's impacts: counts, bounding box, and the bottom-k subsample.
struct SetBuilder {
  ImpactSet set;
  stats::BottomKSample<LatLon> sample;
  SetBuilder(std::string name, ImpactSet::Kind kind, std::size_t k) : sample(k) {
    set.name = std::move(name);
    set.kind = kind;
  }
  void add(std::uint64_t id, double lat_deg, double lon_deg, double site_lon_deg) {
    if (!std::isfinite(lat_deg) || !std::isfinite(lon_deg)) return;
    ++set.total;
    const double u = unwrap(lon_deg, site_lon_deg);
    set.south_deg = std::min(set.south_deg, lat_deg);
    set.north_deg = std::max(set.north_deg, lat_deg);
    set.west_deg = std::min(set.west_deg, u);
    set.east_deg = std::max(set.east_deg, u);
    sample.add(id, {lat_deg, lon_deg});
  }
  ImpactSet finish(double site_lon_deg) {
    for (const auto& item : sample.items()) set.shown.push_back(item.value);
    const std::size_t n = set.shown.size();
    if (n >= 2) {
      double lat = 0, lon = 0;
      for (const LatLon& p : set.shown) {
        lat += p.lat_deg;
        lon += unwrap(p.lon_deg, site_lon_deg);
      }
      lat /= static_cast<double>(n);
      lon /= static_cast<double>(n);
      const double k = kMeanRadius_km * std::numbers::pi / 180.0;
      const double c = std::cos(lat * std::numbers::pi / 180.0);
      double sum = 0;
      for (const LatLon& p : set.shown) {
        const double dy = (p.lat_deg - lat) * k,
                     dx = (unwrap(p.lon_deg, site_lon_deg) - lon) * k * c;
        sum += dx * dx + dy * dy;
      }
      set.rms_km = std::sqrt(sum / static_cast<double>(n));
    }
    return std::move(set);
  }
};

// The 95 % ellipse of a body, drawn on the azimuthal equidistant plane of its mean impact (the
// summary's plane is that of the nominal impact: for footprints of a few hundred km the two
// outlines differ by far less than a pixel).
Outline ellipse_outline(const engine::BodySummary& b, const engine::EllipseStats& e) {
  Outline o;
  o.name = b.name;
  const double az = e.orientation_deg * std::numbers::pi / 180.0;
  // Major axis along azimuth az (clockwise from north): (east, north) = (sin az, cos az).
  const double ux = std::sin(az), uy = std::cos(az);
  for (int i = 0; i <= kEllipseVertices; ++i) {
    const double t = 2.0 * std::numbers::pi * (i % kEllipseVertices) / kEllipseVertices;
    const double a = e.semi_major_km * 1e3 * std::cos(t), c = e.semi_minor_km * 1e3 * std::sin(t);
    const Eigen::Vector2d en(a * ux + c * uy, a * uy - c * ux);
    LatLon p;
    stats::unproject_en_m(b.impact_mean_lat_deg, b.impact_mean_lon_deg, en, p.lat_deg, p.lon_deg);
    o.points.push_back(p);
  }
  return o;
}

std::string count_text(double v) { return fmt::format("{:L}", static_cast<std::uint64_t>(v)); }

// The 99 % cross-track band about the nominal IIP track: at every grid time with a nominal IIP
// and impacting samples, the points at the half-width to the left and right of the track's
// direction (geodesics on WGS-84); the left edge forwards, the right edge back.
std::optional<Outline> corridor_outline(const engine::IipCorridorSummary& c) {
  const GeographicLib::Geodesic& g = GeographicLib::Geodesic::WGS84();
  std::vector<const engine::CorridorPoint*> pts;
  for (const auto& p : c.track)
    if (std::isfinite(p.nominal_lat_deg) && std::isfinite(p.nominal_lon_deg) && p.impacting > 0 &&
        std::isfinite(p.cross_halfwidth_km[kCorridorLevel]))
      pts.push_back(&p);
  if (pts.size() < 2) return std::nullopt;
  std::vector<LatLon> left, right;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    const auto* a = pts[i == 0 ? 0 : i - 1];
    const auto* b = pts[i == 0 ? 1 : i];
    double s12, azi1, azi2;
    g.Inverse(a->nominal_lat_deg, a->nominal_lon_deg, b->nominal_lat_deg, b->nominal_lon_deg, s12,
              azi1, azi2);
    // The azimuth at point i: at b's end when i is the segment's end, at a's start for i = 0.
    const double azimuth = i == 0 ? azi1 : azi2;
    if (!(s12 > 0)) continue;  // two grid times at one point: no direction
    const double w_m = pts[i]->cross_halfwidth_km[kCorridorLevel] * 1e3;
    LatLon l, r;
    g.Direct(pts[i]->nominal_lat_deg, pts[i]->nominal_lon_deg, azimuth - 90.0, w_m, l.lat_deg,
             l.lon_deg);
    g.Direct(pts[i]->nominal_lat_deg, pts[i]->nominal_lon_deg, azimuth + 90.0, w_m, r.lat_deg,
             r.lon_deg);
    left.push_back(l);
    right.push_back(r);
  }
  if (left.size() < 2) return std::nullopt;
  Outline o;
  o.name = "IIP corridor (99 %)";
  o.points = left;
  o.points.insert(o.points.end(), right.rbegin(), right.rend());
  o.points.push_back(o.points.front());
  return o;
}

// The nominal flight's ground track (/iip/nominal/vehicle_*; files from before 2026-12-01 have
// none): NaN points dropped.
std::vector<LatLon> read_ground_track(const std::filesystem::path& path) {
  io::h5::File file = io::h5::File::open_read(path);
  const io::h5::Group root = file.root();
  std::vector<LatLon> track;
  if (!root.has("iip")) return track;
  const io::h5::Group nominal = root.open_group("iip").open_group("nominal");
  if (!nominal.has("vehicle_lat_deg") || !nominal.has("vehicle_lon_deg")) return track;
  const auto lat = nominal.read<double>("vehicle_lat_deg"),
             lon = nominal.read<double>("vehicle_lon_deg");
  if (lat.size() != lon.size())
    throw std::runtime_error(
        fmt::format("map: {}: /iip/nominal: vehicle_lat_deg and vehicle_lon_deg differ in length",
                    path.string()));
  for (std::size_t i = 0; i < lat.size(); ++i)
    if (std::isfinite(lat[i]) && std::isfinite(lon[i])) track.push_back({lat[i], lon[i]});
  return track;
}

std::optional<RiskGrid> read_risk(const std::filesystem::path& path) {
  io::h5::File file = io::h5::File::open_read(path);
  const io::h5::Group root = file.root();
  if (!root.has("risk")) return std::nullopt;
  const io::h5::Group g = root.open_group("risk");
  const auto bad = [&](const std::string& what) {
    return std::runtime_error(
        fmt::format("map: {}: /risk: {} (the file is damaged or written by a "
                    "newer launchmc; `launchmc risk` rewrites it)",
                    path.string(), what));
  };
  const std::string version = g.attribute<std::string>("format_version");
  if (version.substr(0, version.find('.')) != "1")
    throw bad("format_version " + version + ", this launchmc reads 1.x");
  RiskGrid r;
  r.west_deg = g.attribute<double>("west_deg");
  r.north_deg = g.attribute<double>("north_deg");
  r.step_deg = g.attribute<double>("grid_step_deg");
  r.nx = g.attribute<std::uint64_t>("nx");
  r.ny = g.attribute<std::uint64_t>("ny");
  r.samples = g.attribute<std::uint64_t>("samples");
  if (!(r.step_deg > 0) || !std::isfinite(r.west_deg) || !(std::abs(r.north_deg) <= 90) ||
      r.nx == 0 || r.ny == 0 || r.nx > 100000 || r.ny > 100000 ||
      r.north_deg - static_cast<double>(r.ny) * r.step_deg < -90.0 - 1e-9)
    throw bad(fmt::format("grid west {} north {} step {} nx {} ny {} is not a grid", r.west_deg,
                          r.north_deg, r.step_deg, r.nx, r.ny));
  const auto names = g.read<std::string>("groups/name");
  const auto any = std::find(names.begin(), names.end(), "any");
  if (any == names.end()) throw bad("groups/name has no group 'any'");
  r.group = "any";
  const std::uint64_t any_index = static_cast<std::uint64_t>(any - names.begin());
  const auto group = g.read<std::uint64_t>("cells/group");
  const auto cell = g.read<std::uint64_t>("cells/cell");
  const auto p = g.read<double>("cells/probability");
  if (group.size() != cell.size() || p.size() != cell.size())
    throw bad("cells/group, cell and probability differ in length");
  for (std::size_t i = 0; i < cell.size(); ++i) {
    // Every row is checked, not only the drawn group's: a damaged table is refused whole.
    if (group[i] >= names.size()) throw bad(fmt::format("cells/group row {} is {}", i, group[i]));
    if (cell[i] >= r.nx * r.ny)
      throw bad(
          fmt::format("cells/cell row {} is {}, the grid has {} cells", i, cell[i], r.nx * r.ny));
    if (!(p[i] >= 0.0 && p[i] <= 1.0))
      throw bad(fmt::format("cells/probability row {} is {}, not in [0, 1]", i, p[i]));
    if (group[i] != any_index || p[i] == 0.0) continue;
    r.cell.push_back(cell[i]);
    r.probability.push_back(p[i]);
  }
  return r;
}

// The contours the map draws (RiskAreas) and the hazard areas, from /risk/contours and
// /risk/hazard_areas; none when the file has no /risk or a /risk 1.0 (before contours).
std::optional<RiskAreas> read_risk_areas(const std::filesystem::path& path) {
  io::h5::File file = io::h5::File::open_read(path);
  const io::h5::Group root = file.root();
  if (!root.has("risk")) return std::nullopt;
  const io::h5::Group g = root.open_group("risk");
  if (!g.has("contours") && !g.has("hazard_areas")) return std::nullopt;
  risk::HazardAreas all;
  try {
    all = io::read_hazard_areas(g);
  } catch (const std::exception& e) {
    throw std::runtime_error(
        fmt::format("map: {}: /risk: {} (the file is damaged or written by a newer launchmc; "
                    "`launchmc risk` rewrites it)",
                    path.string(), e.what()));
  }
  RiskAreas out;
  out.hazards.ships = std::move(all.ships);
  out.hazards.aircraft = std::move(all.aircraft);
  for (risk::Footprint& f : all.footprints) {
    if (f.kind != risk::GroupKind::any && f.kind != risk::GroupKind::body &&
        f.kind != risk::GroupKind::fragment_class) {
      out.groups_left_out.push_back(f.name);
      continue;
    }
    std::erase_if(f.levels, [](const risk::ContourLevel& l) {
      return std::none_of(kMapContourLevels.begin(), kMapContourLevels.end(),
                          [&](double p) { return std::abs(l.p - p) < 1e-9; });
    });
    out.hazards.footprints.push_back(std::move(f));
  }
  return out;
}

}  // namespace

MapData read_map_data(const std::filesystem::path& run_path, std::size_t max_points) {
  io::RunFileReader reader(run_path);
  const io::RunFile& info = reader.info();
  MapData d;
  d.run_path = run_path;
  d.scenario = info.meta.scenario;
  d.seed = info.meta.seed;
  d.sampler = info.meta.sampler;
  d.samples = reader.rows();
  d.site = {info.meta.site_lat_deg, info.meta.site_lon_deg};
  const double site_lon = info.meta.site_lon_deg;

  engine::SummaryReducer summary = io::summary_reducer_for(info);
  std::optional<engine::IipCorridorReducer> corridor;
  if (info.iip) corridor.emplace(*info.iip);

  std::vector<SetBuilder> bodies;
  for (const auto& slot : info.slots)
    bodies.emplace_back(slot.name, ImpactSet::Kind::body, max_points);
  SetBuilder vehicle("vehicle", ImpactSet::Kind::vehicle, max_points);
  SetBuilder others("other bodies", ImpactSet::Kind::other_bodies, max_points);
  std::map<std::string, SetBuilder, std::less<>> classes;

  engine::Block b;
  while (reader.next(b, 65536)) {
    summary.add(b);
    if (corridor) corridor->add(b);
    engine::for_each_impact(b, [&](const engine::Impact& i) {
      const std::uint64_t row = b.first + i.row;
      // Ids of ragged entries: the row, and the entry's place in the row (at most 2^20 a row).
      const std::uint64_t entry_id = row << 20 | i.index;
      switch (i.kind) {
        case engine::Impact::Kind::body:
          bodies[i.index].add(row, i.lat_deg, i.lon_deg, site_lon);
          break;
        case engine::Impact::Kind::vehicle:
          vehicle.add(row, i.lat_deg, i.lon_deg, site_lon);
          break;
        case engine::Impact::Kind::other_body:
          others.add(entry_id, i.lat_deg, i.lon_deg, site_lon);
          break;
        case engine::Impact::Kind::fragment: {
          const std::string_view name = b.fragments.classes[i.entry].view();
          auto it = classes.find(name);
          if (it == classes.end())
            it = classes
                     .emplace(
                         std::string(name),
                         SetBuilder(std::string(name), ImpactSet::Kind::fragment_class, max_points))
                     .first;
          it->second.add(entry_id, i.lat_deg, i.lon_deg, site_lon);
          break;
        }
      }
    });
  }
  for (auto& s : bodies) d.impacts.push_back(s.finish(site_lon));
  d.impacts.push_back(vehicle.finish(site_lon));
  d.impacts.push_back(others.finish(site_lon));
  for (auto& [name, s] : classes) d.impacts.push_back(s.finish(site_lon));  // sorted by name

  const engine::Summary s = summary.finish(info.meta);
  for (const auto& body : s.bodies) {
    const auto e = std::find_if(body.ellipses.begin(), body.ellipses.end(),
                                [](const auto& x) { return x.probability == kEllipseProbability; });
    if (body.impacted == 0) continue;
    if (body.impacted < engine::kFewImpacts) {
      d.no_ellipse.push_back(fmt::format("{}: {} impacts (fewer than {})", body.name, body.impacted,
                                         engine::kFewImpacts));
    } else if (body.rms_distance_km > engine::kScatteredRmsKm) {
      d.no_ellipse.push_back(fmt::format("{}: scattered over {} km rms", body.name,
                                         count_text(std::round(body.rms_distance_km))));
    } else if (e != body.ellipses.end() && std::isfinite(e->semi_major_km) &&
               std::isfinite(body.impact_mean_lat_deg)) {
      d.ellipses_95.push_back(ellipse_outline(body, *e));
    }
  }
  if (info.iip) {
    for (const auto& p : info.iip->nominal)
      if (std::isfinite(p.lat_deg) && std::isfinite(p.lon_deg))
        d.nominal_iip.push_back({p.lat_deg, p.lon_deg});
  }
  d.nominal_ground_track = read_ground_track(run_path);
  if (corridor) {
    d.iip_corridor = corridor->finish();
    d.iip_corridor_99 = corridor_outline(*d.iip_corridor);
  }
  d.risk = read_risk(run_path);
  d.risk_areas = read_risk_areas(run_path);
  const auto add_shape = [&](const engine::IipZoneSpec& z, const char* source) {
    NamedShape shape{z.name, source, z.region, {{}}};
    for (const auto& p : z.points) shape.rings[0].push_back({p.lat_deg, p.lon_deg});
    const auto same = [&](const NamedShape& o) {
      if (o.name != shape.name || o.closed != shape.closed ||
          o.rings[0].size() != shape.rings[0].size())
        return false;
      for (std::size_t i = 0; i < o.rings[0].size(); ++i)
        if (o.rings[0][i].lat_deg != shape.rings[0][i].lat_deg ||
            o.rings[0][i].lon_deg != shape.rings[0][i].lon_deg)
          return false;
      return true;
    };
    if (std::none_of(d.shapes.begin(), d.shapes.end(), same)) d.shapes.push_back(std::move(shape));
  };
  for (const auto& z : info.report_regions) add_shape(z, "report.regions");
  if (info.iip)
    for (const auto& z : info.iip->zones) add_shape(z, z.region ? "iip.regions" : "iip.lines");
  return d;
}

}  // namespace launchmc::map
