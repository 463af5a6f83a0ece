// The default build's world (see world.hpp): one rank, no MPI library.
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "mpi/world.hpp"

namespace launchmc::mpi {

Session::Session(int& /*argc*/, char**& /*argv*/) {}
Session::~Session() = default;

World world() noexcept { return {}; }

bool built_with_mpi() noexcept { return false; }

std::string library_version() { return "no"; }

int lowest_failing_rank(bool failed) { return failed ? 0 : 1; }

void send_to_root(const RankMessage& /*message*/) {
  throw std::logic_error("mpi::send_to_root: this launchmc was built without MPI");
}

bool messages_from_any_thread() noexcept { return false; }

bool poll_message(int /*from*/, RankMessage& /*message*/) {
  throw std::logic_error("mpi::poll_message: this launchmc was built without MPI");
}

void all_min(std::span<double> /*values*/) {}  // one rank: its own values
void all_sum(std::span<std::uint64_t> /*values*/) {}

void send_bytes_to_root(std::span<const std::byte> /*bytes*/) {
  throw std::logic_error("mpi::send_bytes_to_root: this launchmc was built without MPI");
}

std::vector<std::byte> receive_bytes(int /*from*/) {
  throw std::logic_error("mpi::receive_bytes: this launchmc was built without MPI");
}

void sleep_briefly() { std::this_thread::sleep_for(std::chrono::milliseconds(5)); }

void abort_all(int status) { std::exit(status); }

}  // namespace launchmc::mpi
