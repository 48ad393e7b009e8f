// `# hook-check: ignore[DJM201]` comments, found while parsing a file.
#pragma once
#include <string>
#include <vector>

#include "core/diagnostic.hpp"

namespace hc {

struct Suppression {
  int line = 0;                    // the line the comment is on
  bool whole_file = false;         // ignore-file[...]
  bool own_line = false;           // alone on its line: applies to the next line
  std::vector<std::string> codes;  // codes or prefixes; empty means every code
  Span span;
};

struct SyntaxTree;
std::vector<Suppression> collect_suppressions(const SyntaxTree& tree);

// Whether `s` silences a finding of `code` reported on `line`.
bool suppresses(const Suppression& s, const std::string& code, int line);

}  // namespace hc
