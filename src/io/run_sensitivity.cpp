// Rank sensitivity measures of a run file: the columns are read once, in slices, beside the
// summary reducer, whose mean impact points define the bodies' downrange/crossrange offsets.
#include "io/run_sensitivity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "engine/columns.hpp"
#include "engine/summary.hpp"
#include "geo/frames.hpp"
#include "io/run_file.hpp"
#include "orbit/elements.hpp"
#include "stats/impact_ellipse.hpp"

namespace launchmc::io {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double deg(double v) { return v * M_PI / 180.0; }

}  // namespace

RunOutcomes run_outcomes(const std::filesystem::path& path, const RowVisitor& each_row) {
  RunFileReader reader(path);
  const RunFile& info = reader.info();
  const std::size_t rows = reader.rows();
  RunOutcomes out;
  out.rows = rows;

  // Outcomes, as the summary defines them (engine/summary.cpp: the orbit columns on rows with
  // status orbit, catalogue altitudes from a and e, the missile's apogee and range where it has
  // a range, impacts where the body's fate is `impact`).
  const std::size_t c_status = engine::sample_column("status"),
                    c_perigee_a = engine::sample_column("semi_major_axis_m"),
                    c_ecc = engine::sample_column("eccentricity"),
                    c_incl = engine::sample_column("inclination_deg"),
                    c_raan = engine::sample_column("raan_deg"),
                    c_tins = engine::sample_column("insertion_time_s"),
                    c_vapo = engine::sample_column("vehicle_apogee_alt_m"),
                    c_range = engine::sample_column("range_m"),
                    c_vlat = engine::sample_column("vehicle_impact_lat_deg"),
                    c_vlon = engine::sample_column("vehicle_impact_lon_deg"),
                    b_fate = engine::body_column("fate"),
                    b_lat = engine::body_column("impact_lat_deg"),
                    b_lon = engine::body_column("impact_lon_deg");
  const std::string success_name = engine::to_string(info.meta.success_status);
  std::vector<OutcomeColumn>& cols = out.columns;
  auto add = [&](std::string name, std::string unit, std::string meaning) {
    cols.push_back(
        {std::move(name), std::move(unit), std::move(meaning), std::vector<double>(rows, kNaN)});
  };
  add("success", "1", "1 when the row's status is " + success_name + ", else 0");
  const bool target = info.meta.target_orbit.has_value();
  if (target) add("target_orbit", "1", "1 when the row reached the target orbit, else 0");
  const std::size_t i_orbit = cols.size();
  add("catalog_perigee_alt_km", "km", "catalogue perigee altitude a(1 - e) - R_e (orbit rows)");
  add("catalog_apogee_alt_km", "km", "catalogue apogee altitude a(1 + e) - R_e (orbit rows)");
  add("inclination_deg", "deg", "inclination at insertion (orbit rows)");
  add("insertion_time_s", "s", "orbit insertion time (orbit rows)");
  const std::size_t i_missile = cols.size();
  add("vehicle_apogee_alt_km", "km", "the vehicle's apogee altitude (rows where it lands)");
  add("range_km", "km", "launch site to the vehicle's impact (rows where it lands)");
  // Impact points per body (the slots, then the vehicle): latitude and longitude now, turned into
  // downrange and crossrange offsets once the summary's mean impact points are known.
  const std::size_t i_bodies = cols.size();
  const std::size_t n_bodies = info.slots.size() + 1;
  for (std::size_t s = 0; s < n_bodies; ++s) {
    const std::string body = s < info.slots.size() ? info.slots[s].name : "vehicle";
    add(body + ".downrange_km", "km",
        "impact offset from the mean impact along the launch site -> mean impact azimuth");
    add(body + ".crossrange_km", "km", "impact offset from the mean impact, right of downrange");
  }

  engine::SummaryReducer summary = summary_reducer_for(info);
  engine::Block block;
  std::size_t row = 0;
  while (reader.next(block, 65536)) {
    summary.add(block);
    for (std::size_t r = 0; r < block.count; ++r, ++row) {
      if (each_row) each_row(info, block, r, row);
      const auto& smp = block.sample;
      const auto status = static_cast<engine::SampleStatus>(static_cast<int>(smp[c_status][r]));
      cols[0].values[row] = status == info.meta.success_status ? 1.0 : 0.0;
      const double a = smp[c_perigee_a][r], e = smp[c_ecc][r];
      if (target)
        cols[1].values[row] =
            status == engine::SampleStatus::orbit &&
                    info.meta.target_orbit->contains(a, e, smp[c_incl][r], smp[c_raan][r])
                ? 1.0
                : 0.0;
      if (status == engine::SampleStatus::orbit) {
        if (std::isfinite(a) && std::isfinite(e)) {
          cols[i_orbit].values[row] = orbit::catalog_altitude_m(a * (1.0 - e)) / 1e3;
          cols[i_orbit + 1].values[row] = orbit::catalog_altitude_m(a * (1.0 + e)) / 1e3;
        }
        cols[i_orbit + 2].values[row] = smp[c_incl][r];
        cols[i_orbit + 3].values[row] = smp[c_tins][r];
      }
      if (std::isfinite(smp[c_range][r])) {
        cols[i_missile].values[row] = smp[c_vapo][r] / 1e3;
        cols[i_missile + 1].values[row] = smp[c_range][r] / 1e3;
      }
      for (std::size_t s = 0; s + 1 < n_bodies; ++s) {
        if (block.bodies[s][b_fate][r] != 0.0) continue;  // not `impact`
        cols[i_bodies + 2 * s].values[row] = block.bodies[s][b_lat][r];
        cols[i_bodies + 2 * s + 1].values[row] = block.bodies[s][b_lon][r];
      }
      if (std::isfinite(smp[c_vlat][r])) {
        cols[i_bodies + 2 * (n_bodies - 1)].values[row] = smp[c_vlat][r];
        cols[i_bodies + 2 * (n_bodies - 1) + 1].values[row] = smp[c_vlon][r];
      }
    }
  }

  // Offsets as the summary measures its downrange/crossrange spread (engine/summary.cpp,
  // stats::range_spread): on the azimuthal equidistant plane of the (weighted) mean impact,
  // downrange along the geodesic azimuth launch site -> mean impact at the mean impact,
  // crossrange positive to the right of it. Ranks only see the order, and variance-based indices
  // only the spread, so the origin is immaterial; the direction is what matters.
  const engine::Summary sum = summary.finish(info.meta);
  for (std::size_t s = 0; s < n_bodies; ++s) {
    const std::string body = s < info.slots.size() ? info.slots[s].name : "vehicle";
    const engine::BodySummary* bs = nullptr;
    for (const auto& b : sum.bodies)
      if (b.name == body) bs = &b;
    std::vector<double>& lat = cols[i_bodies + 2 * s].values;
    std::vector<double>& lon = cols[i_bodies + 2 * s + 1].values;
    if (bs == nullptr || !std::isfinite(bs->impact_mean_lat_deg)) {
      std::fill(lat.begin(), lat.end(), kNaN);
      std::fill(lon.begin(), lon.end(), kNaN);
      continue;
    }
    const double lat0 = bs->impact_mean_lat_deg, lon0 = bs->impact_mean_lon_deg;
    const double az =
        deg(geo::geodesic_inverse(info.meta.site_lat_deg, info.meta.site_lon_deg, lat0, lon0)
                .azimuth2_deg);
    for (std::size_t r = 0; r < rows; ++r) {
      if (!std::isfinite(lat[r])) continue;
      const Eigen::Vector2d en = stats::project_en_m(lat0, lon0, lat[r], lon[r]);
      lat[r] = (en.x() * std::sin(az) + en.y() * std::cos(az)) / 1e3;
      lon[r] = (en.x() * std::cos(az) - en.y() * std::sin(az)) / 1e3;
    }
  }
  // Only the outcomes that some row defines (a launcher has no range, a missile no orbit).
  std::erase_if(cols, [](const OutcomeColumn& c) {
    return std::none_of(c.values.begin(), c.values.end(),
                        [](double v) { return std::isfinite(v); });
  });
  return out;
}

