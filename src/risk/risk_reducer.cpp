// The risk maps' reducer (risk_reducer.hpp).
#include "risk/risk_reducer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "engine/columns.hpp"
#include "engine/impacts.hpp"
#include "engine/outcome.hpp"
#include "stats/stratified.hpp"

namespace launchmc::risk {

const char* to_string(GroupKind kind) noexcept {
  switch (kind) {
    case GroupKind::any:
      return "any";
    case GroupKind::body:
      return "body";
    case GroupKind::vehicle:
      return "vehicle";
    case GroupKind::failure_mode:
      return "failure_mode";
    case GroupKind::normal_flight:
      return "normal_flight";
    case GroupKind::fragment_class:
      return "fragment_class";
  }
  return "?";
}

RiskReducer::RiskReducer(RiskSetup setup) : setup_(std::move(setup)) {
  if (setup_.stratum_probability.empty()) setup_.stratum_probability = {1.0};
  strata_ = setup_.stratum_probability.size();
  if (strata_ > 255) throw std::invalid_argument("risk: more than 255 strata");
  if (setup_.grid.cells() == 0) throw std::invalid_argument("risk: an empty grid");
  if (!(setup_.intact_casualty_area_m2 >= 0.0 && std::isfinite(setup_.intact_casualty_area_m2)))
    throw std::invalid_argument("risk: the intact casualty area must be >= 0 m^2");
  for (const AreaGroup& a : setup_.areas) {
    if (!a.classifier) throw std::invalid_argument("risk: area group '" + a.name + "' is null");
    area_offset_.push_back(area_slots_);
    area_slots_ += a.classifier->size() + 1;  // the areas, then their union
  }
  area_hits_.resize(setup_.areas.size());
  for (std::size_t c = 0; c < setup_.areas.size(); ++c)
    area_hits_[c].reserve(setup_.areas[c].classifier->size());
  rows_.assign(strata_, 0);
  groups_.push_back(make_group("any", GroupKind::any));
  for (const std::string& b : setup_.body_names) groups_.push_back(make_group(b, GroupKind::body));
  groups_.push_back(make_group("vehicle", GroupKind::vehicle));
  for (const std::string& m : setup_.failure_modes)
    groups_.push_back(make_group(m, GroupKind::failure_mode));
  first_normal_group_ = groups_.size();
  // Without failure modes every flight is a normal one: the bodies' own groups serve.
  if (!setup_.failure_modes.empty())
    for (const std::string& b : setup_.body_names)
      groups_.push_back(make_group(b + ":normal", GroupKind::normal_flight));
  first_fragment_group_ = groups_.size();
  groups_.reserve(groups_.size() + setup_.fragment_classes.size() + 64);
  for (const std::string& c : setup_.fragment_classes) fragment_group(c);
  touched_.reserve(groups_.capacity());
}

RiskReducer::Group RiskReducer::make_group(std::string name, GroupKind kind) const {
  Group g;
  g.name = std::move(name);
  g.kind = kind;
  g.samples_hit.assign(strata_, 0);
  g.pieces.resize(strata_);
  g.outside.resize(strata_);
  g.ec.resize(strata_);
  g.ec_sq.resize(strata_);
  g.ec_flights.assign(strata_, 0);
  g.area_max_m2.assign(strata_, 0.0);
  g.area_hits.assign(strata_ * area_slots_, 0);
  g.area_stamp.assign(area_slots_, 0);
  return g;
}

std::size_t RiskReducer::fragment_group(std::string_view name) {
  for (std::size_t g = first_fragment_group_; g < groups_.size(); ++g)
    if (groups_[g].name == name) return g;
  // A class seen for the first time (rare: allocates once per class).
  if (groups_.size() >= (1u << 24)) throw std::runtime_error("risk: too many fragment classes");
  groups_.push_back(make_group(std::string(name), GroupKind::fragment_class));
  touched_.reserve(groups_.size());
  return groups_.size() - 1;
}

std::uint64_t RiskReducer::samples() const noexcept {
  return std::accumulate(rows_.begin(), rows_.end(), std::uint64_t{0});
}

void RiskReducer::impact(std::size_t row, std::size_t stratum, int mode_group, std::size_t group,
                         double lat, double lon, double pieces, double area_m2,
                         std::size_t normal_group) {
  const std::uint64_t stamp = row + 1;
  const std::size_t cell = setup_.grid.cell_of(lat, lon);
  for (std::size_t c = 0; c < setup_.areas.size(); ++c)
    setup_.areas[c].classifier->classify(lat, lon, area_hits_[c]);
  const double density =
      setup_.population ? setup_.population->density_per_km2(lat, lon) : 0.0;  // [1/km^2]
  const double casualties = pieces * area_m2 * density * 1e-6;
  // The groups of the impact: "any", its own (none for other bodies: group 0), its failure mode,
  // its body's normal-flight group (0: none).
  std::size_t list[4] = {0, 0, 0, 0};
  std::size_t n = 1;
  if (group != 0) list[n++] = group;
  if (mode_group >= 0) list[n++] = static_cast<std::size_t>(mode_group);
  if (normal_group != 0) list[n++] = normal_group;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t gi = list[i];
    Group& g = groups_[gi];
    if (g.row_stamp != stamp) {
      g.row_stamp = stamp;
      g.ec_row = 0.0;
      g.area_row_m2 = 0.0;
      ++g.samples_hit[stratum];
      touched_.push_back(gi);
    }
    g.pieces[stratum].add(pieces);
    g.ec_row += casualties;
    g.area_row_m2 += pieces * area_m2;
    if (cell != Grid::npos) {
      CellSums& s = cells_.at(cell_key(gi, stratum, cell));
      s.pieces = add_fixed(s.pieces, to_fixed(pieces, kPieceUnit));
      if (gi == 0 && setup_.population)
        s.casualties = add_fixed(s.casualties, to_fixed(casualties, kCasualtyUnit));
      if (s.last_row != stamp) {
        s.last_row = stamp;
        ++s.samples;
      }
    } else {
      g.outside[stratum].add(pieces);
    }
    for (std::size_t c = 0; c < setup_.areas.size(); ++c) {
      if (area_hits_[c].empty()) continue;
      const std::size_t base = area_offset_[c];
      for (const std::size_t a : area_hits_[c]) {
        if (g.area_stamp[base + a] != stamp) {
          g.area_stamp[base + a] = stamp;
          ++g.area_hits[stratum * area_slots_ + base + a];
        }
      }
      const std::size_t u = base + setup_.areas[c].classifier->size();  // the union
      if (g.area_stamp[u] != stamp) {
        g.area_stamp[u] = stamp;
        ++g.area_hits[stratum * area_slots_ + u];
      }
    }
  }
}

