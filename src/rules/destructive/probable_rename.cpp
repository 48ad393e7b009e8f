#include "rules/destructive/probable_rename.hpp"

#include <set>

#include "rules/destructive/destructive_operations.hpp"

namespace hc {
namespace {

struct FieldChange {
  const Operation* op = nullptr;
  std::string model_as_written;  // "order": RenameField's model_name
  std::string model;             // lowercased
  std::string name;              // as written
  FieldShape shape;
};

struct NewModel {
  const Operation* op = nullptr;
  std::string name;  // as written
  ModelShape state;
};

// The top-level Django operations of one migration, by what they add and drop.
struct Changes {
  std::vector<FieldChange> removed_fields, added_fields;
  std::vector<const Operation*> deleted_models;
  std::vector<NewModel> created_models;
  bool runs_code = false;  // RunPython/RunSQL may carry the data across
};

Changes collect_changes(const MigrationFacts& facts) {
  Changes c;
  for (const auto& op : facts.operations) {
    if (!op.from_django) continue;
    if (op.kind == "RunPython" || op.kind == "RunSQL") {
      c.runs_code = true;
    } else if (op.kind == "RemoveField" || op.kind == "AddField") {
      FieldChange f{&op, string_argument(op, 0, "model_name"), "", string_argument(op, 1, "name"), {}};
      f.model = lowercase(f.model_as_written);
      if (f.model.empty() || f.name.empty()) continue;
      if (op.kind == "AddField") {
        const Argument* field = op.argument(2, "field");
        if (field) f.shape = field_shape(field->value);
        c.added_fields.push_back(std::move(f));
      } else {
        c.removed_fields.push_back(std::move(f));
      }
    } else if (op.kind == "DeleteModel") {
      c.deleted_models.push_back(&op);
    } else if (op.kind == "CreateModel") {
      std::string name = string_argument(op, 0, "name");
      if (!name.empty()) c.created_models.push_back({&op, name, created_model(op)});
    }
  }
  return c;
}

// Pairs (i, j) where i's only candidate is j and j's only candidate is i:
// a guess is worth making only when nothing else fits either side.
template <class Match>
std::vector<std::pair<std::size_t, std::size_t>> unambiguous_pairs(std::size_t left, std::size_t right, Match match) {
  std::vector<std::vector<std::size_t>> of_left(left), of_right(right);
  for (std::size_t i = 0; i < left; ++i)
    for (std::size_t j = 0; j < right; ++j)
      if (match(i, j)) of_left[i].push_back(j), of_right[j].push_back(i);
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  for (std::size_t i = 0; i < left; ++i)
    if (of_left[i].size() == 1 && of_right[of_left[i][0]].size() == 1) pairs.emplace_back(i, of_left[i][0]);
  return pairs;
}

// The definition history gives a field just before this migration, if known.
const FieldShape* known_shape(const AppModels& before, const std::string& model, const std::string& field) {
  auto m = before.find(model);
  if (m == before.end()) return nullptr;
  auto f = m->second.fields.find(field);
  return f == m->second.fields.end() || !f->second.known() ? nullptr : &f->second;
}

void report_field_renames(const Migration& m, const Changes& c, const AppModels& before, Findings& out) {
  std::set<std::string> deleted, created;
  for (const Operation* op : c.deleted_models) deleted.insert(lowercase(string_argument(*op, 0, "name")));
  for (const auto& model : c.created_models) created.insert(lowercase(model.name));

  // Removed fields with their definition from history; a model with one
  // removed field of unknown definition could pair with anything: leave it be.
  std::vector<FieldChange> removed;
  std::set<std::string> unclear_models;
  for (FieldChange f : c.removed_fields) {
    if (deleted.count(f.model)) continue;
    const FieldShape* shape = known_shape(before, f.model, lowercase(f.name));
    if (!shape) {
      unclear_models.insert(f.model);
      continue;
    }
    f.shape = *shape;
    removed.push_back(std::move(f));
  }
  std::vector<const FieldChange*> added;
  for (const auto& f : c.added_fields) {
    if (created.count(f.model) || !before.count(f.model)) continue;
    if (!f.shape.known()) unclear_models.insert(f.model);
    added.push_back(&f);
  }

  auto pairs = unambiguous_pairs(removed.size(), added.size(), [&](std::size_t i, std::size_t j) {
    const FieldChange& r = removed[i];
    const FieldChange& a = *added[j];
    return r.model == a.model && !unclear_models.count(r.model) && lowercase(r.name) != lowercase(a.name) &&
           r.shape == a.shape;
  });
  for (auto [i, j] : pairs) {
    const FieldChange& r = removed[i];
    const FieldChange& a = *added[j];
    out.report(ProbableRename::kInfo, m.path, a.op->span,
               "`AddField(" + a.model_as_written + "." + a.name + ")` with `RemoveField(" + r.model_as_written + "." +
                   r.name + ")` of the same `" + r.shape.field_class +
                   "` looks like a rename: the column is dropped and a new, empty one added, losing its data",
               "if `" + r.name + "` was renamed, write `migrations.RenameField(model_name=\"" + r.model_as_written +
                   "\", old_name=\"" + r.name + "\", new_name=\"" + a.name +
                   "\")` instead of the two operations (and an `AlterField` for any option that changed)");
  }
}

// A model's fields as rename detection compares them: without the automatic
// `id`, and with relations to the model itself (under either name) as "self".
std::map<std::string, FieldShape> comparable_fields(std::map<std::string, FieldShape> fields, const std::string& own_name) {
  fields.erase("id");
  for (auto& [name, shape] : fields)
    if (shape.target == own_name) shape.target = "self";
  return fields;
}

bool all_known(const std::map<std::string, FieldShape>& fields) {
  for (const auto& [name, shape] : fields)
    if (!shape.known()) return false;
  return !fields.empty();
}

void report_model_renames(const Migration& m, const Changes& c, const AppModels& before, Findings& out) {
  struct Signature {
    std::string name;  // as written
    const Operation* op = nullptr;
    std::map<std::string, FieldShape> fields;
    bool usable = false;
  };
  std::set<std::string> deleted_names;
  std::vector<Signature> deleted;
  for (const Operation* op : c.deleted_models) {
    Signature s{string_argument(*op, 0, "name"), op, {}, false};
    std::string key = lowercase(s.name);
    deleted_names.insert(key);
    auto model = before.find(key);
    if (model != before.end() && model->second.complete) {
      s.fields = comparable_fields(model->second.fields, key);
      s.usable = all_known(s.fields);
    }
    deleted.push_back(std::move(s));
  }
  std::vector<Signature> created;
  for (const auto& model : c.created_models) {
    std::string key = lowercase(model.name);
    if (deleted_names.count(key) || before.count(key)) continue;
    Signature s{model.name, model.op, model.state.fields, model.state.complete};
    // makemigrations adds a new model's relations in AddField operations after it.
    for (const auto& f : c.added_fields)
      if (f.model == key) s.fields[lowercase(f.name)] = f.shape;
    s.fields = comparable_fields(s.fields, key);
    s.usable = s.usable && all_known(s.fields);
    created.push_back(std::move(s));
  }

  auto pairs = unambiguous_pairs(deleted.size(), created.size(), [&](std::size_t i, std::size_t j) {
    return deleted[i].usable && created[j].usable && deleted[i].fields == created[j].fields;
  });
  for (auto [i, j] : pairs) {
    const Signature& gone = deleted[i];
    const Signature& added = created[j];
    out.report(ProbableRename::kInfo, m.path, added.op->span,
               "`CreateModel(" + added.name + ")` has the fields of `DeleteModel(" + gone.name +
                   ")` in the same migration: it looks like a rename, and the rows of `" + gone.name + "` are lost",
               "if `" + gone.name + "` was renamed, write `migrations.RenameModel(old_name=\"" + gone.name +
                   "\", new_name=\"" + added.name + "\")` instead of the two operations");
  }
}

}  // namespace

void ProbableRename::check(const CheckContext& ctx, Findings& out) const {
  for (const auto& [path, m] : ctx.target.migrations) {
    // A squash runs on fresh databases only: there is no data to lose.
    if (!ctx.in_scope(path) || !m.facts || !m.facts->usable() || !m.facts->replaces.empty()) continue;
    Changes changes = collect_changes(*m.facts);
    bool field_candidates = !changes.removed_fields.empty() && !changes.added_fields.empty();
    bool model_candidates = !changes.deleted_models.empty() && !changes.created_models.empty();
    if ((!field_candidates && !model_candidates) || changes.runs_code) continue;
    AppModels before = models_before(ctx.target, m);
    if (field_candidates) report_field_renames(m, changes, before, out);
    if (model_candidates) report_model_renames(m, changes, before, out);
  }
}

}  // namespace hc
