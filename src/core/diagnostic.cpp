#include "core/diagnostic.hpp"

#include <tuple>

namespace hc {

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::Note: return "note";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "error";
}

std::optional<Severity> parse_severity(std::string_view s) {
  if (s == "note" || s == "info") return Severity::Note;
  if (s == "warning") return Severity::Warning;
  if (s == "error") return Severity::Error;
  return std::nullopt;
}

bool diagnostic_less(const Diagnostic& a, const Diagnostic& b) {
  return std::tie(a.path, a.span, a.code, a.message) < std::tie(b.path, b.span, b.code, b.message);
}

}  // namespace hc
