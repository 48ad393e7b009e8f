#include "rules/reversibility/long_running_data_migration.hpp"

namespace hc {

// Not written yet: the rule is registered so its code is reserved.
void LongRunningDataMigration::check(const CheckContext&, Findings&) const {}

}  // namespace hc
