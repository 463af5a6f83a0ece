// One validation of a model, wherever it was built (Ceres' Solver::Options::IsValid style): after
// a config is read, after --set, and on every drawn Monte Carlo sample. Every number against the
// range its schema declares (scenario/schema_fields.hpp), then the cross-field rules a flyable
// vehicle needs (thrust-to-weight above 1, orderings, a guidance target's consistency).
#pragma once

#include "scenario/schema.hpp"
#include "scenario/study.hpp"

namespace launchmc {

// True if `scenario` is valid. Otherwise false and, if `problem` is given, the first problem
// found ("vehicle.stages[1].propellant_mass_kg = -3: must be > 0"). On a valid model it neither
// allocates nor throws: it runs in the per-sample hot loop.
bool validate(const Scenario& scenario, schema::Problem* problem = nullptr);

// The model, then the study's failure modes: their ranges, windows and total probability.
bool validate(const Study& study, schema::Problem* problem = nullptr);

}  // namespace launchmc
