// Thin RAII wrapper over the HDF5 C API, used to write and read launchmc result files: files
// (create, read, append), groups, scalar attributes, one-shot and appendable (chunked, compressed)
// 1-D datasets, enums. Writing an output atomically is not its business: see Lifetime.
//
// Design (in the spirit of OpenMC's hdf5_interface.h): the C API only, every hid_t owned by a
// move-only Handle, every failure reported as h5::Error naming the file, the object and the
// operation, plus the innermost message of the HDF5 error stack; lossy numeric conversions are
// refused. HDF5's automatic printing of error stacks to stderr is switched off by every File
// factory.
//
// One template per operation, constrained by a concept naming the element kinds it takes (Number,
// Element, Attribute below): write<T>, read<T>, read_range<T>, create_appendable<T>,
// open_appendable<T>, set_attribute, attribute<T>. Strings (std::string) are an Element of
// write/read/attribute; enums are int8 codes with their EnumMembers (create_appendable(name,
// members), read as codes). The templates over Element are defined and explicitly instantiated in
// hdf5_file.cpp, so this header needs no HDF5 include. The API has no function only tests call:
// tests inspect stored types, layouts and enum members through the C API on the closed file.
//
// Threading: the HDF5 library is the serial, non-thread-safe build. launchmc makes every HDF5
// call from one writer thread only, so this wrapper does no locking. Never use these classes
// (even on different files) from two threads at the same time.
//
// Lifetime: File::create creates the file at the path it is given; the atomic replacement of an
// output is io::AtomicOutput's (output_file.hpp):
//   io::AtomicOutput output(final_path);
//   h5::File file = h5::File::create(output.temporary());
//   ... write ...
//   file.close();      // flushes and closes
//   output.commit();   // fsync, rename onto final_path (or commit_as(partial)), fsync the
//   directory
// A File is opened with H5F_CLOSE_STRONG: after close() or destruction, every Group / Dataset
// obtained from it is invalid (its destructor is harmless; using it throws Error).
//
// Append mode (resuming a run, merging shards): File::open_append opens an existing file
// read-write, and Group::open_appendable<T> continues an appendable dataset after its rows.
//
// Attributes on datasets: write<T> returns the Dataset it created, so units can be attached
// directly: `g.write<double>("x", xs).set_attribute("units", "m");`. AppendableDataset is a
// Dataset too.
//
// File layout choices: numbers are stored little-endian (IEEE f32/f64, two's complement ints);
// strings are variable-length UTF-8 (h5py reads attributes as str, datasets via .asstr());
// link and attribute names are tagged UTF-8; the file format is pinned to the HDF5 1.8 object
// format (H5F_LIBVER_V18) so any reader >= 1.8 can open it and large attributes are allowed.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace launchmc::io::h5 {

// The id type of HDF5 >= 1.10 (hid_t); hdf5_file.cpp static_asserts the equality, so the HDF5
// headers need not be included here.
using Hid = std::int64_t;

// Thrown on every failure: operation, object path, file, then the innermost HDF5 error message
// (minor message, function) or the wrapper's own reason, e.g. "HDF5: cannot read double values
// of dataset '/results/x' in 'out.h5': object 'x' doesn't exist (Object not found) [H5G__...]".
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Owns one HDF5 identifier and closes it with the matching H5?close (chosen by H5Iget_type).
class Handle {
 public:
  Handle() noexcept = default;
  explicit Handle(Hid id) noexcept : id_(id) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)) {}
  Handle& operator=(Handle&& other) noexcept;
  ~Handle() { reset(); }

  Hid id() const noexcept { return id_; }
  // True when the id is non-negative and still known to the library.
  bool valid() const noexcept;
  // Closes the id, throwing Error if HDF5 reports a failure (the Handle is empty afterwards).
  void close();
  // Closes the id, ignoring failures.
  void reset() noexcept;

 private:
  Hid id_ = -1;
};

// The numbers of datasets and attributes, each stored as its own little-endian HDF5 type.
template <class T>
concept Number =
    std::same_as<T, double> || std::same_as<T, float> || std::same_as<T, std::int8_t> ||
    std::same_as<T, std::uint8_t> || std::same_as<T, std::int32_t> ||
    std::same_as<T, std::int64_t> || std::same_as<T, std::uint64_t>;

// The element kinds of 1-D datasets (write, read) and of scalar attributes (attribute): numbers
// and variable-length UTF-8 strings (std::string, no '\0' inside). The third kind, enums, are
// int8 codes with their EnumMembers: created by create_appendable(name, members), read as codes
// by read<std::int8_t> and read_range.
template <class T>
concept Element = Number<T> || std::same_as<T, std::string>;

