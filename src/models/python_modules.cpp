#include "models/python_modules.hpp"

#include <algorithm>
#include <cmath>
#include <atomic>
#include <exception>
#include <functional>
#include <thread>
#include <cstdio>

#include "python/module_scope.hpp"
#include "python/py_value.hpp"

namespace hc {
namespace {

constexpr int kMaxDepth = 40;

// Django's public packages: a name imported from inside one of them is the same
// name as its re-export (models.CASCADE is django.db.models.deletion.CASCADE).
const std::vector<std::string>& public_packages() {
  static const std::vector<std::string> p = {
      "django.db.models.functions", "django.db.models", "django.contrib.postgres.fields",
      "django.contrib.postgres.indexes", "django.contrib.postgres.constraints", "django.contrib.postgres.search",
      "django.contrib.gis.db.models", "django.core.validators", "django.contrib.contenttypes.fields"};
  return p;
}

const std::set<std::string>& builtin_names() {
  static const std::set<std::string> b = {"dict", "list", "tuple", "set", "frozenset", "str", "int", "float",
                                          "bool", "bytes", "object", "len", "range", "sorted", "reversed"};
  return b;
}

const std::set<std::string>& translation_functions() {
  static const std::set<std::string> t = {
      "django.utils.translation.gettext_lazy", "django.utils.translation.ugettext_lazy", "django.utils.translation.gettext",
      "django.utils.translation.ugettext",     "django.utils.translation.gettext_noop",  "django.utils.translation.ugettext_noop",
      "django.utils.translation.pgettext_lazy", "django.utils.translation.pgettext"};
  return t;
}

const std::set<std::string>& choices_bases() {
  static const std::set<std::string> c = {"django.db.models.TextChoices", "django.db.models.IntegerChoices",
                                          "django.db.models.Choices"};
  return c;
}

std::string python_title(std::string s) {
  bool start = true;
  for (char& c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalpha(u)) {
      c = static_cast<char>(start ? std::toupper(u) : std::tolower(u));
      start = false;
    } else {
      start = true;
    }
  }
  return s;
}

std::string parent_dir(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

bool parse_number(const ModelValue& v, long double& out, bool& integral) {
  if (v.kind == ModelValue::Kind::Bool) {
    out = v.boolean ? 1 : 0;
    integral = true;
    return true;
  }
  if (v.kind != ModelValue::Kind::Number) return false;
  integral = v.text.find_first_of(".e") == std::string::npos;
  char* end = nullptr;
  out = std::strtold(v.text.c_str(), &end);
  return end && !*end;
}

ModelValue number_value(long double x, bool integral) {
  if (!std::isfinite(static_cast<double>(x))) return ModelValue::unknown("a number that is not finite");
  if (integral) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0Lf", x);
    return ModelValue::number(canonical_number(buf));
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17Lg", x);
  return ModelValue::number(canonical_number(buf));
}

std::string q_connector(const ModelValue& q) {
  const ModelValue* c = q.keyword("_connector");
  return c && c->kind == ModelValue::Kind::Str ? c->text : "AND";
}

bool q_negated(const ModelValue& q) {
  const ModelValue* n = q.keyword("_negated");
  return n && n->kind == ModelValue::Kind::Bool && n->boolean;
}

// Q(a) & Q(b) as Django's tree.Node.add() builds it: children of a Q with the
// same connector (or a single child), not negated, join the new node's.
ModelValue combine_q(const std::string& connector, const ModelValue& a, const ModelValue& b) {
  std::vector<ModelValue> children;
  for (const ModelValue* side : {&a, &b}) {
    bool squash = !q_negated(*side) && (q_connector(*side) == connector || side->items.size() == 1);
    if (squash) children.insert(children.end(), side->items.begin(), side->items.end());
    else children.push_back(*side);
  }
  std::vector<std::pair<std::string, ModelValue>> kw;
  if (connector != "AND") kw.emplace_back("_connector", ModelValue::str(connector));
  return ModelValue::call("django.db.models.Q", std::move(children), std::move(kw));
}

ModelValue arithmetic(const std::string& op, const ModelValue& a, const ModelValue& b) {
  long double x, y;
  bool xi, yi;
  if (parse_number(a, x, xi) && parse_number(b, y, yi)) {
    bool integral = xi && yi;
    if (op == "+") return number_value(x + y, integral);
    if (op == "-") return number_value(x - y, integral);
    if (op == "*") return number_value(x * y, integral);
    if (op == "/" && y != 0) return number_value(x / y, false);
    if (op == "//" && y != 0) return number_value(std::floor(x / y), integral);
    if (op == "%" && y != 0) return number_value(x - y * std::floor(x / y), integral);
    if (op == "**" && (!integral || y >= 0)) return number_value(std::pow(x, y), integral);
  }
  using K = ModelValue::Kind;
  if (op == "+" && a.kind == K::Str && b.kind == K::Str) return ModelValue::str(a.text + b.text);
  if (op == "+" && a.kind == b.kind && (a.kind == K::List || a.kind == K::Tuple)) {
    auto items = a.items;
    items.insert(items.end(), b.items.begin(), b.items.end());
    return ModelValue::sequence(a.kind, std::move(items));
  }
  if (op == "*" && a.kind == K::Str && parse_number(b, y, yi) && yi && y >= 0 && y < 10000) {
    std::string s;
    for (int i = 0; i < static_cast<int>(y); ++i) s += a.text;
    return ModelValue::str(s);
  }
  if ((op == "&" || op == "|") && a.kind == K::Call && b.kind == K::Call && a.text == "django.db.models.Q" && b.text == "django.db.models.Q")
    return combine_q(op == "&" ? "AND" : "OR", a, b);
  return ModelValue::unknown("an expression (`" + op + "`) evaluated only when Python runs");
}

}  // namespace

std::string canonical_django_path(const std::string& dotted) {
  if (!dotted.starts_with("django.")) return dotted;
  for (const auto& pkg : public_packages()) {
    if (dotted.size() > pkg.size() && dotted.compare(0, pkg.size(), pkg) == 0 && dotted[pkg.size()] == '.') {
      auto last = dotted.rfind('.');
      return pkg + dotted.substr(last);
    }
  }
  return dotted;
}

ModuleIndex::ModuleIndex(const Snapshot& snapshot, const ContentReader& reader, const PythonParser& parser)
    : snapshot_(snapshot), reader_(reader), parser_(parser) {
  // Import roots: the top, and each directory holding a top-level package or manage.py.
  std::set<std::string> roots{""};
  for (const SnapshotFile& file : snapshot) {
    std::string_view path = file.path;
    if (!path.ends_with("/manage.py") && !path.ends_with("/__init__.py")) continue;
    std::string dir = parent_dir(std::string(path));
    if (path.ends_with("/manage.py")) roots.insert(dir);
    if (path.ends_with("/__init__.py")) {
      std::string above = parent_dir(dir);
      if (!above.empty() && !snapshot.find(above + "/__init__.py")) roots.insert(above);
    }
  }
  roots_.assign(roots.begin(), roots.end());
  // Longest first: a module is named from its nearest root.
  std::sort(roots_.begin(), roots_.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string ModuleIndex::namespace_signature() const {
  std::string out;
  for (const auto& root : roots_) {
    const std::string prefix = root.empty() ? "" : root + "/";
    std::set<std::string_view> names;
    std::string_view last;
    for (const SnapshotFile& file : snapshot_) {
      std::string_view path = file.path;
      if (!path.starts_with(prefix)) continue;
      path.remove_prefix(prefix.size());
      std::string_view name = path.substr(0, path.find('/'));
      if (name != last) names.insert(last = name);  // paths are sorted: a package's files come together
    }
    out += prefix;
    out.push_back('\n');
    for (auto name : names) {
      out += name;
      out.push_back('\0');
    }
    out.push_back('\n');
  }
  return out;
}

std::optional<std::string> ModuleIndex::path_for_module(const std::string& dotted) const {
  std::string rel;
  for (char c : dotted) rel.push_back(c == '.' ? '/' : c);
  for (const auto& root : roots_) {
    std::string base = root.empty() ? rel : root + "/" + rel;
    if (snapshot_.find(base + ".py")) return base + ".py";
    if (snapshot_.find(base + "/__init__.py")) return base + "/__init__.py";
  }
  return std::nullopt;
}

std::string ModuleIndex::dotted_name_of_path(const std::string& path) const {
  std::string rel = path;
  for (const auto& root : roots_)
    if (!root.empty() && path.size() > root.size() && path.compare(0, root.size(), root) == 0 && path[root.size()] == '/') {
      rel = path.substr(root.size() + 1);
      break;
    }
  if (rel.ends_with("/__init__.py")) rel.resize(rel.size() - 12);
  else if (rel.ends_with(".py")) rel.resize(rel.size() - 3);
  for (char& c : rel)
    if (c == '/') c = '.';
  return rel;
}

std::vector<std::string> ModuleIndex::paths_under(const std::string& directory) const {
  std::vector<std::string> out;
  for (const SnapshotFile& file : snapshot_.under(directory))
    if (file.path.ends_with(".py")) out.emplace_back(file.path);
  return out;
}

std::string ModuleIndex::read_text(const std::string& path) const {
  const SnapshotFile* f = snapshot_.find(path);
  return f ? reader_.read(*f) : std::string();
}

void ModuleIndex::watch(const std::string& home_path) const {
  watching_ = home_path;
  strayed_ = false;
}

void ModuleIndex::note_lookup(const std::string& dotted) const {
  if (!watching_ || strayed_) return;
  std::string top = dotted.substr(0, dotted.find('.'));
  auto [it, fresh] = repository_packages_.emplace(top, false);
  if (fresh)
    for (const auto& root : roots_) {
      std::string base = root.empty() ? top : root + "/" + top;
      if (snapshot_.find(base + ".py") || !snapshot_.under(base + "/").empty()) it->second = true;
    }
  if (it->second) strayed_ = true;
}

const PyModule* ModuleIndex::module(const std::string& dotted) const {
  note_lookup(dotted);
  if (missing_.count(dotted)) return nullptr;
  auto path = path_for_module(dotted);
  if (!path) {
    missing_.insert(dotted);
    return nullptr;
  }
  return module_at(*path);
}

const PyModule* ModuleIndex::module_at(const std::string& path) const {
  if (watching_ && path != *watching_) strayed_ = true;
  auto it = by_path_.find(path);
  if (it != by_path_.end()) return it->second.get();
  const SnapshotFile* file = snapshot_.find(path);
  if (!file) return nullptr;
  std::optional<DecodeProblem> problem;
  SourceText text = SourceText::decode(reader_.read(*file), problem);
  return bind(path, parser_.parse(std::move(text)), problem.has_value());
}

void ModuleIndex::preload(const std::vector<std::string>& paths) const {
  std::vector<std::pair<std::string, std::string>> work;
  for (const auto& path : paths)
    if (!by_path_.count(path))
      if (const SnapshotFile* f = snapshot_.find(path)) work.emplace_back(path, reader_.read(*f));
  std::vector<std::optional<SyntaxTree>> trees(work.size());
  std::vector<char> problems(work.size(), 0);
  std::size_t threads = std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()), 8);
  std::atomic<std::size_t> next{0};
  auto run = [&](const PythonParser& parser) {
    for (std::size_t i; (i = next++) < work.size();) {
      std::optional<DecodeProblem> problem;
      SourceText text = SourceText::decode(std::move(work[i].second), problem);
      problems[i] = problem.has_value();
      trees[i].emplace(parser.parse(std::move(text)));
    }
  };
  if (threads < 2 || work.size() < 32) {
    run(parser_);
  } else {
    std::vector<std::thread> pool;
    std::vector<std::exception_ptr> errors(threads);
    for (std::size_t t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        try {
          PythonParser parser;  // one per thread
          run(parser);
        } catch (...) {
          errors[t] = std::current_exception();
        }
      });
    for (auto& th : pool) th.join();
    for (const auto& e : errors)
      if (e) std::rethrow_exception(e);
  }
  for (std::size_t i = 0; i < work.size(); ++i) bind(work[i].first, std::move(*trees[i]), problems[i]);
}

