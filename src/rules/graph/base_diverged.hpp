// DJM102 base-diverged: the base branch added migrations to the same app since the fork: merging will leave two leaves.
#pragma once
#include "rules/rule.hpp"

namespace hc {

class BaseDiverged final : public Rule {
 public:
  static constexpr RuleInfo kInfo{"DJM102", "base-diverged", Severity::Error,
                                  "the base branch added migrations to the same app since the fork: merging will leave two leaves"};
  const RuleInfo& info() const override { return kInfo; }
  void check(const CheckContext& ctx, Findings& out) const override;
};

}  // namespace hc
