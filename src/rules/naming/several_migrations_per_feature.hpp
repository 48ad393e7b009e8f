// DJM402 several-migrations-per-feature: the change adds more than one non-merge migration to one app.
#pragma once
#include "rules/rule.hpp"

namespace hc {

class SeveralMigrationsPerFeature final : public Rule {
 public:
  static constexpr RuleInfo kInfo{"DJM402", "several-migrations-per-feature", Severity::Warning,
                                  "the change adds more than one non-merge migration to one app"};
  const RuleInfo& info() const override { return kInfo; }
  void check(const CheckContext& ctx, Findings& out) const override;
};

}  // namespace hc
