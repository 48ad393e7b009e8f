// DJM001 parse-error: a migration file is not valid Python or has no `Migration` class.
#pragma once
#include "rules/rule.hpp"

namespace hc {

class ParseError final : public Rule {
 public:
  static constexpr RuleInfo kInfo{"DJM001", "parse-error", Severity::Error,
                                  "a migration file is not valid Python or has no `Migration` class"};
  const RuleInfo& info() const override { return kInfo; }
  void check(const CheckContext& ctx, Findings& out) const override;
};

}  // namespace hc
