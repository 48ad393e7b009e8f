// The models side of a check: a snapshot's models read for DJM501, and
// whether a change can have touched them at all.
#pragma once
#include <memory>
#include <set>
#include <string>

#include "check/project_view.hpp"
#include "models/model_state.hpp"

namespace hc {

class PythonParser;

// `only_apps` (app directories): read only these apps' models (null: all).
std::unique_ptr<ProjectModels> read_project_models(const ProjectView& view, const ContentReader& reader,
                                                   const PythonParser& parser, const DjangoVersion& version,
                                                   const std::set<std::string>* only_apps = nullptr,
                                                   bool find_patches = true);

// The apps whose models a change can have touched: those with a changed
// module, and those whose models modules name a changed module (an import,
// an abstract parent in another app). Judged on the text, before parsing.
std::set<std::string> apps_models_may_change(const ProjectView& view, const ContentReader& reader,
                                             const std::set<std::string>& changed_paths);

// The audit's pair: what the view's migrations build, replayed in plan order,
// and what its models say.
class OperationsMemo;
struct AuditModels {
  std::unique_ptr<ProjectModels> built, declared;
};
// With a memo, migrations whose operations it keeps are not parsed again;
// with a models memo, models modules read before and unchanged since neither.
class ModelsMemo;
AuditModels read_audit_models(const ProjectView& view, const ContentReader& reader, const PythonParser& parser,
                              const DjangoVersion& version, OperationsMemo* memo = nullptr,
                              const ModelsMemo* models_memo = nullptr);

// Whether any changed path is Python outside a migrations package: only then
// can a model have changed.
bool models_may_have_changed(const std::set<std::string>& changed_paths, const ProjectLayout& layout);

}  // namespace hc
