// libFuzzer target: bytes -> a well-formed HDF5 run file with adversarial content (built by
// ../run_file_builder.hpp) -> RunFileReader and summarize_run_file. See ../harness.hpp.
#include "../harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  launchmc::fuzz::run_file_input(data, size);
  return 0;
}
