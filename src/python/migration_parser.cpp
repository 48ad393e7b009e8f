// Extracts MigrationFacts from a migration module's source.
#include <algorithm>
#include <set>

#include "python/migration_facts.hpp"
#include "python/module_scope.hpp"
#include "python/syntax_tree.hpp"

namespace hc {
namespace {

constexpr int kMaxNameDepth = 8;  // how far `operations = A + B` chains are followed

class MigrationExtractor {
 public:
  MigrationExtractor(const SyntaxTree& tree, MigrationFacts& facts) : tree_(tree), src_(tree.source), scope_(tree), facts_(facts) {}

  void run() {
    std::optional<TSNode> cls;
    for (TSNode def : top_level_classes(tree_.root())) {
      auto name = field(def, "name");
      if (name && src_.slice(*name) == "Migration") cls = def;
    }
    if (!cls) {
      // `from .base import Migration` also gives the module the attribute Django loads.
      if (scope_.resolve("Migration") != "Migration" || scope_.assignment("Migration")) {
        facts_.has_migration_class = true;
        facts_.dependencies_complete = false;
        facts_.operations_complete = false;
      }
      return;
    }
    facts_.has_migration_class = true;
    facts_.migration_class_span = src_.span(*field(*cls, "name"));
    auto body = field(*cls, "body");
    if (!body) return;
    for (TSNode stmt : named_children(*body)) {
      if (!is(stmt, "expression_statement")) continue;
      for (TSNode e : named_children(stmt)) {
        auto left = field(e, "left");
        auto right = field(e, "right");
        if (!left || !right || !is(*left, "identifier")) continue;
        std::string name(src_.slice(*left));
        if (is(e, "assignment")) {
          class_assignments_[name] = *right;
          assign(name, *right);
        } else if (is(e, "augmented_assignment")) {
          auto op = field(e, "operator");
          if (op && src_.slice(*op) == "+=") extend(name, *right);
        }
      }
    }
  }

 private:
  void assign(const std::string& name, TSNode value) {
    if (name == "dependencies") {
      facts_.dependencies.clear();
      facts_.dependencies_complete = collect_keys(value, facts_.dependencies, 0);
    } else if (name == "replaces") {
      facts_.replaces.clear();
      collect_keys(value, facts_.replaces, 0);
    } else if (name == "run_before") {
      facts_.run_before.clear();
      collect_keys(value, facts_.run_before, 0);
    } else if (name == "initial" || name == "atomic") {
      PyValue v = evaluate(value, src_);
      std::optional<bool> b;
      if (v.kind == PyValue::Kind::Bool) b = v.boolean;
      (name == "initial" ? facts_.initial : facts_.atomic) = b;
    } else if (name == "operations") {
      facts_.operations.clear();
      facts_.operations_complete = collect_operations(value, facts_.operations, 0);
    }
  }

  // `operations += [...]` in the class body: Django runs those too.
  void extend(const std::string& name, TSNode value) {
    if (name == "dependencies")
      facts_.dependencies_complete &= collect_keys(value, facts_.dependencies, 0);
    else if (name == "operations")
      facts_.operations_complete &= collect_operations(value, facts_.operations, 0);
    else if (name == "replaces")
      collect_keys(value, facts_.replaces, 0);
    else if (name == "run_before")
      collect_keys(value, facts_.run_before, 0);
  }

  const TSNode* lookup(const std::string& name) const {
    auto it = class_assignments_.find(name);
    if (it != class_assignments_.end()) return &it->second;
    return scope_.assignment(name);
  }

  // Follows lists, tuples, `+` and names; false when part of the value can't be known.
  template <class Element>
  bool walk_sequence(TSNode n, int depth, Element&& element) {
    if (depth > kMaxNameDepth) return false;
    if (is(n, "list") || is(n, "tuple")) {
      bool complete = true;
      for (TSNode item : named_children(n)) {
        if (is(item, "comment")) continue;
        if (is(item, "list_splat")) {
          auto kids = named_children(item);
          complete &= !kids.empty() && walk_sequence(kids[0], depth + 1, element);
          continue;
        }
        complete &= element(item, depth);
      }
      return complete;
    }
    if (is(n, "parenthesized_expression")) {
      auto kids = named_children(n);
      return kids.size() == 1 && walk_sequence(kids[0], depth + 1, element);
    }
    if (is(n, "binary_operator")) {
      auto op = field(n, "operator");
      auto l = field(n, "left");
      auto r = field(n, "right");
      if (!op || !l || !r || src_.slice(*op) != "+") return false;
      bool a = walk_sequence(*l, depth + 1, element);
      bool b = walk_sequence(*r, depth + 1, element);
      return a && b;
    }
    if (is(n, "identifier")) {
      const TSNode* target = lookup(std::string(src_.slice(n)));
      return target && walk_sequence(*target, depth + 1, element);
    }
    return false;
  }

