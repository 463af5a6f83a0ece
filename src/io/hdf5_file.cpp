// Implementation of the RAII wrapper over the HDF5 C API declared in io/hdf5_file.hpp
// (serial HDF5 >= 1.10; every call comes from one thread, see the header).
#include "io/hdf5_file.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

static_assert(std::is_same_v<hid_t, launchmc::io::h5::Hid>,
              "launchmc::io::h5::Hid must equal hid_t (HDF5 >= 1.10)");

namespace launchmc::io::h5 {
namespace {

// ---------------------------------------------------------------------------------------------
// Error reporting

void disable_auto_print() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

struct InnermostError {
  std::string description;
  std::string function;
  hid_t minor = -1;
  bool found = false;
};

herr_t walk_error(unsigned n, const H5E_error2_t* err, void* data) {
  // H5E_WALK_UPWARD starts with the most specific (innermost) entry, n == 0.
  auto* out = static_cast<InnermostError*>(data);
  if (n == 0 && err != nullptr) {
    out->description = err->desc != nullptr ? err->desc : "";
    out->function = err->func_name != nullptr ? err->func_name : "";
    out->minor = err->min_num;
    out->found = true;
  }
  return 0;
}

// The innermost message of the current HDF5 error stack, which is then cleared. Must be called
// before any other HDF5 API call, as those reset the stack.
std::string innermost_error() {
  InnermostError info;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walk_error, &info);
  std::string message = info.description;
  if (info.found && info.minor >= 0) {
    char minor[256] = {};
    H5E_type_t kind{};
    if (H5Eget_msg(info.minor, &kind, minor, sizeof minor) > 0 && minor[0] != '\0') {
      message += message.empty() ? std::string(minor) : " (" + std::string(minor) + ")";
    }
  }
  if (!info.function.empty()) message += " [" + info.function + "]";
  H5Eclear2(H5E_DEFAULT);
  return message.empty() ? "no HDF5 error information" : message;
}

std::string file_name_of(hid_t id) {
  const ssize_t length = H5Fget_name(id, nullptr, 0);
  if (length <= 0) return "?";
  std::string name(static_cast<std::size_t>(length) + 1, '\0');
  H5Fget_name(id, name.data(), name.size());
  name.resize(static_cast<std::size_t>(length));
  return name;
}

std::string object_name_of(hid_t id) {
  const ssize_t length = H5Iget_name(id, nullptr, 0);
  if (length <= 0) return "";
  std::string name(static_cast<std::size_t>(length) + 1, '\0');
  H5Iget_name(id, name.data(), name.size());
  name.resize(static_cast<std::size_t>(length));
  return name;
}

std::string join_path(const std::string& base, std::string_view child) {
  if (child.empty()) return base.empty() ? "/" : base;
  if (child.front() == '/') return std::string(child);
  if (base.empty() || base == "/") return "/" + std::string(child);
  return base + "/" + std::string(child);
}

// Throws Error for a failed operation on `child` (a name relative to object `loc`, or empty for
// loc itself). reason empty: the innermost HDF5 error-stack message is used.
[[noreturn]] void fail(hid_t loc, std::string_view operation, std::string_view child,
                       std::string_view reason = {}) {
  const std::string cause = reason.empty() ? innermost_error() : std::string(reason);
  std::string where = "'" + join_path(object_name_of(loc), child) + "'";
  where += " in '" + file_name_of(loc) + "'";
  H5Eclear2(H5E_DEFAULT);
  throw Error("HDF5: cannot " + std::string(operation) + " " + where + ": " + cause);
}

hid_t check_id(hid_t id, hid_t loc, std::string_view operation, std::string_view child) {
  if (id < 0) fail(loc, operation, child);
  return id;
}

void check_status(herr_t status, hid_t loc, std::string_view operation, std::string_view child) {
  if (status < 0) fail(loc, operation, child);
}

Handle make(hid_t id, hid_t loc, std::string_view operation, std::string_view child) {
  return Handle(check_id(id, loc, operation, child));
}

herr_t close_id(hid_t id) noexcept {
  switch (H5Iget_type(id)) {
    case H5I_FILE:
      return H5Fclose(id);
    case H5I_GROUP:
      return H5Gclose(id);
    case H5I_DATASET:
      return H5Dclose(id);
    case H5I_DATASPACE:
      return H5Sclose(id);
    case H5I_DATATYPE:
      return H5Tclose(id);
    case H5I_GENPROP_LST:
      return H5Pclose(id);
    case H5I_ATTR:
      return H5Aclose(id);
    default:
      return -1;  // unknown type, or already closed (e.g. by H5F_CLOSE_STRONG)
  }
}

// ---------------------------------------------------------------------------------------------
// Types and property lists

struct TypePair {
  hid_t memory;
  hid_t file;
};

TypePair types_of(detail::ElementType type) {
  using detail::ElementType;
  switch (type) {
    case ElementType::kFloat64:
      return {H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE};
    case ElementType::kFloat32:
      return {H5T_NATIVE_FLOAT, H5T_IEEE_F32LE};
    case ElementType::kInt8:
      return {H5T_NATIVE_INT8, H5T_STD_I8LE};
    case ElementType::kUInt8:
      return {H5T_NATIVE_UINT8, H5T_STD_U8LE};
    case ElementType::kInt32:
      return {H5T_NATIVE_INT32, H5T_STD_I32LE};
    case ElementType::kInt64:
      return {H5T_NATIVE_INT64, H5T_STD_I64LE};
    case ElementType::kUInt64:
      return {H5T_NATIVE_UINT64, H5T_STD_U64LE};
  }
  throw Error("HDF5: unknown element type");
}

template <Number T>
hid_t memory_type_of() {
  return types_of(detail::element_type_of<T>()).memory;
}

template <Number T>
const char* type_name_of() {
  if constexpr (std::same_as<T, double>) return "double";
  if constexpr (std::same_as<T, float>) return "float";
  if constexpr (std::same_as<T, std::int8_t>) return "int8";
  if constexpr (std::same_as<T, std::uint8_t>) return "uint8";
  if constexpr (std::same_as<T, std::int32_t>) return "int32";
  if constexpr (std::same_as<T, std::int64_t>) return "int64";
  if constexpr (std::same_as<T, std::uint64_t>) return "uint64";
}

// Variable-length UTF-8 string type.
Handle vlen_utf8_type(hid_t loc) {
  Handle type = make(H5Tcopy(H5T_C_S1), loc, "create string type for", "");
  check_status(H5Tset_size(type.id(), H5T_VARIABLE), loc, "create string type for", "");
  check_status(H5Tset_cset(type.id(), H5T_CSET_UTF8), loc, "create string type for", "");
  return type;
}

// Link creation: intermediate groups are created, names are tagged UTF-8.
Handle link_create_plist(hid_t loc, std::string_view child) {
  Handle plist = make(H5Pcreate(H5P_LINK_CREATE), loc, "create link property list for", child);
  check_status(H5Pset_create_intermediate_group(plist.id(), 1), loc, "configure link for", child);
  check_status(H5Pset_char_encoding(plist.id(), H5T_CSET_UTF8), loc, "configure link for", child);
  return plist;
}

// State of strict_conversion for one read.
struct ConversionGuard {
  const char* destination_name;  // e.g. "int32", for messages
  bool destination_is_float;
  bool refused = false;  // set when a value was refused
};

// Conversion exception handler: lossy conversions abort the read, except loss of precision
// (int64 -> double) and NaN/inf into a floating-point destination.
H5T_conv_ret_t strict_conversion(H5T_conv_except_t except, hid_t, hid_t, void*, void*,
                                 void* user_data) {
  auto* guard = static_cast<ConversionGuard*>(user_data);
  switch (except) {
    case H5T_CONV_EXCEPT_PRECISION:
      return H5T_CONV_UNHANDLED;
    case H5T_CONV_EXCEPT_PINF:
    case H5T_CONV_EXCEPT_NINF:
    case H5T_CONV_EXCEPT_NAN:
      if (guard->destination_is_float) return H5T_CONV_UNHANDLED;
      break;
    default:
      break;
  }
  guard->refused = true;
  return H5T_CONV_ABORT;
}

// Transfer property list with strict_conversion; guard must outlive its use.
Handle strict_transfer_plist(hid_t loc, std::string_view child, ConversionGuard* guard) {
  Handle plist = make(H5Pcreate(H5P_DATASET_XFER), loc, "create transfer property list for", child);
  check_status(H5Pset_type_conv_cb(plist.id(), strict_conversion, guard), loc,
               "configure transfer for", child);
  return plist;
}

// check_status for a converting read: names a refused conversion explicitly.
void check_conversion(herr_t status, const ConversionGuard& guard, hid_t loc,
                      std::string_view operation, std::string_view child) {
  if (status >= 0) return;
  if (guard.refused) {
    H5Eclear2(H5E_DEFAULT);
    fail(loc, operation, child,
         std::string("a stored value is not representable as ") + guard.destination_name +
             " (out of range, fractional, NaN or infinite); lossy conversion refused");
  }
  fail(loc, operation, child);
}

std::string to_c_string(std::string_view text, hid_t loc, std::string_view operation,
                        std::string_view child) {
  if (text.find('\0') != std::string_view::npos) {
    fail(loc, operation, child, "string contains a NUL character");
  }
  return std::string(text);
}

std::string checked_name(std::string_view name, hid_t loc, std::string_view operation) {
  if (name.empty()) fail(loc, operation, name, "empty name");
  return to_c_string(name, loc, operation, name);
}

// Operation text naming an attribute, e.g. "write attribute 'units' of"; errors then read
// "cannot write attribute 'units' of '/x' in 'f.h5': ...".
std::string attribute_operation(std::string_view verb, std::string_view name) {
  return std::string(verb) + " attribute '" + std::string(name) + "' of";
}

std::string checked_attribute_name(std::string_view name, hid_t obj, std::string_view operation) {
  if (name.empty()) fail(obj, operation, "", "empty attribute name");
  return to_c_string(name, obj, operation, "");
}

// ---------------------------------------------------------------------------------------------
// Dataspaces and reading helpers

// Number of elements of a scalar or 1-D dataspace.
std::size_t element_count(hid_t space, hid_t loc, std::string_view operation,
                          std::string_view child) {
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) fail(loc, operation, child);
  if (rank > 1) {
    fail(loc, operation, child, "rank " + std::to_string(rank) + ", expected 0 or 1");
  }
  if (H5Sget_simple_extent_type(space) == H5S_NULL) return 0;
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  if (n < 0) fail(loc, operation, child);
  return static_cast<std::size_t>(n);
}

