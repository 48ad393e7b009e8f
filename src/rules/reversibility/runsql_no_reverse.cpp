#include "rules/reversibility/runsql_no_reverse.hpp"

#include "rules/reversibility/operations.hpp"

namespace hc {

void RunSqlNoReverse::check(const CheckContext& ctx, Findings& out) const {
  for_each_scoped_operation(ctx, [&](const Migration& m, const Operation& op) {
    if (op.kind != "RunSQL" || !op.from_django || !op.arguments_complete) return;
    const Argument* reverse = op.argument(1, "reverse_sql");
    if (reverse && !reverse->value.is_none()) return;
    out.report(kInfo, m.path, op.span, "`" + call_label(op) + "` has no `reverse_sql`",
               "pass `reverse_sql=` the SQL that undoes it, or `migrations.RunSQL.noop` if nothing needs undoing");
  });
}

}  // namespace hc