void RiskReducer::end_row(std::size_t stratum) {
  for (const std::size_t gi : touched_) {
    Group& g = groups_[gi];
    g.ec[stratum].add(g.ec_row);
    g.ec_sq[stratum].add_product(g.ec_row, g.ec_row);
    if (g.ec_row > 0.0) ++g.ec_flights[stratum];
    g.area_max_m2[stratum] = std::max(g.area_max_m2[stratum], g.area_row_m2);
  }
  touched_.clear();
}

void RiskReducer::add(const engine::Block& b) {
  static const std::size_t c_mode = engine::sample_column("failure_mode"),
                           c_breakup = engine::sample_column("breakup_cause");
  const std::size_t n_slots = setup_.body_names.size();
  if (b.bodies.size() != n_slots)
    throw std::logic_error(fmt::format("risk: a block with {} body slots, the setup has {}",
                                       b.bodies.size(), n_slots));
  // Each row's stratum and groups are set at its start; its impacts then go to them.
  struct Visitor {
    RiskReducer& red;
    const engine::Block& b;
    const double intact;
    const std::size_t vehicle_group;
    std::size_t row = 0, k = 0;
    int mode_group = -1;
    bool normal = false;

    void begin_row(std::size_t r) {
      row = static_cast<std::size_t>(b.first + r);
      k = b.stratum.size() > r ? b.stratum[r] : 0;
      if (k >= red.strata_)
        throw std::logic_error(
            fmt::format("risk: row {} in stratum {} of {}", row, k, red.strata_));
      ++red.rows_[k];
      const double mode = b.sample[c_mode][r];
      mode_group = -1;
      if (mode >= 0) {
        if (mode >= static_cast<double>(red.setup_.failure_modes.size()))
          throw std::logic_error(fmt::format("risk: row {} has failure mode {}", row, mode));
        mode_group = static_cast<int>(vehicle_group + 1 + static_cast<std::size_t>(mode));
      }
      // Normal flight (14 CFR 450.133's "normal flight debris"): no failure drawn and no breakup
      // (a range-safety rule that fired on a dispersed flight is not normal flight either).
      normal = mode < 0 && b.sample[c_breakup][r] == 0.0 &&
               red.first_normal_group_ != red.first_fragment_group_;
    }
    void operator()(const engine::Impact& i) {
      using Kind = engine::Impact::Kind;
      switch (i.kind) {
        case Kind::body:
          red.impact(row, k, mode_group, 1 + i.index, i.lat_deg, i.lon_deg, 1.0, intact,
                     normal ? red.first_normal_group_ + i.index : 0);
          break;
        case Kind::vehicle:
          red.impact(row, k, mode_group, vehicle_group, i.lat_deg, i.lon_deg, 1.0, intact);
          break;
        case Kind::other_body:  // in "any" and their failure mode's group (no group of their own)
          red.impact(row, k, mode_group, 0, i.lat_deg, i.lon_deg, i.weight, intact);
          break;
        case Kind::fragment:
          red.impact(row, k, mode_group, red.fragment_group(b.fragments.classes[i.entry].view()),
                     i.lat_deg, i.lon_deg, i.weight,
                     i.casualty_area_m2 > 0.0 ? i.casualty_area_m2 : intact);
          break;
      }
    }
    void end_row(std::size_t) { red.end_row(k); }
  };
  engine::for_each_impact(b, Visitor{*this, b, setup_.intact_casualty_area_m2, 1 + n_slots});
}

