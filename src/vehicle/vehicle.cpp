// Mass properties and burn durations of the vehicle description.
#include "vehicle/vehicle.hpp"

#include <cmath>
#include <limits>

namespace launchmc::vehicle {

double Engine::nominal_burn_time_s(double propellant_mass_kg) const {
  if (!solid())
    return propellant_mass_kg * isp_vac_s * constants::g0_mps2 / (thrust_scale * thrust_vac_N);
  // Solid: walk the thrust table until the consumed mass reaches the load. The mass flow is the
  // table's at the stated Isp, scaled by the load ratio (see Stage::load_factor), so a load
  // that matches the table burns out at its end whatever the Isp.
  const auto& t = thrust_curve_vac_N.x();
  const double load_ratio =
      curve_propellant_mass_kg > 0.0 ? propellant_mass_kg / curve_propellant_mass_kg : 1.0;
  const double exhaust_mps = stated_isp_vac_s() * constants::g0_mps2 / load_ratio;
  double used_kg = 0.0;
  for (std::size_t i = 1; i < t.size(); ++i) {
    const double seg_kg = thrust_curve_vac_N.integral(t[i - 1], t[i]) / exhaust_mps;
    if (used_kg + seg_kg >= propellant_mass_kg) {
      // Bisection inside the segment: the thrust is linear there, so this converges fast.
      double lo = t[i - 1], hi = t[i];
      for (int it = 0; it < 60; ++it) {
        const double mid = 0.5 * (lo + hi);
        const double m = used_kg + thrust_curve_vac_N.integral(t[i - 1], mid) / exhaust_mps;
        (m < propellant_mass_kg ? lo : hi) = mid;
      }
      return 0.5 * (lo + hi) / thrust_scale;
    }
    used_kg += seg_kg;
  }
  return t.back() / thrust_scale;
}

double Vehicle::stack_mass_kg(std::size_t first_stage, bool with_fairing) const {
  double m = payload.mass_kg;
  for (std::size_t k = first_stage; k < stages.size(); ++k)
    m += stages[k].dry_mass_kg + stages[k].propellant_mass_kg;
  if (with_fairing && fairing) m += fairing->mass_kg;
  return m;
}

}  // namespace launchmc::vehicle
