// validate(): the schema's ranges through a checking archive, then the cross-field rules.
#include "scenario/validate.hpp"

#include <fmt/format.h>

#include <array>

#include "common/constants.hpp"
#include "scenario/schema_fields.hpp"

namespace launchmc {

namespace {

using schema::Field;
using schema::Range;

// Checks every value the schema declares against its range. It keeps the path of the map being
// visited in a fixed array, and builds text only for the first problem (none on a valid model).
class ValidateArchive {
 public:
  explicit ValidateArchive(schema::Problem* problem) : problem_(problem) {}
  bool ok() const noexcept { return !failed_; }

  void number(double& x, const Field& f) { check(x, f); }
  void number(double& x, const Field& f, bool present) {
    if (present) check(x, f);
  }
  void number(std::optional<double>& x, const Field& f) {
    if (x) check(*x, f);
  }
  void converted(double& x, const Field& f, bool present) {
    if (present) check(x, f);
  }
  void integer(int& x, const Field& f) { check(static_cast<double>(x), f); }
  void boolean(bool&, const Field&) {}
  void text(std::string&, const Field&) {}
  void epoch(double& x, const Field& f) {
    if (!failed_ && !std::isfinite(x)) fail(f.key, -1, -1, x, nullptr, "must be a finite time");
  }
  template <class E>
  void choice(E&, const Field&, std::span<const schema::Choice<E>>) {}
  void vector3(Eigen::Vector3d& v, const Field& f, std::string_view) {
    for (int i = 0; i < 3 && !failed_; ++i)
      if (!f.range.contains(v[i])) fail(f.key, i, -1, v[i], &f.range, {});
  }
  void table(Table1D& t, const Field& f, const schema::TableSpec& spec, bool present) {
    if (present && !failed_) check_table(f.key, spec, t.x(), &t.y(), nullptr);
  }
  void table(Table1D& a, Table1D& b, const Field& f, const schema::TableSpec& spec, bool present) {
    if (!present || failed_) return;
    if (a.x() != b.x())
      return fail(f.key, -1, -1, NAN, nullptr, "the columns have different altitudes");
    check_table(f.key, spec, a.x(), &a.y(), &b.y());
  }
  template <class Fn>
  void section(const Field& f, bool present, Fn&& fn) {
    if (!present || failed_) return;
    push(f.key, -1);
    fn(*this);
    pop();
  }
  template <class T, class Fn>
  void section(std::optional<T>& o, const Field& f, Fn&& fn) {
    if (!o || failed_) return;
    push(f.key, -1);
    fn(*this, *o);
    pop();
  }
  template <class T, class Fn>
  void list(std::vector<T>& v, const Field& f, const schema::ListSpec& spec, Fn&& fn) {
    if (failed_) return;
    if (v.size() < spec.min_size)
      return fail(f.key, -1, -1, NAN, nullptr,
                  spec.too_short.empty() ? "too few entries" : spec.too_short);
    for (std::size_t i = 0; i < v.size() && !failed_; ++i) {
      push(f.key, static_cast<long>(i));
      fn(*this, v[i], i);
      pop();
    }
  }
  void forms(const schema::Forms&) {}
  template <class Fn>
  void after_read(Fn&&) {}

  // Where the next keys are: for a list of maps visited from outside (the failure modes).
  void push(std::string_view key, long index) {
    if (depth_ < path_.size()) path_[depth_] = {key, index};
    ++depth_;
  }
  void pop() { --depth_; }

 private:
  struct Segment {
    std::string_view key;
    long index = -1;  // >= 0: an element of the list `key`
  };

  void check(double x, const Field& f) {
    if (!failed_ && !f.range.contains(x)) fail(f.key, -1, -1, x, &f.range, {});
  }

  void check_table(std::string_view key, const schema::TableSpec& spec,
                   const std::vector<double>& x, const std::vector<double>* y1,
                   const std::vector<double>* y2) {
    const std::size_t n = x.size();
    if (n < std::max<std::size_t>(spec.min_rows, 1))
      return fail(key, -1, -1, NAN, nullptr,
                  spec.min_rows_message.empty() ? "too few rows" : spec.min_rows_message);
    const std::vector<double>* cols[3] = {&x, y1, y2};
    bool all_zero = true;
    for (std::size_t i = 0; i < n; ++i) {
      if (i > 0 && !(x[i] > x[i - 1]))
        return fail(key, static_cast<long>(i), 0, x[i], nullptr,
                    "must increase strictly from row to row");
      for (std::size_t j = 0; j < spec.columns.size() && j < 3; ++j) {
        if (cols[j] == nullptr) continue;
        const double v = (*cols[j])[i];
        if (!spec.columns[j].range.contains(v))
          return fail(key, static_cast<long>(i), static_cast<long>(j), v, &spec.columns[j].range,
                      {});
        if (j > 0 && v != 0.0) all_zero = false;
      }
    }
    if (!spec.zero_message.empty() && all_zero) fail(key, -1, -1, NAN, nullptr, spec.zero_message);
  }

