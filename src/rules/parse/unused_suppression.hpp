// DJM002 unused-suppression: a `# hook-check: ignore[...]` comment that silences nothing.
#pragma once
#include "rules/rule.hpp"

namespace hc {

// Findings of this rule come from the check run itself, which alone knows
// which comments silenced something; check() has nothing to add.
class UnusedSuppression final : public Rule {
 public:
  static constexpr RuleInfo kInfo{"DJM002", "unused-suppression", Severity::Note,
                                  "a `# hook-check: ignore[...]` comment silences nothing"};
  const RuleInfo& info() const override { return kInfo; }
  void check(const CheckContext&, Findings&) const override {}
};

}  // namespace hc
