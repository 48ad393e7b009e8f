#include "rules/reversibility/undocumented_raw_sql.hpp"

namespace hc {

// Not written yet: the rule is registered so its code is reserved.
void UndocumentedRawSql::check(const CheckContext&, Findings&) const {}

}  // namespace hc
