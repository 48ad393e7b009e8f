#include "python/module_scope.hpp"

namespace hc {

std::string dotted_name_of(TSNode n, const SourceText& src) {
  if (is(n, "identifier")) return std::string(src.slice(n));
  if (is(n, "attribute")) {
    auto obj = field(n, "object");
    auto attr = field(n, "attribute");
    if (!obj || !attr) return {};
    std::string left = dotted_name_of(*obj, src);
    return left.empty() ? std::string() : left + "." + std::string(src.slice(*attr));
  }
  return {};
}

ModuleScope::ModuleScope(const SyntaxTree& tree) : tree_(tree) {
  for (TSNode stmt : named_children(tree.root())) {
    if (is(stmt, "import_statement") || is(stmt, "import_from_statement")) {
      bind_import(stmt);
    } else if (is(stmt, "expression_statement")) {
      for (TSNode e : named_children(stmt)) {
        if (!is(e, "assignment")) continue;
        auto left = field(e, "left");
        auto right = field(e, "right");
        if (left && right && is(*left, "identifier")) assignments_[std::string(tree.source.slice(*left))] = *right;
      }
    } else if (is(stmt, "function_definition") || is(stmt, "decorated_definition")) {
      TSNode fn = stmt;
      if (is(stmt, "decorated_definition")) {
        auto def = field(stmt, "definition");
        if (!def || !is(*def, "function_definition")) continue;
        fn = *def;
      }
      if (auto name = field(fn, "name")) functions_[std::string(tree.source.slice(*name))] = fn;
    }
  }
}

void ModuleScope::bind_import(TSNode stmt) {
  const SourceText& src = tree_.source;
  if (is(stmt, "import_statement")) {
    for (TSNode n : named_children(stmt)) {
      if (is(n, "dotted_name")) {
        std::string full(src.slice(n));
        std::string first = full.substr(0, full.find('.'));
        imports_[first] = first;
      } else if (is(n, "aliased_import")) {
        auto name = field(n, "name");
        auto alias = field(n, "alias");
        if (name && alias) imports_[std::string(src.slice(*alias))] = std::string(src.slice(*name));
      }
    }
    return;
  }
  auto module = field(stmt, "module_name");
  if (!module) return;
  std::string base(src.slice(*module));
  for (TSNode n : named_children(stmt)) {
    if (ts_node_eq(n, *module)) continue;
    if (is(n, "dotted_name")) {
      std::string name(src.slice(n));
      imports_[name] = base + "." + name;
    } else if (is(n, "aliased_import")) {
      auto name = field(n, "name");
      auto alias = field(n, "alias");
      if (name && alias) imports_[std::string(src.slice(*alias))] = base + "." + std::string(src.slice(*name));
    }
  }
}

std::string ModuleScope::resolve(const std::string& dotted) const {
  std::string first = dotted.substr(0, dotted.find('.'));
  auto it = imports_.find(first);
  if (it == imports_.end()) return dotted;
  return it->second + dotted.substr(first.size());
}

const TSNode* ModuleScope::assignment(const std::string& name) const {
  auto it = assignments_.find(name);
  return it == assignments_.end() ? nullptr : &it->second;
}

const TSNode* ModuleScope::function(const std::string& name) const {
  auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : &it->second;
}

}  // namespace hc
