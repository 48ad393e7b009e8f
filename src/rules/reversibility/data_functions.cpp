#include "rules/reversibility/data_functions.hpp"

#include <cctype>
#include <optional>
#include <regex>
#include <set>

#include "rules/reversibility/operations.hpp"

namespace hc {

namespace {

// SQL with comments and dollar-quoted bodies ($$ ... $$) blanked: a function
// body's UPDATE runs when the function is called, not when it is created.
std::string sql_outline(std::string_view sql) {
  static const std::regex kNoise(R"(--[^\n]*|/\*[\s\S]*?\*/|(\$\w*\$)[\s\S]*?\1|'(?:[^']|'')*')");
  return std::regex_replace(std::string(sql), kNoise, " ");
}

// Whether every statement of `sql` is DDL or session set-up; anything else
// (INSERT, UPDATE, DELETE, WITH, unknown words) works on rows; a bare SELECT
// (`SELECT setval(...)`) reads at most. A `DO` block
// is judged by the statements in its body.
bool only_schema_statements(std::string_view sql) {
  static const std::regex kSchemaStatement(
      R"(^\s*(create|alter|drop|comment|grant|revoke|reindex|analyze|vacuum|cluster|set|reset|lock|begin|commit|pragma|refresh|do|select)\b)",
      std::regex::icase);
  static const std::regex kDoBlock(R"(\bdo\s+(\$\w*\$)([\s\S]*?)\1)", std::regex::icase);
  static const std::regex kRowStatement(
      R"(\b(insert\s+into|update\s+[\w."]+\s+set|delete\s+from|truncate|merge\s+into|copy\s+[\w."]+\s+from)\b)",
      std::regex::icase);
  std::string text(sql);
  for (std::sregex_iterator it(text.begin(), text.end(), kDoBlock), end; it != end; ++it)
    if (std::regex_search((*it)[2].str(), kRowStatement)) return false;
  std::string outline = sql_outline(text);
  std::size_t start = 0;
  while (start < outline.size()) {
    std::size_t end = outline.find(';', start);
    if (end == std::string::npos) end = outline.size();
    std::string statement = outline.substr(start, end - start);
    if (statement.find_first_not_of(" \t\r\n") != std::string::npos && !std::regex_search(statement, kSchemaStatement))
      return false;
    start = end + 1;
  }
  return true;
}

// A string literal of any kind, f-strings included: `"..."`, `rb'...'`, `f"""..."""`.
bool starts_with_string_literal(std::string_view text) {
  std::size_t prefix = 0;
  while (prefix < text.size() && prefix < 3 && std::isalpha(static_cast<unsigned char>(text[prefix]))) ++prefix;
  return prefix < text.size() && (text[prefix] == '"' || text[prefix] == '\'');
}

// The body of the string literal `text` starts with, escapes left as written:
// `"""ALTER ...""".format(...)` gives `ALTER ...`. nullopt when `text` does
// not start with a literal (a variable, a call).
std::optional<std::string> leading_literal_sql(std::string_view text) {
  std::size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || !starts_with_string_literal(text.substr(start))) return std::nullopt;
  std::size_t open = text.find_first_of("\"'", start);
  char quote = text[open];
  bool triple = text.substr(open, 3) == std::string(3, quote);
  std::size_t body = open + (triple ? 3 : 1);
  std::size_t end = body;
  for (; end < text.size(); ++end) {
    if (text[end] == '\\') {
      ++end;
    } else if (text[end] == quote && (!triple || text.substr(end, 3) == std::string(3, quote))) {
      break;
    }
  }
  return std::string(text.substr(body, std::min(end, text.size()) - body));
}

// The SQL texts of a RunSQL's `sql`, when they can be read from the file.
std::optional<std::vector<std::string>> forward_sql(const Operation& op, const ModuleCode& code) {
  const Argument* sql = op.argument(0, "sql");
  if (!sql) return std::nullopt;
  const PyValue& v = sql->value;
  if (v.kind == PyValue::Kind::Str) return std::vector<std::string>{v.str};
  if (v.kind == PyValue::Kind::Name) {
    const StringConstant* constant = code.string_constant(v.str);
    if (!constant) return std::nullopt;
    if (auto text = leading_literal_sql(constant->text)) return std::vector<std::string>{*text};
    return std::nullopt;
  }
  if (v.kind != PyValue::Kind::List && v.kind != PyValue::Kind::Tuple) {
    if (auto text = leading_literal_sql(v.text)) return std::vector<std::string>{*text};
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& item : v.items) {
    const PyValue* statement = &item;
    if ((item.kind == PyValue::Kind::Tuple || item.kind == PyValue::Kind::List) && !item.items.empty())
      statement = &item.items.front();  // (sql, params)
    if (statement->kind != PyValue::Kind::Str) return std::nullopt;
    out.push_back(statement->str);
  }
  return out;
}

// What a function of the module shows it works on. Rows: a manager, a row
// method, loaddata, SQL that is not DDL, `apps` handed to a helper, or a call
// of another function of the module that works on rows. Schema: calls on
// `schema_editor` or `execute` with DDL, and nothing of the former.
DataWork function_work(const FunctionFacts& function, const ModuleCode& code, int depth) {
  static const std::set<std::string, std::less<>> kRowMethods{
      "save", "delete", "update", "bulk_create", "bulk_update", "create", "get_or_create", "update_or_create",
      "call_command", "loaddata", "raw"};
  static const std::regex kManager(R"(\.(objects|_default_manager|_base_manager)\b)");
  if (depth > 4) return DataWork::Unknown;
  const std::string apps = function.parameters.size() > 0 ? function.parameters[0] : "";
  const std::string schema_editor = function.parameters.size() > 1 ? function.parameters[1] : "";
  bool schema = false;
  for (const auto& use : function.names) {
    if (std::regex_search(use.chain, kManager)) return DataWork::Rows;
    if (!apps.empty() && use.chain == apps) return DataWork::Rows;
  }
  for (const auto& call : function.calls) {
    if (kRowMethods.count(call.method)) return DataWork::Rows;
    if (call.method == "execute" || call.method == "executemany") {
      std::size_t open = call.text.find('(');
      auto sql = leading_literal_sql(std::string_view(call.text).substr(open == std::string::npos ? 0 : open + 1));
      if (!sql || !only_schema_statements(*sql)) return DataWork::Rows;
      schema = true;
    } else if (!schema_editor.empty() && (call.receiver == schema_editor || call.receiver.starts_with(schema_editor + "."))) {
      schema = true;
    }
    if (call.receiver.empty())
      if (const FunctionFacts* helper = code.function(call.callee); helper && helper != &function) {
        DataWork work = function_work(*helper, code, depth + 1);
        if (work == DataWork::Rows) return work;
        schema |= work == DataWork::Schema;
      }
  }
  return schema ? DataWork::Schema : DataWork::Unknown;
}

}  // namespace

