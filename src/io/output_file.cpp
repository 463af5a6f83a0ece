// Temporaries, partial files and output-path checks (see output_file.hpp).
#include "io/output_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace launchmc::io {

namespace fs = std::filesystem;

namespace {

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  // '-' separates host and PID in the name; a host name keeps its own '-' (the PID is parsed from
  // the last one).
  return buf;
}

bool process_alive(long pid) {
  if (pid <= 0) return false;
  if (::kill(static_cast<pid_t>(pid), 0) == 0) return true;
  return errno == EPERM;  // exists, owned by someone else
}

// Flushes a file's (or a directory's) data and metadata to the storage device.
void fsync_path(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) {
    throw std::runtime_error(fmt::format("cannot open {} to fsync: {}", path.string(),
                                         std::system_category().message(errno)));
  }
  const int status = ::fsync(fd);
  const int saved_errno = errno;
  ::close(fd);
  if (status != 0) {
    throw std::runtime_error(fmt::format("cannot fsync {}: {}", path.string(),
                                         std::system_category().message(saved_errno)));
  }
}

}  // namespace

fs::path temporary_path(const fs::path& final_path) {
  fs::path p = final_path;
  p += fmt::format(".tmp-{}-{}", host_name(), static_cast<long>(::getpid()));
  return p;
}

fs::path partial_path(const fs::path& final_path) {
  fs::path p = final_path;
  p += ".partial";
  return p;
}

void check_output_path(const fs::path& output, std::string_view option,
                       const std::vector<fs::path>& inputs) {
  const auto refuse = [&](const std::string& why) {
    throw std::invalid_argument(fmt::format("{} {}: {}", option, output.string(), why));
  };
  if (output.empty()) refuse("empty path");
  std::error_code ec;
  const fs::file_status st = fs::status(output, ec);
  if (fs::is_directory(st)) refuse("is a directory (give a file name)");
  if (fs::exists(st) && !fs::is_regular_file(st)) refuse("exists and is not a regular file");
  if (!output.has_filename()) refuse("not a file name");
  const fs::path parent = output.parent_path();  // created if missing, but not over a file
  if (!parent.empty() && fs::exists(parent, ec) && !fs::is_directory(parent, ec))
    refuse(fmt::format("'{}' is not a directory", parent.string()));
  for (const auto& in : inputs) {
    const bool same = fs::exists(st)
                          ? fs::equivalent(output, in, ec)
                          : fs::weakly_canonical(output, ec) == fs::weakly_canonical(in, ec);
    if (same)
      refuse(fmt::format("is the input file '{}' of this command: it would be overwritten",
                         in.string()));
  }
}

std::vector<StaleTemporary> clean_stale_temporaries(const fs::path& final_path) {
  std::vector<StaleTemporary> found;
  std::error_code ec;
  const fs::path dir = final_path.parent_path().empty() ? fs::path(".") : final_path.parent_path();
  const std::string prefix = final_path.filename().string() + ".tmp-";
  const std::string me = host_name();
  fs::directory_iterator it(dir, ec);
  if (ec) return found;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const std::string name = it->path().filename().string();
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string tail = name.substr(prefix.size());  // HOST-PID or PID
    const std::size_t dash = tail.rfind('-');
    StaleTemporary t;
    t.path = final_path.parent_path() / name;  // as the user named it (no "./")
    const std::string pid_text = dash == std::string::npos ? tail : tail.substr(dash + 1);
    t.host = dash == std::string::npos ? std::string() : tail.substr(0, dash);
    const auto [end, perr] =
        std::from_chars(pid_text.data(), pid_text.data() + pid_text.size(), t.pid);
    if (perr != std::errc() || end != pid_text.data() + pid_text.size()) continue;  // not ours
    const bool this_host = t.host.empty() || t.host == me;
    if (this_host && !process_alive(t.pid)) {
      std::error_code rec;
      t.removed = fs::remove(t.path, rec) && !rec;
    }
    found.push_back(std::move(t));
  }
  return found;
}

std::string describe(const std::vector<StaleTemporary>& found) {
  std::string out;
  for (const auto& t : found) {
    if (!out.empty()) out += "\n";
    if (t.removed)
      out += fmt::format(
          "launchmc: removed {}: the temporary of a process ({}) that ended without "
          "finishing it",
          t.path.string(), t.pid);
    else if (!t.host.empty() && t.host != host_name())
      out += fmt::format(
          "launchmc: note: {} is being written by process {} on host {} (or was, "
          "if that process was killed): not touched",
          t.path.string(), t.pid, t.host);
    else
      out += fmt::format("launchmc: note: {} is being written by running process {}: not touched",
                         t.path.string(), t.pid);
  }
  return out;
}

AtomicOutput::AtomicOutput(fs::path final_path)
    : final_path_(std::move(final_path)), temporary_(temporary_path(final_path_)) {
  const fs::path parent = final_path_.parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) {
      throw std::runtime_error(fmt::format("cannot create directory {} for {}: {}", parent.string(),
                                           final_path_.string(), ec.message()));
    }
  }
}

AtomicOutput::AtomicOutput(AtomicOutput&& other) noexcept
    : final_path_(std::move(other.final_path_)), temporary_(std::move(other.temporary_)) {
  other.temporary_.clear();
}

AtomicOutput& AtomicOutput::operator=(AtomicOutput&& other) noexcept {
  if (this != &other) {
    discard();
    final_path_ = std::move(other.final_path_);
    temporary_ = std::move(other.temporary_);
    other.temporary_.clear();
  }
  return *this;
}

AtomicOutput::~AtomicOutput() { discard(); }

void AtomicOutput::discard() noexcept {
  if (temporary_.empty()) return;
  std::error_code ec;
  fs::remove(temporary_, ec);
  temporary_.clear();
}

void AtomicOutput::commit() { commit_as(final_path_); }

void AtomicOutput::commit_as(const fs::path& destination) {
  if (temporary_.empty()) {
    throw std::runtime_error(
        fmt::format("cannot commit {}: already committed (or moved from)", destination.string()));
  }
  fsync_path(temporary_, false);
  std::error_code ec;
  fs::rename(temporary_, destination, ec);
  if (ec) {
    throw std::runtime_error(fmt::format("cannot rename {} to {}: {}", temporary_.string(),
                                         destination.string(), ec.message()));
  }
  temporary_.clear();
  const fs::path parent = destination.parent_path();
  try {
    fsync_path(parent.empty() ? fs::path(".") : parent, true);
  } catch (const std::runtime_error&) {
    // The rename is done; a failed directory fsync only weakens durability after a crash.
  }
}

void write_text_atomically(const fs::path& final_path, const std::string& text) {
  AtomicOutput output(final_path);
  {
    std::ofstream out(output.temporary(), std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", output.temporary().string()));
  }
  output.commit();
}

}  // namespace launchmc::io