// What set_attribute stores, and as what (always a scalar): anything convertible to
// std::string_view as a variable-length UTF-8 string; floating point as f64; other integers (not
// bool) widened to int64 or uint64 by signedness.
template <class T>
concept Attribute = std::convertible_to<const T&, std::string_view> ||
    (std::is_arithmetic_v<T> && !std::same_as<T, bool>);

// Members of an enum type with base int8: (name, value) pairs. Names and values must be unique.
using EnumMembers = std::vector<std::pair<std::string, std::int8_t>>;

namespace detail {
enum class ElementType { kFloat64, kFloat32, kInt8, kUInt8, kInt32, kInt64, kUInt64 };

template <Number T>
consteval ElementType element_type_of() {
  if constexpr (std::same_as<T, double>) return ElementType::kFloat64;
  if constexpr (std::same_as<T, float>) return ElementType::kFloat32;
  if constexpr (std::same_as<T, std::int8_t>) return ElementType::kInt8;
  if constexpr (std::same_as<T, std::uint8_t>) return ElementType::kUInt8;
  if constexpr (std::same_as<T, std::int32_t>) return ElementType::kInt32;
  if constexpr (std::same_as<T, std::int64_t>) return ElementType::kInt64;
  if constexpr (std::same_as<T, std::uint64_t>) return ElementType::kUInt64;
}
}  // namespace detail

// Common base of Group and Dataset: an HDF5 object that carries attributes. Setting an attribute
// that already exists replaces it. Readers convert numbers through HDF5's own conversions, but
// refuse lossy ones (out of range, fractional to integer, NaN/inf to integer) with an Error.
class Object {
 public:
  // Creates or replaces attribute `name` (kinds and stored types: see Attribute).
  template <Attribute T>
  void set_attribute(std::string_view name, const T& value) {
    if constexpr (std::convertible_to<const T&, std::string_view>) {
      write_string_attribute(name, std::string_view(value));
    } else if constexpr (std::is_floating_point_v<T>) {
      const double v = value;
      write_number_attribute(name, detail::ElementType::kFloat64, &v);
    } else if constexpr (std::is_signed_v<T>) {
      const std::int64_t v = value;
      write_number_attribute(name, detail::ElementType::kInt64, &v);
    } else {
      const std::uint64_t v = value;
      write_number_attribute(name, detail::ElementType::kUInt64, &v);
    }
  }

  bool has_attribute(std::string_view name) const;
  // A scalar (or one-element) attribute: std::string from a variable- or fixed-length string,
  // a Number converted through HDF5 from any stored number (lossy conversions throw Error).
  template <Element T>
  T attribute(std::string_view name) const;

 protected:
  Object() = default;
  explicit Object(Handle handle) noexcept : handle_(std::move(handle)) {}
  Hid id() const noexcept { return handle_.id(); }
  void require_valid(std::string_view operation) const;

  Handle handle_;

 private:
  void write_string_attribute(std::string_view name, std::string_view value);
  void write_number_attribute(std::string_view name, detail::ElementType type, const void* value);
};

// A dataset, returned by Group::write, for its attributes.
class Dataset : public Object {
 public:
  Dataset() = default;
  // Takes ownership of an open dataset id.
  explicit Dataset(Handle handle) noexcept : Object(std::move(handle)) {}
};

namespace detail {
// Type-erased part of AppendableDataset<T>.
class AppendableBase : public Dataset {
 public:
  AppendableBase() = default;
  // Takes the dataset, the memory type appended values are written with, for enums the set of
  // allowed int8 values (empty: no check), and the number of elements already in the dataset.
  AppendableBase(Handle dataset, Handle memory_type, std::vector<bool> allowed_values,
                 std::size_t size = 0) noexcept
      : Dataset(std::move(dataset)),
        memory_type_(std::move(memory_type)),
        allowed_values_(std::move(allowed_values)),
        size_(size) {}

 protected:
  void append_raw(const void* data, std::size_t count);

 private:
  Handle memory_type_;
  std::vector<bool> allowed_values_;
  std::size_t size_ = 0;
};
}  // namespace detail

// A 1-D, chunked, extendible (H5S_UNLIMITED) dataset with shuffle + deflate, filled by append().
// Created by Group::create_appendable<T>, or by Group::create_appendable(name, members) for an
// enum (T = int8_t; appended values must be enum members); reopened, to append after the rows
// already there, by Group::open_appendable<T>. Data reaches the file at the latest on
// File::close().
template <Number T>
class AppendableDataset : public detail::AppendableBase {
 public:
  AppendableDataset() = default;
  explicit AppendableDataset(detail::AppendableBase base) noexcept
      : AppendableBase(std::move(base)) {}

