// tree-sitter handles and the small node helpers the fact extractors share.
// A SyntaxTree keeps its source next to its tree: a TSNode borrows both.
#pragma once
#include <tree_sitter/api.h>

#include <optional>
#include <string>
#include <string_view>
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

}  // namespace hc