std::string class_name(H5T_class_t type_class) {
  switch (type_class) {
    case H5T_INTEGER:
      return "integer";
    case H5T_FLOAT:
      return "float";
    case H5T_STRING:
      return "string";
    case H5T_ENUM:
      return "enum";
    case H5T_COMPOUND:
      return "compound";
    case H5T_ARRAY:
      return "array";
    case H5T_VLEN:
      return "vlen";
    default:
      return "class " + std::to_string(static_cast<int>(type_class));
  }
}

// Reads `count` numbers of dataset or attribute `obj` (file type file_type) into out, converted
// to memory type `destination`. Reads the stored representation first and converts afterwards
// with H5Tconvert, so enums (whose conversion to integers HDF5 does not provide) and attributes
// (H5Aread takes no transfer property list) get the same strict conversion. Errors name
// `child` relative to `loc`.
void read_numbers_converted(hid_t obj, bool is_attribute, hid_t file_type, std::size_t count,
                            hid_t destination, ConversionGuard& guard, void* out,
                            std::size_t out_size, hid_t loc, std::string_view operation,
                            std::string_view child) {
  Handle stored = make(H5Tget_native_type(file_type, H5T_DIR_ASCEND), loc, operation, child);
  Handle source;
  if (H5Tget_class(stored.id()) == H5T_ENUM) {
    source = make(H5Tget_super(stored.id()), loc, operation, child);
  } else {
    source = make(H5Tcopy(stored.id()), loc, operation, child);
  }
  const std::size_t element = std::max(H5Tget_size(stored.id()), out_size);
  std::vector<unsigned char> buffer(count * element);
  const herr_t status =
      is_attribute ? H5Aread(obj, stored.id(), buffer.data())
                   : H5Dread(obj, stored.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data());
  check_status(status, loc, operation, child);
  Handle transfer = strict_transfer_plist(loc, child, &guard);
  check_conversion(
      H5Tconvert(source.id(), destination, count, buffer.data(), nullptr, transfer.id()), guard,
      loc, operation, child);
  std::memcpy(out, buffer.data(), count * out_size);
}

