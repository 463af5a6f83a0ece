// The config schema: one declaration per config struct of every key it has (name, unit, range,
// default or required, dispersable, meaning), as a function template fields(archive, struct).
// Archives visit these to read and write YAML (config/yaml_archive), bind parameter paths and
// list them (scenario/parameters), validate a model (scenario/validate) and write the tables of
// docs/config.md (scenario/schema.cpp). Cross-field rules (orderings, sums, a target's
// consistency) are code in scenario/validate.cpp.
//
// What an archive provides (each a member template where it takes a type or a callable):
//   number(double&, Field)                 a stored number, present whenever its map is
//   number(double&, Field, bool present)   a stored number whose absence the model encodes
//                                          (NaN, infinity, the other form of an alternative)
//   number(std::optional<double>&, Field)  an optional number
//   converted(double& local, Field, bool present)
//                                          a key whose value the model holds in another form
//                                          (km held in m, an orbit's a and e held as apsides):
//                                          read and written, validated, never bound to a path
//   integer(int&, Field), boolean(bool&, Field), text(std::string&, Field)
//   epoch(double& unix_s, Field)           an ISO 8601 UTC time
//   choice(E&, Field, std::span<const Choice<E>>)
//   vector3(Eigen::Vector3d&, Field, std::string_view shape_message)
//   table(Table1D&, Field, TableSpec, bool present)             rows [x, y]
//   table(Table1D&, Table1D&, Field, TableSpec, bool present)   rows [x, y1, y2]
//   section(Field, bool present, fn(sub))                       a map held in place
//   section(std::optional<T>&, Field, fn(sub, T&))              an optional map
//   list(std::vector<T>&, Field, ListSpec, fn(sub, T&, index))  a list of maps
//   forms(Forms)                           alternative keys (only a reader has them to check)
//   after_read(fn(reader))                 what a reader derives once keys are read (others skip)
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "orbit/elements.hpp"
#include "scenario/dispersions.hpp"
#include "scenario/scenario.hpp"
#include "scenario/schema.hpp"

