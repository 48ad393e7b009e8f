// DJM205 long-running-data-migration: a data migration walks whole tables row by row.
#pragma once
#include "rules/rule.hpp"

namespace hc {

class LongRunningDataMigration final : public Rule {
 public:
  static constexpr RuleInfo kInfo{"DJM205", "long-running-data-migration", Severity::Warning,
                                  "a data migration walks whole tables row by row"};
  const RuleInfo& info() const override { return kInfo; }
  void check(const CheckContext& ctx, Findings& out) const override;
};

}  // namespace hc
