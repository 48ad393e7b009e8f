// Layouts kept by the tree they were found in: a commit's tree decides its
// snapshot, and so its layout (apps, labels, migration modules, models
// modules), given the configuration's exclusions and app labels. The
// merge-base of a staged check is the same commit run after run; finding
// its layout again visited its 14,000 files each time. The target's layout
// is then the merge-base's, patched where the two differ. Entries live in
// `hook-check/layout-v<N>/`, one file each, written atomically, the newest
// few kept; a damaged one is a miss.
#pragma once
#include <optional>
#include <string>

#include "core/object_id.hpp"
#include "layout/project_layout.hpp"

namespace hc {

struct Config;

class LayoutMemo {
 public:
  explicit LayoutMemo(std::string dir) : dir_(std::move(dir)) {}
  static std::string dir_for(const std::string& git_common_dir);
  // The entry's name: the tree, and a hash of the build and the configuration.
  static std::string key_for(const ObjectId& tree, const Config& config);

  std::optional<ProjectLayout> find(const std::string& key) const;
  void add(const std::string& key, const ProjectLayout& layout) const;

 private:
  std::string dir_;
};

// The bytes an entry holds, and back (none when damaged).
std::string encode_layout(const ProjectLayout& layout);
std::optional<ProjectLayout> decode_layout(std::string_view bytes);

}  // namespace hc
