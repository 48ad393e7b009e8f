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
    // The whole statement that drops, on one line: `ALTER TABLE t DROP COLUMN c`.
    auto at = static_cast<std::size_t>(match.position(0));
    std::size_t begin = code.rfind(';', at);
    begin = begin == std::string::npos ? 0 : begin + 1;
    std::size_t end = code.find(';', at);
    std::string statement;
    for (char c : code.substr(begin, end == std::string::npos ? std::string::npos : end - begin)) {
      bool space = std::isspace(static_cast<unsigned char>(c));
      if (space && (statement.empty() || statement.back() == ' ')) continue;
      statement.push_back(space ? ' ' : c);
    }
    if (!statement.empty() && statement.back() == ' ') statement.pop_back();
    if (statement.size() > 60) statement = statement.substr(0, 60) + "…";
    return statement;
  }
  return std::nullopt;
}

// A RunSQL of nothing but DROP statements (a sequence, an index, a view)
// loses no rows of its own: it clears up after a drop.
bool only_drops_objects(const Operation& op) {
  static const std::regex kDrop(R"(\s*(drop|alter\s+table\s+\S+\s+drop)\b[\s\S]*)", std::regex::icase);
  if (!op.from_django || op.kind != "RunSQL") return false;
  auto sql = forward_sql(op);
  bool any = false;
  for (const auto& text : sql) {
    std::string code = without_comments(text);
    std::size_t start = 0;
    while (start < code.size()) {
      std::size_t end = code.find(';', start);
      std::string statement = code.substr(start, end == std::string::npos ? std::string::npos : end - start);
      start = end == std::string::npos ? code.size() : end + 1;
      if (statement.find_first_not_of(" \t\r\n") == std::string::npos) continue;
      if (!std::regex_match(statement, kDrop)) return false;
      any = true;
    }
  }
  return any;
}

bool is_noop(const Operation& op) {
  if (op.kind != "RunPython" && op.kind != "RunSQL") return false;
  const Argument* code = op.argument(0, op.kind == "RunPython" ? "code" : "sql");
  if (!code) return false;
  if (code->value.kind == PyValue::Kind::Name) return code->value.str.ends_with(".noop");
  return code->value.kind == PyValue::Kind::Str && code->value.str.find_first_not_of(" \t\r\n;") == std::string::npos;
}

// A RunPython whose function does nothing but find rows and delete them
// (the content types and permissions of dropped models, typically): more of
// the drop, not other work.
bool only_deletes_rows(const Operation& op, const MigrationFacts& facts) {
  static const std::set<std::string, std::less<>> kFinding{
      "get_model", "using", "filter", "exclude", "all", "only", "values_list", "select_related", "delete"};
  if (!op.from_django || op.kind != "RunPython") return false;
  const Argument* code = op.argument(0, "code");
  if (!code || code->value.kind != PyValue::Kind::Name) return false;
  const FunctionFacts* function = facts.code->function(code->value.str);
  if (!function || function->calls.empty() || !function->loops.empty()) return false;
  bool deletes = false;
  for (const auto& call : function->calls) {
    if (!kFinding.count(call.method)) return false;
    deletes = deletes || call.method == "delete";
  }
  return deletes;
}

// Removals that lose no rows, and the together/order options Django clears
// on a model it is about to drop or shrink: part of the drop, not other work.
bool is_part_of_drop(const Operation& op, const std::set<std::string>& shrinking_models) {
  static const std::set<std::string, std::less<>> kRemovals{"RemoveIndex", "RemoveConstraint"};
  static const std::set<std::string, std::less<>> kModelOptions{"AlterUniqueTogether", "AlterIndexTogether",
                                                                "AlterOrderWithRespectTo"};
  if (!op.from_django) return false;
  if (kRemovals.count(op.kind)) return true;
  return kModelOptions.count(op.kind) && shrinking_models.count(lowercase(string_argument(op, 0, "name")));
}

