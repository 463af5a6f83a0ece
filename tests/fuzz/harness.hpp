// What the fuzz targets do with one input, shared by the libFuzzer entry points (targets/) and by
// test_fuzz, which replays every committed input of regressions/ in the normal build. An input is
// handled when it returns; any other exception, a crash, a sanitizer report, a leak or more than a
// second is a finding.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "config/load_scenario.hpp"
#include "config/yaml_edit.hpp"
#include "geo/region_classifier.hpp"
#include "io/run_file.hpp"
#include "run_file_builder.hpp"

namespace launchmc::fuzz {

// A config input is YAML text, optionally followed by a line "#%set" and then override lines
// PATH=VALUE, which are applied as `--set` applies them (and as `target` edits the text).
inline constexpr std::string_view kOverrideMarker = "\n#%set\n";
inline constexpr std::size_t kMaxOverrides = 8;

inline void config_input(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<config::Override> overrides;
  const std::size_t marker = text.find(kOverrideMarker);
  if (marker != std::string::npos) {
    std::string_view rest = std::string_view(text).substr(marker + kOverrideMarker.size());
    while (!rest.empty() && overrides.size() < kMaxOverrides) {
      const std::size_t eol = rest.find('\n');
      const std::string_view line = rest.substr(0, eol);
      try {
        overrides.push_back(config::parse_override(line));
      } catch (const config::ConfigError&) {
      }
      if (eol == std::string_view::npos) break;
      rest.remove_prefix(eol + 1);
    }
    text.resize(marker + 1);
  }
  bool loaded = false;
  try {
    config::load_config(text, "fuzz.yaml", overrides);
    loaded = true;
  } catch (const config::ConfigError&) {
  }
  if (loaded && !overrides.empty()) {
    std::vector<config::ScalarEdit> edits;
    for (const auto& o : overrides) edits.push_back({o.path, o.value});
    try {
      config::replace_scalars(text, edits, "fuzz.yaml");
    } catch (const config::ConfigError&) {
    }
  }
}

inline const std::filesystem::path& scratch_file() {
  static const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                            ("launchmc_fuzz_" + std::to_string(::getpid()) + ".h5");
  return path;
}

// Summarises and reads the run file at `path` as `summarize` and the tests do. A refusal is a
// std::runtime_error (h5::Error is one); anything else escapes.
inline void read_run_file_both_ways(const std::filesystem::path& path) {
  try {
    io::summarize_run_file(path);
  } catch (const std::runtime_error&) {
  }
  try {
    io::read_run_file(path);
  } catch (const std::runtime_error&) {
  }
}

// fuzz_run_file: the input drives build_run_file (run_file_builder.hpp), which writes a well-formed
// HDF5 file with adversarial launchmc content; then the reader reads it.
inline void run_file_input(const std::uint8_t* data, std::size_t size) {
  build_run_file(scratch_file().string(), data, size);
  read_run_file_both_ways(scratch_file());
}

// fuzz_run_file_bytes: the input is the bytes of an HDF5 file. This also fuzzes libhdf5's decoder
// of damaged metadata, whose own hangs and leaks (docs/DEVELOPING.md) launchmc cannot fix: run it
// by hand, not in CI.
inline void run_file_bytes_input(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream out(scratch_file(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) throw std::logic_error("fuzz harness: cannot write " + scratch_file().string());
  }
  read_run_file_both_ways(scratch_file());
}

// fuzz_regions: the input is a user's regions file (`risk --regions FILE`, `report.regions_file`),
// read by GDAL/OGR into geo::RegionClassifier; an accepted one classifies points across the
// globe (both sides of the antimeridian, the poles, longitudes beyond 180 as grid longitudes are).
inline void regions_input(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("launchmc_fuzz_" + std::to_string(::getpid()) + ".geojson");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) throw std::logic_error("fuzz harness: cannot write " + path.string());
  }
  try {
    const geo::RegionClassifier regions(path.string());
    std::vector<std::size_t> hits;
    for (double lat = -90.0; lat <= 90.0; lat += 7.5)
      for (double lon = -180.0; lon <= 360.0; lon += 7.5) {
        hits.clear();
        regions.classify(lat, lon, hits);
        for (const std::size_t a : hits)
          if (a >= regions.size()) throw std::logic_error("fuzz: an area index out of range");
      }
  } catch (const std::runtime_error&) {
  }
}

}  // namespace launchmc::fuzz
