// DJM201 runpython-no-reverse: `RunPython` without `reverse_code`.
#pragma once
#include "rules/rule.hpp"

namespace hc {

class RunPythonNoReverse final : public Rule {
 public:
  static constexpr RuleInfo kInfo{"DJM201", "runpython-no-reverse", Severity::Error,
                                  "`RunPython` without `reverse_code`"};
  const RuleInfo& info() const override { return kInfo; }
  void check(const CheckContext& ctx, Findings& out) const override;
};

}  // namespace hc
