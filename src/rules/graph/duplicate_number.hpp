// DJM103 duplicate-number: two migrations of one app share a number prefix.
#pragma once
#include "rules/rule.hpp"

namespace hc {

class DuplicateNumber final : public Rule {
 public:
  static constexpr RuleInfo kInfo{"DJM103", "duplicate-number", Severity::Warning,
                                  "two migrations of one app share a number prefix"};
  const RuleInfo& info() const override { return kInfo; }
  void check(const CheckContext& ctx, Findings& out) const override;
};

}  // namespace hc
