#include "rules/reversibility/operations.hpp"

namespace hc {
namespace {

void visit_all(const Migration& m, const std::vector<Operation>& ops, const OperationVisitor& visit) {
  for (const auto& op : ops) {
    visit(m, op);
    visit_all(m, op.nested, visit);
  }
}

}  // namespace

void for_each_scoped_operation(const CheckContext& ctx, const OperationVisitor& visit) {
  for (const auto& [path, m] : ctx.target.migrations) {
    if (!ctx.in_scope(path) || !m.facts || !m.facts->usable()) continue;
    visit_all(m, m.facts->operations, visit);
  }
}

std::string call_label(const Operation& op) {
  std::string first;
  if (const Argument* a = op.argument(0, op.kind == "RunPython" ? "code" : "sql")) {
    first = a->value.kind == PyValue::Kind::Name ? a->value.str : a->value.text;
    auto nl = first.find('\n');
    if (nl != std::string::npos) first = first.substr(0, nl) + "…";
    if (first.size() > 40) first = first.substr(0, 40) + "…";
  }
  return op.kind + "(" + first + ")";
}

}  // namespace hc
