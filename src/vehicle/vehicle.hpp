// Vehicle description: stages with engines and aerodynamics, fairing, payload; mass properties.
// Point-mass (3-DOF) model: each configuration of the stack has its own drag table and reference
// area; every jettisoned body keeps its own mass and drag and is flown to impact.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "common/constants.hpp"
#include "common/table.hpp"
#include "guidance/closed_loop.hpp"

namespace launchmc::vehicle {

// Drag of one configuration: axial drag coefficient versus Mach number, on a reference area.
struct DragModel {
  Table1D cd_vs_mach;        // [-] versus Mach [-]
  double ref_area_m2 = 0.0;  // [m^2]
  double cd_scale = 1.0;     // multiplies the whole table (a dispersion handle) [-]

  bool none() const noexcept { return cd_vs_mach.empty() || ref_area_m2 <= 0.0; }
  double cd_area_m2(double mach) const noexcept {
    return none() ? 0.0 : cd_scale * cd_vs_mach(mach) * ref_area_m2;
  }
};

// Rocket engine (or cluster) of one stage.
// Liquid: constant vacuum thrust; mass flow from vacuum thrust and vacuum Isp,
// mdot = F_vac / (Isp_vac g0). Solid: vacuum thrust versus time since ignition from a table,
// given at the motor's stated Isp and load (curve_isp_vac_s, curve_propellant_mass_kg).
// Thrust at ambient pressure p: F = F_vac - p * A_exit (back-pressure loss of an ideal nozzle,
// Sutton & Biblarz, Rocket Propulsion Elements, 9th ed., eq. 3-21), so sea-level
// Isp = Isp_vac (1 - p A_e / F_vac).
//
// A solid motor's table is its grain burning: the mass flow versus time is set by the grain's
// burning surface and chamber pressure, and the table encodes it at the stated Isp,
// mdot(t) = F_table(t) / (Isp_curve g0). An Isp other than the stated one (combustion or nozzle
// efficiency: a dispersion, or a --set of the config) changes the thrust at the same mass flow,
// F(t) = F_table(t) Isp / Isp_curve, so the load still burns out at the table's end. (Holding
// the table in newtons and deriving the mass flow from the new Isp would leave a higher-Isp motor
// with unburnt propellant at burnout and make it fly shorter.) A load other than the stated one
// scales the mass flow and the thrust by the load ratio over the same burn time: the stage's
// load_factor() (a denser or fuller cast of the same grain burns the same web at the same rate;
// a change of burn rate is thrust_scale's dispersion). Liquid engines keep F and Isp as given.
struct Engine {
  double thrust_vac_N = 0.0;         // [N] liquid engines (ignored when thrust_curve is given)
  double isp_vac_s = 0.0;            // [s]
  double nozzle_exit_area_m2 = 0.0;  // [m^2] total over all nozzles
  Table1D thrust_curve_vac_N;        // [N] versus time since ignition [s]; solid motors only
  // Thrust level factor (a dispersion handle). Liquids: thrust and mass flow scale by k at the
  // same Isp. Solids: F(t) -> k F(k t), the burn-rate sensitivity of a grain (a hot motor
  // burns harder and shorter with the same total impulse).
  double thrust_scale = 1.0;
  // Solids: the vacuum Isp [s] and the load [kg] the table was given at: the config's isp_vac_s
  // and propellant_mass_kg before any --set (set when the config is read; dispersions and
  // overrides of isp_vac_s and propellant_mass_kg are measured against them).
  // 0: not set (an Engine built in code): the present isp_vac_s and load are the stated ones.
  double curve_isp_vac_s = 0.0;           // [s]
  double curve_propellant_mass_kg = 0.0;  // [kg]
  double stated_isp_vac_s() const noexcept {
    return curve_isp_vac_s > 0.0 ? curve_isp_vac_s : isp_vac_s;
  }

