// The repository's Python modules as a static evaluator sees them: each
// module's imports, classes, functions and assignments, names resolved across
// modules of the repository (relative imports included), and expressions
// evaluated to ModelValues. Names from outside the repository stay as import
// paths; what would need running code is Unknown.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "git/snapshot.hpp"
#include "models/model_value.hpp"
#include "python/syntax_tree.hpp"

namespace hc {

struct PyModule {
  std::string path;    // "inventory/models/storage.py"
  std::string dotted;  // "inventory.models.storage"
  std::string package_dir;  // the directory relative imports start from
  SyntaxTree tree;
  std::map<std::string, std::string> imports;  // local name -> dotted target (absolute)
  std::vector<std::string> star_imports;       // modules imported with *
  std::map<std::string, TSNode> classes, functions, assignments;
  std::vector<TSNode> class_order;  // top-level classes in source order
  bool parse_error = false;
};

class ModuleIndex;

// What a name stands for.
struct Binding {
  enum class Kind { Unbound, External, Module, Class, Function, Expression };
  Kind kind = Kind::Unbound;
  std::string dotted;                 // External: the import path; Module/Class/Function: the qualified name
  const PyModule* module = nullptr;   // where Class/Function/Expression nodes live
  TSNode node{};
  std::optional<TSNode> class_body;  // Expression inside a class body: the body, for its other names
};

// Evaluation inside a class body sees the class's earlier names first.
struct ClassScope {
  const PyModule* module = nullptr;
  TSNode body{};
};

class ModuleIndex {
 public:
  ModuleIndex(const Snapshot& snapshot, const ContentReader& reader, const PythonParser& parser);

  // The repository module for a dotted name, parsed on first use; null when outside the repository.
  const PyModule* module(const std::string& dotted) const;
  const PyModule* module_at(const std::string& path) const;
  // Parses `paths` on every core ahead of use (contents are read in this thread).
  void preload(const std::vector<std::string>& paths) const;
  // Takes a module another pass parsed (an audit's facts parse hands its
  // migrations' trees on, so each is parsed once).
  const PyModule* adopt(const std::string& path, SyntaxTree tree) const;
  // Drops a module no longer needed, and what was remembered about it.
  void forget(const std::string& path) const;
  // Drops every parsed module (what they bound stays in model_labels): a
  // phase that is done with them gives their trees' memory back.
  void forget_all() const;
  std::string dotted_name_of_path(const std::string& path) const;
  // The import roots and the top-level names under each: what decides
  // whether a dotted name is the repository's (a memo keyed on it stays
  // right when a package appears that an import would now find).
  std::string namespace_signature() const;
  std::vector<std::string> paths_under(const std::string& directory) const;  // Python files, sorted
  std::string read_text(const std::string& path) const;

  Binding resolve_name(const PyModule& m, const std::string& name, const ClassScope* scope = nullptr) const;
  Binding resolve_attribute(const Binding& b, const std::string& attr) const;
  Binding resolve_expression(const PyModule& m, TSNode expr, const ClassScope* scope = nullptr) const;
  // An absolute dotted path: a repository module's name, else External.
  Binding resolve_dotted(const std::string& dotted) const;

  ModelValue evaluate(const PyModule& m, TSNode expr, const ClassScope* scope = nullptr) const;
  ModelValue value_of(const Binding& b) const;

  // A class's bases as bindings.
  std::vector<Binding> bases(const Binding& cls) const;
  // Whether a class binding inherits (through the repository) from one of `paths`.
  bool inherits_from(const Binding& cls, const std::set<std::string>& paths, int depth = 0) const;
  // The value assigned to `name` in a class body (or its bases), if any.
  std::optional<Binding> class_attribute(const Binding& cls, const std::string& name, int depth = 0) const;

  // Model classes the evaluator has been told about: qualified name -> "app_label.Name".
  std::map<std::string, std::string> model_labels;

  // An evaluation may be memoised by its module's blob id only when it read
  // nothing but that module. watch(path) starts recording; strayed() says
  // whether, since, another repository module was read, or a name was looked
  // up that a package of the repository could define (it may, one day).
  void watch(const std::string& home_path) const;
  bool strayed() const { return strayed_; }
  void stop_watching() const { watching_.reset(); }

 private:
  const Snapshot& snapshot_;
  const ContentReader& reader_;
  const PythonParser& parser_;
  std::vector<std::string> roots_;
  mutable std::map<std::string, std::unique_ptr<PyModule>> by_path_;
  const PyModule* bind(const std::string& path, SyntaxTree tree, bool decode_problem) const;
  mutable std::set<std::string> missing_;
  mutable std::optional<std::string> watching_;
  mutable bool strayed_ = false;
  mutable std::map<std::string, bool> repository_packages_;  // top-level name -> the repository has it
  void note_lookup(const std::string& dotted) const;
  mutable int depth_ = 0;
  // Per class body: its names (nested classes, assignments), built once.
  mutable std::map<const PyModule*, std::map<const void*, std::map<std::string, Binding>>> class_names_;
  mutable std::map<const PyModule*, std::map<const void*, std::vector<Binding>>> bases_;
  const std::map<std::string, Binding>& class_names(const PyModule& m, TSNode body) const;

  std::optional<std::string> path_for_module(const std::string& dotted) const;
  ModelValue evaluate_call(const PyModule& m, TSNode call, const ClassScope* scope) const;
  ModelValue choices_attribute(const Binding& cls, const std::string& attr) const;
};

// `django.db.models.fields.CharField` -> `django.db.models.CharField`: Django's
// public names, however a module imported them.
std::string canonical_django_path(const std::string& dotted);

}  // namespace hc
