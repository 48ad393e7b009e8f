// The models side of a check: a snapshot's models read for DJM501, and
// whether a change can have touched them at all.
#pragma once
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>

#include "check/project_view.hpp"
#include "models/model_state.hpp"

namespace hc {

class PythonParser;

// `only_apps` (app directories): read only these apps' models (null: all).
std::unique_ptr<ProjectModels> read_project_models(const ProjectView& view, const ContentReader& reader,
                                                   const PythonParser& parser, const DjangoVersion& version,
                                                   const std::set<std::string>* only_apps = nullptr,
                                                   bool find_patches = true);

// Texts read once per blob: DJM501's check of a change reads the modules of
// two views that share nearly every file (each one a zlib inflate).
class BlobTextCache : public ContentReader {
 public:
  explicit BlobTextCache(const ContentReader& inner) : inner_(inner) {}
  std::string read(const SnapshotFile& file) const override;

 private:
  const ContentReader& inner_;
  mutable std::unordered_map<ObjectId, std::string, ObjectIdHash> texts_;
};

// The apps whose models a change can have touched: those with a changed
// module, and those whose models modules name a changed module (an import,
// an abstract parent in another app). Judged on the text, before parsing.
std::set<std::string> apps_models_may_change(const ProjectView& view, const ContentReader& reader,
                                             const std::set<std::string>& changed_paths);

// The audit's declared side: what a snapshot's models modules say, and what
// the evaluator learnt of them (the replay resolves model classes by it).
// With a models memo, read from it while the files it was read from are
// unchanged. Reads through `reader` only, so it may run on a thread of its
// own with a reader of its own.
class ModelsMemo;
struct DeclaredModels {
  std::unique_ptr<ProjectModels> models;
  std::map<std::string, std::string> model_labels;
};
DeclaredModels extract_audit_models(const Snapshot& snapshot, const ProjectLayout& layout, const ContentReader& reader,
                                   const PythonParser& parser, const DjangoVersion& version,
                                   const ModelsMemo* models_memo = nullptr);

// The audit's pair: what the view's migrations build, replayed in plan order,
// and what its models say.
class OperationsMemo;
class AppStatesMemo;
struct AuditModels {
  std::unique_ptr<ProjectModels> built, declared;
};
// With a memo, migrations whose operations it keeps are not parsed again.
AuditModels read_audit_models(const ProjectView& view, const ContentReader& reader, const PythonParser& parser,
                              const DjangoVersion& version, DeclaredModels declared, OperationsMemo* memo = nullptr,
                              AppStatesMemo* states = nullptr);

// Whether any changed path is Python outside a migrations package: only then
// can a model have changed.
bool models_may_have_changed(const std::set<std::string>& changed_paths, const ProjectLayout& layout);

}  // namespace hc
