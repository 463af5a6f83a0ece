// The risk command's work on a run file (risk_file.hpp).
#include "io/risk_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "engine/impacts.hpp"
#include "geo/country_classifier.hpp"
#include "geo/polygon.hpp"
#include "io/geotiff.hpp"
#include "io/group_state.hpp"
#include "io/hdf5_file.hpp"
#include "io/output_file.hpp"
#include "io/risk_hazards.hpp"
#include "risk/default_population.hpp"

namespace launchmc::io {

namespace {

// Feeds `visit` this process's rows of the file (its team share, or all), in slices of at most
// slice_rows.
template <typename Visit>
void for_each_own_slice(RunFileReader& reader, const RiskTeam* team, std::size_t slice_rows,
                        Visit visit) {
  const auto [first, last] = team ? row_range(reader.rows(), team->member(), team->members())
                                  : std::pair<std::uint64_t, std::uint64_t>{0, reader.rows()};
  engine::Block block;
  reader.seek(static_cast<std::size_t>(first));
  for (std::uint64_t at = first; at < last; at += block.count) {
    if (!reader.next(block,
                     static_cast<std::size_t>(std::min<std::uint64_t>(slice_rows, last - at))))
      break;
    visit(block);
  }
}

// The impacts' bounding box (longitudes unwrapped about the launch site's), one cell wider: of
// this process's rows, united with the team's when there is one.
risk::Region region_of_impacts(const std::filesystem::path& run, double step_deg,
                               std::size_t slice_rows, RiskTeam* team) {
  RunFileReader reader(run);
  reader.read_iip_tracks(false);  // impacts only
  const double ref = reader.info().meta.site_lon_deg;
  ImpactBox box;
  for_each_own_slice(reader, team, slice_rows, [&](const engine::Block& block) {
    engine::for_each_impact(block, [&](const engine::Impact& i) {
      const double lat = i.lat_deg, x = geo::unwrap_deg(i.lon_deg, ref);
      box.lat0_deg = std::min(box.lat0_deg, lat);
      box.lat1_deg = std::max(box.lat1_deg, lat);
      box.lon0_deg = std::min(box.lon0_deg, x);
      box.lon1_deg = std::max(box.lon1_deg, x);
      ++box.impacts;
    });
  });
  if (team) box = team->unite(box);
  if (box.impacts == 0)
    throw std::runtime_error(
        fmt::format("{}: no body, vehicle or fragment of the run landed: there is no impact to map",
                    run.string()));
  risk::Region r{box.lon0_deg - step_deg, std::max(-90.0, box.lat0_deg - step_deg),
                 box.lon1_deg + step_deg, std::min(90.0, box.lat1_deg + step_deg)};
  if (r.lon1_deg - r.lon0_deg >= 360.0) {
    r.lon0_deg = ref - 180.0;
    r.lon1_deg = ref + 180.0;
  }
  if (!(r.lat0_deg < r.lat1_deg)) r.lat1_deg = std::min(90.0, r.lat0_deg + step_deg);
  return r;
}

const risk::AreaGroup* find_group(const RiskComputation& c, std::string_view name,
                                  std::size_t* index) {
  for (std::size_t i = 0; i < c.areas.size(); ++i)
    if (c.areas[i].name == name) {
      *index = i;
      return &c.areas[i];
    }
  return nullptr;
}

nlohmann::json interval(const risk::Estimate& e) { return nlohmann::json::array({e.lo, e.hi}); }

}  // namespace

namespace {

// The options' own checks, before any reading of the file.
void check_options(const RiskOptions& options) {
  if (!(options.intact_casualty_area_m2 >= 0.0 && std::isfinite(options.intact_casualty_area_m2)))
    throw std::invalid_argument(fmt::format("--intact-casualty-area {}: must be >= 0 m^2",
                                            options.intact_casualty_area_m2));
  if (!(options.grid_deg > 0.0 && options.grid_deg <= 10.0))
    throw std::invalid_argument(
        fmt::format("--grid {}: the cell size must be > 0 and <= 10 deg", options.grid_deg));
  if (options.region) risk::Grid(*options.region, options.grid_deg);
}

std::unique_ptr<risk::PopulationRaster> load_population(const RiskOptions& options) {
  if (options.population.empty()) return nullptr;
  return std::make_unique<risk::PopulationRaster>(options.population);
}

// Member 0 of a team: the other members' states restored and merged into `c`'s reducers, in
// member order.
void merge_members(RiskComputation& c, std::optional<engine::IipCorridorReducer>& corridor,
                   const std::vector<engine::StateBuffer>& states) {
  for (const engine::StateBuffer& state : states) {
    risk::RiskReducer other(c.reducer->setup());
    other.restore(state.names("risk.groups"), engine::PrefixedStateReader(state, "risk."));
    c.reducer->merge(other);
    if (corridor) {
      engine::IipCorridorReducer part(corridor->setup());
      part.restore(engine::PrefixedStateReader(state, "iip."));
      corridor->merge(part);
    }
  }
}

// compute_risk with the run file open (`reader`, not yet read) and the population raster
// already read (null: none). With options.team, this member's share of the rows, and on members
// other than 0 a computation with no result (lead false).
RiskComputation compute_risk_with(const std::filesystem::path& run, RunFileReader& reader,
                                  const RiskOptions& options,
                                  const std::vector<risk::AreaGroup>& classifiers,
                                  std::unique_ptr<risk::PopulationRaster> population) {
  RiskComputation c;
  c.run_path = run;
  c.info = reader.info();
  c.population = std::move(population);
  const risk::Region region =
      options.region ? *options.region
                     : region_of_impacts(run, options.grid_deg, options.slice_rows, options.team);
  c.region_from_impacts = !options.region;
  c.areas = classifiers;
  const bool has_regions =
      std::any_of(classifiers.begin(), classifiers.end(),
                  [](const risk::AreaGroup& a) { return a.name == "regions"; });
  if (!has_regions && !c.info.report_regions.empty()) {
    std::vector<risk::NamedPolygon> polygons;
    for (const auto& z : c.info.report_regions) polygons.push_back({z.name, z.points});
    c.report_regions =
        std::make_unique<risk::PolygonAreas>(std::move(polygons), c.info.meta.site_lon_deg);
    c.areas.push_back({"regions", c.report_regions.get()});
  }
  risk::RiskSetup setup;
  setup.grid = risk::Grid(region, options.grid_deg);
  for (const auto& s : c.info.slots) setup.body_names.push_back(s.name);
  setup.failure_modes = c.info.meta.failure_names;
  setup.fragment_classes = c.info.fragment_classes;
  setup.stratum_probability = c.info.meta.strata.probabilities();
  setup.areas = c.areas;
  setup.population = c.population.get();
  setup.intact_casualty_area_m2 = options.intact_casualty_area_m2;
  c.reducer = std::make_unique<risk::RiskReducer>(std::move(setup));
  std::optional<engine::IipCorridorReducer> corridor;
  if (options.iip_corridor && c.info.iip) corridor.emplace(*c.info.iip);
  reader.read_iip_tracks(corridor.has_value());  // the maps need impacts only
  RiskTeam* const team = options.team;
  for_each_own_slice(reader, team, options.slice_rows, [&](const engine::Block& block) {
    c.reducer->add(block);
    if (corridor) corridor->add(block);
  });
  if (team) {
    engine::StateBuffer mine;
    if (team->member() != 0) {
      mine.put_names("risk.groups", c.reducer->group_names());
      engine::PrefixedStateWriter risk_state(mine, "risk.");
      c.reducer->save(risk_state);
      if (corridor) {
        engine::PrefixedStateWriter iip_state(mine, "iip.");
        corridor->save(iip_state);
      }
    }
    const std::vector<engine::StateBuffer> others = team->gather(mine);
    if (team->member() != 0) {
      c.lead = false;
      return c;
    }
    merge_members(c, corridor, others);
  }
  if (corridor) c.iip_corridor = corridor->finish();
  c.result = c.reducer->finish();
  if (c.result.groups.empty() || c.result.groups[0].p_impact.value == 0.0)
    throw std::runtime_error(
        fmt::format("{}: no body, vehicle or fragment of the run landed: there is no impact to map",
                    run.string()));
  c.contour_bandwidth = options.contour_bandwidth;
  c.hazards = risk::compute_hazard_areas(*c.reducer, c.result, options.contour_bandwidth);
  return c;
}

}  // namespace

std::pair<std::uint64_t, std::uint64_t> row_range(std::uint64_t rows, int member, int members) {
  if (members < 1 || member < 0 || member >= members)
    throw std::invalid_argument(fmt::format("row_range: member {} of {}", member, members));
  // rows * m / R without overflowing 64 bits: (q R + r) m / R = q m + r m / R.
  const auto m = static_cast<std::uint64_t>(member), R = static_cast<std::uint64_t>(members);
  const std::uint64_t q = rows / R, rem = rows % R;
  auto at = [&](std::uint64_t k) { return q * k + rem * k / R; };
  return {at(m), at(m + 1)};
}

RiskComputation compute_risk(const std::filesystem::path& run, const RiskOptions& options,
                             const std::vector<risk::AreaGroup>& classifiers) {
  if (options.team)
    throw std::logic_error("compute_risk: a team shares compute_risk_with_geography only");
  check_options(options);
  RunFileReader reader(run);  // a file that is not a run file is refused before the raster
  return compute_risk_with(run, reader, options, classifiers, load_population(options));
}

RiskComputation compute_risk_with_geography(const std::filesystem::path& run,
                                            const RiskOptions& options,
                                            const GeographyBuilder& geography) {
  check_options(options);
  RunFileReader reader(run);  // a file that is not a run file is refused before any pass
  const risk::Region impacts =
      region_of_impacts(run, options.grid_deg, options.slice_rows, options.team);
  // The user's inputs are checked before the geography is built (loading the countries takes
  // seconds): the raster is read, and the map's grid checked, first.
  std::unique_ptr<risk::PopulationRaster> population = load_population(options);
  RiskOptions with_region = options;
  if (!with_region.region) with_region.region = impacts;
  risk::Grid(*with_region.region, options.grid_deg);
  if (options.default_population) {
    if (population)
      throw std::invalid_argument("--population: give a raster file or `default`, not both");
    const risk::Region& r = *with_region.region;
    const geo::LonLatBox box{r.lon0_deg, r.lat0_deg, r.lon1_deg, r.lat1_deg};
    const geo::CountryClassifier countries(box);
    population = std::make_unique<risk::PopulationRaster>(risk::default_population(
        box, options.grid_deg, countries, risk::natural_earth_densities()));
  }
  RiskGeography g = geography(impacts);
  RiskComputation c = compute_risk_with(run, reader, with_region, g.groups, std::move(population));
  c.region_from_impacts = !options.region;
  c.geography = std::move(g);  // the classifiers keep their addresses: c.areas stays valid
  return c;
}

void write_risk(const std::filesystem::path& run, const std::filesystem::path& output,
                const RiskComputation& c) {
  const risk::RiskReducer& red = *c.reducer;
  const risk::Grid& grid = red.setup().grid;
  AtomicOutput out(output);
  std::filesystem::copy_file(run, out.temporary(),
                             std::filesystem::copy_options::overwrite_existing);
  {
    h5::File file = h5::File::open_append(out.temporary());
    h5::Group root = file.root();
    if (root.has("risk")) root.remove("risk");
    h5::Group g = root.create_group("risk");
    g.set_attribute("format_version", kRiskFormatVersion);
    g.set_attribute("meaning",
                    "debris-risk maps (launchmc risk): per group of impacts, per cell and per "
                    "area, per flight; see docs/hdf5_format.md");
    g.set_attribute("samples", c.result.samples);
    g.set_attribute("grid_step_deg", grid.step_deg());
    g.set_attribute("west_deg", grid.west_deg());
    g.set_attribute("north_deg", grid.north_deg());
    g.set_attribute("east_deg", grid.east_deg());
    g.set_attribute("south_deg", grid.south_deg());
    g.set_attribute("nx", static_cast<std::uint64_t>(grid.nx()));
    g.set_attribute("ny", static_cast<std::uint64_t>(grid.ny()));
    g.set_attribute("region_from", c.region_from_impacts ? "impacts" : "option");
    g.set_attribute("intact_casualty_area_m2", red.setup().intact_casualty_area_m2);
    g.set_attribute("population", c.population ? c.population->source() : std::string());
    g.set_attribute("ec_criterion", risk::kCollectiveRiskCriterion);
    g.set_attribute("max_density_per_km2", c.result.max_density_per_km2);
    std::vector<double> area(grid.ny());
    for (std::size_t r = 0; r < grid.ny(); ++r) area[r] = grid.cell_area_km2(r);
    g.write<double>("cell_area_km2", area).set_attribute("units", "km^2");

    const auto names = red.group_names();
    const auto kinds = red.group_kinds();
    h5::Group gg = g.create_group("groups");
    gg.write<std::string>("name", names);
    std::vector<std::string> kind_names;
    for (const auto k : kinds) kind_names.emplace_back(risk::to_string(k));
    gg.write<std::string>("kind", kind_names);
    const auto column = [&](const char* name, const char* units, auto&& value) {
      std::vector<double> v;
      for (const auto& r : c.result.groups) v.push_back(value(r));
      gg.write<double>(name, v).set_attribute("units", units);
    };
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    column("p_impact", "1", [](const auto& r) { return r.p_impact.value; });
    column("p_impact_ci95_lo", "1", [](const auto& r) { return r.p_impact.lo; });
    column("p_impact_ci95_hi", "1", [](const auto& r) { return r.p_impact.hi; });
    column("expected_pieces", "1", [](const auto& r) { return r.expected_pieces; });
    column("expected_pieces_outside", "1", [](const auto& r) { return r.expected_pieces_outside; });
    column("ec", "1", [&](const auto& r) { return r.ec ? r.ec->value : nan; });
    column("ec_ci95_lo", "1", [&](const auto& r) { return r.ec ? r.ec->lo : nan; });
    column("ec_ci95_hi", "1", [&](const auto& r) { return r.ec ? r.ec->hi : nan; });
    column("flights_hit", "1", [](const auto& r) { return static_cast<double>(r.flights_hit); });
    column("effective_flights", "1", [](const auto& r) { return r.effective_flights; });
    column("ec_flights", "1",
           [&](const auto& r) { return r.ec ? static_cast<double>(r.ec_flights) : nan; });

    // Sparse maps: the cells with a nonzero value, per group.
    h5::Group cg = g.create_group("cells");
    std::vector<std::uint64_t> cgroup, cell;
    std::vector<double> prob, prob_lo, prob_hi, expected, prob_km2, expected_km2;
    for (std::size_t gi = 0; gi < names.size(); ++gi)
      for (const auto& entry : red.sparse_maps(gi)) {  // no dense map of the grid per group
        const double a = area[entry.cell / grid.nx()];
        cgroup.push_back(gi);
        cell.push_back(entry.cell);
        prob.push_back(entry.probability);
        prob_lo.push_back(entry.probability_lo);
        prob_hi.push_back(entry.probability_hi);
        expected.push_back(entry.expected);
        prob_km2.push_back(entry.probability / a);
        expected_km2.push_back(entry.expected / a);
      }
    cg.write<std::uint64_t>("group", cgroup);
    cg.write<std::uint64_t>("cell", cell);
    cg.write<double>("probability", prob).set_attribute("units", "1");
    cg.write<double>("probability_ci95_lo", prob_lo).set_attribute("units", "1");
    cg.write<double>("probability_ci95_hi", prob_hi).set_attribute("units", "1");
    cg.write<double>("expected_impacts", expected).set_attribute("units", "1");
    cg.write<double>("probability_per_km2", prob_km2).set_attribute("units", "1/km^2");
    cg.write<double>("expected_impacts_per_km2", expected_km2).set_attribute("units", "1/km^2");
    if (c.population) {
      std::vector<std::uint64_t> ecell;
      std::vector<double> ev, ev_km2;
      for (const auto& [i, ec] : red.casualty_cells()) {  // no dense map of the grid
        ecell.push_back(i);
        ev.push_back(ec);
        ev_km2.push_back(ec / area[i / grid.nx()]);
      }
      h5::Group eg = g.create_group("ec_cells");
      eg.write<std::uint64_t>("cell", ecell);
      eg.write<double>("ec", ev).set_attribute("units", "1");
      eg.write<double>("ec_per_km2", ev_km2).set_attribute("units", "1/km^2");
    }
    // Areas: [group][area + union] matrices, row-major.
    for (std::size_t a = 0; a < c.areas.size(); ++a) {
      h5::Group ag = g.create_group("areas/" + c.areas[a].name);
      std::vector<std::string> an;
      for (std::size_t i = 0; i < c.areas[a].classifier->size(); ++i)
        an.push_back(c.areas[a].classifier->name(i));
      an.emplace_back("(any)");
      ag.write<std::string>("name", an);
      std::vector<double> p, lo, hi;
      for (const auto& r : c.result.groups)
        for (const auto& x : r.areas[a]) {
          p.push_back(x.p.value);
          lo.push_back(x.p.lo);
          hi.push_back(x.p.hi);
        }
      ag.write<double>("p", p).set_attribute("units", "1");
      ag.write<double>("p_ci95_lo", lo).set_attribute("units", "1");
      ag.write<double>("p_ci95_hi", hi).set_attribute("units", "1");
    }
    write_hazard_areas(g, c.hazards, c.contour_bandwidth);
    GroupStateWriter state(g.create_group("state"));
    red.save(state);
    file.close();
  }
  out.commit();
}

nlohmann::json risk_to_json(const RiskComputation& c) {
  using nlohmann::json;
  std::size_t land = 0, countries = 0, regions = 0;
  const bool has_land = find_group(c, "land", &land) != nullptr;
  const bool has_countries = find_group(c, "countries", &countries) != nullptr;
  const bool has_regions = find_group(c, "regions", &regions) != nullptr;
  const auto p_land = [&](const risk::GroupResult& g, json& j) {
    if (has_land) {
      const risk::AreaResult& u = g.areas[land].back();  // the union of the land areas
      j["p_land"] = u.p.value;
      j["p_land_ci95"] = interval(u.p);
    } else {
      j["p_land"] = nullptr;
      j["p_land_ci95"] = nullptr;
    }
  };
  json j;
  j["samples"] = c.result.samples;
  const risk::GroupResult& any = c.result.groups.at(0);
  json a = json::object();
  p_land(any, a);
  a["ec"] = any.ec ? json(any.ec->value) : json(nullptr);
  a["ec_ci95"] = any.ec ? interval(*any.ec) : json(nullptr);
  a["ec_flights"] = any.ec ? json(any.ec_flights) : json(nullptr);
  j["any"] = a;
  json bodies = json::array();
  for (const risk::GroupResult& g : c.result.groups) {
    if (g.kind == risk::GroupKind::any || g.kind == risk::GroupKind::failure_mode ||
        g.kind == risk::GroupKind::normal_flight)
      continue;
    json b;
    b["name"] = g.name;
    p_land(g, b);
    json cn = json::object();
    if (has_countries)
      for (std::size_t i = 0; i + 1 < g.areas[countries].size(); ++i)
        if (g.areas[countries][i].p.value > 0)
          cn[g.areas[countries][i].name] = g.areas[countries][i].p.value;
    b["countries"] = cn;
    b["ec"] = g.ec ? json(g.ec->value) : json(nullptr);
    b["ec_ci95"] = g.ec ? interval(*g.ec) : json(nullptr);
    b["ec_flights"] = g.ec ? json(g.ec_flights) : json(nullptr);
    bodies.push_back(b);
  }
  j["bodies"] = bodies;
  json rs = json::array();
  if (has_regions)
    for (std::size_t i = 0; i + 1 < any.areas[regions].size(); ++i) {
      const risk::AreaResult& r = any.areas[regions][i];
      rs.push_back({{"name", r.name}, {"p", r.p.value}, {"p_ci95", interval(r.p)}});
    }
  j["regions"] = rs;
  add_hazard_areas_json(j, c.hazards);
  return j;
}

std::vector<std::filesystem::path> write_risk_geotiffs(const std::string& prefix,
                                                       const RiskComputation& c) {
  const risk::RiskReducer& red = *c.reducer;
  std::vector<std::filesystem::path> written;
  written.emplace_back(prefix + "_probability.tif");
  // One dense band at a time: a run whose impacts span the globe has a grid of millions of cells.
  write_geotiff(written.back(), red.setup().grid, red.group_names(),
                [&](std::size_t g) { return red.probability_map(g); });
  if (c.population) {
    written.emplace_back(prefix + "_ec.tif");
    write_geotiff(written.back(), red.setup().grid, {{"ec", red.casualty_map()}});
  }
  return written;
}

std::string risk_text(const RiskComputation& c) {
  std::ostringstream s;
  const risk::Grid& grid = c.reducer->setup().grid;
  s << fmt::format("risk of {}: {} samples, grid {}{}\n", c.run_path.string(), c.result.samples,
                   grid.describe(), c.region_from_impacts ? " (the impacts' box)" : "");
  s << fmt::format("{:<28} {:<15} {:>10} {:>23} {:>12} {:>12}\n", "group", "kind", "P(impact)",
                   "95 % CI", "pieces", "outside");
  for (const risk::GroupResult& g : c.result.groups)
    s << fmt::format("{:<28} {:<15} {:>10.4g} [{:>9.4g}, {:>9.4g}] {:>12.4g} {:>12.4g}\n", g.name,
                     risk::to_string(g.kind), g.p_impact.value, g.p_impact.lo, g.p_impact.hi,
                     g.expected_pieces, g.expected_pieces_outside);
  for (std::size_t a = 0; a < c.areas.size(); ++a) {
    s << fmt::format("areas '{}' (all debris): P(at least one piece inside) per flight\n",
                     c.areas[a].name);
    for (const risk::AreaResult& r : c.result.groups[0].areas[a])
      s << fmt::format("  {:<30} {:.4g} [{:.4g}, {:.4g}]\n",
                       r.name.empty() ? "(any of them)" : r.name, r.p.value, r.p.lo, r.p.hi);
  }
  const risk::GroupResult& any = c.result.groups[0];
  if (any.ec) {
    const char* verdict = any.ec->hi <= risk::kCollectiveRiskCriterion  ? "meets"
                          : any.ec->lo > risk::kCollectiveRiskCriterion ? "exceeds"
                                                                        : "cannot be decided "
                                                                          "against";
    s << fmt::format(
        "expected casualties Ec = {:.4g} [{:.4g}, {:.4g}] per flight (95 %): {} the "
        "1e-4 collective-risk criterion of 14 CFR 450.101\n",
        any.ec->value, any.ec->lo, any.ec->hi, verdict);
    if (any.ec_flights == 0)
      s << fmt::format(
          "  no flight put debris on a populated cell: the upper bound assumes the densest cell "
          "of the grid ({:.4g} /km^2) under the largest debris a flight landed\n",
          c.result.max_density_per_km2);
    else
      s << fmt::format(
          "  {} of {} flights put debris on a populated cell{}\n", any.ec_flights, c.result.samples,
          any.ec_flights < 30 ? ": few, the interval widens to the count's (Wilson)" : "");
  } else {
    s << "expected casualties: not computed (no population raster: give --population FILE)\n";
  }
  s << hazard_areas_text(c.hazards);
  return s.str();
}

}  // namespace launchmc::io