DataWork data_work(const Operation& op, const ModuleCode& code) {
  if (op.kind == "RunSQL") {
    auto sql = forward_sql(op, code);
    if (!sql) return DataWork::Rows;
    for (const auto& statement : *sql)
      if (!only_schema_statements(statement)) return DataWork::Rows;
    return DataWork::Schema;
  }
  const Argument* code_argument = op.argument(0, "code");
  // A lambda or another expression: nothing to go on.
  if (!code_argument || code_argument->value.kind != PyValue::Kind::Name) return DataWork::Unknown;
  const FunctionFacts* function = code.function(code_argument->value.str);
  // Imported from elsewhere: a data migration's helpers, as a rule.
  if (!function) return DataWork::Rows;
  return function_work(*function, code, 0);
}

void for_each_data_function(const CheckContext& ctx, const DataFunctionVisitor& visit) {
  std::set<std::pair<std::string, std::string>> seen;  // (path, function)
  for_each_scoped_operation(ctx, [&](const Migration& m, const Operation& op) {
    if (op.kind != "RunPython" || !op.from_django) return;
    for (const Argument* code : {op.argument(0, "code"), op.argument(1, "reverse_code")}) {
      // Only a plain name can be a function of this module; `utils.forwards` lives elsewhere.
      if (!code || code->value.kind != PyValue::Kind::Name || code->value.str.find('.') != std::string::npos) continue;
      const FunctionFacts* function = m.facts->code.function(code->value.str);
      if (!function || !seen.insert({m.path, function->name}).second) continue;
      visit(m, *function);
    }
  });
}

std::string data_operation_label(const Operation& op) {
  if (op.kind != "RunSQL") return call_label(op);
  const Argument* sql = op.argument(0, "sql");
  if (!sql) return "RunSQL()";
  const PyValue* first = &sql->value;
  bool listed = first->kind == PyValue::Kind::List || first->kind == PyValue::Kind::Tuple;
  if (listed && !first->items.empty()) first = &first->items.front();
  // A (sql, params) pair: the statement is its first item.
  if ((first->kind == PyValue::Kind::List || first->kind == PyValue::Kind::Tuple) && !first->items.empty())
    first = &first->items.front();
  std::string text = first->kind == PyValue::Kind::Str ? first->str : first->text;
  std::size_t start = text.find_first_not_of(" \t\r\n");
  text = start == std::string::npos ? std::string() : shortened(std::string_view(text).substr(start), 40);
  if (listed) text = "[" + text + (sql->value.items.size() > 1 ? ", …]" : "]");
  return "RunSQL(" + text + ")";
}

std::string shortened(std::string_view text, std::size_t max_chars) {
  std::string_view first = text.substr(0, text.find('\n'));
  while (!first.empty() && (first.back() == ' ' || first.back() == '\r')) first.remove_suffix(1);
  bool cut = first.size() < text.size();
  // Count characters, not bytes, and never split a UTF-8 sequence.
  std::size_t chars = 0, end = 0;
  for (; end < first.size(); ++end) {
    if ((static_cast<unsigned char>(first[end]) & 0xc0) == 0x80) continue;
    if (chars++ == max_chars) {
      cut = true;
      break;
    }
  }
  std::string out(first.substr(0, end));
  if (cut) out += "…";
  return out;
}

}  // namespace hc
