// The modern-mode GMT figure (see gmt_figure.hpp).
#include "map/gmt_figure.hpp"

#include <fmt/format.h>
#include <gmt/gmt.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <random>
#include <stdexcept>

#include "geo/gmt_session.hpp"
#include "map/text.hpp"

namespace launchmc::map {

namespace {

// Sets an environment variable for the figure's lifetime and restores it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::filesystem::path make_private_directory() {
  namespace fs = std::filesystem;
  std::string pattern = (fs::temp_directory_path() / "launchmc-map-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("map: cannot create a temporary directory under " +
                             fs::temp_directory_path().string());
  return pattern;
}

}  // namespace

struct GmtFigure::Impl {
  std::unique_lock<std::mutex> lock{geo::gmt::api_mutex()};
  std::filesystem::path dir = make_private_directory();
  // GMT's modern mode keeps its session directory (gmt.conf, gmt.history, the PostScript being
  // drawn) under GMT_TMPDIR, named after GMT_SESSION_NAME: both point into the private directory.
  // GMT_USERDIR too, so that nothing is written to the user's ~/.gmt.
  ScopedEnv tmpdir{"GMT_TMPDIR", dir.string()};
  ScopedEnv session_name{"GMT_SESSION_NAME", "launchmc"};
  ScopedEnv userdir{"GMT_USERDIR", dir.string()};
  std::optional<geo::gmt::Session> session;  // created once the environment above is set
  bool begun = false, finished = false;

  ~Impl() {
    if (session) {
      if (begun && !finished) {
        // An abandoned figure: end the session quietly (nothing converted), then clean up.
        char args[] = "-Vq";
        GMT_Call_Module(session->api(), "end", GMT_MODULE_CMD, args);
      }
      session.reset();
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  void call(const std::string& module, const std::vector<std::string>& args) {
    std::vector<std::string> all = args;
    all.emplace_back("-Vq");  // quiet: only our exception carries GMT's messages
    std::vector<char*> argv;
    for (std::string& a : all) argv.push_back(a.data());
    geo::gmt::Session::messages().clear();
    if (GMT_Call_Module(session->api(), module.c_str(), static_cast<int>(argv.size()),
                        argv.data()) != GMT_NOERROR) {
      std::string command = "gmt " + module;
      for (const std::string& a : args) command += " " + a;
      throw std::runtime_error("map: GMT failed on '" + command +
                               "': " + geo::gmt::Session::messages());
    }
  }
};

GmtFigure::GmtFigure(double page_width_cm, double page_height_cm, int dpi)
    : impl_(std::make_unique<Impl>()) {
  // Pad 2: GMT's default for the modules' grids. The PNG is written into the private directory,
  // page-sized (not cropped) at `dpi`.
  try {
    impl_->session.emplace(2);
  } catch (const std::runtime_error&) {
    throw std::runtime_error("map: cannot create a GMT session: " + geo::gmt::Session::messages());
  }
  impl_->call("begin", {(impl_->dir / "map").string(), "png"});
  impl_->begun = true;
  // The page, and how `end` converts it (PS_CONVERT: psconvert's options; without A the page is
  // not cropped). Through the API, `begin`'s own conversion options are not applied and the page
  // would be landscape: both set here.
  impl_->call("set", {"PS_MEDIA", fmt::format("{}x{}", cm(page_width_cm), cm(page_height_cm)),
                      "PS_PAGE_ORIENTATION", "portrait", "PS_CONVERT", fmt::format("E{}", dpi),
                      "GMT_VERBOSE", "q", "PS_PAGE_COLOR", "white"});
}

GmtFigure::~GmtFigure() = default;

void GmtFigure::call(const std::string& module, const std::vector<std::string>& args) {
  if (impl_->finished) throw std::logic_error("map: GMT figure already finished");
  impl_->call(module, args);
}

std::filesystem::path GmtFigure::write_file(const std::string& name, const std::string& text) {
  const std::filesystem::path path = impl_->dir / name;
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("map: cannot write the temporary file " + path.string());
  return path;
}

std::filesystem::path GmtFigure::finish() {
  if (impl_->finished) throw std::logic_error("map: GMT figure already finished");
  impl_->call("end", {});
  impl_->finished = true;
  const std::filesystem::path png = impl_->dir / "map.png";
  if (!std::filesystem::exists(png))
    throw std::runtime_error("map: GMT wrote no PNG (is ghostscript installed?): " +
                             geo::gmt::Session::messages());
  return png;
}

}  // namespace launchmc::map
