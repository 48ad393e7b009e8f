#include "python/function_facts.hpp"

#include <cctype>
#include <optional>

#include "python/py_value.hpp"
#include "python/syntax_tree.hpp"

namespace hc {
namespace {

bool same(TSNode a, std::optional<TSNode> b) { return b && ts_node_eq(a, *b); }

// The access chain of an expression (see function_facts.hpp).
std::string access_chain(TSNode n, const SourceText& src) {
  if (is(n, "identifier")) return std::string(src.slice(n));
  if (is(n, "attribute")) {
    auto object = field(n, "object");
    auto attribute = field(n, "attribute");
    if (!object || !attribute) return {};
    std::string left = access_chain(*object, src);
    return left.empty() ? std::string() : left + "." + std::string(src.slice(*attribute));
  }
  if (is(n, "call")) {
    auto function = field(n, "function");
    std::string left = function ? access_chain(*function, src) : std::string();
    return left.empty() ? std::string() : left + "()";
  }
  if (is(n, "subscript")) {
    auto value = field(n, "value");
    std::string left = value ? access_chain(*value, src) : std::string();
    return left.empty() ? std::string() : left + "[]";
  }
  if (is(n, "parenthesized_expression")) {
    auto kids = named_children(n);
    if (kids.size() == 1) return access_chain(kids[0], src);
  }
  return {};
}

// The largest expression whose spine starts at `n`: `Order` -> `Order.objects.all()`.
TSNode chain_top(TSNode n) {
  for (;;) {
    TSNode parent = ts_node_parent(n);
    if (ts_node_is_null(parent)) return n;
    bool continues = (is(parent, "attribute") && same(n, field(parent, "object"))) ||
                     (is(parent, "call") && same(n, field(parent, "function"))) ||
                     (is(parent, "subscript") && same(n, field(parent, "value")));
    if (!continues) return n;
    n = parent;
  }
}

// One binding per imported name, as ModuleScope binds them.
std::vector<ImportFact> imports_of(TSNode statement, const SourceText& src) {
  std::vector<ImportFact> out;
  Span span = src.span(statement);
  if (is(statement, "import_statement")) {
    for (TSNode n : named_children(statement)) {
      if (is(n, "dotted_name")) {
        std::string full(src.slice(n));
        std::string first = full.substr(0, full.find('.'));
        out.push_back({first, first, full, "import " + full, span});
      } else if (is(n, "aliased_import")) {
        auto name = field(n, "name");
        auto alias = field(n, "alias");
        if (!name || !alias) continue;
        std::string full(src.slice(*name));
        std::string local(src.slice(*alias));
        out.push_back({local, full, full, "import " + full + " as " + local, span});
      }
    }
    return out;
  }
  auto module_node = field(statement, "module_name");
  if (!module_node) return out;
  std::string module(src.slice(*module_node));
  // `from . import models` names `.models`, not `..models`.
  std::string prefix = module.ends_with(".") ? module : module + ".";
  for (TSNode n : named_children(statement)) {
    if (ts_node_eq(n, *module_node)) continue;
    if (is(n, "dotted_name")) {
      std::string name(src.slice(n));
      out.push_back({name, prefix + name, module, "from " + module + " import " + name, span});
    } else if (is(n, "aliased_import")) {
      auto name = field(n, "name");
      auto alias = field(n, "alias");
      if (!name || !alias) continue;
      std::string imported(src.slice(*name));
      std::string local(src.slice(*alias));
      out.push_back({local, prefix + imported, module, "from " + module + " import " + imported + " as " + local, span});
    } else if (is(n, "wildcard_import")) {
      out.push_back({"*", prefix + "*", module, "from " + module + " import *", span});
    }
  }
  return out;
}

std::optional<TSNode> definition_of(TSNode statement) {
  if (is(statement, "decorated_definition")) return field(statement, "definition");
  return statement;
}

// The docstring of a module or class body: a string as its first statement.
std::string docstring_of(TSNode body, const SourceText& src) {
  for (TSNode stmt : named_children(body)) {
    if (is(stmt, "comment")) continue;
    if (!is(stmt, "expression_statement")) return {};
    auto kids = named_children(stmt);
    if (kids.size() != 1 || !(is(kids[0], "string") || is(kids[0], "concatenated_string"))) return {};
    PyValue value = evaluate(kids[0], src);
    return value.kind == PyValue::Kind::Str ? value.str : std::string();
  }
  return {};
}

bool holds_only_strings(TSNode n) {
  if (is(n, "string") || is(n, "concatenated_string")) return true;
  if (is(n, "parenthesized_expression") || is(n, "list") || is(n, "tuple")) {
    auto kids = named_children(n);
    if (kids.empty()) return false;
    for (TSNode k : kids)
      if (!is(k, "comment") && !holds_only_strings(k)) return false;
    return true;
  }
  if (is(n, "binary_operator")) {
    auto left = field(n, "left");
    auto right = field(n, "right");
    return left && right && holds_only_strings(*left) && holds_only_strings(*right);
  }
  return false;
}

// Walks one function body, sorting every identifier into a read or a binding.
class FunctionWalker {
 public:
  FunctionWalker(const SourceText& src, FunctionFacts& out) : src_(src), out_(out) {}