void RiskReducer::merge(const engine::Reducer& other_base) {
  const auto* o = dynamic_cast<const RiskReducer*>(&other_base);
  if (!o || o->strata_ != strata_ || o->area_slots_ != area_slots_ ||
      o->setup_.grid.cells() != setup_.grid.cells() ||
      o->setup_.grid.west_deg() != setup_.grid.west_deg() ||
      o->setup_.grid.north_deg() != setup_.grid.north_deg() ||
      o->setup_.grid.step_deg() != setup_.grid.step_deg() ||
      o->first_fragment_group_ != first_fragment_group_)
    throw std::logic_error("risk: merging the state of another kind of risk reducer");
  for (std::size_t k = 0; k < strata_; ++k) rows_[k] += o->rows_[k];
  std::vector<std::size_t> map(o->groups_.size());
  for (std::size_t g = 0; g < o->groups_.size(); ++g)
    map[g] = g < first_fragment_group_ ? g : fragment_group(o->groups_[g].name);
  for (std::size_t g = 0; g < o->groups_.size(); ++g) {
    Group& a = groups_[map[g]];
    const Group& b = o->groups_[g];
    for (std::size_t k = 0; k < strata_; ++k) {
      a.samples_hit[k] += b.samples_hit[k];
      a.pieces[k].merge(b.pieces[k]);
      a.outside[k].merge(b.outside[k]);
      a.ec[k].merge(b.ec[k]);
      a.ec_sq[k].merge(b.ec_sq[k]);
      a.ec_flights[k] += b.ec_flights[k];
      a.area_max_m2[k] = std::max(a.area_max_m2[k], b.area_max_m2[k]);
    }
    for (std::size_t i = 0; i < a.area_hits.size(); ++i) a.area_hits[i] += b.area_hits[i];
  }
  o->cells_.for_each([&](const CellSums& s) {
    CellSums& t = cells_.at(cell_key(map[key_group(s.key)], key_stratum(s.key), key_cell(s.key)));
    t.pieces = add_fixed(t.pieces, s.pieces);
    t.casualties = add_fixed(t.casualties, s.casualties);
    t.samples += s.samples;
  });
}

