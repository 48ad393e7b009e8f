// The models of a snapshot's apps, read from their models modules (and the
// modules of the app those import) as ModelState would hold them.
#pragma once
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "layout/project_layout.hpp"
#include "models/model_state.hpp"
#include "models/python_modules.hpp"

namespace hc {

struct FieldClass {
  std::string path;         // the class's import path
  std::string django_base;  // the nearest Django field class, empty when not known
  bool own_init = false;    // a class whose __init__ or deconstruct() hook-check cannot follow
  std::map<std::string, ModelValue> implied;  // `kwargs.setdefault("k", v)` in its __init__
  std::map<std::string, std::optional<ModelValue>> dropped;  // `del kwargs["k"]` in its deconstruct(), maybe under `if kwargs.get("k") == v`
};
// Whether a callee is a model field class, and which.
std::optional<FieldClass> field_class_of(const Binding& callee, const ModuleIndex& index, int depth = 0);

// Where the project changes what Django's autodetector compares (netbox
// replaces Field.deconstruct): a property of the whole project, read once.
void find_autodetector_patches(const ModuleIndex& index, ProjectModels& out);

// `look_elsewhere`: also note the classes of the apps' other modules (for the audit).
// `only_apps` (app directories): read only these apps' models (null: all).
ProjectModels extract_models(const ProjectLayout& layout, ModuleIndex& index, const DjangoVersion& version, bool look_elsewhere = false,
                             const std::set<std::string>* only_apps = nullptr);

// The project's Django version: the configured one, else the project's own
// pin (requirements files, pyproject.toml dependencies, lock files), else the
// newest LTS. `read` gives a snapshot file's text.
DjangoVersion detect_django_version(const std::optional<std::string>& configured, const Snapshot& snapshot,
                                    const std::function<std::string(const SnapshotFile&)>& read);

}  // namespace hc
