// The outcome column tables (see columns.hpp).
#include "engine/columns.hpp"

#include <stdexcept>
#include <string>

#include "engine/outcome.hpp"

namespace launchmc::engine {

namespace {

using outcome::BodyOutcome;
using outcome::FlightOutcome;

double code(auto v) { return static_cast<double>(static_cast<int>(v)); }
double orbit_or_nan(const FlightOutcome& o, double outcome::OrbitOutcome::*field) {
  return o.insertion ? (*o.insertion).*field : kNaN;
}
double ground_or_nan(const FlightOutcome& o, double value) { return o.on_ground ? value : kNaN; }
double impact_or_nan(const std::optional<outcome::ImpactOutcome>& i,
                     double outcome::ImpactOutcome::*field) {
  return i ? (*i).*field : kNaN;
}

const SampleColumn kSampleColumns[] = {
    {"status", "", Storage::enum_i8, static_cast<double>(SampleStatus::invalid_input),
     "how the sample ended: orbit, suborbital, crash, integration_failure, time_limit, "
     "invalid_input (not flown)",
     [](const FlightOutcome& o) { return code(o.status); }, status_members},
    {"failure_mode", "", Storage::i8, -1.0,
     "index into /failure_modes/name of the failure that occurred; -1: none",
     [](const FlightOutcome& o) { return static_cast<double>(o.failure_mode); }, nullptr},
    {"powered_flight_end", "", Storage::enum_i8, 0.0,
     "how the last powered phase ended; none: it did not (crash, time limit or integration failure "
     "during powered flight, or not flown)",
     [](const FlightOutcome& o) { return code(o.powered_flight_end); }, powered_flight_end_members},
    {"breakup_cause", "", Storage::enum_i8, 0.0,
     "why the vehicle broke up: none, failure_mode (a drawn explosion or flight_termination), "
     "q_alpha (aerodynamic load after a loss of control), termination_rule (a range_safety rule: "
     "see termination_rule)",
     [](const FlightOutcome& o) { return code(o.breakup_cause); }, breakup_cause_members},
    {"termination_rule", "", Storage::i8, -1.0,
     "index into /termination_rules/name of the flight-termination rule that fired; -1: none",
     [](const FlightOutcome& o) { return static_cast<double>(o.termination_rule); }, nullptr},
    {"insertion_time_s", "s", Storage::f64, kNaN, "orbit insertion time (NaN unless status orbit)",
     [](const FlightOutcome& o) { return orbit_or_nan(o, &outcome::OrbitOutcome::time_s); },
     nullptr},
    {"perigee_alt_m", "m", Storage::f64, kNaN,
     "height of the perigee point above the WGS-84 ellipsoid at insertion",
     [](const FlightOutcome& o) { return orbit_or_nan(o, &outcome::OrbitOutcome::perigee_alt_m); },
     nullptr},
    {"apogee_alt_m", "m", Storage::f64, kNaN,
     "height of the apogee point above the WGS-84 ellipsoid at insertion",
     [](const FlightOutcome& o) { return orbit_or_nan(o, &outcome::OrbitOutcome::apogee_alt_m); },
     nullptr},
    {"semi_major_axis_m", "m", Storage::f64, kNaN, "osculating semi-major axis at insertion",
     [](const FlightOutcome& o) {
       return orbit_or_nan(o, &outcome::OrbitOutcome::semi_major_axis_m);
     },
     nullptr},
    {"eccentricity", "1", Storage::f64, kNaN, "osculating eccentricity at insertion",
     [](const FlightOutcome& o) { return orbit_or_nan(o, &outcome::OrbitOutcome::eccentricity); },
     nullptr},
    {"inclination_deg", "deg", Storage::f64, kNaN, "inclination at insertion",
     [](const FlightOutcome& o) {
       return orbit_or_nan(o, &outcome::OrbitOutcome::inclination_deg);
     },
     nullptr},
    {"raan_deg", "deg", Storage::f64, kNaN,
     "right ascension of the ascending node at insertion, [0, 360)",
     [](const FlightOutcome& o) { return orbit_or_nan(o, &outcome::OrbitOutcome::raan_deg); },
     nullptr},
    {"arg_perigee_deg", "deg", Storage::f64, kNaN, "argument of perigee at insertion, [0, 360)",
     [](const FlightOutcome& o) {
       return orbit_or_nan(o, &outcome::OrbitOutcome::arg_perigee_deg);
     },
     nullptr},
    {"max_q_Pa", "Pa", Storage::f64, kNaN, "maximum dynamic pressure of powered flight",
     [](const FlightOutcome& o) { return o.max_q_Pa; }, nullptr},
    {"vehicle_apogee_alt_m", "m", Storage::f64, kNaN,
     "highest point of the vehicle's own flight when it ends on the ground (NaN otherwise)",
     [](const FlightOutcome& o) { return ground_or_nan(o, o.vehicle_apogee_alt_m); }, nullptr},
    {"range_m", "m", Storage::f64, kNaN, "geodesic distance launch site -> the vehicle's impact",
     [](const FlightOutcome& o) { return ground_or_nan(o, o.range_m); }, nullptr},
    {"flight_time_s", "s", Storage::f64, kNaN, "liftoff to the vehicle's impact",
     [](const FlightOutcome& o) { return ground_or_nan(o, o.flight_time_s); }, nullptr},
    {"vehicle_impact_lat_deg", "deg", Storage::f64, kNaN,
     "the vehicle's impact point, geodetic latitude",
     [](const FlightOutcome& o) {
       return impact_or_nan(o.vehicle_impact, &outcome::ImpactOutcome::lat_deg);
     },
     nullptr},
    {"vehicle_impact_lon_deg", "deg", Storage::f64, kNaN, "the vehicle's impact point, longitude",
     [](const FlightOutcome& o) {
       return impact_or_nan(o.vehicle_impact, &outcome::ImpactOutcome::lon_deg);
     },
     nullptr},
    {"rhs_evaluations", "", Storage::i64, 0.0,
     "right-hand-side evaluations of the sample (its cost)",
     [](const FlightOutcome& o) { return static_cast<double>(o.rhs_ascent + o.rhs_bodies); },
     nullptr},
};

#define LAUNCHMC_BODY_IMPACT(field) \
  [](const BodyOutcome& b) { return impact_or_nan(b.impact, &outcome::ImpactOutcome::field); }

const BodyColumn kBodyColumns[] = {
    {"fate", "", Storage::enum_i8, static_cast<double>(kFateNotReleased),
     "impact, orbiting, time_limit, integration_failure, not_released",
     [](const BodyOutcome& b) { return code(b.fate); }, fate_members},
    {"impact_lat_deg", "deg", Storage::f64, kNaN,
     "where the body landed, geodetic latitude (NaN unless impact)", LAUNCHMC_BODY_IMPACT(lat_deg),
     nullptr},
    {"impact_lon_deg", "deg", Storage::f64, kNaN, "where the body landed, longitude",
     LAUNCHMC_BODY_IMPACT(lon_deg), nullptr},
    {"impact_time_s", "s", Storage::f64, kNaN, "time of impact after liftoff",
     LAUNCHMC_BODY_IMPACT(time_s), nullptr},
    {"impact_speed_mps", "m/s", Storage::f64, kNaN,
     "speed relative to the rotating Earth at impact", LAUNCHMC_BODY_IMPACT(speed_mps), nullptr},
    {"impact_flight_path_angle_deg", "deg", Storage::f64, kNaN,
     "flight-path angle at impact (negative: descending)",
     LAUNCHMC_BODY_IMPACT(flight_path_angle_deg), nullptr},
};

const BodyColumn kOtherBodyColumns[] = {
    kBodyColumns[0],
    kBodyColumns[1],
    kBodyColumns[2],
    kBodyColumns[3],
    kBodyColumns[4],
    kBodyColumns[5],
    {"release_time_s", "s", Storage::f64, kNaN, "when the body was released",
     [](const BodyOutcome& b) { return b.release_time_s; }, nullptr},
    {"release_mass_kg", "kg", Storage::f64, kNaN, "its mass at release",
     [](const BodyOutcome& b) { return b.release_mass_kg; }, nullptr},
    {"weight", "1", Storage::f64, kNaN,
     "pieces the body stands for (1: itself; a group of like fragments: many)",
     [](const BodyOutcome& b) { return b.weight; }, nullptr},
};

// Weight: the pieces a fragment stands for times its sample's weight (1: brute-force sampling;
// weighted failure sampling will multiply its sample weight in here, so that a sum of weights over
// any set of fragments is an expected number of pieces).
const BodyColumn kFragmentColumns[] = {
    kBodyColumns[0],
    kBodyColumns[1],
    kBodyColumns[2],
    kBodyColumns[3],
    kBodyColumns[4],
    {"weight", "1", Storage::f64, kNaN,
     "pieces the fragment stands for x its sample's weight (1 until weighted sampling)",
     [](const BodyOutcome& b) { return b.weight; }, nullptr},
    {"mass_kg", "kg", Storage::f64, kNaN, "mass of one piece",
     [](const BodyOutcome& b) { return b.release_mass_kg; }, nullptr},
    {"casualty_area_m2", "m^2", Storage::f64, kNaN,
     "casualty area of one piece (0: not given, e.g. intact pieces)",
     [](const BodyOutcome& b) { return b.casualty_area_m2; }, nullptr},
    {"breakup_time_s", "s", Storage::f64, kNaN, "time of the breakup after liftoff",
     [](const BodyOutcome& b) { return b.release_time_s; }, nullptr},
};

#undef LAUNCHMC_BODY_IMPACT

template <class Column>
std::size_t index_in(std::span<const Column> columns, std::string_view name, const char* table) {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == name) return i;
  throw std::logic_error(std::string("no ") + table + " column named '" + std::string(name) + "'");
}

}  // namespace

