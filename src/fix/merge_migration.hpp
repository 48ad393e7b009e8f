// `hook-check merge APP`: the merge migration `makemigrations --merge` writes
// for an app with several leaves: depends on every leaf, has no operations.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "check/project_view.hpp"

namespace hc {

struct MergeMigration {
  std::string name;  // "0005_merge_0004_a_0004_b"
  std::string path;  // relative to the repository root
  std::string source;
  std::vector<MigrationKey> leaves;
};

// Nullopt when the app has a single leaf (nothing to merge). `timestamp` is
// "YYYYMMDD_HHMM", used as Django does when the leaf names are too long.
std::optional<MergeMigration> plan_merge_migration(const ProjectView& view, const std::string& app_label,
                                                   const std::string& timestamp, const std::string& generated_on);

}  // namespace hc
