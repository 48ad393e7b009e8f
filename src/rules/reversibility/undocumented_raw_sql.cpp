#include "rules/reversibility/undocumented_raw_sql.hpp"

#include <cctype>
#include <optional>

#include "rules/reversibility/data_functions.hpp"
#include "rules/reversibility/operations.hpp"

namespace hc {
namespace {

// Comments addressed to tools, not to readers: they say nothing about why.
bool is_directive(std::string_view comment) {
  static constexpr std::string_view kDirectives[] = {"hook-check:", "noqa", "type:", "pylint:", "fmt:", "isort:",
                                                     "pragma",      "nosec", "pyright:", "mypy:"};
  comment.remove_prefix(std::min(comment.find_first_not_of("# \t"), comment.size()));
  std::string lower;
  for (char c : comment) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (auto directive : kDirectives)
    if (lower.starts_with(directive)) return true;
  return lower.empty();
}

// A `#` comment on the lines `span` covers, or in the block of comment lines directly above it.
bool commented(const MigrationFacts& facts, const Span& span) {
  int above = span.start.line - 1;
  while (facts.code->comment_only_lines.count(above)) --above;
  for (const auto& comment : facts.comments) {
    bool inside = comment.line >= span.start.line && comment.line <= span.end.line;
    bool on_block_above = comment.line > above && comment.line < span.start.line;
    if ((inside || on_block_above) && !is_directive(comment.text)) return true;
  }
  return false;
}

// A note on the whole migration with at least one line meant for people.
bool has_migration_note(const MigrationFacts& facts) {
  for (const auto& note : facts.code->migration_notes) {
    std::size_t start = 0;
    while (start < note.size()) {
      std::size_t end = note.find('\n', start);
      if (end == std::string::npos) end = note.size();
      if (!is_directive(std::string_view(note).substr(start, end - start))) return true;
      start = end + 1;
    }
  }
  return false;
}

bool has_sql_comment(std::string_view sql) {
  return sql.find("--") != std::string_view::npos || sql.find("/*") != std::string_view::npos;
}

enum class SqlDocs { Documented, Undocumented, OutOfSight };

// What a piece of SQL says about itself: written in the call (a literal, a
// list of them, (sql, params) pairs), in a string constant of the module
// (whose own comments count), or somewhere hook-check cannot read (a .sql
// file, a helper's result). A list is documented when one of its items is.
SqlDocs sql_docs(const MigrationFacts& facts, const PyValue& v) {
  if (v.kind == PyValue::Kind::Name) {
    const StringConstant* constant = facts.code->string_constant(v.str);
    if (!constant) return SqlDocs::OutOfSight;
    return has_sql_comment(constant->text) || commented(facts, constant->span) ? SqlDocs::Documented
                                                                                : SqlDocs::Undocumented;
  }
  if (v.kind == PyValue::Kind::List || v.kind == PyValue::Kind::Tuple) {
    bool pair = v.kind == PyValue::Kind::Tuple && v.items.size() == 2 && v.items[1].kind != PyValue::Kind::Str;
    if (pair) return sql_docs(facts, v.items[0]);
    SqlDocs all = SqlDocs::Undocumented;
    for (const auto& item : v.items) {
      SqlDocs docs = sql_docs(facts, item);
      if (docs == SqlDocs::Documented) return docs;
      if (docs == SqlDocs::OutOfSight) all = docs;
    }
    return all;
  }
  if (v.kind != PyValue::Kind::Str && !starts_with_string_literal(v.text)) return SqlDocs::OutOfSight;
  return has_sql_comment(v.text) ? SqlDocs::Documented : SqlDocs::Undocumented;
}

}  // namespace

void UndocumentedRawSql::check(const CheckContext& ctx, Findings& out) const {
  for_each_scoped_operation(ctx, [&](const Migration& m, const Operation& op) {
    if (op.kind != "RunSQL" || !op.from_django) return;
    const MigrationFacts& facts = *m.facts;
    // A docstring or a free-standing comment on the module or the Migration class explains the whole migration.
    if (!facts.code->module_docstring.empty() || !facts.code->migration_docstring.empty() || has_migration_note(facts))
      return;
    if (commented(facts, op.span)) return;
    const Argument* forward = op.argument(0, "sql");
    if (!forward || sql_docs(facts, forward->value) != SqlDocs::Undocumented) return;
    const Argument* reverse = op.argument(1, "reverse_sql");
    if (reverse && sql_docs(facts, reverse->value) == SqlDocs::Documented) return;
    out.report(kInfo, m.path, op.span, "`" + data_operation_label(op) + "` has no comment saying why it needs raw SQL",
               "add a `#` comment above the call (or a `--` comment in the SQL) saying what the SQL does and why "
               "Django's operations cannot (protocol §9: document manual SQL changes)");
  });
}

}  // namespace hc
