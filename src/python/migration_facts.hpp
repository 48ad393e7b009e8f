// What a migration file says, as plain values: the facts rules read. Built
// once per blob by parse_migration; holds no tree-sitter state.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "python/function_facts.hpp"
#include "python/py_value.hpp"
#include "python/suppression.hpp"

namespace hc {

struct Argument {
  std::optional<std::string> keyword;  // nullopt for a positional argument
  PyValue value;
  Span span;
};

struct Operation {
  std::string kind;     // the class name: "RunPython", "AddField", "AddTrigger"
  std::string callee;   // as written: "migrations.RunPython", "m.RunPython", "RunPython"
  bool from_django = false;  // resolved through imports to django.db.migrations
  Span span;            // the whole call
  std::vector<Argument> arguments;
  bool arguments_complete = true;  // false when *args/**kwargs hide some
  std::vector<Operation> nested;   // operations inside list arguments (SeparateDatabaseAndState)

  // The argument at `position` or named `keyword`, as Python binds them.
  const Argument* argument(std::size_t position, std::string_view keyword) const;
};

struct DependencyRef {
  std::string app;
  std::string name;
  Span span;
  bool swappable = false;  // swappable_dependency(settings.X): the app is decided by settings
};

struct SyntaxProblem {
  std::string message;
  Span span;
};

// A module's code, decoded from the facts cache when first asked for: most
// migrations are never asked (only RunPython and RunSQL rules read it), and
// decoding it was a third of reading 12,000 migrations' facts. Copies share
// it; it is read-only once made, and safe to ask from several threads.
class LazyModuleCode {
 public:
  LazyModuleCode() : LazyModuleCode(ModuleCode{}) {}
  LazyModuleCode(ModuleCode code) : state_(std::make_shared<State>()) {  // NOLINT: made from a parse as from a value
    state_->code = std::move(code);
    state_->decoded = true;
  }
  // The encoded code, decoded by `decode` on first use (empty if it fails).
  static LazyModuleCode encoded(std::string bytes, std::optional<ModuleCode> (*decode)(std::string_view)) {
    LazyModuleCode lazy;
    lazy.state_->bytes = std::move(bytes);
    lazy.state_->decode = decode;
    lazy.state_->decoded = false;
    return lazy;
  }
  const ModuleCode& get() const {
    State& s = *state_;
    if (!s.decoded.load(std::memory_order_acquire))
      std::call_once(s.once, [&s] {
        if (auto code = s.decode(s.bytes)) s.code = std::move(*code);
        std::string().swap(s.bytes);
        s.decoded.store(true, std::memory_order_release);
      });
    return s.code;
  }
  const ModuleCode& operator*() const { return get(); }
  const ModuleCode* operator->() const { return &get(); }

 private:
  struct State {
    std::once_flag once;
    std::atomic<bool> decoded{false};
    std::string bytes;
    std::optional<ModuleCode> (*decode)(std::string_view) = nullptr;
    ModuleCode code;
  };
  std::shared_ptr<State> state_;
};

struct MigrationFacts {
  std::optional<SyntaxProblem> problem;  // set when the file is not usable Python
  bool has_migration_class = false;
  Span migration_class_span;

  std::vector<DependencyRef> dependencies;
  bool dependencies_complete = true;
  std::vector<DependencyRef> replaces;
  std::vector<DependencyRef> run_before;
  std::optional<bool> initial;
  std::optional<bool> atomic;
  std::vector<Operation> operations;
  bool operations_complete = true;

  std::vector<Suppression> suppressions;

  struct Comment {
    int line = 0;
    std::string text;  // with its '#'
  };
  std::vector<Comment> comments;
  // A hash of the file's tokens without comments and layout: two versions
  // with the same fingerprint differ only in comments or formatting.
  std::uint64_t code_fingerprint = 0;

  // The module's imports, functions and docstrings: what `RunPython(forwards)` runs.
  LazyModuleCode code;

  bool usable() const { return !problem && has_migration_class; }
};

class PythonParser;
struct SyntaxTree;
// With `keep`, the tree of a file that parsed is handed on there (an audit
// evaluates the operations from it instead of parsing the file again).
MigrationFacts parse_migration(const PythonParser& parser, std::string bytes, std::optional<SyntaxTree>* keep = nullptr);

}  // namespace hc
