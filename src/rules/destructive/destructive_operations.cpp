#include "rules/destructive/destructive_operations.hpp"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include "rules/reversibility/operations.hpp"

namespace hc {
namespace {

bool contains(const Span& outer, const Span& inner) { return outer.start <= inner.start && inner.end <= outer.end; }

// Which side of a SeparateDatabaseAndState holds `nested`, judged by where it is written.
// With one side given, that side holds them all, written in place or in a
// variable (`state_operations=state_operations`).
OperationRole nested_role(const Operation& separate, const Operation& nested) {
  const Argument* db = separate.argument(0, "database_operations");
  const Argument* state = separate.argument(1, "state_operations");
  if (db && (!state || contains(db->span, nested.span))) return OperationRole::Database;
  if (state && (!db || contains(state->span, nested.span))) return OperationRole::StateOnly;
  return OperationRole::Unknown;
}

bool is_separate_database_and_state(const Operation& op) {
  return op.from_django && op.kind == "SeparateDatabaseAndState";
}

void place(const std::vector<Operation>& ops, OperationRole outer, std::vector<PlacedOperation>& out,
           const Operation* separate) {
  for (const auto& op : ops) {
    // Inside state_operations everything is state; elsewhere the side it is written in decides.
    OperationRole role = outer;
    if (separate && outer == OperationRole::Database) role = nested_role(*separate, op);
    if (is_separate_database_and_state(op))
      place(op.nested, role, out, &op);
    else
      out.push_back({&op, role});
  }
}

// The forward SQL of a RunSQL as written: a string, or a list of strings and (sql, params) pairs.
std::vector<std::string> forward_sql(const Operation& op) {
  std::vector<std::string> out;
  const Argument* sql = op.argument(0, "sql");
  if (!sql) return out;
  const PyValue& v = sql->value;
  if (v.kind == PyValue::Kind::Str) {
    out.push_back(v.str);
  } else if (v.kind == PyValue::Kind::List || v.kind == PyValue::Kind::Tuple) {
    for (const auto& item : v.items) {
      if (item.kind == PyValue::Kind::Str)
        out.push_back(item.str);
      else if ((item.kind == PyValue::Kind::Tuple || item.kind == PyValue::Kind::List) && !item.items.empty() &&
               item.items[0].kind == PyValue::Kind::Str)
        out.push_back(item.items[0].str);
    }
  }
  return out;
}

// SQL with its comments blanked out, so `-- drop table later` does not count.
std::string without_comments(const std::string& sql) {
  std::string out = sql;
  for (std::size_t i = 0; i + 1 < out.size(); ++i) {
    if (out[i] == '-' && out[i + 1] == '-') {
      while (i < out.size() && out[i] != '\n') out[i++] = ' ';
    } else if (out[i] == '/' && out[i + 1] == '*') {
      std::size_t end = out.find("*/", i + 2);
      end = end == std::string::npos ? out.size() : end + 2;
      for (; i < end; ++i) out[i] = ' ';
    }
  }
  return out;
}

std::optional<std::string> destructive_statement(const Operation& op) {
  static const std::regex kDestructive(R"(\bdrop\s+table\b|\bdrop\s+column\b|\bdelete\s+from\b|\btruncate\b)",
                                       std::regex::icase);
  // A function or trigger body runs later, not when the migration does.
  static const std::regex kDefinesRoutine(R"(\bcreate\s+(or\s+replace\s+)?(function|procedure|trigger|rule)\b)",
                                          std::regex::icase);
  for (const auto& sql : forward_sql(op)) {
    std::string code = without_comments(sql);
    if (std::regex_search(code, kDefinesRoutine)) continue;
    std::smatch match;
    if (!std::regex_search(code, match, kDestructive)) continue;
    std::string statement = code.substr(static_cast<std::size_t>(match.position(0)));
    statement = statement.substr(0, statement.find_first_of(";\n"));
    while (!statement.empty() && std::isspace(static_cast<unsigned char>(statement.back()))) statement.pop_back();
    if (statement.size() > 48) statement = statement.substr(0, 48) + "…";
    return statement;
  }
  return std::nullopt;
}

bool is_noop(const Operation& op) {
  if (op.kind != "RunPython" && op.kind != "RunSQL") return false;
  const Argument* code = op.argument(0, op.kind == "RunPython" ? "code" : "sql");
  if (!code) return false;
  if (code->value.kind == PyValue::Kind::Name) return code->value.str.ends_with(".noop");
  return code->value.kind == PyValue::Kind::Str && code->value.str.find_first_not_of(" \t\r\n;") == std::string::npos;
}

// Removals that lose no rows, and the together/order options Django clears
// on a model it is about to drop or shrink: part of the drop, not other work.
bool is_part_of_drop(const Operation& op, const std::set<std::string>& shrinking_models) {
  static const std::set<std::string, std::less<>> kRemovals{"RemoveField", "DeleteModel", "RemoveIndex",
                                                            "RemoveConstraint"};
  static const std::set<std::string, std::less<>> kModelOptions{"AlterUniqueTogether", "AlterIndexTogether",
                                                                "AlterOrderWithRespectTo"};
  if (!op.from_django) return false;
  if (kRemovals.count(op.kind)) return true;
  return kModelOptions.count(op.kind) && shrinking_models.count(lowercase(string_argument(op, 0, "name")));
}

// The text of keyword argument `keyword` in a call's source, at the call's
// own nesting level; PyValue keeps only positional arguments of calls.
std::optional<std::string> keyword_source(std::string_view call, std::string_view keyword) {
  std::size_t open = call.find('(');
  if (open == std::string_view::npos) return std::nullopt;
  int depth = 0;
  std::size_t arg_start = open + 1;
  auto check = [&](std::size_t end) -> std::optional<std::string> {
    std::string_view arg = call.substr(arg_start, end - arg_start);
    while (!arg.empty() && std::isspace(static_cast<unsigned char>(arg.front()))) arg.remove_prefix(1);
    if (!arg.starts_with(keyword)) return std::nullopt;
    arg.remove_prefix(keyword.size());
    while (!arg.empty() && std::isspace(static_cast<unsigned char>(arg.front()))) arg.remove_prefix(1);
    if (arg.size() < 2 || arg[0] != '=' || arg[1] == '=') return std::nullopt;
    arg.remove_prefix(1);
    while (!arg.empty() && std::isspace(static_cast<unsigned char>(arg.front()))) arg.remove_prefix(1);
    while (!arg.empty() && std::isspace(static_cast<unsigned char>(arg.back()))) arg.remove_suffix(1);
    return std::string(arg);
  };
  for (std::size_t i = open; i < call.size(); ++i) {
    char c = call[i];
    if (c == '\'' || c == '"') {
      bool triple = i + 2 < call.size() && call[i + 1] == c && call[i + 2] == c;
      std::size_t j = i + (triple ? 3 : 1);
      for (; j < call.size(); ++j) {
        if (call[j] == '\\') {
          ++j;
        } else if (call[j] == c && (!triple || (j + 2 < call.size() && call[j + 1] == c && call[j + 2] == c))) {
          j += triple ? 2 : 0;
          break;
        }
      }
      i = j;
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      if (--depth == 0) return check(i);
    } else if (c == ',' && depth == 1) {
      if (auto found = check(i)) return found;
      arg_start = i + 1;
    } else if (c == '#') {
      while (i < call.size() && call[i] != '\n') ++i;
    }
  }
  return std::nullopt;
}

std::string last_component(std::string_view dotted) {
  auto dot = dotted.rfind('.');
  return std::string(dot == std::string_view::npos ? dotted : dotted.substr(dot + 1));
}

// The value under string key `key` of a literal dict, if written there.
const PyValue* dict_value(const PyValue& dict, std::string_view key) {
  if (dict.kind != PyValue::Kind::Dict) return nullptr;
  for (std::size_t i = 0; i + 1 < dict.items.size(); i += 2)
    if (dict.items[i].kind == PyValue::Kind::Str && dict.items[i].str == key) return &dict.items[i + 1];
  return nullptr;
}

bool is_false(const PyValue* v) { return v && v->kind == PyValue::Kind::Bool && !v->boolean; }
bool is_true(const PyValue* v) { return v && v->kind == PyValue::Kind::Bool && v->boolean; }

// Whether a field call says `keyword=True`.
bool field_flag(const PyValue& field, std::string_view keyword) {
  return field.kind == PyValue::Kind::Call && keyword_source(field.text, keyword) == "True";
}

const Migration* resolve(const ProjectView& view, const MigrationKey& key) {
  if (const Migration* m = view.find(key)) return m;
  auto squash = view.graph.replaced().find(key);
  return squash == view.graph.replaced().end() ? nullptr : view.find(squash->second);
}

// The migrations `m` depends on in its own app, parents before children.
std::vector<const Migration*> ancestors_in_order(const ProjectView& view, const Migration& m) {
  std::vector<const Migration*> order;
  std::set<MigrationKey> seen{m.key};
  struct Frame {
    const Migration* migration;
    std::size_t next = 0;
  };
  std::vector<Frame> stack{{&m}};
  while (!stack.empty()) {
    Frame& top = stack.back();
    const auto& deps = top.migration->facts->dependencies;
    if (top.next == deps.size()) {
      if (top.migration != &m) order.push_back(top.migration);
      stack.pop_back();
      continue;
    }
    const DependencyRef& dep = deps[top.next++];
    if (dep.swappable || dep.app != top.migration->label || dep.name == "__first__" || dep.name == "__latest__") continue;
    const Migration* parent = resolve(view, {top.migration->key.app, dep.name});
    if (!parent || !parent->facts || !parent->facts->usable() || !seen.insert(parent->key).second) continue;
    stack.push_back({parent});
  }
  return order;
}

ModelState& model_named(AppModels& models, const std::string& name) {
  auto [it, added] = models.try_emplace(name);
  if (added) it->second.complete = false;  // fields before this point in history are unknown
  return it->second;
}

void replay(const std::vector<Operation>& ops, AppModels& models, const Operation* separate = nullptr) {
  for (const auto& op : ops) {
    if (!op.from_django) continue;
    if (separate && nested_role(*separate, op) != OperationRole::StateOnly) continue;
    const std::string& kind = op.kind;
    if (kind == "SeparateDatabaseAndState") {
      replay(op.nested, models, &op);
    } else if (kind == "CreateModel") {
      std::string name = lowercase(string_argument(op, 0, "name"));
      if (name.empty()) continue;
      ModelState state;
      state.complete = op.arguments_complete;
      const Argument* fields = op.argument(1, "fields");
      if (!fields || (fields->value.kind != PyValue::Kind::List && fields->value.kind != PyValue::Kind::Tuple)) {
        state.complete = false;
      } else {
        for (const auto& item : fields->value.items) {
          if (item.items.size() == 2 && item.items[0].kind == PyValue::Kind::Str &&
              (item.kind == PyValue::Kind::Tuple || item.kind == PyValue::Kind::List))
            state.fields[lowercase(item.items[0].str)] = field_shape(item.items[1]);
          else
            state.complete = false;
        }
      }
      if (const Argument* options = op.argument(2, "options"))
        state.has_table = !is_false(dict_value(options->value, "managed")) && !is_true(dict_value(options->value, "proxy"));
      models[name] = std::move(state);
    } else if (kind == "AlterModelOptions") {
      // AlterModelOptions replaces `managed`: absent means managed again.
      auto it = models.find(lowercase(string_argument(op, 0, "name")));
      const Argument* options = op.argument(1, "options");
      if (it != models.end() && options && options->value.kind == PyValue::Kind::Dict)
        it->second.has_table = !is_false(dict_value(options->value, "managed"));
    } else if (kind == "DeleteModel") {
      models.erase(lowercase(string_argument(op, 0, "name")));
    } else if (kind == "RenameModel") {
      auto from = models.find(lowercase(string_argument(op, 0, "old_name")));
      std::string to = lowercase(string_argument(op, 1, "new_name"));
      if (from == models.end() || to.empty()) continue;
      ModelState moved = std::move(from->second);
      models.erase(from);
      models[to] = std::move(moved);
    } else if (kind == "AddField" || kind == "AlterField") {
      std::string model = lowercase(string_argument(op, 0, "model_name"));
      std::string field = lowercase(string_argument(op, 1, "name"));
      const Argument* definition = op.argument(2, "field");
      if (model.empty() || field.empty()) continue;
      model_named(models, model).fields[field] = definition ? field_shape(definition->value) : FieldShape{};
    } else if (kind == "RemoveField") {
      auto it = models.find(lowercase(string_argument(op, 0, "model_name")));
      if (it != models.end()) it->second.fields.erase(lowercase(string_argument(op, 1, "name")));
    } else if (kind == "RenameField") {
      auto it = models.find(lowercase(string_argument(op, 0, "model_name")));
      if (it == models.end()) continue;
      auto& fields = it->second.fields;
      auto from = fields.find(lowercase(string_argument(op, 1, "old_name")));
      std::string to = lowercase(string_argument(op, 2, "new_name"));
      if (from == fields.end() || to.empty()) continue;
      FieldShape shape = from->second;
      fields.erase(from);
      fields[to] = shape;
    }
  }
}

}  // namespace

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<PlacedOperation> placed_operations(const MigrationFacts& facts) {
  std::vector<PlacedOperation> out;
  place(facts.operations, OperationRole::Database, out, nullptr);
  return out;
}

std::optional<std::string> data_loss(const Operation& op) {
  if (!op.from_django) return std::nullopt;
  if (op.kind == "RemoveField" || op.kind == "DeleteModel") return operation_label(op);
  if (op.kind == "RunSQL") return destructive_statement(op);
  return std::nullopt;
}

DestructiveSplit split_destructive(const ProjectView& view, const Migration& m) {
  DestructiveSplit split;
  const MigrationFacts& facts = *m.facts;
  // A squash replays history on fresh databases only; what it drops, it created.
  if (!facts.replaces.empty()) return split;
  auto placed = placed_operations(facts);

  std::set<std::string> shrinking_models, new_primary_key;
  for (const auto& [op, role] : placed) {
    if (!op->from_django) continue;
    if (op->kind == "RemoveField") shrinking_models.insert(lowercase(string_argument(*op, 0, "model_name")));
    if (op->kind == "DeleteModel") shrinking_models.insert(lowercase(string_argument(*op, 0, "name")));
    if (op->kind == "AddField" || op->kind == "AlterField")
      if (const Argument* field = op->argument(2, "field"); field && field_flag(field->value, "primary_key"))
        new_primary_key.insert(lowercase(string_argument(*op, 0, "model_name")));
  }

  std::optional<AppModels> before;  // replayed only when a drop needs it
  std::set<std::string> created_here;  // "model" and "model.field" this migration created
  // Whether a RemoveField or DeleteModel that reaches the database loses rows anyone had.
  auto loses_existing_data = [&](const Operation& op) {
    if (op.kind != "RemoveField" && op.kind != "DeleteModel") return true;
    bool field = op.kind == "RemoveField";
    std::string model = lowercase(string_argument(op, 0, field ? "model_name" : "name"));
    std::string column = field ? model + "." + lowercase(string_argument(op, 1, "name")) : "";
    if (created_here.count(model) || (field && created_here.count(column))) return false;
    // Django cannot drop a primary key and add another in separate migrations.
    if (field && new_primary_key.count(model)) return false;
    if (!before) before = models_before(view, m);
    auto it = before->find(model);
    return it == before->end() || it->second.has_table;
  };

  for (const auto& [op, role] : placed) {
    if (role == OperationRole::Unknown) continue;
    if (role == OperationRole::Database && op->from_django) {
      if (op->kind == "CreateModel") created_here.insert(lowercase(string_argument(*op, 0, "name")));
      if (op->kind == "AddField")
        created_here.insert(lowercase(string_argument(*op, 0, "model_name")) + "." +
                            lowercase(string_argument(*op, 1, "name")));
    }
    if (role == OperationRole::Database && data_loss(*op)) {
      if (loses_existing_data(*op)) split.drops.push_back(op);
      continue;
    }
    // RunPython and RunSQL in state_operations never run.
    if (role == OperationRole::StateOnly && (op->kind == "RunPython" || op->kind == "RunSQL")) continue;
    if (is_part_of_drop(*op, shrinking_models) || is_noop(*op)) continue;
    split.work.push_back(op);
  }
  return split;
}

std::string string_argument(const Operation& op, std::size_t position, std::string_view keyword) {
  const Argument* a = op.argument(position, keyword);
  return a && a->value.kind == PyValue::Kind::Str ? a->value.str : std::string();
}

std::string operation_label(const Operation& op) {
  static const std::set<std::string, std::less<>> kOnField{"AddField", "RemoveField", "AlterField"};
  static const std::set<std::string, std::less<>> kOnModelByModelName{
      "AddIndex", "RemoveIndex", "RenameIndex", "AddConstraint", "RemoveConstraint", "AlterConstraint"};
  if (op.kind == "RunSQL")
    if (auto statement = destructive_statement(op)) return "RunSQL(" + *statement + ")";
  if (op.kind == "RunPython" || op.kind == "RunSQL") return call_label(op);
  std::string subject;
  if (kOnField.count(op.kind)) {
    subject = string_argument(op, 0, "model_name") + "." + string_argument(op, 1, "name");
  } else if (op.kind == "RenameField") {
    subject = string_argument(op, 0, "model_name") + "." + string_argument(op, 1, "old_name");
  } else if (kOnModelByModelName.count(op.kind)) {
    subject = string_argument(op, 0, "model_name");
  } else if (op.kind == "RenameModel") {
    subject = string_argument(op, 0, "old_name");
  } else {
    subject = string_argument(op, 0, "name");
  }
  if (subject == ".") subject.clear();
  return op.kind + "(" + subject + ")";
}

std::string join_labels(const std::vector<std::string>& labels, std::size_t shown) {
  std::string out;
  for (std::size_t i = 0; i < labels.size() && i < shown; ++i) {
    if (i) out += ", ";
    out += "`" + labels[i] + "`";
  }
  if (labels.size() > shown) out += " and " + std::to_string(labels.size() - shown) + " more";
  return out;
}

FieldShape field_shape(const PyValue& field) {
  static const std::set<std::string, std::less<>> kRelations{"ForeignKey", "OneToOneField", "ManyToManyField"};
  FieldShape shape;
  if (field.kind != PyValue::Kind::Call) return shape;
  shape.field_class = last_component(field.str);
  std::string target;
  if (auto to = keyword_source(field.text, "to")) {
    std::string decoded;
    target = decode_string_literal(*to, decoded) ? decoded : *to;
  } else if (kRelations.count(shape.field_class) && !field.items.empty()) {
    const PyValue& first = field.items[0];
    target = first.kind == PyValue::Kind::Str ? first.str : first.text;
  }
  shape.target = lowercase(last_component(target));
  shape.nullable = field_flag(field, "null");
  return shape;
}

AppModels models_before(const ProjectView& view, const Migration& m) {
  AppModels models;
  if (!m.facts || !m.facts->usable()) return models;
  for (const Migration* ancestor : ancestors_in_order(view, m)) replay(ancestor->facts->operations, models);
  return models;
}

}  // namespace hc