const PyModule* ModuleIndex::adopt(const std::string& path, SyntaxTree tree) const {
  forget(path);
  return bind(path, std::move(tree), false);
}

void ModuleIndex::forget(const std::string& path) const {
  auto it = by_path_.find(path);
  if (it == by_path_.end()) return;
  class_names_.erase(it->second.get());
  bases_.erase(it->second.get());
  by_path_.erase(it);
}

void ModuleIndex::forget_all() const {
  class_names_.clear();
  bases_.clear();
  by_path_.clear();
}

const PyModule* ModuleIndex::bind(const std::string& path, SyntaxTree tree, bool decode_problem) const {
  auto m = std::make_unique<PyModule>(PyModule{path, dotted_name_of_path(path), parent_dir(path), std::move(tree), {}, {}, {}, {}, {}, {}, false});
  m->parse_error = decode_problem || first_syntax_error(m->tree.root()).has_value();
  const SourceText& src = m->tree.source;
  // The package relative imports start from.
  std::string package = m->dotted;
  if (!path.ends_with("/__init__.py")) {
    auto dot = package.rfind('.');
    package = dot == std::string::npos ? std::string() : package.substr(0, dot);
  }
  auto absolute = [&](std::string name) {
    std::size_t level = 0;
    while (level < name.size() && name[level] == '.') ++level;
    if (level == 0) return name;
    std::string base = package;
    for (std::size_t i = 1; i < level; ++i) {
      auto dot = base.rfind('.');
      base = dot == std::string::npos ? std::string() : base.substr(0, dot);
    }
    std::string rest = name.substr(level);
    if (base.empty()) return rest;
    return rest.empty() ? base : base + "." + rest;
  };
  std::function<void(TSNode)> bind_statements = [&](TSNode block) {
    for (TSNode stmt : named_children(block)) {
      auto type = node_type(stmt);
      if (type == "import_statement") {
        for (TSNode n : named_children(stmt)) {
          if (is(n, "dotted_name")) {
            std::string full(src.slice(n));
            std::string first = full.substr(0, full.find('.'));
            m->imports[first] = first;
          } else if (is(n, "aliased_import")) {
            auto name = field(n, "name");
            auto alias = field(n, "alias");
            if (name && alias) m->imports[std::string(src.slice(*alias))] = std::string(src.slice(*name));
          }
        }
      } else if (type == "import_from_statement") {
        auto modnode = field(stmt, "module_name");
        if (!modnode) continue;
        std::string base = absolute(std::string(src.slice(*modnode)));
        bool star = false;
        for (TSNode n : named_children(stmt)) {
          if (ts_node_eq(n, *modnode)) continue;
          if (is(n, "wildcard_import")) star = true;
          if (is(n, "dotted_name")) {
            std::string name(src.slice(n));
            m->imports[name] = base.empty() ? name : base + "." + name;
          } else if (is(n, "aliased_import")) {
            auto name = field(n, "name");
            auto alias = field(n, "alias");
            if (name && alias) m->imports[std::string(src.slice(*alias))] = (base.empty() ? "" : base + ".") + std::string(src.slice(*name));
          }
        }
        if (star) m->star_imports.push_back(base);
      } else if (type == "class_definition" || type == "decorated_definition" || type == "function_definition") {
        TSNode def = stmt;
        if (type == "decorated_definition") {
          auto d = field(stmt, "definition");
          if (!d) continue;
          def = *d;
        }
        auto name = field(def, "name");
        if (!name) continue;
        if (is(def, "class_definition")) {
          m->classes[std::string(src.slice(*name))] = def;
          m->class_order.push_back(def);
        } else {
          m->functions[std::string(src.slice(*name))] = def;
        }
      } else if (type == "expression_statement") {
        for (TSNode e : named_children(stmt)) {
          if (!is(e, "assignment")) continue;
          auto left = field(e, "left");
          auto right = field(e, "right");
          if (left && right && is(*left, "identifier")) m->assignments[std::string(src.slice(*left))] = *right;
        }
      } else if (type == "try_statement" || type == "if_statement") {
        // `try: from x import y` and `if TYPE_CHECKING:` still bind names.
        if (auto body = field(stmt, type == "if_statement" ? "consequence" : "body")) bind_statements(*body);
      }
    }
  };
  bind_statements(m->tree.root());
  const PyModule* raw = m.get();
  by_path_.emplace(path, std::move(m));
  return raw;
}

