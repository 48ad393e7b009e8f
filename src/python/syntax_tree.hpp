// tree-sitter handles and the small node helpers the fact extractors share.
// A SyntaxTree keeps its source next to its tree: a TSNode borrows both.
#pragma once
#include <tree_sitter/api.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/handle.hpp"
#include "python/source_text.hpp"

extern "C" const TSLanguage* tree_sitter_python(void);

namespace hc {

using ParserHandle = Handle<TSParser, ts_parser_delete>;
using TreeHandle = Handle<TSTree, ts_tree_delete>;

struct SyntaxTree {
  SourceText source;
  TreeHandle tree;
  TSNode root() const { return ts_tree_root_node(tree.get()); }
};

// One parser per thread; checks the grammar's ABI once, at construction.
class PythonParser {
 public:
  PythonParser();
  SyntaxTree parse(SourceText source) const;

 private:
  ParserHandle parser_;
};

// Node helpers: names, fields and children without repeating the C API's ceremony.
std::string_view node_type(TSNode n);
bool is(TSNode n, std::string_view type);
std::optional<TSNode> field(TSNode n, const char* name);
std::vector<TSNode> named_children(TSNode n);
// The module's top-level class definitions, decorated ones included.
std::vector<TSNode> top_level_classes(TSNode module);
// The first ERROR or MISSING node in source order, if the tree has one.
std::optional<TSNode> first_syntax_error(TSNode root);

// A node kind's symbol in the grammar, looked up by name once: the walks
// that visit every node compare symbols, not type names.
TSSymbol python_symbol(std::string_view name, bool named = true);

// A tree cursor, released with its scope.
class TreeCursor {
 public:
  explicit TreeCursor(TSNode root) : cursor_(ts_tree_cursor_new(root)) {}
  ~TreeCursor() { ts_tree_cursor_delete(&cursor_); }
  TreeCursor(const TreeCursor&) = delete;
  TreeCursor& operator=(const TreeCursor&) = delete;
  TSTreeCursor* get() { return &cursor_; }
  TSNode node() const { return ts_tree_cursor_current_node(&cursor_); }

 private:
  TSTreeCursor cursor_;
};

// Visits the subtree at `root` in source order with one cursor:
// ts_node_child(n, i) starts from the first child each time, which makes a
// walk by index quadratic in a node's width. `enter(node)` says whether to
// visit the node's children; `leave_level()`, when given, is called after
// the last child of a node.
template <class Enter, class LeaveLevel>
void walk_tree(TSNode root, Enter&& enter, LeaveLevel&& leave_level) {
  TreeCursor cursor(root);
  bool descend = enter(root);
  for (;;) {
    if (descend && ts_tree_cursor_goto_first_child(cursor.get())) {
      descend = enter(cursor.node());
      continue;
    }
    for (;;) {
      if (ts_tree_cursor_goto_next_sibling(cursor.get())) {
        descend = enter(cursor.node());
        break;
      }
      if (!ts_tree_cursor_goto_parent(cursor.get())) return;
      leave_level();
    }
  }
}

template <class Enter>
void walk_tree(TSNode root, Enter&& enter) {
  walk_tree(root, std::forward<Enter>(enter), [] {});
}

}  // namespace hc
