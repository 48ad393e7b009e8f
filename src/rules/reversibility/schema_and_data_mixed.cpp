#include "rules/reversibility/schema_and_data_mixed.hpp"

namespace hc {

// Not written yet: the rule is registered so its code is reserved.
void SchemaAndDataMixed::check(const CheckContext&, Findings&) const {}

}  // namespace hc