void require_numeric(hid_t obj, hid_t file_type, std::string_view operation) {
  const H5T_class_t type_class = H5Tget_class(file_type);
  if (type_class != H5T_INTEGER && type_class != H5T_FLOAT && type_class != H5T_ENUM) {
    fail(obj, operation, "", "stored type is " + class_name(type_class) + ", not numeric");
  }
}

Handle open_dataset(hid_t loc, std::string_view name, std::string_view operation) {
  const std::string c_name = checked_name(name, loc, operation);
  return make(H5Dopen2(loc, c_name.c_str(), H5P_DEFAULT), loc, operation, name);
}

// operation must name the attribute (attribute_operation).
Handle open_attribute(hid_t obj, std::string_view name, std::string_view operation) {
  const std::string c_name = checked_attribute_name(name, obj, operation);
  return make(H5Aopen(obj, c_name.c_str(), H5P_DEFAULT), obj, operation, "");
}

template <Number T>
std::vector<T> read_numeric_dataset(hid_t loc, std::string_view name) {
  const std::string operation = std::string("read ") + type_name_of<T>() + " values of dataset";
  Handle dataset = open_dataset(loc, name, operation);
  const hid_t ds = dataset.id();
  Handle space = make(H5Dget_space(ds), ds, operation, "");
  Handle file_type = make(H5Dget_type(ds), ds, operation, "");
  if (H5Sget_simple_extent_ndims(space.id()) != 1) {
    fail(ds, operation, "", "dataset is not 1-D");
  }
  const std::size_t count = element_count(space.id(), ds, operation, "");
  require_numeric(ds, file_type.id(), operation);
  std::vector<T> values(count);
  if (count == 0) return values;
  ConversionGuard guard{type_name_of<T>(), std::is_floating_point_v<T>};
  if (H5Tget_class(file_type.id()) == H5T_ENUM) {
    read_numbers_converted(ds, false, file_type.id(), count, memory_type_of<T>(), guard,
                           values.data(), sizeof(T), ds, operation, "");
  } else {
    Handle transfer = strict_transfer_plist(ds, "", &guard);
    check_conversion(
        H5Dread(ds, memory_type_of<T>(), H5S_ALL, H5S_ALL, transfer.id(), values.data()), guard, ds,
        operation, "");
  }
  return values;
}

template <Number T>
void read_numeric_range(hid_t loc, std::string_view name, std::size_t offset, std::size_t count,
                        std::vector<T>& out) {
  const std::string operation =
      std::string("read a range of ") + type_name_of<T>() + " values of dataset";
  Handle dataset = open_dataset(loc, name, operation);
  const hid_t ds = dataset.id();
  Handle space = make(H5Dget_space(ds), ds, operation, "");
  Handle file_type = make(H5Dget_type(ds), ds, operation, "");
  const std::size_t size = element_count(space.id(), ds, operation, "");
  if (offset + count > size) fail(ds, operation, "", "range beyond the end of the dataset");
  out.resize(count);
  if (count == 0) return;
  const hsize_t start[1] = {static_cast<hsize_t>(offset)};
  const hsize_t n[1] = {static_cast<hsize_t>(count)};
  check_status(H5Sselect_hyperslab(space.id(), H5S_SELECT_SET, start, nullptr, n, nullptr), ds,
               operation, "");
  Handle memory_space = make(H5Screate_simple(1, n, nullptr), ds, operation, "");
  // An int8-based enum is read with its own type: the integer codes, byte for byte.
  const bool enum8 = H5Tget_class(file_type.id()) == H5T_ENUM && sizeof(T) == 1 &&
                     H5Tget_size(file_type.id()) == 1;
  const hid_t memory_type = enum8 ? file_type.id() : memory_type_of<T>();
  check_status(H5Dread(ds, memory_type, memory_space.id(), space.id(), H5P_DEFAULT, out.data()), ds,
               operation, "");
}

template <Number T>
std::vector<T> read_numeric_attribute(hid_t obj, std::string_view name) {
  const std::string operation = attribute_operation(std::string("read ") + type_name_of<T>(), name);
  Handle attribute = open_attribute(obj, name, operation);
  const hid_t attr = attribute.id();
  Handle space = make(H5Aget_space(attr), obj, operation, "");
  Handle file_type = make(H5Aget_type(attr), obj, operation, "");
  const std::size_t count = element_count(space.id(), obj, operation, "");
  require_numeric(obj, file_type.id(), operation);
  std::vector<T> values(count);
  if (count == 0) return values;
  ConversionGuard guard{type_name_of<T>(), std::is_floating_point_v<T>};
  read_numbers_converted(attr, true, file_type.id(), count, memory_type_of<T>(), guard,
                         values.data(), sizeof(T), obj, operation, "");
  return values;
}

