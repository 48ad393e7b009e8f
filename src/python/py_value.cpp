#include "python/py_value.hpp"

#include <cctype>

#include "python/module_scope.hpp"
#include "python/syntax_tree.hpp"

namespace hc {
namespace {

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

}  // namespace

bool PyValue::is_literal() const {
  switch (kind) {
    case Kind::None:
    case Kind::Bool:
    case Kind::Int:
    case Kind::Float:
    case Kind::Str:
      return true;
    case Kind::List:
    case Kind::Tuple:
    case Kind::Dict:
      for (const auto& i : items)
        if (!i.is_literal()) return false;
      return true;
    default:
      return false;
  }
}

bool decode_string_literal(std::string_view lit, std::string& out) {
  std::size_t i = 0;
  bool raw = false;
  while (i < lit.size() && std::isalpha(static_cast<unsigned char>(lit[i]))) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(lit[i])));
    if (c == 'f' || c == 'b') return false;
    if (c == 'r') raw = true;
    ++i;
  }
  if (i >= lit.size()) return false;
  char q = lit[i];
  if (q != '\'' && q != '"') return false;
  std::size_t qlen = (lit.size() >= i + 6 && lit[i + 1] == q && lit[i + 2] == q) ? 3 : 1;
  if (lit.size() < i + 2 * qlen) return false;
  std::string_view body = lit.substr(i + qlen, lit.size() - i - 2 * qlen);
  out.clear();
  for (std::size_t k = 0; k < body.size(); ++k) {
    char c = body[k];
    if (c != '\\' || raw || k + 1 >= body.size()) {
      out.push_back(c);
      continue;
    }
    char e = body[++k];
    switch (e) {
      case '\n': break;
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      case '0': out.push_back('\0'); break;
      case '\\': out.push_back('\\'); break;
      case '\'': out.push_back('\''); break;
      case '"': out.push_back('"'); break;
      case 'x':
      case 'u':
      case 'U': {
        std::size_t len = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (k + len >= body.size()) return false;
        unsigned cp = 0;
        for (std::size_t d = 1; d <= len; ++d) {
          char h = body[k + d];
          if (!std::isxdigit(static_cast<unsigned char>(h))) return false;
          cp = cp * 16 + static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
        }
        append_utf8(out, cp);
        k += len;
        break;
      }
      default:
        out.push_back('\\');
        out.push_back(e);
    }
  }
  return true;
}

PyValue evaluate(TSNode node, const SourceText& src) {
  PyValue v;
  v.text = std::string(src.slice(node));
  auto type = node_type(node);
  if (type == "none") {
    v.kind = PyValue::Kind::None;
  } else if (type == "true" || type == "false") {
    v.kind = PyValue::Kind::Bool;
    v.boolean = type == "true";
  } else if (type == "integer") {
    v.kind = PyValue::Kind::Int;
    v.str = v.text;
  } else if (type == "float") {
    v.kind = PyValue::Kind::Float;
    v.str = v.text;
  } else if (type == "string") {
    for (auto c : named_children(node))
      if (is(c, "interpolation")) return v;
    if (decode_string_literal(v.text, v.str)) v.kind = PyValue::Kind::Str;
  } else if (type == "concatenated_string") {
    std::string all;
    for (auto c : named_children(node)) {
      PyValue part = evaluate(c, src);
      if (part.kind != PyValue::Kind::Str) return v;
      all += part.str;
    }
    v.kind = PyValue::Kind::Str;
    v.str = std::move(all);
  } else if (type == "parenthesized_expression") {
    auto kids = named_children(node);
    if (kids.size() == 1) {
      PyValue inner = evaluate(kids[0], src);
      inner.text = v.text;
      return inner;
    }
  } else if (type == "list" || type == "tuple" || type == "set") {
    v.kind = type == "list" ? PyValue::Kind::List : PyValue::Kind::Tuple;
    for (auto c : named_children(node))
      if (!is(c, "comment")) v.items.push_back(evaluate(c, src));
  } else if (type == "dictionary") {
    v.kind = PyValue::Kind::Dict;
    for (auto c : named_children(node)) {
      if (!is(c, "pair")) {
        if (!is(c, "comment")) v.items.push_back(PyValue{}), v.items.push_back(PyValue{});
        continue;
      }
      auto k = field(c, "key");
      auto val = field(c, "value");
      v.items.push_back(k ? evaluate(*k, src) : PyValue{});
      v.items.push_back(val ? evaluate(*val, src) : PyValue{});
    }
  } else if (type == "identifier" || type == "attribute") {
    v.str = dotted_name_of(node, src);
    if (!v.str.empty()) v.kind = PyValue::Kind::Name;
  } else if (type == "call") {
    auto fn = field(node, "function");
    if (fn) v.str = dotted_name_of(*fn, src);
    if (!v.str.empty()) {
      v.kind = PyValue::Kind::Call;
      if (auto args = field(node, "arguments"))
        for (auto a : named_children(*args))
          if (!is(a, "keyword_argument") && !is(a, "comment")) v.items.push_back(evaluate(a, src));
    }
  } else if (type == "unary_operator") {
    auto arg = field(node, "argument");
    auto op = field(node, "operator");
    if (arg && op && src.slice(*op) == "-") {
      PyValue inner = evaluate(*arg, src);
      if (inner.kind == PyValue::Kind::Int || inner.kind == PyValue::Kind::Float) {
        inner.str = "-" + inner.str;
        inner.text = v.text;
        return inner;
      }
    }
  }
  return v;
}

}  // namespace hc
