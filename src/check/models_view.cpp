#include "check/models_view.hpp"

#include <algorithm>

#include "models/migration_replay.hpp"
#include "models/model_extractor.hpp"
#include "models/python_modules.hpp"

namespace hc {

std::unique_ptr<ProjectModels> read_project_models(const ProjectView& view, const ContentReader& reader,
                                                   const PythonParser& parser, const DjangoVersion& version,
                                                   const std::set<std::string>* only_apps) {
  ModuleIndex index(view.snapshot, reader, parser);
  return std::make_unique<ProjectModels>(extract_models(view.layout, index, version, false, only_apps));
}

std::set<std::string> apps_models_may_change(const ProjectView& view, const ContentReader& reader,
                                             const std::set<std::string>& changed_paths) {
  // What an import of each changed module would say: `core.models`, `from core import models`.
  std::vector<std::string> needles;
  std::vector<std::string> changed_modules;
  for (const auto& path : changed_paths) {
    if (!path.ends_with(".py") || view.layout.app_of_migration(path)) continue;
    changed_modules.push_back(path);
    std::string dotted = path.substr(0, path.size() - 3);
    if (dotted.ends_with("/__init__")) dotted.resize(dotted.size() - 9);
    for (char& c : dotted)
      if (c == '/') c = '.';
    // Any suffix may be how it is imported (a src/ layout roots packages below the top).
    for (std::size_t at = 0; at != std::string::npos; at = dotted.find('.', at + 1)) {
      std::string tail = at == 0 ? dotted : dotted.substr(at + 1);
      if (tail.find('.') == std::string::npos) break;
      needles.push_back(tail);
      auto dot = tail.rfind('.');
      needles.push_back("from " + tail.substr(0, dot) + " import");
    }
  }
  std::set<std::string> out;
  for (const auto& app : view.layout.apps) {
    bool touched = std::any_of(changed_modules.begin(), changed_modules.end(),
                               [&](const std::string& p) { return p.starts_with(app.directory + "/"); });
    for (std::size_t i = 0; !touched && i < app.models_paths.size(); ++i) {
      const SnapshotFile* f = view.snapshot.find(app.models_paths[i]);
      if (!f) continue;
      std::string text = reader.read(*f);
      touched = std::any_of(needles.begin(), needles.end(), [&](const std::string& n) { return text.find(n) != std::string::npos; });
    }
    if (touched) out.insert(app.directory);
  }
  return out;
}

AuditModels read_audit_models(const ProjectView& view, const ContentReader& reader, const PythonParser& parser,
                              const DjangoVersion& version) {
  ModuleIndex index(view.snapshot, reader, parser);
  AuditModels out;
  out.declared = std::make_unique<ProjectModels>(extract_models(view.layout, index, version, true));
  std::vector<PlannedMigration> plan;
  for (const auto& key : view.graph.full_plan())
    if (const Migration* m = view.find(key)) plan.push_back({m->label, m->path});
  out.built = std::make_unique<ProjectModels>(replay_migrations(plan, index, version));
  // A graph Django would refuse to load builds nothing hook-check can vouch for.
  for (const auto& app : view.layout.apps)
    if (!view.graph_reliable(app.id)) out.built->uncertain_apps.emplace(app.label, "its migration graph cannot be loaded");
  return out;
}

bool models_may_have_changed(const std::set<std::string>& changed_paths, const ProjectLayout& layout) {
  for (const auto& path : changed_paths)
    if (path.ends_with(".py") && !layout.app_of_migration(path)) return true;
  return false;
}

}  // namespace hc
