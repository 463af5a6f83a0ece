// The HDF5 file of a Monte Carlo run (format `launchmc-run`, docs/hdf5_format.md): written block
// by block in sample order by the engine's sink, read back column by column by `summarize`.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/run.hpp"

namespace launchmc::io {

inline constexpr const char* kRunFormat = "launchmc-run";
inline constexpr const char* kRunFormatVersion = engine::kRunFormatVersion;

// Writes a run file (format 2.0) block by block: the columns of engine/columns.hpp, the drawn
// inputs, each row's stream index, the ragged table of other bodies, and at the end the state of
// every reducer registered with save_reducer() (under /reducers/<name>).
class RunFileWriter : public engine::BlockSink {
 public:
  // deflated: the datasets shuffled and deflated (the run's file, a shard); stored: uncompressed,
  // for files that live only until launchmc reads them back (checkpoint chunks, MPI rank parts):
  // their writing and reading then cost no zlib time. The values are the same either way.
  enum class Compression { deflated, stored };
  RunFileWriter(std::filesystem::path path, const Study& config,
                Compression compression = Compression::deflated);
  ~RunFileWriter() override;
  // Saves `reducer`'s state when the run finishes (it must outlive the run).
  void save_reducer(std::string name, const engine::Reducer& reducer);
  void begin(const engine::RunLayout& layout) override;
  void write(const engine::Block& block) override;
  // Writes the run's metadata and renames the temporary file onto the final path; an interrupted
  // run's onto partial_path(path) instead (output_file.hpp), with stopped_by = "interrupted".
  void finish(engine::RunEnd end, std::uint64_t rows, double elapsed_s) override;
  // Where finish() put the file (empty before).
  const std::filesystem::path& committed_path() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

namespace h5 {
class File;
}

// A run file read back: the metadata and (read_run_file) all samples as one block, in order.
struct RunFile {
  engine::RunMeta meta;
  std::vector<engine::BodySlot> slots;
  std::uint64_t block_size = 0;
  std::vector<std::string> drawn_names;
  engine::Block samples;
  std::string config_text;
  std::vector<std::string> overrides;  // --set PATH=VALUE of the run (empty before format 2.0)
  std::string plan_identity;           // engine::RunPlan::identity() (empty before format 2.0)
  std::string written_by;              // "launchmc VERSION (GIT REVISION)"
  std::string launchmc_version, git_revision;  // the same, apart ("" when not recorded)
  std::string config_path;                     // the config's path when the run read it
  // The first block of the plan the file holds (attribute first_block; 0 for a whole run): its
  // rows are the plan's rows first_block * block_size onwards.
  std::uint64_t first_block = 0;
  // A part of a run (attribute `part`: run --shard, a checkpoint chunk): the blocks it was asked
  // for ([first_block, end_block) of total_blocks), the shard's number and the stratification.
  struct Part {
    std::string kind;
    std::uint64_t end_block = 0, total_blocks = 0;
    std::uint64_t index = 0, count = 0;  // shard index of count (0 of 0: not a shard)
    std::string stratify;
  };
  std::optional<Part> part;
  // The IIP corridor's setup as the run wrote it (/iip); none in files without IIP tracks.
  std::optional<engine::IipCorridorSetup> iip;
  // Stage and kind of each failure mode ("" in files from before they were recorded).
  std::vector<engine::FailureModeInfo> failure_modes;
  // The polygons of the per-failure-mode report (/report/regions; none in older files).
  std::vector<engine::IipZoneSpec> report_regions;
  // The fragment classes of the report's saved state, in its order (/report/fragment_classes;
  // older files: /fragments/classes, the order they appeared in).
  std::vector<std::string> report_fragment_classes;
  bool has_fragments = false;                 // /fragments (files from before breakups have none)
  std::vector<std::string> fragment_classes;  // /fragments/classes (empty without /fragments)
};
RunFile read_run_file(const std::filesystem::path& path);

// Reads a run file slice by slice, in sample order (memory independent of the file's size).
// A file that is not what RunFileWriter writes (a missing dataset, attribute or body group,
// datasets of unequal lengths, a status, powered-flight end, failure mode or body fate outside
// its codes, a NaN where the summary needs a number, a format version other than 1.x) throws
// std::runtime_error naming the file, the object and the row: nothing is silently left out.
class RunFileReader {
 public:
  explicit RunFileReader(const std::filesystem::path& path);
  ~RunFileReader();
  const RunFile& info() const noexcept { return info_; }  // metadata; samples empty
  std::size_t rows() const noexcept { return rows_; }
  // The next up to max_rows samples into `block` (reusing its buffers); false at the end.
  bool next(engine::Block& block, std::size_t max_rows);
  // Continues reading at row `row` (<= rows()).
  void seek(std::size_t row);
  // Whether next() reads the IIP tracks (/iip, most of a run file's bytes); without, a block's
  // tracks are empty (every row without points). For passes that do not look at them.
  void read_iip_tracks(bool read) noexcept { read_iip_ = read; }

 private:
  void read_metadata();
  void read_rows(engine::Block& block, std::size_t n);
  void read_other_bodies(engine::Block& block, std::size_t n);
  void read_iip(engine::Block& block, std::size_t n);
  void read_fragments(engine::Block& block, std::size_t n);
  // The first entry of /fragments whose sample is >= row (binary search: the table is in
  // sample order, which read_fragments checks).
  std::uint64_t first_fragment_of(std::uint64_t row) const;

  std::filesystem::path path_;
  std::unique_ptr<h5::File> file_;
  RunFile info_;
  std::size_t rows_ = 0;
  std::size_t position_ = 0;
  std::uint64_t row_offset_ = 0;  // the plan's row of the file's row 0 (first_block * block_size)
  std::vector<bool> present_;     // [sample column]: false for a column the file predates
  bool has_stratum_ = false;      // false: a file from before strata (every row in stratum 0)
  int format_major_ = 2;
  std::vector<std::string> other_names_, other_classes_;
  std::uint64_t other_entries_ = 0;
  std::uint64_t iip_entries_ = 0;
  bool read_iip_ = true;
  std::vector<std::string> fragment_classes_;
  std::uint64_t fragment_entries_ = 0;
  std::uint64_t fragment_next_ = 0;  // where the next slice's entries must start (sequential)
  std::size_t fragment_next_row_ = 0;
};

// The summary reducer of a run file's run.
engine::SummaryReducer summary_reducer_for(const RunFile& info);
// The per-failure-mode report's reducer of a run file's run.
engine::FailureReportReducer failure_report_reducer_for(const RunFile& info);

// The summary of a run file, computed exactly as the run computed it; reads in slices.
engine::Summary summarize_run_file(const std::filesystem::path& path);
// The same from a file already read whole.
engine::Summary summarize_run_file(const RunFile& file);

}  // namespace launchmc::io
