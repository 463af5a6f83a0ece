// `mpirun -np R launchmc risk RUN` and the risk: section of `mpirun -np R launchmc run` (issue 13):
// the ranks share the passes over the run file's rows (io::RiskTeam). Rank r reads the r-th of R
// contiguous row ranges, the impacts' boxes are united on every rank (MPI_Allreduce: a minimum is
// exact), and ranks 1..R-1 send rank 0 their risk reducer's state (and their IIP corridor's),
// which rank 0 restores and merges in rank order before it alone finishes, writes and prints. The
// states are exact, so the maps are the single process's bit for bit, for any R.
//
// Errors: each collective step first asks whether any rank failed (mpi::lowest_failing_rank), the
// same question a failing rank's report_failure asks in the `preparing` phase, so a bad input
// (met by every rank alike) is reported once, by the lowest rank, and every rank stops.
#pragma once

#include <stdexcept>
#include <vector>

#include "io/risk_file.hpp"
#include "mpi/world.hpp"

namespace launchmc::cli {

// Thrown on a rank whose peers failed (the lowest failing rank said why): exit quietly.
class PeersFailed : public std::runtime_error {
 public:
  PeersFailed() : std::runtime_error("another rank failed") {}
};

class MpiRiskTeam final : public io::RiskTeam {
 public:
  explicit MpiRiskTeam(mpi::World world) : world_(world) {}
  int member() const override { return world_.rank; }
  int members() const override { return world_.size; }
  io::ImpactBox unite(const io::ImpactBox& mine) override;
  std::vector<engine::StateBuffer> gather(const engine::StateBuffer& mine) override;

 private:
  mpi::World world_;
};

// `run` under mpirun before its risk: section: every rank says whether its part of the run ended
// well (rank 0: OUT is written); true when all did, and the ranks then map OUT together.
bool ranks_ready_to_map(bool ended_well);

}  // namespace launchmc::cli