std::span<const SampleColumn> sample_columns() { return kSampleColumns; }
std::span<const BodyColumn> body_columns() { return kBodyColumns; }
std::span<const BodyColumn> other_body_columns() { return kOtherBodyColumns; }
std::span<const BodyColumn> fragment_columns() { return kFragmentColumns; }
std::size_t fragment_column(std::string_view name) {
  return index_in(fragment_columns(), name, "fragment");
}

namespace {
const IipColumn kIipColumns[] = {
    {"time_s", "s", "time since liftoff of the point: k * iip.step_s, k = 0, 1, ...",
     [](const flight::IipPoint& p) { return p.t_s; }},
    {"lat_deg", "deg",
     "geodetic latitude (WGS-84) of the vacuum instantaneous impact point; NaN: no impact "
     "(orbit or escape)",
     [](const flight::IipPoint& p) { return p.lat_deg; }},
    {"lon_deg", "deg", "its longitude, east positive, (-180, 180]; NaN: no impact",
     [](const flight::IipPoint& p) { return p.lon_deg; }},
    {"time_to_impact_s", "s", "vacuum fall time from time_s to the impact; NaN: no impact",
     [](const flight::IipPoint& p) { return p.time_to_impact_s; }},
};
}  // namespace

std::span<const IipColumn> iip_columns() { return kIipColumns; }
std::size_t iip_column(std::string_view name) {
  const auto cols = iip_columns();
  for (std::size_t i = 0; i < cols.size(); ++i)
    if (cols[i].name == name) return i;
  throw std::logic_error("no IIP column named " + std::string(name));
}

