// The names a Python module binds at top level: imports (local name -> dotted
// target) and simple assignments, so facts can follow `m.RunPython` or
// `operations = COMMON + [...]` back to what they mean.
#pragma once
#include <map>
#include <string>

#include "python/syntax_tree.hpp"

namespace hc {

class ModuleScope {
 public:
  ModuleScope(const SyntaxTree& tree);

  // `m.RunPython` -> `django.db.migrations.RunPython` when `m` names that module.
  std::string resolve(const std::string& dotted) const;
  const TSNode* assignment(const std::string& name) const;
  const TSNode* function(const std::string& name) const;
  const SourceText& source() const { return tree_.source; }

  void bind_import(TSNode statement);

 private:
  const SyntaxTree& tree_;
  std::map<std::string, std::string> imports_;
  std::map<std::string, TSNode> assignments_;
  std::map<std::string, TSNode> functions_;
};

// `a.b.c` for identifier/attribute chains, "" otherwise.
std::string dotted_name_of(TSNode n, const SourceText& src);

}  // namespace hc
