// The outcome columns of a Monte Carlo run, declared once: name, unit, storage type, fill value,
// meaning and the extractor that reads the value from a sample's derived outcome
// (outcome::FlightOutcome). The block, the run-file writer and reader, the summary and the
// documentation all take their columns from these tables; a new outcome is one row here.
//
// Four tables: per-sample columns (/outcome/<name>), per-body columns for the bodies of the
// nominal flight (/bodies/<body>/<name>), and the ragged table of bodies that the nominal flight
// did not release (/other_bodies: a variable number per sample, e.g. after a failure), and the
// ragged table of the IIP tracks (/iip).
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "outcome/flight_outcome.hpp"

namespace launchmc::engine {

// How a column is stored in the run file. In memory (Block) every column is a double: integers
// and enum codes are exact there.
enum class Storage : std::uint8_t { f64, i8, enum_i8, i64 };

using EnumMembers = std::vector<std::pair<std::string, std::int8_t>>;

struct SampleColumn {
  std::string_view name;
  std::string_view unit;  // "1" dimensionless, "" for codes
  Storage storage;
  double fill;  // value of a sample the column does not apply to (or not flown)
  std::string_view meaning;
  double (*extract)(const outcome::FlightOutcome&);
  EnumMembers (*members)();  // enum_i8 only
};

struct BodyColumn {
  std::string_view name;
  std::string_view unit;
  Storage storage;
  double fill;  // a body not released, or no impact
  std::string_view meaning;
  double (*extract)(const outcome::BodyOutcome&);
  EnumMembers (*members)();
};

// The ragged table of the IIP track (/iip/<name>): one entry per point of a sample's track of
// powered flight (flight::IipPoint), on the grid of iip.step_s.
struct IipColumn {
  std::string_view name;
  std::string_view unit;
  std::string_view meaning;
  double (*extract)(const flight::IipPoint&);
};

std::span<const SampleColumn> sample_columns();
std::span<const IipColumn> iip_columns();
std::size_t iip_column(std::string_view name);
std::span<const BodyColumn> body_columns();
// The ragged table of other bodies: the body columns, plus `weight` and `release_mass_kg`; names
// and classes are stored as indices into the table's name lists.
std::span<const BodyColumn> other_body_columns();
// The flat table of breakup bodies (/fragments): one entry per fragment flown (each standing for
// `weight` pieces), with its sample's row; classes stored as indices into the table's class list.
std::span<const BodyColumn> fragment_columns();

// Index of a column by name; throws std::logic_error for an unknown name (a programming error).
std::size_t sample_column(std::string_view name);
std::size_t body_column(std::string_view name);
std::size_t other_body_column(std::string_view name);
std::size_t fragment_column(std::string_view name);

// Enum members written to the file (HDF5 enum types; h5py's check_enum_dtype reads them).
EnumMembers status_members();
EnumMembers powered_flight_end_members();
EnumMembers breakup_cause_members();
EnumMembers fate_members();

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace launchmc::engine
