#include "python/syntax_tree.hpp"

#include <cstring>
#include <string>
#include <unordered_map>

#include "core/error.hpp"

namespace hc {

PythonParser::PythonParser() : parser_(ts_parser_new()) {
  const TSLanguage* lang = tree_sitter_python();
  uint32_t abi = ts_language_version(lang);
  if (abi < TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION || abi > TREE_SITTER_LANGUAGE_VERSION)
    throw Error("tree-sitter-python grammar has ABI " + std::to_string(abi) + ", the tree-sitter runtime accepts " +
                std::to_string(TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION) + "-" +
                std::to_string(TREE_SITTER_LANGUAGE_VERSION));
  if (!ts_parser_set_language(parser_.get(), lang)) throw Error("ts_parser_set_language refused tree-sitter-python");
}

SyntaxTree PythonParser::parse(SourceText source) const {
  SyntaxTree out{std::move(source), nullptr};
  auto text = out.source.text();
  out.tree.reset(ts_parser_parse_string(parser_.get(), nullptr, text.data(), static_cast<uint32_t>(text.size())));
  if (!out.tree) throw Error("tree-sitter failed to parse");
  return out;
}

std::string_view node_type(TSNode n) { return ts_node_type(n); }

bool is(TSNode n, std::string_view type) { return !ts_node_is_null(n) && type == ts_node_type(n); }

std::optional<TSNode> field(TSNode n, const char* name) {
  // Field names are looked up by string compare in the grammar: once per name and thread.
  thread_local std::unordered_map<std::string, TSFieldId> ids;
  auto it = ids.find(name);
  if (it == ids.end())
    it = ids.emplace(name, ts_language_field_id_for_name(tree_sitter_python(), name, static_cast<uint32_t>(std::strlen(name)))).first;
  if (it->second == 0) return std::nullopt;
  TSNode c = ts_node_child_by_field_id(n, it->second);
  if (ts_node_is_null(c)) return std::nullopt;
  return c;
}

std::vector<TSNode> named_children(TSNode n) {
  // A cursor walks the children in one pass (ts_node_named_child(i) starts over each time).
  // One cursor per thread, reset for each call: a new one allocates its
  // stack, and this runs ~45 times per migration parsed.
  struct ThreadCursor {
    TSTreeCursor cursor;
    explicit ThreadCursor(TSNode n) : cursor(ts_tree_cursor_new(n)) {}
    ~ThreadCursor() { ts_tree_cursor_delete(&cursor); }
  };
  thread_local ThreadCursor reused(n);
  TSTreeCursor& cursor = reused.cursor;
  ts_tree_cursor_reset(&cursor, n);
  std::vector<TSNode> out;
  if (ts_tree_cursor_goto_first_child(&cursor)) {
    do {
      TSNode c = ts_tree_cursor_current_node(&cursor);
      if (ts_node_is_named(c)) out.push_back(c);
    } while (ts_tree_cursor_goto_next_sibling(&cursor));
  }
  return out;
}

std::vector<TSNode> top_level_classes(TSNode module) {
  std::vector<TSNode> out;
  for (TSNode stmt : named_children(module)) {
    TSNode def = stmt;
    if (is(stmt, "decorated_definition")) {
      auto d = field(stmt, "definition");
      if (!d) continue;
      def = *d;
    }
    if (is(def, "class_definition")) out.push_back(def);
  }
  return out;
}

TSSymbol python_symbol(std::string_view name, bool named) {
  return ts_language_symbol_for_name(tree_sitter_python(), name.data(), static_cast<uint32_t>(name.size()), named);
}

std::optional<TSNode> first_syntax_error(TSNode root) {
  if (!ts_node_has_error(root)) return std::nullopt;
  if (ts_node_is_missing(root) || is(root, "ERROR")) return root;
  uint32_t count = ts_node_child_count(root);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode c = ts_node_child(root, i);
    if (auto e = first_syntax_error(c)) return e;
  }
  return root;
}

}  // namespace hc
