// The MPI build's world (see world.hpp): Open MPI, or any MPI-3 library.
#include <mpi.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

#include "mpi/world.hpp"

namespace launchmc::mpi {

namespace {

constexpr int kRankTag = 4202;
constexpr int kStateTag = 4203;
// The largest piece of a byte string in one message (MPI counts are ints).
constexpr std::size_t kMaxPiece = std::size_t{1} << 30;
bool g_serialized = false;  // MPI_THREAD_SERIALIZED granted
bool g_started = false;     // MPI_Init_thread was called (and MPI_Finalize is due)
World g_world;

// Whether an MPI launcher started this process: mpirun/mpiexec of Open MPI set
// OMPI_COMM_WORLD_SIZE; PMIx launchers (srun --mpi=pmix, prterun) PMIX_RANK; PMI-1/2 launchers
// (MPICH's hydra, srun --mpi=pmi2) PMI_RANK.
bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(name) != nullptr) return true;
  return false;
}

void check(int status, const char* what) {
  if (status != MPI_SUCCESS) {
    std::array<char, MPI_MAX_ERROR_STRING> text{};
    int length = 0;
    MPI_Error_string(status, text.data(), &length);
    throw std::runtime_error(std::string(what) + ": " + std::string(text.data(), length));
  }
}

// launchmc's ranks exchange a few small messages a second, so the transport hardly matters to
// them, but its start-up does: Open MPI's default point-to-point layer on Debian probes UCX
// first, ~0.3 s of every rank's start on this machine. When every rank of the job is on this
// node (Open MPI says so in OMPI_COMM_WORLD_LOCAL_SIZE), ob1 over shared memory is what UCX
// would use anyway; ask for it unless the user chose a layer (OMPI_MCA_pml set: kept as is).
void prefer_shared_memory_on_one_node() {
  const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
  const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  if (size == nullptr || local == nullptr || std::string(size) != std::string(local)) return;
  ::setenv("OMPI_MCA_pml", "ob1", 0);
}

}  // namespace

Session::Session(int& argc, char**& argv) {
  if (!launched_by_mpi()) return;
  prefer_shared_memory_on_one_node();
  int provided = 0;
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided), "MPI_Init_thread");
  g_started = true;
  g_serialized = provided >= MPI_THREAD_SERIALIZED;
  if (provided < MPI_THREAD_FUNNELED) {
    MPI_Finalize();
    g_started = false;
    throw std::runtime_error("the MPI library does not provide MPI_THREAD_FUNNELED");
  }
  check(MPI_Comm_rank(MPI_COMM_WORLD, &g_world.rank), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &g_world.size), "MPI_Comm_size");
}

Session::~Session() {
  if (g_started) MPI_Finalize();
  g_started = false;
}

World world() noexcept { return g_world; }

bool built_with_mpi() noexcept { return true; }

std::string library_version() {
  std::array<char, MPI_MAX_LIBRARY_VERSION_STRING> text{};
  int length = 0;
  MPI_Get_library_version(text.data(), &length);
  std::string v(text.data(), static_cast<std::size_t>(length));
  const std::size_t end = v.find_first_of(",\n");  // "Open MPI v4.1.4, package: ..."
  return end == std::string::npos ? v : v.substr(0, end);
}

int lowest_failing_rank(bool failed) {
  if (!g_started) return failed ? 0 : 1;
  const int mine = failed ? g_world.rank : g_world.size;
  int lowest = g_world.size;
  check(MPI_Allreduce(&mine, &lowest, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
  return lowest;
}

void send_to_root(const RankMessage& m) {
  const std::array<std::uint64_t, 6> message = {
      static_cast<std::uint64_t>(m.kind),          m.begin, m.end, m.whole_part ? 1U : 0U, m.rows,
      static_cast<std::uint64_t>(m.interrupted_by)};
  check(MPI_Send(message.data(), static_cast<int>(message.size()), MPI_UINT64_T, 0, kRankTag,
                 MPI_COMM_WORLD),
        "MPI_Send");
}

bool messages_from_any_thread() noexcept { return g_serialized; }

bool poll_message(int from, RankMessage& m) {
  int arrived = 0;
  check(MPI_Iprobe(from, kRankTag, MPI_COMM_WORLD, &arrived, MPI_STATUS_IGNORE), "MPI_Iprobe");
  if (arrived == 0) return false;
  std::array<std::uint64_t, 6> message{};
  check(MPI_Recv(message.data(), static_cast<int>(message.size()), MPI_UINT64_T, from, kRankTag,
                 MPI_COMM_WORLD, MPI_STATUS_IGNORE),
        "MPI_Recv");
  m.kind = static_cast<RankMessage::Kind>(message[0]);
  if (m.kind != RankMessage::Kind::piece && m.kind != RankMessage::Kind::done)
    throw std::runtime_error("a rank sent a message of unknown kind (another launchmc version?)");
  m.begin = message[1];
  m.end = message[2];
  m.whole_part = message[3] != 0;
  m.rows = message[4];
  m.interrupted_by = static_cast<int>(message[5]);
  return true;
}

void all_min(std::span<double> values) {
  if (!g_started || values.empty()) return;
  check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE,
                      MPI_MIN, MPI_COMM_WORLD),
        "MPI_Allreduce");
}

void all_sum(std::span<std::uint64_t> values) {
  if (!g_started || values.empty()) return;
  check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_UINT64_T,
                      MPI_SUM, MPI_COMM_WORLD),
        "MPI_Allreduce");
}

void send_bytes_to_root(std::span<const std::byte> bytes) {
  const std::uint64_t size = bytes.size();
  check(MPI_Send(&size, 1, MPI_UINT64_T, 0, kStateTag, MPI_COMM_WORLD), "MPI_Send");
  for (std::size_t at = 0; at < bytes.size(); at += kMaxPiece) {
    const std::size_t n = std::min(kMaxPiece, bytes.size() - at);
    check(MPI_Send(bytes.data() + at, static_cast<int>(n), MPI_BYTE, 0, kStateTag, MPI_COMM_WORLD),
          "MPI_Send");
  }
}

std::vector<std::byte> receive_bytes(int from) {
  std::uint64_t size = 0;
  check(MPI_Recv(&size, 1, MPI_UINT64_T, from, kStateTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
        "MPI_Recv");
  std::vector<std::byte> bytes(static_cast<std::size_t>(size));
  for (std::size_t at = 0; at < bytes.size(); at += kMaxPiece) {
    const std::size_t n = std::min(kMaxPiece, bytes.size() - at);
    check(MPI_Recv(bytes.data() + at, static_cast<int>(n), MPI_BYTE, from, kStateTag,
                   MPI_COMM_WORLD, MPI_STATUS_IGNORE),
          "MPI_Recv");
  }
  return bytes;
}

void sleep_briefly() { std::this_thread::sleep_for(std::chrono::milliseconds(5)); }

void abort_all(int status) {
  if (g_started) MPI_Abort(MPI_COMM_WORLD, status);
  std::exit(status);
}

}  // namespace launchmc::mpi
