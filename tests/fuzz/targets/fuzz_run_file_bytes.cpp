// libFuzzer target: bytes -> an HDF5 file -> RunFileReader and summarize_run_file. Also fuzzes
// libhdf5 itself (not instrumented, with known hangs on damaged metadata): by hand, not in CI.
#include "../harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  launchmc::fuzz::run_file_bytes_input(data, size);
  return 0;
}