  // The first problem: `key` (with up to two indices) under the current path.
  void fail(std::string_view key, long i, long j, double value, const Range* range,
            std::string_view message) {
    failed_ = true;
    if (problem_ == nullptr) return;
    std::string path;
    for (std::size_t d = 0; d < depth_ && d < path_.size(); ++d) {
      if (!path.empty()) path += '.';
      path += path_[d].key;
      if (path_[d].index >= 0) path += fmt::format("[{}]", path_[d].index);
    }
    if (!path.empty()) path += '.';
    path += key;
    if (i >= 0) path += fmt::format("[{}]", i);
    if (j >= 0) path += fmt::format("[{}]", j);
    *problem_ = {std::move(path), value,
                 range != nullptr ? range->describe() : std::string(message)};
  }

  schema::Problem* problem_;
  bool failed_ = false;
  std::array<Segment, 12> path_{};
  std::size_t depth_ = 0;
};

// Cross-field rules. Each returns false after filling `problem` (if given); text is built only
// then.
struct Rules {
  schema::Problem* problem;

  bool fail(std::string path, double value, std::string message) const {
    if (problem != nullptr) *problem = {std::move(path), value, std::move(message)};
    return false;
  }

  bool closed_loop(const vehicle::Stage& s, std::size_t k) const {
    if (s.closed_loop && s.closed_loop->enabled && s.energy_cutoff)
      return fail(
          fmt::format("vehicle.stages[{}].guidance", k), NAN,
          "a stage with closed-loop guidance cuts off on its target: remove energy_cutoff (or "
          "disable the guidance)");
    if (!s.closed_loop || s.closed_loop->mode != guidance::ClosedLoopMode::orbit) return true;
    const guidance::OrbitTargetSpec& o = s.closed_loop->orbit;
    if (o.apogee_alt_km < o.perigee_alt_km)
      return fail(fmt::format("vehicle.stages[{}].guidance.target.apogee_alt_km", k), NAN,
                  "must be >= perigee_alt_km");
    if (!std::isnan(o.insertion_alt_km) && (o.insertion_alt_km < o.perigee_alt_km - 1e-9 ||
                                            o.insertion_alt_km > o.apogee_alt_km + 1e-9))
      return fail(fmt::format("vehicle.stages[{}].guidance.target.insertion_alt_km", k), NAN,
                  "must lie between the perigee and apogee altitudes");
    return true;
  }

  bool vehicle(const vehicle::Vehicle& v) const {
    if (v.fairing &&
        v.fairing->jettison_alt_m.has_value() == v.fairing->jettison_time_s.has_value())
      return fail("vehicle.fairing", NAN, "give exactly one of jettison_alt_m and jettison_time_s");
    for (std::size_t k = 0; k < v.stages.size(); ++k) {
      if (!closed_loop(v.stages[k], k)) return false;
      for (std::size_t j = 0; j < k; ++j)
        if (v.stages[j].name == v.stages[k].name)
          return fail(fmt::format("vehicle.stages[{}]", k), NAN,
                      fmt::format("stage name '{}' is used twice", v.stages[k].name));
    }
    for (const auto& s : v.stages)
      if (s.name == v.payload.name)
        return fail("vehicle", NAN,
                    fmt::format("payload name '{}' is also a stage name", v.payload.name));
    return true;
  }

  bool open_loop(const guidance::OpenLoopProgram& g) const {
    const double kick_end = g.vertical_rise_s + g.pitch_kick_duration_s;
    if (std::isfinite(g.gravity_turn_end_s) && g.gravity_turn_end_s < kick_end)
      return fail("guidance.gravity_turn_end_s", g.gravity_turn_end_s,
                  fmt::format("must be >= {}", kick_end));
    if (std::isfinite(g.gravity_turn_end_s) && g.pitch_program_deg.empty())
      return fail("guidance", NAN, "gravity_turn_end_s needs a pitch_program to follow it");
    double prev_end = 0.0;
    for (std::size_t i = 0; i < g.yaw_steps.size(); ++i) {
      if (g.yaw_steps[i].start_s < prev_end)
        return fail(fmt::format("guidance.yaw_steps[{}]", i), NAN,
                    "yaw steps must be in time order and must not overlap");
      prev_end = g.yaw_steps[i].start_s + g.yaw_steps[i].duration_s;
    }
    return true;
  }

