#include "check/models_view.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "check/models_memo.hpp"
#include "models/migration_replay.hpp"
#include "models/model_extractor.hpp"
#include "models/python_modules.hpp"

namespace hc {

std::unique_ptr<ProjectModels> read_project_models(const ProjectView& view, const ContentReader& reader,
                                                   const PythonParser& parser, const DjangoVersion& version,
                                                   const std::set<std::string>* only_apps, bool find_patches) {
  ModuleIndex index(view.snapshot, reader, parser);
  auto models = std::make_unique<ProjectModels>(extract_models(view.layout, index, version, false, only_apps));
  if (find_patches) find_autodetector_patches(index, *models);
  return models;
}

namespace {

// How an import of the module at `path` may read: `core.models`, `from core import models`
// (any suffix of its dotted name, as a src/ layout roots packages below the top).
struct Needle {
  std::string text;
  std::string dir;  // only in files of this directory (relative imports); empty: anywhere
};

void import_needles(const std::string& path, std::vector<Needle>& out) {
  std::string dotted = path.substr(0, path.size() - 3);
  if (dotted.ends_with("/__init__")) dotted.resize(dotted.size() - 9);
  for (char& c : dotted)
    if (c == '/') c = '.';
  // Relative imports, from the same package: `from .mixins import X`, `from . import mixins`.
  std::string last = dotted.substr(dotted.rfind('.') + 1);
  std::string dir = path.substr(0, path.rfind('/') + 1);
  out.push_back({"." + last + " import", dir});
  out.push_back({"import " + last, dir});
  for (std::size_t at = 0; at != std::string::npos; at = dotted.find('.', at + 1)) {
    std::string tail = at == 0 ? dotted : dotted.substr(at + 1);
    if (tail.find('.') == std::string::npos) break;
    out.push_back({tail, ""});
    out.push_back({"from " + tail.substr(0, tail.rfind('.')) + " import", ""});
  }
}

}  // namespace

std::string BlobTextCache::read(const SnapshotFile& file) const {
  auto it = texts_.find(file.id);
  if (it == texts_.end()) it = texts_.emplace(file.id, inner_.read(file)).first;
  return it->second;
}

std::set<std::string> apps_models_may_change(const ProjectView& view, const ContentReader& reader,
                                             const std::set<std::string>& changed_paths) {
  // The changed modules, and every module that names one, to a fixed point
  // (models.py may re-export an abstract base from a changed mixins module).
  std::set<std::string> reached;
  std::vector<Needle> needles;
  for (const auto& path : changed_paths)
    if (path.ends_with(".py") && !view.layout.app_of_migration(path) && reached.insert(path).second) import_needles(path, needles);
  if (reached.empty()) return {};
  std::map<std::string, std::string> texts;
  for (const SnapshotFile& file : view.snapshot)
    if (file.path.ends_with(".py") && !reached.count(std::string(file.path)) && file.path.find("/migrations/") == std::string::npos)
      texts.emplace(file.path, reader.read(file));
  for (bool grew = true; grew;) {
    grew = false;
    for (auto it = texts.begin(); it != texts.end();) {
      bool names = std::any_of(needles.begin(), needles.end(), [&](const Needle& n) {
        bool here = n.dir.empty() || (it->first.starts_with(n.dir) && it->first.find('/', n.dir.size()) == std::string::npos);
        return here && it->second.find(n.text) != std::string::npos;
      });
      if (!names) {
        ++it;
        continue;
      }
      reached.insert(it->first);
      import_needles(it->first, needles);
      it = texts.erase(it);
      grew = true;
    }
  }
  std::set<std::string> out;
  for (const auto& app : view.layout.apps) {
    bool touched = std::any_of(reached.begin(), reached.end(), [&](const std::string& p) { return p.starts_with(app.directory + "/"); });
    if (touched) out.insert(app.directory);
  }
  return out;
}

namespace {

// Passes reads on, and notes which files were read (what the models memo checks).
class RecordingReader : public ContentReader {
 public:
  explicit RecordingReader(const ContentReader& inner) : inner_(inner) {}
  std::string read(const SnapshotFile& file) const override {
    if (recording_ && seen_.insert(std::string(file.path)).second) read_.emplace_back(file.path, file.id);
    return inner_.read(file);
  }
  ModelsMemo::ReadFiles stop() {
    recording_ = false;
    seen_.clear();
    return std::move(read_);
  }

 private:
  const ContentReader& inner_;
  bool recording_ = true;
  mutable std::set<std::string> seen_;  // a module is read up to three times
  mutable ModelsMemo::ReadFiles read_;
};

}  // namespace

DeclaredModels extract_audit_models(const Snapshot& snapshot, const ProjectLayout& layout, const ContentReader& reader,
                                   const PythonParser& parser, const DjangoVersion& version, const ModelsMemo* models_memo) {
  DeclaredModels out;
  std::optional<ObjectId> key;
  if (models_memo) {
    key = ModelsMemo::key_for(snapshot, layout, version);
    if (auto kept = models_memo->find(*key, snapshot)) {
      out.models = std::make_unique<ProjectModels>(std::move(kept->models));
      out.model_labels = std::move(kept->model_labels);
      return out;
    }
  }
  RecordingReader recording(reader);
  ModelsMemo::ReadFiles read;
  {
    ModuleIndex index(snapshot, recording, parser);
    out.models = std::make_unique<ProjectModels>(extract_models(layout, index, version, true));
    find_autodetector_patches(index, *out.models);
    read = recording.stop();
    out.model_labels = std::move(index.model_labels);
  }  // the models modules' trees: 17 MB on 300 apps
  if (models_memo) models_memo->add(*key, read, *out.models, out.model_labels);
  return out;
}

namespace {

bool renames_a_model(const std::vector<Operation>& operations) {
  return std::any_of(operations.begin(), operations.end(),
                     [](const Operation& op) { return op.kind == "RenameModel" || renames_a_model(op.nested); });
}

// What the replay must assume of a migration its facts cannot vouch for: that
// it may repoint other apps' relations.
bool reaches_other_apps(const Migration& m) {
  return !m.facts || !m.facts->usable() || !m.facts->operations_complete || renames_a_model(m.facts->operations);
}

}  // namespace

AuditModels read_audit_models(const ProjectView& view, const ContentReader& reader, const PythonParser& parser,
                              const DjangoVersion& version, DeclaredModels declared, OperationsMemo* memo,
                              AppStatesMemo* states) {
  ModuleIndex index(view.snapshot, reader, parser);
  index.model_labels = std::move(declared.model_labels);
  AuditModels out;
  out.declared = std::move(declared.models);
  std::vector<PlannedMigration> plan;
  for (const auto& key : view.graph.full_plan())
    if (const Migration* m = view.find(key)) plan.push_back({m->label, m->path, m->blob, reaches_other_apps(*m)});
  out.built = std::make_unique<ProjectModels>(replay_migrations(plan, index, version, memo, states));
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
