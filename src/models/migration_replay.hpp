// What the migrations build: every migration's operations applied in plan
// order to an empty project state, as Django's ProjectState does (the state
// side of SeparateDatabaseAndState and RunSQL included). An operation that
// cannot be read makes its app's state unknown, with the reason.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/object_id.hpp"

#include "models/field_deconstruct.hpp"
#include "models/model_state.hpp"
#include "models/python_modules.hpp"

namespace hc {

struct PlannedMigration {
  std::string app_label;
  std::string path;
  ObjectId blob;
  // Whether its operations may change other apps' models (a RenameModel
  // repoints their relations), or could not be read well enough to tell.
  bool reaches_other_apps = true;
};

// A migration's `operations` as evaluated, kept between runs by blob id (the
// check layer keeps it on disk). Only evaluations that read nothing but the
// migration itself are added: the blob id then decides the value.
class OperationsMemo {
 public:
  virtual ~OperationsMemo() = default;
  virtual std::optional<ModelValue> find(const ObjectId& blob) = 0;
  virtual void add(const ObjectId& blob, const ModelValue& operations) = 0;
  // find() without decoding.
  virtual bool contains(const ObjectId& blob) { return find(blob).has_value(); }
};

// Each app's replayed state, kept between runs (the check layer keeps them
// on disk) under a key naming what the state depends on: this build, the
// Django version, the repository's top-level packages, the app's migrations
// in plan order, and every migration (in plan order) of the apps whose
// operations reach other apps. An app whose replay looked at any other
// module of the repository (a custom field's class) is not kept.
class AppStatesMemo {
 public:
  virtual ~AppStatesMemo() = default;
  // What identifies the build that replays (keys include it).
  virtual std::string salt() const = 0;
  // The app's models, and why its state is unknown if it is.
  virtual std::optional<ProjectModels> find(const ObjectId& key) = 0;
  // Keeps the models of `label` in `state` (and its uncertainty).
  virtual void add(const ObjectId& key, const ProjectModels& state, const std::string& label) = 0;
};

// A migration's operations evaluated from a tree parsed for other ends (an
// audit's facts parse), reading nothing else: what the memo may keep. An
// evaluation that would read another module, or that the replay must judge
// itself (no Migration class, operations built at run time), is nullopt and
// left to the replay. Reads no file: one per thread.
class StandaloneOperations {
 public:
  StandaloneOperations(const Snapshot& snapshot, const PythonParser& parser);
  // index_ reads through reader_: a copy or a move would read the original's.
  StandaloneOperations(const StandaloneOperations&) = delete;
  StandaloneOperations& operator=(const StandaloneOperations&) = delete;
  std::optional<ModelValue> evaluate(const std::string& path, SyntaxTree tree);

 private:
  // Another module asked for: the evaluation has strayed.
  class RefusingReader : public ContentReader {
   public:
    std::string read(const SnapshotFile&) const override {
      asked = true;
      return {};
    }
    mutable bool asked = false;
  };
  RefusingReader reader_;
  ModuleIndex index_;
};

// With `states`, apps whose key it holds are not replayed.
ProjectModels replay_migrations(const std::vector<PlannedMigration>& plan, ModuleIndex& index, const DjangoVersion& version,
                                OperationsMemo* memo = nullptr, AppStatesMemo* states = nullptr);

// A field call as a migration or a model writes it, deconstructed.
FieldState field_from_call(const std::string& name, const ModelValue& call, const ModuleIndex& index, const FieldOwner& owner);

}  // namespace hc
