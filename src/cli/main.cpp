// launchmc command line: `fly` one launch (nominal, or sample i of a run), `run` a Monte Carlo
// study, `summarize` a run file. Exit status: 0 success, 2 bad config or command line, 1 any
// other failure.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <iostream>

#include "common/version.hpp"
#include "config/load_scenario.hpp"
#include "engine/run.hpp"
#include "flight/flight.hpp"
#include "io/flight_report.hpp"
#include "io/run_file.hpp"

namespace {

constexpr int kExitConfig = 2;
constexpr int kExitFailure = 1;

struct FlyOptions {
  std::string config;
  std::string output;
  bool json = false;
  std::vector<std::string> overrides;
  std::optional<std::uint64_t> sample;
  std::uint64_t seed = 1;
  std::uint64_t samples = 1000;
  std::string sampler;
};

std::vector<launchmc::config::Override> parse_overrides(const std::vector<std::string>& texts) {
  std::vector<launchmc::config::Override> out;
  for (const auto& o : texts) out.push_back(launchmc::config::parse_override(o));
  return out;
}

int run_fly(const FlyOptions& opt) {
  using namespace launchmc;
  const config::LoadedConfig cfg = config::load_config_file(opt.config, parse_overrides(opt.overrides));
  Scenario scenario = cfg.scenario;
  std::vector<std::pair<std::string, double>> drawn;
  bool valid = true;
  if (opt.sample) {
    const auto kind = opt.sampler.empty() ? cfg.dispersions.sampler
                                          : uncertainty::sampler_from_string(opt.sampler);
    scenario = engine::sample_scenario(cfg, opt.seed, opt.samples, kind, *opt.sample, &drawn, &valid);
    if (!valid) {
      std::cerr << "launchmc: sample " << *opt.sample << " has a non-physical input; a run records it as invalid_input\n";
      return kExitFailure;
    }
  }

  io::HistoryRecorder histories;
  const auto t0 = std::chrono::steady_clock::now();
  const flight::FlightResult result =
      flight::fly(scenario, opt.output.empty() ? nullptr : &histories);
  const double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  if (!opt.output.empty()) io::write_flight_hdf5(opt.output, scenario, result, histories);
  if (opt.json) {
    nlohmann::json j = io::flight_to_json(scenario, result);
    j["elapsed_s"] = elapsed_s;
    if (opt.sample) {
      j["sample"] = *opt.sample;
      j["seed"] = opt.seed;
      nlohmann::json d = nlohmann::json::object();
      for (const auto& [name, value] : drawn) d[name] = value;
      j["drawn"] = d;
    }
    if (!opt.output.empty()) j["output"] = opt.output;
    std::cout << j.dump(2) << "\n";
  } else {
    if (opt.sample) {
      fmt::print("sample {} of seed {}:\n", *opt.sample, opt.seed);
      for (const auto& [name, value] : drawn) fmt::print("  {:<40} {:.10g}\n", name, value);
      fmt::print("\n");
    }
    io::print_flight_report(std::cout, scenario, result);
    fmt::print("flight computed in {:.2f} ms\n", elapsed_s * 1e3);
    if (!opt.output.empty()) fmt::print("time histories written to {}\n", opt.output);
  }
  return 0;
}

struct RunCmdOptions {
  std::string config;
  std::string output;
  bool json = false;
  std::vector<std::string> overrides;
  std::uint64_t samples = 1000;
  std::uint64_t seed = 1;
  std::string sampler;
  int threads = 0;
  double until_ci = 0.0;
  std::size_t block_size = 256;
};

// Progress on stderr: a bar redrawn in place on a terminal, plain lines otherwise.
class Progress {
 public:
  Progress() : tty_(isatty(STDERR_FILENO) != 0) {}
  void operator()(std::uint64_t done, std::uint64_t total, double elapsed_s) {
    const double rate = elapsed_s > 0 ? done / elapsed_s : 0.0;
    const double eta = rate > 0 ? (total - done) / rate : 0.0;
    const double frac = total > 0 ? static_cast<double>(done) / total : 1.0;
    if (tty_) {
      const int width = 30;
      const int filled = static_cast<int>(frac * width);
      fmt::print(stderr, "\r[{}{}] {:>10}/{} {:>8.0f} samples/s ETA {:>6.0f} s", std::string(filled, '#'),
                 std::string(width - filled, ' '), done, total, rate, eta);
      if (done >= total) fmt::print(stderr, "\n");
      std::fflush(stderr);
    } else if (done >= total || elapsed_s - last_line_s_ >= 10.0 || frac - last_frac_ >= 0.1) {
      fmt::print(stderr, "progress: {}/{} samples, {:.0f} samples/s, ETA {:.0f} s\n", done, total, rate, eta);
      last_line_s_ = elapsed_s;
      last_frac_ = frac;
    }
  }
  void end() {
    if (tty_) fmt::print(stderr, "\n");
  }

