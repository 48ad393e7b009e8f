// DJM206 undocumented-raw-sql: `RunSQL` with no comment saying why.
#pragma once
#include "rules/rule.hpp"

namespace hc {

class UndocumentedRawSql final : public Rule {
 public:
  static constexpr RuleInfo kInfo{"DJM206", "undocumented-raw-sql", Severity::Warning,
                                  "`RunSQL` with no comment saying why"};
  const RuleInfo& info() const override { return kInfo; }
  void check(const CheckContext& ctx, Findings& out) const override;
};

}  // namespace hc