  bool collect_keys(TSNode value, std::vector<DependencyRef>& out, int depth) {
    return walk_sequence(value, depth, [&](TSNode item, int d) {
      if (is(item, "identifier")) {
        const TSNode* target = lookup(std::string(src_.slice(item)));
        if (!target || d > kMaxNameDepth) return false;
        item = *target;
      }
      if (is(item, "tuple") || is(item, "list")) {
        PyValue v = evaluate(item, src_);
        if (v.items.size() == 2 && v.items[0].kind == PyValue::Kind::Str && v.items[1].kind == PyValue::Kind::Str) {
          out.push_back(DependencyRef{v.items[0].str, v.items[1].str, src_.span(item), false});
          return true;
        }
        return false;
      }
      if (is(item, "call")) {
        auto fn = field(item, "function");
        std::string callee = fn ? dotted_name_of(*fn, src_) : std::string();
        if (callee == "swappable_dependency" || callee.ends_with(".swappable_dependency")) {
          PyValue v = evaluate(item, src_);
          std::string setting = v.items.empty() ? std::string() : v.items[0].text;
          out.push_back(DependencyRef{setting, "__first__", src_.span(item), true});
          return true;
        }
      }
      return false;
    });
  }

  bool collect_operations(TSNode value, std::vector<Operation>& out, int depth) {
    return walk_sequence(value, depth, [&](TSNode item, int d) {
      if (is(item, "identifier")) {
        const TSNode* target = lookup(std::string(src_.slice(item)));
        if (!target || d > kMaxNameDepth) return false;
        if (!is(*target, "call")) return walk_sequence(*target, d + 1, [&](TSNode inner, int) {
            if (!is(inner, "call")) return false;
            out.push_back(operation(inner));
            return true;
          });
        item = *target;
      }
      if (!is(item, "call")) return false;
      out.push_back(operation(item));
      return true;
    });
  }

  Operation operation(TSNode call) {
    Operation op;
    op.span = src_.span(call);
    auto fn = field(call, "function");
    if (fn) {
      op.callee = dotted_name_of(*fn, src_);
      if (op.callee.empty()) op.callee = std::string(src_.slice(*fn));
    }
    // The kind is the class the name resolves to: `RunPython as RP` is still RunPython.
    std::string resolved = scope_.resolve(op.callee);
    auto dot = resolved.rfind('.');
    op.kind = dot == std::string::npos ? resolved : resolved.substr(dot + 1);
    op.from_django = resolved.rfind("django.db.migrations.", 0) == 0 || resolved.rfind("django.contrib.postgres.operations.", 0) == 0;
    auto args = field(call, "arguments");
    if (!args || !is(*args, "argument_list")) {
      op.arguments_complete = !args.has_value();
      return op;
    }
    for (TSNode a : named_children(*args)) {
      if (is(a, "comment")) continue;
      if (is(a, "list_splat") || is(a, "dictionary_splat")) {
        op.arguments_complete = false;
        continue;
      }
      Argument arg;
      TSNode value_node = a;
      if (is(a, "keyword_argument")) {
        auto name = field(a, "name");
        auto value = field(a, "value");
        if (!name || !value) continue;
        arg.keyword = std::string(src_.slice(*name));
        value_node = *value;
      }
      arg.value = evaluate(value_node, src_);
      arg.span = src_.span(a);
      if (op.kind == "SeparateDatabaseAndState") collect_operations(value_node, op.nested, 0);
      op.arguments.push_back(std::move(arg));
    }
    return op;
  }

  const SyntaxTree& tree_;
  const SourceText& src_;
  ModuleScope scope_;
  MigrationFacts& facts_;
  std::map<std::string, TSNode> class_assignments_;
};

// The first bracket left open at the end of the file, as Python's tokenizer
// finds it ("'[' was never closed"); strings and comments are skipped.
std::optional<std::size_t> unclosed_bracket(std::string_view text) {
  std::vector<std::size_t> open;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '\'' || c == '"') {
      bool triple = i + 2 < text.size() && text[i + 1] == c && text[i + 2] == c;
      std::size_t q = triple ? 3 : 1;
      std::size_t j = i + q;
      for (; j < text.size(); ++j) {
        if (text[j] == '\\') {
          ++j;
        } else if (!triple && text[j] == '\n') {
          break;
        } else if (text[j] == c && (!triple || (j + 2 < text.size() && text[j + 1] == c && text[j + 2] == c))) {
          j += q - 1;
          break;
        }
      }
      i = j;
    } else if (c == '(' || c == '[' || c == '{') {
      open.push_back(i);
    } else if (c == ')' || c == ']' || c == '}') {
      if (open.empty()) return std::nullopt;
      open.pop_back();
    }
  }
  if (open.empty()) return std::nullopt;
  return open.front();
}

// FNV-1a over the tokens and the syntax tree's shape, leaving out comments,
// layout, quoting style and trailing commas: what black or a reviewer's
// reformatting changes without changing what Django runs.
void mix(std::uint64_t& h, std::string_view bytes) {
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  h ^= 0xff;  // token boundary
  h *= 1099511628211ull;
}