std::vector<std::size_t> RiskReducer::canonical_order() const {
  std::vector<std::size_t> order(groups_.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin() + static_cast<std::ptrdiff_t>(first_fragment_group_), order.end(),
            [&](std::size_t a, std::size_t b) { return groups_[a].name < groups_[b].name; });
  return order;
}

std::vector<std::string> RiskReducer::group_names() const {
  std::vector<std::string> names;
  for (const std::size_t g : canonical_order()) names.push_back(groups_[g].name);
  return names;
}
std::vector<GroupKind> RiskReducer::group_kinds() const {
  std::vector<GroupKind> kinds;
  for (const std::size_t g : canonical_order()) kinds.push_back(groups_[g].kind);
  return kinds;
}

namespace {

// ExactSums as their concatenated terms and the end offset of each.
void put_sums(engine::StateWriter& out, const std::string& name,
              const std::vector<const stats::ExactSum*>& sums) {
  std::vector<double> terms;
  std::vector<std::uint64_t> end;
  for (const stats::ExactSum* s : sums) {
    const std::vector<double> t = s->terms();
    terms.insert(terms.end(), t.begin(), t.end());
    end.push_back(terms.size());
  }
  out.put(name + ".terms", std::span<const double>(terms));
  out.put(name + ".end", std::span<const std::uint64_t>(end));
}
std::vector<stats::ExactSum> get_sums(const engine::StateReader& in, const std::string& name,
                                      std::size_t count) {
  const std::vector<double> terms = in.doubles(name + ".terms");
  const std::vector<std::uint64_t> end = in.counts(name + ".end");
  if (end.size() != count) throw std::runtime_error("risk state: " + name + " has another size");
  std::vector<stats::ExactSum> sums;
  std::uint64_t begin = 0;
  for (const std::uint64_t e : end) {
    if (e < begin || e > terms.size()) throw std::runtime_error("risk state: bad " + name);
    sums.push_back(stats::ExactSum::from_terms(
        std::span<const double>(terms.data() + begin, static_cast<std::size_t>(e - begin))));
    begin = e;
  }
  return sums;
}

}  // namespace

