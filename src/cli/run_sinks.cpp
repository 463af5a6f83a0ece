// The sinks of a run file's rows (see run_sinks.hpp).
#include "cli/run_sinks.hpp"

namespace launchmc::cli {

std::vector<engine::BlockSink*> RunSinks::list() const {
  std::vector<engine::BlockSink*> sinks = {summary.get(), corridor.get(), report.get()};
  if (writer) sinks.push_back(writer.get());
  return sinks;
}

engine::Summary RunSinks::summarize(const engine::RunMeta& meta) const {
  engine::Summary s = summary->finish(meta);
  s.iip_corridor = corridor->finish();
  s.failure_report = report->finish();
  return s;
}

RunSinks make_run_sinks(const engine::RunLayout& layout, const Study& config,
                        const std::filesystem::path& output,
                        io::RunFileWriter::Compression compression) {
  RunSinks sinks;
  sinks.summary = engine::summary_reducer_for(layout, config);
  sinks.corridor = engine::iip_corridor_reducer_for(layout, config);
  sinks.report = engine::failure_report_reducer_for(layout, config);
  if (!output.empty()) {
    sinks.writer = std::make_unique<io::RunFileWriter>(output, config, compression);
    sinks.writer->save_reducer("summary", *sinks.summary);
    sinks.writer->save_reducer("iip_corridor", *sinks.corridor);
    sinks.writer->save_reducer("failure_report", *sinks.report);
  }
  return sinks;
}

}  // namespace launchmc::cli
