// The flight sequencer's seams: the body table (names, classes, drag, weight, release masses from
// the vehicle's mass budget), step observers attached from outside (they see the vehicle's
// trajectory and change nothing), and the failure effect applied by its overload.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "config/load_scenario.hpp"
#include "flight/flight.hpp"

namespace launchmc::flight {
namespace {

const std::string kConfig = std::string(LAUNCHMC_CONFIG_DIR) + "/chollima1_2023.yaml";

TEST(Sequencer, BodyTableNamesClassesDragAndMasses) {
  const Scenario sc = config::load_scenario_file(kConfig);
  const FlightResult r = fly(sc);
  const auto& v = sc.vehicle;
  std::set<std::string> names;
  int fairing_pieces = 0;
  for (const BodyResult& b : r.bodies) {
    EXPECT_TRUE(names.insert(b.name.str()).second) << "duplicate " << b.name.str();
    EXPECT_EQ(b.weight, 1.0);
    if (b.body_class == kFairingPieceClass) {
      ++fairing_pieces;
      EXPECT_EQ(b.drag, &v.fairing->drag);
      // Each piece carries its share of the fairing: the mass budget splits evenly.
      EXPECT_EQ(b.release_state[6], v.fairing->mass_kg / v.fairing->pieces);
      EXPECT_EQ(b.name.str(), "fairing_" + std::to_string(fairing_pieces));
    } else {
      ASSERT_EQ(b.body_class, kSpentStageClass) << b.name.str();
      bool found = false;
      for (const auto& st : v.stages) {
        if (b.name == st.name) {
          found = true;
          EXPECT_EQ(b.drag, &st.spent_drag);
          // A spent stage separates with its dry mass and what propellant is left, never more
          // than dry + loaded, never less than dry.
          EXPECT_GE(b.release_state[6], st.dry_mass_kg - 1e-6);
          EXPECT_LE(b.release_state[6], st.dry_mass_kg + st.propellant_mass_kg + 1e-6);
        }
      }
      EXPECT_TRUE(found) << b.name.str();
    }
  }
  EXPECT_EQ(fairing_pieces, v.fairing->pieces);
  EXPECT_EQ(names.count("stage1"), 1u);
  EXPECT_EQ(names.count("stage2"), 1u);
  // Event names come from the table: "<body>_impact".
  bool named = false;
  for (const auto& e : r.events)
    if (e.kind == EventKind::impact && e.index >= 0)
      named = named || event_name(sc, r, e) == "fairing_2_impact";
  EXPECT_TRUE(named);
}

// Counts the vehicle's steps and checks that they tile time without gaps or overlaps.
class StepCounter final : public StepObserver {
 public:
  void segment(const PhaseForces*, bool powered) override {
    ++segments;
    if (powered) ++powered_segments;
  }
  void step(const DenseStep<7>& d, double t_stop) override {
    ++steps;
    if (steps > 1 && std::abs(d.t0 - last_stop) > 1e-9) ++gaps;
    last_stop = t_stop;
  }
  void point(double, const State&) override { ++points; }
  int segments = 0, powered_segments = 0, steps = 0, gaps = 0, points = 0;
  double last_stop = 0.0;
};

TEST(Sequencer, AttachedObserversSeeTheVehicleAndChangeNothing) {
  const Scenario sc = config::load_scenario_file(kConfig);
  const FlightResult plain = fly(sc);
  StepCounter counter;
  StepObserver* extra[] = {&counter};
  FlightResult observed;
  FlightWorkspace ws;
  fly(sc, SampleDraws{}, observed, ws, nullptr, extra);
  ASSERT_TRUE(plain.insertion && observed.insertion);
  EXPECT_EQ(plain.insertion->elements.semi_major_axis_m,
            observed.insertion->elements.semi_major_axis_m);
  EXPECT_EQ(plain.max_q_Pa, observed.max_q_Pa);
  EXPECT_EQ(plain.events.size(), observed.events.size());
  EXPECT_GT(counter.steps, 100);
  EXPECT_EQ(counter.gaps, 0);      // consecutive steps join up
  EXPECT_GT(counter.segments, 5);  // staging, ignition, guidance updates restart the integration
  EXPECT_EQ(counter.powered_segments, counter.segments);  // an orbital flight ends powered
  // Every vehicle event was shown to the observer as a point (bodies' events are not its own).
  int vehicle_events = 0;
  for (const auto& e : observed.events)
    if (!(e.kind == EventKind::impact && e.index >= 0) && e.kind != EventKind::max_q)
      ++vehicle_events;
  EXPECT_EQ(counter.points, vehicle_events);
  // The attached observer's steps end where the flight ends.
  EXPECT_NEAR(counter.last_stop, observed.insertion->t_s, 1e-6);
}

TEST(Sequencer, EngineShutdownEndsPoweredFlightAtItsTime) {
  const Scenario sc = config::load_scenario_file(kConfig);
  SampleDraws draws;
  draws.failure.mode = 0;
  draws.failure.stage = 1;
  draws.failure.time_after_ignition_s = 3.0;
  draws.failure.effect = EngineShutdown{};
  const FlightResult r = fly(sc, draws);
  EXPECT_EQ(r.failure_mode, 0);
  EXPECT_EQ(r.powered_flight_end, PoweredFlightEnd::engine_failure);
  EXPECT_EQ(r.status, FlightStatus::crash);
  double ignition = -1, failure = -1;
  for (const auto& e : r.events) {
    if (e.kind == EventKind::ignition && e.index == 1) ignition = e.t_s;
    if (e.kind == EventKind::engine_failure) {
      EXPECT_EQ(e.index, 1);
      failure = e.t_s;
    }
  }
  ASSERT_GE(ignition, 0.0);
  EXPECT_NEAR(failure - ignition, 3.0, 1e-9);
  // The stack falls intact: no second stage released, nothing above it either.
  for (const auto& b : r.bodies)
    EXPECT_FALSE(b.name == "stage2") << "stage2 released after its failure";
}

}  // namespace
}  // namespace launchmc::flight
