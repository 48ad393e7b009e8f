// `hook-check rebase APP`: the branch's new migrations of APP renumbered to
// follow the base's latest, their files renamed, and their dependencies (and
// every reference to them from the branch's other new migrations) rewritten.
#pragma once
#include <string>
#include <vector>

#include "check/project_view.hpp"

namespace hc {

struct FileRewrite {
  std::string path;      // as it is now
  std::string new_path;  // == path when only the content changes
  std::string content;
};

struct RebasePlan {
  std::string onto;                                        // the base's latest migration of the app
  std::vector<std::pair<std::string, std::string>> names;  // old name -> new name, in order
  std::vector<FileRewrite> rewrites;
};

// Throws hc::Error with the reason when the rebase must not be done (nothing
// to rebase, a migration already on the base, the base has several leaves, ...).
RebasePlan plan_rebase(const ProjectView& target, const ProjectView& merge_base, const ProjectView& base,
                       const std::string& base_name, const std::string& app_label, const ContentReader& reader);

// Writes the plan into the working tree at `workdir`: new files first (never
// over an existing one), then edits, then removes the old names.
void apply_rebase(const RebasePlan& plan, const std::string& workdir);

}  // namespace hc
