// What Django's autodetector would find between two project states: created,
// deleted and renamed models, added, removed, renamed and altered fields,
// changed Meta options and managers. A change that rests on a value that
// cannot be known statically carries the reason and is not a finding.
#pragma once
#include <string>
#include <vector>

#include "models/model_state.hpp"

namespace hc {

struct ModelChange {
  enum class Kind { CreateModel, DeleteModel, RenameModel, AddField, RemoveField, AlterField, RenameField, AlterOption, AlterManagers };
  Kind kind = Kind::AlterField;
  std::string app_label;
  std::string model;      // the model's name as written (the old one for a deletion)
  std::string old_model;  // RenameModel
  std::string field;      // the field (the new name for a rename)
  std::string old_field;  // RenameField
  std::string option;     // AlterOption: "ordering", "indexes", ...
  std::string detail;     // "max_length 10 → 12"
  std::vector<std::string> referenced_models;  // AlterField: the labels of related models on either side
  std::string uncertain;  // non-empty: why hook-check cannot tell
  std::string path;       // where to point: the models file
  Span span{};
};

// `audit`: `before` was replayed from migrations, so the two sides are written
// differently (deconstruct() output against model source), and what a class
// hook-check cannot see into may explain a difference.
std::vector<ModelChange> diff_models(const ProjectModels& before, const ProjectModels& after, bool audit = false);

// One line for a message: "Order.total: max_length 10 → 12".
std::string describe(const ModelChange& change);

}  // namespace hc