  void run(TSNode definition) {
    if (auto name = field(definition, "name")) {
      out_.name = std::string(src_.slice(*name));
      out_.span = src_.span(*name);
    }
    if (auto params = field(definition, "parameters")) {
      parameters(*params);
      // In written order: `apps` is the first whatever it is called.
      for (TSNode p : named_children(*params)) {
        TSNode name_node = p;
        if (auto n = field(p, "name")) name_node = *n;
        if (is(p, "typed_parameter"))
          for (TSNode k : named_children(p))
            if (is(k, "identifier")) name_node = k;
        if (is(name_node, "identifier")) out_.parameters.push_back(std::string(src_.slice(name_node)));
      }
    }
    if (auto body = field(definition, "body")) load(*body);
  }

 private:
  void bind(TSNode identifier) { out_.local_names.insert(std::string(src_.slice(identifier))); }

  // Parameter names are bindings; defaults and annotations are reads.
  void parameters(TSNode params) {
    for (TSNode p : named_children(params)) {
      if (is(p, "identifier")) {
        bind(p);
      } else if (is(p, "default_parameter") || is(p, "typed_default_parameter")) {
        if (auto name = field(p, "name")) store(*name);
        if (auto type = field(p, "type")) load(*type);
        if (auto value = field(p, "value")) load(*value);
      } else if (is(p, "typed_parameter")) {
        for (TSNode k : named_children(p)) {
          if (is(k, "type"))
            load(k);
          else
            store(k);
        }
      } else {
        store(p);
      }
    }
  }

  // A binding target: names are bound, but `order.total = ...` reads `order`.
  void store(TSNode n) {
    if (is(n, "identifier")) {
      bind(n);
    } else if (is(n, "attribute") || is(n, "subscript")) {
      load(n);
    } else {
      for (TSNode k : named_children(n)) store(k);
    }
  }

