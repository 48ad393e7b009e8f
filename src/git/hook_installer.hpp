// Installs hook-check's git hooks: scripts that run the installed hook
// executables, written atomically, never replacing a hook we did not write.
#pragma once
#include <string>
#include <vector>

#include "git/repository.hpp"

namespace hc {

enum class ForeignHookPolicy { Refuse, Chain };

struct InstallOutcome {
  std::string hook;     // "pre-commit"
  std::string path;     // where it was written
  std::string action;   // "installed", "updated", "chained to pre-commit.local"
};

// `executable_dir` is where hook-check-pre-commit lives ("" to rely on PATH).
// Throws hc::Error, naming the file, when a hook it did not write is in the way.
std::vector<InstallOutcome> install_hooks(const Repository& repo, ForeignHookPolicy policy, const std::string& executable_dir);

// The marker line that identifies a hook this tool wrote.
extern const char* const kHookMarker;

}  // namespace hc
