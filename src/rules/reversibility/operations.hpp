// Helpers of the reversibility family: visiting every operation of the
// in-scope migrations, nested ones (SeparateDatabaseAndState) included.
#pragma once
#include <functional>

#include "rules/check_context.hpp"

namespace hc {

using OperationVisitor = std::function<void(const Migration&, const Operation&)>;
void for_each_scoped_operation(const CheckContext& ctx, const OperationVisitor& visit);

// The first positional argument's source, shortened for messages: `RunPython(forwards)`.
std::string call_label(const Operation& op);

}  // namespace hc
