// The validated description of one launch: site, epoch, environment, vehicle, guidance and the
// numerical settings of the flight. Built by the config loader; read-only for the flight.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "atmosphere/wind.hpp"
#include "geo/polygon.hpp"
#include "geo/shore_resolution.hpp"
#include "guidance/open_loop.hpp"
#include "vehicle/vehicle.hpp"

namespace launchmc {

struct LaunchSite {
  double lat_deg = 0.0;  // geodetic latitude, WGS-84 [deg]
  double lon_deg = 0.0;  // longitude, east positive [deg]
  double alt_m = 0.0;    // height above the ellipsoid [m]
};

// The Earth of the flight. Anything but the defaults exists to validate against analytic
// solutions (a non-rotating sphere, no gravity), not to fly real launches.
struct EarthModel {
  bool rotating = true;    // WGS-84 rate; false: non-rotating Earth (and atmosphere)
  bool spherical = false;  // false: WGS-84 ellipsoid; true: sphere of sphere_radius_m
  double sphere_radius_m =
      6371008.8;        // IUGG mean radius R1 (Moritz, Geodetic Reference System 1980)
  bool gravity = true;  // false: no gravity at all
};

struct IntegratorSettings {
  double rtol = 1e-9;
  double atol_position_m = 1e-3;
  double atol_velocity_mps = 1e-6;
  double atol_mass_kg = 1e-3;
  double max_step_s = 60.0;
  double event_tolerance_s = 1e-5;  // events (burnout, impact, ...) located to this [s]
  // Velocity tolerance in a falling body's terminal descent (the stiff phase): there velocity
  // errors relax with the drag time constant (~1 s) instead of accumulating, so a position error
  // of about this times 1 s per step is all they cause [m/s]. 0: no switch to the stiff
  // integrator (the explicit one flies every body to the ground; reference runs).
  double terminal_atol_velocity_mps = 1e-1;
  // Relative tolerance of the falling bodies' flights (0: the same as rtol). Their impact points
  // inherit the ascent's error at release, so a looser tolerance here may cost little.
  double body_rtol = 0.0;
  // Relative tolerance of breakup fragments (0: body_rtol). Their impact error at the default
  // (tests/flight/test_fragments.cpp measures it) is small next to their imparted-velocity spread.
  double fragment_rtol = 1e-5;
};

struct FlightLimits {
  double max_flight_time_s = 30000.0;       // vehicle flight ends here [s after liftoff]
  double max_body_flight_time_s = 30000.0;  // a falling body's flight ends here [s after release]
  // Final cutoff with a perigee at least this high counts as orbit insertion [m].
  double insertion_min_perigee_alt_m = 100e3;
  // A jettisoned body whose osculating perigee is at least this high is in orbit: not flown [m].
  double orbiting_body_min_perigee_alt_m = 150e3;
  // A Monte Carlo sample is in the target orbit of the last stage's closed-loop guidance when it
  // reached orbit and its catalogue perigee and apogee altitudes are each within this of the
  // target's [km] ...
  double target_orbit_tolerance_alt_km = 10.0;
  // ... and its inclination (and, for a target with a node, its RAAN) within this [deg].
  double target_orbit_tolerance_incl_deg = 0.1;
  // A breakup's debris classes are each flown as at most this many weighted fragments.
  int fragments_per_class = 4;
};

// A point of a named line or region of the IIP overflight table, or of a corridor of the
// flight-termination rules (geodetic, WGS-84; geo/polygon).
using geo::GeoPoint;

// A named polyline (crossings of the IIP track are counted) or polygon (entries into it are
// counted); edges are straight in (lat, lon) degrees: they must not span the antimeridian.
struct IipZone {
  std::string name;
  std::vector<GeoPoint> points;
};

// The instantaneous impact point during powered flight (orbit/iip.hpp): sampled every step_s
// from liftoff to the end of powered flight, in `fly` and in every Monte Carlo sample.
struct IipSettings {
  double step_s = 5.0;           // grid of the IIP track [s after liftoff]
  std::vector<IipZone> lines;    // overflight table: polylines the IIP track may cross
  std::vector<IipZone> regions;  // overflight table: polygons the IIP track may enter
};

// Flight-termination rules (range safety): checked in every flight, the nominal one included,
// while it is powered (from liftoff to the end of powered flight, staging coasts included) and
// inside each rule's window; the first rule broken terminates the flight: the vehicle breaks up
// (the lowest stage's debris list, the intact upper stages, payload and fairing), and the run
// file records the rule (`termination_rule`, `breakup_cause`). Rules are numbered in config
// order, the IIP corridors first, then the deviation limits.
//
// An IIP corridor: the instantaneous impact point (orbit/iip.hpp) must stay inside the polygon;
// an IIP that does not exist (the vehicle in orbit or escaping) counts as inside.
struct IipCorridorRule {
  std::string name;
  std::vector<GeoPoint> points;   // polygon, edges straight in (lat, lon) degrees (geo/polygon)
  double active_from_s = 0.0;     // the rule applies from this time after liftoff [s] ...
  std::optional<double> until_s;  // ... to this one (none: to the end of powered flight) [s]
};

// Deviation limits: the vehicle must stay within these of the nominal flight (the undispersed
// flight of the same config, recorded once per run: flight::NominalTrack) at the same time after
// liftoff. Each limit is optional; at least one is given. Beyond the end of the nominal's powered
// flight the rule no longer applies.
struct DeviationRule {
  std::string name;
  // |(r - r_nom) . w|, w the unit normal of the nominal's inertial (ECI) plane r_nom x v_nom [m].
  std::optional<double> cross_range_m;
  std::optional<double> altitude_m;             // |h - h_nom|, geodetic heights [m]
  std::optional<double> flight_path_angle_deg;  // |gamma - gamma_nom|, Earth-relative [deg]
  std::optional<double> speed_mps;              // |v - v_nom|, Earth-relative speeds [m/s]
  double active_from_s = 0.0;
  std::optional<double> until_s;
};

struct RangeSafety {
  std::vector<IipCorridorRule> iip_corridors;
  std::vector<DeviationRule> deviation_limits;