  void load(TSNode n) {
    std::string_view type = node_type(n);
    if (type == "comment" || type == "global_statement" || type == "nonlocal_statement") return;
    if (type == "import_statement" || type == "import_from_statement") {
      for (auto& binding : imports_of(n, src_)) out_.imports.push_back(std::move(binding));
      return;
    }
    if (type == "identifier") {
      use(n);
    } else if (type == "attribute") {
      if (auto object = field(n, "object")) load(*object);
    } else if (type == "keyword_argument") {
      if (auto value = field(n, "value")) load(*value);
    } else if (type == "call") {
      call(n);
    } else if (type == "assignment") {
      assignment(n);
    } else if (type == "augmented_assignment") {
      if (auto left = field(n, "left")) {
        load(*left);
        store(*left);
      }
      if (auto right = field(n, "right")) load(*right);
    } else if (type == "for_statement") {
      for_loop(n);
    } else if (type == "for_in_clause") {
      if (auto left = field(n, "left")) store(*left);
      if (auto right = field(n, "right")) load(*right);
    } else if (type == "named_expression") {
      if (auto name = field(n, "name")) store(*name);
      if (auto value = field(n, "value")) load(*value);
    } else if (type == "as_pattern") {
      for (TSNode k : named_children(n)) {
        if (same(k, field(n, "alias")))
          store(k);
        else
          load(k);
      }
    } else if (type == "except_clause") {
      for (TSNode k : named_children(n)) {
        if (same(k, field(n, "alias")))
          store(k);
        else
          load(k);
      }
    } else if (type == "function_definition" || type == "class_definition") {
      // A nested definition binds its name; its parameters are counted as
      // local too, which can only make the body look less like the module's.
      if (auto name = field(n, "name")) bind(*name);
      if (auto params = field(n, "parameters")) parameters(*params);
      if (auto superclasses = field(n, "superclasses")) load(*superclasses);
      if (auto body = field(n, "body")) load(*body);
    } else if (type == "lambda") {
      if (auto params = field(n, "parameters")) parameters(*params);
      if (auto body = field(n, "body")) load(*body);
    } else {
      for (TSNode k : named_children(n)) load(k);
    }
  }

  void use(TSNode identifier) {
    TSNode top = chain_top(identifier);
    out_.names.push_back({std::string(src_.slice(identifier)), access_chain(top, src_), src_.span(identifier)});
  }

  void call(TSNode n) {
    CallFact fact;
    fact.text = std::string(src_.slice(n));
    fact.span = src_.span(n);
    if (auto function = field(n, "function")) {
      fact.callee = access_chain(*function, src_);
      if (is(*function, "identifier")) {
        fact.method = fact.callee;
      } else if (is(*function, "attribute")) {
        if (auto attribute = field(*function, "attribute")) fact.method = std::string(src_.slice(*attribute));
        if (auto object = field(*function, "object")) fact.receiver = access_chain(*object, src_);
      }
    }
    out_.calls.push_back(fact);
    for (std::size_t loop : open_loops_) out_.loops[loop].body_calls.push_back(fact);
    for (TSNode k : named_children(n)) load(k);
  }

  void assignment(TSNode n) {
    auto left = field(n, "left");
    auto right = field(n, "right");
    if (left && right && is(*left, "identifier"))
      out_.assignments.push_back(
          {std::string(src_.slice(*left)), access_chain(*right, src_), std::string(src_.slice(*right)), src_.span(n)});
    if (left) store(*left);
    if (auto type = field(n, "type")) load(*type);
    if (right) load(*right);
  }

  void for_loop(TSNode n) {
    auto left = field(n, "left");
    auto right = field(n, "right");
    ForLoopFact loop;
    if (left) loop.target = std::string(src_.slice(*left));
    if (right) {
      loop.iterable = access_chain(*right, src_);
      loop.iterable_text = std::string(src_.slice(*right));
      loop.span = {src_.position(ts_node_start_point(n)), src_.position(ts_node_end_point(*right))};
    } else {
      loop.span = src_.span(n);
    }
    if (left) store(*left);
    if (right) load(*right);
    out_.loops.push_back(std::move(loop));
    open_loops_.push_back(out_.loops.size() - 1);
    if (auto body = field(n, "body")) load(*body);
    open_loops_.pop_back();
    if (auto alternative = field(n, "alternative")) load(*alternative);
  }

