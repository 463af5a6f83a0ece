// Config text -> Study: the model through the schema's reading archive (config/yaml_archive.hpp),
// then the uncertainties and failure modes, then validate() as on every drawn sample.
#include "config/load_scenario.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <set>

#include "config/distribution_reader.hpp"
#include "config/yaml_archive.hpp"
#include "geo/time.hpp"
#include "scenario/parameters.hpp"
#include "scenario/validate.hpp"
#include "uncertainty/copula.hpp"

namespace launchmc::config {

namespace {

// A table of `cols` columns; column 0 (the abscissa) must be strictly increasing.
std::vector<std::vector<double>> read_increasing_rows(const Value& v, std::size_t cols,
                                                      std::string_view abscissa) {
  auto rows = v.rows(cols);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (!(rows[i][0] > rows[i - 1][0]))
      v[i].fail(fmt::format("{} must increase strictly from row to row ({} after {})", abscissa,
                            rows[i][0], rows[i - 1][0]));
  }
  return rows;
}

Table1D table_from_rows(const std::vector<std::vector<double>>& rows, std::size_t ycol) {
  std::vector<double> x, y;
  for (const auto& r : rows) {
    x.push_back(r[0]);
    y.push_back(r[ycol]);
  }
  return Table1D(std::move(x), std::move(y));
}

// One dispersed input: `path` and exactly one distribution key. Spreads are absolute (in the
// parameter's unit) or relative to the nominal value (keys ending in _percent); lo/hi/mode are
// deviations from the nominal value; discrete values are absolute values.
UncertainInput read_input(const Value& v, Scenario& sc) {
  MapReader m(v);
  const Value path = m.required("path");
  const std::string path_text = path.string();
  const ParameterRef ref = resolve_parameter(sc, path_text);
  if (!ref) path.fail(fmt::format("'{}' names no parameter: {}", path_text, ref.why_not));
  if (!ref.dispersable)
    path.fail(
        fmt::format("'{}' names no parameter that can be dispersed: it is a numerical or "
                    "reporting setting, not an uncertain input",
                    path_text));
  const double nominal = *ref.value;
  const std::optional<DistributionSpec> spec = find_distribution(m);
  if (!spec) m.finish();  // an unknown key (a misspelt distribution) is the better message
  if (!spec) v.fail(kMissingDistribution);
  const uncertainty::Distribution dist = read_distribution(*spec, nominal);
  m.finish();
  return UncertainInput{path_text, dist, nominal};
}

Table1D read_profile(const Value& v, std::string_view what) {
  const auto rows = read_increasing_rows(v, 2, "altitude");
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i][1] < 0.0) v[i][1].fail(fmt::format("{} must be >= 0", what));
  return table_from_rows(rows, 1);
}

