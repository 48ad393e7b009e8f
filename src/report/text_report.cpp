#include "report/text_report.hpp"

#include <unistd.h>

#include <cstdlib>

namespace hc {
namespace {

struct Palette {
  const char* bold = "";
  const char* red = "";
  const char* yellow = "";
  const char* cyan = "";
  const char* dim = "";
  const char* reset = "";
};

const char* severity_colour(Severity s, const Palette& p) {
  return s == Severity::Error ? p.red : s == Severity::Warning ? p.yellow : p.cyan;
}

std::string plural(int n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

}  // namespace

bool want_colour(int fd) {
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour && *no_colour) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string_view(term) == "dumb") return false;
  return isatty(fd) == 1;
}

void write_text_report(const CheckResult& result, std::ostream& out, bool colour) {
  Palette p;
  if (colour) p = {"\x1b[1m", "\x1b[1;31m", "\x1b[1;33m", "\x1b[1;36m", "\x1b[2m", "\x1b[0m"};
  for (const auto& d : result.diagnostics) {
    out << p.bold << d.path << ':' << d.span.start.line << ':' << d.span.start.column << ':' << p.reset << ' '
        << severity_colour(d.severity, p) << to_string(d.severity) << ':' << p.reset << ' ' << d.message << ' ' << p.dim
        << '[' << d.code << ']' << p.reset << '\n';
    for (const auto& r : d.related)
      out << "  " << p.cyan << "note:" << p.reset << ' ' << r.path << ':' << r.span.start.line << ':' << r.span.start.column
          << ": " << r.message << '\n';
    if (!d.help.empty()) out << "  " << p.cyan << "help:" << p.reset << ' ' << d.help << '\n';
  }
  if (!result.diagnostics.empty()) {
    out << p.bold << "hook-check: " << plural(result.errors(), "error") << ", " << plural(result.warnings(), "warning")
        << " in " << plural(static_cast<int>(result.files_checked), "migration") << " checked" << p.reset << '\n';
  }
}

}  // namespace hc