  bool solid() const noexcept { return !thrust_curve_vac_N.empty(); }
  // Time after ignition at which a solid motor's table ends [s].
  double curve_end_s() const noexcept { return thrust_curve_vac_N.back_x() / thrust_scale; }
  // Solid: the table's vacuum thrust [N] at the stated Isp and load (0 outside the table);
  // liquid: the rated vacuum thrust.
  double table_thrust_N(double t_since_ignition_s) const noexcept {
    if (!solid()) return thrust_scale * thrust_vac_N;
    const double tau = thrust_scale * t_since_ignition_s;
    if (tau < thrust_curve_vac_N.front_x() || tau > thrust_curve_vac_N.back_x()) return 0.0;
    return thrust_scale * thrust_curve_vac_N(tau);
  }
  // Vacuum thrust [N]; load_factor: the stage's load_factor() (1 for liquids). A solid at its
  // stated Isp and load has both ratios exactly 1: the nominal thrust is the table's, bit for bit.
  double vacuum_thrust_N(double t_since_ignition_s, double load_factor = 1.0) const noexcept {
    if (!solid()) return thrust_scale * thrust_vac_N;
    return table_thrust_N(t_since_ignition_s) * (isp_vac_s / stated_isp_vac_s()) * load_factor;
  }
  // Thrust [N] at ambient pressure [Pa]; never negative (an over-expanded nozzle at sea level
  // with a tiny engine would otherwise "pull").
  double thrust_N(double t_since_ignition_s, double ambient_pressure_Pa,
                  double load_factor = 1.0) const noexcept {
    const double f = vacuum_thrust_N(t_since_ignition_s, load_factor) -
                     ambient_pressure_Pa * nozzle_exit_area_m2;
    return f > 0.0 ? f : 0.0;
  }
  // Mass flow [kg/s]: the grain's burn for a solid (the table at the stated Isp, whatever the
  // present Isp, times the load factor), F_vac / (Isp_vac g0) for a liquid.
  double mass_flow_kgps(double t_since_ignition_s, double load_factor = 1.0) const noexcept {
    if (!solid()) return table_thrust_N(t_since_ignition_s) / (isp_vac_s * constants::g0_mps2);
    return table_thrust_N(t_since_ignition_s) / (stated_isp_vac_s() * constants::g0_mps2) *
           load_factor;
  }
  // Burn duration [s] of a full load if nothing cuts it off: depletion for liquids, the end of
  // the thrust table or depletion for solids, whichever comes first.
  double nominal_burn_time_s(double propellant_mass_kg) const;
};

// Closed-loop cutoff on energy: the engine stops when the osculating orbit reaches a target
// (semi-major axis for a launcher's last stage; apogee altitude, which for a ballistic missile's
// lofted arc is the apogee it will reach). Guidance sees the navigated state: the true one plus a
// navigation bias (along the velocity and along the radius), which a Monte Carlo can disperse.
enum class CutoffQuantity : std::uint8_t { semi_major_axis, apogee_altitude };
struct EnergyCutoff {
  CutoffQuantity quantity = CutoffQuantity::semi_major_axis;
  double value_m = 0.0;                // [m]: semi-major axis, or apogee height above the ellipsoid
  double nav_velocity_bias_mps = 0.0;  // navigated speed minus true speed [m/s]
  double nav_position_bias_m = 0.0;    // navigated radius minus true radius [m]
};

// One class of the debris a stage breaks into (flight termination, explosion): `pieces` like
// pieces of `mass_kg` each, with a drag (ballistic coefficient beta = m / (Cd A), or an area and a
// Cd table), a velocity imparted by the breakup and a casualty area. The imparted velocity is
// Maxwellian with scale `delta_v_scale_mps`: each ECI component normal with that sigma (isotropic
// direction; mean speed 2 sqrt(2/pi) sigma = 1.596 sigma). Reference for the representation:
// RCC 321-20 (Range Commanders Council, Common Risk Criteria), debris catalogues with fragment
// classes and Maxwellian velocity increments.
struct DebrisClass {
  std::string name;
  int pieces = 1;        // [-]
  double mass_kg = 0.0;  // [kg] one piece
  double ballistic_coefficient_kgpm2 =
      std::numeric_limits<double>::quiet_NaN();  // [kg/m^2] m / (Cd A); NaN: `drag` is given
  DragModel drag;                                // one piece (when no ballistic coefficient)
  double delta_v_scale_mps = 0.0;                // [m/s] Maxwellian scale (per-axis sigma)
  double casualty_area_m2 = 0.0;                 // [m^2] of one piece
  // The drag flown: `drag`, or Cd 1 on the area m / beta (derived when the config is read).
  DragModel flown_drag;
};

struct Stage {
  std::string name;
  double dry_mass_kg = 0.0;         // [kg] structure, engines, residuals
  double propellant_mass_kg = 0.0;  // [kg] usable propellant
  Engine engine;
  double ignition_delay_s =
      0.0;  // [s] from the previous stage's separation (or liftoff) to ignition
  std::optional<double> cutoff_time_s;        // [s] commanded cutoff, time after ignition
  std::optional<EnergyCutoff> energy_cutoff;  // cutoff when the orbit reaches a target
  // Closed-loop guidance of this stage: steering and cutoff to an orbit or an aim point. When
  // present and enabled it replaces the open-loop attitude (from engagement on) and the timed
  // cutoff; a disabled one leaves the stage to the open-loop program and cutoff_time_s.
  std::optional<guidance::ClosedLoop> closed_loop;

