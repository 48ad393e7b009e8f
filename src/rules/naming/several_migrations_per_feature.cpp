#include "rules/naming/several_migrations_per_feature.hpp"

namespace hc {

// Not written yet: the rule is registered so its code is reserved.
void SeveralMigrationsPerFeature::check(const CheckContext&, Findings&) const {}

}  // namespace hc
