#include "check/models_view.hpp"

#include "models/migration_replay.hpp"
#include "models/model_extractor.hpp"
#include "models/python_modules.hpp"

namespace hc {

std::unique_ptr<ProjectModels> read_project_models(const ProjectView& view, const ContentReader& reader,
                                                   const PythonParser& parser, const DjangoVersion& version) {
  ModuleIndex index(view.snapshot, reader, parser);
  return std::make_unique<ProjectModels>(extract_models(view.layout, index, version));
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