void RiskReducer::save(engine::StateWriter& out) const {
  const std::vector<std::size_t> order = canonical_order();
  std::vector<std::size_t> position(groups_.size());
  for (std::size_t i = 0; i < order.size(); ++i) position[order[i]] = i;
  out.put("rows", std::span<const std::uint64_t>(rows_));
  std::vector<std::uint64_t> hit, area, ec_flights;
  std::vector<double> area_max;
  std::vector<const stats::ExactSum*> pieces, outside, ec, ec_sq;
  for (const std::size_t g : order) {
    const Group& gr = groups_[g];
    hit.insert(hit.end(), gr.samples_hit.begin(), gr.samples_hit.end());
    ec_flights.insert(ec_flights.end(), gr.ec_flights.begin(), gr.ec_flights.end());
    area_max.insert(area_max.end(), gr.area_max_m2.begin(), gr.area_max_m2.end());
    area.insert(area.end(), gr.area_hits.begin(), gr.area_hits.end());
    for (std::size_t k = 0; k < strata_; ++k) {
      pieces.push_back(&gr.pieces[k]);
      outside.push_back(&gr.outside[k]);
      ec.push_back(&gr.ec[k]);
      ec_sq.push_back(&gr.ec_sq[k]);
    }
  }
  out.put("samples_hit", std::span<const std::uint64_t>(hit));
  out.put("area_hits", std::span<const std::uint64_t>(area));
  out.put("ec_flights", std::span<const std::uint64_t>(ec_flights));
  out.put("area_max_m2", std::span<const double>(area_max));
  put_sums(out, "pieces", pieces);
  put_sums(out, "outside", outside);
  put_sums(out, "ec", ec);
  put_sums(out, "ec_sq", ec_sq);
  // Cells sorted by canonical key: the same list whatever order they were filled in.
  std::vector<CellSums> cells;
  cells.reserve(cells_.size());
  cells_.for_each([&](const CellSums& s) {
    CellSums c = s;
    c.key = cell_key(position[key_group(s.key)], key_stratum(s.key), key_cell(s.key));
    cells.push_back(c);
  });
  std::sort(cells.begin(), cells.end(),
            [](const CellSums& a, const CellSums& b) { return a.key < b.key; });
  std::vector<std::uint64_t> key, samples, fixed;
  for (const CellSums& c : cells) {
    key.push_back(c.key);
    samples.push_back(c.samples);
    fixed.push_back(static_cast<std::uint64_t>(c.pieces));
    fixed.push_back(static_cast<std::uint64_t>(c.casualties));
  }
  out.put("cell_key", std::span<const std::uint64_t>(key));
  out.put("cell_samples", std::span<const std::uint64_t>(samples));
  out.put("cell_fixed", std::span<const std::uint64_t>(fixed));  // pieces, casualties (int64)
}

void RiskReducer::restore(const std::vector<std::string>& names, const engine::StateReader& in) {
  if (samples() != 0) throw std::logic_error("risk: restore into a reducer that has rows");
  if (names.size() < first_fragment_group_)
    throw std::runtime_error("risk state: fewer groups than the run's bodies and failure modes");
  for (std::size_t g = 0; g < first_fragment_group_; ++g)
    if (names[g] != groups_[g].name)
      throw std::runtime_error(fmt::format("risk state: group {} is '{}', the run's is '{}'", g,
                                           names[g], groups_[g].name));
  std::vector<std::size_t> idx(names.size());
  for (std::size_t g = 0; g < names.size(); ++g)
    idx[g] = g < first_fragment_group_ ? g : fragment_group(names[g]);
  const std::size_t G = names.size();
  const auto rows = in.counts("rows");
  const auto hit = in.counts("samples_hit");
  const auto area = in.counts("area_hits");
  const auto ec_flights = in.counts("ec_flights");
  const auto area_max = in.doubles("area_max_m2");
  if (rows.size() != strata_ || hit.size() != G * strata_ ||
      area.size() != G * strata_ * area_slots_ || ec_flights.size() != G * strata_ ||
      area_max.size() != G * strata_)
    throw std::runtime_error("risk state: arrays of another size than the setup's");
  rows_ = rows;
  const auto pieces = get_sums(in, "pieces", G * strata_),
             outside = get_sums(in, "outside", G * strata_), ec = get_sums(in, "ec", G * strata_),
             ec_sq = get_sums(in, "ec_sq", G * strata_);
  for (std::size_t g = 0; g < G; ++g) {
    Group& gr = groups_[idx[g]];
    for (std::size_t k = 0; k < strata_; ++k) {
      gr.samples_hit[k] = hit[g * strata_ + k];
      gr.pieces[k] = pieces[g * strata_ + k];
      gr.outside[k] = outside[g * strata_ + k];
      gr.ec[k] = ec[g * strata_ + k];
      gr.ec_sq[k] = ec_sq[g * strata_ + k];
      gr.ec_flights[k] = ec_flights[g * strata_ + k];
      gr.area_max_m2[k] = area_max[g * strata_ + k];
    }
    std::copy_n(area.begin() + static_cast<std::ptrdiff_t>(g * strata_ * area_slots_),
                strata_ * area_slots_, gr.area_hits.begin());
  }
  const auto key = in.counts("cell_key"), samples = in.counts("cell_samples"),
             fixed = in.counts("cell_fixed");
  if (samples.size() != key.size() || fixed.size() != 2 * key.size())
    throw std::runtime_error("risk state: cell arrays of unequal lengths");
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (key_group(key[i]) >= G || key_stratum(key[i]) >= strata_ ||
        key_cell(key[i]) >= setup_.grid.cells())
      throw std::runtime_error("risk state: a cell outside the grid, strata or groups");
    CellSums& c =
        cells_.at(cell_key(idx[key_group(key[i])], key_stratum(key[i]), key_cell(key[i])));
    c.samples = samples[i];
    c.pieces = static_cast<std::int64_t>(fixed[2 * i]);
    c.casualties = static_cast<std::int64_t>(fixed[2 * i + 1]);
  }
}

