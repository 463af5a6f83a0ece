// Run plans and their identity.
#include "engine/plan.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace launchmc::engine {

std::uint64_t RunPlan::rows_in(std::uint64_t block) const noexcept {
  const std::uint64_t first = first_row(block);
  return first >= n_samples ? 0 : std::min<std::uint64_t>(block_size, n_samples - first);
}

std::uint64_t RunPlan::end_row(std::uint64_t block) const noexcept {
  const std::uint64_t blocks = std::min(block, n_blocks());
  return std::min<std::uint64_t>(blocks * block_size, n_samples);
}

BlockRange RunPlan::shard_range(std::uint64_t index, std::uint64_t count) const noexcept {
  if (count == 0 || index >= count) return {};
  // floor(i B / K) as i q + floor(i r / K) with B = q K + r: no overflow for K up to 2^32.
  const std::uint64_t b = n_blocks(), q = b / count, r = b % count;
  auto start = [&](std::uint64_t i) { return i * q + i * r / count; };
  return {start(index), start(index + 1)};
}

std::uint64_t fnv1a64(std::string_view bytes) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string RunPlan::canonical_text() const {
  // Length-prefixed fields: no choice of text can make two different plans read alike.
  std::string t = fmt::format(
      "launchmc run plan\nformat_version={}\nseed={}\ndesign={}\nn_samples={}\n"
      "block_size={}\noverrides={}\n",
      format_version, seed, uncertainty::to_string(design), n_samples, block_size,
      overrides.size());
  for (const auto& o : overrides) t += fmt::format("{}:{}\n", o.size(), o);
  if (stratify != Stratify::none) t += fmt::format("stratify={}\n", to_string(stratify));
  if (sensitivity)
    t += fmt::format("sensitivity={}:{}:{}:{}:{}\n", sensitivity->method, sensitivity->n,
                     sensitivity->second_order ? 1 : 0, sensitivity->levels, sensitivity->pool);
  t += fmt::format("config_text={}:", config_text.size());
  t += config_text;
  return t;
}

std::string RunPlan::identity() const { return fmt::format("{:016x}", fnv1a64(canonical_text())); }

}  // namespace launchmc::engine
