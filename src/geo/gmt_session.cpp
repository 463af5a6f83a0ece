// The GMT C API wrapper (see gmt_session.hpp).
#include "geo/gmt_session.hpp"

#include <gmt/gmt.h>

#include <cstdio>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace launchmc::geo::gmt {

// One GMT session at a time: GMT keeps process-wide state (and the callback below is global).
std::mutex& api_mutex() {
  static std::mutex m;
  return m;
}

std::string& Session::messages() {
  static std::string messages;
  return messages;
}

namespace {

int capture_message(FILE*, const char* message) {
  Session::messages() += message;
  return 0;
}

}  // namespace

Session::Session(unsigned pad) {
  messages().clear();
  api_ = GMT_Create_Session("launchmc", pad, GMT_SESSION_NOEXIT | GMT_SESSION_NOHISTORY,
                            capture_message);
  if (api_ == nullptr) throw std::runtime_error("GMT: cannot create a session: " + messages());
}

Session::~Session() { GMT_Destroy_Session(api_); }

namespace {

class VirtualFile {
 public:
  VirtualFile(const Session& session, unsigned family, unsigned geometry) : api_(session.api()) {
    if (GMT_Open_VirtualFile(
            api_, family, geometry,
            static_cast<unsigned>(GMT_OUT) | static_cast<unsigned>(GMT_IS_REFERENCE), nullptr,
            name_) != GMT_NOERROR) {
      throw std::runtime_error("GMT: cannot open a virtual file: " + Session::messages());
    }
  }
  ~VirtualFile() { GMT_Close_VirtualFile(api_, name_); }
  VirtualFile(const VirtualFile&) = delete;
  VirtualFile& operator=(const VirtualFile&) = delete;
  const char* name() const { return name_; }

 private:
  void* api_;
  char name_[GMT_VF_LEN] = {};
};

void call_module(const Session& session, const std::string& module, const std::string& args) {
  if (GMT_Call_Module(session.api(), module.c_str(), GMT_MODULE_CMD,
                      const_cast<char*>(args.c_str())) != GMT_NOERROR) {
    throw std::runtime_error("GMT module '" + module + " " + args +
                             "' failed: " + Session::messages());
  }
}

}  // namespace

std::vector<Segment> run_to_dataset(const std::string& module, const std::string& args) {
  std::lock_guard lock(api_mutex());
  Session session;
  VirtualFile out(session, GMT_IS_DATASET, GMT_IS_LINE);
  call_module(session, module, args + " ->" + out.name());
  auto* data = static_cast<GMT_DATASET*>(GMT_Read_VirtualFile(session.api(), out.name()));
  if (data == nullptr)
    throw std::runtime_error("GMT: no output from " + module + ": " + Session::messages());
  std::vector<Segment> segments;
  for (uint64_t t = 0; t < data->n_tables; ++t) {
    const GMT_DATATABLE* table = data->table[t];
    for (uint64_t s = 0; s < table->n_segments; ++s) {
      const GMT_DATASEGMENT* seg = table->segment[s];
      // coast -M also lists bins whose pieces lie outside -R: headers without points.
      if (seg->n_rows == 0 || seg->n_columns < 2 || seg->data == nullptr) continue;
      Segment out_seg;
      if (seg->header != nullptr) out_seg.header = seg->header;
      out_seg.lon_deg.assign(seg->data[0], seg->data[0] + seg->n_rows);
      out_seg.lat_deg.assign(seg->data[1], seg->data[1] + seg->n_rows);
      segments.push_back(std::move(out_seg));
    }
  }
  GMT_Destroy_Data(session.api(), &data);
  return segments;
}

Grid run_to_grid(const std::string& module, const std::string& args) {
  std::lock_guard lock(api_mutex());
  Session session;  // pad 0: the grid comes back without GMT's boundary rows
  VirtualFile out(session, GMT_IS_GRID, GMT_IS_SURFACE);
  call_module(session, module, args + " -G" + out.name());
  auto* grid = static_cast<GMT_GRID*>(GMT_Read_VirtualFile(session.api(), out.name()));
  if (grid == nullptr)
    throw std::runtime_error("GMT: no grid from " + module + ": " + Session::messages());
  const GMT_GRID_HEADER* h = grid->header;
  Grid result;
  result.west_deg = h->wesn[0];
  result.south_deg = h->wesn[2];
  result.cell_deg = h->inc[0];
  result.n_columns = h->n_columns;
  result.n_rows = h->n_rows;
  result.values.resize(result.n_columns * result.n_rows);
  for (std::size_t row = 0; row < result.n_rows; ++row) {
    // GMT's row 0 is the north row.
    const int gmt_row = static_cast<int>(result.n_rows - 1 - row);
    for (std::size_t col = 0; col < result.n_columns; ++col) {
      result.values[row * result.n_columns + col] =
          grid->data[GMT_Get_Index(session.api(), grid->header, gmt_row, static_cast<int>(col))];
    }
  }
  GMT_Destroy_Data(session.api(), &grid);
  return result;
}

}  // namespace launchmc::geo::gmt