double RiskReducer::weight_of(std::size_t k) const {
  double observed = 0;
  for (std::size_t j = 0; j < strata_; ++j)
    if (rows_[j] > 0) observed += setup_.stratum_probability[j];
  if (rows_[k] == 0 || observed <= 0) return 0.0;
  return setup_.stratum_probability[k] / static_cast<double>(rows_[k]) / observed;
}

RiskResult RiskReducer::finish() const {
  RiskResult res;
  res.samples = samples();
  res.stratum_rows = rows_;
  res.observed_probability = 0;
  for (std::size_t k = 0; k < strata_; ++k)
    if (rows_[k] > 0) res.observed_probability += setup_.stratum_probability[k];
  const stats::Strata strata(setup_.stratum_probability);
  std::vector<double> w(strata_);
  for (std::size_t k = 0; k < strata_; ++k) w[k] = weight_of(k);
  const auto proportion = [&](auto&& successes_of) {
    std::vector<std::uint64_t> s(strata_);
    for (std::size_t k = 0; k < strata_; ++k) s[k] = successes_of(k);
    const stats::StratifiedProportion p = stats::stratified_proportion(strata, s, rows_);
    return Estimate{p.p, p.ci.lo, p.ci.hi};
  };
  const double z = 1.959963984540054;
  if (setup_.population) {
    const Grid& grid = setup_.grid;
    res.max_density_per_km2 = setup_.population->max_density_per_km2(
        grid.west_deg(), grid.south_deg(), grid.east_deg(), grid.north_deg());
  }
  for (const std::size_t gi : canonical_order()) {
    const Group& g = groups_[gi];
    GroupResult r;
    r.name = g.name;
    r.kind = g.kind;
    r.p_impact = proportion([&](std::size_t k) { return g.samples_hit[k]; });
    for (std::size_t k = 0; k < strata_; ++k) {
      r.expected_pieces += w[k] * g.pieces[k].value();
      r.expected_pieces_outside += w[k] * g.outside[k].value();
    }
    if (setup_.population) {
      double mean = 0, var = 0;
      for (std::size_t k = 0; k < strata_; ++k) {
        if (rows_[k] == 0) continue;
        const double n = static_cast<double>(rows_[k]);
        const double m = g.ec[k].value() / n;
        mean += w[k] * g.ec[k].value();
        if (rows_[k] > 1) {
          // s_k^2 = (sum x^2 - n m^2) / (n - 1), the product n m^2 = (sum x) m.
          const double s2 = std::max(0.0, (g.ec_sq[k].value() - g.ec[k].value() * m) / (n - 1));
          const double pk = w[k] * n;  // pi_k / observed probability
          var += pk * pk * s2 / n;
        }
      }
      const double half = z * std::sqrt(var);
      Estimate e{mean, std::max(0.0, mean - half), mean + half};
      // The count interval (risk_reducer.hpp): Ec = q m with q's Wilson interval.
      const stats::StratifiedProportion q =
          stats::stratified_proportion(strata, g.ec_flights, rows_);
      if (q.p > 0.0) {
        e.lo = std::min(e.lo, mean * (q.ci.lo / q.p));
        e.hi = std::max(e.hi, mean * (q.ci.hi / q.p));
      } else {
        double area = setup_.intact_casualty_area_m2;
        for (std::size_t k = 0; k < strata_; ++k) area = std::max(area, g.area_max_m2[k]);
        e.hi = std::max(e.hi, q.ci.hi * area * res.max_density_per_km2 * 1e-6);
      }
      r.ec = e;
      for (std::size_t k = 0; k < strata_; ++k) r.ec_flights += g.ec_flights[k];
    }
    double wh = 0, w2h = 0;
    for (std::size_t k = 0; k < strata_; ++k) {
      const double h = static_cast<double>(g.samples_hit[k]);
      r.flights_hit += g.samples_hit[k];
      wh += w[k] * h;
      w2h += w[k] * w[k] * h;
    }
    r.effective_flights = w2h > 0 ? wh * wh / w2h : 0.0;
    for (std::size_t c = 0; c < setup_.areas.size(); ++c) {
      const geo::AreaClassifier& cl = *setup_.areas[c].classifier;
      std::vector<AreaResult> list;
      for (std::size_t a = 0; a <= cl.size(); ++a) {
        const std::size_t slot = area_offset_[c] + a;
        list.push_back({a < cl.size() ? cl.name(a) : std::string(), proportion([&](std::size_t k) {
                          return g.area_hits[k * area_slots_ + slot];
                        })});
      }
      r.areas.push_back(std::move(list));
    }
    res.groups.push_back(std::move(r));
  }
  return res;
}

