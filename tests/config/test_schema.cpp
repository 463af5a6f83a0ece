// The config schema as one declaration (scenario/schema_fields.hpp): a config of every struct read
// and written back, checked key by key against yaml-cpp's own reading of the text (not through the
// schema); the parameter-path list against the numbers of that text; every declared range refused
// in the file, by --set and on a model set through its path; the docs tables regenerated.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "config/load_scenario.hpp"
#include "config/yaml_edit.hpp"
#include "scenario/parameters.hpp"
#include "scenario/schema.hpp"
#include "scenario/validate.hpp"

namespace launchmc {
namespace {

const std::string kEvery = std::string(LAUNCHMC_TEST_DATA_DIR) + "/every_struct.yaml";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return pos == std::string::npos ? s : s.replace(pos, from.size(), to);
}

// Every scalar of a YAML text by its parameter path ("a.b[2][1].c"), as yaml-cpp reads it.
void leaves(const YAML::Node& n, const std::string& path, std::map<std::string, std::string>& out) {
  if (n.IsScalar()) {
    out[path] = n.Scalar();
  } else if (n.IsSequence()) {
    for (std::size_t i = 0; i < n.size(); ++i) leaves(n[i], fmt::format("{}[{}]", path, i), out);
  } else if (n.IsMap()) {
    for (const auto& kv : n)
      leaves(kv.second, path.empty() ? kv.first.Scalar() : path + "." + kv.first.Scalar(), out);
  }
}
std::map<std::string, std::string> leaves_of(const std::string& text) {
  std::map<std::string, std::string> out;
  leaves(YAML::Load(text), "", out);
  return out;
}

bool as_number(const std::string& s, double& x) {
  char* end = nullptr;
  x = std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size();
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// Which numbers of a config are parameter paths, stated here from the documented rules rather
// than taken from the schema: every number except whole numbers (gravity.degree, fairing pieces),
// table cells (but for the pitch program's value column), keys held in another form (an energy
// cutoff in km, an orbit's a and e) and what is not the model's (failure modes).
bool bindable_by_the_rules(const std::string& path) {
  const bool cell = path.back() == ']' && path.find("][") != std::string::npos;
  if (cell)
    return path.rfind("guidance.pitch_program[", 0) == 0 && path.size() > 3 &&
           path.substr(path.size() - 3) == "[1]";
  for (const char* no :
       {"gravity.degree", "vehicle.fairing.pieces", "energy_cutoff.apogee_alt_km",
        "energy_cutoff.semi_major_axis_km", "target.semi_major_axis_km", "target.eccentricity",
        "failures[", "limits.fragments_per_class", "].pieces"})
    if (contains(path, no)) return false;
  return true;
}

TEST(Schema, ReadsEveryKeyOfEveryStruct) {
  const Study st = config::load_config_file(kEvery);
  const Scenario& sc = st.scenario;
  EXPECT_EQ(st.name, "every struct");
  EXPECT_EQ(st.config_path, kEvery);
  EXPECT_EQ(st.config_text, read_file(kEvery));
  // What does not go through a path: switches, names, forms, tables, derived values.
  EXPECT_EQ(sc.gravity_degree, 3);
  EXPECT_FALSE(sc.earth.spherical);
  EXPECT_EQ(sc.vehicle.fairing->pieces, 3);
  EXPECT_EQ(sc.vehicle.payload.name, "capsule");
  EXPECT_EQ(sc.vehicle.stages[1].name, "sustainer");
  EXPECT_TRUE(sc.vehicle.stages[0].engine.solid());
  EXPECT_DOUBLE_EQ(sc.vehicle.stages[0].engine.thrust_vac_N, 6.2e5);  // the curve's largest value
  EXPECT_DOUBLE_EQ(sc.vehicle.stages[0].engine.thrust_curve_vac_N.y()[2], 5.0e5);
  EXPECT_DOUBLE_EQ(sc.vehicle.stages[0].stack_drag.cd_vs_mach.x()[1], 1.1);
  EXPECT_DOUBLE_EQ(sc.wind.north_table().y()[1], 4.0);
  EXPECT_DOUBLE_EQ(sc.wind.east_table().x()[2], 40000.0);
  ASSERT_TRUE(sc.vehicle.stages[2].energy_cutoff);
  EXPECT_EQ(sc.vehicle.stages[2].energy_cutoff->quantity, vehicle::CutoffQuantity::apogee_altitude);
  EXPECT_DOUBLE_EQ(sc.vehicle.stages[2].energy_cutoff->value_m, 900e3);
  EXPECT_FALSE(sc.vehicle.stages[2].closed_loop->enabled);
  EXPECT_EQ(sc.vehicle.stages[2].closed_loop->mode, guidance::ClosedLoopMode::ballistic);
  EXPECT_TRUE(std::isnan(sc.vehicle.stages[2].closed_loop->ballistic.impact_lat_deg));
  EXPECT_DOUBLE_EQ(sc.epoch_unix_utc_s, 1748781045.0);  // 2025-06-01T12:30:45Z
  ASSERT_EQ(st.dispersions.failures.size(), 3u);
  EXPECT_EQ(st.dispersions.failures[1].stage, 1u);
  EXPECT_DOUBLE_EQ(st.dispersions.failures[1].window_end_s, 100.0);
  EXPECT_EQ(st.dispersions.failures[2].kind, FailureKind::loss_of_control);
  EXPECT_DOUBLE_EQ(st.dispersions.failures[2].turn_rate_max_deg_s, 30.0);
  EXPECT_DOUBLE_EQ(*st.dispersions.failures[2].turn_direction_deg, 45.0);
  EXPECT_DOUBLE_EQ(*sc.vehicle.stages[0].q_alpha_limit_Pa_rad, 250000.0);
  // Flight-termination rules: both lists, every key.
  ASSERT_EQ(sc.range_safety.rule_count(), 2u);
  EXPECT_EQ(sc.range_safety.rule_name(1), "off_course");
  EXPECT_EQ(sc.range_safety.iip_corridors[0].points.size(), 4u);
  EXPECT_DOUBLE_EQ(*sc.range_safety.iip_corridors[0].until_s, 300.0);
  EXPECT_DOUBLE_EQ(*sc.range_safety.deviation_limits[0].flight_path_angle_deg, 15.0);
  EXPECT_DOUBLE_EQ(sc.range_safety.deviation_limits[0].active_from_s, 20.0);
  // Debris lists: both drag forms, the ballistic coefficient's derived drag (Cd 1 on m / beta).
  ASSERT_EQ(sc.vehicle.stages[0].debris.size(), 2u);
  EXPECT_EQ(sc.vehicle.stages[0].debris[0].pieces, 30);
  EXPECT_DOUBLE_EQ(sc.vehicle.stages[0].debris[0].flown_drag.cd_area_m2(3.0), 12.0 / 25.0);
  EXPECT_DOUBLE_EQ(sc.vehicle.stages[0].debris[1].flown_drag.cd_area_m2(0.0), 1.5 * 0.8 * 1.1);
  EXPECT_EQ(sc.limits.fragments_per_class, 6);
  // The risk section: its texts and switches (its numbers go through their paths below).
  ASSERT_TRUE(sc.risk);
  EXPECT_EQ(sc.risk->population, "data/density.asc");
  EXPECT_EQ(sc.risk->regions, "data/zones.geojson");
  EXPECT_EQ(sc.risk->shore, geo::ShoreResolution::intermediate);
  EXPECT_FALSE(sc.risk->geography);
  ASSERT_TRUE(sc.risk->region);
  EXPECT_DOUBLE_EQ(sc.risk->region->east_deg, 141.0);

  // Every number the rules call a parameter reaches the model: through its path, the value
  // yaml-cpp reads at that path.
  Scenario model = sc;
  std::size_t checked = 0;
  for (const auto& [path, text] : leaves_of(read_file(kEvery))) {
    double x = 0;
    if (!as_number(text, x) || !bindable_by_the_rules(path)) continue;
    const ParameterRef ref = resolve_parameter(model, path);
    ASSERT_TRUE(ref) << path << ": " << ref.why_not;
    EXPECT_EQ(*ref.value, x) << path;
    ++checked;
  }
  EXPECT_GT(checked, 100u);
}

TEST(Schema, PathListIsEveryNumberOfTheConfigAndNothingElse) {
  const Study st = config::load_config_file(kEvery);
  std::set<std::string> expected;
  for (const auto& [path, text] : leaves_of(read_file(kEvery))) {
    double x = 0;
    if (as_number(text, x) && bindable_by_the_rules(path)) expected.insert(path);
  }
  const std::vector<std::string> listed = parameter_paths(st.scenario);
  const std::set<std::string> got(listed.begin(), listed.end());
  EXPECT_EQ(got.size(), listed.size()) << "a path is listed twice";
  for (const auto& p : expected) EXPECT_TRUE(got.contains(p)) << "not listed: " << p;
  for (const auto& p : got)
    EXPECT_TRUE(expected.contains(p)) << "listed, not a number of the config: " << p;
  // And the numbers that are not parameters say why.
  Scenario sc = st.scenario;
  for (const char* p :
       {"gravity.degree", "vehicle.fairing.pieces", "vehicle.stages[2].energy_cutoff.apogee_alt_km",
        "vehicle.stages[0].thrust_vac_N", "vehicle.stages[0].stack_drag.cd_mach[1][1]",
        "guidance.pitch_program[1][0]", "atmosphere.winds[0][1]", "launch.epoch_utc"}) {
    const ParameterRef ref = resolve_parameter(sc, p);
    EXPECT_FALSE(ref) << p;
    EXPECT_FALSE(ref.why_not.empty()) << p;
  }
  const ParameterRef misspelt = resolve_parameter(sc, "launch.azimth_deg");
  EXPECT_NE(misspelt.why_not.find("did you mean 'azimuth_deg'"), std::string::npos)
      << misspelt.why_not;
  // Numerical settings bind (their range is known) but cannot be dispersed.
  EXPECT_FALSE(resolve_parameter(sc, "integrator.rtol").dispersable);
  EXPECT_TRUE(resolve_parameter(sc, "vehicle.stages[1].isp_vac_s").dispersable);
}

// Two texts hold the same config when every scalar of one is at the same path in the other with
// the same value (numbers compared as numbers).
void expect_same_leaves(const std::string& a, const std::string& b) {
  const auto la = leaves_of(a), lb = leaves_of(b);
  for (const auto& [path, text] : la) {
    const auto it = lb.find(path);
    if (it == lb.end()) {
      ADD_FAILURE() << "missing after writing: " << path;
      continue;
    }
    double x = 0, y = 0;
    if (as_number(text, x) && as_number(it->second, y))
      EXPECT_EQ(x, y) << path;
    else
      EXPECT_EQ(text, it->second) << path;
  }
  for (const auto& [path, text] : lb)
    EXPECT_TRUE(la.contains(path)) << "written, not in the config: " << path;
}

TEST(Schema, WritesBackEveryKeyItRead) {
  const std::string text = read_file(kEvery);
  const Study st = config::load_config_file(kEvery);
  const std::string written = config::write_config(st);
  expect_same_leaves(text, written);
  // And the written text reads back to the same model, path by path, and writes the same text.
  const Study again = config::load_config(written, "written.yaml");
  Scenario a = st.scenario, b = again.scenario;
  for (const auto& p : parameter_paths(a))
    EXPECT_EQ(*resolve_parameter(a, p).value, *resolve_parameter(b, p).value) << p;
  EXPECT_EQ(config::write_config(again), written);
}

// The alternative forms: an orbit by size and shape, an aim point, an energy cutoff on the
// semi-major axis. The model holds one form; the written config gives the model's form.
TEST(Schema, AlternativeFormsAreReadAndWrittenAsTheModelHoldsThem) {
  std::string text = read_file(kEvery);
  text = replace(text, "          perigee_alt_km: 400\n          apogee_alt_km: 600\n",
                 "          semi_major_axis_km: 6878.137\n          eccentricity: 0.01\n");
  text = replace(text, "          insertion_alt_km: 450\n", "");
  text = replace(text, "target: {range_km: 1200, azimuth_deg: 95, apogee_alt_km: 800}",
                 "target: {impact_lat_deg: 40.5, impact_lon_deg: 131.25, apogee_alt_km: 800}");
  text = replace(text, "energy_cutoff: {apogee_alt_km: 900,",
                 "energy_cutoff: {semi_major_axis_km: 7000,");
  const Study st = config::load_config(text, "forms.yaml");
  const auto& o = st.scenario.vehicle.stages[1].closed_loop->orbit;
  // a(1 -/+ e) - 6378.137 km by hand.
  EXPECT_NEAR(o.perigee_alt_km, 6878.137 * 0.99 - 6378.137, 1e-9);
  EXPECT_NEAR(o.apogee_alt_km, 6878.137 * 1.01 - 6378.137, 1e-9);
  const auto& b = st.scenario.vehicle.stages[2].closed_loop->ballistic;
  EXPECT_DOUBLE_EQ(b.impact_lon_deg, 131.25);
  EXPECT_TRUE(std::isnan(b.range_km));
  EXPECT_EQ(st.scenario.vehicle.stages[2].energy_cutoff->quantity,
            vehicle::CutoffQuantity::semi_major_axis);
  EXPECT_DOUBLE_EQ(st.scenario.vehicle.stages[2].energy_cutoff->value_m, 7000e3);

  const std::string written = config::write_config(st);
  const auto w = leaves_of(written);
  EXPECT_TRUE(w.contains("vehicle.stages[1].guidance.target.perigee_alt_km"));
  EXPECT_FALSE(w.contains("vehicle.stages[1].guidance.target.semi_major_axis_km"));
  EXPECT_EQ(w.at("vehicle.stages[2].guidance.target.impact_lat_deg"), "40.5");
  EXPECT_FALSE(w.contains("vehicle.stages[2].guidance.target.range_km"));
  EXPECT_EQ(w.at("vehicle.stages[2].energy_cutoff.semi_major_axis_km"), "7000");
  Scenario a = st.scenario, again = config::load_config(written, "w.yaml").scenario;
  for (const auto& p : parameter_paths(a))
    EXPECT_EQ(*resolve_parameter(a, p).value, *resolve_parameter(again, p).value) << p;
  // The paths follow the form the model holds.
  EXPECT_TRUE(resolve_parameter(a, "vehicle.stages[2].guidance.target.impact_lat_deg"));
  EXPECT_FALSE(resolve_parameter(a, "vehicle.stages[2].guidance.target.range_km"));
}

// A value just outside a bound: the bound itself when it is open.
std::vector<double> outside_values(const schema::Range& r) {
  std::vector<double> out;
  if (r.has_lo()) out.push_back(r.lo_open ? r.lo : r.lo - std::max(1e-6, std::abs(r.lo) * 1e-6));
  if (r.has_hi()) out.push_back(r.hi_open ? r.hi : r.hi + std::max(1e-6, std::abs(r.hi) * 1e-6));
  return out;
}

TEST(Schema, EveryRangeIsEnforcedInTheFileBySetAndOnTheModel) {
  const std::string text = read_file(kEvery);
  const Study st = config::load_config(text, "every.yaml");
  Scenario probe = st.scenario;
  std::size_t bounds = 0;
  for (const std::string& path : parameter_paths(st.scenario)) {
    const ParameterRef ref = resolve_parameter(probe, path);
    ASSERT_TRUE(ref) << path;
    for (const double v : outside_values(ref.range)) {
      ++bounds;
      const std::string value = fmt::format("{:.17g}", v);
      const std::string constraint = ref.range.describe();
      // In the file.
      std::string msg;
      try {
        config::load_config(config::replace_scalars(text, {{path, value}}, "every.yaml"),
                            "every.yaml");
      } catch (const config::ConfigError& e) {
        msg = e.what();
      }
      EXPECT_TRUE(contains(msg, path + ": ") && contains(msg, constraint))
          << path << " = " << value << ": " << msg;
      // By --set.
      msg.clear();
      try {
        config::load_config(text, "every.yaml", {{path, value}});
      } catch (const config::ConfigError& e) {
        msg = e.what();
      }
      EXPECT_TRUE(contains(msg, path + ": ") && contains(msg, constraint))
          << path << " = " << value << ": " << msg;
      // On a model set through the path, as a drawn sample is.
      Scenario drawn = st.scenario;
      *resolve_parameter(drawn, path).value = v;
      schema::Problem problem;
      EXPECT_FALSE(validate(drawn, &problem)) << path << " = " << value;
      EXPECT_EQ(problem.path, path);
      EXPECT_EQ(problem.message, constraint) << path;
      EXPECT_EQ(problem.value, v) << path;
      // Inside the bound again it is valid.
      *resolve_parameter(drawn, path).value = *ref.value;
      EXPECT_TRUE(validate(drawn)) << path;
    }
  }
  EXPECT_GT(bounds, 120u);  // the test is not vacuous
}

TEST(Schema, ValidationMessagesStateTheConstraint) {
  Scenario sc = config::load_config_file(kEvery).scenario;
  EXPECT_TRUE(validate(sc));
  sc.vehicle.stages[1].propellant_mass_kg = -3;
  schema::Problem p;
  ASSERT_FALSE(validate(sc, &p));
  EXPECT_EQ(p.text(), "vehicle.stages[1].propellant_mass_kg = -3: must be > 0");
  // A cross-field rule: a drawn payload too heavy to lift.
  sc = config::load_config_file(kEvery).scenario;
  sc.vehicle.payload.mass_kg = 1e5;
  ASSERT_FALSE(validate(sc, &p));
  EXPECT_EQ(p.path, "vehicle.stages[0].thrust_curve_vac_N");
  EXPECT_TRUE(contains(p.message, "thrust-to-weight must be > 1")) << p.message;
  sc = config::load_config_file(kEvery).scenario;
  sc.vehicle.stages[1].closed_loop->orbit.apogee_alt_km = 390;
  ASSERT_FALSE(validate(sc, &p));
  EXPECT_EQ(p.text(), "vehicle.stages[1].guidance.target.apogee_alt_km: must be >= perigee_alt_km");
}

// Issue 9: --set refused a pitch kick beyond 90 deg that a dispersion could still draw.
TEST(Schema, PitchKickAndIspBoundsAreTheSameForSetAndForDraws) {
  const std::string text = read_file(kEvery);
  for (const char* v : {"90", "100", "-0.5"}) {
    try {
      config::load_config(text, "every.yaml", {{"guidance.pitch_kick_deg", v}});
      ADD_FAILURE() << v << " accepted";
    } catch (const config::ConfigError& e) {
      EXPECT_TRUE(contains(e.what(),
                           "guidance.pitch_kick_deg: = " + std::string(v) + ": must be in [0, 90)"))
          << e.what();
    }
  }
  Scenario sc = config::load_config(text, "every.yaml").scenario;
  const ParameterRef kick = resolve_parameter(sc, "guidance.pitch_kick_deg");
  EXPECT_FALSE(kick.admissible(90.0));
  EXPECT_TRUE(kick.admissible(89.999));
  const ParameterRef isp = resolve_parameter(sc, "vehicle.stages[1].isp_vac_s");
  EXPECT_FALSE(isp.admissible(49.9));
  EXPECT_FALSE(isp.admissible(1000.1));
  EXPECT_TRUE(isp.admissible(1000.0));
}

TEST(Schema, DocsTablesAreTheGeneratedOnes) {
  const std::string path = std::string(LAUNCHMC_TESTS_DIR) + "/../docs/config.md";
  const std::string docs = read_file(path);
  ASSERT_FALSE(docs.empty()) << path;
  for (const std::string& name : schema::table_names())
    EXPECT_TRUE(contains(docs, "<!-- schema: " + name + " -->"))
        << "docs/config.md has no table " << name;
  EXPECT_EQ(schema::update_markdown(docs), docs)
      << "docs/config.md differs from the schema: run `build/launchmc schema --update "
         "docs/config.md`";
  EXPECT_THROW(schema::update_markdown("<!-- schema: nothing -->\n<!-- /schema -->\n"),
               std::invalid_argument);
  EXPECT_THROW(schema::update_markdown("<!-- schema: launch -->\n"), std::invalid_argument);
}

}  // namespace
}  // namespace launchmc
