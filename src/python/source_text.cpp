#include "python/source_text.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

namespace hc {
namespace {

// Returns the byte offset of the first invalid UTF-8 sequence, or npos.
std::size_t first_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > s.size()) return i;
    if (len == 2 && c < 0xc2) return i;  // overlong
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return i;
    auto c1 = static_cast<unsigned char>(s[i + 1 < s.size() ? i + 1 : i]);
    // Python's decoder also refuses overlong forms, surrogates and code points past U+10FFFF.
    if (len == 3 && ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 >= 0xa0))) return i;
    if (len == 4 && ((c == 0xf0 && c1 < 0x90) || c > 0xf4 || (c == 0xf4 && c1 >= 0x90))) return i;
    i += len;
  }
  return std::string_view::npos;
}

std::string latin1_to_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xc0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    }
  }
  return out;
}

// PEP 263: the cookie must be on line 1 or 2.
std::optional<std::string> coding_cookie(std::string_view bytes) {
  // Most files have none: compiling the pattern costs more than a hook's parse.
  std::size_t first = bytes.find('\n');
  std::size_t second = first == std::string_view::npos ? first : bytes.find('\n', first + 1);
  if (bytes.substr(0, second).find("coding") == std::string_view::npos) return std::nullopt;
  static const std::regex cookie(R"(^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+))");
  std::size_t start = 0;
  for (int line = 0; line < 2 && start <= bytes.size(); ++line) {
    std::size_t end = bytes.find('\n', start);
    std::string text(bytes.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    std::smatch m;
    if (std::regex_search(text, m, cookie)) {
      std::string name = m[1];
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      std::replace(name.begin(), name.end(), '_', '-');
      return name;
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return std::nullopt;
}

// The position of a byte offset in text that is valid UTF-8 up to it.
Position position_of_offset(std::string_view s, std::size_t offset) {
  Position p;
  int chars = 0;
  for (std::size_t i = 0; i < offset && i < s.size(); ++i) {
    if (s[i] == '\n') {
      ++p.line;
      chars = 0;
    } else if ((static_cast<unsigned char>(s[i]) & 0xc0) != 0x80) {
      ++chars;
    }
  }
  p.column = chars + 1;
  return p;
}

}  // namespace

SourceText SourceText::decode(std::string bytes, std::optional<DecodeProblem>& problem) {
  problem.reset();
  if (bytes.find('\0') != std::string::npos) {
    problem = DecodeProblem{"is a binary file (it contains NUL bytes), not Python source", {1, 1}};
    return SourceText(std::string());
  }
  if (bytes.size() >= 3 && bytes.compare(0, 3, "\xEF\xBB\xBF") == 0) bytes.erase(0, 3);
  auto cookie = coding_cookie(bytes);
  if (cookie && (*cookie == "latin-1" || *cookie == "iso-8859-1" || *cookie == "iso8859-1" || *cookie == "latin1" ||
                 *cookie == "l1" || *cookie == "iso-latin-1")) {
    return SourceText(latin1_to_utf8(bytes));
  }
  if (cookie && !(*cookie == "utf-8" || *cookie == "utf8" || cookie->rfind("utf-8-", 0) == 0 || *cookie == "ascii" ||
                  *cookie == "us-ascii")) {
    problem = DecodeProblem{"declares the encoding `" + *cookie + "`, which hook-check cannot read (use UTF-8)", {1, 1}};
    return SourceText(std::string());
  }
  std::size_t bad = first_invalid_utf8(bytes);
  if (bad != std::string::npos) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(bytes[bad])));
    problem = DecodeProblem{std::string("is not valid UTF-8 (byte ") + hex + ") and declares no other encoding",
                            position_of_offset(bytes, bad)};
    return SourceText(std::string());
  }
  return SourceText(std::move(bytes));
}

SourceText::SourceText(std::string utf8) : text_(std::move(utf8)) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

Position SourceText::position(TSPoint point) const {
  Position p;
  p.line = static_cast<int>(point.row) + 1;
  if (point.row >= line_starts_.size()) return {p.line, static_cast<int>(point.column) + 1};
  std::size_t start = line_starts_[point.row];
  std::size_t end = std::min(text_.size(), start + point.column);
  int chars = 0;
  for (std::size_t i = start; i < end; ++i)
    if ((static_cast<unsigned char>(text_[i]) & 0xc0) != 0x80) ++chars;
  p.column = chars + 1;
  return p;
}

Span SourceText::span(TSNode node) const {
  return Span{position(ts_node_start_point(node)), position(ts_node_end_point(node))};
}

std::string_view SourceText::slice(TSNode node) const {
  std::size_t b = ts_node_start_byte(node), e = ts_node_end_byte(node);
  if (b > text_.size()) return {};
  return std::string_view(text_).substr(b, std::min<std::size_t>(e, text_.size()) - b);
}

std::string_view SourceText::line(int one_based) const {
  if (one_based < 1 || one_based > line_count()) return {};
  std::size_t start = line_starts_[one_based - 1];
  std::size_t end = one_based < line_count() ? line_starts_[one_based] - 1 : text_.size();
  return std::string_view(text_).substr(start, end - start);
}

}  // namespace hc
