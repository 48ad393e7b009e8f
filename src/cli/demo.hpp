// `hook-check demo`: a throw-away repository whose feature branch conflicts
// with develop and carries an irreversible RunPython, checked for a newcomer.
#pragma once
#include <string>

namespace hc {

// Builds the demo repository in `dir` (created; must not exist or be empty).
void build_demo_repository(const std::string& dir);

}  // namespace hc
