// DJM204 runpython-direct-model-import: a data-migration function uses models imported directly instead of `apps.get_model`.
#pragma once
#include "rules/rule.hpp"

namespace hc {

class RunPythonDirectModelImport final : public Rule {
 public:
  static constexpr RuleInfo kInfo{"DJM204", "runpython-direct-model-import", Severity::Warning,
                                  "a data-migration function uses models imported directly instead of `apps.get_model`"};
  const RuleInfo& info() const override { return kInfo; }
  void check(const CheckContext& ctx, Findings& out) const override;
};

}  // namespace hc