Dispersions read_uncertainties(const Value& v, Scenario& sc, std::optional<Value>& shares) {
  MapReader m(v);
  Dispersions disp;
  if (auto s = m.optional("stratify")) {
    const std::string kind = s->string();
    if (kind == "failures")
      disp.stratify = Stratify::failures;
    else if (kind != "none")
      s->fail(fmt::format("'{}': expected none or failures", kind));
  }
  shares = m.optional("stratify_shares");
  if (auto s = m.optional("sampler")) {
    try {
      disp.sampler = uncertainty::sampler_from_string(s->string());
    } catch (const std::invalid_argument&) {
      s->fail(fmt::format("'{}': expected mc, lhs or sobol", s->string()));
    }
  }
  std::set<std::string> seen;
  if (auto inputs = m.optional("inputs")) {
    for (std::size_t i = 0; i < inputs->size(); ++i) {
      disp.inputs.push_back(read_input((*inputs)[i], sc));
      if (!seen.insert(disp.inputs.back().path).second)
        (*inputs)[i].fail(fmt::format("'{}' is dispersed twice", disp.inputs.back().path));
    }
  }
  if (auto cv = m.optional("correlations")) {
    std::set<std::size_t> used;
    for (std::size_t g = 0; g < cv->size(); ++g) {
      MapReader c((*cv)[g]);
      CorrelationGroup group;
      const Value paths = c.required("paths");
      for (std::size_t i = 0; i < paths.size(); ++i) {
        const std::string p = paths[i].string();
        std::size_t idx = disp.inputs.size();
        for (std::size_t j = 0; j < disp.inputs.size(); ++j)
          if (disp.inputs[j].path == p) idx = j;
        if (idx == disp.inputs.size())
          paths[i].fail(fmt::format("'{}' is not a dispersed input", p));
        if (!used.insert(idx).second)
          paths[i].fail(fmt::format("'{}' is in two correlation groups", p));
        group.inputs.push_back(idx);
      }
      const Value mat = c.required("matrix");
      const auto rows = mat.rows(group.inputs.size(), group.inputs.size());
      if (rows.size() != group.inputs.size())
        mat.fail(fmt::format("expected a {0} x {0} matrix", group.inputs.size()));
      group.matrix.resize(static_cast<Eigen::Index>(rows.size()),
                          static_cast<Eigen::Index>(rows.size()));
      for (std::size_t i = 0; i < rows.size(); ++i)
        for (std::size_t j = 0; j < rows.size(); ++j)
          group.matrix(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
      try {
        uncertainty::GaussianCopula check(group.matrix);
      } catch (const std::invalid_argument& e) {
        mat.fail(e.what());
      }
      c.finish();
      disp.correlations.push_back(std::move(group));
    }
  }
  if (auto dv = m.optional("density_sd_percent")) {
    // Coefficient of variation cv(h) -> log-space sd s(h) = sqrt(ln(1 + cv^2)).
    Table1D cv = read_profile(*dv, "density sd");
    std::vector<double> s;
    for (double pct : cv.y()) s.push_back(std::sqrt(std::log1p((pct / 100.0) * (pct / 100.0))));
    sc.density_log_sd = Table1D(cv.x(), s);
    disp.density = true;
  }
  if (auto wv = m.optional("wind_sd_mps")) {
    sc.wind.set_perturbation_sigma(read_profile(*wv, "wind sd"));
    disp.wind = true;
  }
  m.finish();
  return disp;
}

}  // namespace

Override parse_override(std::string_view text) {
  const std::size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == text.size())
    throw ConfigError(fmt::format("override '{}': expected PATH=VALUE", text));
  return {std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

std::string read_text_file(const std::string& path) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below); a regular file
  // ignores the flag. The type is checked on the open descriptor, not on the name, so the file
  // cannot be swapped between the check and the read.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    throw ConfigError(
        fmt::format("{}: cannot open the config file: {}", path, std::strerror(errno)));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    throw ConfigError(
        fmt::format("{}: cannot read the config file: {}", path, std::strerror(errno)));
  if (S_ISDIR(st.st_mode))
    throw ConfigError(fmt::format("{}: is a directory, not a config file", path));
  if (!S_ISREG(st.st_mode))
    throw ConfigError(
        fmt::format("{}: is not a regular file (a config must be a YAML file, not a "
                    "device, FIFO or socket)",
                    path));
  // At most the cap plus one byte, even if the file grows while it is read.
  std::string text;
  std::size_t want = kMaxConfigBytes + 1;
  while (text.size() < want) {
    char buffer[65536];
    const ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, want - text.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw ConfigError(
          fmt::format("{}: cannot read the config file: {}", path, std::strerror(errno)));
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  if (text.size() > kMaxConfigBytes)
    throw ConfigError(
        fmt::format("{}: the config file is larger than {} MiB, the limit for configs", path,
                    kMaxConfigBytes >> 20));
  return text;
}

Scenario load_scenario_file(const std::string& path, const std::vector<Override>& overrides) {
  return load_config(read_text_file(path), path, overrides).scenario;
}

Scenario load_scenario(const std::string& text, const std::string& file,
                       const std::vector<Override>& overrides) {
  return load_config(text, file, overrides).scenario;
}

Study load_config_file(const std::string& path, const std::vector<Override>& overrides) {
  return load_config(read_text_file(path), path, overrides);
}