template <Number T>
T read_scalar_attribute(hid_t obj, std::string_view name) {
  const std::vector<T> values = read_numeric_attribute<T>(obj, name);
  if (values.size() != 1) {
    fail(obj, attribute_operation(std::string("read ") + type_name_of<T>(), name), "",
         "has " + std::to_string(values.size()) + " elements, expected 1");
  }
  return values.front();
}

// Reads strings from a dataset or attribute of string type (variable or fixed length).
std::vector<std::string> read_string_values(hid_t obj, bool is_attribute, hid_t file_type,
                                            hid_t space, std::size_t count, hid_t loc,
                                            std::string_view operation, std::string_view child) {
  std::vector<std::string> values;
  values.reserve(count);
  if (H5Tget_class(file_type) != H5T_STRING) {
    fail(loc, operation, child,
         "stored type is " + class_name(H5Tget_class(file_type)) + ", not string");
  }
  if (count == 0) return values;
  const H5T_cset_t cset = H5Tget_cset(file_type);
  Handle memory = make(H5Tcopy(H5T_C_S1), loc, operation, child);
  check_status(H5Tset_cset(memory.id(), cset), loc, operation, child);
  const htri_t variable = H5Tis_variable_str(file_type);
  if (variable < 0) fail(loc, operation, child);
  if (variable > 0) {
    check_status(H5Tset_size(memory.id(), H5T_VARIABLE), loc, operation, child);
    std::vector<char*> pointers(count, nullptr);
    const herr_t status =
        is_attribute ? H5Aread(obj, memory.id(), pointers.data())
                     : H5Dread(obj, memory.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data());
    check_status(status, loc, operation, child);
    for (const char* p : pointers) values.emplace_back(p != nullptr ? p : "");
#if H5_VERSION_GE(1, 12, 0)
    H5Treclaim(memory.id(), space, H5P_DEFAULT, pointers.data());
#else
    H5Dvlen_reclaim(memory.id(), space, H5P_DEFAULT, pointers.data());
#endif
  } else {
    const std::size_t size = H5Tget_size(file_type);
    if (size == 0) fail(loc, operation, child);
    check_status(H5Tset_size(memory.id(), size), loc, operation, child);
    check_status(H5Tset_strpad(memory.id(), H5T_STR_NULLPAD), loc, operation, child);
    std::vector<char> buffer(count * size, '\0');
    const herr_t status =
        is_attribute ? H5Aread(obj, memory.id(), buffer.data())
                     : H5Dread(obj, memory.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data());
    check_status(status, loc, operation, child);
    for (std::size_t i = 0; i < count; ++i) {
      const char* begin = buffer.data() + i * size;
      values.emplace_back(begin, strnlen(begin, size));
    }
  }
  return values;
}

// Creates (replacing an existing one) and writes the scalar attribute `name` of object `obj`.
void write_attribute(hid_t obj, std::string_view name, hid_t file_type, hid_t memory_type,
                     const void* data) {
  const std::string operation = attribute_operation("write", name);
  const std::string c_name = checked_attribute_name(name, obj, operation);
  const htri_t exists = H5Aexists(obj, c_name.c_str());
  if (exists < 0) fail(obj, operation, "");
  if (exists > 0) check_status(H5Adelete(obj, c_name.c_str()), obj, operation, "");
  Handle plist = make(H5Pcreate(H5P_ATTRIBUTE_CREATE), obj, operation, "");
  check_status(H5Pset_char_encoding(plist.id(), H5T_CSET_UTF8), obj, operation, "");
  Handle space = make(H5Screate(H5S_SCALAR), obj, operation, "");
  Handle attribute =
      make(H5Acreate2(obj, c_name.c_str(), file_type, space.id(), plist.id(), H5P_DEFAULT), obj,
           operation, "");
  check_status(H5Awrite(attribute.id(), memory_type, data), obj, operation, "");
}

// Creates a 1-D dataset of `count` elements and writes data (if count > 0).
Dataset write_1d(hid_t loc, std::string_view name, hid_t file_type, hid_t memory_type,
                 const void* data, std::size_t count) {
  const std::string operation = "write dataset";
  const std::string c_name = checked_name(name, loc, operation);
  const hsize_t dims[1] = {count};
  Handle space = make(H5Screate_simple(1, dims, nullptr), loc, operation, name);
  Handle lcpl = link_create_plist(loc, name);
  Handle dataset = make(
      H5Dcreate2(loc, c_name.c_str(), file_type, space.id(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT),
      loc, operation, name);
  if (count > 0) {
    // A type conversion buffer as large as the data needs (at least 1 KiB), not HDF5's default
    // 1 MiB: HDF5 clears the whole buffer for every write that converts (variable-length strings
    // do), which cost ~8 % of a short run's time in page faults and memset, a file's dozen string
    // datasets at 1 MiB each (the checkpoint writes a file every few seconds).
    Handle dxpl = make(H5Pcreate(H5P_DATASET_XFER), loc, operation, name);
    const std::size_t element = std::max(H5Tget_size(file_type), H5Tget_size(memory_type));
    check_status(H5Pset_buffer(dxpl.id(), std::max<std::size_t>(1024, 2 * element * count), nullptr,
                               nullptr),
                 loc, operation, name);
    check_status(H5Dwrite(dataset.id(), memory_type, H5S_ALL, H5S_ALL, dxpl.id(), data), loc,
                 operation, name);
  }
  return Dataset(std::move(dataset));
}

// Enum type with base native int8 and the set of its values (indexed by value + 128).
Handle make_enum_type(hid_t loc, std::string_view name, const EnumMembers& members,
                      std::vector<bool>& allowed) {
  const std::string operation = "create enum type for";
  if (members.empty()) fail(loc, operation, name, "an enum needs at least one member");
  Handle type = make(H5Tenum_create(H5T_NATIVE_INT8), loc, operation, name);
  allowed.assign(256, false);
  for (const auto& [member, value] : members) {
    const std::string c_member = to_c_string(member, loc, operation, name);
    if (c_member.empty()) fail(loc, operation, name, "empty enum member name");
    if (allowed[static_cast<std::size_t>(value + 128)]) {
      fail(loc, operation, name, "duplicate enum value " + std::to_string(value));
    }
    if (H5Tenum_insert(type.id(), c_member.c_str(), &value) < 0) {
      fail(loc, operation, name, "cannot insert member '" + c_member + "': " + innermost_error());
    }
    allowed[static_cast<std::size_t>(value + 128)] = true;
  }
  return type;
}

void check_enum_values(std::span<const std::int8_t> values, const std::vector<bool>& allowed,
                       hid_t loc, std::string_view child) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!allowed[static_cast<std::size_t>(values[i] + 128)]) {
      fail(loc, "write enum values to", child,
           "value " + std::to_string(values[i]) + " at index " + std::to_string(i) +
               " is not a member of the enum");
    }
  }
}