// One walk over every token: the fingerprint, the comments, and the lines
// that hold a comment and nothing else.
void fingerprint_tokens(TSNode root, const SourceText& src, MigrationFacts& facts, std::set<int>& comment_only_lines) {
  static const TSSymbol comment = python_symbol("comment"), string = python_symbol("string"),
                        comma = python_symbol(",", false), closers[] = {python_symbol(")", false), python_symbol("]", false),
                                                                       python_symbol("}", false)};
  // A comma is left out when nothing but comments follows it before its
  // bracket closes (a trailing comma): it waits for its next sibling.
  std::optional<std::string_view> waiting_comma;
  auto note_own_line = [&](TSNode comment_node) {
    TSPoint start = ts_node_start_point(comment_node);
    std::string_view before = src.line(static_cast<int>(start.row) + 1).substr(0, start.column);
    if (before.find_first_not_of(" \t\f") == std::string_view::npos) comment_only_lines.insert(static_cast<int>(start.row) + 1);
  };
  walk_tree(
      root,
      [&](TSNode n) {
        TSSymbol symbol = ts_node_symbol(n);
        if (symbol == comment) {
          facts.comments.push_back({src.span(n).start.line, std::string(src.slice(n))});
          note_own_line(n);
          return false;
        }
        if (waiting_comma) {
          if (std::find(std::begin(closers), std::end(closers), symbol) == std::end(closers))
            mix(facts.code_fingerprint, *waiting_comma);
          waiting_comma.reset();
        }
        if (symbol == string) {
          // An f-string's interpolation may hold a comment (Python 3.12).
          if (src.slice(n).find('#') != std::string_view::npos)
            walk_tree(n, [&](TSNode inner) {
              if (ts_node_symbol(inner) != comment) return true;
              note_own_line(inner);
              return false;
            });
          std::string value;
          if (decode_string_literal(src.slice(n), value))
            mix(facts.code_fingerprint, "str:" + value);
          else
            mix(facts.code_fingerprint, src.slice(n));
          return false;
        }
        if (ts_node_child_count(n) == 0) {
          if (symbol == comma)
            waiting_comma = src.slice(n);
          else
            mix(facts.code_fingerprint, src.slice(n));
          return false;
        }
        if (ts_node_is_named(n)) mix(facts.code_fingerprint, node_type(n));
        return true;
      },
      [&] { waiting_comma.reset(); });
}

std::string describe_syntax_error(TSNode error, const SourceText& src) {
  if (ts_node_is_missing(error)) return std::string("missing `") + ts_node_type(error) + "`";
  std::string text(src.slice(error));
  text = text.substr(0, text.find('\n'));
  if (text.size() > 30) text = text.substr(0, 30) + "…";
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.pop_back();
  if (text.empty()) return "invalid syntax";
  return "invalid syntax at `" + text + "`";
}

}  // namespace

const Argument* Operation::argument(std::size_t position, std::string_view keyword) const {
  std::size_t seen = 0;
  for (const auto& a : arguments) {
    if (a.keyword) {
      if (*a.keyword == keyword) return &a;
    } else if (seen++ == position) {
      return &a;
    }
  }
  return nullptr;
}

MigrationFacts parse_migration(const PythonParser& parser, std::string bytes, std::optional<SyntaxTree>* keep) {
  MigrationFacts facts;
  std::optional<DecodeProblem> decode_problem;
  SourceText source = SourceText::decode(std::move(bytes), decode_problem);
  if (decode_problem) {
    facts.problem = SyntaxProblem{decode_problem->message, {decode_problem->position, decode_problem->position}};
    return facts;
  }
  SyntaxTree tree = parser.parse(std::move(source));
  facts.suppressions = collect_suppressions(tree);
  if (auto error = first_syntax_error(tree.root())) {
    facts.problem = SyntaxProblem{"is not valid Python: " + describe_syntax_error(*error, tree.source), tree.source.span(*error)};
    // tree-sitter folds a file with an unclosed bracket into one ERROR from
    // its first byte; Python points at the bracket, which is more use.
    TSPoint start = ts_node_start_point(*error);
    if (start.row == 0 && start.column == 0)
      if (auto at = unclosed_bracket(tree.source.text())) {
        TSPoint p{0, 0};
        for (std::size_t i = 0; i < *at; ++i) {
          if (tree.source.text()[i] == '\n') {
            ++p.row;
            p.column = 0;
          } else {
            ++p.column;
          }
        }
        Position pos = tree.source.position(p);
        facts.problem = SyntaxProblem{std::string("is not valid Python: `") + tree.source.text()[*at] + "` was never closed",
                                      {pos, pos}};
      }
    return facts;
  }
  facts.code_fingerprint = 14695981039346656037ull;
  std::set<int> comment_only_lines;
  fingerprint_tokens(tree.root(), tree.source, facts, comment_only_lines);
  MigrationExtractor(tree, facts).run();
  facts.code = extract_module_code(tree, std::move(comment_only_lines));
  if (keep) keep->emplace(std::move(tree));
  return facts;
}

}  // namespace hc
