// The flight-termination rules of scenario.range_safety as the flight checks them: each rule's
// margin at a point of the trajectory, > 0 while the rule holds and <= 0 once it is broken,
// continuous along the trajectory inside the rule's window so that the integrator's event
// locator finds the time it breaks (the sequencer's StateEvent::termination_rule). Also the
// nominal track the deviation limits are measured against.
#pragma once

#include <cstddef>

#include "flight/flight.hpp"

namespace launchmc::flight {

// A margin that says "nothing to check here" (outside the window, no IIP, past the nominal
// track): any positive number serves; 1 keeps the event functions' values of one scale.
inline constexpr double kRuleSatisfied = 1.0;

// Corridor: the signed distance of the IIP from the polygon's boundary in the (lon, lat) plane
// [deg] (geo::polygon_margin_deg), capped at kRuleSatisfied; kRuleSatisfied without an IIP.
double corridor_margin(const Environment& env, const IipCorridorRule& rule, double site_lon_deg,
                       double t_s, const State& y) noexcept;

// Deviation: min over the rule's limits of 1 - |deviation| / limit [-] against the nominal
// state at the same time (interpolated from `nominal`); kRuleSatisfied past the track.
double deviation_margin(const Environment& env, const DeviationRule& rule,
                        const NominalTrack& nominal, double t_s, const State& y) noexcept;

// The smallest margin of the rules in force at t_s (each inside its window), and in `which` the
// rule that has it (RangeSafety order; unchanged when no rule is in force). kRuleSatisfied when
// none is. Deviation limits need `nominal` (null: they do not apply).
double range_safety_margin(const Environment& env, const Scenario& model,
                           const NominalTrack* nominal, double t_s, const State& y,
                           std::size_t* which = nullptr) noexcept;

}  // namespace launchmc::flight
