// MPI for `mpirun -np R launchmc run ...` (issue 13): which rank this process is, and the few
// messages the ranks exchange. Built with -DLAUNCHMC_MPI=ON (world_mpi.cpp, Open MPI from
// Debian); the default build has world_serial.cpp: one rank, no MPI library linked.
//
// MPI is started only when an MPI launcher started this process (mpirun/mpiexec, or srun with a
// PMI plugin: they set OMPI_COMM_WORLD_SIZE, PMIX_RANK or PMI_RANK). A plain `launchmc ...` of an
// MPI build is then the same program as the default build's, with no MPI start-up cost, and as
// root it needs none of Open MPI's OMPI_ALLOW_RUN_AS_ROOT variables.
//
// How `run` uses the ranks (src/cli/mpi_run.hpp): rank r flies a contiguous range of blocks;
// ranks 1..R-1 write their rows as checkpoint chunks beside the output and announce each (the
// messages below), rank 0 writes the run's file and feeds the other
// ranks' rows, in block order, to the single run's writer and reducers (a gather to rank 0).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace launchmc::mpi {

struct World {
  int rank = 0;
  int size = 1;
};

// MPI for the lifetime of main(): MPI_Init_thread if a launcher started this process,
// MPI_Finalize at the end. It asks for MPI_THREAD_SERIALIZED (a rank's run-file sink, which runs
// on whichever TBB thread takes the pipeline's serial stage, tells rank 0 of each finished
// chunk) and needs at least MPI_THREAD_FUNNELED (then those messages wait for the main thread).
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

// What ranks 1..R-1 tell rank 0 while they fly (tag kRankTag, in the order sent: MPI does not
// reorder messages of one sender and tag), so that rank 0 writes their rows while they still fly
// (src/cli/mpi_run.hpp):
// - a piece: the blocks [begin, end) of the plan are complete in a file rank 0 can read (a chunk
//   of the rank's checkpoint, or its whole shard file: `whole_part`);
// - done: how the rank's part ended.
struct RankMessage {
  enum class Kind : std::uint64_t { piece = 1, done = 2 };
  Kind kind = Kind::done;
  std::uint64_t begin = 0, end = 0;  // piece: the blocks
  bool whole_part = false;           // piece: the rank's shard file (else a checkpoint chunk)
  std::uint64_t rows = 0;            // done: rows of the rank's part in its pieces
  int interrupted_by = 0;  // done: 0, or the signal (SIGTERM, SIGINT) that stopped the rank early
};
// To rank 0. From any one thread at a time if messages_from_any_thread(), else from the thread
// that started MPI only.
void send_to_root(const RankMessage& message);
bool messages_from_any_thread() noexcept;  // MPI_THREAD_SERIALIZED was granted
// One non-blocking attempt (MPI_Iprobe) to receive `from`'s next message.
bool poll_message(int from, RankMessage& message);
void sleep_briefly();  // 5 ms
// Waits for `from`'s next message; polls `give_up` (e.g. this rank's own SIGTERM) between tries
// and returns false, having received nothing, when it returns true.
template <typename GiveUp>
bool receive_message(int from, RankMessage& message, GiveUp give_up) {
  for (;;) {
    if (poll_message(from, message)) return true;
    if (give_up()) return false;
    sleep_briefly();
  }
}

// For `risk` over the ranks (src/cli/mpi_risk.hpp): collectives that every rank makes, and the
// partial maps' states sent to rank 0.
// - all_min, all_sum: the element-wise minimum (sum) of every rank's `values`, in place on every
//   rank (exact: a minimum and an integer sum do not depend on the order they are taken in).
// - send_bytes_to_root: rank r > 0 sends rank 0 a byte string (a reducer's saved state,
//   engine/state_buffer.hpp) on its own tag, kStateTag; receive_bytes: rank 0 waits for rank
//   `from`'s next one. Strings of any length (sent in pieces below MPI's int count).
void all_min(std::span<double> values);
void all_sum(std::span<std::uint64_t> values);
void send_bytes_to_root(std::span<const std::byte> bytes);
std::vector<std::byte> receive_bytes(int from);

// Ends every rank of the job (MPI_Abort) with `status`; without MPI, std::exit.
[[noreturn]] void abort_all(int status);

}  // namespace launchmc::mpi
