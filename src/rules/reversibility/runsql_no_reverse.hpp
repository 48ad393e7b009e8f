// DJM202 runsql-no-reverse: `RunSQL` without `reverse_sql`.
#pragma once
#include "rules/rule.hpp"

namespace hc {

class RunSqlNoReverse final : public Rule {
 public:
  static constexpr RuleInfo kInfo{"DJM202", "runsql-no-reverse", Severity::Error,
                                  "`RunSQL` without `reverse_sql`"};
  const RuleInfo& info() const override { return kInfo; }
  void check(const CheckContext& ctx, Findings& out) const override;
};

}  // namespace hc
