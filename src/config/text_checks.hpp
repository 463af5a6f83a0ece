// Checks of a config's raw text that yaml-cpp does not make, or makes with a position that does not
// help: NUL bytes and invalid UTF-8, quoted strings that never close.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace launchmc::config {

// A 0-based position in the text: byte offset, line and column (bytes since the last '\n').
struct TextPosition {
  std::size_t offset = 0;
  std::size_t line = 0;
  std::size_t column = 0;
};

// The first byte that makes `text` unusable as a config: a NUL byte or a byte that is not part of a
// well-formed UTF-8 sequence (overlong forms, surrogates and code points above U+10FFFF included).
// `what` says which ("a NUL byte", "invalid UTF-8 (byte 0xC3)").
struct BadByte {
  TextPosition at;
  std::string what;
};
std::optional<BadByte> find_bad_byte(std::string_view text);

// A quoted scalar ('...' or "...") as a light scan of the text sees it: where its opening quote
// is, and where its closing quote is (none: it never closes). The scan knows comments, block
// scalars (| and >) and escapes ('' and \"); a quote inside a plain scalar (it's) opens nothing.
// It is used only to explain errors, never to accept text that yaml-cpp refuses.
struct QuotedScalar {
  TextPosition open;
  std::optional<TextPosition> close;
};
std::vector<QuotedScalar> scan_quoted_scalars(std::string_view text);

}  // namespace launchmc::config