const std::map<std::string, Binding>& ModuleIndex::class_names(const PyModule& m, TSNode body) const {
  auto [it, fresh] = class_names_[&m].try_emplace(body.id);
  if (!fresh) return it->second;
  auto& names = it->second;
  const SourceText& src = m.tree.source;
  for (TSNode stmt : named_children(body)) {
    if (is(stmt, "class_definition")) {
      if (auto n = field(stmt, "name")) {
        Binding b;
        b.kind = Binding::Kind::Class;
        b.module = &m;
        b.node = stmt;
        std::string name(src.slice(*n));
        b.dotted = m.dotted + "." + name;  // nested: the evaluator names it by its module
        names.insert_or_assign(name, b);
      }
      continue;
    }
    if (!is(stmt, "expression_statement")) continue;
    for (TSNode e : named_children(stmt)) {
      if (!is(e, "assignment")) continue;
      auto left = field(e, "left");
      auto right = field(e, "right");
      if (!left || !right || !is(*left, "identifier")) continue;
      Binding b;
      b.kind = Binding::Kind::Expression;
      b.module = &m;
      b.node = *right;
      b.class_body = body;
      names.insert_or_assign(std::string(src.slice(*left)), b);  // the last assignment wins, as in Python
    }
  }
  return names;
}

Binding ModuleIndex::resolve_name(const PyModule& m, const std::string& name, const ClassScope* scope) const {
  Binding b;
  if (scope && scope->module) {
    const auto& names = class_names(*scope->module, scope->body);
    if (auto it = names.find(name); it != names.end()) return it->second;
  }
  if (auto it = m.classes.find(name); it != m.classes.end()) {
    b.kind = Binding::Kind::Class;
    b.module = &m;
    b.node = it->second;
    b.dotted = m.dotted + "." + name;
    return b;
  }
  if (auto it = m.functions.find(name); it != m.functions.end()) {
    b.kind = Binding::Kind::Function;
    b.module = &m;
    b.node = it->second;
    b.dotted = m.dotted + "." + name;
    return b;
  }
  if (auto it = m.assignments.find(name); it != m.assignments.end()) {
    b.kind = Binding::Kind::Expression;
    b.module = &m;
    b.node = it->second;
    return b;
  }
  if (auto it = m.imports.find(name); it != m.imports.end()) {
    const std::string& target = it->second;
    if (depth_ > kMaxDepth) return b;
    if (const PyModule* mod = module(target)) {
      b.kind = Binding::Kind::Module;
      b.module = mod;
      b.dotted = target;
      return b;
    }
    // `from pkg.mod import Name`: the longest prefix that is a repository module.
    auto dot = target.rfind('.');
    while (dot != std::string::npos) {
      if (const PyModule* mod = module(target.substr(0, dot))) {
        ++depth_;
        Binding inner;
        inner.kind = Binding::Kind::Module;
        inner.module = mod;
        inner.dotted = target.substr(0, dot);
        std::string rest = target.substr(dot + 1);
        std::size_t start = 0;
        while (inner.kind != Binding::Kind::Unbound && start <= rest.size()) {
          auto next = rest.find('.', start);
          inner = resolve_attribute(inner, rest.substr(start, next == std::string::npos ? std::string::npos : next - start));
          if (next == std::string::npos) break;
          start = next + 1;
        }
        --depth_;
        return inner;
      }
      dot = target.rfind('.', dot - 1);
      if (dot == 0) break;
    }
    b.kind = Binding::Kind::External;
    b.dotted = target;
    return b;
  }
  for (const auto& star : m.star_imports) {
    if (depth_ > kMaxDepth) break;
    if (const PyModule* mod = module(star)) {
      ++depth_;
      Binding inner = resolve_name(*mod, name);
      --depth_;
      if (inner.kind != Binding::Kind::Unbound) return inner;
    }
  }
  if (builtin_names().count(name)) {
    b.kind = Binding::Kind::External;
    b.dotted = "builtins." + name;
  }
  return b;
}

