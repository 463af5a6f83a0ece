// US Standard Atmosphere 1976: temperature, pressure, density and speed of sound versus geometric
// altitude, for the per-sample atmosphere lookups of the Monte Carlo trajectory engine.
//
// Source: U.S. Standard Atmosphere, 1976, NOAA-S/T 76-1562 (NOAA, NASA, USAF), section 1.2
// (below 86 km) and section 1.3 (86 km to 1000 km).
//
// Validity range: geometric altitude -5 km .. 1000 km above the ellipsoid (the standard's range).
//  - Below 86 km: the standard's seven closed-form layers in geopotential altitude
//    H = r0 z / (r0 + z), r0 = 6356.766 km, with the molecular-weight ratio M/M0 of table 8
//    turning molecular-scale temperature into kinetic temperature between 80 and 86 km.
//  - 86 km .. 1000 km: the standard's kinetic-temperature profile and the number densities of
//    N2, O, O2, Ar, He (from 86 km) and H (from 150 km) integrated once, in the constructor, from
//    the standard's diffusion / mixing / flux equations onto a uniform 100 m table; at() then
//    interpolates linearly in T and speed of sound and log-linearly in pressure and density.
// Outside the validity range:
//  - below -5 km: clamped, at() returns the state at -5 km;
//  - above 1000 km: the 1000-km temperature and speed of sound are held, and pressure and density
//    decay exponentially with the pressure and density scale heights of the last table interval
//    (999.9 .. 1000 km), so both stay continuous and strictly decreasing;
//  - NaN altitude: every field of the returned state is NaN.
#pragma once

#include <array>
#include <vector>

namespace launchmc::atmosphere {

struct AtmosphereState {
  double temperature_K;       // kinetic temperature [K]
  double pressure_Pa;         // [Pa]
  double density_kgpm3;       // [kg/m^3]
  double speed_of_sound_mps;  // [m/s]
};

class Us76 {
 public:
  static constexpr double min_alt_m = -5000.0;         // lower end of the validity range [m]
  static constexpr double max_alt_m = 1.0e6;           // upper end of the validity range [m]
  static constexpr double upper_base_alt_m = 86000.0;  // start of the species-integrated part [m]
  static constexpr double table_step_m = 100.0;        // spacing of the 86..1000 km table [m]

  Us76();  // builds the lower-layer constants and the 86..1000 km table once

  // Geometric altitude above the ellipsoid [m]; valid -5 km .. 1000 km, see the file comment for
  // what happens outside. No allocation, no locks, O(1).
  AtmosphereState at(double geometric_alt_m) const noexcept;

 private:
  // One layer of the closed-form part below 86 km, in geopotential altitude.
  struct LowerLayer {
    double base_h_m;            // base geopotential altitude H_b [m']
    double base_tm_K;           // molecular-scale temperature at the base T_M,b [K]
    double lapse_Kpm;           // L_M,b = dT_M/dH [K/m']
    double base_p_Pa;           // pressure at the base P_b [Pa]
    double exponent;            // g0 M0 / (R* L_M,b) for gradient layers [-]
    double isothermal_coef_pm;  // -g0 M0 / (R* T_M,b) for isothermal layers [1/m']
  };
  // One 100-m interval of the upper table: value at its lower node and increment to the next.
  struct alignas(64) UpperInterval {
    double temperature_K;
    double d_temperature_K;
    double ln_pressure;
    double d_ln_pressure;
    double ln_density;
    double d_ln_density;
    double speed_of_sound_mps;
    double d_speed_of_sound_mps;
  };

  // Closed form (construction and reference); pressure_from_table replaces its pow/exp with a
  // cubic Hermite interpolation of ln p on a 50-m grid, with the exact slope
  // d ln p / dz = -g0 M0 / (R* T_M) (r0 / (r0 + z))^2 at the nodes: C1 like ln p itself (so the
  // integrator sees no kinks), error far below 1e-8 relative; temperature stays exact.
  AtmosphereState lower_at(double geometric_alt_m, bool pressure_from_table = false) const noexcept;
  AtmosphereState upper_at(double geometric_alt_m) const noexcept;
  AtmosphereState above_table_at(double geometric_alt_m) const noexcept;

  std::array<LowerLayer, 7> lower_{};
  static constexpr double lower_table_step_m = 50.0;
  std::vector<double> lower_ln_p_;      // ln p [ln Pa] at min_alt + k * 50 m, up to 86 km
  std::vector<double> lower_dln_p_dz_;  // its slope there [1/m]
  std::vector<UpperInterval> upper_;
  AtmosphereState top_{};             // state at 1000 km
  double top_dln_pressure_pm_ = 0.0;  // d ln p / dz above 1000 km [1/m]
  double top_dln_density_pm_ = 0.0;   // d ln rho / dz above 1000 km [1/m]
};

// Process-wide instance, built on first use (thread-safe function-local static).
const Us76& us76();

}  // namespace launchmc::atmosphere
