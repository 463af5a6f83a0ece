// Syntax of parameter paths ("vehicle.stages[1].thrust_vac_N"), shared by config overrides and
// the scenario's parameter binding.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace launchmc {

// Splits "a.b[2][1].c" into {"a", "b", "[2]", "[1]", "c"}. Empty on bad syntax (an empty key,
// a missing ']', an index that is not a non-negative integer); `why` (if given) says which.
inline std::vector<std::string> split_parameter_path(std::string_view path, std::string* why = nullptr) {
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

}  // namespace launchmc