std::optional<Binding> ModuleIndex::class_attribute(const Binding& cls, const std::string& name, int depth) const {
  if (cls.kind != Binding::Kind::Class || depth > kMaxDepth) return std::nullopt;
  auto body = field(cls.node, "body");
  if (!body) return std::nullopt;
  ClassScope scope{cls.module, *body};
  Binding own;
  for (TSNode stmt : named_children(*body)) {
    if (is(stmt, "class_definition") || is(stmt, "function_definition")) {
      auto n = field(stmt, "name");
      if (n && cls.module->tree.source.slice(*n) == name) {
        own.kind = is(stmt, "class_definition") ? Binding::Kind::Class : Binding::Kind::Function;
        own.module = cls.module;
        own.node = stmt;
        own.dotted = cls.dotted + "." + name;
      }
    }
  }
  if (own.kind == Binding::Kind::Unbound) {
    Binding b = resolve_name(*cls.module, name, &scope);
    // Only the body's own names: resolve_name falls back to module scope.
    if (b.kind == Binding::Kind::Expression && b.class_body) own = b;
  }
  if (own.kind != Binding::Kind::Unbound) return own;
  for (const auto& base : bases(cls))
    if (auto found = class_attribute(base, name, depth + 1)) return found;
  return std::nullopt;
}

