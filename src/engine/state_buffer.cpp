// Reducer states in memory and as bytes (state_buffer.hpp).
#include "engine/state_buffer.hpp"

#include <fmt/format.h>

#include <cstring>
#include <stdexcept>

namespace launchmc::engine {

namespace {

// "LMCS" and the format's version; then the byte-order mark, a count written natively.
constexpr std::uint32_t kMagic = 0x53434d4c;
constexpr std::uint32_t kVersion = 1;
constexpr std::uint64_t kByteOrderMark = 0x0102030405060708ULL;

class Out {
 public:
  template <typename T>
  void value(const T& v) {
    const auto* p = reinterpret_cast<const std::byte*>(&v);
    bytes.insert(bytes.end(), p, p + sizeof(T));
  }
  template <typename T>
  void array(const std::vector<T>& v) {
    value(static_cast<std::uint64_t>(v.size()));
    const auto* p = reinterpret_cast<const std::byte*>(v.data());
    bytes.insert(bytes.end(), p, p + v.size() * sizeof(T));
  }
  void text(std::string_view s) {
    value(static_cast<std::uint64_t>(s.size()));
    const auto* p = reinterpret_cast<const std::byte*>(s.data());
    bytes.insert(bytes.end(), p, p + s.size());
  }
  std::vector<std::byte> bytes;
};

class In {
 public:
  explicit In(std::span<const std::byte> bytes) : bytes_(bytes) {}
  template <typename T>
  T value() {
    T v{};
    std::memcpy(&v, take(sizeof(T)), sizeof(T));
    return v;
  }
  template <typename T>
  std::vector<T> array() {
    const std::uint64_t n = value<std::uint64_t>();
    if (n > (bytes_.size() - at_) / sizeof(T)) bad("an array longer than the buffer");
    std::vector<T> v(static_cast<std::size_t>(n));
    if (n > 0) std::memcpy(v.data(), take(v.size() * sizeof(T)), v.size() * sizeof(T));
    return v;
  }
  std::string text() {
    const std::uint64_t n = value<std::uint64_t>();
    if (n > bytes_.size() - at_) bad("a name longer than the buffer");
    const std::byte* p = take(static_cast<std::size_t>(n));
    return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
  }
  bool done() const noexcept { return at_ == bytes_.size(); }
  [[noreturn]] static void bad(const char* what) {
    throw std::runtime_error(fmt::format("reducer state bytes: {}", what));
  }

 private:
  const std::byte* take(std::size_t n) {
    if (n > bytes_.size() - at_) bad("truncated");
    const std::byte* p = bytes_.data() + at_;
    at_ += n;
    return p;
  }
  std::span<const std::byte> bytes_;
  std::size_t at_ = 0;
};

const char* kind_name(std::uint8_t kind) {
  switch (kind) {
    case 1:
      return "doubles";
    case 2:
      return "counts";
    default:
      return "names";
  }
}

}  // namespace

StateBuffer::Entry& StateBuffer::add(std::string_view name, Kind kind) {
  for (const Entry& e : entries_)
    if (e.name == name)
      throw std::runtime_error(fmt::format("reducer state: '{}' twice", std::string(name)));
  Entry& e = entries_.emplace_back();
  e.name = std::string(name);
  e.kind = kind;
  return e;
}

const StateBuffer::Entry& StateBuffer::find(std::string_view name, Kind kind) const {
  for (const Entry& e : entries_)
    if (e.name == name) {
      if (e.kind != kind)
        throw std::runtime_error(fmt::format("reducer state: '{}' holds {}, not {}",
                                             std::string(name),
                                             kind_name(static_cast<std::uint8_t>(e.kind)),
                                             kind_name(static_cast<std::uint8_t>(kind))));
      return e;
    }
  throw std::runtime_error(fmt::format("reducer state: no '{}'", std::string(name)));
}

void StateBuffer::put(std::string_view name, std::span<const double> values) {
  add(name, Kind::doubles).real.assign(values.begin(), values.end());
}
void StateBuffer::put(std::string_view name, std::span<const std::uint64_t> values) {
  add(name, Kind::counts).count.assign(values.begin(), values.end());
}
void StateBuffer::put_names(std::string_view name, const std::vector<std::string>& names) {
  add(name, Kind::names).text = names;
}

std::vector<double> StateBuffer::doubles(std::string_view name) const {
  return find(name, Kind::doubles).real;
}
std::vector<std::uint64_t> StateBuffer::counts(std::string_view name) const {
  return find(name, Kind::counts).count;
}
std::vector<std::string> StateBuffer::names(std::string_view name) const {
  return find(name, Kind::names).text;
}

std::vector<std::byte> StateBuffer::bytes() const {
  Out out;
  out.value(kMagic);
  out.value(kVersion);
  out.value(kByteOrderMark);
  out.value(static_cast<std::uint64_t>(entries_.size()));
  for (const Entry& e : entries_) {
    out.value(static_cast<std::uint8_t>(e.kind));
    out.text(e.name);
    switch (e.kind) {
      case Kind::doubles:
        out.array(e.real);
        break;
      case Kind::counts:
        out.array(e.count);
        break;
      case Kind::names:
        out.value(static_cast<std::uint64_t>(e.text.size()));
        for (const std::string& s : e.text) out.text(s);
        break;
    }
  }
  return std::move(out.bytes);
}

StateBuffer StateBuffer::from_bytes(std::span<const std::byte> bytes) {
  In in(bytes);
  if (in.value<std::uint32_t>() != kMagic) In::bad("not a launchmc reducer state");
  if (in.value<std::uint32_t>() != kVersion) In::bad("another format version");
  if (in.value<std::uint64_t>() != kByteOrderMark) In::bad("another byte order");
  const std::uint64_t n = in.value<std::uint64_t>();
  StateBuffer state;
  for (std::uint64_t i = 0; i < n; ++i) {
    const auto kind = in.value<std::uint8_t>();
    const std::string name = in.text();
    switch (kind) {
      case static_cast<std::uint8_t>(Kind::doubles):
        state.add(name, Kind::doubles).real = in.array<double>();
        break;
      case static_cast<std::uint8_t>(Kind::counts):
        state.add(name, Kind::counts).count = in.array<std::uint64_t>();
        break;
      case static_cast<std::uint8_t>(Kind::names): {
        const std::uint64_t count = in.value<std::uint64_t>();
        Entry& e = state.add(name, Kind::names);
        for (std::uint64_t k = 0; k < count; ++k) e.text.push_back(in.text());
        break;
      }
      default:
        In::bad("an entry of unknown kind");
    }
  }
  if (!in.done()) In::bad("bytes after the last entry");
  return state;
}

}  // namespace launchmc::engine