  // The closed loop the stage flies: null if it has none or it is disabled.
  const guidance::ClosedLoop* active_closed_loop() const noexcept {
    return closed_loop && closed_loop->enabled ? &*closed_loop : nullptr;
  }
  double separation_delay_s = 0.0;  // [s] from burnout/cutoff to separation of this stage
  // Factor on the engine's thrust and mass flow for the load it carries [-]: a solid motor's load
  // over the one its table was given at (exactly 1 at the stated load); 1 for liquids, whose
  // load sets the burn time instead.
  double load_factor() const noexcept {
    return engine.solid() && engine.curve_propellant_mass_kg > 0.0
               ? propellant_mass_kg / engine.curve_propellant_mass_kg
               : 1.0;
  }
  // Structural limit of the stack while this stage burns as the lowest one: after a loss of
  // control, the vehicle breaks up where dynamic pressure times angle of attack (between the
  // thrust axis and the air-relative velocity) reaches it [Pa rad]. None: no such breakup.
  std::optional<double> q_alpha_limit_Pa_rad;
  DragModel stack_drag;  // the stack while this stage is the lowest one
  DragModel spent_drag;  // this stage alone, falling after separation
  // What this stage breaks into when the vehicle breaks up while it is the lowest stage (empty:
  // it falls as one intact piece with its spent_drag).
  std::vector<DebrisClass> debris;
};

struct Fairing {
  double mass_kg = 0.0;  // [kg] total, split equally among pieces
  int pieces = 2;
  std::optional<double> jettison_alt_m;   // jettison when the geodetic altitude reaches this ...
  std::optional<double> jettison_time_s;  // ... or at this time after liftoff (whichever is given)
  double separation_speed_mps = 0.0;      // [m/s] each piece pushed sideways (+/- crossrange)
  DragModel drag;                         // one piece
};

struct Payload {
  std::string name = "payload";
  double mass_kg = 0.0;
  // Separation from the last stage after its burnout (for missiles: the re-entry vehicle; for
  // launchers: spacecraft separation, after which the last stage is a body of its own).
  std::optional<double> separation_delay_s;
  DragModel drag;  // the payload alone (re-entry vehicle)
};

struct Vehicle {
  std::vector<Stage> stages;
  std::optional<Fairing> fairing;
  Payload payload;

  // Mass [kg] of the stack from stage k upward, full tanks, with fairing if still on.
  double stack_mass_kg(std::size_t first_stage, bool with_fairing) const;
  double liftoff_mass_kg() const { return stack_mass_kg(0, true); }
};

}  // namespace launchmc::vehicle
