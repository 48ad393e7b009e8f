#include "rules/reversibility/data_functions.hpp"

#include <set>

#include "rules/reversibility/operations.hpp"

namespace hc {

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
