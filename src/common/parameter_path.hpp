// Syntax of parameter paths ("vehicle.stages[1].thrust_vac_N"), shared by config overrides and
// the scenario's parameter binding.
#pragma once

#include <charconv>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace launchmc {

// Splits "a.b[2][1].c" into {"a", "b", "[2]", "[1]", "c"}. Empty on bad syntax (an empty key,
// a missing ']', an index that is not a non-negative integer); `why` (if given) says which.
inline std::vector<std::string> split_parameter_path(std::string_view path,
                                                     std::string* why = nullptr) {
  std::vector<std::string> out;
  std::string cur;
  auto bad = [&](const char* reason) {
    if (why != nullptr) *why = reason;
    return std::vector<std::string>{};
  };
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '.') {
      if (cur.empty() && (out.empty() || out.back().front() != '[')) return bad("empty key");
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (c == '[') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
      const std::size_t close = path.find(']', i);
      if (close == std::string_view::npos) return bad("missing ']'");
      const std::string_view digits = path.substr(i + 1, close - i - 1);
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos)
        return bad("index must be a non-negative integer");
      std::string seg(1, '[');
      seg.append(digits);
      seg.push_back(']');
      out.push_back(std::move(seg));
      i = close;
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  if (out.empty()) return bad("empty path");
  return out;
}

// The index of a segment "[123]" from split_parameter_path. An index too large for size_t gives
// the largest size_t, so that the caller's bounds check ("the list has 3 entries") reports it
// instead of an overflow. Returns false if `segment` is not an index segment.
inline bool parameter_index(std::string_view segment, std::size_t& index) {
  if (segment.size() < 3 || segment.front() != '[' || segment.back() != ']') return false;
  const char* b = segment.data() + 1;
  const char* e = segment.data() + segment.size() - 1;
  if (*b < '0' || *b > '9') return false;  // from_chars would accept nothing else, but be explicit
  const auto [p, ec] = std::from_chars(b, e, index);
  if (ec == std::errc::result_out_of_range) {
    // All digits (the syntax allows nothing else), just too many of them.
    for (const char* q = b; q != e; ++q)
      if (*q < '0' || *q > '9') return false;
    index = std::numeric_limits<std::size_t>::max();
    return true;
  }
  return ec == std::errc() && p == e;
}

// The digits of an index segment, for messages ("[99999999999999999999]" ->
// "99999999999999999999").
inline std::string_view parameter_index_text(std::string_view segment) {
  return segment.size() >= 2 ? segment.substr(1, segment.size() - 2) : segment;
}

}  // namespace launchmc
