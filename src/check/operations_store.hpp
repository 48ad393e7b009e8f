// The replay's operations memo on disk: each migration's evaluated
// `operations`, by blob id, in a FactsStore of its own
// (`hook-check/operations-v<N>/`), so an audit parses only migrations no run
// has replayed. A damaged entry is a miss, as in the facts cache.
#pragma once
#include <memory>
#include <string>

#include "check/facts_store.hpp"
#include "models/migration_replay.hpp"

namespace hc {

class OperationsStore : public OperationsMemo {
 public:
  explicit OperationsStore(std::string dir) : store_(std::move(dir)) {}
  static std::string dir_for(const std::string& git_common_dir);

  std::optional<ModelValue> find(const ObjectId& blob) override;
  void add(const ObjectId& blob, const ModelValue& operations) override;
  bool contains(const ObjectId& blob) override { return store_.find_bytes(blob).has_value(); }
  // The same, encoded already (by the thread that evaluated it).
  void add_encoded(const ObjectId& blob, std::string bytes) { store_.add_bytes(blob, std::move(bytes)); }
  void save() { store_.save(); }
  // save(), freeing what it wrote; it is read again when asked for.
  void save_and_release() { store_.save_and_release(); }
  std::size_t hits() const { return store_.hits(); }

 private:
  FactsStore store_;
};

}  // namespace hc
