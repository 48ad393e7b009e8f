#include "rules/graph/deleted_merged_migration.hpp"

namespace hc {

// Not written yet: the rule is registered so its code is reserved.
void DeletedMergedMigration::check(const CheckContext&, Findings&) const {}

}  // namespace hc
