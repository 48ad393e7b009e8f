// Where a snapshot's Django apps are: migration packages found the way
// Django's loader finds them, app labels, and models modules.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "git/snapshot.hpp"

namespace hc {

class PythonParser;

// Names and paths view their app's `module_paths`: a layout of 12,000
// migrations is found on every check, and a string each was most of its cost.
struct MigrationModule {
  std::string_view name;  // module name: "0005_backfill", "fix_empty_data_in_lines"
  std::string_view path;  // "shop/migrations/0005_backfill.py"
  ObjectId id;            // its blob in the snapshot the layout was found in
};

struct App {
  std::string label;           // Django's app label
  std::string id;              // unique in the layout: the label, unless another app shares it
  std::string directory;       // "shop", "src/apps/shop"
  std::string migrations_dir;  // "shop/migrations"
  std::vector<MigrationModule> migrations;  // sorted by name
  std::shared_ptr<const std::string> module_paths;  // what `migrations` view, shared by copies
  std::vector<std::string> models_paths;
};

struct ProjectLayout {
  std::vector<App> apps;  // sorted by label

  // By id, else by Django label (the first app that has it).
  const App* app(const std::string& id_or_label) const;
  // The app whose migrations package holds `path`, if any.
  const App* app_of_migration(const std::string& path) const;
  // The app whose models module is `path`, if any.
  const App* app_of_models(const std::string& path) const;
};

// Parses apps.py for an AppConfig label; injected so callers can memoise it.
using LabelReader = std::function<std::optional<std::string>(const SnapshotFile&)>;

// `label_overrides` (app directory -> label) come from the configuration and
// win over apps.py, as a project's settings may rename apps in ways no file says.
ProjectLayout discover_layout(const Snapshot& snapshot, const LabelReader& read_label,
                              const std::map<std::string, std::string>& label_overrides = {});

// The layout of `snapshot`, from `like`, the layout of a snapshot that differs
// from it at `differing` paths only (both ways; more is harmless): the apps
// whose migrations package holds one of them are found again, the others
// copied. None when a difference may add, drop or relabel an app, or touch a
// models module: then discover_layout. A staged change makes two snapshots
// of 14,000 files that differ by one, and finding a layout visits them all.
std::optional<ProjectLayout> patched_layout(const ProjectLayout& like, const Snapshot& snapshot,
                                            const std::set<std::string>& differing, const LabelReader& read_label,
                                            const std::map<std::string, std::string>& label_overrides = {});

// Whether `path` is inside a migrations package or is a models module, judged
// by the path alone (the pre-commit hook's fast exit).
bool looks_like_migration_or_models(const std::string& path);

}  // namespace hc
