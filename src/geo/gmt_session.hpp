// A thin RAII wrapper over the GMT 6 C API (libgmt, Debian `libgmt-dev`): runs a GMT module with
// its output captured in memory (virtual files, nothing written to disk) and returns plain
// vectors. The land mask and the country polygons are read through it, so that GMT's own readers
// of the GSHHG and DCW files (formats private to GMT) do the decoding. No GMT header leaks out.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace launchmc::geo::gmt {

// One segment of a GMT data set: its header text (without "> ") and its vertices [deg].
struct Segment {
  std::string header;
  std::vector<double> lon_deg;
  std::vector<double> lat_deg;
};

// A pixel-registered grid: value(row, col) with row 0 at the south [deg].
struct Grid {
  double west_deg = 0, south_deg = 0, cell_deg = 1;
  std::size_t n_columns = 0, n_rows = 0;
  std::vector<float> values;  // row-major from the south
  float value(std::size_t row, std::size_t col) const { return values[row * n_columns + col]; }
};

// GMT keeps process-wide state: every user of the GMT API in launchmc (these functions, the map's
// figure session) holds this mutex while its session lives.
std::mutex& api_mutex();

// One GMT API session (GMT_Create_Session with NOEXIT: errors return codes instead of exiting;
// NOHISTORY: no gmt.history written in the working directory), destroyed with the object. GMT
// reports through a print callback without user data: its messages go to messages() (cleared
// when a session is created) and into the exceptions. Hold api_mutex() while it lives.
class Session {
 public:
  // `pad`: the boundary rows and columns GMT puts around grids. Throws std::runtime_error with
  // GMT's messages when the session cannot be created.
  explicit Session(unsigned pad = 0);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  void* api() const { return api_; }  // GMT's void* API pointer

  // What GMT printed since the session was created or the buffer last cleared.
  static std::string& messages();

 private:
  void* api_;
};

// Runs `gmt <module> <args>` writing a data set to memory (args must not name an output).
// Throws std::runtime_error with GMT's own messages when the module fails (e.g. a missing
// GSHHG or DCW file).
std::vector<Segment> run_to_dataset(const std::string& module, const std::string& args);

// Runs `gmt <module> <args> -G<memory>` writing a grid to memory.
Grid run_to_grid(const std::string& module, const std::string& args);

}  // namespace launchmc::geo::gmt
