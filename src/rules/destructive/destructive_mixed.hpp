// DJM301 destructive-mixed: `RemoveField`/`DeleteModel` (or destructive raw SQL) in a migration that also does other work.
#pragma once
#include "rules/rule.hpp"

namespace hc {

class DestructiveMixed final : public Rule {
 public:
  static constexpr RuleInfo kInfo{"DJM301", "destructive-mixed", Severity::Error,
                                  "`RemoveField`/`DeleteModel` (or destructive raw SQL) in a migration that also does other work"};
  const RuleInfo& info() const override { return kInfo; }
  void check(const CheckContext& ctx, Findings& out) const override;
};

}  // namespace hc
