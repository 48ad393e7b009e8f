// DJM203 schema-and-data-mixed: `RunPython`/`RunSQL` in the same migration as schema operations.
#pragma once
#include "rules/rule.hpp"

namespace hc {

class SchemaAndDataMixed final : public Rule {
 public:
  static constexpr RuleInfo kInfo{"DJM203", "schema-and-data-mixed", Severity::Warning,
                                  "`RunPython`/`RunSQL` in the same migration as schema operations"};
  const RuleInfo& info() const override { return kInfo; }
  void check(const CheckContext& ctx, Findings& out) const override;
};

}  // namespace hc
