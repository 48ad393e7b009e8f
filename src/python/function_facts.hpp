// What a module's own code does outside the Migration class, as plain values:
// its imports, its top-level functions (the names they read, the calls they
// make, the loops they run), its string constants and docstrings. Rules
// follow `RunPython(forwards)` into these facts; no tree-sitter state is kept.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"

namespace hc {

struct SyntaxTree;

// One name an import statement binds; `from a import B, C` gives two.
struct ImportFact {
  std::string name;       // the local name bound: "Order", "models", "shop"
  std::string target;     // what the name stands for: "shop.models.Order", "shop.models", "shop"
  std::string module;     // the module named after `from` or `import`: "shop.models", "..models"
  std::string statement;  // this one binding, as a reader would write it: "from shop.models import Order"
  Span span;              // the whole statement
};

// Access chains are expressions reduced to their spine: names and attributes
// joined by dots, each call written `()` and each subscript `[]`, arguments
// left out: `Order.objects.filter(paid=True)[:10]` is "Order.objects.filter()[]".
// "" when the spine does not start at a name (`(a or b).save()`).

// A name the function reads, with the access chain that starts at it.
struct NameUse {
  std::string name;   // "Order"
  std::string chain;  // "Order.objects.filter()"
  Span span;          // the identifier
};

struct CallFact {
  std::string callee;    // access chain of what is called: "order.save", "Order.objects.filter().update"
  std::string method;    // the last name of the callee: "save", "update", "len"; "" when there is none
  std::string receiver;  // access chain of what the method is called on: "order"; "" for a plain call
  std::string text;      // the call as written
  Span span;
};

struct ForLoopFact {
  std::string target;         // the loop variable as written: "order", "pk, total"
  std::string iterable;       // access chain of what it walks: "Order.objects.all()"
  std::string iterable_text;  // as written
  Span span;                  // the header, from `for` to the end of the iterable
  std::vector<CallFact> body_calls;  // calls in the body, nested blocks included
};

// `name = value` in a function body, for following `qs = X.objects.all()` to its use.
struct AssignmentFact {
  std::string name;
  std::string value_chain;
  std::string value_text;
  Span span;
};

struct FunctionFacts {
  std::string name;
  Span span;  // the name in `def name(`
  std::vector<std::string> parameters;
  std::vector<ImportFact> imports;  // import statements in the body
  // Names the body binds other than by import: parameters, assignment, loop
  // and `with` targets, nested definitions. Python makes them local to the
  // whole body, so a read of one never means a module-level import.
  std::set<std::string> local_names;
  std::vector<NameUse> names;  // in source order
  std::vector<CallFact> calls;  // in source order, nested ones after their outer call
  std::vector<ForLoopFact> loops;
  std::vector<AssignmentFact> assignments;

  bool binds_locally(const std::string& n) const { return local_names.count(n) > 0; }
};

// `NAME = <string, strings, or a list/tuple of them>` at module level: where
// `RunSQL(FORWARD_SQL)` keeps its SQL.
struct StringConstant {
  std::string name;
  std::string text;  // the value as written, quotes and SQL comments included
  Span span;         // the whole assignment
};

struct ModuleCode {
  std::vector<ImportFact> imports;        // module-level imports, in source order
  std::vector<FunctionFacts> functions;   // module-level functions (decorated ones too), in source order
  std::vector<StringConstant> string_constants;
  std::string module_docstring;           // decoded; "" when there is none
  std::string migration_docstring;        // of `class Migration`; "" when there is none
  std::set<int> comment_only_lines;       // lines holding a comment and nothing else

  const FunctionFacts* function(const std::string& name) const;
  const ImportFact* import(const std::string& name) const;
  const StringConstant* string_constant(const std::string& name) const;
};

// Reads a parsed module's top-level code; the tree is only borrowed.
ModuleCode extract_module_code(const SyntaxTree& tree);

// "Order.objects.filter()[]" -> "Order.objects.filter": the dotted names before the first call or subscript.
std::string dotted_prefix(const std::string& chain);

}  // namespace hc