  // Extends the dataset by values.size() elements and writes them (any length, 0 is a no-op).
  void append(std::span<const T> values) { append_raw(values.data(), values.size()); }
};

class Group : public Object {
 public:
  Group() = default;
  // Takes ownership of an open group id.
  explicit Group(Handle handle) noexcept : Object(std::move(handle)) {}

  // Names may be paths relative to this group ("a/b"); create_* make missing intermediate groups.
  Group create_group(std::string_view name);
  Group open_group(std::string_view name) const;
  // True if a link of that name (or every component of the path) exists.
  bool has(std::string_view name) const;
  // Unlinks the child `name` (a group with everything under it, or a dataset). HDF5 does not
  // reclaim the space in the file (h5repack does).
  void remove(std::string_view name);
  // Names of the direct children (groups and datasets), sorted.
  std::vector<std::string> children() const;

  // A one-shot 1-D contiguous dataset of the values (an empty span gives shape (0,)), e.g.
  // write<double>("x", xs), write("x", std::span<const double>(xs)), write<std::string>(...).
  template <Element T>
  Dataset write(std::string_view name, std::span<const T> values);

  // The whole of a 1-D dataset. Numbers convert to T through HDF5 (int32 read as double works;
  // lossy conversions throw Error); enums read as their codes; strings: variable or fixed length.
  template <Element T>
  std::vector<T> read(std::string_view name) const;
  // Rows [offset, offset + count) of a 1-D dataset into out (resized), for reading large files in
  // slices: numbers with HDF5's conversion, int8-based enums as their codes (T = int8_t).
  template <Number T>
  void read_range(std::string_view name, std::size_t offset, std::size_t count,
                  std::vector<T>& out) const;
  // Number of elements of a 1-D dataset.
  std::size_t dataset_size(std::string_view name) const;

  // Appendable datasets: chunk_elems > 0 elements per chunk, deflate_level in 0..9 (0 disables
  // both shuffle and deflate; otherwise shuffle + deflate are applied).
  template <Number T>
  AppendableDataset<T> create_appendable(std::string_view name, std::size_t chunk_elems = 4096,
                                         int deflate_level = 4) {
    return AppendableDataset<T>(
        create_appendable_numeric(name, detail::element_type_of<T>(), chunk_elems, deflate_level));
  }
  // The same for an enum with base int8 (the dataset's type is the HDF5 enum of `members`).
  AppendableDataset<std::int8_t> create_appendable(std::string_view name,
                                                   const EnumMembers& members,
                                                   std::size_t chunk_elems = 4096,
                                                   int deflate_level = 4);
  // Reopens an appendable dataset of a file opened by File::open_append, to append after the rows
  // already there (resuming a run, merging shards). It must be 1-D, chunked and extendible, of
  // T's element type; an enum with base int8 is reopened with T = int8_t, its members checking
  // appended values. Otherwise Error. Chunking, filters and type stay as created.
  template <Number T>
  AppendableDataset<T> open_appendable(std::string_view name) {
    return AppendableDataset<T>(open_appendable_numeric(name, detail::element_type_of<T>()));
  }

 private:
  detail::AppendableBase create_appendable_numeric(std::string_view name, detail::ElementType type,
                                                   std::size_t chunk_elems, int deflate_level);
  detail::AppendableBase open_appendable_numeric(std::string_view name, detail::ElementType type);
};

class File {
 public:
  // Creates (truncating) the HDF5 file at `path`, for writing. Atomic replacement of an output is
  // not done here: write to io::AtomicOutput::temporary() and commit it after close().
  static File create(const std::filesystem::path& path);
  // Opens an existing file read-only.
  static File open_read(const std::filesystem::path& path);
  // Opens an existing file for reading and writing: Group::open_appendable continues its
  // appendable datasets, and new objects can be added (in the same HDF5 1.8 object format).
  static File open_append(const std::filesystem::path& path);

  File(File&& other) noexcept;
  File& operator=(File&& other) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  // Closes the file if still open, ignoring failures.
  ~File();

  Group root() const;
  // Flushes (if writable) and closes the file; every Group / Dataset obtained from it is invalid
  // afterwards. Throws Error on failure; does nothing if already closed.
  void close();

 private:
  File() = default;

  Handle file_;
  std::filesystem::path path_;
  bool writable_ = false;
};

}  // namespace launchmc::io::h5
