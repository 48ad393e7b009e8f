#include "models/model_value.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace hc {

ModelValue ModelValue::unknown(std::string why, std::string source) {
  ModelValue v;
  v.text = std::move(why);
  v.source = std::move(source);
  return v;
}

ModelValue ModelValue::none() {
  ModelValue v;
  v.kind = Kind::None;
  return v;
}

ModelValue ModelValue::boolean_value(bool b) {
  ModelValue v;
  v.kind = Kind::Bool;
  v.boolean = b;
  return v;
}

ModelValue ModelValue::number(std::string canonical) {
  ModelValue v;
  v.kind = Kind::Number;
  v.text = std::move(canonical);
  return v;
}

ModelValue ModelValue::str(std::string s) {
  ModelValue v;
  v.kind = Kind::Str;
  v.text = std::move(s);
  return v;
}

ModelValue ModelValue::ref(std::string path) {
  ModelValue v;
  v.kind = Kind::Ref;
  v.text = std::move(path);
  return v;
}

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

ModelValue ModelValue::model(std::string label) {
  ModelValue v;
  v.kind = Kind::Model;
  v.text = lowercase(std::move(label));
  return v;
}

ModelValue ModelValue::sequence(Kind kind, std::vector<ModelValue> items) {
  ModelValue v;
  v.kind = kind;
  v.items = std::move(items);
  return v;
}

ModelValue ModelValue::call(std::string path, std::vector<ModelValue> args, std::vector<std::pair<std::string, ModelValue>> kwargs) {
  ModelValue v;
  v.kind = Kind::Call;
  v.text = std::move(path);
  v.items = std::move(args);
  std::sort(kwargs.begin(), kwargs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  v.keywords = std::move(kwargs);
  return v;
}

bool ModelValue::known() const {
  if (kind == Kind::Unknown) return false;
  for (const auto& i : items)
    if (!i.known()) return false;
  for (const auto& [k, v] : keywords)
    if (!v.known()) return false;
  return true;
}

std::string ModelValue::unknown_reason() const {
  if (kind == Kind::Unknown) return text.empty() ? "a value that cannot be known without running Python" : text;
  for (const auto& i : items)
    if (!i.known()) return i.unknown_reason();
  for (const auto& [k, v] : keywords)
    if (!v.known()) return v.unknown_reason();
  return {};
}

namespace {

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out + "'";
}

// Built by appending: GCC 12 warns (wrongly) on `"(" + std::string(...)`.
std::string wrap(const char* open, const std::string& body, const char* close) {
  std::string out(open);
  out += body;
  out += close;
  return out;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out;
}

}  // namespace

std::string ModelValue::canonical() const {
  switch (kind) {
    case Kind::Unknown: return "?(" + (source.empty() ? text : source) + ")";
    case Kind::None: return "None";
    case Kind::Bool: return boolean ? "1" : "0";  // True == 1 in Python
    case Kind::Number: return text;
    case Kind::Str: return quoted(text);
    case Kind::Ref: return "<" + text + ">";
    case Kind::Model: return "<model " + text + ">";
    case Kind::Setting: return "<settings." + text + ">";
    case Kind::List:
    case Kind::Tuple:
    case Kind::Set: {
      std::vector<std::string> parts;
      for (const auto& i : items) parts.push_back(i.canonical());
      if (kind == Kind::Set) {
        std::sort(parts.begin(), parts.end());
        parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
        return wrap("{", join(parts), "}");
      }
      return kind == Kind::List ? wrap("[", join(parts), "]") : wrap("(", join(parts), ")");
    }
    case Kind::Dict: {
      std::vector<std::string> parts;
      for (std::size_t i = 0; i + 1 < items.size(); i += 2) parts.push_back(items[i].canonical() + ": " + items[i + 1].canonical());
      std::sort(parts.begin(), parts.end());
      return wrap("{", join(parts), "}");
    }
    case Kind::Call: {
      std::vector<std::string> parts;
      for (const auto& i : items) parts.push_back(i.canonical());
      for (const auto& [k, v] : keywords) parts.push_back(k + "=" + v.canonical());
      return text + wrap("(", join(parts), ")");
    }
  }
  return {};
}

