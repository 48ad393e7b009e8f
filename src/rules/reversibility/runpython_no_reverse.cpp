#include "rules/reversibility/runpython_no_reverse.hpp"

#include "rules/reversibility/operations.hpp"

namespace hc {

void RunPythonNoReverse::check(const CheckContext& ctx, Findings& out) const {
  for_each_scoped_operation(ctx, [&](const Migration& m, const Operation& op) {
    if (op.kind != "RunPython" || !op.from_django || !op.arguments_complete) return;
    const Argument* reverse = op.argument(1, "reverse_code");
    if (reverse && !reverse->value.is_none()) return;
    out.report(kInfo, m.path, op.span, "`" + call_label(op) + "` has no `reverse_code`",
               "pass `reverse_code=` a function that undoes it, or `migrations.RunPython.noop` if nothing needs undoing");
  });
}

}  // namespace hc