// Access to an appendable dataset. Appends touch the last, partially filled chunk repeatedly:
// cache two chunks and evict fully written chunks first (w0 = 1). No more: a run file has ~100
// such datasets, and HDF5's default 1 MiB per dataset would hold ~100 MB of finished chunks
// (memory must stay flat).
Handle appendable_access_plist(hid_t loc, std::string_view name, std::size_t chunk_bytes,
                               std::string_view operation) {
  Handle dapl = make(H5Pcreate(H5P_DATASET_ACCESS), loc, operation, name);
  check_status(H5Pset_chunk_cache(dapl.id(), H5D_CHUNK_CACHE_NSLOTS_DEFAULT, 2 * chunk_bytes, 1.0),
               loc, operation, name);
  return dapl;
}

// A stored type in words, e.g. "float64", "uint8", "enum of int8", "string".
std::string describe_type(hid_t type) {
  const H5T_class_t type_class = H5Tget_class(type);
  const std::string bits = std::to_string(8 * H5Tget_size(type));
  switch (type_class) {
    case H5T_FLOAT:
      return "float" + bits;
    case H5T_INTEGER:
      return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + bits;
    case H5T_ENUM: {
      const Handle base(H5Tget_super(type));
      return base.id() < 0 ? "enum" : "enum of " + describe_type(base.id());
    }
    default:
      return class_name(type_class);
  }
}

// True if the stored type holds the element type's values as they are: same class, size and
// (for integers) sign; the byte order may differ (HDF5 converts).
bool same_element_type(hid_t stored, hid_t expected) {
  if (H5Tget_class(stored) != H5Tget_class(expected)) return false;
  if (H5Tget_size(stored) != H5Tget_size(expected)) return false;
  return H5Tget_class(stored) != H5T_INTEGER || H5Tget_sign(stored) == H5Tget_sign(expected);
}

detail::AppendableBase create_appendable_impl(hid_t loc, std::string_view name, hid_t file_type,
                                              Handle memory_type, std::vector<bool> allowed,
                                              std::size_t chunk_elems, int deflate_level) {
  const std::string operation = "create appendable dataset";
  const std::string c_name = checked_name(name, loc, operation);
  if (chunk_elems == 0) fail(loc, operation, name, "chunk_elems must be > 0");
  if (deflate_level < 0 || deflate_level > 9) {
    fail(loc, operation, name, "deflate_level must be in 0..9");
  }
  const hsize_t dims[1] = {0};
  const hsize_t max_dims[1] = {H5S_UNLIMITED};
  Handle space = make(H5Screate_simple(1, dims, max_dims), loc, operation, name);
  Handle dcpl = make(H5Pcreate(H5P_DATASET_CREATE), loc, operation, name);
  const hsize_t chunk[1] = {chunk_elems};
  check_status(H5Pset_chunk(dcpl.id(), 1, chunk), loc, operation, name);
  // Every element of an appendable dataset is written by the append that extends it: filling new
  // chunks with the fill value first would be wasted work (HDF5 clears and fills each chunk
  // buffer, ~64 KB per dataset and chunk; a run file has ~150 such datasets).
  check_status(H5Pset_fill_time(dcpl.id(), H5D_FILL_TIME_NEVER), loc, operation, name);
  if (deflate_level > 0) {
    if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0) {
      fail(loc, operation, name, "the deflate filter is not available in this HDF5 library");
    }
    check_status(H5Pset_shuffle(dcpl.id()), loc, operation, name);
    check_status(H5Pset_deflate(dcpl.id(), static_cast<unsigned>(deflate_level)), loc, operation,
                 name);
  }
  Handle dapl = appendable_access_plist(loc, name, chunk_elems * H5Tget_size(file_type), operation);
  Handle lcpl = link_create_plist(loc, name);
  Handle dataset =
      make(H5Dcreate2(loc, c_name.c_str(), file_type, space.id(), lcpl.id(), dcpl.id(), dapl.id()),
           loc, operation, name);
  return detail::AppendableBase(std::move(dataset), std::move(memory_type), std::move(allowed));
}

#if H5_VERSION_GE(1, 12, 0)
herr_t collect_link(hid_t, const char* name, const H5L_info2_t*, void* data) {
#else
herr_t collect_link(hid_t, const char* name, const H5L_info_t*, void* data) {
#endif
  static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  return 0;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Handle

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = std::exchange(other.id_, -1);
  }
  return *this;
}

bool Handle::valid() const noexcept { return id_ >= 0 && H5Iis_valid(id_) > 0; }

