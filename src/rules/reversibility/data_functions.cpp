#include "rules/reversibility/data_functions.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <regex>
#include <set>

#include "rules/reversibility/operations.hpp"

namespace hc {

namespace {

bool starts_with_word(std::string_view text, std::size_t at, std::string_view word) {
  if (at + word.size() > text.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[at + i])) != word[i]) return false;
  return at + word.size() == text.size() || !(std::isalnum(static_cast<unsigned char>(text[at + word.size()])) ||
                                              text[at + word.size()] == '_');
}

// SQL reduced to what runs now: comments, quoted strings and dollar-quoted
// bodies ($$ ... $$) become blanks, since a function's UPDATE runs when it is
// called, not when it is created. The bodies of `DO` blocks, which do run
// now, are returned apart. Scanned by hand: std::regex recurses per character.
struct SqlOutline {
  std::string code;
  std::vector<std::string> do_bodies;
};

SqlOutline outline_sql(std::string_view sql) {
  SqlOutline out;
  std::size_t i = 0;
  auto skip_to = [&](std::size_t end) {
    out.code += ' ';
    i = end;
  };
  while (i < sql.size()) {
    if (sql.substr(i, 2) == "--") {
      std::size_t end = sql.find('\n', i);
      skip_to(end == std::string_view::npos ? sql.size() : end);
    } else if (sql.substr(i, 2) == "/*") {
      std::size_t end = sql.find("*/", i + 2);
      skip_to(end == std::string_view::npos ? sql.size() : end + 2);
    } else if (sql[i] == '\'') {
      std::size_t end = i + 1;
      while (end < sql.size() && !(sql[end] == '\'' && (end + 1 >= sql.size() || sql[end + 1] != '\''))) end += sql[end] == '\'' ? 2 : 1;
      skip_to(std::min(end + 1, sql.size()));
    } else if (sql[i] == '$') {
      std::size_t tag_end = i + 1;
      while (tag_end < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[tag_end])) || sql[tag_end] == '_')) ++tag_end;
      if (tag_end >= sql.size() || sql[tag_end] != '$') {
        out.code += sql[i++];  // a parameter such as $1
        continue;
      }
      std::string_view tag = sql.substr(i, tag_end + 1 - i);
      std::size_t close = sql.find(tag, tag_end + 1);
      std::string_view body = sql.substr(tag_end + 1, (close == std::string_view::npos ? sql.size() : close) - tag_end - 1);
      std::size_t word = out.code.find_last_not_of(" \t\r\n");
      std::size_t word_start = word == std::string::npos ? 0 : out.code.find_last_of(" \t\r\n;", word);
      word_start = word_start == std::string::npos ? 0 : word_start + 1;
      if (word != std::string::npos && starts_with_word(out.code, word_start, "do")) out.do_bodies.emplace_back(body);
      skip_to(close == std::string_view::npos ? sql.size() : close + tag.size());
    } else {
      out.code += sql[i++];
    }
  }
  return out;
}

// Whether every statement of `sql` is DDL or session set-up. Anything else
// (INSERT, UPDATE, DELETE, WITH, unknown words) works on rows; a bare SELECT
// (`SELECT setval(...)`) reads at most. A `DO` block is judged by its body.
bool only_schema_statements(std::string_view sql) {
  static constexpr std::string_view kSchemaWords[] = {
      "create", "alter",  "drop",  "comment", "grant",   "revoke", "reindex", "analyze", "vacuum", "cluster",
      "set",    "reset",  "lock",  "begin",   "commit",  "pragma", "refresh", "do",      "select"};
  static const std::regex kRowStatement(
      R"(\b(insert\s+into|update\s+[\w."]+\s+set|delete\s+from|truncate|merge\s+into|copy\s+[\w."]+\s+from)\b)",
      std::regex::icase);
  SqlOutline outline = outline_sql(sql);
  for (const auto& body : outline.do_bodies)
    if (std::regex_search(body, kRowStatement)) return false;
  std::string_view code = outline.code;
  std::size_t start = 0;
  while (start < code.size()) {
    std::size_t end = std::min(code.find(';', start), code.size());
    std::size_t first = code.find_first_not_of(" \t\r\n(", start);
    if (first < end && std::none_of(std::begin(kSchemaWords), std::end(kSchemaWords),
                                     [&](std::string_view w) { return starts_with_word(code, first, w); }))
      return false;
    start = end + 1;
  }
  return true;
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

bool starts_with_string_literal(std::string_view text) {
  std::size_t prefix = 0;
  while (prefix < text.size() && prefix < 3 && std::isalpha(static_cast<unsigned char>(text[prefix]))) ++prefix;
  return prefix < text.size() && (text[prefix] == '"' || text[prefix] == '\'');
}

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
      const FunctionFacts* function = m.facts->code->function(code->value.str);
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
  std::string text = first->kind == PyValue::Kind::Str ? first->str : leading_literal_sql(first->text).value_or(first->text);
  std::size_t start = text.find_first_not_of(" \t\r\n");
  text = start == std::string::npos ? std::string() : shortened(std::string_view(text).substr(start), 40);
  if (listed) text = "[" + text + (sql->value.items.size() > 1 ? ", …]" : "]");
  return "RunSQL(" + text + ")";
}

std::string shortened(std::string_view text, std::size_t max_chars) {
  std::size_t line_end = std::min(text.find('\n'), text.size());
  std::string_view first = text.substr(0, line_end);
  while (!first.empty() && (first.back() == ' ' || first.back() == '\r')) first.remove_suffix(1);
  bool cut = text.find_first_not_of(" \t\r\n", line_end) != std::string_view::npos;
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
