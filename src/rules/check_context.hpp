// Everything a rule may read: the target's view, the base's and the
// merge-base's when a base is known, and which files are in scope.
#pragma once
#include <set>
#include <string>

#include "check/project_view.hpp"
#include "models/model_state.hpp"

namespace hc {

struct CheckContext {
  const ProjectView& target;
  const ProjectView* merge_base = nullptr;  // null when no base was used
  const ProjectView* base = nullptr;        // the base branch's tip
  std::string base_name;                    // as the user named it: "develop", "origin/develop"
  bool audit_all = false;
  std::set<std::string> changed_paths;      // target files added or changed since the merge-base
  // DJM501's inputs: the models before the change (the merge-base's, or in an
  // audit what the migrations build) and the target's. Null when not read.
  const ProjectModels* models_before = nullptr;
  const ProjectModels* models_after = nullptr;
  bool models_audit = false;

  // Whether findings in `path` are this run's business.
  bool in_scope(const std::string& path) const { return audit_all || changed_paths.count(path) > 0; }
};

}  // namespace hc
