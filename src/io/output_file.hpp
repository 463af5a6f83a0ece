// How launchmc writes its outputs: every file is written to a temporary beside its final path
// and renamed onto it only when complete, so that an existing file is never left half-written.
// This unit owns that policy: the names of temporaries and of the partial files that an
// interrupted run keeps, the checks made before anything is written, and the cleanup of
// temporaries left behind by processes that were killed.
//
// AtomicOutput carries the policy out for any writer (HDF5 files, text): the writer writes and
// closes AtomicOutput::temporary(), then commit() makes it the final file.
//
// Names (beside FINAL, in its directory):
//   FINAL.tmp-HOST-PID   being written by process PID on HOST; renamed onto FINAL when complete
//   FINAL.partial        an interrupted run's finished samples (SIGINT/SIGTERM), kept on purpose
// The host is part of the name because a cluster's shared file system is seen by many machines:
// a PID says whether a process is alive only on its own host.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace launchmc::io {

std::filesystem::path temporary_path(const std::filesystem::path& final_path);
std::filesystem::path partial_path(const std::filesystem::path& final_path);

// Refuses (std::invalid_argument with a message naming the option) an output path that cannot or
// must not be written: empty, a directory, an existing non-regular file, in a directory that does
// not a directory, or the same file as one of `inputs` (e.g. `fly -o CONFIG`).
void check_output_path(const std::filesystem::path& output, std::string_view option,
                       const std::vector<std::filesystem::path>& inputs);

// A temporary of FINAL found in its directory.
struct StaleTemporary {
  std::filesystem::path path;
  std::string host;  // empty for the older name FINAL.tmp-PID
  long pid = 0;
  bool removed = false;  // true: its process is dead on this host, so it was deleted
};
// Finds FINAL's temporaries whose process no longer runs on this host and deletes them (they can
// never be completed: a killed process); temporaries of live processes or of other hosts are
// listed but kept. Never throws: what cannot be inspected is skipped.
std::vector<StaleTemporary> clean_stale_temporaries(const std::filesystem::path& final_path);

// A one-line account of clean_stale_temporaries' findings for stderr (empty: nothing found).
std::string describe(const std::vector<StaleTemporary>& found);

// The temporary of one output file, and its atomic commit. The writer creates, writes and closes
// temporary() (temporary_path(final_path)); commit() then fsyncs it, renames it onto the final path
// (an atomic replace of any existing file) and fsyncs the directory. Destroyed without a commit
// (an exception, an error), it removes the temporary and leaves any file at the final path as it
// was. Failures throw std::runtime_error naming the paths.
class AtomicOutput {
 public:
  // Creates missing parent directories of final_path (an output's directory is created if missing,
  // as check_output_path allows); nothing is written yet.
  explicit AtomicOutput(std::filesystem::path final_path);
  AtomicOutput(AtomicOutput&& other) noexcept;
  AtomicOutput& operator=(AtomicOutput&& other) noexcept;
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  ~AtomicOutput();

  // Where the writer writes: FINAL.tmp-HOST-PID (empty once committed).
  const std::filesystem::path& temporary() const noexcept { return temporary_; }
  // Renames the closed temporary onto the final path, durably (see above). Once only.
  void commit();
  // The same onto `destination` instead, e.g. partial_path(final) for an interrupted run.
  void commit_as(const std::filesystem::path& destination);

 private:
  void discard() noexcept;

  std::filesystem::path final_path_;
  std::filesystem::path temporary_;
};

// Writes `text` to FINAL through an AtomicOutput (std::runtime_error on failure, the temporary
// removed).
void write_text_atomically(const std::filesystem::path& final_path, const std::string& text);

}  // namespace launchmc::io
