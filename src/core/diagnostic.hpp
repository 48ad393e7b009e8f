// A finding: what rules produce and reporters format. Positions are 1-based,
// columns counted in characters.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hc {

enum class Severity { Note, Warning, Error };

std::string_view to_string(Severity s);
std::optional<Severity> parse_severity(std::string_view s);

struct Position {
  int line = 1;
  int column = 1;
  auto operator<=>(const Position&) const = default;
};

struct Span {
  Position start;
  Position end;
  auto operator<=>(const Span&) const = default;
};

struct RelatedLocation {
  std::string path;
  Span span;
  std::string message;
};

struct Diagnostic {
  std::string code;
  std::string rule;
  Severity severity = Severity::Error;
  std::string path;
  Span span;
  std::string message;
  std::string help;
  std::vector<RelatedLocation> related;
  bool verbose_only = false;  // a "could not tell" remark, shown with --verbose
};

// Orders diagnostics as a reader expects: by path, then position, then code.
bool diagnostic_less(const Diagnostic& a, const Diagnostic& b);

}  // namespace hc
