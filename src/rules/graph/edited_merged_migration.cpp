#include "rules/graph/edited_merged_migration.hpp"

namespace hc {

// Not written yet: the rule is registered so its code is reserved.
void EditedMergedMigration::check(const CheckContext&, Findings&) const {}

}  // namespace hc