  const SourceText& src_;
  FunctionFacts& out_;
  std::vector<std::size_t> open_loops_;  // indices into out_.loops: the loops around the current node
};

// "Generated by Django ...", a coding cookie, a shebang or a licence header.
bool is_boilerplate(const std::string& block) {
  std::string lower;
  for (char c : block) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (std::string_view marker : {"generated by django", "coding:", "coding=", "#!", "copyright", "license", "licence",
                                  "spdx-"})
    if (lower.find(marker) != std::string::npos) return true;
  return false;
}

// Groups the own-line comments among the children of `body` (a module or a
// class body) into blocks, and keeps those that `is_note` accepts given
// the statement right below the block (null when a blank line or nothing follows).
template <class IsNote>
void collect_notes(TSNode body, const SourceText& src, IsNote&& is_note, std::vector<std::string>& notes) {
  auto children = named_children(body);
  std::size_t i = 0;
  while (i < children.size()) {
    if (!is(children[i], "comment")) {
      ++i;
      continue;
    }
    std::string block;
    int last_line = 0;
    bool own_line = true;
    for (; i < children.size() && is(children[i], "comment"); ++i) {
      TSPoint start = ts_node_start_point(children[i]);
      std::string_view before = src.line(static_cast<int>(start.row) + 1).substr(0, start.column);
      int line = static_cast<int>(start.row) + 1;
      if (!block.empty() && line != last_line + 1) break;
      own_line &= before.find_first_not_of(" \t\f") == std::string_view::npos;
      block += std::string(src.slice(children[i])) + "\n";
      last_line = line;
    }
    std::optional<TSNode> below;
    if (i < children.size() && !is(children[i], "comment") &&
        static_cast<int>(ts_node_start_point(children[i]).row) + 1 == last_line + 1)
      below = children[i];
    if (own_line && !is_boilerplate(block) && is_note(below)) notes.push_back(block);
  }
}

bool is_migration_class(TSNode n, const SourceText& src) {
  auto definition = definition_of(n);
  if (!definition || !is(*definition, "class_definition")) return false;
  auto name = field(*definition, "name");
  return name && src.slice(*name) == "Migration";
}

}  // namespace

const FunctionFacts* ModuleCode::function(const std::string& name) const {
  // A later `def` of the same name is the one Python keeps.
  for (auto it = functions.rbegin(); it != functions.rend(); ++it)
    if (it->name == name) return &*it;
  return nullptr;
}

const ImportFact* ModuleCode::import(const std::string& name) const {
  for (auto it = imports.rbegin(); it != imports.rend(); ++it)
    if (it->name == name) return &*it;
  return nullptr;
}

const StringConstant* ModuleCode::string_constant(const std::string& name) const {
  for (auto it = string_constants.rbegin(); it != string_constants.rend(); ++it)
    if (it->name == name) return &*it;
  return nullptr;
}

std::string dotted_prefix(const std::string& chain) {
  return chain.substr(0, chain.find_first_of("(["));
}

ModuleCode extract_module_code(const SyntaxTree& tree, std::set<int> comment_only_lines) {
  const SourceText& src = tree.source;
  ModuleCode code;
  TSNode root = tree.root();
  code.module_docstring = docstring_of(root, src);
  code.comment_only_lines = std::move(comment_only_lines);
  for (TSNode stmt : named_children(root)) {
    if (is(stmt, "import_statement") || is(stmt, "import_from_statement")) {
      for (auto& binding : imports_of(stmt, src)) code.imports.push_back(std::move(binding));
      continue;
    }
    if (is(stmt, "expression_statement")) {
      for (TSNode e : named_children(stmt)) {
        auto left = field(e, "left");
        auto right = field(e, "right");
        if (is(e, "assignment") && left && right && is(*left, "identifier") && holds_only_strings(*right))
          code.string_constants.push_back({std::string(src.slice(*left)), std::string(src.slice(*right)), src.span(stmt)});
      }
      continue;
    }
    auto definition = definition_of(stmt);
    if (!definition) continue;
    if (is(*definition, "function_definition")) {
      FunctionFacts facts;
      FunctionWalker(src, facts).run(*definition);
      code.functions.push_back(std::move(facts));
    } else if (is_migration_class(stmt, src)) {
      if (auto body = field(*definition, "body")) {
        code.migration_docstring = docstring_of(*body, src);
        // tree-sitter hangs a comment before the first statement on the class, not its body.
        auto anywhere = [](std::optional<TSNode>) { return true; };
        collect_notes(*definition, src, anywhere, code.migration_notes);
        collect_notes(*body, src, anywhere, code.migration_notes);
      }
    }
  }
  // At module level a comment directly above a statement is about that statement, unless it is the class.
  collect_notes(
      root, src,
      [&](std::optional<TSNode> below) { return !below || is_migration_class(*below, src); },
      code.migration_notes);
  return code;
}

}  // namespace hc