namespace {
std::size_t internal_index(const std::vector<std::size_t>& order, std::size_t g) {
  if (g >= order.size()) throw std::out_of_range("risk: no group of that index");
  return order[g];
}
}  // namespace

std::vector<double> RiskReducer::probability_map(std::size_t g) const {
  const std::size_t gi = internal_index(canonical_order(), g);
  std::vector<double> map(setup_.grid.cells(), 0.0);
  for (std::size_t k = 0; k < strata_; ++k)  // strata in order: the same sums for any split
    cells_.for_each([&](const CellSums& s) {
      if (key_group(s.key) == gi && key_stratum(s.key) == k)
        map[key_cell(s.key)] += weight_of(k) * static_cast<double>(s.samples);
    });
  return map;
}

std::vector<double> RiskReducer::expected_map(std::size_t g) const {
  const std::size_t gi = internal_index(canonical_order(), g);
  std::vector<double> map(setup_.grid.cells(), 0.0);
  for (std::size_t k = 0; k < strata_; ++k)
    cells_.for_each([&](const CellSums& s) {
      if (key_group(s.key) == gi && key_stratum(s.key) == k)
        map[key_cell(s.key)] += weight_of(k) * (static_cast<double>(s.pieces) / kPieceUnit);
    });
  return map;
}

std::vector<RiskReducer::SparseCell> RiskReducer::sparse_maps(std::size_t g) const {
  const std::size_t gi = internal_index(canonical_order(), g);
  std::vector<CellSums> sums;
  cells_.for_each([&](const CellSums& s) {
    if (key_group(s.key) == gi) sums.push_back(s);
  });
  std::sort(sums.begin(), sums.end(), [](const CellSums& a, const CellSums& b) {
    return key_cell(a.key) != key_cell(b.key) ? key_cell(a.key) < key_cell(b.key)
                                              : key_stratum(a.key) < key_stratum(b.key);
  });
  // Strata added in order from 0, as the dense maps do: the same bits.
  std::vector<SparseCell> out;
  for (const CellSums& s : sums) {
    const std::size_t cell = key_cell(s.key);
    if (out.empty() || out.back().cell != cell) out.push_back({cell, 0.0, 0.0, 0.0, 0.0});
    const double w = weight_of(key_stratum(s.key));
    out.back().probability += w * static_cast<double>(s.samples);
    out.back().expected += w * (static_cast<double>(s.pieces) / kPieceUnit);
  }
  // The intervals of the cells hit (both lists sorted by cell). The interval holds its own
  // estimate; the cell's probability is the same sum in another order, so allow for its last bit.
  const std::vector<CellProportion> proportions = cell_proportions(g);
  auto cp = proportions.cbegin();
  for (SparseCell& c : out) {
    while (cp != proportions.cend() && cp->cell < c.cell) ++cp;
    if (cp == proportions.cend() || cp->cell != c.cell) continue;
    c.probability_lo = std::min(cp->p.ci.lo, c.probability);
    c.probability_hi = std::max(cp->p.ci.hi, c.probability);
  }
  std::erase_if(out, [](const SparseCell& c) { return c.probability == 0.0 && c.expected == 0.0; });
  return out;
}

