#include "rules/destructive/destructive_mixed.hpp"

namespace hc {

// Not written yet: the rule is registered so its code is reserved.
void DestructiveMixed::check(const CheckContext&, Findings&) const {}

}  // namespace hc
