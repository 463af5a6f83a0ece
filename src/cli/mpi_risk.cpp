// The ranks' share of a risk computation (mpi_risk.hpp).
#include "cli/mpi_risk.hpp"

#include <array>

#include "cli/mpi_run.hpp"

namespace launchmc::cli {

namespace {

// The collective check that opens each step: throws PeersFailed when a rank failed before it.
void check_peers(mpi::World world) {
  if (mpi::lowest_failing_rank(false) != world.size) {
    rank_phase() = RankPhase::alone;  // the failing rank has reported; nothing more is collective
    throw PeersFailed();
  }
}

}  // namespace

io::ImpactBox MpiRiskTeam::unite(const io::ImpactBox& mine) {
  check_peers(world_);
  // Maxima as minima of the negated values: one collective for the four edges.
  std::array<double, 4> edges = {mine.lat0_deg, -mine.lat1_deg, mine.lon0_deg, -mine.lon1_deg};
  mpi::all_min(edges);
  std::array<std::uint64_t, 1> impacts = {mine.impacts};
  mpi::all_sum(impacts);
  return {edges[0], -edges[1], edges[2], -edges[3], impacts[0]};
}

std::vector<engine::StateBuffer> MpiRiskTeam::gather(const engine::StateBuffer& mine) {
  check_peers(world_);
  // Every rank passed the check and sends or receives now: an error here cannot be reported
  // collectively any more (a sender may wait on rank 0), so it stops every rank.
  rank_phase() = RankPhase::flying;
  std::vector<engine::StateBuffer> states;
  if (world_.rank != 0) {
    mpi::send_bytes_to_root(mine.bytes());
  } else {
    for (int r = 1; r < world_.size; ++r)
      states.push_back(engine::StateBuffer::from_bytes(mpi::receive_bytes(r)));
  }
  // The other ranks are done after this step: what follows is rank 0's alone.
  rank_phase() = RankPhase::alone;
  return states;
}

bool ranks_ready_to_map(bool ended_well) {
  return mpi::lowest_failing_rank(!ended_well) == mpi::world().size;
}

}  // namespace launchmc::cli
