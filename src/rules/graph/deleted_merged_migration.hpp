// DJM107 deleted-merged-migration: a migration present at the merge-base was removed.
#pragma once
#include "rules/rule.hpp"

namespace hc {

class DeletedMergedMigration final : public Rule {
 public:
  static constexpr RuleInfo kInfo{"DJM107", "deleted-merged-migration", Severity::Error,
                                  "a migration present at the merge-base was removed"};
  const RuleInfo& info() const override { return kInfo; }
  void check(const CheckContext& ctx, Findings& out) const override;
};

}  // namespace hc
