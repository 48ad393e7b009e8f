// Python source decoded to UTF-8, and the one place where tree-sitter's
// 0-based byte positions become 1-based character positions.
#pragma once
#include <tree_sitter/api.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"

namespace hc {

// Why a file could not be read as Python text at all.
struct DecodeProblem {
  std::string message;
  Position position;
};

class SourceText {
 public:
  // Decodes raw bytes as Python does: a UTF-8 BOM, a PEP 263 coding cookie
  // (utf-8, latin-1/iso-8859-1, ascii), otherwise UTF-8. Binary content and
  // invalid UTF-8 give a DecodeProblem instead.
  static SourceText decode(std::string bytes, std::optional<DecodeProblem>& problem);
  explicit SourceText(std::string utf8);

  std::string_view text() const { return text_; }
  Position position(TSPoint point) const;
  Span span(TSNode node) const;
  std::string_view slice(TSNode node) const;
  std::string_view line(int one_based) const;
  int line_count() const { return static_cast<int>(line_starts_.size()); }

 private:
  std::string text_;
  std::vector<std::size_t> line_starts_;
};

}  // namespace hc