// The keyword arguments of a call, from its source: name -> value as
// written, at the call's own nesting level. PyValue keeps only the positional
// arguments of calls.
std::map<std::string, std::string> keyword_arguments(std::string_view call) {
  std::map<std::string, std::string> out;
  std::size_t open = call.find('(');
  if (open == std::string_view::npos) return out;
  auto trim = [](std::string_view t) {
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
    return t;
  };
  std::size_t arg_start = open + 1;
  auto take = [&](std::size_t end) {
    std::string_view arg = trim(call.substr(arg_start, end - arg_start));
    std::size_t name_end = 0;
    while (name_end < arg.size() && (std::isalnum(static_cast<unsigned char>(arg[name_end])) || arg[name_end] == '_'))
      ++name_end;
    std::string_view rest = trim(arg.substr(name_end));
    if (name_end == 0 || rest.size() < 2 || rest[0] != '=' || rest[1] == '=') return;
    out[std::string(arg.substr(0, name_end))] = std::string(trim(rest.substr(1)));
  };
  int depth = 0;
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
      if (--depth == 0) {
        take(i);
        break;
      }
    } else if (c == ',' && depth == 1) {
      take(i);
      arg_start = i + 1;
    } else if (c == '#') {
      while (i < call.size() && call[i] != '\n') ++i;
    }
  }
  return out;
}

std::optional<std::string> keyword_source(std::string_view call, std::string_view keyword) {
  auto all = keyword_arguments(call);
  auto it = all.find(std::string(keyword));
  if (it == all.end()) return std::nullopt;
  return it->second;
}

// An argument's source in a form two spellings of one value share: strings
// decoded and requoted, whitespace and comments dropped.
std::string normalized_value(std::string_view text) {
  std::string decoded;
  if (decode_string_literal(text, decoded)) return "\"" + decoded + "\"";
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (!std::isspace(static_cast<unsigned char>(text[i]))) {
      out.push_back(text[i] == '\'' ? '"' : text[i]);
    }
  }
  while (!out.empty() && out.back() == ',') out.pop_back();
  return out;
}