RunSensitivity run_file_sensitivity(const std::filesystem::path& path,
                                    const std::vector<std::string>& only) {
  RunSensitivity out;
  out.path = path.string();

  // Inputs: every /inputs column, except the failure draw, which is recoded. failure.mode is a
  // category (-1 none, m: mode m), so its number has no order to rank: each mode becomes an
  // indicator input `failure.mode=<name>` (1 when the row drew it). failure.time_s is NaN on the
  // rows without a failure, which would drop those rows from every outcome; its effect is
  // conditional on the mode, so it is left out (said in the notes).
  struct InputSource {
    std::size_t drawn;  // index into block.drawn
    int mode = -2;      // >= 0: the indicator of this failure mode; -2: the column as is
  };
  std::vector<InputSource> sources;
  std::vector<double> x;
  std::vector<std::uint8_t> stratum;
  std::size_t k = 0;
  engine::FailureStrata strata;
  auto each_row = [&](const RunFile& info, const engine::Block& block, std::size_t r,
                      std::size_t row) {
    if (row == 0) {
      out.rows = block.count;  // corrected below
      out.weighted = !info.meta.strata.single();
      strata = info.meta.strata;
      for (std::size_t c = 0; c < info.drawn_names.size(); ++c) {
        const std::string& name = info.drawn_names[c];
        if (name == "failure.time_s") {
          out.notes.push_back(
              "failure.time_s left out: NaN on the rows without a failure (its effect is "
              "conditional on the mode drawn)");
          continue;
        }
        if (name == "failure.mode") {
          for (std::size_t m = 0; m < info.meta.failure_names.size(); ++m) {
            sources.push_back({c, static_cast<int>(m)});
            out.input_names.push_back("failure.mode=" + info.meta.failure_names[m]);
          }
          continue;
        }
        sources.push_back({c});
        out.input_names.push_back(name);
      }
      k = sources.size();
      if (k == 0)
        throw std::runtime_error(path.string() + ": the run has no dispersed inputs to rank");
    }
    stratum.push_back(r < block.stratum.size() ? block.stratum[r] : 0);
    for (std::size_t j = 0; j < k; ++j) {
      const double v = block.drawn[sources[j].drawn][r];
      x.push_back(sources[j].mode < -1 ? v : (v == sources[j].mode ? 1.0 : 0.0));
    }
  };
  RunOutcomes outcomes = run_outcomes(path, each_row);
  out.rows = outcomes.rows;
  if (out.rows == 0) throw std::runtime_error(path.string() + ": the run file has no rows to rank");

  // A run in which every row draws a failure (the modes' probabilities sum to 1, as in a failure
  // scenario) has mode indicators that sum to 1 on every row: together they are collinear with
  // the regression's intercept and no partial measure is defined. The last mode's indicator is
  // then left out: it is the reference the other modes are measured against.
  std::vector<std::size_t> indicators;
  for (std::size_t j = 0; j < k; ++j)
    if (sources[j].mode >= 0) indicators.push_back(j);
  if (!indicators.empty()) {
    bool every_row_fails = true;
    for (std::size_t r = 0; r < out.rows && every_row_fails; ++r) {
      double sum = 0.0;
      for (const std::size_t j : indicators) sum += x[r * k + j];
      every_row_fails = sum == 1.0;
    }
    if (every_row_fails) {
      const std::size_t drop = indicators.back();
      out.notes.push_back(fmt::format(
          "{} left out: every row draws a failure, so the modes' indicators sum to 1 (it is the "
          "reference the other modes are compared with)",
          out.input_names[drop]));
      out.input_names.erase(out.input_names.begin() + static_cast<std::ptrdiff_t>(drop));
      std::vector<double> kept;
      kept.reserve(out.rows * (k - 1));
      for (std::size_t r = 0; r < out.rows; ++r)
        for (std::size_t j = 0; j < k; ++j)
          if (j != drop) kept.push_back(x[r * k + j]);
      x = std::move(kept);
      --k;
    }
  }

  // Row weights of a stratified run: pi_k N / n_k, as the writer computes /outcome/weight.
  std::vector<double> weights;
  if (out.weighted) {
    std::vector<std::uint64_t> per(strata.size(), 0);
    for (const std::uint8_t s : stratum) ++per.at(s);
    const std::vector<double> w = strata.weights(per);
    weights.resize(out.rows);
    for (std::size_t r = 0; r < out.rows; ++r) weights[r] = w[stratum[r]];
  }

  for (const std::string& name : only)
    if (std::none_of(outcomes.columns.begin(), outcomes.columns.end(),
                     [&](const OutcomeColumn& c) { return c.name == name; })) {
      std::string list;
      for (const auto& c : outcomes.columns) list += (list.empty() ? "" : ", ") + c.name;
      throw std::invalid_argument(
          fmt::format("summarize --sensitivity: no outcome '{}' in {} (outcomes: {})", name,
                      path.string(), list));
    }
  for (OutcomeColumn& c : outcomes.columns) {
    if (!only.empty() && std::find(only.begin(), only.end(), c.name) == only.end()) continue;
    OutcomeRanking o;
    o.name = c.name;
    o.unit = c.unit;
    o.meaning = c.meaning;
    for (const double v : c.values) o.rows_undefined += std::isfinite(v) ? 0 : 1;
    o.measures = sensitivity::rank_measures(x, k, c.values, weights);
    out.outcomes.push_back(std::move(o));
    std::vector<double>().swap(c.values);  // free as we go
  }
  return out;
}