  std::size_t rule_count() const noexcept { return iip_corridors.size() + deviation_limits.size(); }
  // The name of rule `index` (corridors first, then deviation limits).
  const std::string& rule_name(std::size_t index) const {
    return index < iip_corridors.size() ? iip_corridors[index].name
                                        : deviation_limits[index - iip_corridors.size()].name;
  }
};

// What the run's summary reports beyond the statistics of every run: named polygons (the IIP's
// polygon type; edges straight in degrees) in which the per-failure-mode report
// (engine/failure_report.hpp) counts the share of the vehicle's and each fragment class's impacts.
struct ReportSettings {
  std::vector<IipZone> regions;
};

// The `risk:` section: debris-risk maps computed at the end of `run -o`, as `launchmc risk` does
// with the same options (src/io/risk_file.hpp); a config without it leaves them to that command.
// (Outside RiskSettings: a nested struct with member initializers is not default-constructible
// for std::optional until the enclosing class is complete, and clang says so.)
struct RiskRegionBox {
  double west_deg = 0.0, south_deg = 0.0, east_deg = 0.0, north_deg = 0.0;
};
struct RiskSettings {
  using Box = RiskRegionBox;
  double grid_deg = 0.05;     // cell size [deg]
  std::optional<Box> region;  // the map's box; none: the impacts' bounding box
  std::string population;     // population-density raster (relative to the config's folder), or
                              // `default` (the coarse default population, README)
  std::string regions;        // named polygons (GeoJSON or any OGR polygon layer), same
  geo::ShoreResolution shore = geo::ShoreResolution::low;  // of the land mask (GSHHG)
  bool geography = true;  // land mask and countries (GSHHG, DCW via GMT)
  double intact_casualty_area_m2 = 30.0;
};

struct Scenario {
  std::string name;
  std::string config_path;  // where it was loaded from (for messages and result files)
  std::string config_text;  // the full text of the config, stored with results

  LaunchSite site;
  double epoch_unix_utc_s = 0.0;                     // liftoff time, seconds since 1970-01-01 UTC
  double earth_rotation_angle_at_liftoff_rad = 0.0;  // GMST at liftoff (derived from the epoch)

  double density_scale = 1.0;  // multiplies the US76 density everywhere [-]
  // Altitude-dependent density dispersion: the density is multiplied by exp(s(h) xi - s(h)^2/2),
  // a lognormal factor of mean 1 whose coefficient of variation at altitude h is the config's
  // density_sd_percent(h) (s = sqrt(ln(1 + cv^2))); xi ~ N(0, 1) is drawn per sample (0 nominal,
  // SampleDraws::density_xi).
  Table1D density_log_sd;  // s(h) [-] versus geometric altitude [m]; empty: none
  atmosphere::WindProfile wind;
  int gravity_degree = 4;  // zonal harmonics: 0 (point mass), 2, 3 or 4
  EarthModel earth;

  vehicle::Vehicle vehicle;
  guidance::OpenLoopProgram guidance;
  IntegratorSettings integrator;
  FlightLimits limits;
  double history_step_s = 1.0;  // time-history output interval of `fly` [s]
  IipSettings iip;
  RangeSafety range_safety;
  ReportSettings report;
  std::optional<RiskSettings> risk;
  // What a sample draws besides parameter values (environment shapes, failure, navigation
  // noise) is not part of the model: see SampleDraws (scenario/draws.hpp).
};

}  // namespace launchmc