  // Each rule's window is ordered, each deviation rule has a limit, and the names are unique (the
  // run file's /termination_rules/name identifies them).
  bool range_safety(const RangeSafety& rs) const {
    // Paths are formatted only for a problem: validate() runs on every drawn sample.
    auto ordered = [](double from, const std::optional<double>& until) {
      return !until || *until > from;
    };
    for (std::size_t i = 0; i < rs.iip_corridors.size(); ++i) {
      const IipCorridorRule& r = rs.iip_corridors[i];
      if (!ordered(r.active_from_s, r.until_s))
        return fail(fmt::format("range_safety.iip_corridors[{}].until_s", i), *r.until_s,
                    fmt::format("must be > active_from_s = {}", r.active_from_s));
    }
    for (std::size_t i = 0; i < rs.deviation_limits.size(); ++i) {
      const DeviationRule& r = rs.deviation_limits[i];
      if (!r.cross_range_m && !r.altitude_m && !r.flight_path_angle_deg && !r.speed_mps)
        return fail(fmt::format("range_safety.deviation_limits[{}]", i), NAN,
                    "give at least one limit: cross_range_m, altitude_m, flight_path_angle_deg "
                    "or speed_mps");
      if (!ordered(r.active_from_s, r.until_s))
        return fail(fmt::format("range_safety.deviation_limits[{}].until_s", i), *r.until_s,
                    fmt::format("must be > active_from_s = {}", r.active_from_s));
    }
    for (std::size_t i = 0; i < rs.rule_count(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (rs.rule_name(i) == rs.rule_name(j))
          return fail(
              "range_safety", NAN,
              fmt::format("two rules are named '{}': names must be unique", rs.rule_name(i)));
    return true;
  }

  // What a vehicle needs to fly: it lifts off, and what separates can be flown to impact.
  bool flyable(const vehicle::Vehicle& v) const {
    const vehicle::Stage& first = v.stages.front();
    const double liftoff_weight_N = v.liftoff_mass_kg() * constants::g0_mps2;
    const double sea_level_thrust_N = first.engine.thrust_N(0.0, 101325.0, first.load_factor());
    if (!(sea_level_thrust_N > liftoff_weight_N))
      return fail(
          first.engine.solid() ? "vehicle.stages[0].thrust_curve_vac_N"
                               : "vehicle.stages[0].thrust_vac_N",
          NAN,
          fmt::format("sea-level thrust {:.0f} N at ignition does not exceed the liftoff weight "
                      "{:.0f} N (thrust-to-weight must be > 1)",
                      sea_level_thrust_N, liftoff_weight_N));
    for (std::size_t i = 0; i + 1 < v.stages.size(); ++i)
      if (v.stages[i].spent_drag.none())
        return fail(fmt::format("vehicle.stages[{}]", i), NAN,
                    "a stage that separates needs spent_drag (it is flown to impact)");
    if (v.payload.separation_delay_s && v.payload.drag.none())
      return fail("vehicle.payload", NAN,
                  "a payload that separates needs drag (it may be flown to impact)");
    return true;
  }
};

}  // namespace

bool validate(const Scenario& scenario, schema::Problem* problem) {
  // The archive only reads; the schema functions take the model by reference to serve readers.
  Scenario& sc = const_cast<Scenario&>(scenario);
  ValidateArchive a(problem);
  schema::fields(a, sc);
  if (!a.ok()) return false;
  const Rules rules{problem};
  if (sc.gravity_degree == 1)
    return rules.fail("gravity.degree", 1.0, "must be 0 (point mass), 2, 3 or 4");
  if (sc.vehicle.stages.empty())
    return rules.fail("vehicle.stages", NAN, "at least one stage is needed");
  return rules.vehicle(sc.vehicle) && rules.open_loop(sc.guidance) && rules.flyable(sc.vehicle) &&
         rules.range_safety(sc.range_safety);
}

bool validate(const Study& study, schema::Problem* problem) {
  if (!validate(study.scenario, problem)) return false;
  auto& failures = const_cast<std::vector<FailureMode>&>(study.dispersions.failures);
  ValidateArchive a(problem);
  a.list(failures, {.key = "failures"}, {},
         [&](auto& s, FailureMode& f, std::size_t) { schema::fields(s, f, study.scenario); });
  if (!a.ok()) return false;
  const Rules rules{problem};
  double total = 0.0;
  for (std::size_t i = 0; i < failures.size(); ++i) {
    const FailureMode& f = failures[i];
    if (!(f.window_start_s < f.window_end_s))
      return rules.fail(fmt::format("failures[{}]", i), NAN,
                        "window_start_s must be below window_end_s");
    if (f.kind == FailureKind::ignition_failure && f.stage == 0)
      return rules.fail(fmt::format("failures[{}].stage", i), NAN,
                        "ignition_failure needs a stage above the first (it fails to ignite "
                        "after separation); a pad abort is not modelled");
    if (f.kind == FailureKind::separation_failure &&
        f.stage + 1 >= study.scenario.vehicle.stages.size())
      return rules.fail(fmt::format("failures[{}].stage", i), NAN,
                        "separation_failure needs a stage with a stage above it");
    if (f.kind == FailureKind::loss_of_control && !(f.turn_rate_min_deg_s <= f.turn_rate_max_deg_s))
      return rules.fail(fmt::format("failures[{}].turn_rate_min_deg_s", i), f.turn_rate_min_deg_s,
                        "must not exceed turn_rate_max_deg_s");
    if (f.kind == FailureKind::thrust_loss && !(f.thrust_fraction_min <= f.thrust_fraction_max))
      return rules.fail(fmt::format("failures[{}].thrust_fraction_min", i), f.thrust_fraction_min,
                        "must not exceed thrust_fraction_max");
    total += f.per_flight_probability();
  }
  if (total > 1.0)
    return rules.fail("failures", NAN,
                      fmt::format("failure probabilities add up to {} > 1", total));
  return true;
}

}  // namespace launchmc