std::vector<std::size_t> ranking(const OutcomeRanking& o) {
  const auto& m = o.measures;
  std::vector<std::size_t> order(m.prcc.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  // Key: (has a PRCC, |PRCC| or else |Spearman|); NaN keys sort last.
  auto key = [&](std::size_t j) {
    const double p = m.prcc[j].value;
    if (std::isfinite(p)) return std::pair<int, double>{0, -std::abs(p)};
    const double r = m.spearman[j].value;
    return std::pair<int, double>{std::isfinite(r) ? 1 : 2, std::isfinite(r) ? -std::abs(r) : 0};
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
  return order;
}

namespace {

nlohmann::ordered_json number(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json interval(const sensitivity::Interval& i) {
  return nlohmann::ordered_json::array({number(i.lo), number(i.hi)});
}

std::string cell(const sensitivity::Estimate& e) {
  if (!std::isfinite(e.value)) return "-";
  if (!std::isfinite(e.ci95.lo)) return fmt::format("{:+.3f}", e.value);
  return fmt::format("{:+.3f} [{:+.3f}, {:+.3f}]", e.value, e.ci95.lo, e.ci95.hi);
}

}  // namespace

nlohmann::ordered_json run_sensitivity_to_json(const RunSensitivity& s) {
  nlohmann::ordered_json j;
  j["file"] = s.path;
  j["rows"] = s.rows;
  j["weighted"] = s.weighted;
  j["inputs"] = s.input_names;
  j["notes"] = s.notes;
  nlohmann::ordered_json outputs = nlohmann::ordered_json::object();
  for (const OutcomeRanking& o : s.outcomes) {
    const auto& m = o.measures;
    nlohmann::ordered_json e;
    e["unit"] = o.unit;
    e["meaning"] = o.meaning;
    e["status"] = sensitivity::to_string(m.status);
    e["rows"] = m.rows_used;
    e["rows_undefined"] = o.rows_undefined;
    e["effective_n"] = m.effective_n;
    e["rank_r2"] = number(m.rank_r2);
    nlohmann::ordered_json inputs = nlohmann::ordered_json::object();
    for (const std::size_t i : ranking(o)) {
      nlohmann::ordered_json v;
      v["spearman"] = number(m.spearman[i].value);
      v["spearman_ci95"] = interval(m.spearman[i].ci95);
      v["prcc"] = number(m.prcc[i].value);
      v["prcc_ci95"] = interval(m.prcc[i].ci95);
      v["srrc"] = number(m.srrc[i].value);
      v["srrc_ci95"] = interval(m.srrc[i].ci95);
      inputs[s.input_names[i]] = std::move(v);
    }
    e["inputs"] = std::move(inputs);
    outputs[o.name] = std::move(e);
  }
  j["outputs"] = std::move(outputs);
  return j;
}

void print_run_sensitivity(std::ostream& out, const RunSensitivity& s) {
  out << fmt::format(
      "Rank sensitivity of {} ({} rows{}): inputs ranked by |PRCC|, 95 % intervals\n", s.path,
      s.rows, s.weighted ? ", weighted by stratum" : "");
  for (const std::string& n : s.notes) out << "note: " << n << "\n";
  std::size_t width = 5;
  for (const auto& n : s.input_names) width = std::max(width, n.size());
  for (const OutcomeRanking& o : s.outcomes) {
    const auto& m = o.measures;
    out << fmt::format("\n{} [{}]: {} rows used, {} undefined, n_eff {:.1f}", o.name, o.unit,
                       m.rows_used, o.rows_undefined, m.effective_n);
    if (std::isfinite(m.rank_r2)) out << fmt::format(", rank R^2 {:.3f}", m.rank_r2);
    out << "\n";
    if (m.status != sensitivity::IndexStatus::ok) {
      out << fmt::format("  {}: {}\n", sensitivity::to_string(m.status),
                         m.status == sensitivity::IndexStatus::no_variance
                             ? "the outcome takes one value on every row used"
                             : "too few rows");
      continue;
    }
    out << fmt::format("  {:<{}}  {:<26}  {:<26}  {:<26}\n", "input", width, "Spearman", "PRCC",
                       "SRRC");
    for (const std::size_t i : ranking(o))
      out << fmt::format("  {:<{}}  {:<26}  {:<26}  {:<26}\n", s.input_names[i], width,
                         cell(m.spearman[i]), cell(m.prcc[i]), cell(m.srrc[i]));
  }
}

}  // namespace launchmc::io
