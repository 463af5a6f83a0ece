// MPI for `mpirun -np R launchmc run ...` (issue 13): which rank this process is, and the few
// messages the ranks exchange. Built with -DLAUNCHMC_MPI=ON (world_mpi.cpp, Open MPI from
// Debian); the default build has world_serial.cpp: one rank, no MPI library linked.
//
// MPI is started only when an MPI launcher started this process (mpirun/mpiexec, or srun with a
// PMI plugin: they set OMPI_COMM_WORLD_SIZE, PMIX_RANK or PMI_RANK). A plain `launchmc ...` of an
// MPI build is then the same program as the default build's, with no MPI start-up cost, and as
// root it needs none of Open MPI's OMPI_ALLOW_RUN_AS_ROOT variables.
//
// How `run` uses the ranks (src/cli/mpi_run.hpp): rank r flies shard r of R; ranks 1..R-1 write
// their rows as shard files beside the output, rank 0 writes the run's file and feeds the other
// ranks' rows, in block order, to the single run's writer and reducers (a gather to rank 0).
#pragma once

#include <cstdint>
#include <string>

namespace launchmc::mpi {

struct World {
  int rank = 0;
  int size = 1;
};

// MPI for the lifetime of main(): MPI_Init_thread (MPI_THREAD_FUNNELED: only the main thread
// calls MPI; TBB's workers never do) if a launcher started this process, MPI_Finalize at the end.
class Session {
 public:
  Session(int& argc, char**& argv);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
};

// This process's rank and the number of ranks ({0, 1} without MPI or without a launcher).
World world() noexcept;
// Whether this launchmc was built with MPI; the library's version ("Open MPI v4.1.4, ...") or
// "no" (for --version).
bool built_with_mpi() noexcept;
std::string library_version();

// The collective check after every rank has prepared its run (config, plan, files): each rank
// says whether it failed; all learn the lowest failing rank (world().size if none failed), so
// that exactly one rank reports an error that all of them met (a bad config) and all stop.
int lowest_failing_rank(bool failed);

// How a rank's part of a run ended, sent to rank 0 (tag kDoneTag).
struct RankDone {
  std::uint64_t rows = 0;  // rows flown and written to the rank's shard file
  int interrupted_by = 0;  // 0, or the signal (SIGTERM, SIGINT) that stopped the rank early
};
void send_done(const RankDone& done);      // to rank 0
bool poll_done(int from, RankDone& done);  // one non-blocking attempt (MPI_Iprobe)
void sleep_briefly();                      // 50 ms
// Waits for `from`'s RankDone; polls `give_up` (e.g. this rank's own SIGTERM) every 50 ms and
// returns false, having received nothing, when it returns true.
template <typename GiveUp>
bool receive_done(int from, RankDone& done, GiveUp give_up) {
  for (;;) {
    if (poll_done(from, done)) return true;
    if (give_up()) return false;
    sleep_briefly();
  }
}

// Ends every rank of the job (MPI_Abort) with `status`; without MPI, std::exit.
[[noreturn]] void abort_all(int status);

}  // namespace launchmc::mpi
