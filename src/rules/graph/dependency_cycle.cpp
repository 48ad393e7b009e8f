#include "rules/graph/dependency_cycle.hpp"

namespace hc {

// Not written yet: the rule is registered so its code is reserved.
void DependencyCycle::check(const CheckContext&, Findings&) const {}

}  // namespace hc
