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
  while (facts.code.comment_only_lines.count(above)) --above;
  for (const auto& comment : facts.comments) {
    bool inside = comment.line >= span.start.line && comment.line <= span.end.line;
    bool on_block_above = comment.line > above && comment.line < span.start.line;
    if ((inside || on_block_above) && !is_directive(comment.text)) return true;
  }
  return false;
}

// A note on the whole migration with at least one line meant for people.
bool has_migration_note(const MigrationFacts& facts) {
  for (const auto& note : facts.code.migration_notes) {
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

// A string literal of any kind, f-strings included: `"..."`, `rb'...'`, `f"""..."""`.
bool is_string_literal(std::string_view text) {
  std::size_t prefix = 0;
  while (prefix < text.size() && prefix < 3 && std::isalpha(static_cast<unsigned char>(text[prefix]))) ++prefix;
  return prefix < text.size() && (text[prefix] == '"' || text[prefix] == '\'');
}

enum class SqlDocs { Documented, Undocumented, OutOfSight };

// What the SQL argument says about itself: written in the call (a literal, a
// list of them), in a string constant of the module (whose own comments
// count), or somewhere hook-check cannot read (a .sql file, a helper's result).
SqlDocs sql_docs(const MigrationFacts& facts, const Argument& sql) {
  const PyValue& v = sql.value;
  if (v.kind == PyValue::Kind::Name) {
    const StringConstant* constant = facts.code.string_constant(v.str);
    if (!constant) return SqlDocs::OutOfSight;
    return has_sql_comment(constant->text) || commented(facts, constant->span) ? SqlDocs::Documented
                                                                                : SqlDocs::Undocumented;
  }
  bool written_here = v.kind == PyValue::Kind::Str || v.kind == PyValue::Kind::List ||
                      v.kind == PyValue::Kind::Tuple || is_string_literal(v.text);
  if (!written_here) return SqlDocs::OutOfSight;
  return has_sql_comment(v.text) ? SqlDocs::Documented : SqlDocs::Undocumented;
}

}  // namespace

void UndocumentedRawSql::check(const CheckContext& ctx, Findings& out) const {
  for_each_scoped_operation(ctx, [&](const Migration& m, const Operation& op) {
    if (op.kind != "RunSQL" || !op.from_django) return;
    const MigrationFacts& facts = *m.facts;
    // A docstring or a free-standing comment on the module or the Migration class explains the whole migration.
    if (!facts.code.module_docstring.empty() || !facts.code.migration_docstring.empty() || has_migration_note(facts))
      return;
    if (commented(facts, op.span)) return;
    const Argument* forward = op.argument(0, "sql");
    if (!forward || sql_docs(facts, *forward) != SqlDocs::Undocumented) return;
    if (const Argument* reverse = op.argument(1, "reverse_sql"); reverse && sql_docs(facts, *reverse) == SqlDocs::Documented)
      return;
    out.report(kInfo, m.path, op.span, "`" + data_operation_label(op) + "` has no comment saying why it needs raw SQL",
               "add a `#` comment above the call (or a `--` comment in the SQL) saying what the SQL does and why "
               "Django's operations cannot (protocol §9: document manual SQL changes)");
  });
}

}  // namespace hc