std::string ModelValue::display() const {
  switch (kind) {
    case Kind::Unknown: return source.empty() ? "?" : source;
    case Kind::None: return "None";
    case Kind::Bool: return boolean ? "True" : "False";
    case Kind::Number: return text;
    case Kind::Str: return quoted(text);
    case Kind::Ref: {
      auto dot = text.rfind('.');
      std::string last = dot == std::string::npos ? text : text.substr(dot + 1);
      if (text.starts_with("django.db.models.")) return "models." + last;
      return last;
    }
    case Kind::Model: return "'" + text + "'";
    case Kind::Setting: return "settings." + text;
    case Kind::List:
    case Kind::Tuple:
    case Kind::Set: {
      std::vector<std::string> parts;
      for (const auto& i : items) parts.push_back(i.display());
      if (kind == Kind::Set) return wrap("{", join(parts), "}");
      if (kind == Kind::Tuple && parts.size() == 1) return wrap("(", parts[0], ",)");
      return kind == Kind::List ? wrap("[", join(parts), "]") : wrap("(", join(parts), ")");
    }
    case Kind::Dict: {
      std::vector<std::string> parts;
      for (std::size_t i = 0; i + 1 < items.size(); i += 2) parts.push_back(items[i].display() + ": " + items[i + 1].display());
      return wrap("{", join(parts), "}");
    }
    case Kind::Call: {
      std::vector<std::string> parts;
      for (const auto& i : items) parts.push_back(i.display());
      for (const auto& [k, v] : keywords) parts.push_back(k + "=" + v.display());
      auto dot = text.rfind('.');
      return (dot == std::string::npos ? text : text.substr(dot + 1)) + wrap("(", join(parts), ")");
    }
  }
  return {};
}

const ModelValue* ModelValue::keyword(std::string_view name) const {
  for (const auto& [k, v] : keywords)
    if (k == name) return &v;
  return nullptr;
}

bool operator==(const ModelValue& a, const ModelValue& b) { return a.canonical() == b.canonical(); }

std::string canonical_number(std::string_view literal) {
  std::string s;
  for (char c : literal)
    if (c != '_') s.push_back(c);
  if (s.empty()) return {};
  bool negative = false;
  std::size_t i = 0;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    i = 1;
  }
  std::string body = s.substr(i);
  if (body.empty()) return {};
  if (body.back() == 'j' || body.back() == 'J') return {};
  auto lower = body;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  long double value = 0;
  bool integral_literal = false;
  if (lower.size() > 2 && lower[0] == '0' && (lower[1] == 'x' || lower[1] == 'o' || lower[1] == 'b')) {
    int base = lower[1] == 'x' ? 16 : lower[1] == 'o' ? 8 : 2;
    char* end = nullptr;
    unsigned long long v = std::strtoull(lower.c_str() + 2, &end, base);
    if (!end || *end) return {};
    value = static_cast<long double>(v);
    integral_literal = true;
  } else {
    integral_literal = lower.find_first_of(".e") == std::string::npos;
    if (integral_literal) {
      // Python ints are exact at any size: keep the digits.
      std::size_t nz = lower.find_first_not_of('0');
      std::string digits = nz == std::string::npos ? "0" : lower.substr(nz);
      for (char c : digits)
        if (!std::isdigit(static_cast<unsigned char>(c))) return {};
      return (negative && digits != "0" ? "-" : "") + digits;
    }
    char* end = nullptr;
    value = std::strtold(lower.c_str(), &end);
    if (!end || *end) return {};
  }
  if (negative) value = -value;
  if (std::isfinite(static_cast<double>(value)) && value == std::floor(value) && std::fabs(value) < 1e18L) {
    long long as_int = static_cast<long long>(value);
    return std::to_string(as_int);
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", static_cast<double>(value));
  return buf;
}

}  // namespace hc
