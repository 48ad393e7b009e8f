// The replay's states on disk: each app's models as its migrations build
// them, under AppStatesMemo's key, in one file (`hook-check/replay-v<N>/
// states.bin`) checksummed as a whole. An audit after an edit of one
// migration replays that migration's app (and the apps whose operations
// reach others) instead of 12,000 migrations. The file is rewritten, to a
// temporary name renamed over it, only by a run that added entries; a
// damaged, truncated or foreign file is no memo, never an error.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "models/migration_replay.hpp"

namespace hc {

class ReplayStatesStore : public AppStatesMemo {
 public:
  explicit ReplayStatesStore(std::string dir) : dir_(std::move(dir)) {}
  static std::string dir_for(const std::string& git_common_dir);

  std::string salt() const override;
  std::optional<ProjectModels> find(const ObjectId& key) override;
  void add(const ObjectId& key, const ProjectModels& state, const std::string& label) override;
  // Writes the file if this run added to it: the entries it used or added,
  // then older ones (another branch's apps) up to as many again.
  void save();

 private:
  void load();
  std::string dir_;
  bool loaded_ = false;
  std::string file_;                             // as read
  std::map<ObjectId, std::string_view> stored_;  // into file_, in the file's order of recency
  std::vector<ObjectId> order_;                  // stored_'s keys, newest first
  std::set<ObjectId> used_;
  std::map<ObjectId, std::string> added_;
};

}  // namespace hc
