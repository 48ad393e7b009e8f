// What the migrations build: every migration's operations applied in plan
// order to an empty project state, as Django's ProjectState does (the state
// side of SeparateDatabaseAndState and RunSQL included). An operation that
// cannot be read makes its app's state unknown, with the reason.
#pragma once
#include <string>
#include <vector>

#include "models/field_deconstruct.hpp"
#include "models/model_state.hpp"
#include "models/python_modules.hpp"

namespace hc {

struct PlannedMigration {
  std::string app_label;
  std::string path;
};

ProjectModels replay_migrations(const std::vector<PlannedMigration>& plan, ModuleIndex& index, const DjangoVersion& version);

// A field call as a migration or a model writes it, deconstructed.
FieldState field_from_call(const std::string& name, const ModelValue& call, const ModuleIndex& index, const FieldOwner& owner);

}  // namespace hc
