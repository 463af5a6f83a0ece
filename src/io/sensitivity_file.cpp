// Design files, output tables and sensitivity results (see sensitivity_file.hpp).
#include "io/sensitivity_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "common/version.hpp"
#include "io/hdf5_file.hpp"
#include "io/output_file.hpp"

namespace launchmc::io {

namespace {

namespace fs = std::filesystem;
constexpr std::uint64_t kChunkRows = 1 << 16;

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    out.push_back(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

// An output or input name usable as an HDF5 link name.
std::string name_problem(const std::string& name) {
  if (name.empty()) return "an empty name";
  if (name == ".") return "the name '.'";
  if (name.find('/') != std::string::npos) return fmt::format("'{}' contains '/'", name);
  return {};
}

nlohmann::json json_number(double x) {
  return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json();
}
nlohmann::json json_interval(const sensitivity::Interval& i) {
  return nlohmann::json::array({json_number(i.lo), json_number(i.hi)});
}

std::string fixed(double x) { return std::isfinite(x) ? fmt::format("{:8.4f}", x) : "     n/a"; }
std::string ci(const sensitivity::Interval& i) {
  if (!std::isfinite(i.lo) || !std::isfinite(i.hi)) return "[      n/a      ]";
  return fmt::format("[{:7.4f}, {:7.4f}]", i.lo, i.hi);
}
std::string general(double x) {
  return std::isfinite(x) ? fmt::format("{:10.4g}", x) : "       n/a";
}
std::string ci_general(const sensitivity::Interval& i) {
  if (!std::isfinite(i.lo) || !std::isfinite(i.hi)) return "[         n/a         ]";
  return fmt::format("[{:10.4g}, {:10.4g}]", i.lo, i.hi);
}

}  // namespace

void write_sensitivity_design(const fs::path& path, const sensitivity::Problem& problem,
                              const uncertainty::Design& design,
                              const SensitivityDesignInfo& info) {
  const std::size_t k = problem.dimensions();
  if (design.dimensions() != k || info.input_names.size() != k)
    throw std::invalid_argument("write_sensitivity_design: design and problem disagree");
  AtomicOutput output(path);
  {
    h5::File file = h5::File::create(output.temporary());
    h5::Group root = file.root();
    root.set_attribute("format", kSensitivityDesignFormat);
    root.set_attribute("format_version", kSensitivityFormatVersion);
    root.set_attribute("written_by", fmt::format("launchmc {} ({})", version, git_revision));
    h5::Group g = root.create_group("design");
    g.set_attribute("format_version", kSensitivityFormatVersion);
    g.set_attribute("method", info.method);
    g.set_attribute("N", info.n);
    g.set_attribute("k", static_cast<std::uint64_t>(k));
    g.set_attribute("seed", info.seed);
    g.set_attribute("second_order", static_cast<std::int64_t>(info.second_order ? 1 : 0));
    g.set_attribute("levels", static_cast<std::uint64_t>(info.levels));
    g.set_attribute("pool", info.pool);
    if (info.method == "morris") g.set_attribute("spread", info.spread);
    g.set_attribute("rows", design.rows());
    g.write<std::string>("input_names", info.input_names);
    g.write<std::string>("input_distributions", info.input_distributions);
    h5::Group inputs = g.create_group("inputs");
    h5::Group units = g.create_group("u");
    std::vector<h5::AppendableDataset<double>> x_sets, u_sets;
    for (std::size_t j = 0; j < k; ++j) {
      x_sets.push_back(inputs.create_appendable<double>(info.input_names[j]));
      x_sets.back().set_attribute("distribution", info.input_distributions[j]);
      u_sets.push_back(units.create_appendable<double>(info.input_names[j]));
    }
    auto streams = g.create_appendable<std::uint64_t>("stream");
    auto roles = g.create_appendable<std::int32_t>("role");
    const std::uint64_t per = info.rows / std::max<std::uint64_t>(info.n, 1);
    std::vector<std::vector<double>> xs(k), us(k);
    std::vector<std::uint64_t> stream_chunk;
    std::vector<std::int32_t> role_chunk;
    std::vector<double> u(k), x(k);
    for (std::uint64_t start = 0; start < design.rows(); start += kChunkRows) {
      const std::uint64_t end = std::min(design.rows(), start + kChunkRows);
      for (auto& c : xs) c.clear();
      for (auto& c : us) c.clear();
      stream_chunk.clear();
      role_chunk.clear();
      for (std::uint64_t i = start; i < end; ++i) {
        stream_chunk.push_back(design.row(i, u));
        role_chunk.push_back(static_cast<std::int32_t>(i % per));
        sensitivity::to_inputs(problem, u, x);
        for (std::size_t j = 0; j < k; ++j) {
          xs[j].push_back(x[j]);
          us[j].push_back(u[j]);
        }
      }
      for (std::size_t j = 0; j < k; ++j) {
        x_sets[j].append(xs[j]);
        u_sets[j].append(us[j]);
      }
      streams.append(stream_chunk);
      roles.append(role_chunk);
    }
    file.close();
  }
  output.commit();
}

SensitivityDesignFile read_sensitivity_design(const fs::path& path) {
  const std::string where = path.string();
  if (!fs::is_regular_file(path))
    throw std::invalid_argument(fmt::format("{}: no such design file", where));
  SensitivityDesignFile out;
  SensitivityDesignInfo& info = out.info;
  try {
    h5::File file = h5::File::open_read(path);
    h5::Group root = file.root();
    if (!root.has_attribute("format") ||
        root.attribute<std::string>("format") != kSensitivityDesignFormat || !root.has("design"))
      throw std::invalid_argument(fmt::format(
          "{}: not a sensitivity design file (no format attribute '{}' and /design; write one "
          "with `launchmc sensitivity sample`)",
          where, kSensitivityDesignFormat));
    const h5::Group g = root.open_group("design");
    const std::string version = g.attribute<std::string>("format_version");
    if (version.substr(0, version.find('.')) != "1")
      throw std::invalid_argument(
          fmt::format("{}: /design format_version {} is not supported (this launchmc reads 1.x)",
                      where, version));
    info.method = g.attribute<std::string>("method");
    info.n = g.attribute<std::uint64_t>("N");
    info.k = g.attribute<std::uint64_t>("k");
    info.seed = g.attribute<std::uint64_t>("seed");
    info.second_order = g.attribute<std::int64_t>("second_order") != 0;
    info.levels = g.attribute<std::uint64_t>("levels");
    info.pool = g.attribute<std::uint64_t>("pool");
    info.rows = g.attribute<std::uint64_t>("rows");
    info.input_names = g.read<std::string>("input_names");
    info.input_distributions = g.read<std::string>("input_distributions");
    std::uint64_t per = 0;
    if (info.method == "sobol")
      per = info.second_order ? 2 * info.k + 2 : info.k + 2;
    else if (info.method == "morris")
      per = info.k + 1;
    else
      throw std::invalid_argument(
          fmt::format("{}: /design method '{}': expected sobol or morris", where, info.method));
    if (info.k < 1 || info.input_names.size() != info.k ||
        info.input_distributions.size() != info.k || info.rows != info.n * per)
      throw std::invalid_argument(fmt::format(
          "{}: /design attributes disagree (k = {}, {} input names, N = {}, rows = {}, {} rows "
          "per block)",
          where, info.k, info.input_names.size(), info.n, info.rows, per));
    for (const auto& [group_name, target] : {std::pair{"u", &out.u}, std::pair{"inputs", &out.x}}) {
      target->resize(info.rows * info.k);
      const h5::Group group = g.open_group(group_name);
      for (std::size_t j = 0; j < info.k; ++j) {
        const std::vector<double> column = group.read<double>(info.input_names[j]);
        if (column.size() != info.rows)
          throw std::invalid_argument(fmt::format("{}: /design/{}/{} has {} rows, expected {}",
                                                  where, group_name, info.input_names[j],
                                                  column.size(), info.rows));
        for (std::size_t i = 0; i < info.rows; ++i) (*target)[i * info.k + j] = column[i];
      }
    }
  } catch (const h5::Error& e) {
    throw std::invalid_argument(fmt::format("{}: not a readable design file: {}", where, e.what()));
  }
  return out;
}

OutputTable read_output_csv(const fs::path& path) {
  const std::string where = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in || !fs::is_regular_file(path))
    throw std::invalid_argument(fmt::format("{}: cannot read the output table", where));
  OutputTable table;
  std::string line;
  std::size_t line_no = 0, blank_at = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // A UTF-8 byte-order mark, as spreadsheet programs write it, is not part of the first name.
    if (line_no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (trim(line).empty()) {
      if (line_no == 1)
        throw std::invalid_argument(
            fmt::format("{}:1: empty header: expected the output names, comma-separated", where));
      if (blank_at == 0) blank_at = line_no;
      continue;
    }
    if (blank_at != 0)
      throw std::invalid_argument(fmt::format(
          "{}:{}: blank line inside the table (one data line per design row, blank lines only at "
          "the end)",
          where, blank_at));
    const auto fields = split(line);
    if (line_no == 1) {
      std::set<std::string> seen;
      for (std::size_t c = 0; c < fields.size(); ++c) {
        std::string name = trim(fields[c]);
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
          name = name.substr(1, name.size() - 2);
        const std::string bad = name_problem(name);
        if (!bad.empty())
          throw std::invalid_argument(fmt::format(
              "{}:1:{}: header: {}: expected an output name (non-empty, not '.', without '/')",
              where, c + 1, bad));
        if (!seen.insert(name).second)
          throw std::invalid_argument(
              fmt::format("{}:1:{}: header: output '{}' is named twice", where, c + 1, name));
        table.names.push_back(name);
      }
      table.columns.resize(table.names.size());
      continue;
    }
    if (fields.size() != table.names.size())
      throw std::invalid_argument(fmt::format("{}:{}: {} fields, expected {} (the header's)", where,
                                              line_no, fields.size(), table.names.size()));
    for (std::size_t c = 0; c < fields.size(); ++c) {
      const std::string text = trim(fields[c]);
      double value = std::numeric_limits<double>::quiet_NaN();
      if (!(text.empty() || text == "nan" || text == "NaN" || text == "NAN")) {
        const char* first = text.data();
        const char* last = first + text.size();
        if (*first == '+') ++first;
        const auto [end, ec] = std::from_chars(first, last, value);
        if (ec != std::errc() || end != last)
          throw std::invalid_argument(fmt::format(
              "{}:{}:{}: '{}' (output '{}') is not a number (empty or nan: a missing value)", where,
              line_no, c + 1, text, table.names[c]));
      }
      table.columns[c].push_back(value);
    }
  }
  if (in.bad()) throw std::invalid_argument(fmt::format("{}: read error", where));
  if (line_no == 0)
    throw std::invalid_argument(fmt::format(
        "{}: empty file: expected a header of output names and one line per design row", where));
  return table;
}

SensitivityAnalysis analyze_sensitivity(const SensitivityDesignFile& design,
                                        const OutputTable& table,
                                        const sensitivity::BootstrapOptions& bootstrap) {
  const SensitivityDesignInfo& info = design.info;
  if (table.rows() != info.rows)
    throw std::invalid_argument(fmt::format(
        "the output table has {} data rows, the design has {} (one row per design row, in the "
        "design's order)",
        table.rows(), info.rows));
  SensitivityAnalysis a;
  a.design = info;
  a.bootstrap_resamples = bootstrap.bootstrap_resamples;
  a.bootstrap_seed = bootstrap.seed;
  for (std::size_t c = 0; c < table.names.size(); ++c) {
    SensitivityOutput o;
    o.name = table.names[c];
    if (info.method == "sobol") {
      o.sobol = sensitivity::sobol_indices(table.columns[c], info.k, info.second_order, bootstrap);
      // The A and B rows: the first and last of each base block.
      const std::size_t per = info.second_order ? 2 * info.k + 2 : info.k + 2;
      std::vector<double> x, y;
      for (std::size_t b = 0; b < info.n; ++b)
        for (const std::size_t row : {b * per, b * per + per - 1}) {
          x.insert(x.end(), design.x.begin() + static_cast<std::ptrdiff_t>(row * info.k),
                   design.x.begin() + static_cast<std::ptrdiff_t>((row + 1) * info.k));
          y.push_back(table.columns[c][row]);
        }
      o.ranks = sensitivity::rank_measures(x, info.k, y);
    } else {
      o.morris = sensitivity::morris_indices(table.columns[c], design.u, info.k, bootstrap);
    }
    a.outputs.push_back(std::move(o));
  }
  return a;
}

nlohmann::json sensitivity_to_json(const SensitivityAnalysis& a) {
  using nlohmann::json;
  const auto& names = a.design.input_names;
  json j;
  j["method"] = a.design.method;
  j["design"] = {{"file", a.design_file},    {"N", a.design.n},
                 {"k", a.design.k},          {"rows", a.design.rows},
                 {"seed", a.design.seed},    {"second_order", a.design.second_order},
                 {"levels", a.design.levels}};
  j["outputs_file"] = a.outputs_file;
  j["bootstrap"] = {{"resamples", a.bootstrap_resamples}, {"seed", a.bootstrap_seed}};
  j["outputs"] = json::object();
  for (const SensitivityOutput& o : a.outputs) {
    json out;
    json inputs = json::object();
    if (o.sobol) {
      const auto& s = *o.sobol;
      out["status"] = sensitivity::to_string(s.status);
      out["base_points_used"] = s.base_points_used;
      out["base_points_dropped"] = s.base_points_dropped;
      out["mean"] = json_number(s.mean);
      out["variance"] = json_number(s.variance);
      for (std::size_t i = 0; i < names.size(); ++i) {
        inputs[names[i]] = {{"S1", json_number(s.first[i].value)},
                            {"S1_ci95", json_interval(s.first[i].ci95)},
                            {"ST", json_number(s.total[i].value)},
                            {"ST_ci95", json_interval(s.total[i].ci95)}};
        if (o.ranks) {
          json& in = inputs[names[i]];
          for (const auto& [key, e] :
               {std::pair{"spearman", &o.ranks->spearman[i]}, std::pair{"prcc", &o.ranks->prcc[i]},
                std::pair{"srrc", &o.ranks->srrc[i]}}) {
            in[key] = json_number(e->value);
            in[std::string(key) + "_ci95"] = json_interval(e->ci95);
          }
        }
      }
      if (o.ranks)
        out["ranks"] = {{"status", sensitivity::to_string(o.ranks->status)},
                        {"rows_used", o.ranks->rows_used},
                        {"rank_r2", json_number(o.ranks->rank_r2)}};
      if (!s.second.empty()) {
        json pairs = json::object();
        for (std::size_t i = 0; i < names.size(); ++i)
          for (std::size_t m = i + 1; m < names.size(); ++m)
            pairs[names[i] + "," + names[m]] = {{"S2", json_number(s.second[i][m].value)},
                                                {"S2_ci95", json_interval(s.second[i][m].ci95)}};
        out["second_order"] = pairs;
      }
    } else {
      const auto& m = *o.morris;
      out["status"] = sensitivity::to_string(m.status);
      out["trajectories_used"] = m.trajectories_used;
      out["trajectories_dropped"] = m.trajectories_dropped;
      for (std::size_t i = 0; i < names.size(); ++i)
        inputs[names[i]] = {{"mu", json_number(m.inputs[i].mu)},
                            {"mu_star", json_number(m.inputs[i].mu_star.value)},
                            {"mu_star_ci95", json_interval(m.inputs[i].mu_star.ci95)},
                            {"sigma", json_number(m.inputs[i].sigma)}};
    }
    out["inputs"] = inputs;
    j["outputs"][o.name] = out;
  }
  return j;
}

std::string sensitivity_text(const SensitivityAnalysis& a) {
  const auto& names = a.design.input_names;
  std::ostringstream s;
  s << fmt::format("{} design of {} inputs, {} rows ({} {}); bootstrap: {} resamples\n",
                   a.design.method, a.design.k, a.design.rows, a.design.n,
                   a.design.method == "sobol" ? "base points" : "trajectories",
                   a.bootstrap_resamples);
  std::size_t width = 5;
  for (const auto& n : names) width = std::max(width, n.size());
  for (const SensitivityOutput& o : a.outputs) {
    std::vector<std::size_t> order(names.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    auto rank_by = [&](auto key) {
      std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        const double kx = key(x), ky = key(y);
        return std::isnan(ky) ? !std::isnan(kx) : kx > ky;  // NaN last
      });
    };
    s << "\n";
    if (o.sobol) {
      const auto& r = *o.sobol;
      s << fmt::format("output {}: {} base points used ({} dropped for NaN), variance {}\n", o.name,
                       r.base_points_used, r.base_points_dropped, general(r.variance));
      if (r.status != sensitivity::IndexStatus::ok) {
        s << fmt::format("  {}: {}\n", sensitivity::to_string(r.status),
                         r.status == sensitivity::IndexStatus::no_variance
                             ? "the output is constant: no index is defined"
                             : "fewer than 2 usable base points");
        continue;
      }
      rank_by([&](std::size_t i) { return r.total[i].value; });
      s << fmt::format("  {:<{}}  {:>8} {:<18}  {:>8} {:<18}  {:>8}  (ranked by ST)\n", "input",
                       width, "S1", "95 % interval", "ST", "95 % interval", "PRCC");
      for (const std::size_t i : order)
        s << fmt::format("  {:<{}}  {} {}  {} {}  {}\n", names[i], width, fixed(r.first[i].value),
                         ci(r.first[i].ci95), fixed(r.total[i].value), ci(r.total[i].ci95),
                         fixed(o.ranks ? o.ranks->prcc[i].value : NAN));
      if (!r.second.empty()) {
        s << "  second order:\n";
        for (std::size_t i = 0; i < names.size(); ++i)
          for (std::size_t m = i + 1; m < names.size(); ++m)
            s << fmt::format("    {} x {}: S2 {} {}\n", names[i], names[m],
                             fixed(r.second[i][m].value), ci(r.second[i][m].ci95));
      }
    } else {
      const auto& r = *o.morris;
      s << fmt::format("output {}: {} trajectories used ({} dropped for NaN)\n", o.name,
                       r.trajectories_used, r.trajectories_dropped);
      if (r.status == sensitivity::IndexStatus::too_few) {
        s << "  too_few: fewer than 2 usable trajectories\n";
        continue;
      }
      if (r.status == sensitivity::IndexStatus::no_variance)
        s << "  no_variance: the output is constant, every elementary effect is 0\n";
      rank_by([&](std::size_t i) { return r.inputs[i].mu_star.value; });
      s << fmt::format("  {:<{}}  {:>10} {:<23}  {:>10}  {:>10}  (ranked by mu*)\n", "input", width,
                       "mu*", "95 % interval", "mu", "sigma");
      for (const std::size_t i : order)
        s << fmt::format("  {:<{}}  {} {}  {}  {}\n", names[i], width,
                         general(r.inputs[i].mu_star.value), ci_general(r.inputs[i].mu_star.ci95),
                         general(r.inputs[i].mu), general(r.inputs[i].sigma));
    }
  }
  return s.str();
}