void Handle::close() {
  if (id_ < 0) return;
  const hid_t id = std::exchange(id_, -1);
  if (close_id(id) < 0) throw Error("HDF5: cannot close identifier: " + innermost_error());
}

void Handle::reset() noexcept {
  if (id_ < 0) return;
  const hid_t id = std::exchange(id_, -1);
  if (close_id(id) < 0) H5Eclear2(H5E_DEFAULT);
}

// ---------------------------------------------------------------------------------------------
// Object

void Object::require_valid(std::string_view operation) const {
  if (!handle_.valid()) {
    throw Error("HDF5: cannot " + std::string(operation) +
                " an invalid object (default-constructed, moved-from, or its file was closed)");
  }
}

void Object::write_string_attribute(std::string_view name, std::string_view value) {
  require_valid("write attribute of");
  const std::string operation = attribute_operation("write", name);
  const std::string text = to_c_string(value, id(), operation, "");
  Handle type = vlen_utf8_type(id());
  const char* pointer = text.c_str();
  write_attribute(id(), name, type.id(), type.id(), &pointer);
}

void Object::write_number_attribute(std::string_view name, detail::ElementType type,
                                    const void* value) {
  require_valid("write attribute of");
  const TypePair types = types_of(type);
  write_attribute(id(), name, types.file, types.memory, value);
}

bool Object::has_attribute(std::string_view name) const {
  require_valid("query attribute of");
  const std::string operation = attribute_operation("query", name);
  const std::string c_name = checked_attribute_name(name, id(), operation);
  const htri_t exists = H5Aexists(id(), c_name.c_str());
  if (exists < 0) fail(id(), operation, "");
  return exists > 0;
}

template <Element T>
T Object::attribute(std::string_view name) const {
  require_valid("read attribute of");
  if constexpr (std::same_as<T, std::string>) {
    const std::string operation = attribute_operation("read string", name);
    Handle attribute = open_attribute(id(), name, operation);
    Handle space = make(H5Aget_space(attribute.id()), id(), operation, "");
    Handle file_type = make(H5Aget_type(attribute.id()), id(), operation, "");
    const std::size_t count = element_count(space.id(), id(), operation, "");
    if (count != 1) {
      fail(id(), operation, "", "has " + std::to_string(count) + " elements, expected 1");
    }
    return read_string_values(attribute.id(), true, file_type.id(), space.id(), count, id(),
                              operation, "")
        .front();
  } else {
    return read_scalar_attribute<T>(id(), name);
  }
}

// ---------------------------------------------------------------------------------------------
// Dataset and AppendableDataset

void detail::AppendableBase::append_raw(const void* data, std::size_t count) {
  require_valid("append to");
  if (count == 0) return;
  const hid_t ds = id();
  if (!allowed_values_.empty()) {
    check_enum_values(std::span(static_cast<const std::int8_t*>(data), count), allowed_values_, ds,
                      "");
  }
  const hsize_t old_size[1] = {size_};
  const hsize_t new_size[1] = {size_ + count};
  const hsize_t block[1] = {count};
  check_status(H5Dset_extent(ds, new_size), ds, "extend dataset", "");
  try {
    Handle file_space = make(H5Dget_space(ds), ds, "append to dataset", "");
    check_status(
        H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, old_size, nullptr, block, nullptr), ds,
        "append to dataset", "");
    Handle memory_space = make(H5Screate_simple(1, block, nullptr), ds, "append to dataset", "");
    check_status(
        H5Dwrite(ds, memory_type_.id(), memory_space.id(), file_space.id(), H5P_DEFAULT, data), ds,
        "append to dataset", "");
  } catch (const Error&) {
    H5Dset_extent(ds, old_size);  // best effort: keep the extent equal to the data written
    H5Eclear2(H5E_DEFAULT);
    throw;
  }
  size_ += count;
}

// ---------------------------------------------------------------------------------------------
// Group