Binding ModuleIndex::resolve_attribute(const Binding& b, const std::string& attr) const {
  Binding out;
  switch (b.kind) {
    case Binding::Kind::External:
      out.kind = Binding::Kind::External;
      out.dotted = b.dotted + "." + attr;
      return out;
    case Binding::Kind::Module: {
      if (depth_ > kMaxDepth) return out;
      ++depth_;
      out = resolve_name(*b.module, attr);
      --depth_;
      if (out.kind != Binding::Kind::Unbound) return out;
      if (const PyModule* sub = module(b.dotted + "." + attr)) {
        out.kind = Binding::Kind::Module;
        out.module = sub;
        out.dotted = b.dotted + "." + attr;
      }
      return out;
    }
    case Binding::Kind::Class:
      if (auto found = class_attribute(b, attr)) return *found;
      return out;
    default:
      return out;
  }
}

Binding ModuleIndex::resolve_expression(const PyModule& m, TSNode expr, const ClassScope* scope) const {
  if (is(expr, "identifier")) return resolve_name(m, std::string(m.tree.source.slice(expr)), scope);
  if (is(expr, "attribute")) {
    auto obj = field(expr, "object");
    auto attr = field(expr, "attribute");
    if (!obj || !attr) return {};
    Binding left = resolve_expression(m, *obj, scope);
    return resolve_attribute(left, std::string(m.tree.source.slice(*attr)));
  }
  return {};
}

Binding ModuleIndex::resolve_dotted(const std::string& dotted) const {
  for (auto dot = dotted.rfind('.'); dot != std::string::npos && dot > 0; dot = dotted.rfind('.', dot - 1)) {
    const PyModule* mod = module(dotted.substr(0, dot));
    if (!mod) continue;
    Binding b;
    b.kind = Binding::Kind::Module;
    b.module = mod;
    b.dotted = dotted.substr(0, dot);
    std::string rest = dotted.substr(dot + 1);
    for (std::size_t start = 0; b.kind != Binding::Kind::Unbound;) {
      auto next = rest.find('.', start);
      b = resolve_attribute(b, rest.substr(start, next == std::string::npos ? std::string::npos : next - start));
      if (next == std::string::npos) break;
      start = next + 1;
    }
    return b;
  }
  Binding b;
  b.kind = Binding::Kind::External;
  b.dotted = dotted;
  return b;
}

std::vector<Binding> ModuleIndex::bases(const Binding& cls) const {
  std::vector<Binding> out;
  if (cls.kind != Binding::Kind::Class) return out;
  auto& known = bases_[cls.module];
  if (auto it = known.find(cls.node.id); it != known.end()) return it->second;
  auto supers = field(cls.node, "superclasses");
  if (!supers) return out;
  for (TSNode a : named_children(*supers)) {
    if (is(a, "keyword_argument") || is(a, "comment")) continue;
    // `models.Manager.from_queryset(QS)`: a subclass of the manager it is called on.
    if (is(a, "call"))
      if (auto fn = field(a, "function"); fn && is(*fn, "attribute"))
        if (auto attr = field(*fn, "attribute"); attr && cls.module->tree.source.slice(*attr) == "from_queryset")
          if (auto obj = field(*fn, "object")) a = *obj;
    Binding b = resolve_expression(*cls.module, a);
    if (b.kind == Binding::Kind::External) b.dotted = canonical_django_path(b.dotted);
    out.push_back(std::move(b));
  }
  known.emplace(cls.node.id, out);
  return out;
}

bool ModuleIndex::inherits_from(const Binding& cls, const std::set<std::string>& paths, int depth) const {
  if (depth > kMaxDepth) return false;
  for (const auto& base : bases(cls)) {
    if (base.kind == Binding::Kind::External && paths.count(base.dotted)) return true;
    if (base.kind == Binding::Kind::Class && (paths.count(base.dotted) || inherits_from(base, paths, depth + 1))) return true;
  }
  return false;
}

ModelValue ModuleIndex::value_of(const Binding& b) const {
  switch (b.kind) {
    case Binding::Kind::Unbound:
      return ModelValue::unknown("a name not defined in the repository");
    case Binding::Kind::External: {
      std::string path = canonical_django_path(b.dotted);
      if (path.starts_with("django.conf.settings.")) {
        std::string name = path.substr(21);
        // A swappable model is compared by the setting's name; any other setting's value is the project's.
        if (name != "AUTH_USER_MODEL") return ModelValue::unknown("`settings." + name + "`, known only when Django runs");
        ModelValue v;
        v.kind = ModelValue::Kind::Setting;
        v.text = name;
        return v;
      }
      if (path == "builtins.True" || path == "builtins.False") return ModelValue::boolean_value(path == "builtins.True");
      // A constant of another library (logging.INFO, status.HTTP_200_OK) has a value hook-check cannot see.
      std::string last = path.substr(path.rfind('.') + 1);
      bool constant = !last.empty() && std::none_of(last.begin(), last.end(), [](unsigned char c) { return std::islower(c); }) &&
                      std::any_of(last.begin(), last.end(), [](unsigned char c) { return std::isupper(c); });
      if (constant && !path.starts_with("django.")) return ModelValue::unknown("`" + path + "`, a constant of another library");
      return ModelValue::ref(path);
    }
    case Binding::Kind::Module:
      return ModelValue::ref(b.dotted);
    case Binding::Kind::Class: {
      if (auto it = model_labels.find(b.dotted); it != model_labels.end()) {
        if (watching_) strayed_ = true;  // what extraction learnt, not what the module says
        return ModelValue::model(it->second);
      }
      ModelValue v = ModelValue::ref(b.dotted);
      // A Choices class passed as is (`choices=Status`, Django 5.0+): keep its choices.
      if (inherits_from(b, choices_bases())) v.items = choices_attribute(b, "choices").items;
      return v;
    }
    case Binding::Kind::Function:
      return ModelValue::ref(b.dotted);
    case Binding::Kind::Expression: {
      if (depth_ > kMaxDepth) return ModelValue::unknown("a value defined in terms of itself");
      ++depth_;
      ClassScope scope{b.module, b.class_body ? *b.class_body : TSNode{}};
      ModelValue v = evaluate(*b.module, b.node, b.class_body ? &scope : nullptr);
      --depth_;
      return v;
    }
  }
  return ModelValue::unknown("");
}

