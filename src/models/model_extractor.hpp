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

ProjectModels extract_models(const ProjectLayout& layout, ModuleIndex& index, const DjangoVersion& version);

// The project's Django version: the configured one, else the project's own
// pin (requirements files, pyproject.toml dependencies, lock files), else the
// newest LTS. `read` gives a snapshot file's text.
DjangoVersion detect_django_version(const std::optional<std::string>& configured, const Snapshot& snapshot,
                                    const std::function<std::string(const SnapshotFile&)>& read);

}  // namespace hc
