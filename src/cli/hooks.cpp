// The git hooks' entry points: the staged check at commit, each pushed tip at push.
#include <unistd.h>

#include <iostream>
#include <set>
#include <sstream>

#include "check/check_run.hpp"
#include "cli/commands.hpp"
#include "cli/guarded.hpp"
#include "core/error.hpp"
#include "git/repository.hpp"
#include "layout/project_layout.hpp"
#include "report/text_report.hpp"

namespace hc {
namespace {

// Options a hook accepts; file names the pre-commit framework passes are ignored,
// since a conflict involves files that were not staged.
CheckOptions hook_options(int argc, char** argv) {
  CheckOptions o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--base" && i + 1 < argc) o.base = argv[++i];
    else if (a.rfind("--base=", 0) == 0) o.base = a.substr(7);
    else if (a == "--repo" && i + 1 < argc) o.repo = argv[++i];
    else if (a == "--no-cache") o.cache = false;
  }
  if (const char* base = std::getenv("HOOK_CHECK_BASE"); base && *base && !o.base) o.base = base;
  return o;
}

int report(const CheckResult& result) {
  for (const auto& note : result.notes) std::cerr << "hook-check: " << note << '\n';
  write_text_report(result, std::cerr, want_colour(STDERR_FILENO));
  return result.errors() > 0 ? 1 : 0;
}

}  // namespace

int pre_commit_main(int argc, char** argv) {
  return guarded([&] {
    CheckOptions o = hook_options(argc, argv);
    o.target = TargetKind::Staged;
    o.exits_after = true;
    // Fast exit: nothing staged touches a migration or models module.
    auto repo = std::make_unique<Repository>(Repository::open(o.repo));
    bool relevant = false;
    for (const auto& path : repo->staged_paths(repo->head_commit()))
      if (looks_like_migration_or_models(path)) {
        relevant = true;
        break;
      }
    if (!relevant) return 0;
    return report(run_check(o, std::move(repo)));
  });
}

int pre_push_main(int argc, char** argv) {
  return guarded([&] {
    CheckOptions o = hook_options(argc, argv);
    o.target = TargetKind::Commit;
    o.exits_after = true;
    // git writes `<local ref> <local sha> <remote ref> <remote sha>` per pushed ref.
    std::set<std::string> seen;
    int status = 0;
    std::string line;
    while (std::getline(std::cin, line)) {
      std::istringstream fields(line);
      std::string local_ref, local_sha, remote_ref, remote_sha;
      if (!(fields >> local_ref >> local_sha >> remote_ref >> remote_sha)) continue;
      if (local_sha.find_first_not_of('0') == std::string::npos) continue;  // a deletion
      if (!seen.insert(local_sha).second) continue;
      o.commit = local_sha;
      CheckResult result = run_check(o);
      if (!result.diagnostics.empty()) std::cerr << "hook-check: pushing " << local_ref << " (" << local_sha.substr(0, 12) << "):\n";
      status = std::max(status, report(result));
    }
    return status;
  });
}

}  // namespace hc
