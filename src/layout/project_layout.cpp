#include "layout/project_layout.hpp"

#include <algorithm>
#include <cctype>
#include <functional>

namespace hc {
namespace {

constexpr std::string_view kMigrationsInit = "migrations/__init__.py";

bool is_vendored(std::string_view path) {
  for (std::string_view part : {"site-packages/", "node_modules/", "/.tox/", ".venv/", "/venv/"})
    if (path.find(part) != std::string_view::npos) return true;
  return path.rfind("venv/", 0) == 0 || path.rfind(".tox/", 0) == 0;
}

std::string parent_dir(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string base_name(const std::string& dir) {
  auto slash = dir.rfind('/');
  return slash == std::string::npos ? dir : dir.substr(slash + 1);
}

// How likely a directory is to be the installed app rather than a test copy or example.
int installed_rank(const std::string& dir) {
  int rank = 0;
  for (std::string_view part : {"test", "example", "sandbox", "_site", "demo", "docs/"})
    if (dir.find(part) != std::string::npos) ++rank;
  return rank;
}

// Two packages with one label cannot both be installed: each keeps its own
// graph, and the likeliest installed one answers dependencies by label.
void assign_app_ids(std::vector<App>& apps) {
  std::map<std::string, std::vector<App*>> by_label;
  for (auto& a : apps) by_label[a.label].push_back(&a);
  for (auto& [label, group] : by_label) {
    std::stable_sort(group.begin(), group.end(), [](const App* a, const App* b) {
      return std::make_pair(installed_rank(a->directory), a->directory.size()) <
             std::make_pair(installed_rank(b->directory), b->directory.size());
    });
    for (std::size_t i = 0; i < group.size(); ++i)
      group[i]->id = i == 0 ? label : label + " (" + group[i]->directory + ")";
  }
}

}  // namespace

const App* ProjectLayout::app(const std::string& id_or_label) const {
  for (const auto& a : apps)
    if (a.id == id_or_label) return &a;
  for (const auto& a : apps)
    if (a.label == id_or_label) return &a;
  return nullptr;
}

const App* ProjectLayout::app_of_migration(const std::string& path) const {
  std::string dir = parent_dir(path);
  for (const auto& a : apps)
    if (a.migrations_dir == dir) return &a;
  return nullptr;
}

const App* ProjectLayout::app_of_models(const std::string& path) const {
  for (const auto& a : apps)
    if (std::find(a.models_paths.begin(), a.models_paths.end(), path) != a.models_paths.end()) return &a;
  return nullptr;
}

bool looks_like_migration_or_models(const std::string& path) {
  if (!path.ends_with(".py")) return path == "pyproject.toml";
  std::string dir = parent_dir(path);
  if (base_name(dir) == "migrations") return true;
  if (base_name(path) == "models.py" || base_name(path) == "apps.py") return true;
  return dir.find("/models") != std::string::npos || dir.rfind("models", 0) == 0;
}

namespace {

// The app whose migrations package `init` (a ".../migrations/__init__.py" of
// `snapshot`) is, when Django's loader would load one there.
std::optional<App> app_at(const Snapshot& snapshot, const std::string& init, const LabelReader& read_label,
                          const std::map<std::string, std::string>& label_overrides) {
  App app;
  app.migrations_dir = parent_dir(init);
  app.directory = parent_dir(app.migrations_dir);
  app.label = base_name(app.directory);
  if (const SnapshotFile* apps_py = snapshot.find(app.directory + "/apps.py"))
    if (auto label = read_label(*apps_py)) app.label = *label;
  if (auto it = label_overrides.find(app.directory); it != label_overrides.end()) app.label = it->second;

  const std::string prefix = app.migrations_dir + "/";
  std::span<const SnapshotFile> modules = snapshot.under(prefix);
  // The module's name, when the file is one Django's loader would load.
  auto module_name = [&](const SnapshotFile& module) -> std::optional<std::string_view> {
    std::string_view rest = std::string_view(module.path).substr(prefix.size());
    if (rest.find('/') != std::string_view::npos || !rest.ends_with(".py")) return std::nullopt;
    rest.remove_suffix(3);
    // Django's loader skips private modules and editor backups.
    if (rest.empty() || rest[0] == '_' || rest[0] == '~') return std::nullopt;
    return rest;
  };
  std::size_t bytes = 0;
  for (const SnapshotFile& module : modules)
    if (module_name(module)) bytes += module.path.size();
  auto paths = std::make_shared<std::string>();
  paths->reserve(bytes);  // exactly: the views taken below stay valid
  app.migrations.reserve(modules.size());
  for (const SnapshotFile& module : modules) {
    auto name = module_name(module);
    if (!name) continue;
    std::string_view path(paths->data() + paths->size(), module.path.size());
    paths->append(module.path);
    app.migrations.push_back(MigrationModule{path.substr(prefix.size(), name->size()), path, module.id});
  }
  app.module_paths = std::move(paths);
  // A package named `migrations` is an app's only when the app looks like one:
  // libraries ship helper packages of that name (wagtail.blocks.migrations).
  bool numbered = std::any_of(app.migrations.begin(), app.migrations.end(),
                              [](const MigrationModule& m) { return std::isdigit(static_cast<unsigned char>(m.name[0])); });
  bool app_like = snapshot.find(app.directory + "/apps.py") || snapshot.find(app.directory + "/models.py") ||
                  snapshot.find(app.directory + "/models/__init__.py");
  if (!numbered && !app_like) return std::nullopt;
  if (snapshot.find(app.directory + "/models.py")) app.models_paths.push_back(app.directory + "/models.py");
  const std::string models_prefix = app.directory + "/models/";
  if (snapshot.find(models_prefix + "__init__.py"))
    for (const SnapshotFile& module : snapshot.under(models_prefix))
      if (module.path.ends_with(".py")) app.models_paths.emplace_back(module.path);
  return app;
}

// Whether a change at `path` can add, drop or rename an app, or change its
// models modules: then a layout is found again rather than patched.
bool may_move_apps(std::string_view path) {
  std::string_view name = path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
  if (name == "apps.py" || name == "models.py") return true;
  if (path.ends_with(kMigrationsInit)) return true;
  return path.rfind("models/", 0) == 0 || path.find("/models/") != std::string_view::npos;
}

}  // namespace

ProjectLayout discover_layout(const Snapshot& snapshot, const LabelReader& read_label,
                              const std::map<std::string, std::string>& label_overrides) {
  ProjectLayout layout;
  for (const SnapshotFile& file : snapshot) {
    std::string_view path = file.path;
    if (!path.ends_with(kMigrationsInit)) continue;
    if (path.size() > kMigrationsInit.size() && path[path.size() - kMigrationsInit.size() - 1] != '/') continue;
    if (path.size() == kMigrationsInit.size() || is_vendored(path)) continue;  // no app directory around it
    if (std::optional<App> app = app_at(snapshot, std::string(path), read_label, label_overrides)) layout.apps.push_back(std::move(*app));
  }
  std::stable_sort(layout.apps.begin(), layout.apps.end(), [](const App& a, const App& b) { return a.label < b.label; });
  assign_app_ids(layout.apps);
  return layout;
}

std::optional<ProjectLayout> patched_layout(const ProjectLayout& like, const Snapshot& snapshot,
                                            const std::set<std::string>& differing, const LabelReader& read_label,
                                            const std::map<std::string, std::string>& label_overrides) {
  std::map<std::string_view, std::size_t> by_dir;  // migrations package -> index in like.apps
  for (std::size_t i = 0; i < like.apps.size(); ++i) by_dir.emplace(like.apps[i].migrations_dir, i);
  std::vector<bool> redo(like.apps.size(), false);
  for (const std::string& path : differing) {
    if (may_move_apps(path)) return std::nullopt;
    auto slash = path.rfind('/');
    if (slash == std::string::npos) continue;
    std::string_view dir = std::string_view(path).substr(0, slash);
    if (auto it = by_dir.find(dir); it != by_dir.end())
      redo[it->second] = true;
    else if (dir == "migrations" || dir.ends_with("/migrations"))
      return std::nullopt;  // a package that was no app's may become one (its first numbered module)
  }
  ProjectLayout out = like;
  for (std::size_t i = 0; i < out.apps.size(); ++i) {
    if (!redo[i]) continue;
    std::optional<App> app = app_at(snapshot, out.apps[i].migrations_dir + "/__init__.py", read_label, label_overrides);
    if (!app || app->label != out.apps[i].label) return std::nullopt;
    app->id = out.apps[i].id;
    out.apps[i] = std::move(*app);
  }
  return out;
}

}  // namespace hc
