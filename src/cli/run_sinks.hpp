// The sinks of a run file's rows, the same wherever the rows come from (`run`, `merge`,
// `--resume`, `sensitivity CONFIG`, the ranks of an MPI run): the summary, IIP corridor and
// failure-report reducers, and the writer of the file, which saves the reducers' states with the
// rows (docs/hdf5_format.md). One definition, so that every path writes the same file.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "engine/run.hpp"
#include "io/run_file.hpp"

namespace launchmc::cli {

struct RunSinks {
  std::unique_ptr<engine::SummaryReducer> summary;
  std::unique_ptr<engine::IipCorridorReducer> corridor;
  std::unique_ptr<engine::FailureReportReducer> report;
  std::unique_ptr<io::RunFileWriter> writer;  // none without an output file

  // The sinks in the order they take each block: the reducers, then the writer.
  std::vector<engine::BlockSink*> list() const;
  // The run's summary with its IIP corridor and failure report (after the sinks' finish()).
  engine::Summary summarize(const engine::RunMeta& meta) const;
};

// The sinks of a run laid out so; `output` empty: no file (the reducers only). `compression`:
// stored for a file only launchmc reads back (an MPI rank's part).
RunSinks make_run_sinks(
    const engine::RunLayout& layout, const Study& config, const std::filesystem::path& output,
    io::RunFileWriter::Compression compression = io::RunFileWriter::Compression::deflated);

}  // namespace launchmc::cli
