#include "check/models_view.hpp"

#include "models/model_extractor.hpp"
#include "models/python_modules.hpp"

namespace hc {

std::unique_ptr<ProjectModels> read_project_models(const ProjectView& view, const ContentReader& reader,
                                                   const PythonParser& parser, const DjangoVersion& version) {
  ModuleIndex index(view.snapshot, reader, parser);
  return std::make_unique<ProjectModels>(extract_models(view.layout, index, version));
}

bool models_may_have_changed(const std::set<std::string>& changed_paths, const ProjectLayout& layout) {
  for (const auto& path : changed_paths)
    if (path.ends_with(".py") && !layout.app_of_migration(path)) return true;
  return false;
}

}  // namespace hc
