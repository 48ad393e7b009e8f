// DJM106 edited-merged-migration: a migration present at the merge-base was changed.
#pragma once
#include "rules/rule.hpp"

namespace hc {

class EditedMergedMigration final : public Rule {
 public:
  static constexpr RuleInfo kInfo{"DJM106", "edited-merged-migration", Severity::Error,
                                  "a migration present at the merge-base was changed"};
  const RuleInfo& info() const override { return kInfo; }
  void check(const CheckContext& ctx, Findings& out) const override;
};

}  // namespace hc
