// US Standard Atmosphere 1976 (NOAA-S/T 76-1562): closed-form layers below 86 km and the
// standard's species integration from 86 to 1000 km, tabulated once at construction.
#include "atmosphere/us76.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "common/constants.hpp"

namespace launchmc::atmosphere {
namespace {

// ---- Constants of NOAA-S/T 76-1562, table 2 (units in the names) ----
constexpr double g0_mps2 = launchmc::constants::g0_mps2;  // also g0' [m'^2/(s^2 m)]
constexpr double r_star_J_per_kmol_K = 8314.32;           // gas constant R*
constexpr double m0_kg_per_kmol = 28.9644;                // sea-level mean molecular weight M0
constexpr double boltzmann_J_per_K = 1.380622e-23;        // k, used in p = n k T (eq. 33c)
constexpr double avogadro_per_kmol = 6.022169e26;         // N_A, used in rho = sum n_i M_i / N_A
constexpr double r0_m = 6356766.0;                        // effective Earth radius r0
constexpr double r0_km = r0_m / 1000.0;
constexpr double gamma_air = 1.4;   // ratio of specific heats
constexpr double p0_Pa = 101325.0;  // sea-level pressure
constexpr double t0_K = 288.15;     // sea-level temperature

// ---- Table 4: the seven layers below 86 km (H_b in km', L_M,b in K/km') ----
constexpr std::array<double, 7> layer_base_h_km = {0.0, 11.0, 20.0, 32.0, 47.0, 51.0, 71.0};
constexpr std::array<double, 7> layer_lapse_K_per_km = {-6.5, 0.0, 1.0, 2.8, 0.0, -2.8, -2.0};

// ---- Table 8: M/M0 at geometric altitudes 80, 80.5, ..., 86 km ----
constexpr double ratio_start_m = 80000.0;
constexpr double ratio_step_m = 500.0;
constexpr std::array<double, 13> molecular_weight_ratio = {
    1.000000, 0.999996, 0.999989, 0.999971, 0.999941, 0.999909, 0.999870,
    0.999829, 0.999786, 0.999741, 0.999694, 0.999641, 0.999579};

// ---- Table 5: kinetic-temperature profile above 86 km (geometric km) ----
constexpr double z8_km = 91.0;
constexpr double z9_km = 110.0;
constexpr double z10_km = 120.0;
constexpr double t7_K = 186.8673;
constexpr double t9_K = 240.0;
constexpr double lapse9_K_per_km = 12.0;
constexpr double t10_K = 360.0;
constexpr double t_inf_K = 1000.0;
constexpr double lambda_per_km = lapse9_K_per_km / (t_inf_K - t10_K);  // 0.01875 /km
// Elliptical segment 91..110 km, eqs. B-5, B-8, B-9 (the standard prints them rounded as
// Tc = 263.1905 K, A = -76.3232 K, a = -19.9429 km; deriving them keeps T and dT/dZ continuous).
constexpr double ellipse_tc_K =
    (lapse9_K_per_km * (z9_km - z8_km) * t9_K + t7_K * t7_K - t9_K * t9_K) /
    (lapse9_K_per_km * (z9_km - z8_km) + 2.0 * t7_K - 2.0 * t9_K);
constexpr double ellipse_big_a_K = t7_K - ellipse_tc_K;
constexpr double constexpr_sqrt(double x) {  // Newton iteration, for the constants below
  double r = x > 1.0 ? x : 1.0;
  for (int i = 0; i < 100; ++i) r = 0.5 * (r + x / r);
  return r;
}
constexpr double ellipse_small_a_km = -(z9_km - z8_km) * ellipse_big_a_K /
                                      constexpr_sqrt(ellipse_big_a_K * ellipse_big_a_K -
                                                     (t9_K - ellipse_tc_K) * (t9_K - ellipse_tc_K));

// ---- Section 1.3 eddy diffusion (eqs. 7a-c) ----
constexpr double eddy_k7_m2ps = 1.2e2;

// ---- Species data: table 3 (M_i), table 6 (alpha_i, a_i, b_i), table 7 (Q, U, W, q, u, w),
//      table 9 (number densities at 86 km) and the hydrogen boundary values of section 1.3.2 ----
enum SpeciesIndex : std::size_t { kN2 = 0, kO = 1, kO2 = 2, kAr = 3, kHe = 4, kH = 5 };
constexpr std::size_t num_major = 5;  // N2, O, O2, Ar, He (integrated from 86 km)

struct SpeciesData {
  double mass_kg_per_kmol;
  double alpha;            // thermal-diffusion coefficient
  double a_per_m_s;        // molecular-diffusion coefficient a_i [1/(m s)]
  double b;                // molecular-diffusion exponent b_i
  double big_q_per_km3;    // Q_i
  double big_u_km;         // U_i
  double big_w_per_km3;    // W_i
  double small_q_per_km3;  // q_i (atomic oxygen only)
  double small_u_km;       // u_i
  double small_w_per_km3;  // w_i
};
constexpr std::array<SpeciesData, 6> species = {{
    {28.0134, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},  // N2
    {15.9994, 0.0, 6.986e20, 0.750, -5.809644e-4, 56.90311, 2.706240e-5, -3.416248e-3, 97.0,
     5.008765e-4},                                                                     // O
    {31.9988, 0.0, 4.863e20, 0.750, 1.366212e-4, 86.0, 8.333333e-5, 0.0, 0.0, 0.0},    // O2
    {39.948, 0.0, 4.487e20, 0.870, 9.434079e-5, 86.0, 8.333333e-5, 0.0, 0.0, 0.0},     // Ar
    {4.0026, -0.40, 1.700e21, 0.691, -2.457369e-4, 86.0, 6.666667e-4, 0.0, 0.0, 0.0},  // He
    {1.00797, -0.25, 3.305e21, 0.500, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},                   // H
}};
constexpr std::array<double, num_major> n_at_86km_per_m3 = {1.129794e20, 8.6e16, 3.030898e19,
                                                            1.351400e18, 7.5817e14};
constexpr double h_reference_n_per_m3 = 8.0e10;  // n(H) at Z11 = 500 km
constexpr long h_reference_alt_m = 500000;       // Z11
constexpr long h_start_alt_m = 150000;           // H is defined from 150 km up
constexpr double h_flux_per_m2_s = 7.2e11;       // vertical flux of H, phi

// ---- Integration grid ----
// RK4 step of the species equations (in integer metres so every node is exact); the 100 m table
// takes every second node, hydrogen uses a doubled step with its midpoints on nodes. Every
// breakpoint of the standard (86, 91, 95, 97, 100, 110, 115, 120, 150, 500, 1000 km) is a node.
// Halving the step changes no tabulated value by more than 1e-9 relative.
constexpr long base_alt_m = 86000;
constexpr long fine_step_m = 50;
constexpr long table_step_whole_m = 100;
constexpr long top_alt_m = 1000000;
constexpr std::size_t fine_per_table = table_step_whole_m / fine_step_m;
constexpr std::size_t num_fine_steps = (top_alt_m - base_alt_m) / fine_step_m;
constexpr std::size_t num_table_nodes = num_fine_steps / fine_per_table + 1;
constexpr std::size_t fine_index(long alt_m) {
  return static_cast<std::size_t>((alt_m - base_alt_m) / fine_step_m);
}
constexpr std::size_t k_150km = fine_index(h_start_alt_m);
constexpr std::size_t k_500km = fine_index(h_reference_alt_m);
static_assert((top_alt_m - base_alt_m) % table_step_whole_m == 0);
static_assert(table_step_whole_m % fine_step_m == 0);
static_assert(k_500km % 2 == 0 && k_150km % 2 == 0 && num_fine_steps % 2 == 0 &&
                  fine_per_table % 2 == 0,
              "hydrogen is known on even fine nodes only: 150, 500, 1000 km and every table "
              "node must be even");

double fine_z_km(std::size_t k) {
  return static_cast<double>(base_alt_m + static_cast<long>(k) * fine_step_m) / 1000.0;
}

// Kinetic temperature above 86 km [K] (eqs. 25-31).
double upper_temperature_K(double z_km) {
  if (z_km < z8_km) return t7_K;
  if (z_km < z9_km) {
    const double x = (z_km - z8_km) / ellipse_small_a_km;
    return ellipse_tc_K + ellipse_big_a_K * std::sqrt(1.0 - x * x);
  }
  if (z_km < z10_km) return t9_K + lapse9_K_per_km * (z_km - z9_km);
  const double xi = (z_km - z10_km) * (r0_km + z10_km) / (r0_km + z_km);
  return t_inf_K - (t_inf_K - t10_K) * std::exp(-lambda_per_km * xi);
}

// dT/dZ above 86 km [K/km] (eqs. 26-32).
double upper_temperature_slope_K_per_km(double z_km) {
  if (z_km < z8_km) return 0.0;
  if (z_km < z9_km) {
    const double x = (z_km - z8_km) / ellipse_small_a_km;
    return -ellipse_big_a_K / ellipse_small_a_km * x / std::sqrt(1.0 - x * x);
  }
  if (z_km < z10_km) return lapse9_K_per_km;
  const double ratio = (r0_km + z10_km) / (r0_km + z_km);
  const double xi = (z_km - z10_km) * ratio;
  return lambda_per_km * (t_inf_K - t10_K) * ratio * ratio * std::exp(-lambda_per_km * xi);
}

// Eddy-diffusion coefficient K [m^2/s] (eqs. 7a-c).
double eddy_diffusion_m2ps(double z_km) {
  if (z_km < 95.0) return eddy_k7_m2ps;
  if (z_km < 115.0) {
    const double d2 = (z_km - 95.0) * (z_km - 95.0);
    return eddy_k7_m2ps * std::exp(1.0 - 400.0 / (400.0 - d2));
  }
  return 0.0;
}

// Vertical-transport term v_i / (D_i + K) [1/km] (eq. 7 of section 1.3).
double transport_per_km(const SpeciesData& s, double z_km) {
  const double du = z_km - s.big_u_km;
  double v = s.big_q_per_km3 * du * du * std::exp(-s.big_w_per_km3 * du * du * du);
  if (s.small_q_per_km3 != 0.0 && z_km < s.small_u_km) {
    const double dl = s.small_u_km - z_km;
    v += s.small_q_per_km3 * dl * dl * std::exp(-s.small_w_per_km3 * dl * dl * dl);
  }
  return v;
}

// g(Z) M / (R* T) per unit molecular weight, in 1/km per (kg/kmol).
double buoyancy_per_km(double z_km, double temperature_K) {
  const double ratio = r0_km / (r0_km + z_km);
  return g0_mps2 * ratio * ratio / (r_star_J_per_kmol_K * temperature_K) * 1000.0;
}

using MajorState = std::array<double, num_major>;  // ln n_i [ln(1/m^3)]

// d(ln n_i)/dZ [1/km] of N2, O, O2, Ar, He (eqs. 33-36 of section 1.3 in differential form):
//   N2:    -(1/T) dT/dZ - M g/(R* T), with M = M0 below 100 km and M(N2) above;
//   others: -(1/T) dT/dZ - D/(D+K) [M_i g/(R* T) + alpha_i (1/T) dT/dZ] - K/(D+K) M g/(R* T)
//           - v_i/(D+K),
// with D_i = a_i (T/273.15)^b_i / n, n = n(N2) for O and O2 and n(N2)+n(O)+n(O2) for Ar and He;
// M in the eddy term is M0 below 100 km, above it M(N2) for O and O2 and the mean molecular
// weight of N2+O+O2 for Ar and He. `above_100km` is decided by the caller from the RK4 step, so
// the switch at 100 km falls exactly on a grid node.
MajorState major_rhs(double z_km, bool above_100km, const MajorState& ln_n) {
  const double t_K = upper_temperature_K(z_km);
  const double dlnt = upper_temperature_slope_K_per_km(z_km) / t_K;
  const double buoy = buoyancy_per_km(z_km, t_K);
  const double k_m2ps = eddy_diffusion_m2ps(z_km);

  MajorState out{};
  out[kN2] = -dlnt - (above_100km ? species[kN2].mass_kg_per_kmol : m0_kg_per_kmol) * buoy;

  double n_n2 = 0.0;
  double n_mix = 0.0;
  double m_mix = m0_kg_per_kmol;
  if (k_m2ps > 0.0) {
    n_n2 = std::exp(ln_n[kN2]);
    const double n_o = std::exp(ln_n[kO]);
    const double n_o2 = std::exp(ln_n[kO2]);
    n_mix = n_n2 + n_o + n_o2;
    if (above_100km) {
      m_mix = (n_n2 * species[kN2].mass_kg_per_kmol + n_o * species[kO].mass_kg_per_kmol +
               n_o2 * species[kO2].mass_kg_per_kmol) /
              n_mix;
    }
  }
  for (std::size_t i = kO; i < num_major; ++i) {
    const SpeciesData& s = species[i];
    double f = dlnt + transport_per_km(s, z_km);
    const double diffusive = s.mass_kg_per_kmol * buoy + s.alpha * dlnt;
    if (k_m2ps > 0.0) {
      const double n_ref = (i == kO || i == kO2) ? n_n2 : n_mix;
      const double m_eddy = !above_100km
                                ? m0_kg_per_kmol
                                : ((i == kO || i == kO2) ? species[kN2].mass_kg_per_kmol : m_mix);
      const double d_m2ps = s.a_per_m_s * std::pow(t_K / 273.15, s.b) / n_ref;
      const double w = d_m2ps / (d_m2ps + k_m2ps);
      f += w * diffusive + (1.0 - w) * m_eddy * buoy;
    } else {
      f += diffusive;
    }
    out[i] = -f;
  }
  return out;
}

// dn(H)/dZ [1/(m^3 km)] from the hydrogen flux equation (section 1.3.2, K = 0 above 150 km):
//   phi = -D_H n_H [(1/n_H) dn_H/dZ + (1 + alpha_H)(1/T) dT/dZ + M_H g/(R* T)],
// D_H = a_H (T/273.15)^b_H / n with n the sum of the N2, O, O2, Ar and He number densities.
// This is the differential form of the standard's eq. for n(H) both below and above 500 km.
double hydrogen_rhs(double z_km, double n_major_per_m3, double n_h_per_m3) {
  const SpeciesData& s = species[kH];
  const double t_K = upper_temperature_K(z_km);
  const double dlnt = upper_temperature_slope_K_per_km(z_km) / t_K;
  const double d_m2ps = s.a_per_m_s * std::pow(t_K / 273.15, s.b) / n_major_per_m3;
  const double equilibrium =
      (1.0 + s.alpha) * dlnt + s.mass_kg_per_kmol * buoyancy_per_km(z_km, t_K);
  return -equilibrium * n_h_per_m3 - h_flux_per_m2_s / d_m2ps * 1000.0;
}

}  // namespace

Us76::Us76() {
  // ---- Below 86 km: layer constants, pressures chained from sea level (eqs. 33a, 33b) ----
  const double gmr = g0_mps2 * m0_kg_per_kmol / r_star_J_per_kmol_K;  // [K/m']
  double tm_K = t0_K;
  double p_Pa = p0_Pa;
  for (std::size_t b = 0; b < lower_.size(); ++b) {
    LowerLayer& layer = lower_[b];
    layer.base_h_m = layer_base_h_km[b] * 1000.0;
    layer.base_tm_K = tm_K;
    layer.lapse_Kpm = layer_lapse_K_per_km[b] / 1000.0;
    layer.base_p_Pa = p_Pa;
    layer.exponent = layer.lapse_Kpm != 0.0 ? gmr / layer.lapse_Kpm : 0.0;
    layer.isothermal_coef_pm = -gmr / tm_K;
    if (b + 1 < lower_.size()) {
      const double dh_m = (layer_base_h_km[b + 1] - layer_base_h_km[b]) * 1000.0;
      const double top_tm_K = tm_K + layer.lapse_Kpm * dh_m;
      p_Pa = layer.lapse_Kpm != 0.0 ? p_Pa * std::pow(tm_K / top_tm_K, layer.exponent)
                                    : p_Pa * std::exp(layer.isothermal_coef_pm * dh_m);
      tm_K = top_tm_K;
    }
  }

  // ---- 86 to 1000 km: RK4 on ln n_i of the five major species, every fine node stored ----
  std::vector<MajorState> major(num_fine_steps + 1);
  MajorState y{};
  for (std::size_t i = 0; i < num_major; ++i) y[i] = std::log(n_at_86km_per_m3[i]);
  major[0] = y;
  for (std::size_t k = 0; k < num_fine_steps; ++k) {
    const double z = fine_z_km(k);
    const double h = fine_z_km(k + 1) - z;
    const bool above_100km = z + 0.5 * h > 100.0;
    auto shifted = [&y](const MajorState& slope, double scale) {
      MajorState s = y;
      for (std::size_t i = 0; i < num_major; ++i) s[i] += scale * slope[i];
      return s;
    };
    const MajorState k1 = major_rhs(z, above_100km, y);
    const MajorState k2 = major_rhs(z + 0.5 * h, above_100km, shifted(k1, 0.5 * h));
    const MajorState k3 = major_rhs(z + 0.5 * h, above_100km, shifted(k2, 0.5 * h));
    const MajorState k4 = major_rhs(z + h, above_100km, shifted(k3, h));
    for (std::size_t i = 0; i < num_major; ++i) {
      y[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
    }
    major[k + 1] = y;
  }

  auto major_total = [&major](std::size_t k) {
    double n = 0.0;
    for (std::size_t i = 0; i < num_major; ++i) n += std::exp(major[k][i]);
    return n;
  };

  // ---- Hydrogen: RK4 with a doubled step (midpoints on fine nodes), from 500 km down to
  //      150 km and up to 1000 km; n(H) is filled on even fine nodes, which include every table
  //      node ----
  std::vector<double> n_h(num_fine_steps + 1, 0.0);
  auto hydrogen_step = [&](std::size_t k_from, std::size_t k_mid, std::size_t k_to, double n0) {
    const double step = fine_z_km(k_to) - fine_z_km(k_from);
    const double z0 = fine_z_km(k_from);
    const double zm = fine_z_km(k_mid);
    const double z1 = fine_z_km(k_to);
    const double s1 = hydrogen_rhs(z0, major_total(k_from), n0);
    const double s2 = hydrogen_rhs(zm, major_total(k_mid), n0 + 0.5 * step * s1);
    const double s3 = hydrogen_rhs(zm, major_total(k_mid), n0 + 0.5 * step * s2);
    const double s4 = hydrogen_rhs(z1, major_total(k_to), n0 + step * s3);
    return n0 + step / 6.0 * (s1 + 2.0 * s2 + 2.0 * s3 + s4);
  };
  n_h[k_500km] = h_reference_n_per_m3;
  for (std::size_t k = k_500km; k > k_150km; k -= 2) {
    n_h[k - 2] = hydrogen_step(k, k - 1, k - 2, n_h[k]);
  }
  for (std::size_t k = k_500km; k < num_fine_steps; k += 2) {
    n_h[k + 2] = hydrogen_step(k, k + 1, k + 2, n_h[k]);
  }

  // ---- Table nodes every 100 m: p = n k T, rho = sum n_i M_i / N_A, a = sqrt(1.4 R* T / M) ----
  // The standard does not define the speed of sound above 86 km; we use the ideal-gas value with
  // the mean molecular weight M of the computed composition, which meets the lower formula at
  // 86 km because M/M0 = T/T_M there.
  struct Node {
    double t_K, ln_p, ln_rho, a_mps;
  };
  std::vector<Node> nodes(num_table_nodes);
  for (std::size_t j = 0; j < num_table_nodes; ++j) {
    const std::size_t k = j * fine_per_table;
    const double z = fine_z_km(k);
    const double t_K = upper_temperature_K(z);
    double n_total = 0.0;
    double mass_sum = 0.0;  // sum n_i M_i [kg/kmol / m^3]
    for (std::size_t i = 0; i < num_major; ++i) {
      const double n_i = std::exp(major[k][i]);
      n_total += n_i;
      mass_sum += n_i * species[i].mass_kg_per_kmol;
    }
    if (k >= k_150km) {
      n_total += n_h[k];
      mass_sum += n_h[k] * species[kH].mass_kg_per_kmol;
    }
    const double mean_m = mass_sum / n_total;
    nodes[j].t_K = t_K;
    nodes[j].ln_p = std::log(n_total * boltzmann_J_per_K * t_K);
    nodes[j].ln_rho = std::log(mass_sum / avogadro_per_kmol);
    nodes[j].a_mps = std::sqrt(gamma_air * r_star_J_per_kmol_K * t_K / mean_m);
  }
  upper_.resize(num_table_nodes - 1);
  for (std::size_t j = 0; j + 1 < num_table_nodes; ++j) {
    const Node& lo = nodes[j];
    const Node& hi = nodes[j + 1];
    upper_[j] = UpperInterval{lo.t_K,    hi.t_K - lo.t_K,       lo.ln_p,  hi.ln_p - lo.ln_p,
                              lo.ln_rho, hi.ln_rho - lo.ln_rho, lo.a_mps, hi.a_mps - lo.a_mps};
  }
  const Node& top = nodes.back();
  top_ = AtmosphereState{top.t_K, std::exp(top.ln_p), std::exp(top.ln_rho), top.a_mps};
  top_dln_pressure_pm_ = upper_.back().d_ln_pressure / table_step_m;
  top_dln_density_pm_ = upper_.back().d_ln_density / table_step_m;
  // ln p on a 50-m grid below 86 km, from the closed form (see lower_at).
  for (double z = min_alt_m; z <= upper_base_alt_m + lower_table_step_m; z += lower_table_step_m) {
    lower_ln_p_.push_back(std::log(lower_at(z).pressure_Pa));
    // Hydrostatic slope in geopotential altitude times dH/dz; T_M from the layer.
    const double h_m = r0_m * z / (r0_m + z);
    std::size_t b = 0;
    while (b + 1 < lower_.size() && h_m >= lower_[b + 1].base_h_m) ++b;
    const double node_tm_K = lower_[b].base_tm_K + lower_[b].lapse_Kpm * (h_m - lower_[b].base_h_m);
    const double dh_dz = (r0_m / (r0_m + z)) * (r0_m / (r0_m + z));
    lower_dln_p_dz_.push_back(-g0_mps2 * m0_kg_per_kmol / (r_star_J_per_kmol_K * node_tm_K) *
                              dh_dz);
  }
}

AtmosphereState Us76::at(double geometric_alt_m) const noexcept {
  if (geometric_alt_m < upper_base_alt_m) {
    if (!(geometric_alt_m >= min_alt_m)) {
      if (std::isnan(geometric_alt_m)) {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        return AtmosphereState{nan, nan, nan, nan};
      }
      geometric_alt_m = min_alt_m;
    }
    return lower_at(geometric_alt_m, true);
  }
  if (geometric_alt_m <= max_alt_m) return upper_at(geometric_alt_m);
  if (std::isnan(geometric_alt_m)) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return AtmosphereState{nan, nan, nan, nan};
  }
  return above_table_at(geometric_alt_m);
}

AtmosphereState Us76::lower_at(double z_m, bool pressure_from_table) const noexcept {
  const double h_m = r0_m * z_m / (r0_m + z_m);
  // Layer by comparison: number of layer bases at or below H.
  const std::size_t b =
      static_cast<std::size_t>(h_m >= 11000.0) + static_cast<std::size_t>(h_m >= 20000.0) +
      static_cast<std::size_t>(h_m >= 32000.0) + static_cast<std::size_t>(h_m >= 47000.0) +
      static_cast<std::size_t>(h_m >= 51000.0) + static_cast<std::size_t>(h_m >= 71000.0);
  const LowerLayer& layer = lower_[b];
  const double dh_m = h_m - layer.base_h_m;
  const double tm_K = layer.base_tm_K + layer.lapse_Kpm * dh_m;
  double p_Pa = 0.0;
  if (pressure_from_table && !lower_ln_p_.empty()) {
    const double x = (z_m - min_alt_m) / lower_table_step_m;
    std::size_t i = static_cast<std::size_t>(x);
    if (i > lower_ln_p_.size() - 2) i = lower_ln_p_.size() - 2;
    const double f = x - static_cast<double>(i);
    // Cubic Hermite on [0, 1] with slopes scaled by the step.
    const double y0 = lower_ln_p_[i], y1 = lower_ln_p_[i + 1];
    const double m0 = lower_dln_p_dz_[i] * lower_table_step_m;
    const double m1 = lower_dln_p_dz_[i + 1] * lower_table_step_m;
    const double f2 = f * f, f3 = f2 * f;
    p_Pa = std::exp((2 * f3 - 3 * f2 + 1) * y0 + (f3 - 2 * f2 + f) * m0 + (-2 * f3 + 3 * f2) * y1 +
                    (f3 - f2) * m1);
  } else {
    p_Pa = layer.lapse_Kpm != 0.0
               ? layer.base_p_Pa * std::pow(layer.base_tm_K / tm_K, layer.exponent)
               : layer.base_p_Pa * std::exp(layer.isothermal_coef_pm * dh_m);
  }
  double t_K = tm_K;
  if (z_m > ratio_start_m) {
    // Kinetic temperature T = T_M * M/M0 between 80 and 86 km (eq. 22, table 8).
    const double x = (z_m - ratio_start_m) / ratio_step_m;
    std::size_t i = static_cast<std::size_t>(x);
    if (i > molecular_weight_ratio.size() - 2) i = molecular_weight_ratio.size() - 2;
    const double f = x - static_cast<double>(i);
    t_K *=
        molecular_weight_ratio[i] + f * (molecular_weight_ratio[i + 1] - molecular_weight_ratio[i]);
  }
  constexpr double rho_coef = m0_kg_per_kmol / r_star_J_per_kmol_K;
  constexpr double a2_coef = gamma_air * r_star_J_per_kmol_K / m0_kg_per_kmol;
  return AtmosphereState{t_K, p_Pa, p_Pa * rho_coef / tm_K, std::sqrt(a2_coef * tm_K)};
}

AtmosphereState Us76::upper_at(double z_m) const noexcept {
  constexpr double inv_step = 1.0 / table_step_m;
  const double x = (z_m - upper_base_alt_m) * inv_step;
  std::size_t i = static_cast<std::size_t>(x);
  if (i >= upper_.size()) i = upper_.size() - 1;
  const double f = x - static_cast<double>(i);
  const UpperInterval& c = upper_[i];
  return AtmosphereState{c.temperature_K + f * c.d_temperature_K,
                         std::exp(c.ln_pressure + f * c.d_ln_pressure),
                         std::exp(c.ln_density + f * c.d_ln_density),
                         c.speed_of_sound_mps + f * c.d_speed_of_sound_mps};
}

AtmosphereState Us76::above_table_at(double z_m) const noexcept {
  const double dz_m = z_m - max_alt_m;
  return AtmosphereState{
      top_.temperature_K, top_.pressure_Pa * std::exp(top_dln_pressure_pm_ * dz_m),
      top_.density_kgpm3 * std::exp(top_dln_density_pm_ * dz_m), top_.speed_of_sound_mps};
}

const Us76& us76() {
  static const Us76 instance;
  return instance;
}

}  // namespace launchmc::atmosphere
