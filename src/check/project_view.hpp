// One snapshot understood: its layout, each migration's parsed facts, and
// its migration graph. Facts are shared between views through a cache keyed
// by blob id, so the three snapshots of a run parse a file once.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/object_id.hpp"
#include "git/snapshot.hpp"
#include "graph/migration_graph.hpp"
#include "layout/project_layout.hpp"
#include "python/migration_facts.hpp"

namespace hc {

class PythonParser;
class FactsStore;
class OperationsStore;

struct Migration {
  MigrationKey key;   // key.app is the app's id
  std::string label;  // the app's Django label
  std::string path;
  ObjectId blob;
  std::shared_ptr<const MigrationFacts> facts;
};

class FactsCache {
 public:
  // With a `store`, facts are looked up there before parsing, and what is parsed is added to it.
  FactsCache(const ContentReader& reader, const PythonParser& parser, FactsStore* store = nullptr)
      : reader_(reader), parser_(parser), store_(store) {}
  std::shared_ptr<const MigrationFacts> migration(const SnapshotFile& file);
  // Parses the files not parsed yet, on every core: contents are read first,
  // in this thread (libgit2's repository is not shared across threads).
  // `home` is the snapshot the files are in (for keep_operations).
  void prefetch(const std::vector<const SnapshotFile*>& files, const Snapshot* home = nullptr);
  // An audit replays every migration's operations: what prefetch parses
  // has them evaluated from the same tree and added to `memo`, so the replay
  // parses none of them again.
  void keep_operations(OperationsStore* memo) { operations_ = memo; }
  // Facts looked up ahead of need (an audit reads the store while git
  // compares the working tree): prefetch takes those its files ask for.
  void add_spare(const std::vector<ObjectId>& ids, std::vector<std::shared_ptr<const MigrationFacts>> facts);
  std::optional<std::string> app_label(const SnapshotFile& file);
  // facts_graph_flags of a migration file, parsing it only when it may say
  // run_before or replaces (the words must be in the text for the parser to see them).
  std::uint8_t graph_flags(const SnapshotFile& file);
  // Whether one of `app`'s migrations (in `snapshot`) makes an edge into
  // another app's graph: a run_before, or a squash replacing another app's
  // migrations. Answered per app from the cache when its migrations are
  // ones seen before, else from each file's graph flags.
  bool app_reaches_out(const App& app, const Snapshot& snapshot);
  std::size_t migrations_parsed() const { return migrations_.size(); }
  // Called after each file parsed, with the count so far (a progress line).
  std::function<void(std::size_t)> on_parse;

 private:
  const ContentReader& reader_;
  const PythonParser& parser_;
  FactsStore* store_;
  OperationsStore* operations_ = nullptr;
  struct ParseWork {
    ObjectId id;
    std::string text;
    std::string_view path;  // views the snapshot's file
  };
  // Parses texts on every core and adds their facts (and, with `home` and
  // keep_operations, their operations).
  void parse_batch(std::vector<ParseWork>& work, const Snapshot* home = nullptr);
  std::unordered_map<ObjectId, std::shared_ptr<const MigrationFacts>, ObjectIdHash> migrations_;
  std::unordered_map<ObjectId, std::shared_ptr<const MigrationFacts>, ObjectIdHash> spare_;
  std::unordered_map<ObjectId, std::optional<std::string>, ObjectIdHash> labels_;
  std::unordered_map<ObjectId, bool, ObjectIdHash> reaches_out_;  // by app_summary_key
};

struct ProjectView {
  ProjectView() = default;
  ProjectView(const ProjectView&) = delete;  // by_path points into migrations
  ProjectView& operator=(const ProjectView&) = delete;

  Snapshot snapshot;
  ProjectLayout layout;
  std::map<std::string, Migration> migrations;  // by path
  // The same, hashed: rules look every target migration up in the merge-base
  // by path, and a tree's string comparisons of 12,000 paths that share
  // their first 20 bytes were 4 % of an audit.
  std::unordered_map<std::string_view, const Migration*> by_path;
  std::map<MigrationKey, const Migration*> by_key;
  MigrationGraph graph;

  // Apps whose graph hook-check cannot vouch for, as Django would refuse to
  // load them: a migration that does not parse, dependencies it could not
  // read, or a dependency on nothing. Leaf-counting rules stay silent there.
  std::set<std::string> unreliable_apps;
  // The apps whose migrations the view holds (all of the layout's without a focus).
  std::set<std::string> loaded_apps;
  bool graph_reliable(const std::string& app_id) const { return !unreliable_apps.count(app_id); }

  const Migration* at(const std::string& path) const;
  const Migration* find(const MigrationKey& key) const;
};

// What a check that reports on some paths only needs of a snapshot: the apps
// holding `paths` whole, and of other apps the migrations those depend on
// (transitively, node by node) with the rest of their app. `apps` (ids) are
// added whole, so the views of one run hold the same apps.
struct ViewFocus {
  std::set<std::string> paths;
  std::set<std::string> apps;
};

// Without a focus, every app's migrations; with one, only what it needs,
// unless a migration outside reaches into other apps' graphs (run_before, a
// squash naming another app): then every app too.
// `layout_ready`, when given, is called once the view's snapshot and layout
// are known, before its migrations are parsed (an audit starts reading the
// models then, beside the parse).
// `sibling`, when given, is a layout found for a snapshot that differs from
// this one at `differing` paths only: patched rather than found again.
using LayoutReady = std::function<void(const ProjectView&)>;
// Or `exact`, this view's own layout (from the layout memo), taken.
struct SiblingLayout {
  const ProjectLayout* layout = nullptr;
  const std::set<std::string>* differing = nullptr;
  ProjectLayout* exact = nullptr;
};
std::unique_ptr<ProjectView> build_project_view(Snapshot snapshot, FactsCache& cache,
                                               const std::map<std::string, std::string>& label_overrides = {},
                                               const ViewFocus* focus = nullptr, const LayoutReady& layout_ready = {},
                                               const SiblingLayout& sibling = {});

// The graph of `target` with `extra` migrations (the base's additions) added,
// as a merge of the two would hold them.
MigrationGraph merged_graph(const ProjectView& target, const std::vector<const Migration*>& extra);

}  // namespace hc
