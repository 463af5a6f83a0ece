// libFuzzer target: config text (+ "#%set" overrides) -> config::load_config. See ../harness.hpp.
#include "../harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  launchmc::fuzz::config_input(data, size);
  return 0;
}