 private:
  bool tty_;
  double last_line_s_ = 0.0;
  double last_frac_ = 0.0;
};

int run_run(const RunCmdOptions& opt) {
  using namespace launchmc;
  const config::LoadedConfig cfg = config::load_config_file(opt.config, parse_overrides(opt.overrides));
  engine::RunOptions ro;
  ro.n_samples = opt.samples;
  ro.seed = opt.seed;
  if (!opt.sampler.empty()) ro.sampler = uncertainty::sampler_from_string(opt.sampler);
  ro.threads = opt.threads;
  ro.block_size = opt.block_size;
  if (opt.until_ci > 0.0) ro.until_ci_width = opt.until_ci;
  std::unique_ptr<io::RunFileWriter> writer;
  if (!opt.output.empty()) writer = std::make_unique<io::RunFileWriter>(opt.output, cfg, opt.threads);
  Progress progress;
  const engine::RunResult r = engine::run_monte_carlo(
      cfg, ro, writer.get(), [&](std::uint64_t d, std::uint64_t t, double e) { progress(d, t, e); });
  if (opt.json) {
    nlohmann::json j = engine::summary_to_json(r.summary);
    j["stopped_by"] = r.stopped_by_ci ? "until_ci" : "samples";
    if (!opt.output.empty()) j["output"] = opt.output;
    std::cout << j.dump(2) << "\n";
  } else {
    engine::print_summary(std::cout, r.summary);
    if (r.stopped_by_ci) fmt::print("stopped at {} samples: the 95 % interval is narrower than {}\n", r.summary.samples, opt.until_ci);
    if (!opt.output.empty()) fmt::print("samples written to {}\n", opt.output);
  }
  return 0;
}

int run_summarize(const std::string& path, bool json) {
  using namespace launchmc;
  const engine::Summary s = io::summarize_run_file(std::filesystem::path(path));
  if (json) {
    std::cout << engine::summary_to_json(s).dump(2) << "\n";
  } else {
    engine::print_summary(std::cout, s);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"launchmc: Monte Carlo launch outcome estimator"};
  app.set_version_flag("--version",
                       fmt::format("launchmc {} ({})", launchmc::version, launchmc::git_revision));
  app.require_subcommand(1);

  FlyOptions fly;
  CLI::App* fly_cmd = app.add_subcommand("fly", "fly the nominal launch of a config");
  fly_cmd->add_option("config", fly.config, "scenario YAML file")->required();
  fly_cmd->add_option("-o,--output", fly.output, "write time histories to this HDF5 file");
  fly_cmd->add_flag("--json", fly.json, "print results as one JSON object");
  fly_cmd->add_option("--set", fly.overrides, "override a config value: PATH=VALUE (repeatable)");
  fly_cmd->add_option("--sample", fly.sample, "fly sample I of a run instead of the nominal launch");
  fly_cmd->add_option("--seed", fly.seed, "seed of that run")->capture_default_str();
  fly_cmd->add_option("-n,--samples", fly.samples, "sample count of that run (Latin hypercube only)")
      ->capture_default_str();
  fly_cmd->add_option("--sampler", fly.sampler, "sampler of that run: mc, lhs, sobol");

  RunCmdOptions run;
  CLI::App* run_cmd = app.add_subcommand("run", "fly a Monte Carlo study of dispersed launches");
  run_cmd->add_option("config", run.config, "scenario YAML file")->required();
  run_cmd->add_option("-n,--samples", run.samples, "number of samples")->capture_default_str();
  run_cmd->add_option("--seed", run.seed, "master seed")->capture_default_str();
  run_cmd->add_option("-o,--output", run.output, "write every sample to this HDF5 file");
  run_cmd->add_option("--sampler", run.sampler, "mc, lhs or sobol (default: the config's, else mc)");
  run_cmd->add_option("-j,--threads", run.threads, "worker threads (default: all cores)");
  run_cmd->add_option("--until-ci", run.until_ci,
                      "stop at a block boundary once the 95 % interval of P(success) is narrower");
  run_cmd->add_option("--block-size", run.block_size, "samples per block (part of the result's definition)")
      ->capture_default_str();
  run_cmd->add_flag("--json", run.json, "print the summary as JSON");
  run_cmd->add_option("--set", run.overrides, "override a config value: PATH=VALUE (repeatable)");

  std::string summarize_path;
  bool summarize_json = false;
  CLI::App* sum_cmd = app.add_subcommand("summarize", "print the summary of a run file");
  sum_cmd->add_option("file", summarize_path, "HDF5 file written by run -o")->required();
  sum_cmd->add_flag("--json", summarize_json, "print the summary as JSON");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitConfig;
  }

  try {
    if (fly_cmd->parsed()) return run_fly(fly);
    if (run_cmd->parsed()) return run_run(run);
    if (sum_cmd->parsed()) return run_summarize(summarize_path, summarize_json);
  } catch (const launchmc::config::ConfigError& e) {
    std::cerr << "launchmc: config error: " << e.what() << "\n";
    return kExitConfig;
  } catch (const std::invalid_argument& e) {
    std::cerr << "launchmc: " << e.what() << "\n";
    return kExitConfig;
  } catch (const std::exception& e) {
    std::cerr << "launchmc: error: " << e.what() << "\n";
    return kExitFailure;
  }
  return 0;
}
