// SIGINT and SIGTERM (Ctrl-C, and what a batch scheduler sends before it kills a job) as a flag
// that a long run polls, so that it can stop at a block boundary, keep what it finished and say so.
#pragma once

#include <atomic>

namespace launchmc::cli {

// Installs the handlers. The first signal sets the flag and restores the default action, so a
// second one ends the process at once.
void install_interrupt_handlers();
const std::atomic<bool>& interrupt_flag() noexcept;
// The signal that set the flag (0: none) and its name ("SIGINT", "SIGTERM").
int interrupt_signal() noexcept;
const char* interrupt_signal_name() noexcept;

}  // namespace launchmc::cli
