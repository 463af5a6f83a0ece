// Raw-text checks of configs (see text_checks.hpp). Every loop here is one pass over the text.
#include "config/text_checks.hpp"

#include <fmt/format.h>

namespace launchmc::config {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Length of the well-formed UTF-8 sequence at text[i] (i < text.size(), text[i] >= 0x80), or 0.
// Table 3-7 of the Unicode Standard: no overlong forms, no surrogates, nothing above U+10FFFF.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < len; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return len;
}

// A token that can stand before a quoted scalar's opening quote: a tag (!!str) or an anchor (&a).
bool is_property_token(std::string_view line, std::size_t end) {
  std::size_t start = end;
  while (start > 0 && !is_blank(line[start - 1])) --start;
  return start < end && (line[start] == '!' || line[start] == '&');
}

// Whether a quote at line[pos] opens a quoted scalar, not a quote inside a plain scalar (it's).
bool opens_scalar(std::string_view line, std::size_t pos, int flow_depth) {
  if (pos == 0) return true;
  const char before = line[pos - 1];
  if (!is_blank(before)) {
    // Flow collections need no space: ["a","b"], {"a":"b"}.
    return before == '[' || before == '{' || before == ',' || (flow_depth > 0 && before == ':');
  }
  std::size_t p = pos;
  while (p > 0 && is_blank(line[p - 1])) --p;
  if (p == 0) return true;  // only indentation before it
  const char prev = line[p - 1];
  if (prev == ':' || prev == '-' || prev == '?' || prev == '[' || prev == '{' || prev == ',')
    return true;
  return is_property_token(line, p);
}

// The column that the content of a block scalar introduced on this line must exceed, if the line
// (without its comment) ends with a block scalar indicator: | > |- >+ |2 ...
std::optional<std::size_t> block_scalar_parent_column(std::string_view line) {
  std::size_t end = line.size();
  while (end > 0 && is_blank(line[end - 1])) --end;
  std::size_t start = end;
  while (start > 0 && !is_blank(line[start - 1])) --start;
  const std::string_view token = line.substr(start, end - start);
  if (token.empty() || (token[0] != '|' && token[0] != '>') || token.size() > 3)
    return std::nullopt;
  for (std::size_t k = 1; k < token.size(); ++k)
    if (!(token[k] == '+' || token[k] == '-' || (token[k] >= '1' && token[k] <= '9')))
      return std::nullopt;
  // What precedes it must be "key:", "-", "?", a tag or anchor, or nothing.
  std::size_t p = start;
  while (p > 0 && is_blank(line[p - 1])) --p;
  if (p > 0 && !(line[p - 1] == ':' || line[p - 1] == '-' || line[p - 1] == '?' ||
                 is_property_token(line, p)))
    return std::nullopt;
  // The parent's column: the first key on the line after any "- " entries; for "- |" the last "-".
  std::size_t col = 0;
  while (col < line.size() && is_blank(line[col])) ++col;
  std::size_t last_dash = col;
  while (col + 1 < line.size() && line[col] == '-' && is_blank(line[col + 1])) {
    last_dash = col;
    col += 2;
    while (col < line.size() && is_blank(line[col])) ++col;
  }
  if (col >= start) return last_dash;  // the indicator itself is the first token after the dashes
  return col;
}

}  // namespace

std::optional<BadByte> find_bad_byte(std::string_view text) {
  TextPosition at;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    at.offset = i;
    std::size_t len = 1;
    if (c == 0) return BadByte{at, "a NUL byte"};
    if (c >= 0x80) {
      len = utf8_sequence_length(text, i);
      if (len == 0) return BadByte{at, fmt::format("invalid UTF-8 (byte 0x{:02X})", c)};
    }
    if (c == '\n') {
      ++at.line;
      at.column = 0;
    } else {
      at.column += len;
    }
    i += len;
  }
  return std::nullopt;
}

std::vector<QuotedScalar> scan_quoted_scalars(std::string_view text) {
  std::vector<QuotedScalar> out;
  char quote = 0;      // the open quote character, 0 outside quoted scalars
  int flow_depth = 0;  // [ and { open outside quoted scalars
  // Inside a block scalar's content lines: the column they must exceed (npos: not in one).
  constexpr std::size_t kNone = std::string_view::npos;
  std::size_t block_parent = kNone;
  std::size_t line_no = 0;
  for (std::size_t line_start = 0; line_start <= text.size(); ++line_no) {
    std::size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text.size();
    const std::string_view line = text.substr(line_start, line_end - line_start);
    std::size_t i = 0;
    if (quote == 0 && block_parent != kNone) {
      std::size_t indent = 0;
      while (indent < line.size() && is_blank(line[indent])) ++indent;
      if (indent == line.size() || indent > block_parent) {
        line_start = line_end + 1;
        continue;  // a content line of the block scalar (or a blank one)
      }
      block_parent = kNone;
    }
    bool comment = false;
    for (; i < line.size() && !comment; ++i) {
      const char c = line[i];
      if (quote == '"') {
        if (c == '\\') {
          ++i;  // the escaped character (or the line break of an escaped line end)
        } else if (c == '"') {
          out.back().close = TextPosition{line_start + i, line_no, i};
          quote = 0;
        }
      } else if (quote == '\'') {
        if (c == '\'') {
          if (i + 1 < line.size() && line[i + 1] == '\'') {
            ++i;  // '' is an escaped quote
          } else {
            out.back().close = TextPosition{line_start + i, line_no, i};
            quote = 0;
          }
        }
      } else if (c == '#' && (i == 0 || is_blank(line[i - 1]))) {
        comment = true;
      } else if ((c == '"' || c == '\'') && opens_scalar(line, i, flow_depth)) {
        quote = c;
        out.push_back({TextPosition{line_start + i, line_no, i}, std::nullopt});
      } else if (c == '[' || c == '{') {
        ++flow_depth;
      } else if ((c == ']' || c == '}') && flow_depth > 0) {
        --flow_depth;
      }
    }
    if (quote == 0 && block_parent == kNone) {
      // The line without its comment: does it end with a block scalar indicator?
      std::size_t content_end = line.size();
      for (std::size_t k = 0; k < line.size(); ++k)
        if (line[k] == '#' && (k == 0 || is_blank(line[k - 1]))) {
          content_end = k;
          break;
        }
      // Only if no quoted scalar closed after the indicator on this line (checked by the token
      // rule: the indicator must be the last token).
      block_parent = block_scalar_parent_column(line.substr(0, content_end)).value_or(kNone);
    }
    line_start = line_end + 1;
  }
  return out;
}

}  // namespace launchmc::config
