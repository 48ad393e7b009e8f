#include "rules/outdated/models_changed_without_migration.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "models/model_changes.hpp"

namespace hc {
namespace {

// An operation's string argument, lower case ("" when absent or not a literal).
std::string name_argument(const Operation& op, std::size_t position, std::string_view keyword) {
  const Argument* a = op.argument(position, keyword);
  return a && a->value.kind == PyValue::Kind::Str ? lowercase(a->value.str) : std::string();
}

struct AddedOperations {
  std::vector<const Operation*> ops;
  std::string unreadable;  // an added migration whose operations hook-check could not read
  std::string custom;      // an operation that is not Django's: it may carry the change
};

void flatten(const Operation& op, std::vector<const Operation*>& out) {
  out.push_back(&op);
  for (const auto& n : op.nested) flatten(n, out);
}

// The operations that carry `c`, in Django's vocabulary.
bool covered(const ModelChange& c, const std::vector<const Operation*>& ops, const std::map<std::string, std::vector<const Operation*>>& all) {
  const std::string model = lowercase(c.model), old_model = lowercase(c.old_model), field = lowercase(c.field), old_field = lowercase(c.old_field);
  auto on_model = [&](const Operation& op) {
    std::string m = op.kind == "AddField" || op.kind == "RemoveField" || op.kind == "AlterField" || op.kind == "RenameField" ||
                            op.kind == "AddIndex" || op.kind == "RemoveIndex" || op.kind == "RenameIndex" ||
                            op.kind == "AddConstraint" || op.kind == "RemoveConstraint" || op.kind == "AlterConstraint" ||
                            op.kind == "AddIndexConcurrently" || op.kind == "RemoveIndexConcurrently"
                        ? name_argument(op, 0, "model_name")
                        : name_argument(op, 0, "name");
    return m == model || (!old_model.empty() && m == old_model);
  };
  for (const Operation* op : ops) {
    const std::string& k = op->kind;
    if (k == "CreateModel" && name_argument(*op, 0, "name") == model) return true;
    switch (c.kind) {
      case ModelChange::Kind::CreateModel:
        if (k == "RenameModel" && name_argument(*op, 1, "new_name") == model) return true;
        break;
      case ModelChange::Kind::DeleteModel:
        if ((k == "DeleteModel" && name_argument(*op, 0, "name") == model) ||
            (k == "RenameModel" && name_argument(*op, 0, "old_name") == model))
          return true;
        break;
      case ModelChange::Kind::RenameModel:
        if (k == "RenameModel" && name_argument(*op, 1, "new_name") == model) return true;
        break;
      case ModelChange::Kind::AddField:
      case ModelChange::Kind::RemoveField:
      case ModelChange::Kind::AlterField:
      case ModelChange::Kind::RenameField: {
        if (k == "DeleteModel" && c.kind == ModelChange::Kind::RemoveField && on_model(*op)) return true;
        if (!on_model(*op)) break;
        if ((k == "AddField" || k == "RemoveField" || k == "AlterField") && name_argument(*op, 1, "name") == field) return true;
        if (k == "RenameField") {
          std::string from = name_argument(*op, 1, "old_name"), to = name_argument(*op, 2, "new_name");
          if (from == field || to == field || (!old_field.empty() && (from == old_field || to == old_field))) return true;
        }
        if (c.kind == ModelChange::Kind::RenameField && (k == "AddField" || k == "RemoveField") && name_argument(*op, 1, "name") == old_field)
          return true;
        break;
      }
      case ModelChange::Kind::AlterOption: {
        if (!on_model(*op)) break;
        static const std::map<std::string, std::set<std::string>> carriers = {
            {"unique_together", {"AlterUniqueTogether"}},
            {"index_together", {"AlterIndexTogether"}},
            {"db_table", {"AlterModelTable"}},
            {"db_table_comment", {"AlterModelTableComment"}},
            {"order_with_respect_to", {"AlterOrderWithRespectTo"}},
            {"indexes", {"AddIndex", "RemoveIndex", "RenameIndex", "AddIndexConcurrently", "RemoveIndexConcurrently"}},
            {"constraints", {"AddConstraint", "RemoveConstraint", "AlterConstraint", "AddConstraintNotValid"}}};
        auto it = carriers.find(c.option);
        if (it == carriers.end() ? k == "AlterModelOptions" : it->second.count(k) > 0) return true;
        break;
      }
      case ModelChange::Kind::AlterManagers:
        if (k == "AlterModelManagers" && on_model(*op)) return true;
        break;
    }
  }
  // A relation that follows a renamed model is the RenameModel's business.
  if (c.kind == ModelChange::Kind::AlterField && !c.referenced_models.empty()) {
    for (const auto& label : c.referenced_models) {
      auto dot = label.find('.');
      auto other = all.find(label.substr(0, dot));
      if (other == all.end()) continue;
      for (const Operation* op : other->second)
        if (op->kind == "RenameModel" && (name_argument(*op, 1, "new_name") == label.substr(dot + 1) ||
                                          name_argument(*op, 0, "old_name") == label.substr(dot + 1)))
          return true;
    }
  }
  return false;
}

const char* verb(ModelChange::Kind k) {
  switch (k) {
    case ModelChange::Kind::CreateModel: return "creates it";
    case ModelChange::Kind::DeleteModel: return "deletes it";
    case ModelChange::Kind::RenameModel: return "renames it";
    case ModelChange::Kind::AddField: return "adds it";
    case ModelChange::Kind::RemoveField: return "removes it";
    case ModelChange::Kind::AlterField: return "alters it";
    case ModelChange::Kind::RenameField: return "renames it";
    default: return "changes it";
  }
}

}  // namespace

void ModelsChangedWithoutMigration::check(const CheckContext& ctx, Findings& out) const {
  if (!ctx.models_before || !ctx.models_after) return;
  // A models module that does not parse says nothing about its app's models: say so.
  for (const auto& path : ctx.models_after->unreadable)
    if (ctx.models_audit || ctx.changed_paths.count(path))
      out.report_as(Severity::Note, kInfo, path, kFileStart,
                    "could not tell whether the models of this module need a migration: it is not valid Python",
                    "fix the syntax error; `python -m py_compile " + path + "` shows it");
  auto changes = diff_models(*ctx.models_before, *ctx.models_after, ctx.models_audit);
  if (changes.empty()) return;
  // In audit mode `before` is what the migrations build: nothing more covers a change.
  std::map<std::string, AddedOperations> added;
  std::map<std::string, std::vector<const Operation*>> all_ops;
  if (!ctx.models_audit) {
    for (const auto& [path, m] : ctx.target.migrations) {
      if (!ctx.changed_paths.count(path)) continue;
      AddedOperations& a = added[m.label];
      if (!m.facts || !m.facts->usable() || !m.facts->operations_complete) {
        a.unreadable = path;
        continue;
      }
      for (const auto& op : m.facts->operations) {
        flatten(op, a.ops);
        if (!op.from_django && a.custom.empty()) a.custom = op.kind;
      }
    }
    for (const auto& [label, a] : added) all_ops[label] = a.ops;
  }
  for (const auto& c : changes) {
    const AddedOperations& a = added[c.app_label];
    if (covered(c, a.ops, all_ops)) continue;
    std::string why = c.uncertain;
    if (why.empty() && !a.unreadable.empty()) why = "the operations of " + a.unreadable + " could not be read";
    if (why.empty() && !a.custom.empty()) why = "the custom operation `" + a.custom + "` may carry it";
    std::string text = describe(c);
    if (!why.empty()) {
      out.report_as(Severity::Note, kInfo, c.path, c.span, "could not tell whether " + text + " needs a migration: " + why,
                    "check with `python manage.py makemigrations --check --dry-run`");
      out.diagnostics().back().verbose_only = true;
      continue;
    }
    std::string where = "(no migration in " + c.app_label + " " + verb(c.kind) + ")";
    out.report(kInfo, c.path, c.span, text + " " + where,
               "run `python manage.py makemigrations " + c.app_label + "` and commit the migration with the change");
  }
}

}  // namespace hc
