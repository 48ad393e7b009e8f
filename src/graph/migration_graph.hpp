// One snapshot's migration graph, built as Django's MigrationLoader builds it
// with no database: nodes, dependency edges, __first__/__latest__, run_before,
// squashes replacing the keys they list, and dependencies that name nothing.
#pragma once
#include <compare>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"

namespace hc {

struct MigrationFacts;

struct MigrationKey {
  std::string app;
  std::string name;
  auto operator<=>(const MigrationKey&) const = default;
  std::string str() const { return app + "." + name; }
};

struct GraphInput {
  MigrationKey key;   // key.app is the app's id (its label unless two apps share one)
  std::string label;  // the Django label its file's dependencies use for its own app
  const MigrationFacts* facts = nullptr;  // null when the file could not be parsed
};

struct UnresolvedDependency {
  MigrationKey from;
  MigrationKey to;
  Span span;  // the dependency tuple in `from`'s file
};

class MigrationGraph {
 public:
  // `apps` maps each label with a migrations package in the snapshot to the
  // id of its app: a dependency on any other label is on an installed
  // package and is not checked.
  static MigrationGraph build(const std::vector<GraphInput>& migrations, const std::map<std::string, std::string>& apps);

  bool contains(const MigrationKey& key) const;
  // Django's leaf_nodes(app): nodes with no child in the same app, sorted.
  std::vector<MigrationKey> leaves(const std::string& app) const;
  std::vector<MigrationKey> roots(const std::string& app) const;
  std::vector<MigrationKey> nodes(const std::string& app) const;
  // Sorted; empty for a key the graph does not hold.
  std::vector<MigrationKey> parents(const MigrationKey& key) const;
  std::vector<MigrationKey> children(const MigrationKey& key) const;
  const std::vector<UnresolvedDependency>& missing() const { return missing_; }
  // Keys removed because a squash replaced them, mapped to that squash.
  const std::map<MigrationKey, MigrationKey>& replaced() const { return replaced_; }
  // Django's forwards_plan(target): every ancestor of `target`, then it, in
  // the order migrate applies them (parents sorted, depth first).
  std::vector<MigrationKey> forwards_plan(const MigrationKey& target) const;
  // The order `migrate` applies everything: forwards plans of all leaves.
  std::vector<MigrationKey> full_plan() const;
  // Each dependency cycle once, its members in dependency order.
  std::vector<std::vector<MigrationKey>> cycles() const;

 private:
  // Nodes are dense ids into keys_/nodes_: the graph of a large project is
  // built for every check, and std::map<MigrationKey, ...> lookups were most of it.
  using Id = std::uint32_t;
  static constexpr Id kNone = ~Id{0};
  struct Node {
    std::vector<Id> parents;  // sorted by key once built
    std::vector<Id> children;
    bool dummy = false;       // named by a dependency but not on disk
    bool present = true;      // false once a squash replaced it
  };
  Id find(const MigrationKey& key) const;  // kNone unless present
  Id intern(const MigrationKey& key, bool dummy);
  void add_dependency(const MigrationKey& child, const MigrationKey& parent);
  void remove_replaced_nodes(const MigrationKey& replacement, const std::vector<MigrationKey>& replaced);
  void finish();
  std::vector<MigrationKey> app_nodes(const std::string& app, bool (*keep)(const MigrationGraph&, Id, const std::string&)) const;
  void plan_from(Id target, std::vector<char>& done, std::vector<MigrationKey>& order) const;
  std::vector<MigrationKey> keys_of(const std::vector<Id>& ids) const;

  std::vector<MigrationKey> keys_;
  std::vector<Node> nodes_;
  std::vector<Id> slots_;                           // open addressing over keys_, kNone when empty
  std::map<std::string, std::vector<Id>> by_app_;  // sorted by key once built
  std::vector<Id>* last_app_ = nullptr;             // by_app_'s list of keys_[last_app_key_].app
  Id last_app_key_ = 0;
  std::vector<Id> by_key_;                          // every present id, sorted by key
  bool built_ = false;
  std::vector<UnresolvedDependency> missing_;
  std::map<MigrationKey, MigrationKey> replaced_;
};

}  // namespace hc