// The members of a Choices enum as Django builds them.
ModelValue ModuleIndex::choices_attribute(const Binding& cls, const std::string& attr) const {
  auto body = field(cls.node, "body");
  if (!body) return ModelValue::unknown("an empty Choices class");
  ClassScope scope{cls.module, *body};
  std::vector<ModelValue> values, labels, names;
  std::optional<ModelValue> empty_label;
  const SourceText& src = cls.module->tree.source;
  for (TSNode stmt : named_children(*body)) {
    if (!is(stmt, "expression_statement")) continue;
    for (TSNode e : named_children(stmt)) {
      if (!is(e, "assignment")) continue;
      auto left = field(e, "left");
      auto right = field(e, "right");
      if (!left || !right || !is(*left, "identifier")) continue;
      std::string name(src.slice(*left));
      ModelValue v = evaluate(*cls.module, *right, &scope);
      if (name == "__empty__") {
        empty_label = v;
        continue;
      }
      if (name.starts_with("_")) continue;
      ModelValue value = v, label = ModelValue::str(python_title([&] {
        std::string s = name;
        for (char& c : s)
          if (c == '_') c = ' ';
        return s;
      }()));
      if (v.kind == ModelValue::Kind::Tuple && v.items.size() >= 2 &&
          (v.items.back().kind == ModelValue::Kind::Str || !v.items.back().known())) {
        label = v.items.back();
        std::vector<ModelValue> rest(v.items.begin(), v.items.end() - 1);
        value = rest.size() == 1 ? rest[0] : ModelValue::sequence(ModelValue::Kind::Tuple, rest);
      }
      // An alias (a value seen before) is not a member of its own.
      bool alias = false;
      for (const auto& seen : values) alias = alias || seen == value;
      if (alias) continue;
      values.push_back(value);
      labels.push_back(label);
      names.push_back(ModelValue::str(name));
    }
  }
  if (attr == "values") return ModelValue::sequence(ModelValue::Kind::List, values);
  if (attr == "labels") return ModelValue::sequence(ModelValue::Kind::List, labels);
  if (attr == "names") return ModelValue::sequence(ModelValue::Kind::List, names);
  std::vector<ModelValue> pairs;
  if (empty_label) pairs.push_back(ModelValue::sequence(ModelValue::Kind::Tuple, {ModelValue::none(), *empty_label}));
  for (std::size_t i = 0; i < values.size(); ++i)
    pairs.push_back(ModelValue::sequence(ModelValue::Kind::Tuple, {values[i], labels[i]}));
  return ModelValue::sequence(ModelValue::Kind::List, pairs);
}

