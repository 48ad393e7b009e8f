#include "rules/destructive/probable_rename.hpp"

namespace hc {

// Not written yet: the rule is registered so its code is reserved.
void ProbableRename::check(const CheckContext&, Findings&) const {}

}  // namespace hc
