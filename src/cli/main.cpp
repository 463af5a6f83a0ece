// launchmc command line: `fly` one nominal launch (more commands arrive with the Monte Carlo
// engine). Exit status: 0 success, 2 bad config or command line, 1 any other failure.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "common/version.hpp"
#include "config/load_scenario.hpp"
#include "flight/flight.hpp"
#include "io/flight_report.hpp"

namespace {

constexpr int kExitConfig = 2;
constexpr int kExitFailure = 1;

struct FlyOptions {
  std::string config;
  std::string output;
  bool json = false;
  std::vector<std::string> overrides;
};

int run_fly(const FlyOptions& opt) {
  using namespace launchmc;
  std::vector<config::Override> overrides;
  for (const auto& o : opt.overrides) overrides.push_back(config::parse_override(o));
  const Scenario scenario = config::load_scenario_file(opt.config, overrides);

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
    if (!opt.output.empty()) j["output"] = opt.output;
    std::cout << j.dump(2) << "\n";
  } else {
    io::print_flight_report(std::cout, scenario, result);
    fmt::print("flight computed in {:.2f} ms\n", elapsed_s * 1e3);
    if (!opt.output.empty()) fmt::print("time histories written to {}\n", opt.output);
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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitConfig;
  }

  try {
    if (fly_cmd->parsed()) return run_fly(fly);
  } catch (const launchmc::config::ConfigError& e) {
    std::cerr << "launchmc: config error: " << e.what() << "\n";
    return kExitConfig;
  } catch (const std::exception& e) {
    std::cerr << "launchmc: error: " << e.what() << "\n";
    return kExitFailure;
  }
  return 0;
}