std::size_t sample_column(std::string_view name) {
  return index_in(sample_columns(), name, "sample");
}
std::size_t body_column(std::string_view name) { return index_in(body_columns(), name, "body"); }
std::size_t other_body_column(std::string_view name) {
  return index_in(other_body_columns(), name, "other-body");
}

EnumMembers status_members() {
  EnumMembers m;
  for (int s = 0; s < kStatusCount; ++s)
    m.emplace_back(to_string(static_cast<SampleStatus>(s)), static_cast<std::int8_t>(s));
  return m;
}

EnumMembers powered_flight_end_members() {
  EnumMembers m;
  for (int e = 0; e < flight::kPoweredFlightEndCount; ++e)
    m.emplace_back(flight::to_string(static_cast<flight::PoweredFlightEnd>(e)),
                   static_cast<std::int8_t>(e));
  return m;
}

EnumMembers breakup_cause_members() {
  EnumMembers m;
  for (int e = 0; e < flight::kBreakupCauseCount; ++e)
    m.emplace_back(flight::to_string(static_cast<flight::BreakupCause>(e)),
                   static_cast<std::int8_t>(e));
  return m;
}

EnumMembers fate_members() {
  return {{"impact", 0},
          {"orbiting", 1},
          {"time_limit", 2},
          {"integration_failure", 3},
          {"not_released", kFateNotReleased}};
}

}  // namespace launchmc::engine
