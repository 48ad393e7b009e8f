// A Python expression as far as it can be known without running it: literals
// are evaluated, names and calls keep their dotted text, the rest is Unknown.
#pragma once
#include <string>
#include <vector>

#include "python/source_text.hpp"

namespace hc {

struct PyValue {
  enum class Kind { Unknown, None, Bool, Int, Float, Str, List, Tuple, Dict, Name, Call };
  Kind kind = Kind::Unknown;
  std::string text;   // the expression's source, whitespace as written
  std::string str;    // Str: the decoded value; Name/Call: the dotted name; Int/Float: the literal
  bool boolean = false;
  std::vector<PyValue> items;  // List/Tuple elements; Dict keys and values alternating; Call positional args

  bool is_literal() const;
  bool is_none() const { return kind == Kind::None; }
};

// Evaluates `node` of `source` into a PyValue.
PyValue evaluate(TSNode node, const SourceText& source);

// Decodes one Python string literal (prefixes, quotes, escapes); false for f-strings and bytes.
bool decode_string_literal(std::string_view literal, std::string& out);

}  // namespace hc
