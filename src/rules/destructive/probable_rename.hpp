// DJM302 probable-rename: `RemoveField`+`AddField` (or `DeleteModel`+`CreateModel`) that look like a rename and would lose data.
#pragma once
#include "rules/rule.hpp"

namespace hc {

class ProbableRename final : public Rule {
 public:
  static constexpr RuleInfo kInfo{"DJM302", "probable-rename", Severity::Warning,
                                  "`RemoveField`+`AddField` (or `DeleteModel`+`CreateModel`) that look like a rename and would lose data"};
  const RuleInfo& info() const override { return kInfo; }
  void check(const CheckContext& ctx, Findings& out) const override;
};

}  // namespace hc
