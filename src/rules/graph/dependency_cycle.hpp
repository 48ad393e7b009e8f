// DJM105 dependency-cycle: the dependencies form a cycle.
#pragma once
#include "rules/rule.hpp"

namespace hc {

class DependencyCycle final : public Rule {
 public:
  static constexpr RuleInfo kInfo{"DJM105", "dependency-cycle", Severity::Error,
                                  "the dependencies form a cycle"};
  const RuleInfo& info() const override { return kInfo; }
  void check(const CheckContext& ctx, Findings& out) const override;
};

}  // namespace hc
