// DJM501 models-changed-without-migration: a model changed in a way Django's
// autodetector turns into an operation, and no migration the change adds
// carries it (`makemigrations --check` would fail).
#pragma once
#include "rules/rule.hpp"

namespace hc {

class ModelsChangedWithoutMigration final : public Rule {
 public:
  static constexpr RuleInfo kInfo{"DJM501", "models-changed-without-migration", Severity::Error,
                                  "a model change that no migration carries (makemigrations --check would fail)"};
  const RuleInfo& info() const override { return kInfo; }
  void check(const CheckContext& ctx, Findings& out) const override;
  bool reads_models() const override { return true; }
};

}  // namespace hc
