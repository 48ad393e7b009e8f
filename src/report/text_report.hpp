// Compiler-style output for people: `path:line:col: severity: message [CODE]`.
#pragma once
#include <ostream>

#include "check/check_run.hpp"

namespace hc {

void write_text_report(const CheckResult& result, std::ostream& out, bool colour);
// Colour only on a terminal, and never with NO_COLOR set (no-color.org).
bool want_colour(int fd);

}  // namespace hc