Group Group::create_group(std::string_view name) {
  require_valid("create group in");
  const std::string c_name = checked_name(name, id(), "create group");
  Handle lcpl = link_create_plist(id(), name);
  return Group(make(H5Gcreate2(id(), c_name.c_str(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT), id(),
                    "create group", name));
}

Group Group::open_group(std::string_view name) const {
  require_valid("open group in");
  const std::string c_name = checked_name(name, id(), "open group");
  return Group(make(H5Gopen2(id(), c_name.c_str(), H5P_DEFAULT), id(), "open group", name));
}

bool Group::has(std::string_view name) const {
  require_valid("query link in");
  const std::string c_name = checked_name(name, id(), "query link");
  // Check every path component: H5Lexists fails on a missing intermediate group.
  std::size_t end = c_name.front() == '/' ? 1 : 0;
  while (end != std::string::npos) {
    end = c_name.find('/', end + 1);
    const std::string prefix = c_name.substr(0, end);
    if (prefix == "/" || prefix.empty() || prefix.back() == '/') continue;
    const htri_t exists = H5Lexists(id(), prefix.c_str(), H5P_DEFAULT);
    H5Eclear2(H5E_DEFAULT);
    if (exists <= 0) return false;
  }
  return true;
}

void Group::remove(std::string_view name) {
  require_valid("remove link in");
  const std::string c_name = checked_name(name, id(), "remove link");
  check_status(H5Ldelete(id(), c_name.c_str(), H5P_DEFAULT), id(), "remove link", name);
}

std::vector<std::string> Group::children() const {
  require_valid("list children of");
  std::vector<std::string> names;
  hsize_t index = 0;
#if H5_VERSION_GE(1, 12, 0)
  const herr_t status = H5Literate2(id(), H5_INDEX_NAME, H5_ITER_INC, &index, collect_link, &names);
#else
  const herr_t status = H5Literate(id(), H5_INDEX_NAME, H5_ITER_INC, &index, collect_link, &names);
#endif
  check_status(status, id(), "list children of group", "");
  std::sort(names.begin(), names.end());
  return names;
}

template <Element T>
Dataset Group::write(std::string_view name, std::span<const T> values) {
  require_valid("write dataset in");
  if constexpr (std::same_as<T, std::string>) {
    std::vector<const char*> pointers;
    pointers.reserve(values.size());
    for (const std::string& value : values) {
      if (value.find('\0') != std::string::npos) {
        fail(id(), "write dataset", name, "string contains a NUL character");
      }
      pointers.push_back(value.c_str());
    }
    Handle type = vlen_utf8_type(id());
    return write_1d(id(), name, type.id(), type.id(), pointers.data(), pointers.size());
  } else {
    const TypePair types = types_of(detail::element_type_of<T>());
    return write_1d(id(), name, types.file, types.memory, values.data(), values.size());
  }
}

template <Number T>
void Group::read_range(std::string_view name, std::size_t offset, std::size_t count,
                       std::vector<T>& out) const {
  require_valid("read a range of a dataset");
  read_numeric_range<T>(id(), name, offset, count, out);
}

std::size_t Group::dataset_size(std::string_view name) const {
  require_valid("get the size of a dataset in");
  const std::string operation = "get the size of dataset";
  Handle dataset = open_dataset(id(), name, operation);
  Handle space = make(H5Dget_space(dataset.id()), dataset.id(), operation, "");
  return element_count(space.id(), dataset.id(), operation, "");
}

template <Element T>
std::vector<T> Group::read(std::string_view name) const {
  require_valid("read dataset in");
  if constexpr (std::same_as<T, std::string>) {
    const std::string operation = "read string dataset";
    Handle dataset = open_dataset(id(), name, operation);
    const hid_t ds = dataset.id();
    Handle space = make(H5Dget_space(ds), ds, operation, "");
    Handle file_type = make(H5Dget_type(ds), ds, operation, "");
    if (H5Sget_simple_extent_ndims(space.id()) != 1) fail(ds, operation, "", "dataset is not 1-D");
    const std::size_t count = element_count(space.id(), ds, operation, "");
    return read_string_values(ds, false, file_type.id(), space.id(), count, ds, operation, "");
  } else {
    return read_numeric_dataset<T>(id(), name);
  }
}

detail::AppendableBase Group::create_appendable_numeric(std::string_view name,
                                                        detail::ElementType type,
                                                        std::size_t chunk_elems,
                                                        int deflate_level) {
  require_valid("create dataset in");
  const TypePair types = types_of(type);
  Handle memory = make(H5Tcopy(types.memory), id(), "create appendable dataset", name);
  return create_appendable_impl(id(), name, types.file, std::move(memory), {}, chunk_elems,
                                deflate_level);
}

AppendableDataset<std::int8_t> Group::create_appendable(std::string_view name,
                                                        const EnumMembers& members,
                                                        std::size_t chunk_elems,
                                                        int deflate_level) {
  require_valid("create dataset in");
  std::vector<bool> allowed;
  Handle type = make_enum_type(id(), name, members, allowed);
  const hid_t file_type = type.id();
  // The enum type serves as both file and memory type (HDF5 has no integer -> enum conversion).
  return AppendableDataset<std::int8_t>(create_appendable_impl(
      id(), name, file_type, std::move(type), std::move(allowed), chunk_elems, deflate_level));
}

detail::AppendableBase Group::open_appendable_numeric(std::string_view name,
                                                      detail::ElementType type) {
  require_valid("open dataset in");
  const std::string operation = "open appendable dataset";
  const std::string c_name = checked_name(name, id(), operation);
  unsigned intent = 0;
  Handle file = make(H5Iget_file_id(id()), id(), operation, name);
  check_status(H5Fget_intent(file.id(), &intent), id(), operation, name);
  if ((intent & H5F_ACC_RDWR) == 0) {
    fail(id(), operation, name, "the file is open read-only (use File::open_append)");
  }
  // What the dataset is: 1-D, chunked, extendible, of T's element type (or an int8-based enum).
  Handle probe = open_dataset(id(), name, operation);
  const hid_t ds = probe.id();
  Handle space = make(H5Dget_space(ds), ds, operation, "");
  Handle dcpl = make(H5Dget_create_plist(ds), ds, operation, "");
  Handle file_type = make(H5Dget_type(ds), ds, operation, "");
  if (H5Sget_simple_extent_ndims(space.id()) != 1) fail(ds, operation, "", "dataset is not 1-D");
  hsize_t dims[1] = {0};
  hsize_t max_dims[1] = {0};
  if (H5Sget_simple_extent_dims(space.id(), dims, max_dims) < 0) fail(ds, operation, "");
  hsize_t chunk[1] = {0};
  if (H5Pget_layout(dcpl.id()) != H5D_CHUNKED || H5Pget_chunk(dcpl.id(), 1, chunk) != 1 ||
      max_dims[0] != H5S_UNLIMITED) {
    fail(ds, operation, "",
         "not an appendable dataset (1-D, chunked, with an unlimited maximum size)");
  }
  const TypePair types = types_of(type);
  Handle memory;
  std::vector<bool> allowed;
  if (H5Tget_class(file_type.id()) == H5T_ENUM) {
    // Appended values are written with the enum type itself and checked against its members.
    Handle native = make(H5Tget_native_type(file_type.id(), H5T_DIR_ASCEND), ds, operation, "");
    Handle base = make(H5Tget_super(native.id()), ds, operation, "");
    if (type != detail::ElementType::kInt8 || !same_element_type(base.id(), types.memory)) {
      fail(ds, operation, "",
           "stored type is " + describe_type(file_type.id()) + ", not " +
               describe_type(types.file) + " (an enum of int8 is appended as int8_t codes)");
    }
    allowed.assign(256, false);
    const int n = H5Tget_nmembers(native.id());
    if (n < 0) fail(ds, operation, "");
    for (int i = 0; i < n; ++i) {
      std::int8_t value = 0;
      check_status(H5Tget_member_value(native.id(), static_cast<unsigned>(i), &value), ds,
                   operation, "");
      allowed[static_cast<std::size_t>(value + 128)] = true;
    }
    memory = std::move(native);
  } else {
    if (!same_element_type(file_type.id(), types.file)) {
      fail(
          ds, operation, "",
          "stored type is " + describe_type(file_type.id()) + ", not " + describe_type(types.file));
    }
    memory = make(H5Tcopy(types.memory), ds, operation, "");
  }
  // Reopened with the chunk cache of a created appendable dataset.
  Handle dapl =
      appendable_access_plist(id(), name, chunk[0] * H5Tget_size(file_type.id()), operation);
  Handle dataset = make(H5Dopen2(id(), c_name.c_str(), dapl.id()), id(), operation, name);
  return detail::AppendableBase(std::move(dataset), std::move(memory), std::move(allowed),
                                static_cast<std::size_t>(dims[0]));
}

// ---------------------------------------------------------------------------------------------
// File

namespace {

// File access: objects still open are closed with the file (H5F_CLOSE_STRONG); new objects use
// the HDF5 1.8 object format.
Handle file_access_plist(const std::filesystem::path& path, std::string_view operation) {
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
  if (fapl.id() < 0 || H5Pset_fclose_degree(fapl.id(), H5F_CLOSE_STRONG) < 0 ||
      H5Pset_libver_bounds(fapl.id(), H5F_LIBVER_V18, H5F_LIBVER_V18) < 0) {
    throw Error("HDF5: cannot " + std::string(operation) + " '" + path.string() +
                "': " + innermost_error());
  }
  return fapl;
}

}  // namespace

File File::create(const std::filesystem::path& path) {
  disable_auto_print();
  if (path.empty() || !path.has_filename()) {
    throw Error("HDF5: cannot create file '" + path.string() + "': not a file path");
  }
  Handle fapl = file_access_plist(path, "create file");
  const hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id());
  if (id < 0) {
    throw Error("HDF5: cannot create file '" + path.string() + "': " + innermost_error());
  }
  File file;
  file.file_ = Handle(id);
  file.path_ = path;
  file.writable_ = true;
  return file;
}