// The part of a field's definition the database sees: Django's
// Field.non_db_attrs left out, and `default`, which Django applies in Python
// (db_default is the database's), so a change of choices alone alters nothing.
std::string database_definition(const PyValue& field, const std::string& field_class,
                                const std::map<std::string, std::string>& keywords) {
  static const std::set<std::string, std::less<>> kNonDatabase{
      "blank",     "choices",      "default",            "editable",   "error_messages", "help_text",
      "limit_choices_to", "on_delete", "related_name", "related_query_name", "validators", "verbose_name"};
  std::string out = field_class + "(";
  for (const auto& positional : field.items) out += normalized_value(positional.text) + ",";
  for (const auto& [name, value] : keywords) {
    if (kNonDatabase.count(name)) continue;
    std::string v = normalized_value(value);
    if (name == "to") v = lowercase(v);
    out += name + "=" + v + ",";
  }
  return out + ")";
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

ModelShape& model_named(AppModels& models, const std::string& name) {
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
      if (!name.empty()) models[name] = created_model(op);
    } else if (kind == "AlterModelOptions") {
      // AlterModelOptions replaces `managed`: absent means managed again.
      auto it = models.find(lowercase(string_argument(op, 0, "name")));
      const Argument* options = op.argument(1, "options");
      if (it != models.end() && options && options->value.kind == PyValue::Kind::Dict)
        it->second.managed = !is_false(dict_value(options->value, "managed"));
    } else if (kind == "DeleteModel") {
      models.erase(lowercase(string_argument(op, 0, "name")));
    } else if (kind == "RenameModel") {
      auto from = models.find(lowercase(string_argument(op, 0, "old_name")));
      std::string to = lowercase(string_argument(op, 1, "new_name"));
      if (from == models.end() || to.empty()) continue;
      ModelShape moved = std::move(from->second);
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
    return it == before->end() || it->second.has_table();
  };

  for (const auto& [op, role] : placed) {
    if (role != OperationRole::Database) continue;
    if (op->from_django && op->kind == "CreateModel") created_here.insert(lowercase(string_argument(*op, 0, "name")));
    if (op->from_django && op->kind == "AddField")
      created_here.insert(lowercase(string_argument(*op, 0, "model_name")) + "." +
                          lowercase(string_argument(*op, 1, "name")));
    if (data_loss(*op) && loses_existing_data(*op)) split.drops.push_back(op);
  }
  if (split.drops.empty()) return split;

  // Whether an operation leaves the tables as they are: model options and
  // managers live in Python, and an AlterField may change only what Django
  // keeps out of the database (choices, help_text, ...).
  auto leaves_tables_alone = [&](const Operation& op) {
    if (!op.from_django) return false;
    if (op.kind == "AlterModelOptions" || op.kind == "AlterModelManagers") return true;
    if (op.kind != "AlterField") return false;
    const Argument* definition = op.argument(2, "field");
    if (!definition) return false;
    FieldShape now = field_shape(definition->value);
    if (!before) before = models_before(view, m);
    auto model = before->find(lowercase(string_argument(op, 0, "model_name")));
    if (!now.known() || model == before->end()) return false;
    auto field = model->second.fields.find(lowercase(string_argument(op, 1, "name")));
    return field != model->second.fields.end() && field->second.known() && field->second.database == now.database;
  };
  // Other work is what else reaches the database: state_operations change no
  // table, so no deployment has to wait for them.
  for (const auto& [op, role] : placed) {
    if (role != OperationRole::Database || data_loss(*op)) continue;
    if (is_part_of_drop(*op, shrinking_models) || is_noop(*op) || leaves_tables_alone(*op)) continue;
    if (only_deletes_rows(*op, facts) || only_drops_objects(*op)) continue;
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
  // Read from the call's source once: the rules ask this of every field of every migration.
  const std::map<std::string, std::string> keywords = keyword_arguments(field.text);
  std::string target;
  if (auto to = keywords.find("to"); to != keywords.end()) {
    std::string decoded;
    target = decode_string_literal(to->second, decoded) ? decoded : to->second;
  } else if (kRelations.count(shape.field_class) && !field.items.empty()) {
    const PyValue& first = field.items[0];
    target = first.kind == PyValue::Kind::Str ? first.str : first.text;
  }
  shape.target = lowercase(last_component(target));
  auto null = keywords.find("null");
  shape.nullable = null != keywords.end() && null->second == "True";
  shape.database = database_definition(field, shape.field_class, keywords);
  return shape;
}

ModelShape created_model(const Operation& create_model) {
  ModelShape state;
  state.complete = create_model.arguments_complete;
  const Argument* fields = create_model.argument(1, "fields");
  if (!fields || (fields->value.kind != PyValue::Kind::List && fields->value.kind != PyValue::Kind::Tuple)) {
    state.complete = false;
  } else {
    for (const auto& item : fields->value.items) {
      bool pair = (item.kind == PyValue::Kind::Tuple || item.kind == PyValue::Kind::List) && item.items.size() == 2 &&
                  item.items[0].kind == PyValue::Kind::Str;
      if (pair)
        state.fields[lowercase(item.items[0].str)] = field_shape(item.items[1]);
      else
        state.complete = false;
    }
  }
  if (const Argument* options = create_model.argument(2, "options")) {
    state.managed = !is_false(dict_value(options->value, "managed"));
    state.proxy = is_true(dict_value(options->value, "proxy"));
  }
  return state;
}

AppModels models_before(const ProjectView& view, const Migration& m) {
  AppModels models;
  if (!m.facts || !m.facts->usable()) return models;
  for (const Migration* ancestor : ancestors_in_order(view, m)) replay(ancestor->facts->operations, models);
  return models;
}

}  // namespace hc