namespace launchmc::schema {

using R = Range;

// ---- the launch site, the Earth and its atmosphere --------------------------------------------

template <class A>
void launch_fields(A& a, Scenario& sc) {
  a.number(sc.site.lat_deg, {.key = "lat_deg",
                             .unit = "deg",
                             .range = R::closed(-90, 90),
                             .dispersable = true,
                             .meaning = "geodetic latitude of the pad, WGS-84"});
  a.number(sc.site.lon_deg, {.key = "lon_deg",
                             .unit = "deg",
                             .range = R::closed(-180, 360),
                             .dispersable = true,
                             .meaning = "longitude, east positive"});
  a.number(sc.site.alt_m, {.key = "alt_m",
                           .unit = "m",
                           .range = R::closed(-500, 9000),
                           .need = Need::defaulted,
                           .dispersable = true,
                           .meaning = "height of the pad above the ellipsoid"});
  a.number(
      sc.guidance.azimuth_deg,
      {.key = "azimuth_deg",
       .unit = "deg",
       .range = R::closed(-360, 720),
       .dispersable = true,
       .meaning = "launch azimuth: Earth-relative heading of the ascent, clockwise from north"});
  a.epoch(sc.epoch_unix_utc_s,
          {.key = "epoch_utc",
           .unit = "UTC",
           .meaning = "liftoff time, ISO 8601 (`\"2023-11-21T13:42:28Z\"`); sets the Earth's "
                      "orientation, hence RAAN"});
}

inline constexpr Column kWindColumns[] = {{"altitude", "m", R::closed(-500, 1e6)},
                                          {"east wind", "m/s", R::closed(-200, 200)},
                                          {"north wind", "m/s", R::closed(-200, 200)}};

template <class A>
void atmosphere_fields(A& a, Scenario& sc) {
  a.number(sc.density_scale, {.key = "density_scale",
                              .unit = "-",
                              .range = R::closed(0, 100),
                              .need = Need::defaulted,
                              .dispersable = true,
                              .meaning = "multiplies the US76 density everywhere"});
  a.number(sc.wind.scale_ref(), {.key = "wind_scale",
                                 .unit = "-",
                                 .range = R::closed(-100, 100),
                                 .need = Need::defaulted,
                                 .dispersable = true,
                                 .meaning = "multiplies the wind table"});
  a.table(sc.wind.east_table_ref(), sc.wind.north_table_ref(),
          {.key = "winds",
           .unit = "m, m/s, m/s",
           .need = Need::optional,
           .meaning = "rows `[alt_m, east_mps, north_mps]`; held at the first/last row outside the "
                      "table (end with a zero row to stop the wind)",
           .default_text = "calm"},
          {.columns = kWindColumns}, !sc.wind.east_table().empty());
}

inline constexpr Choice<bool> kEarthShapes[] = {{"wgs84", false}, {"sphere", true}};

template <class A>
void gravity_fields(A& a, Scenario& sc) {
  a.integer(
      sc.gravity_degree,
      {.key = "degree",
       .unit = "-",
       .range = R::closed(0, 4),
       .meaning = "zonal harmonics of EGM2008: 0 (point mass), 2 (J2), 3, 4 (not 1); 4 without a "
                  "`gravity` map"});
  a.boolean(sc.earth.gravity, {.key = "enabled",
                               .need = Need::defaulted,
                               .meaning = "false removes gravity (validation only)"});
}

template <class A>
void fields(A& a, EarthModel& e) {
  a.boolean(e.rotating, {.key = "rotating",
                         .need = Need::defaulted,
                         .meaning = "false: the Earth and its atmosphere do not rotate"});
  a.choice(e.spherical,
           {.key = "shape",
            .need = Need::defaulted,
            .meaning = "`sphere`: impact, altitude and local frames on a sphere",
            .default_text = "`wgs84`"},
           std::span<const Choice<bool>>(kEarthShapes));
  a.number(e.sphere_radius_m, {.key = "sphere_radius_m",
                               .unit = "m",
                               .range = R::closed(6.0e6, 7.0e6),
                               .need = Need::defaulted,
                               .meaning = "radius of that sphere"});
}

// ---- the vehicle ---------------------------------------------------------------------------

inline constexpr Column kCdMachColumns[] = {{"Mach", "-", R::non_negative()},
                                            {"drag coefficient", "-", R::closed(0, 10)}};

template <class A>
void fields(A& a, vehicle::DragModel& d) {
  a.number(d.ref_area_m2, {.key = "ref_area_m2",
                           .unit = "m^2",
                           .range = R::positive(),
                           .dispersable = true,
                           .meaning = "reference area of the drag coefficient"});
  a.table(d.cd_vs_mach,
          {.key = "cd_mach",
           .unit = "-, -",
           .meaning = "rows `[mach, cd]`: axial drag coefficient versus Mach number"},
          {.columns = kCdMachColumns}, true);
  a.number(d.cd_scale, {.key = "cd_scale",
                        .unit = "-",
                        .range = R::positive(),
                        .need = Need::defaulted,
                        .dispersable = true,
                        .meaning = "multiplies the whole table"});
}

// A drag model that a config may leave out (then its table is empty and DragModel::none()). It
// is there when its table is: a drawn area of 0 is a drag model out of range, not a missing one.
template <class A>
void optional_drag(A& a, vehicle::DragModel& d, const Field& f) {
  a.section(f, !d.cd_vs_mach.empty(), [&](auto& s) { fields(s, d); });
}

template <class A>
void fields(A& a, vehicle::Payload& p) {
  a.text(p.name, {.key = "name",
                  .need = Need::defaulted,
                  .meaning = "body name in reports",
                  .default_text = "`payload`"});
  a.number(p.mass_kg, {.key = "mass_kg",
                       .unit = "kg",
                       .range = R::positive(),
                       .dispersable = true,
                       .meaning = "mass of the payload (a re-entry vehicle: all of it)"});
  a.number(p.separation_delay_s,
           {.key = "separation_delay_s",
            .unit = "s",
            .range = R::non_negative(),
            .need = Need::optional,
            .dispersable = true,
            .meaning = "separates this long after the last stage's cutoff; the last stage then "
                       "becomes a body flown to impact (or `orbiting`)",
            .default_text = "none"});
  optional_drag(
      a, p.drag,
      {.key = "drag",
       .need = Need::optional,
       .meaning = "drag of the payload alone (needed when it separates: a re-entry vehicle "
                  "is flown to impact)",
       .default_text = "none",
       .absent = "the payload has no drag model"});
}

template <class A>
void fields(A& a, vehicle::Fairing& f) {
  a.number(f.mass_kg, {.key = "mass_kg",
                       .unit = "kg",
                       .range = R::positive(),
                       .dispersable = true,
                       .meaning = "total; split equally among the pieces"});
  a.integer(f.pieces, {.key = "pieces",
                       .unit = "-",
                       .range = R::closed(1, 8),
                       .need = Need::defaulted,
                       .meaning = "each piece is a body flown to impact"});
  a.number(f.jettison_alt_m, {.key = "jettison_alt_m",
                              .unit = "m",
                              .range = R::positive(),
                              .need = Need::form,
                              .dispersable = true,
                              .meaning = "jettison when the geodetic altitude reaches this ...",
                              .default_text = "this or `jettison_time_s`",
                              .absent = "the fairing is jettisoned on time (jettison_time_s)"});
  a.number(f.jettison_time_s,
           {.key = "jettison_time_s",
            .unit = "s",
            .range = R::positive(),
            .need = Need::form,
            .dispersable = true,
            .meaning = "... or at this time after liftoff",
            .default_text = "this or `jettison_alt_m`",
            .absent = "the fairing is jettisoned at an altitude (jettison_alt_m)"});
  a.forms({.forms = {{{"jettison_alt_m"}}, {{"jettison_time_s"}}},
           .neither = "give exactly one of jettison_alt_m and jettison_time_s",
           .both = "give exactly one of jettison_alt_m and jettison_time_s"});
  a.number(f.separation_speed_mps,
           {.key = "separation_speed_mps",
            .unit = "m/s",
            .range = R::closed(0, 100),
            .need = Need::defaulted,
            .dispersable = true,
            .meaning = "each piece pushed apart, evenly around the velocity axis (two halves: +/- "
                       "crossrange)"});
  a.section({.key = "drag", .meaning = "drag of one piece"}, true,
            [&](auto& s) { fields(s, f.drag); });
}

template <class A>
void fields(A& a, vehicle::DebrisClass& d) {
  a.text(d.name, {.key = "name", .meaning = "fragment class name (run files, summaries)"});
  a.integer(d.pieces, {.key = "pieces",
                       .unit = "-",
                       .range = R::closed(1, 1000000),
                       .meaning = "like pieces of this class"});
  a.number(
      d.mass_kg,
      {.key = "mass_kg", .unit = "kg", .range = R::positive(), .meaning = "mass of one piece"});
  a.number(d.ballistic_coefficient_kgpm2,
           {.key = "ballistic_coefficient_kgpm2",
            .unit = "kg/m^2",
            .range = R::positive(),
            .need = Need::form,
            .meaning = "beta = m / (Cd A) of one piece (Cd 1 at all Mach numbers) ...",
            .default_text = "this or `drag`",
            .absent = "the class's drag is given by `drag`"},
           !std::isnan(d.ballistic_coefficient_kgpm2));
  optional_drag(a, d.drag,
                {.key = "drag",
                 .need = Need::form,
                 .meaning = "... or the drag of one piece: `ref_area_m2` and `cd_mach`",
                 .default_text = "this or `ballistic_coefficient_kgpm2`",
                 .absent = "the class's drag is given by its ballistic coefficient"});
  a.forms({.forms = {{{"ballistic_coefficient_kgpm2"}}, {{"drag"}}},
           .neither = "give exactly one of ballistic_coefficient_kgpm2 and drag",
           .both = "give exactly one of ballistic_coefficient_kgpm2 and drag"});
  a.number(d.delta_v_scale_mps,
           {.key = "delta_v_scale_mps",
            .unit = "m/s",
            .range = R::closed(0, 2000),
            .need = Need::defaulted,
            .meaning = "velocity imparted by the breakup: Maxwellian with this scale (each "
                       "component normal with this sigma; isotropic direction)"});
  a.number(d.casualty_area_m2, {.key = "casualty_area_m2",
                                .unit = "m^2",
                                .range = R::non_negative(),
                                .need = Need::defaulted,
                                .meaning = "casualty area of one piece (risk analysis)"});
  a.after_read([&](auto&) {
    d.flown_drag = d.drag;
    if (!std::isnan(d.ballistic_coefficient_kgpm2)) {
      d.flown_drag.cd_vs_mach = Table1D({0.0}, {1.0});
      d.flown_drag.ref_area_m2 = d.mass_kg / d.ballistic_coefficient_kgpm2;
      d.flown_drag.cd_scale = 1.0;
    }
  });
}

inline constexpr Choice<guidance::ClosedLoopMode> kClosedLoopModes[] = {
    {"orbit", guidance::ClosedLoopMode::orbit}, {"ballistic", guidance::ClosedLoopMode::ballistic}};

// Lowest catalogue altitude of a target orbit's apsides [km].
inline constexpr double kMinTargetAltKm = 80.0;

template <class A>
void fields(A& a, guidance::OrbitTargetSpec& o) {
  a.number(o.perigee_alt_km,
           {.key = "perigee_alt_km",
            .unit = "km",
            .range = R::closed(kMinTargetAltKm, 1e6),
            .need = Need::form,
            .dispersable = true,
            .meaning = "catalogue altitude of the perigee, a(1 - e) - 6378.137 km ...",
            .default_text = "with `apogee_alt_km`"});
  a.number(o.apogee_alt_km,
           {.key = "apogee_alt_km",
            .unit = "km",
            .range = R::closed(kMinTargetAltKm, 1e6),
            .need = Need::form,
            .dispersable = true,
            .meaning = "... and of the apogee, a(1 + e) - 6378.137 km (>= perigee)",
            .default_text = "with `perigee_alt_km`"});
  // The other form: size and shape, held as the apsides they give (so its paths do not bind).
  double sma_km = std::nan(""), ecc = std::nan("");
  a.converted(sma_km,
              {.key = "semi_major_axis_km",
               .unit = "km",
               .range = R::closed(6458, 1e6),
               .need = Need::form,
               .meaning = "... or the orbit's semi-major axis ...",
               .default_text = "instead of the apsides, with `eccentricity`"},
              false);
  a.converted(ecc,
              {.key = "eccentricity",
               .unit = "-",
               .range = R::half_open(0, 1),
               .need = Need::form,
               .meaning = "... and eccentricity",
               .default_text = "with `semi_major_axis_km`"},
              false);
  a.forms(
      {.forms = {{{"perigee_alt_km", "apogee_alt_km"}, 2},
                 {{"semi_major_axis_km", "eccentricity"}, 2}},
       .neither = "give perigee_alt_km and apogee_alt_km, or semi_major_axis_km and eccentricity",
       .both = "give perigee_alt_km and apogee_alt_km, or semi_major_axis_km and eccentricity"});
  a.after_read([&](auto& r) {
    if (!r.present("semi_major_axis_km")) return;
    o.perigee_alt_km = orbit::catalog_altitude_m(sma_km * 1e3 * (1.0 - ecc)) / 1e3;
    o.apogee_alt_km = orbit::catalog_altitude_m(sma_km * 1e3 * (1.0 + ecc)) / 1e3;
    if (o.perigee_alt_km < kMinTargetAltKm)
      r.fail_at("eccentricity", "puts the perigee below 80 km");
  });
  a.number(o.inclination_deg, {.key = "inclination_deg",
                               .unit = "deg",
                               .range = R::closed(0, 180),
                               .dispersable = true,
                               .meaning = "inclination of the target orbit"});
  a.number(o.raan_deg,
           {.key = "raan_deg",
            .unit = "deg",
            .range = R::closed(-360, 720),
            .need = Need::optional,
            .dispersable = true,
            .meaning = "right ascension of the ascending node (true of date); without it "
                       "the node is free (see below)",
            .default_text = "free",
            .absent = "the target has no raan_deg (the node is free)"},
           !std::isnan(o.raan_deg));
  a.number(o.insertion_alt_km,
           {.key = "insertion_alt_km",
            .unit = "km",
            .range = R::positive(),
            .need = Need::optional,
            .dispersable = true,
            .meaning = "catalogue altitude at which to cut off, between perigee and apogee",
            .default_text = "perigee",
            .absent = "the target has no insertion_alt_km"},
           !std::isnan(o.insertion_alt_km));
  a.boolean(o.descending,
            {.key = "descending",
             .need = Need::defaulted,
             .meaning = "cut off on the descending side of the orbit (flight-path angle < 0)"});
}

template <class A>
void fields(A& a, guidance::BallisticTarget& b) {
  a.number(b.impact_lat_deg,
           {.key = "impact_lat_deg",
            .unit = "deg",
            .range = R::closed(-90, 90),
            .need = Need::form,
            .dispersable = true,
            .meaning = "the aim point (geodetic) ...",
            .default_text = "with `impact_lon_deg`",
            .absent = "the aim point is given by range_km"},
           !std::isnan(b.impact_lat_deg));
  a.number(b.impact_lon_deg,
           {.key = "impact_lon_deg",
            .unit = "deg",
            .range = R::closed(-180, 360),
            .need = Need::form,
            .dispersable = true,
            .meaning = "...",
            .default_text = "with `impact_lat_deg`",
            .absent = "the aim point is given by range_km"},
           !std::isnan(b.impact_lon_deg));
  a.number(b.range_km,
           {.key = "range_km",
            .unit = "km",
            .range = R::closed(1, 19000),
            .need = Need::form,
            .dispersable = true,
            .meaning = "... or its geodesic range from the pad along `azimuth_deg`",
            .default_text = "instead of the aim point",
            .absent = "the aim point is given by impact_lat_deg/impact_lon_deg"},
           !std::isnan(b.range_km));
  a.forms(
      {.forms = {{{"impact_lat_deg", "impact_lon_deg"},
                  2,
                  "give both impact_lat_deg and impact_lon_deg"},
                 {{"range_km", "azimuth_deg"}, 1}},
       .neither =
           "give the aim point as impact_lat_deg/impact_lon_deg or as range_km (and azimuth_deg)",
       .both =
           "give the aim point as impact_lat_deg/impact_lon_deg or as range_km (and azimuth_deg)"});
  a.number(b.azimuth_deg,
           {.key = "azimuth_deg",
            .unit = "deg",
            .range = R::closed(-360, 720),
            .need = Need::form,
            .dispersable = true,
            .meaning = "azimuth of that range (with `range_km` only)",
            .default_text = "the launch azimuth",
            .absent = "the target has no azimuth_deg (it uses the launch azimuth)"},
           !std::isnan(b.azimuth_deg));
  a.number(b.apogee_alt_km,
           {.key = "apogee_alt_km",
            .unit = "km",
            .range = R::positive(),
            .dispersable = true,
            .meaning = "commanded apogee, height above the ellipsoid under the arc's midpoint"});
}

template <class A>
void fields(A& a, guidance::Navigation& n) {
  static constexpr std::string_view kRsw =
      "expected [radial, along-track, cross-track], three numbers";
  a.vector3(n.position_bias_m,
            {.key = "position_bias_m",
             .unit = "m",
             .range = R::closed(-1e6, 1e6),
             .need = Need::defaulted,
             .dispersable = true,
             .meaning = "navigated minus true position, radial / along-track / "
                        "cross-track (`position_bias_m[0]` ...)",
             .default_text = "[0, 0, 0]"},
            kRsw);
  a.vector3(n.velocity_bias_mps,
            {.key = "velocity_bias_mps",
             .unit = "m/s",
             .range = R::closed(-1e4, 1e4),
             .need = Need::defaulted,
             .dispersable = true,
             .meaning = "navigated minus true velocity, same axes",
             .default_text = "[0, 0, 0]"},
            kRsw);
  a.number(n.position_noise_m,
           {.key = "position_noise_m",
            .unit = "m",
            .range = R::closed(0, 1e6),
            .need = Need::defaulted,
            .dispersable = true,
            .meaning = "stationary sd of the first-order Gauss-Markov position noise per axis"});
  a.number(n.velocity_noise_mps, {.key = "velocity_noise_mps",
                                  .unit = "m/s",
                                  .range = R::closed(0, 1e4),
                                  .need = Need::defaulted,
                                  .dispersable = true,
                                  .meaning = "the same for velocity"});
  a.number(n.noise_correlation_time_s, {.key = "noise_correlation_time_s",
                                        .unit = "s",
                                        .range = R::positive(),
                                        .need = Need::defaulted,
                                        .dispersable = true,
                                        .meaning = "correlation time of both noises"});
}

template <class A>
void fields(A& a, guidance::ClosedLoop& c) {
  a.boolean(c.enabled,
            {.key = "enabled",
             .need = Need::defaulted,
             .meaning = "false: the stage flies the open-loop program and `cutoff_time_s` "
                        "(or depletion), as if the block were absent"});
  a.choice(c.mode,
           {.key = "mode",
            .meaning = "`orbit`: Unified Powered Flight Guidance to a target orbit; `ballistic`: "
                       "velocity-to-be-gained steering onto an arc through an aim point"},
           std::span<const Choice<guidance::ClosedLoopMode>>(kClosedLoopModes));
  a.section({.key = "target", .meaning = "the orbit or the aim point: see the two target tables"},
            true, [&](auto& s) {
              if (c.mode == guidance::ClosedLoopMode::orbit)
                fields(s, c.orbit);
              else
                fields(s, c.ballistic);
            });
  a.number(
      c.engage_after_ignition_s,
      {.key = "engage_after_ignition_s",
       .unit = "s",
       .range = R::non_negative(),
       .need = Need::defaulted,
       .dispersable = true,
       .meaning = "the stage flies the open-loop attitude until this long after its ignition"});
  a.number(c.update_interval_s,
           {.key = "update_interval_s",
            .unit = "s",
            .range = R::closed(0.01, 60),
            .need = Need::defaulted,
            .dispersable = true,
            .meaning = "guidance cycle: the steering law is recomputed from the "
                       "navigated state this often"});
  a.number(c.terminal_time_s,
           {.key = "terminal_time_s",
            .unit = "s",
            .range = R::non_negative(),
            .need = Need::defaulted,
            .dispersable = true,
            .meaning = "below this predicted time to go the last steering law is held "
                       "to cutoff"});
  a.section({.key = "navigation",
             .need = Need::defaulted,
             .meaning = "errors of the state the guidance sees: see the navigation table",
             .default_text = "no errors"},
            true, [&](auto& s) { fields(s, c.navigation); });
}

template <class A>
void fields(A& a, vehicle::EnergyCutoff& e) {
  // The target is held in metres with its kind: the keys in km are another form of it.
  const bool sma = e.quantity == vehicle::CutoffQuantity::semi_major_axis;
  double sma_km = sma ? e.value_m / 1e3 : std::nan("");
  double apogee_km = sma ? std::nan("") : e.value_m / 1e3;
  a.converted(sma_km,
              {.key = "semi_major_axis_km",
               .unit = "km",
               .range = R::closed(6000, 1e6),
               .need = Need::form,
               .meaning = "cut off when the navigated osculating semi-major axis reaches this "
                          "(a launcher's last stage) ...",
               .default_text = "this or `apogee_alt_km`"},
              sma);
  a.converted(apogee_km,
              {.key = "apogee_alt_km",
               .unit = "km",
               .range = R::positive(),
               .need = Need::form,
               .meaning = "... or when the apogee height above the ellipsoid does (a "
                          "missile's lofted apogee)",
               .default_text = "this or `semi_major_axis_km`"},
              !sma);
  a.forms({.forms = {{{"semi_major_axis_km"}}, {{"apogee_alt_km"}}},
           .neither = "give exactly one of semi_major_axis_km and apogee_alt_km",
           .both = "give exactly one of semi_major_axis_km and apogee_alt_km"});
  a.after_read([&](auto& r) {
    const bool by_sma = r.present("semi_major_axis_km");
    e.quantity = by_sma ? vehicle::CutoffQuantity::semi_major_axis
                        : vehicle::CutoffQuantity::apogee_altitude;
    e.value_m = (by_sma ? sma_km : apogee_km) * 1e3;
  });
  a.number(e.nav_velocity_bias_mps, {.key = "nav_velocity_bias_mps",
                                     .unit = "m/s",
                                     .range = R::closed(-1000, 1000),
                                     .need = Need::defaulted,
                                     .dispersable = true,
                                     .meaning = "navigated minus true speed, along the velocity"});
  a.number(e.nav_position_bias_m, {.key = "nav_position_bias_m",
                                   .unit = "m",
                                   .range = R::closed(-1e6, 1e6),
                                   .need = Need::defaulted,
                                   .dispersable = true,
                                   .meaning = "navigated minus true radius"});
}

inline constexpr Column kThrustCurveColumns[] = {{"time", "s", R::non_negative()},
                                                 {"thrust", "N", R::non_negative()}};

template <class A>
void fields(A& a, vehicle::Stage& s, std::size_t index) {
  vehicle::Engine& e = s.engine;
  a.text(s.name, {.key = "name",
                  .need = Need::defaulted,
                  .meaning = "body and event names",
                  .default_text = "`stageN` (N from 1)"});
  a.after_read([&](auto& r) {
    if (!r.present("name")) s.name = fmt::format("stage{}", index + 1);
  });
  a.number(s.dry_mass_kg, {.key = "dry_mass_kg",
                           .unit = "kg",
                           .range = R::positive(),
                           .dispersable = true,
                           .meaning = "structure, engines, unusable residuals"});
  a.number(s.propellant_mass_kg, {.key = "propellant_mass_kg",
                                  .unit = "kg",
                                  .range = R::positive(),
                                  .dispersable = true,
                                  .meaning = "usable propellant; a solid motor burns it over its "
                                             "table: another load than the file's scales the "
                                             "mass flow and thrust, same burn time"});
  a.number(e.isp_vac_s,
           {.key = "isp_vac_s",
            .unit = "s",
            .range = R::closed(50, 1000),
            .dispersable = true,
            .meaning = "vacuum specific impulse; liquids: mass flow = vacuum thrust / (Isp g0); "
                       "solids: another Isp than the file's scales the table's thrust, same "
                       "mass flow"});
  a.number(e.nozzle_exit_area_m2,
           {.key = "nozzle_exit_area_m2",
            .unit = "m^2",
            .range = R::non_negative(),
            .need = Need::defaulted,
            .dispersable = true,
            .meaning = "total exit area: thrust = vacuum thrust - p_ambient * area"});
  a.forms(
      {.forms = {{{"thrust_vac_N"}}, {{"thrust_curve_vac_N"}}},
       .neither = "missing thrust: give thrust_vac_N (liquid) or thrust_curve_vac_N (solid motor)",
       .both = "give either thrust_vac_N (liquid) or thrust_curve_vac_N (solid), not both",
       .both_at_key = true});
  a.number(e.thrust_vac_N,
           {.key = "thrust_vac_N",
            .unit = "N",
            .range = R::positive(),
            .need = Need::form,
            .dispersable = true,
            .meaning = "vacuum thrust of the stage's engines (liquid)",
            .default_text = "this or `thrust_curve_vac_N`",
            .absent = "a solid motor's thrust is a table: use thrust_scale"},
           !e.solid());
  static constexpr TableSpec kCurve{
      .columns = kThrustCurveColumns,
      .min_rows = 2,
      .min_rows_message = "a thrust curve needs at least 2 rows [time_s, thrust_N]",
      .zero_message = "thrust curve is zero everywhere"};
  a.table(e.thrust_curve_vac_N,
          {.key = "thrust_curve_vac_N",
           .unit = "s, N",
           .need = Need::form,
           .meaning = "rows `[time_since_ignition_s, vacuum_thrust_N]` of a solid motor at the "
                      "file's `isp_vac_s` and `propellant_mass_kg`",
           .default_text = "this or `thrust_vac_N`"},
          kCurve, e.solid());
  a.after_read([&](auto&) {
    if (!e.solid()) return;
    e.thrust_vac_N =
        *std::max_element(e.thrust_curve_vac_N.y().begin(), e.thrust_curve_vac_N.y().end());
    // The table is the motor at the Isp and load the config states (see vehicle::Engine); the
    // loader puts back the values before any --set (config::load_config).
    e.curve_isp_vac_s = e.isp_vac_s;
    e.curve_propellant_mass_kg = s.propellant_mass_kg;
  });
  a.number(e.thrust_scale,
           {.key = "thrust_scale",
            .unit = "-",
            .range = R::positive(),
            .need = Need::defaulted,
            .dispersable = true,
            .meaning = "thrust level factor: liquids F -> k F at the same Isp; solids "
                       "F(t) -> k F(k t) (same impulse, shorter burn)"});
  a.number(s.ignition_delay_s,
           {.key = "ignition_delay_s",
            .unit = "s",
            .range = R::non_negative(),
            .need = Need::defaulted,
            .dispersable = true,
            .meaning = "from the previous stage's separation to ignition (coast)"});
  a.number(s.cutoff_time_s,
           {.key = "cutoff_time_s",
            .unit = "s",
            .range = R::positive(),
            .need = Need::optional,
            .dispersable = true,
            .meaning = "commanded cutoff, time after ignition; otherwise the burn ends at "
                       "depletion (solids: depletion or the end of the table)",
            .default_text = "none",
            .absent = "the stage has no cutoff_time_s"});
  a.section(
      s.energy_cutoff,
      {.key = "energy_cutoff",
       .need = Need::optional,
       .meaning = "closed-loop cutoff on the navigated orbit's energy: see the energy_cutoff table",
       .default_text = "none",
       .absent = "the stage has no energy_cutoff"},
      [&](auto& sub, vehicle::EnergyCutoff& ec) { fields(sub, ec); });
  a.section(
      s.closed_loop,
      {.key = "guidance",
       .need = Need::optional,
       .meaning = "closed-loop guidance of this stage (see below); replaces the open-loop attitude "
                  "and `cutoff_time_s` while enabled",
       .default_text = "none",
       .absent = "the stage has no closed-loop guidance"},
      [&](auto& sub, guidance::ClosedLoop& c) { fields(sub, c); });
  a.number(s.separation_delay_s, {.key = "separation_delay_s",
                                  .unit = "s",
                                  .range = R::non_negative(),
                                  .need = Need::defaulted,
                                  .dispersable = true,
                                  .meaning = "from cutoff to separation"});
  a.number(s.q_alpha_limit_Pa_rad,
           {.key = "q_alpha_limit_Pa_rad",
            .unit = "Pa rad",
            .range = R::positive(),
            .need = Need::optional,
            .dispersable = true,
            .meaning = "after a `loss_of_control` of this stage, the stack breaks up where dynamic "
                       "pressure x angle of attack (thrust axis to air-relative velocity) reaches "
                       "this",
            .default_text = "none",
            .absent = "the stage has no q_alpha_limit_Pa_rad"});
  a.section({.key = "stack_drag", .meaning = "drag of the stack while this stage is the lowest"},
            true, [&](auto& sub) { fields(sub, s.stack_drag); });
  optional_drag(a, s.spent_drag,
                {.key = "spent_drag",
                 .need = Need::optional,
                 .meaning = "drag of the spent stage, flown to impact",
                 .default_text = "required if it separates",
                 .absent = "the stage has no spent_drag"});
  a.list(s.debris,
         {.key = "debris",
          .need = Need::optional,
          .meaning = "fragment classes of a breakup while this stage is the lowest: see the "
                     "debris table (none: the stage falls intact with its spent_drag)",
          .default_text = "none"},
         {}, [&](auto& sub, vehicle::DebrisClass& d, std::size_t) { fields(sub, d); });
}

template <class A>
void fields(A& a, vehicle::Vehicle& v) {
  a.section({.key = "payload", .meaning = "the payload: see its table"}, true,
            [&](auto& s) { fields(s, v.payload); });
  a.section(v.fairing,
            {.key = "fairing",
             .need = Need::optional,
             .meaning = "the fairing: see its table",
             .default_text = "none",
             .absent = "the vehicle has no fairing"},
            [&](auto& s, vehicle::Fairing& f) { fields(s, f); });
  a.list(v.stages, {.key = "stages", .meaning = "the stages, first = lowest: see the stage table"},
         {.min_size = 1, .too_short = "at least one stage is needed"},
         [&](auto& s, vehicle::Stage& st, std::size_t i) { fields(s, st, i); });
}

// ---- guidance, numerics, limits, output --------------------------------------------------------

inline constexpr Column kPitchProgramColumns[] = {{"time", "s", R::non_negative()},
                                                  {"pitch", "deg", R::closed(-90, 90), true}};

template <class A>
void fields(A& a, guidance::YawStep& y) {
  a.number(y.start_s, {.key = "start_s",
                       .unit = "s",
                       .range = R::non_negative(),
                       .dispersable = true,
                       .meaning = "time after liftoff at which the heading starts to change"});
  a.number(y.duration_s, {.key = "duration_s",
                          .unit = "s",
                          .range = R::non_negative(),
                          .need = Need::defaulted,
                          .dispersable = true,
                          .meaning = "length of the linear ramp (0: a step)"});
  a.number(y.azimuth_deg, {.key = "azimuth_deg",
                           .unit = "deg",
                           .range = R::closed(-360, 720),
                           .dispersable = true,
                           .meaning = "commanded heading at the end of the ramp"});
}

template <class A>
void fields(A& a, guidance::OpenLoopProgram& g) {
  a.number(g.vertical_rise_s, {.key = "vertical_rise_s",
                               .unit = "s",
                               .range = R::non_negative(),
                               .dispersable = true,
                               .meaning = "vertical flight until this time"});
  a.number(g.pitch_kick_deg,
           {.key = "pitch_kick_deg",
            .unit = "deg",
            .range = R::half_open(0, 90),
            .dispersable = true,
            .meaning = "tilt from the vertical reached at the end of the kick, at the "
                       "commanded heading"});
  a.number(g.pitch_kick_duration_s, {.key = "pitch_kick_duration_s",
                                     .unit = "s",
                                     .range = R::positive(),
                                     .dispersable = true,
                                     .meaning = "duration of the kick"});
  a.number(
      g.gravity_turn_end_s,
      {.key = "gravity_turn_end_s",
       .unit = "s",
       .range = R::positive(),
       .need = Need::optional,
       .dispersable = true,
       .meaning =
           "the gravity turn (thrust along the Earth-relative velocity in pitch) lasts from the "
           "end of the kick (at least) to this time; then `pitch_program`",
       .default_text = "end of powered flight",
       .absent = "the gravity turn lasts to the end of powered flight"},
      std::isfinite(g.gravity_turn_end_s));
  static constexpr TableSpec kPitch{.columns = kPitchProgramColumns, .values_dispersable = true};
  a.table(g.pitch_program_deg,
          {.key = "pitch_program",
           .unit = "s, deg",
           .need = Need::optional,
           .dispersable = true,
           .meaning =
               "rows `[time_s, pitch_deg]` after the gravity turn (`pitch_program[k][1]` can vary)",
           .default_text = "none",
           .absent = "there is no pitch_program"},
          kPitch, !g.pitch_program_deg.empty());
  a.list(g.yaw_steps,
         {.key = "yaw_steps",
          .need = Need::optional,
          .meaning =
              "`{start_s, duration_s, azimuth_deg}`: the heading ramps linearly to `azimuth_deg` "
              "(dog-legs); in time order, not overlapping",
          .default_text = "none"},
         {}, [&](auto& s, guidance::YawStep& y, std::size_t) { fields(s, y); });
}

template <class A>
void fields(A& a, IntegratorSettings& s) {
  a.number(s.rtol, {.key = "rtol",
                    .unit = "-",
                    .range = R::closed(1e-14, 1e-2),
                    .need = Need::defaulted,
                    .meaning = "relative tolerance"});
  a.number(s.atol_position_m, {.key = "atol_position_m",
                               .unit = "m",
                               .range = R::positive(),
                               .need = Need::defaulted,
                               .meaning = "absolute tolerance of positions"});
  a.number(s.atol_velocity_mps, {.key = "atol_velocity_mps",
                                 .unit = "m/s",
                                 .range = R::positive(),
                                 .need = Need::defaulted,
                                 .meaning = "absolute tolerance of velocities"});
  a.number(s.atol_mass_kg, {.key = "atol_mass_kg",
                            .unit = "kg",
                            .range = R::positive(),
                            .need = Need::defaulted,
                            .meaning = "absolute tolerance of the mass"});
  a.number(s.max_step_s, {.key = "max_step_s",
                          .unit = "s",
                          .range = R::positive(),
                          .need = Need::defaulted,
                          .meaning = "longest step"});
  a.number(s.body_rtol,
           {.key = "body_rtol",
            .unit = "-",
            .range = R::closed(0, 1e-2),
            .need = Need::defaulted,
            .meaning = "relative tolerance of the falling bodies (0: `rtol`); their impact "
                       "points inherit the ascent's error, so they can be integrated less tightly",
            .default_text = "0 (= `rtol`)"});
  a.number(s.fragment_rtol,
           {.key = "fragment_rtol",
            .unit = "-",
            .range = R::closed(0, 1e-2),
            .need = Need::defaulted,
            .meaning = "relative tolerance of breakup fragments (point masses with a drag, no "
                       "guidance); 0: `body_rtol`"});
  a.number(s.terminal_atol_velocity_mps,
           {.key = "terminal_atol_velocity_mps",
            .unit = "m/s",
            .range = R::non_negative(),
            .need = Need::defaulted,
            .meaning =
                "velocity tolerance of a falling body's terminal descent, flown with the L-stable "
                "Rosenbrock 2(3) integrator; 0: explicit integrator all the way (reference runs)"});
  a.number(s.event_tolerance_s, {.key = "event_tolerance_s",
                                 .unit = "s",
                                 .range = R::closed(1e-9, 1e-3),
                                 .need = Need::defaulted,
                                 .meaning = "events (burnout, impact, ...) are located to this"});
}

template <class A>
void fields(A& a, FlightLimits& l) {
  a.number(l.max_flight_time_s, {.key = "max_flight_time_s",
                                 .unit = "s",
                                 .range = R::positive(),
                                 .need = Need::defaulted,
                                 .meaning = "vehicle flight ends (`time_limit`)"});
  a.number(l.max_body_flight_time_s, {.key = "max_body_flight_time_s",
                                      .unit = "s",
                                      .range = R::positive(),
                                      .need = Need::defaulted,
                                      .meaning = "a body's flight ends (`time_limit`)"});
  a.number(l.insertion_min_perigee_alt_m,
           {.key = "insertion_min_perigee_alt_m",
            .unit = "m",
            .range = R::closed(0, 1e6),
            .need = Need::defaulted,
            .meaning = "final cutoff with at least this perigee is an orbit insertion"});
  a.number(l.orbiting_body_min_perigee_alt_m,
           {.key = "orbiting_body_min_perigee_alt_m",
            .unit = "m",
            .range = R::positive(),
            .need = Need::defaulted,
            .meaning = "a released body with at least this perigee is `orbiting` (not flown)"});
  a.number(
      l.target_orbit_tolerance_alt_km,
      {.key = "target_orbit_tolerance_alt_km",
       .unit = "km",
       .range = R::positive(),
       .need = Need::defaulted,
       .meaning =
           "P(target orbit): catalogue perigee and apogee each within this of the target's ..."});
  a.number(l.target_orbit_tolerance_incl_deg,
           {.key = "target_orbit_tolerance_incl_deg",
            .unit = "deg",
            .range = R::positive(),
            .need = Need::defaulted,
            .meaning = "... and the inclination (and a given RAAN) within this"});
  a.integer(l.fragments_per_class,
            {.key = "fragments_per_class",
             .unit = "-",
             .range = R::closed(1, 64),
             .need = Need::defaulted,
             .meaning = "breakup: each debris class is flown as at most this many weighted "
                        "fragments (weight = pieces represented), which bounds a failed "
                        "sample's cost"});
}

template <class A>
void output_fields(A& a, Scenario& sc) {
  // At least 1 ms: finer than any event the model resolves, and a bound on the histories' size.
  a.number(sc.history_step_s,
           {.key = "history_step_s",
            .unit = "s",
            .range = R::closed(1e-3, 1e6),
            .need = Need::defaulted,
            .meaning =
                "sampling interval of the time histories of `fly -o` (events are added exactly)"});
}

// ---- the instantaneous impact point ----------------------------------------------------------

template <class A>
void fields(A& a, GeoPoint& p) {
  a.number(p.lat_deg, {.key = "lat_deg",
                       .unit = "deg",
                       .range = R::closed(-90, 90),
                       .meaning = "geodetic latitude, WGS-84"});
  a.number(p.lon_deg, {.key = "lon_deg",
                       .unit = "deg",
                       .range = R::closed(-180, 360),
                       .meaning = "longitude, east positive"});
}

// A line (min_points 2) or a region (3).
template <class A>
void fields(A& a, IipZone& z, std::size_t min_points) {
  a.text(z.name, {.key = "name", .meaning = "name in the overflight table (or the report)"});
  a.list(z.points,
         {.key = "points",
          .meaning = "`{lat_deg, lon_deg}` vertices; edges straight in degrees, not across the "
                     "antimeridian"},
         {.min_size = min_points,
          .too_short = min_points == 2 ? "a line needs at least 2 points"
                                       : "a region needs at least 3 points"},
         [&](auto& s, GeoPoint& p, std::size_t) { fields(s, p); });
}

template <class A>
void fields(A& a, IipSettings& s) {
  // 0.1 s: finer than any change the IIP track shows; 600 s: coarser says nothing of a burn.
  a.number(s.step_s, {.key = "step_s",
                      .unit = "s",
                      .range = R::closed(0.1, 600),
                      .need = Need::defaulted,
                      .meaning = "grid of the IIP track during powered flight (from liftoff)"});
  a.list(s.lines,
         {.key = "lines",
          .need = Need::optional,
          .meaning = "named polylines: how often and when the IIP track crosses them",
          .default_text = "none"},
         {}, [&](auto& sub, IipZone& z, std::size_t) { fields(sub, z, 2); });
  a.list(s.regions,
         {.key = "regions",
          .need = Need::optional,
          .meaning = "named polygons: how often and when the IIP track enters them",
          .default_text = "none"},
         {}, [&](auto& sub, IipZone& z, std::size_t) { fields(sub, z, 3); });
}

// ---- flight-termination rules ------------------------------------------------------------------

template <class A>
void rule_window_fields(A& a, double& active_from_s, std::optional<double>& until_s) {
  a.number(active_from_s, {.key = "active_from_s",
                           .unit = "s",
                           .range = R::non_negative(),
                           .need = Need::defaulted,
                           .meaning = "the rule applies from this time after liftoff ..."});
  a.number(until_s, {.key = "until_s",
                     .unit = "s",
                     .range = R::positive(),
                     .need = Need::optional,
                     .meaning = "... to this one (after `active_from_s`)",
                     .default_text = "the end of powered flight",
                     .absent = "the rule applies to the end of powered flight"});
}

template <class A>
void fields(A& a, IipCorridorRule& r) {
  a.text(r.name, {.key = "name", .meaning = "name of the rule in run files and summaries"});
  a.list(r.points,
         {.key = "points",
          .meaning = "`{lat_deg, lon_deg}` vertices of the polygon the IIP must stay in; edges "
                     "straight in degrees, not across the antimeridian"},
         {.min_size = 3, .too_short = "a corridor needs at least 3 points"},
         [&](auto& s, GeoPoint& p, std::size_t) { fields(s, p); });
  rule_window_fields(a, r.active_from_s, r.until_s);
}

template <class A>
void fields(A& a, DeviationRule& r) {
  a.text(r.name, {.key = "name", .meaning = "name of the rule in run files and summaries"});
  a.number(r.cross_range_m,
           {.key = "cross_range_m",
            .unit = "m",
            .range = R::positive(),
            .need = Need::optional,
            .meaning = "limit on |distance from the nominal's inertial plane| at the same time",
            .default_text = "none",
            .absent = "the rule has no cross_range_m"});
  a.number(r.altitude_m, {.key = "altitude_m",
                          .unit = "m",
                          .range = R::positive(),
                          .need = Need::optional,
                          .meaning = "limit on |altitude - the nominal's| at the same time",
                          .default_text = "none",
                          .absent = "the rule has no altitude_m"});
  a.number(r.flight_path_angle_deg,
           {.key = "flight_path_angle_deg",
            .unit = "deg",
            .range = R::closed(0, 180),
            .need = Need::optional,
            .meaning = "limit on |Earth-relative flight-path angle - the nominal's|",
            .default_text = "none",
            .absent = "the rule has no flight_path_angle_deg"});
  a.number(r.speed_mps, {.key = "speed_mps",
                         .unit = "m/s",
                         .range = R::positive(),
                         .need = Need::optional,
                         .meaning = "limit on |Earth-relative speed - the nominal's|",
                         .default_text = "none",
                         .absent = "the rule has no speed_mps"});
  rule_window_fields(a, r.active_from_s, r.until_s);
}

template <class A>
void fields(A& a, RangeSafety& rs) {
  a.list(rs.iip_corridors,
         {.key = "iip_corridors",
          .need = Need::optional,
          .meaning = "terminate when the IIP leaves a polygon (an IIP in orbit counts as inside)",
          .default_text = "none"},
         {}, [&](auto& sub, IipCorridorRule& r, std::size_t) { fields(sub, r); });
  a.list(rs.deviation_limits,
         {.key = "deviation_limits",
          .need = Need::optional,
          .meaning = "terminate when the vehicle deviates from the nominal flight beyond a limit",
          .default_text = "none"},
         {}, [&](auto& sub, DeviationRule& r, std::size_t) { fields(sub, r); });
}

template <class A>
void fields(A& a, ReportSettings& s) {
  a.list(s.regions,
         {.key = "regions",
          .need = Need::optional,
          .meaning = "named polygons: the share of each failure mode's vehicle and fragment "
                     "impacts inside them (`failure_modes` of the summary)",
          .default_text = "none"},
         {}, [&](auto& sub, IipZone& z, std::size_t) { fields(sub, z, 3); });
}

inline constexpr Choice<geo::ShoreResolution> kShoreResolutions[] = {
    {"crude", geo::ShoreResolution::crude},
    {"low", geo::ShoreResolution::low},
    {"intermediate", geo::ShoreResolution::intermediate},
    {"high", geo::ShoreResolution::high},
    {"full", geo::ShoreResolution::full},
};

template <class A>
void fields(A& a, RiskSettings::Box& b) {
  a.number(b.west_deg, {.key = "west_deg",
                        .unit = "deg",
                        .range = {-360.0, 360.0},
                        .meaning = "western edge (longitude)"});
  a.number(b.south_deg, {.key = "south_deg",
                         .unit = "deg",
                         .range = {-90.0, 90.0},
                         .meaning = "southern edge (latitude)"});
  a.number(b.east_deg, {.key = "east_deg",
                        .unit = "deg",
                        .range = {-360.0, 720.0},
                        .meaning = "eastern edge (longitude; may exceed 180 across the "
                                   "antimeridian)"});
  a.number(b.north_deg, {.key = "north_deg",
                         .unit = "deg",
                         .range = {-90.0, 90.0},
                         .meaning = "northern edge (latitude)"});
}

template <class A>
void fields(A& a, RiskSettings& r) {
  a.number(r.grid_deg, {.key = "grid_deg",
                        .unit = "deg",
                        .range = {0.0, 10.0, true, false},
                        .need = Need::defaulted,
                        .meaning = "cell size of the maps",
                        .default_text = "0.05"});
  a.section(r.region,
            {.key = "region",
             .need = Need::optional,
             .meaning = "the maps' box (west, south, east, north)",
             .default_text = "the impacts' bounding box"},
            [&](auto& s, RiskSettings::Box& b) { fields(s, b); });
  a.text(r.population, {.key = "population",
                        .need = Need::optional,
                        .meaning = "population-density raster, persons per km^2 on a lon/lat "
                                   "grid (GeoTIFF, ESRI ASCII grid), relative to the config's "
                                   "folder: expected casualties; `default`: each country at its "
                                   "mean density, from packaged data (coarse; README); `none`: "
                                   "no expected casualties",
                        .default_text = "`default` (`none` with geography: false)"});
  a.text(r.regions, {.key = "regions",
                     .need = Need::optional,
                     .meaning = "named polygons (GeoJSON, or any polygon layer GDAL/OGR reads), "
                                "relative to the config's folder: P(impact) inside each",
                     .default_text = "the config's report.regions"});
  a.choice(r.shore,
           {.key = "shore",
            .need = Need::defaulted,
            .meaning = "GSHHG resolution of the land mask (high and full need Debian's "
                       "gmt-gshhg-high / -full)",
            .default_text = "low"},
           std::span<const Choice<geo::ShoreResolution>>(kShoreResolutions));
  a.boolean(r.geography, {.key = "geography",
                          .need = Need::defaulted,
                          .meaning = "land mask and countries (false: no GMT data needed)",
                          .default_text = "true"});
  a.number(r.intact_casualty_area_m2,
           {.key = "intact_casualty_area_m2",
            .unit = "m^2",
            .range = {0.0, 1e6},
            .need = Need::defaulted,
            .meaning = "casualty area of an intact body (nominal bodies, the vehicle, intact "
                       "pieces)",
            .default_text = "30"});
}

// The whole model: the top-level keys that describe one launch (`uncertainties` and `failures`
// are the study's: see fields(FailureMode) and config/load_scenario.cpp).
template <class A>
void fields(A& a, Scenario& sc) {
  a.text(sc.name, {.key = "name",
                   .need = Need::defaulted,
                   .meaning = "title used in reports",
                   .default_text = "the file name"});
  a.section({.key = "launch", .meaning = "site, time and azimuth"}, true,
            [&](auto& s) { launch_fields(s, sc); });
  a.section({.key = "atmosphere", .need = Need::defaulted, .meaning = "density scale and winds"},
            true, [&](auto& s) { atmosphere_fields(s, sc); });
  a.section({.key = "gravity", .need = Need::defaulted, .meaning = "zonal harmonics degree"}, true,
            [&](auto& s) { gravity_fields(s, sc); });
  a.section({.key = "earth",
             .need = Need::defaulted,
             .meaning = "validation switches (non-rotating, spherical)"},
            true, [&](auto& s) { fields(s, sc.earth); });
  a.section({.key = "vehicle", .meaning = "payload, fairing, stages"}, true,
            [&](auto& s) { fields(s, sc.vehicle); });
  a.section({.key = "guidance", .meaning = "open-loop ascent program"}, true,
            [&](auto& s) { fields(s, sc.guidance); });
  a.section({.key = "integrator",
             .need = Need::defaulted,
             .meaning = "tolerances of the Dormand-Prince 5(4) integrator"},
            true, [&](auto& s) { fields(s, sc.integrator); });
  a.section({.key = "limits",
             .need = Need::defaulted,
             .meaning = "flight-time limits and orbit thresholds"},
            true, [&](auto& s) { fields(s, sc.limits); });
  a.section(
      {.key = "output", .need = Need::defaulted, .meaning = "time-history sampling of `fly -o`"},
      true, [&](auto& s) { output_fields(s, sc); });
  a.section({.key = "iip",
             .need = Need::defaulted,
             .meaning = "instantaneous impact point: track grid and overflight lines and regions"},
            true, [&](auto& s) { fields(s, sc.iip); });
  a.section({.key = "range_safety",
             .need = Need::defaulted,
             .meaning = "flight-termination rules: IIP corridors and deviation limits, checked "
                        "in every flight during powered flight; a broken rule breaks the vehicle "
                        "up"},
            true, [&](auto& s) { fields(s, sc.range_safety); });
  a.section({.key = "report",
             .need = Need::defaulted,
             .meaning = "what the run's summary adds: impact regions per failure mode"},
            true, [&](auto& s) { fields(s, sc.report); });
  a.section(sc.risk,
            {.key = "risk",
             .need = Need::optional,
             .meaning = "debris-risk maps written into the run file at the end of `run -o` "
                        "(as `launchmc risk`)",
             .default_text = "none"},
            [&](auto& s, RiskSettings& r) { fields(s, r); });
}

// ---- the study: failure modes ------------------------------------------------------------------

inline constexpr Choice<FailureKind> kFailureKinds[] = {
    {"engine_shutdown", FailureKind::engine_shutdown},
    {"ignition_failure", FailureKind::ignition_failure},
    {"thrust_loss", FailureKind::thrust_loss},
    {"flight_termination", FailureKind::flight_termination},
    {"explosion", FailureKind::explosion},
    {"separation_failure", FailureKind::separation_failure},
    {"loss_of_control", FailureKind::loss_of_control}};

template <class A>
void fields(A& a, FailureMode& f, const Scenario& sc) {
  a.text(f.name, {.key = "name", .meaning = "name in summaries and run files"});
  std::string stage =
      f.stage < sc.vehicle.stages.size() ? sc.vehicle.stages[f.stage].name : std::string();
  a.text(stage, {.key = "stage", .meaning = "name of the stage that fails"});
  a.after_read([&](auto& r) {
    bool found = false;
    for (std::size_t k = 0; k < sc.vehicle.stages.size(); ++k)
      if (sc.vehicle.stages[k].name == stage) {
        f.stage = k;
        found = true;
      }
    if (!found) r.fail_at("stage", fmt::format("'{}' is not a stage name", stage));
  });
  a.number(
      f.probability,
      {.key = "probability",
       .unit = "-",
       .range = R::closed(0, 1),
       .need = Need::form,
       .meaning = "per flight; the modes are exclusive (probabilities add up to at most 1) ...",
       .default_text = "this or `hazard_rate_per_s`",
       .absent = "the mode is given by its hazard_rate_per_s"},
      !(f.hazard_rate_per_s > 0.0));
  a.number(f.hazard_rate_per_s,
           {.key = "hazard_rate_per_s",
            .unit = "1/s",
            .range = R::positive(),
            .need = Need::form,
            .meaning = "... or a constant rate per second of burn in the window: exponential "
                       "time truncated to the window, P = 1 - exp(-rate (end - start))",
            .default_text = "this or `probability`",
            .absent = "the mode is given by its probability"},
           f.hazard_rate_per_s > 0.0);
  a.forms({.forms = {{{"probability"}}, {{"hazard_rate_per_s"}}},
           .neither = "give exactly one of probability and hazard_rate_per_s",
           .both = "give exactly one of probability and hazard_rate_per_s"});
  a.number(f.window_start_s,
           {.key = "window_start_s",
            .unit = "s",
            .range = R::non_negative(),
            .need = Need::defaulted,
            .meaning = "the failure strikes at a time uniform in the window after the "
                       "stage's ignition (hazard rate: exponential from here) ..."});
  a.number(f.window_end_s, {.key = "window_end_s",
                            .unit = "s",
                            .range = R::positive(),
                            .need = Need::defaulted,
                            .meaning = "... which ends here (after `window_start_s`); "
                                       "`ignition_failure` strikes at ignition, ignoring both",
                            .default_text = "the stage's nominal burn"});
  a.after_read([&](auto& r) {
    if (r.present("window_end_s")) return;
    const vehicle::Stage& st = sc.vehicle.stages[f.stage];
    f.window_end_s = st.engine.nominal_burn_time_s(st.propellant_mass_kg);
    if (st.cutoff_time_s) f.window_end_s = std::min(f.window_end_s, *st.cutoff_time_s);
  });
  a.choice(f.kind,
           {.key = "mode",
            .need = Need::defaulted,
            .meaning = "what fails (docs/config.md, \"Failure modes\"): `engine_shutdown`, "
                       "`ignition_failure`, `thrust_loss`, `flight_termination`, `explosion`, "
                       "`separation_failure`, `loss_of_control`",
            .default_text = "`engine_shutdown`"},
           std::span<const Choice<FailureKind>>(kFailureKinds));
  a.number(f.thrust_fraction_min,
           {.key = "thrust_fraction_min",
            .unit = "-",
            .range = R::closed(0, 1),
            .need = Need::defaulted,
            .meaning = "`thrust_loss`: the remaining thrust (and mass flow) fraction is uniform "
                       "from this ..."});
  a.number(f.thrust_fraction_max, {.key = "thrust_fraction_max",
                                   .unit = "-",
                                   .range = R::closed(0, 1),
                                   .need = Need::defaulted,
                                   .meaning = "... to this"});
  a.boolean(f.attached_ignites,
            {.key = "attached_ignites",
             .need = Need::defaulted,
             .meaning = "`separation_failure`: the next stage ignites with the stuck stage "
                        "attached (extra mass, the stuck stage's stack drag); false: it does not "
                        "ignite"});
  // 3600 deg/s: ten turns a second, far beyond any tumble a stack survives.
  a.number(f.turn_rate_min_deg_s,
           {.key = "turn_rate_min_deg_s",
            .unit = "deg/s",
            .range = R::closed(0, 3600),
            .need = Need::defaulted,
            .meaning = "`loss_of_control`: the thrust turns away from the guidance command at a "
                       "rate uniform from this ..."});
  a.number(f.turn_rate_max_deg_s, {.key = "turn_rate_max_deg_s",
                                   .unit = "deg/s",
                                   .range = R::closed(0, 3600),
                                   .need = Need::defaulted,
                                   .meaning = "... to this"});
  a.number(f.turn_direction_deg,
           {.key = "turn_direction_deg",
            .unit = "deg",
            .range = R::closed(0, 360),
            .need = Need::optional,
            .meaning = "`loss_of_control`: where the thrust turns, a clock angle about the "
                       "commanded thrust axis: 0 pitch up, 90 right of the commanded heading, "
                       "180 pitch down, 270 left",
            .default_text = "uniform in [0, 360)",
            .absent = "the direction is drawn uniform in [0, 360)"});
}

}  // namespace launchmc::schema
