// The audit's models memo: what extract_models read from a snapshot's models
// modules, kept between runs, so an audit after an edit of a migration (the
// models untouched) does not parse 300 models modules again. An entry is
// filed under what decides the extraction's shape (this build, the Django
// version, the apps, every path of the snapshot) and holds the (path, blob)
// of each file the extraction read: it answers only while each of them is
// unchanged. Entries live in `hook-check/models-v<N>/`, one file each,
// written atomically, the newest few kept; a damaged one is a miss.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/object_id.hpp"
#include "models/project_models_codec.hpp"

namespace hc {

class Snapshot;
struct ProjectLayout;

class ModelsMemo {
 public:
  explicit ModelsMemo(std::string dir) : dir_(std::move(dir)) {}
  static std::string dir_for(const std::string& git_common_dir);
  static ObjectId key_for(const Snapshot& snapshot, const ProjectLayout& layout, const DjangoVersion& version);

  using ReadFiles = std::vector<std::pair<std::string, ObjectId>>;
  // The entry under `key`, if every file it read is as it was in `snapshot`.
  std::optional<ExtractedModels> find(const ObjectId& key, const Snapshot& snapshot) const;
  void add(const ObjectId& key, const ReadFiles& read, const ProjectModels& models,
           const std::map<std::string, std::string>& model_labels) const;

 private:
  std::string dir_;
};

}  // namespace hc