Study load_config(const std::string& text, const std::string& file,
                  const std::vector<Override>& overrides) {
  Value root = parse_document(text, file);
  for (const Override& o : overrides) set_scalar(root.node(), o.path, o.value);

  Study study;
  Scenario& sc = study.scenario;
  sc.config_path = file;
  sc.config_text = text;
  sc.name = file;  // unless the config names itself

  // Validation failures are reported at the key they name.
  const auto& doc = root.document();
  auto refuse = [&](const schema::Problem& problem) {
    const auto it = doc.marks.find(problem.path);
    const std::string where = it != doc.marks.end() ? doc.where(it->second) : doc.file;
    throw ConfigError(fmt::format("{}: {}: {}", where, problem.path, problem.detail()));
  };
  schema::Problem problem;

  // The model, key by key as the schema declares it, validated as every drawn sample is (the
  // ranges again, and the rules across keys); then what is uncertain about it.
  ReadArchive top(root);
  schema::fields(top, sc);
  if (!overrides.empty()) {
    // A solid motor's thrust table is the motor at the Isp and load the config file states; an
    // override of isp_vac_s or propellant_mass_kg (a what-if, like a dispersion) changes the
    // motor against that table (vehicle::Engine), not the table's own reference. Overrides edit
    // scalars only, so the file without them has the same stages, solid where these are. A file
    // that reads only with its overrides (one fixes a value out of range) keeps the overridden
    // values as the stated ones.
    Scenario base;
    bool base_read = true;
    try {
      const Value base_root = parse_document(text, file);
      ReadArchive base_top(base_root);
      schema::fields(base_top, base);
    } catch (const ConfigError&) {
      base_read = false;
    }
    for (std::size_t k = 0; base_read && k < sc.vehicle.stages.size(); ++k) {
      vehicle::Engine& e = sc.vehicle.stages[k].engine;
      const vehicle::Engine& b = base.vehicle.stages[k].engine;
      if (!e.solid() || !b.solid()) continue;
      e.curve_isp_vac_s = b.curve_isp_vac_s;
      e.curve_propellant_mass_kg = b.curve_propellant_mass_kg;
    }
  }
  sc.earth_rotation_angle_at_liftoff_rad = geo::gmst_rad(sc.epoch_unix_utc_s);
  if (!validate(sc, &problem)) refuse(problem);
  std::optional<Value> shares;
  if (auto uv = top.reader().optional("uncertainties"))
    study.dispersions = read_uncertainties(*uv, sc, shares);
  top.list(study.dispersions.failures, {.key = "failures", .need = schema::Need::optional}, {},
           [&](auto& a, FailureMode& f, std::size_t) { schema::fields(a, f, sc); });
  top.finish();
  if (shares) {
    // Shares by stratum name: `none` (no failure) and the failure modes' names; a stratum left
    // out gets share 0, which the engine refuses for a stratum of positive probability.
    Dispersions& d = study.dispersions;
    MapReader sm(*shares);
    d.stratum_shares.assign(d.failures.size() + 1, 0.0);
    for (std::size_t k = 0; k <= d.failures.size(); ++k) {
      const std::string name = k == 0 ? "none" : d.failures[k - 1].name;
      if (auto x = sm.optional(name)) d.stratum_shares[k] = x->number(Range::non_negative());
    }
    sm.finish();
    double total = 0.0, failing = 0.0;
    for (const FailureMode& f : d.failures) failing += f.per_flight_probability();
    for (std::size_t k = 0; k < d.stratum_shares.size(); ++k) {
      const double pk =
          k == 0 ? std::max(0.0, 1.0 - failing) : d.failures[k - 1].per_flight_probability();
      if (pk > 0.0 && !(d.stratum_shares[k] > 0.0))
        shares->fail(fmt::format("stratum '{}' has probability {:g} and needs a share > 0",
                                 k == 0 ? std::string("none") : d.failures[k - 1].name, pk));
      total += d.stratum_shares[k];
    }
    if (!(total > 0.0)) shares->fail("the shares must not all be 0");
  }
  if (!validate(study, &problem)) refuse(problem);

  study.name = sc.name;
  study.config_path = file;
  study.config_text = text;
  for (const Override& o : overrides) study.overrides.push_back(o.path + "=" + o.value);
  return study;
}

}  // namespace launchmc::config