ModelValue ModuleIndex::evaluate(const PyModule& m, TSNode node, const ClassScope* scope) const {
  const SourceText& src = m.tree.source;
  auto type = node_type(node);
  std::string text(src.slice(node));
  auto with_source = [&](ModelValue v) {
    v.source = text;
    return v;
  };
  if (type == "none") return with_source(ModelValue::none());
  if (type == "true" || type == "false") return with_source(ModelValue::boolean_value(type == "true"));
  if (type == "integer" || type == "float") {
    std::string n = canonical_number(text);
    return with_source(n.empty() ? ModelValue::unknown("a complex number") : ModelValue::number(n));
  }
  if (type == "string" || type == "concatenated_string") {
    PyValue p = hc::evaluate(node, src);
    if (p.kind == PyValue::Kind::Str) return with_source(ModelValue::str(p.str));
    if (text.find_first_of("bB") < text.find_first_of("'\"")) return with_source(ModelValue::unknown("a bytes literal"));
    return with_source(ModelValue::unknown("an f-string, known only when Python runs", text));
  }
  if (type == "parenthesized_expression") {
    auto kids = named_children(node);
    if (kids.size() == 1) return with_source(evaluate(m, kids[0], scope));
    return with_source(ModelValue::unknown("an expression", text));
  }
  if (type == "list" || type == "tuple" || type == "set" || type == "expression_list") {
    std::vector<ModelValue> items;
    for (TSNode c : named_children(node)) {
      if (is(c, "comment")) continue;
      if (is(c, "list_splat")) return with_source(ModelValue::unknown("an unpacked sequence", text));
      items.push_back(evaluate(m, c, scope));
    }
    auto kind = type == "list" ? ModelValue::Kind::List : type == "set" ? ModelValue::Kind::Set : ModelValue::Kind::Tuple;
    return with_source(ModelValue::sequence(kind, std::move(items)));
  }
  if (type == "dictionary") {
    std::vector<ModelValue> items;
    for (TSNode c : named_children(node)) {
      if (is(c, "comment")) continue;
      auto k = field(c, "key");
      auto v = field(c, "value");
      if (!is(c, "pair") || !k || !v) return with_source(ModelValue::unknown("an unpacked mapping", text));
      items.push_back(evaluate(m, *k, scope));
      items.push_back(evaluate(m, *v, scope));
    }
    return with_source(ModelValue::sequence(ModelValue::Kind::Dict, std::move(items)));
  }
  if (type == "identifier" || type == "attribute") {
    if (type == "attribute") {
      // Choices members and their attributes: Status.DRAFT, Status.choices, Status.DRAFT.label.
      auto obj = field(node, "object");
      auto attr = field(node, "attribute");
      if (obj && attr) {
        std::string a(src.slice(*attr));
        Binding left = resolve_expression(m, *obj, scope);
        if (left.kind == Binding::Kind::Class && inherits_from(left, choices_bases())) {
          if (a == "choices" || a == "values" || a == "labels" || a == "names") return with_source(choices_attribute(left, a));
        }
        if ((a == "value" || a == "label") && is(*obj, "attribute")) {
          auto inner_obj = field(*obj, "object");
          auto inner_attr = field(*obj, "attribute");
          Binding cls = inner_obj ? resolve_expression(m, *inner_obj, scope) : Binding{};
          if (inner_attr && cls.kind == Binding::Kind::Class && inherits_from(cls, choices_bases())) {
            ModelValue names = choices_attribute(cls, "names");
            ModelValue wanted = choices_attribute(cls, a == "value" ? "values" : "labels");
            std::string member(src.slice(*inner_attr));
            for (std::size_t i = 0; i < names.items.size() && i < wanted.items.size(); ++i)
              if (names.items[i].text == member) return with_source(wanted.items[i]);
          }
        }
        if (left.kind == Binding::Kind::Class && inherits_from(left, choices_bases())) {
          // A member compares equal to its value (TextChoices is a str, IntegerChoices an int).
          ModelValue names = choices_attribute(left, "names");
          ModelValue values = choices_attribute(left, "values");
          for (std::size_t i = 0; i < names.items.size() && i < values.items.size(); ++i)
            if (names.items[i].text == a) return with_source(values.items[i]);
        }
      }
    }
    Binding b = resolve_expression(m, node, scope);
    ModelValue v = value_of(b);
    if (v.kind == ModelValue::Kind::Unknown && b.kind == Binding::Kind::Unbound)
      v = ModelValue::unknown("`" + text + "` is not defined in the repository", text);
    return with_source(v);
  }
  if (type == "call") return with_source(evaluate_call(m, node, scope));
  if (type == "unary_operator") {
    auto arg = field(node, "argument");
    auto op = field(node, "operator");
    if (arg && op) {
      ModelValue inner = evaluate(m, *arg, scope);
      std::string o(src.slice(*op));
      if (o == "-") return with_source(arithmetic("-", ModelValue::number("0"), inner));
      if (o == "+") return with_source(arithmetic("+", ModelValue::number("0"), inner));
      if (o == "~" && inner.kind == ModelValue::Kind::Call && inner.text == "django.db.models.Q") {
        // ~Q(...) is the same Q with _negated flipped.
        std::vector<std::pair<std::string, ModelValue>> kw;
        for (const auto& [k, v] : inner.keywords)
          if (k != "_negated") kw.emplace_back(k, v);
        if (!q_negated(inner)) kw.emplace_back("_negated", ModelValue::boolean_value(true));
        return with_source(ModelValue::call(inner.text, inner.items, std::move(kw)));
      }
    }
    return with_source(ModelValue::unknown("an expression", text));
  }
  if (type == "binary_operator") {
    auto l = field(node, "left");
    auto r = field(node, "right");
    auto op = field(node, "operator");
    if (l && r && op)
      return with_source(arithmetic(std::string(src.slice(*op)), evaluate(m, *l, scope), evaluate(m, *r, scope)));
  }
  if (type == "lambda") return with_source(ModelValue::unknown("a lambda, which Django cannot serialise", text));
  return with_source(ModelValue::unknown("an expression (" + std::string(type) + ") evaluated only when Python runs", text));
}

