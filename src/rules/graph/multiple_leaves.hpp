// DJM101 multiple-leaves: an app has more than one leaf migration in the target.
#pragma once
#include "rules/rule.hpp"

namespace hc {

class MultipleLeaves final : public Rule {
 public:
  static constexpr RuleInfo kInfo{"DJM101", "multiple-leaves", Severity::Error,
                                  "an app has more than one leaf migration in the target"};
  const RuleInfo& info() const override { return kInfo; }
  void check(const CheckContext& ctx, Findings& out) const override;
};

}  // namespace hc
