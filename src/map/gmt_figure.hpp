// One PNG figure drawn by GMT 6 in modern mode through its C API (libgmt): begin, figure, the
// drawing modules, end. Everything GMT writes (its session directory with gmt.conf and history,
// the PostScript, the data files given to modules, the PNG) lives in a private temporary
// directory that is removed when the figure is destroyed; GMT's console messages are captured,
// never printed, and come back in the exception when a module fails.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace launchmc::map {

class GmtFigure {
 public:
  // A page of page_width_cm x page_height_cm (not cropped: the PNG is exactly that size at `dpi`,
  // so a point's pixel follows from its page position). Throws std::runtime_error when the
  // directory or the session cannot be created.
  GmtFigure(double page_width_cm, double page_height_cm, int dpi);
  ~GmtFigure();
  GmtFigure(const GmtFigure&) = delete;
  GmtFigure& operator=(const GmtFigure&) = delete;

  // Runs `gmt <module> <args...>` (each element one argument: no shell quoting needed). Throws
  // std::runtime_error with the command and GMT's messages if the module fails.
  void call(const std::string& module, const std::vector<std::string>& args);
  // Writes `text` to a file of the private directory (data tables, legend specifications,
  // colour tables) and returns its path.
  std::filesystem::path write_file(const std::string& name, const std::string& text);
  // Ends the figure: GMT converts it to PNG (ghostscript). Returns the PNG's path in the private
  // directory (valid until the figure is destroyed). Once only.
  std::filesystem::path finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace launchmc::map
