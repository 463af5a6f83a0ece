// A short name of fixed capacity (a body's or a body class's name in a flight's result): building
// and copying one never allocates, so the per-sample flight stays allocation-free.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace launchmc {

class Label {
 public:
  static constexpr std::size_t kCapacity = 63;  // characters; longer texts are refused by the
                                                // config loader, and truncated here
  Label() noexcept = default;
  Label(std::string_view text) noexcept { assign(text); }  // NOLINT: implicit, like a string
  Label(const char* text) noexcept : Label(std::string_view(text)) {}

  void assign(std::string_view text) noexcept {
    size_ = static_cast<std::uint8_t>(std::min(text.size(), kCapacity));
    std::copy_n(text.data(), size_, text_.data());
    text_[size_] = '\0';
  }
  // Appends as much of `text` as fits.
  Label& append(std::string_view text) noexcept {
    const std::size_t n = std::min(text.size(), kCapacity - size_);
    std::copy_n(text.data(), n, text_.data() + size_);
    size_ = static_cast<std::uint8_t>(size_ + n);
    text_[size_] = '\0';
    return *this;
  }
  Label& append(std::uint64_t number) noexcept {
    char digits[24];
    std::size_t n = 0;
    do {
      digits[n++] = static_cast<char>('0' + number % 10);
      number /= 10;
    } while (number != 0);
    std::reverse(digits, digits + n);
    return append(std::string_view(digits, n));
  }

  std::string_view view() const noexcept { return {text_.data(), size_}; }
  std::string str() const { return std::string(view()); }
  const char* c_str() const noexcept { return text_.data(); }
  bool empty() const noexcept { return size_ == 0; }
  friend bool operator==(const Label& a, const Label& b) noexcept { return a.view() == b.view(); }
  friend bool operator==(const Label& a, std::string_view b) noexcept { return a.view() == b; }
  friend bool operator==(const Label& a, const std::string& b) noexcept { return a.view() == b; }
  friend bool operator==(const Label& a, const char* b) noexcept { return a.view() == b; }

 private:
  std::array<char, kCapacity + 1> text_{};
  std::uint8_t size_ = 0;
};

}  // namespace launchmc
