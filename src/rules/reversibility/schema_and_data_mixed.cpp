#include "rules/reversibility/schema_and_data_mixed.hpp"

#include <algorithm>
#include <set>
#include <string_view>

#include "rules/reversibility/data_functions.hpp"
#include "rules/reversibility/operations.hpp"

namespace hc {
namespace {

bool contains(const Span& outer, const Span& inner) { return outer.start <= inner.start && inner.end <= outer.end; }

bool is_data_operation(const Operation& op) { return op.kind == "RunPython" || op.kind == "RunSQL"; }

// `RunPython(RunPython.noop, RunPython.noop)` and `RunSQL("")` change nothing.
bool does_nothing(const Operation& op) {
  const Argument* code = op.argument(0, op.kind == "RunPython" ? "code" : "sql");
  if (!code) return false;
  if (code->value.kind == PyValue::Kind::Name) return code->value.str.ends_with(".noop");
  return code->value.kind == PyValue::Kind::Str && code->value.str.find_first_not_of(" \t\r\n;") == std::string::npos;
}

// Operations Django records in its model state without touching a table.
bool changes_no_table(const Operation& op) {
  static const std::set<std::string, std::less<>> kStateOnly{"AlterModelOptions", "AlterModelManagers"};
  return kStateOnly.count(op.kind) > 0;
}

struct MigrationWork {
  std::vector<const Operation*> data;    // RunPython/RunSQL that work on rows
  std::vector<const Operation*> schema;  // other operations that change tables, DDL-only RunSQL included
};

// Whether `nested` is among a SeparateDatabaseAndState's database_operations,
// judged by where it is written; with one side given, that side holds them all.
bool runs_on_database(const Operation& separate, const Operation& nested) {
  const Argument* database = separate.argument(0, "database_operations");
  const Argument* state = separate.argument(1, "state_operations");
  if (database && contains(database->span, nested.span)) return true;
  if (state && contains(state->span, nested.span)) return false;
  return database && !state;
}

// Sorts one operation into data or schema work. SeparateDatabaseAndState is
// opened and its state_operations left out: they change no table.
void sort_work(const Operation& op, const LazyModuleCode& code, MigrationWork& work) {
  if (!op.from_django || changes_no_table(op)) return;
  if (op.kind == "SeparateDatabaseAndState") {
    for (const auto& nested : op.nested)
      if (runs_on_database(op, nested)) sort_work(nested, code, work);
    return;
  }
  if (!is_data_operation(op)) {
    work.schema.push_back(&op);
    return;
  }
  if (does_nothing(op)) return;
  switch (data_work(op, *code)) {
    case DataWork::Rows: work.data.push_back(&op); break;
    case DataWork::Schema: work.schema.push_back(&op); break;
    case DataWork::Unknown: break;
  }
}

std::string string_argument(const Operation& op, std::size_t position, std::string_view keyword) {
  const Argument* a = op.argument(position, keyword);
  return a && a->value.kind == PyValue::Kind::Str ? a->value.str : std::string();
}

// `AddField(order.total)`, `CreateModel(Invoice)`, `AddIndex(order)`, `RunSQL(CREATE INDEX …)`.
std::string schema_label(const Operation& op) {
  if (is_data_operation(op)) return data_operation_label(op);
  std::string subject;
  if (op.kind == "AddField" || op.kind == "AlterField" || op.kind == "RemoveField")
    subject = string_argument(op, 0, "model_name") + "." + string_argument(op, 1, "name");
  else if (op.kind == "RenameField")
    subject = string_argument(op, 0, "model_name") + "." + string_argument(op, 1, "old_name");
  else if (op.kind == "RenameModel")
    subject = string_argument(op, 0, "old_name");
  else if (op.argument(0, "model_name"))
    subject = string_argument(op, 0, "model_name");
  else
    subject = string_argument(op, 0, "name");
  if (subject == ".") subject.clear();
  return op.kind + "(" + subject + ")";
}

std::string join_labels(const std::vector<std::string>& labels, std::size_t shown = 3) {
  std::string out;
  for (std::size_t i = 0; i < labels.size() && i < shown; ++i) {
    if (i) out += i + 1 == labels.size() ? " and " : ", ";
    out += "`" + labels[i] + "`";
  }
  if (labels.size() > shown) out += " and " + std::to_string(labels.size() - shown) + " more";
  return out;
}

}  // namespace

void SchemaAndDataMixed::check(const CheckContext& ctx, Findings& out) const {
  for (const auto& [path, m] : ctx.target.migrations) {
    if (!ctx.in_scope(path) || !m.facts || !m.facts->usable()) continue;
    // A squash replays history that was already split (or not) long ago.
    if (!m.facts->replaces.empty()) continue;
    MigrationWork work;
    for (const auto& op : m.facts->operations) sort_work(op, m.facts->code, work);
    if (work.data.empty() || work.schema.empty()) continue;

    std::vector<std::string> schema;
    for (const Operation* op : work.schema) {
      std::string label = schema_label(*op);
      if (std::find(schema.begin(), schema.end(), label) == schema.end()) schema.push_back(label);
    }
    const Operation& first = *work.data.front();
    std::string data = "`" + data_operation_label(first) + "`";
    if (work.data.size() > 1)
      data += " (and " + std::to_string(work.data.size() - 1) + " more data operation" +
              (work.data.size() == 2 ? ")" : "s)");
    out.report(kInfo, m.path, first.span,
               data + " changes data in a migration that also changes the schema: " + join_labels(schema),
               "split it: keep the schema operations here and move the data change into a migration of its own "
               "that depends on this one (protocol §3: separate schema and data migrations)");
  }
}

}  // namespace hc
