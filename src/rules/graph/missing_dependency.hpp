// DJM104 missing-dependency: a dependency names a migration that does not exist.
#pragma once
#include "rules/rule.hpp"

namespace hc {

class MissingDependency final : public Rule {
 public:
  static constexpr RuleInfo kInfo{"DJM104", "missing-dependency", Severity::Error,
                                  "a dependency names a migration that does not exist"};
  const RuleInfo& info() const override { return kInfo; }
  void check(const CheckContext& ctx, Findings& out) const override;
};

}  // namespace hc