std::vector<std::pair<std::size_t, double>> RiskReducer::expected_cells(std::size_t g) const {
  std::vector<std::pair<std::size_t, double>> out;
  for (const SparseCell& c : sparse_maps(g))
    if (c.expected != 0.0) out.emplace_back(c.cell, c.expected);
  return out;
}

std::vector<RiskReducer::CellProportion> RiskReducer::cell_proportions(std::size_t g) const {
  const std::size_t gi = internal_index(canonical_order(), g);
  std::vector<CellSums> sums;
  cells_.for_each([&](const CellSums& s) {
    if (key_group(s.key) == gi && s.samples > 0) sums.push_back(s);
  });
  std::sort(sums.begin(), sums.end(),
            [](const CellSums& a, const CellSums& b) { return key_cell(a.key) < key_cell(b.key); });
  const stats::Strata strata(setup_.stratum_probability);
  std::vector<std::uint64_t> hits(strata_);
  std::vector<CellProportion> out;
  for (std::size_t i = 0; i < sums.size();) {
    const std::size_t cell = key_cell(sums[i].key);
    std::fill(hits.begin(), hits.end(), 0);
    for (; i < sums.size() && key_cell(sums[i].key) == cell; ++i)
      hits[key_stratum(sums[i].key)] = sums[i].samples;
    out.push_back({cell, stats::stratified_proportion(strata, hits, rows_)});
  }
  return out;
}

std::size_t RiskReducer::normal_flight_group(std::size_t slot) const {
  if (slot >= setup_.body_names.size())
    throw std::out_of_range("risk: no nominal body of that slot");
  // Fixed groups keep their internal index as canonical index.
  return first_normal_group_ == first_fragment_group_ ? npos : first_normal_group_ + slot;
}

std::vector<double> RiskReducer::casualty_map() const {
  std::vector<double> map(setup_.grid.cells(), 0.0);
  for (std::size_t k = 0; k < strata_; ++k)
    cells_.for_each([&](const CellSums& s) {
      if (key_group(s.key) == 0 && key_stratum(s.key) == k)
        map[key_cell(s.key)] += weight_of(k) * (static_cast<double>(s.casualties) / kCasualtyUnit);
    });
  return map;
}

std::vector<std::pair<std::size_t, double>> RiskReducer::casualty_cells() const {
  std::vector<CellSums> sums;
  cells_.for_each([&](const CellSums& s) {
    if (key_group(s.key) == 0) sums.push_back(s);
  });
  std::sort(sums.begin(), sums.end(), [](const CellSums& a, const CellSums& b) {
    return key_cell(a.key) != key_cell(b.key) ? key_cell(a.key) < key_cell(b.key)
                                              : key_stratum(a.key) < key_stratum(b.key);
  });
  std::vector<std::pair<std::size_t, double>> out;
  for (const CellSums& s : sums) {
    if (out.empty() || out.back().first != key_cell(s.key)) out.emplace_back(key_cell(s.key), 0.0);
    out.back().second +=
        weight_of(key_stratum(s.key)) * (static_cast<double>(s.casualties) / kCasualtyUnit);
  }
  std::erase_if(out, [](const auto& c) { return c.second == 0.0; });
  return out;
}

}  // namespace launchmc::risk