namespace {

// /sensitivity under `root` (docs/hdf5_format.md).
void write_sensitivity_group(h5::Group& root, const SensitivityAnalysis& a) {
  const auto& names = a.design.input_names;
  const std::size_t k = names.size();
  {
    h5::Group g = root.create_group("sensitivity");
    g.set_attribute("format_version", kSensitivityFormatVersion);
    g.set_attribute("method", a.design.method);
    g.set_attribute("N", a.design.n);
    g.set_attribute("k", static_cast<std::uint64_t>(k));
    g.set_attribute("rows", a.design.rows);
    g.set_attribute("seed", a.design.seed);
    g.set_attribute("second_order", static_cast<std::int64_t>(a.design.second_order ? 1 : 0));
    g.set_attribute("levels", static_cast<std::uint64_t>(a.design.levels));
    g.set_attribute("bootstrap_resamples", a.bootstrap_resamples);
    g.set_attribute("bootstrap_seed", a.bootstrap_seed);
    g.set_attribute("design_file", a.design_file);
    g.set_attribute("outputs_file", a.outputs_file);
    g.write<std::string>("input_names", names);
    h5::Group outs = g.create_group("outputs");
    for (const SensitivityOutput& o : a.outputs) {
      h5::Group og = outs.create_group(o.name);
      std::vector<double> v(k), lo(k), hi(k);
      auto put = [&](const std::string& key, auto get) {
        for (std::size_t i = 0; i < k; ++i) {
          const sensitivity::Estimate e = get(i);
          v[i] = e.value;
          lo[i] = e.ci95.lo;
          hi[i] = e.ci95.hi;
        }
        og.write<double>(key, v);
        og.write<double>(key + "_ci95_lo", lo);
        og.write<double>(key + "_ci95_hi", hi);
      };
      if (o.sobol) {
        const auto& r = *o.sobol;
        og.set_attribute("status", sensitivity::to_string(r.status));
        og.set_attribute("base_points_used", r.base_points_used);
        og.set_attribute("base_points_dropped", r.base_points_dropped);
        og.set_attribute("mean", r.mean);
        og.set_attribute("variance", r.variance);
        put("S1", [&](std::size_t i) { return r.first[i]; });
        put("ST", [&](std::size_t i) { return r.total[i]; });
        if (o.ranks) {
          put("spearman", [&](std::size_t i) { return o.ranks->spearman[i]; });
          put("prcc", [&](std::size_t i) { return o.ranks->prcc[i]; });
          put("srrc", [&](std::size_t i) { return o.ranks->srrc[i]; });
        }
        if (!r.second.empty()) {
          // k x k, row-major; S2_ij for i < j, NaN elsewhere.
          std::vector<double> s2(k * k), s2lo(k * k), s2hi(k * k);
          for (std::size_t i = 0; i < k; ++i)
            for (std::size_t m = 0; m < k; ++m) {
              s2[i * k + m] = r.second[i][m].value;
              s2lo[i * k + m] = r.second[i][m].ci95.lo;
              s2hi[i * k + m] = r.second[i][m].ci95.hi;
            }
          og.write<double>("S2", s2).set_attribute("shape", "k x k, row-major, i < j");
          og.write<double>("S2_ci95_lo", s2lo);
          og.write<double>("S2_ci95_hi", s2hi);
        }
      } else {
        const auto& r = *o.morris;
        og.set_attribute("status", sensitivity::to_string(r.status));
        og.set_attribute("trajectories_used", r.trajectories_used);
        og.set_attribute("trajectories_dropped", r.trajectories_dropped);
        put("mu_star", [&](std::size_t i) { return r.inputs[i].mu_star; });
        std::vector<double> mu(k), sigma(k);
        for (std::size_t i = 0; i < k; ++i) {
          mu[i] = r.inputs[i].mu;
          sigma[i] = r.inputs[i].sigma;
        }
        og.write<double>("mu", mu);
        og.write<double>("sigma", sigma);
      }
    }
  }
}

}  // namespace

void write_sensitivity_results(const fs::path& path, const SensitivityAnalysis& a) {
  AtomicOutput output(path);
  {
    h5::File file = h5::File::create(output.temporary());
    h5::Group root = file.root();
    root.set_attribute("format", "launchmc-sensitivity");
    root.set_attribute("format_version", kSensitivityFormatVersion);
    root.set_attribute("written_by", fmt::format("launchmc {} ({})", version, git_revision));
    write_sensitivity_group(root, a);
    file.close();
  }
  output.commit();
}

void add_sensitivity_to_run_file(const fs::path& run, const SensitivityAnalysis& a) {
  // A copy of the run file with /sensitivity added replaces it at once: a failure leaves the run
  // file as it was.
  AtomicOutput output(run);
  fs::copy_file(run, output.temporary(), fs::copy_options::overwrite_existing);
  {
    h5::File file = h5::File::open_append(output.temporary());
    h5::Group root = file.root();
    write_sensitivity_group(root, a);
    file.close();
  }
  output.commit();
}

}  // namespace launchmc::io