File File::open_read(const std::filesystem::path& path) {
  disable_auto_print();
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) {
    throw Error("HDF5: cannot open file '" + path.string() + "' for reading: " + innermost_error());
  }
  File file;
  file.file_ = Handle(id);
  file.path_ = path;
  return file;
}

File File::open_append(const std::filesystem::path& path) {
  disable_auto_print();
  Handle fapl = file_access_plist(path, "open file for appending");
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.id());
  if (id < 0) {
    throw Error("HDF5: cannot open file '" + path.string() +
                "' for appending: " + innermost_error());
  }
  File file;
  file.file_ = Handle(id);
  file.path_ = path;
  file.writable_ = true;
  return file;
}

File::File(File&& other) noexcept
    : file_(std::move(other.file_)),
      path_(std::move(other.path_)),
      writable_(std::exchange(other.writable_, false)) {}

File& File::operator=(File&& other) noexcept {
  if (this != &other) {
    file_ = std::move(other.file_);
    path_ = std::move(other.path_);
    writable_ = std::exchange(other.writable_, false);
  }
  return *this;
}

File::~File() = default;

Group File::root() const {
  if (!file_.valid()) {
    throw Error("HDF5: cannot open the root group of '" + path_.string() +
                "': the file is not open");
  }
  return Group(make(H5Gopen2(file_.id(), "/", H5P_DEFAULT), file_.id(), "open group", "/"));
}

void File::close() {
  if (file_.id() < 0) return;
  if (writable_ && H5Fflush(file_.id(), H5F_SCOPE_GLOBAL) < 0) {
    const std::string cause = innermost_error();
    file_.reset();
    throw Error("HDF5: cannot flush '" + path_.string() + "': " + cause);
  }
  writable_ = false;
  try {
    file_.close();  // H5F_CLOSE_STRONG: closes every object still open in the file
  } catch (const Error& e) {
    throw Error("HDF5: cannot close '" + path_.string() + "': " + e.what());
  }
}

// ---------------------------------------------------------------------------------------------
// The templates of the header, for every element kind (other types fail their concept at the
// call, so they never reach the linker).

#define LAUNCHMC_H5_INSTANTIATE_NUMBER(T)                                                         \
  template std::vector<T> Group::read<T>(std::string_view) const;                                 \
  template void Group::read_range<T>(std::string_view, std::size_t, std::size_t, std::vector<T>&) \
      const;                                                                                      \
  template Dataset Group::write<T>(std::string_view, std::span<const T>);                         \
  template T Object::attribute<T>(std::string_view) const;
LAUNCHMC_H5_INSTANTIATE_NUMBER(double)
LAUNCHMC_H5_INSTANTIATE_NUMBER(float)
LAUNCHMC_H5_INSTANTIATE_NUMBER(std::int8_t)
LAUNCHMC_H5_INSTANTIATE_NUMBER(std::uint8_t)
LAUNCHMC_H5_INSTANTIATE_NUMBER(std::int32_t)
LAUNCHMC_H5_INSTANTIATE_NUMBER(std::int64_t)
LAUNCHMC_H5_INSTANTIATE_NUMBER(std::uint64_t)
#undef LAUNCHMC_H5_INSTANTIATE_NUMBER
template std::vector<std::string> Group::read<std::string>(std::string_view) const;
template Dataset Group::write<std::string>(std::string_view, std::span<const std::string>);
template std::string Object::attribute<std::string>(std::string_view) const;

}  // namespace launchmc::io::h5
