// `launchmc sensitivity CONFIG`: a sensitivity study of a launch, flown by the run engine; and
// `launchmc sensitivity sample|analyze`: the model-agnostic study (SALib's sample/analyze split).
// main.cpp registers the command and runs it when parsed.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

namespace launchmc::cli {

class SensitivityCommand {
 public:
  // Adds `sensitivity` and its subcommands to `app`.
  explicit SensitivityCommand(CLI::App& app);
  bool parsed() const { return command_->parsed(); }
  // Whether the parsed command flies a study (`sensitivity CONFIG`): under mpirun its flights
  // are split over the ranks as a run's are (cli/mpi_run.hpp).
  bool flies() const { return parsed() && !config_.empty(); }
  // Runs the parsed subcommand; returns the exit status (errors are thrown as in main.cpp:
  // ConfigError, std::invalid_argument for bad input, std::runtime_error for failures).
  int run() const;

 private:
  int run_config() const;
  int run_sample() const;
  int run_analyze() const;

  CLI::App* command_ = nullptr;
  CLI::App* sample_ = nullptr;
  CLI::App* analyze_ = nullptr;
  // CONFIG
  std::string config_;
  std::vector<std::string> overrides_;
  std::string threads_ = "0";
  std::string run_output_;
  std::string config_method_ = "sobol";
  std::string config_samples_;
  std::string config_seed_ = "1";
  bool config_second_order_ = false;
  std::string config_levels_ = "4";
  std::string config_pool_;
  bool config_json_ = false;
  std::string config_bootstrap_ = "1000";
  // sample
  std::string problem_;
  std::string method_ = "sobol";
  std::string samples_;
  std::string seed_ = "1";
  bool second_order_ = false;
  std::string levels_ = "4";
  std::string pool_;
  std::string design_output_;
  // analyze
  std::string design_;
  std::string outputs_;
  bool json_ = false;
  std::string results_output_;
  std::string bootstrap_ = "1000";
  std::string bootstrap_seed_;
};

}  // namespace launchmc::cli