ModelValue ModuleIndex::evaluate_call(const PyModule& m, TSNode call, const ClassScope* scope) const {
  const SourceText& src = m.tree.source;
  auto fn = field(call, "function");
  auto args = field(call, "arguments");
  if (!fn || !args || !is(*args, "argument_list")) return ModelValue::unknown("a call", std::string(src.slice(call)));
  Binding callee = resolve_expression(m, *fn, scope);
  std::vector<ModelValue> positional;
  std::vector<std::pair<std::string, ModelValue>> keywords;
  for (TSNode a : named_children(*args)) {
    if (is(a, "comment")) continue;
    if (is(a, "list_splat") || is(a, "dictionary_splat")) return ModelValue::unknown("a call with unpacked arguments");
    if (is(a, "keyword_argument")) {
      auto name = field(a, "name");
      auto value = field(a, "value");
      if (name && value) keywords.emplace_back(std::string(src.slice(*name)), evaluate(m, *value, scope));
      continue;
    }
    positional.push_back(evaluate(m, a, scope));
  }
  std::string path;
  switch (callee.kind) {
    case Binding::Kind::External: path = canonical_django_path(callee.dotted); break;
    case Binding::Kind::Class: path = callee.dotted; break;
    case Binding::Kind::Function:
      return ModelValue::unknown("calls `" + std::string(src.slice(*fn)) + "()`, known only when Python runs");
    default:
      return ModelValue::unknown("calls `" + std::string(src.slice(*fn)) + "`, which is not defined in the repository");
  }
  if (translation_functions().count(path)) {
    std::size_t at = path.find("pgettext") != std::string::npos ? 1 : 0;
    if (positional.size() > at) return positional[at];
    return ModelValue::unknown("a translation call without its text");
  }
  if (path == "decimal.Decimal" && positional.size() == 1) {
    const ModelValue& a = positional[0];
    if (a.kind == ModelValue::Kind::Number) return a;
    if (a.kind == ModelValue::Kind::Str) {
      std::string n = canonical_number(a.text);
      if (!n.empty()) return ModelValue::number(n);
    }
  }
  if (path.starts_with("builtins.")) {
    std::string name = path.substr(9);
    if (name == "dict" && positional.empty()) {
      std::vector<ModelValue> items;
      for (auto& [k, v] : keywords) {
        items.push_back(ModelValue::str(k));
        items.push_back(v);
      }
      return ModelValue::sequence(ModelValue::Kind::Dict, std::move(items));
    }
    if ((name == "list" || name == "tuple" || name == "set" || name == "frozenset") && positional.size() <= 1 && keywords.empty()) {
      auto kind = name == "list" ? ModelValue::Kind::List : name == "tuple" ? ModelValue::Kind::Tuple : ModelValue::Kind::Set;
      if (positional.empty()) return ModelValue::sequence(kind, {});
      const ModelValue& a = positional[0];
      if (a.kind == ModelValue::Kind::List || a.kind == ModelValue::Kind::Tuple || a.kind == ModelValue::Kind::Set)
        return ModelValue::sequence(kind, a.items);
    }
    if ((name == "int" || name == "float") && positional.size() == 1 && positional[0].kind == ModelValue::Kind::Number)
      return positional[0];
    if (name == "str" && positional.size() == 1 && positional[0].kind == ModelValue::Kind::Str) return positional[0];
    return ModelValue::unknown("calls `" + name + "()`");
  }
  if (callee.kind == Binding::Kind::Class && positional.size() == 1 && keywords.empty()) {
    static const std::set<std::string> int_enums = {"enum.IntEnum", "enum.IntFlag", "django.db.models.IntegerChoices"};
    static const std::set<std::string> enums = {"enum.Enum", "enum.IntEnum", "enum.IntFlag", "enum.Flag", "enum.StrEnum",
                                                "django.db.models.TextChoices", "django.db.models.IntegerChoices", "django.db.models.Choices"};
    if (inherits_from(callee, int_enums) && positional[0].kind == ModelValue::Kind::Number) return positional[0];
    if (inherits_from(callee, enums)) return ModelValue::unknown("an enum member, compared by its value", std::string(src.slice(call)));
  }
  if (path == "datetime.timedelta") {
    // timedelta(hours=1) == timedelta(0, 3600): compared as days, seconds, microseconds.
    static const std::vector<std::pair<std::string, long double>> units = {
        {"days", 86400e6L}, {"seconds", 1e6L}, {"microseconds", 1}, {"milliseconds", 1e3L}, {"minutes", 60e6L}, {"hours", 3600e6L}, {"weeks", 604800e6L}};
    long double micros = 0;
    bool known = positional.size() <= 7;
    auto add = [&](const ModelValue& v, long double unit) {
      char* end = nullptr;
      if (v.kind != ModelValue::Kind::Number) return false;
      micros += std::strtold(v.text.c_str(), &end) * unit;
      return true;
    };
    for (std::size_t i = 0; known && i < positional.size(); ++i) known = add(positional[i], units[i].second);
    for (const auto& [k, v] : keywords) {
      auto it = std::find_if(units.begin(), units.end(), [&](const auto& u) { return u.first == k; });
      known = known && it != units.end() && add(v, it->second);
    }
    if (known) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.0Lf", micros);
      return ModelValue::call(path, {ModelValue::number(canonical_number(buf))}, {});
    }
  }
  // A class builds an instance Django compares by its deconstruction; a
  // function's result is known only when it runs.
  auto last = path.substr(path.rfind('.') + 1);
  static const std::set<std::string> value_classes = {"datetime.date", "datetime.datetime", "datetime.time", "datetime.timedelta"};
  bool is_class = callee.kind == Binding::Kind::Class || value_classes.count(path) ||
                  (!last.empty() && std::isupper(static_cast<unsigned char>(last[0])));
  if (!is_class) return ModelValue::unknown("calls `" + std::string(src.slice(*fn)) + "()`, known only when Python runs");
  if (path == "django.db.models.Q") {
    // Q(a=1) holds the child ('a', 1): written either way, it is one Q.
    std::sort(keywords.begin(), keywords.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::pair<std::string, ModelValue>> flags;
    for (auto& [k, v] : keywords) {
      if (k.starts_with("_")) flags.emplace_back(k, v);
      else positional.push_back(ModelValue::sequence(ModelValue::Kind::Tuple, {ModelValue::str(k), v}));
    }
    keywords = std::move(flags);
  }
  return ModelValue::call(path, std::move(positional), std::move(keywords));
}

}  // namespace hc
