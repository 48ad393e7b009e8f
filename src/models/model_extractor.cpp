#include "models/model_extractor.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

#include "models/field_deconstruct.hpp"

namespace hc {

const FieldState* ModelState::field(const std::string& name) const {
  for (const auto& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

std::string ModelState::key() const {
  std::string k = app_label + "." + name;
  return lowercase(k);
}


namespace {

// The names of `class NAME(` and `class NAME:` lines that start at column 0
// (a scan, not a parse: these files are only looked at for names).
std::vector<std::string> top_level_class_names(std::string_view text) {
  std::vector<std::string> out;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (std::size_t line = 0; line < text.size();) {
    std::size_t end = text.find('\n', line);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(line, end - line);
    line = end + 1;
    if (!l.starts_with("class") || l.size() < 7 || (l[5] != ' ' && l[5] != '\t')) continue;
    std::size_t at = 5;
    while (at < l.size() && (l[at] == ' ' || l[at] == '\t')) ++at;
    std::size_t name = at;
    while (at < l.size() && word(l[at])) ++at;
    if (at == name) continue;
    std::size_t after = at;
    while (after < l.size() && (l[after] == ' ' || l[after] == '\t')) ++after;
    if (after < l.size() && (l[after] == '(' || l[after] == ':')) out.emplace_back(l.substr(name, at - name));
  }
  return out;
}

// A value in a field class's method: `self.X`/`cls.X` are the class's attributes.
ModelValue class_value(const Binding& cls, TSNode expr, const ModuleIndex& index) {
  std::string text(cls.module->tree.source.slice(expr));
  if (text.starts_with("self.") || text.starts_with("cls.")) {
    auto attr = index.class_attribute(cls, text.substr(text.find('.') + 1));
    return attr ? index.value_of(*attr) : ModelValue::unknown("a class attribute", text);
  }
  auto body = field(cls.node, "body");
  ClassScope scope{cls.module, *body};
  return index.evaluate(*cls.module, expr, &scope);
}

// `del kwargs["k"]`, alone or under `if kwargs.get("k") == v:` (or `kwargs["k"] == v`).
void read_deconstruct_drops(const Binding& cls, TSNode method, const ModuleIndex& index,
                            std::map<std::string, std::optional<ModelValue>>& dropped) {
  const SourceText& src = cls.module->tree.source;
  auto deleted_key = [&](TSNode stmt) -> std::optional<std::string> {
    static const std::regex del(R"(^del\s+kwargs\[\s*["'](\w+)["']\s*\]$)");
    std::smatch m;
    std::string text(src.slice(stmt));
    if (is(stmt, "delete_statement") && std::regex_match(text, m, del)) return std::string(m[1]);
    return std::nullopt;
  };
  auto body = field(method, "body");
  for (TSNode stmt : body ? named_children(*body) : std::vector<TSNode>{}) {
    if (auto k = deleted_key(stmt)) {
      dropped[*k] = std::nullopt;
      continue;
    }
    if (!is(stmt, "if_statement")) continue;
    auto cond = field(stmt, "condition");
    auto then = field(stmt, "consequence");
    if (!cond || !then || !is(*cond, "comparison_operator") || field(stmt, "alternative")) continue;
    auto sides = named_children(*cond);
    static const std::regex get(R"(^kwargs(?:\.get\(\s*["'](\w+)["']\s*\)|\[\s*["'](\w+)["']\s*\])$)");
    std::smatch m;
    std::string left = sides.size() == 2 ? std::string(src.slice(sides[0])) : std::string();
    if (sides.size() != 2 || src.slice(*cond).find("==") == std::string_view::npos || !std::regex_match(left, m, get)) continue;
    std::string key = m[1].matched ? std::string(m[1]) : std::string(m[2]);
    for (TSNode inner : named_children(*then))
      if (auto k = deleted_key(inner); k && *k == key) dropped[key] = class_value(cls, sides[1], index);
  }
}

}  // namespace

std::optional<FieldClass> field_class_of(const Binding& callee, const ModuleIndex& index, int depth) {
  if (depth > 20) return std::nullopt;
  if (callee.kind == Binding::Kind::External) {
    std::string path = canonical_django_path(callee.dotted);
    if (path.starts_with("django.contrib.contenttypes.")) return std::nullopt;  // generic relations are not columns
    std::string base = django_field_class(path);
    if (!base.empty()) return FieldClass{path, base, false, {}, {}};
    std::string last = path.substr(path.rfind('.') + 1);
    // Libraries' fields: PhoneNumberField, modelcluster's ParentalKey, taggit's TaggableManager;
    // generic relations hold no column.
    if (last.starts_with("Generic") && (last.ends_with("ForeignKey") || last.ends_with("Relation"))) return std::nullopt;
    if (last.ends_with("Field") || last.ends_with("Key") || last.ends_with("TaggableManager")) return FieldClass{path, "", true, {}, {}};
    return std::nullopt;
  }
  if (callee.kind != Binding::Kind::Class) return std::nullopt;
  bool own_init = false;
  std::map<std::string, ModelValue> implied;
  std::map<std::string, std::optional<ModelValue>> dropped;
  const SourceText& src = callee.module->tree.source;
  if (auto body = field(callee.node, "body"))
    for (TSNode stmt : named_children(*body))
      if (is(stmt, "function_definition")) {
        auto n = field(stmt, "name");
        auto name = n ? src.slice(*n) : std::string_view();
        own_init = own_init || name == "__init__" || name == "deconstruct";
        if (name == "deconstruct") {
          read_deconstruct_drops(callee, stmt, index, dropped);
          continue;
        }
        if (name != "__init__") continue;
        // `kwargs.setdefault("max_length", 24)`: what the class fills in when not given.
        auto fbody = field(stmt, "body");
        for (TSNode s : fbody ? named_children(*fbody) : std::vector<TSNode>{}) {
          auto kids = named_children(s);
          if (!is(s, "expression_statement") || kids.empty() || !is(kids[0], "call")) continue;
          auto fn = field(kids[0], "function");
          auto args = field(kids[0], "arguments");
          if (!fn || !args || !src.slice(*fn).ends_with(".setdefault")) continue;
          auto a = named_children(*args);
          if (a.size() != 2 || !is(a[0], "string")) continue;
          ModelValue key = index.evaluate(*callee.module, a[0]);
          ModelValue value = class_value(callee, a[1], index);
          if (key.kind == ModelValue::Kind::Str) implied.emplace(key.text, value);
        }
      }
  for (const auto& base : index.bases(callee)) {
    if (auto fc = field_class_of(base, index, depth + 1)) {
      fc->path = callee.dotted;
      fc->own_init = fc->own_init || own_init;
      for (auto& [k, v] : implied) fc->implied[k] = v;  // the subclass's __init__ runs first
      for (auto& [k, v] : dropped) fc->dropped[k] = v;
      return fc;
    }
  }
  return std::nullopt;
}

namespace {

const std::set<std::string> kModelBase = {"django.db.models.Model"};
const std::set<std::string> kManagerBases = {"django.db.models.Manager", "django.db.models.manager.BaseManager",
                                             "django.contrib.auth.models.UserManager",
                                             "django.contrib.auth.base_user.BaseUserManager"};
const std::set<std::string> kMigratedManagers = {"django.contrib.auth.models.UserManager",
                                                 "django.contrib.auth.base_user.BaseUserManager"};

const std::vector<std::string>& meta_names() {
  static const std::vector<std::string> n = {
      "verbose_name", "verbose_name_plural", "db_table", "ordering", "unique_together", "permissions", "get_latest_by",
      "order_with_respect_to", "app_label", "db_tablespace", "abstract", "managed", "proxy", "swappable",
      "auto_created", "index_together", "apps", "default_permissions", "select_on_save", "default_related_name",
      "required_db_features", "required_db_vendor", "base_manager_name", "default_manager_name", "indexes",
      "constraints", "db_table_comment"};
  return n;
}

struct ModelClass {
  Binding cls;
  std::string app_label;
  std::string name;
};

class Extractor {
 public:
  Extractor(const ModuleIndex& index, const DjangoVersion& version) : index_(index), version_(version) {}

  std::optional<Binding> own_meta(const Binding& cls) const {
    auto body = field(cls.node, "body");
    if (!body) return std::nullopt;
    for (TSNode stmt : named_children(*body))
      if (is(stmt, "class_definition")) {
        auto n = field(stmt, "name");
        if (n && cls.module->tree.source.slice(*n) == "Meta") {
          Binding b;
          b.kind = Binding::Kind::Class;
          b.module = cls.module;
          b.node = stmt;
          b.dotted = cls.dotted + ".Meta";
          return b;
        }
      }
    return std::nullopt;
  }

  bool is_model(const Binding& cls) const { return index_.inherits_from(cls, kModelBase) || !external_model_base(cls).empty(); }

  // A base from outside the repository that makes a class a model: a library's
  // model (django.contrib.auth.models.AbstractUser, treebeard's MP_Node), or any
  // outside base of a class that declares fields.
  std::string external_model_base(const Binding& cls, int depth = 0) const {
    if (depth > 20) return {};
    bool declares_fields = false;
    for_each_assignment(cls, [&](const std::string&, TSNode, TSNode right, TSNode body) {
      if (declares_fields || !is(right, "call")) return;
      auto fn = field(right, "function");
      ClassScope scope{cls.module, body};
      declares_fields = fn && field_class_of(index_.resolve_expression(*cls.module, *fn, &scope), index_).has_value();
    });
    for (const auto& base : index_.bases(cls)) {
      if (base.kind == Binding::Kind::External && !base.dotted.starts_with("builtins.") && base.dotted != "object") {
        std::string last = base.dotted.substr(base.dotted.rfind('.') + 1);
        bool model_like = last.ends_with("Model") || last.starts_with("Abstract") || last.ends_with("_Node");
        // Of Django's own classes only contrib's abstract models bring fields (TextChoices does not).
        if (base.dotted.starts_with("django."))
          model_like = base.dotted.starts_with("django.contrib.") && (last.starts_with("Abstract") || last == "PermissionsMixin");
        else if (model_like || declares_fields)
          return base.dotted;
        if (model_like) return base.dotted;
      }
      if (base.kind == Binding::Kind::Class)
        if (auto found = external_model_base(base, depth + 1); !found.empty()) return found;
    }
    return {};
  }

  // A class attribute built by a library's class that is neither a field nor a
  // manager (HistoricalRecords()): it may create models at run time.
  std::string model_factory(const Binding& cls) const {
    std::string found;
    for_each_assignment(cls, [&](const std::string& name, TSNode, TSNode right, TSNode body) {
      if (!found.empty() || !is(right, "call")) return;
      auto fn = field(right, "function");
      if (!fn) return;
      ClassScope scope{cls.module, body};
      Binding callee = index_.resolve_expression(*cls.module, *fn, &scope);
      if (field_class_of(callee, index_) || manager_of(cls, name, right, body)) return;
      // A repository subclass of a library's class, or a value built from one
      // (`partial(HistoricalRecords, ...)`), counts as the library's.
      if (callee.kind == Binding::Kind::Expression || (callee.kind == Binding::Kind::Class && !is_model(callee) && library_base(callee))) {
        found = std::string(cls.module->tree.source.slice(*fn));
        return;
      }
      if (callee.kind != Binding::Kind::External || callee.dotted.starts_with("django.")) return;
      std::string last = callee.dotted.substr(callee.dotted.rfind('.') + 1);
      if (!last.empty() && std::isupper(static_cast<unsigned char>(last[0]))) found = callee.dotted;
    });
    return found;
  }

  bool library_base(const Binding& cls, int depth = 0) const {
    if (depth > 20) return false;
    for (const auto& base : index_.bases(cls)) {
      if (base.kind == Binding::Kind::External && !base.dotted.starts_with("django.") && !base.dotted.starts_with("builtins.") &&
          base.dotted != "object")
        return true;
      if (base.kind == Binding::Kind::Class && library_base(base, depth + 1)) return true;
    }
    return false;
  }

  std::vector<Binding> concrete_parents(const Binding& cls, int depth = 0) const {
    std::vector<Binding> out;
    if (depth > 20) return out;
    for (const auto& base : index_.bases(cls)) {
      if (base.kind != Binding::Kind::Class || !is_model(base)) continue;
      if (!is_abstract(base)) out.push_back(base);
      else
        for (auto& p : concrete_parents(base, depth + 1)) out.push_back(p);
    }
    return out;
  }

  bool is_abstract(const Binding& cls) const {
    auto meta = own_meta(cls);
    if (!meta) return false;
    auto body = field(meta->node, "body");
    if (!body) return false;
    ClassScope scope{meta->module, *body};
    for (TSNode stmt : named_children(*body)) {
      if (!is(stmt, "expression_statement")) continue;
      for (TSNode e : named_children(stmt)) {
        auto left = field(e, "left");
        auto right = field(e, "right");
        if (is(e, "assignment") && left && right && meta->module->tree.source.slice(*left) == "abstract") {
          ModelValue v = index_.evaluate(*meta->module, *right, &scope);
          return v.kind == ModelValue::Kind::Bool && v.boolean;
        }
      }
    }
    return false;
  }

  // The Meta a model reads its options from: its own, else an abstract parent's.
  std::optional<Binding> effective_meta(const Binding& cls, int depth = 0) const {
    if (depth > 20) return std::nullopt;
    if (auto own = own_meta(cls)) return own;
    for (const auto& base : index_.bases(cls))
      if (base.kind == Binding::Kind::Class && (!is_model(base) || is_abstract(base)))
        if (auto m = effective_meta(base, depth + 1)) return m;
    return std::nullopt;
  }

  std::optional<FieldClass> field_class(const Binding& callee) const { return field_class_of(callee, index_); }

  // `name = <call>` statements of a class body, in order.
  template <typename Fn>
  void for_each_assignment(const Binding& cls, Fn fn) const {
    auto body = field(cls.node, "body");
    if (!body) return;
    for (TSNode stmt : named_children(*body)) {
      if (!is(stmt, "expression_statement")) continue;
      for (TSNode e : named_children(stmt)) {
        auto left = field(e, "left");
        auto right = field(e, "right");
        if (is(e, "assignment") && left && right && is(*left, "identifier"))
          fn(std::string(cls.module->tree.source.slice(*left)), *left, *right, *body);
      }
    }
  }

  std::vector<FieldCall> fields_of(const Binding& cls, int depth = 0) const {
    std::vector<FieldCall> own;
    std::set<std::string> names;
    if (depth > 20) return own;
    for_each_assignment(cls, [&](const std::string& name, TSNode left, TSNode right, TSNode body) {
      names.insert(name);
      if (!is(right, "call")) return;
      auto fn = field(right, "function");
      auto args = field(right, "arguments");
      if (!fn || !args) return;
      ClassScope scope{cls.module, body};
      Binding callee = index_.resolve_expression(*cls.module, *fn, &scope);
      auto fc = field_class(callee);
      if (!fc) return;
      FieldCall call;
      call.name = name;
      call.path = fc->path;
      call.django_base = fc->django_base;
      call.own_init = fc->own_init;
      call.implied = fc->implied;
      call.dropped = fc->dropped;
      call.file = cls.module->path;
      call.span = cls.module->tree.source.span(left);
      for (TSNode a : named_children(*args)) {
        if (is(a, "comment")) continue;
        if (is(a, "keyword_argument")) {
          auto k = field(a, "name");
          auto v = field(a, "value");
          if (k && v) call.keywords.emplace_back(std::string(cls.module->tree.source.slice(*k)), index_.evaluate(*cls.module, *v, &scope));
        } else if (is(a, "list_splat") || is(a, "dictionary_splat")) {
          call.keywords.emplace_back("**", ModelValue::unknown("unpacked arguments", std::string(cls.module->tree.source.slice(a))));
        } else {
          call.positional.push_back(index_.evaluate(*cls.module, a, &scope));
        }
      }
      own.push_back(std::move(call));
    });
    // Abstract parents' fields, unless this class declares the name itself.
    for (const auto& base : index_.bases(cls)) {
      if (base.kind != Binding::Kind::Class || !is_model(base) || !is_abstract(base)) continue;
      for (auto& f : fields_of(base, depth + 1))
        if (!names.count(f.name)) {
          names.insert(f.name);
          own.push_back(std::move(f));
        }
    }
    return own;
  }

  std::map<std::string, ModelValue> options_of(const Binding& cls, std::map<std::string, Span>& spans, std::string& meta_path) const {
    std::map<std::string, ModelValue> out;
    auto meta = effective_meta(cls);
    if (!meta) return out;
    meta_path = meta->module->path;
    for (const auto& name : meta_names()) {
      auto b = index_.class_attribute(*meta, name);
      if (!b || b->kind != Binding::Kind::Expression) continue;
      if (name == "abstract") continue;
      out[name] = index_.value_of(*b);
      if (b->module == meta->module) spans[name] = b->module->tree.source.span(b->node);
    }
    // `indexes.extend(...)`, `ordering += [...]`: an option changed by a statement is not its assignment.
    if (auto body = field(meta->node, "body")) {
      const SourceText& src = meta->module->tree.source;
      for (TSNode stmt : named_children(*body)) {
        if (!is(stmt, "expression_statement")) continue;
        for (TSNode e : named_children(stmt)) {
          std::string text(src.slice(e));
          if (is(e, "assignment")) continue;
          for (auto& [name, v] : out)
            if (text.starts_with(name + ".") || text.starts_with(name + " ") || text.starts_with(name + "+") || text.starts_with(name + "["))
              v = ModelValue::unknown("changed by `" + text.substr(0, 40) + "` in Meta", text);
        }
      }
    }
    return out;
  }

  struct ManagerDecl {
    std::string name;
    ModelValue value;
    bool use_in_migrations = false;
  };

  std::optional<ManagerDecl> manager_of(const Binding& cls, const std::string& name, TSNode right, TSNode body) const {
    if (!is(right, "call")) return std::nullopt;
    auto fn = field(right, "function");
    if (!fn) return std::nullopt;
    ClassScope scope{cls.module, body};
    // `Manager.from_queryset(QS)()` and `QS.as_manager()`.
    if (is(*fn, "call")) {
      auto inner = field(*fn, "function");
      if (inner && is(*inner, "attribute")) {
        auto obj = field(*inner, "object");
        auto attr = field(*inner, "attribute");
        if (obj && attr && cls.module->tree.source.slice(*attr) == "from_queryset") {
          Binding base = index_.resolve_expression(*cls.module, *obj, &scope);
          return ManagerDecl{name, ModelValue::unknown("a manager built by from_queryset()"), uses_in_migrations(base)};
        }
      }
      return std::nullopt;
    }
    if (is(*fn, "attribute")) {
      auto attr = field(*fn, "attribute");
      if (attr && cls.module->tree.source.slice(*attr) == "as_manager")
        return ManagerDecl{name, ModelValue::unknown("a manager built by as_manager()"), false};
    }
    Binding callee = index_.resolve_expression(*cls.module, *fn, &scope);
    if (field_class_of(callee, index_)) return std::nullopt;  // TaggableManager is a field
    bool manager = false;
    if (callee.kind == Binding::Kind::External) {
      std::string path = canonical_django_path(callee.dotted);
      manager = kManagerBases.count(path) || path.ends_with("Manager");
    } else if (callee.kind == Binding::Kind::Class) {
      manager = index_.inherits_from(callee, kManagerBases);
    }
    if (!manager) return std::nullopt;
    ModelValue v = index_.evaluate(*cls.module, right, &scope);
    return ManagerDecl{name, v, uses_in_migrations(callee)};
  }

  bool uses_in_migrations(const Binding& manager) const {
    if (manager.kind == Binding::Kind::External) return kMigratedManagers.count(canonical_django_path(manager.dotted)) > 0;
    if (manager.kind != Binding::Kind::Class) return false;
    if (auto attr = index_.class_attribute(manager, "use_in_migrations")) {
      ModelValue v = index_.value_of(*attr);
      return v.kind == ModelValue::Kind::Bool && v.boolean;
    }
    return index_.inherits_from(manager, kMigratedManagers);
  }

  std::vector<ManagerDecl> managers_of(const Binding& cls, int depth = 0) const {
    std::vector<ManagerDecl> out;
    if (depth > 20) return out;
    for_each_assignment(cls, [&](const std::string& name, TSNode, TSNode right, TSNode body) {
      if (auto m = manager_of(cls, name, right, body)) out.push_back(*m);
    });
    // Managers are inherited from every model parent, abstract or concrete.
    for (const auto& base : index_.bases(cls))
      if (base.kind == Binding::Kind::Class && is_model(base))
        for (auto& m : managers_of(base, depth + 1))
          if (std::none_of(out.begin(), out.end(), [&](const ManagerDecl& d) { return d.name == m.name; })) out.push_back(m);
    return out;
  }

  // ModelState.from_model's managers: those used in migrations, and shims for a
  // default or base manager with another name than `objects`.
  std::vector<std::pair<std::string, ModelValue>> state_managers(const Binding& cls, const std::map<std::string, ModelValue>& options) const {
    auto decls = managers_of(cls);
    if (decls.empty()) decls.push_back({"objects", ModelValue::call("django.db.models.Manager", {}, {}), false});
    std::string default_name = decls[0].name, base_name;
    if (auto it = options.find("default_manager_name"); it != options.end() && it->second.kind == ModelValue::Kind::Str)
      default_name = it->second.text;
    if (auto it = options.find("base_manager_name"); it != options.end() && it->second.kind == ModelValue::Kind::Str)
      base_name = it->second.text;
    std::vector<std::pair<std::string, ModelValue>> out;
    bool only_shim = true;
    for (const auto& d : decls) {
      if (d.use_in_migrations) {
        out.emplace_back(d.name, d.value);
        only_shim = false;
      } else if (d.name == default_name || d.name == base_name) {
        out.emplace_back(d.name, ModelValue::call("django.db.models.Manager", {}, {}));
      }
    }
    if (only_shim && out.size() == 1 && out[0].first == "objects") out.clear();
    return out;
  }

  ModelState build(const ModelClass& mc) const {
    ModelState s;
    s.app_label = mc.app_label;
    s.name = mc.name;
    s.qualified = mc.cls.dotted;
    s.path = mc.cls.module->path;
    if (auto n = field(mc.cls.node, "name")) s.span = mc.cls.module->tree.source.span(*n);
    s.options = options_of(mc.cls, s.option_spans, s.meta_path);
    auto flag = [&](const char* k, bool dflt) {
      auto it = s.options.find(k);
      return it == s.options.end() || it->second.kind != ModelValue::Kind::Bool ? dflt : it->second.boolean;
    };
    s.proxy = flag("proxy", false);
    s.managed = flag("managed", true);
    s.unknown_bases = external_model_base(mc.cls);
    FieldOwner owner{mc.app_label, mc.name, version_, {}};
    if (auto it = s.options.find("default_related_name"); it != s.options.end() && it->second.kind == ModelValue::Kind::Str)
      owner.default_related_name = it->second.text;
    if (!s.proxy) {
      bool has_pk = false;
      for (const auto& call : fields_of(mc.cls)) {
        FieldState f = deconstruct_field(call, owner);
        if (f.kwargs.count("primary_key") && f.kwargs["primary_key"].kind == ModelValue::Kind::Bool && f.kwargs["primary_key"].boolean)
          has_pk = true;
        if (f.kwargs.count("parent_link")) has_pk = true;
        s.fields.push_back(std::move(f));
      }
      // Multi-table inheritance: a link to each concrete model parent, found through abstract ones.
      for (const auto& base : concrete_parents(mc.cls)) {
        std::string parent = base.dotted.substr(base.dotted.rfind('.') + 1);
        std::string ptr = parent + "_ptr";
        ptr = lowercase(ptr);
        if (!has_pk) {
          FieldState f;
          f.name = ptr;
          f.cls = "django.db.models.OneToOneField";
          f.path = s.path;
          f.span = s.span;
          f.kwargs["to"] = index_.value_of(base);
          f.kwargs["parent_link"] = ModelValue::boolean_value(true);
          f.kwargs["auto_created"] = ModelValue::boolean_value(true);
          s.fields.push_back(std::move(f));
          has_pk = true;
        }
      }
      if (!has_pk && s.unknown_bases.empty()) {
        FieldState id;
        id.name = "id";
        id.cls = "<DEFAULT_AUTO_FIELD>";
        id.path = s.path;
        id.span = s.span;
        id.kwargs["auto_created"] = ModelValue::boolean_value(true);
        id.kwargs["primary_key"] = ModelValue::boolean_value(true);
        s.fields.insert(s.fields.begin(), std::move(id));
      }
    }
    s.managers = state_managers(mc.cls, s.options);
    // Index and constraint names may say %(app_label)s and %(class)s (abstract bases): Django fills them in.
    for (const char* key : {"indexes", "constraints"})
      if (auto it = s.options.find(key); it != s.options.end())
        for (auto& item : it->second.items)
          if (item.kind == ModelValue::Kind::Call) {
            auto kws = item.keywords;
            for (auto& [k, v] : kws)
              if (k == "name" && v.kind == ModelValue::Kind::Str && v.text.find("%(") != std::string::npos) {
                std::string n = v.text;
                auto replace = [&](const std::string& from, std::string to) {
                  to = lowercase(to);
                  for (std::size_t at; (at = n.find(from)) != std::string::npos;) n.replace(at, from.size(), to);
                };
                replace("%(app_label)s", s.app_label);
                replace("%(class)s", s.name);
                v = ModelValue::str(n);
              }
            item = ModelValue::call(item.text, item.items, kws);
          }
    normalise_options(s.options, version_);
    return s;
  }

 private:
  const ModuleIndex& index_;
  const DjangoVersion& version_;
};


}  // namespace

void find_autodetector_patches(const ModuleIndex& index, ProjectModels& out) {
  // `models.Field.deconstruct = ...` anywhere outside migrations.
  // ... and `AlterModelOptions.ALTER_OPTION_KEYS.remove(...)`: a project that changes what Django compares.
  static const std::regex patch(R"(Field\.deconstruct\s*=[^=])");
  static const std::regex keys(R"(ALTER_OPTION_KEYS\s*(?:\.\s*(?:remove|append|extend|discard|insert|pop)\b|=[^=]|\+=|-=))");
  for (const auto& path : index.paths_under("")) {
    if (path.find("/migrations/") != std::string::npos) continue;
    std::string text = index.read_text(path);
    if (out.deconstruct_replaced_in.empty() && text.find("deconstruct") != std::string::npos && std::regex_search(text, patch))
      out.deconstruct_replaced_in = path;
    if (out.option_keys_changed_in.empty() && text.find("ALTER_OPTION_KEYS") != std::string::npos && std::regex_search(text, keys))
      out.option_keys_changed_in = path;
  }
}

ProjectModels extract_models(const ProjectLayout& layout, ModuleIndex& index, const DjangoVersion& version, bool look_elsewhere,
                             const std::set<std::string>* only_apps) {
  ProjectModels out;
  out.version = version;
  Extractor ex(index, version);
  auto& labels = index.model_labels;
  std::vector<ModelClass> classes;
  std::set<std::string> seen_classes;
  for (const auto& app : layout.apps) {
    if (only_apps && !only_apps->count(app.directory)) continue;
    // The app's models modules, and the app's modules they import.
    std::vector<const PyModule*> modules;
    std::set<std::string> queued;
    std::vector<std::string> work = app.models_paths;
    while (!work.empty()) {
      std::string path = work.back();
      work.pop_back();
      if (!queued.insert(path).second) continue;
      const PyModule* m = index.module_at(path);
      if (!m) continue;
      if (m->parse_error) {
        out.unreadable.push_back(path);
        out.unreadable_apps.insert(app.label);
        continue;
      }
      modules.push_back(m);
      for (const auto& [local, target] : m->imports) {
        for (std::string t = target; !t.empty();) {
          if (const PyModule* dep = index.module(t)) {
            if (dep->path.starts_with(app.directory + "/") && !dep->path.starts_with(app.migrations_dir + "/")) work.push_back(dep->path);
            break;
          }
          auto dot = t.rfind('.');
          t = dot == std::string::npos ? std::string() : t.substr(0, dot);
        }
      }
    }
    if (look_elsewhere) {
      for (const auto& path : index.paths_under(app.directory + "/")) {
        if (path.starts_with(app.migrations_dir + "/")) continue;
        for (auto& name : top_level_class_names(index.read_text(path))) out.classes_elsewhere[app.label].insert(std::move(name));
      }
    }
    for (const PyModule* m : modules) {
      for (TSNode node : m->class_order) {
        auto n = field(node, "name");
        if (!n) continue;
        Binding cls;
        cls.kind = Binding::Kind::Class;
        cls.module = m;
        cls.node = node;
        std::string name(m->tree.source.slice(*n));
        cls.dotted = m->dotted + "." + name;
        if (!seen_classes.insert(cls.dotted).second || !ex.is_model(cls)) continue;
        std::string label = app.label;
        std::map<std::string, Span> spans;
        std::string meta_path;
        if (auto meta = ex.own_meta(cls))
          if (auto b = index.class_attribute(*meta, "app_label"); b && b->kind == Binding::Kind::Expression) {
            ModelValue v = index.value_of(*b);
            if (v.kind == ModelValue::Kind::Str) label = v.text;
          }
        labels[cls.dotted] = label + "." + name;
        if (auto factory = ex.model_factory(cls); !factory.empty()) out.model_factories.emplace(label, factory);
        if (!ex.is_abstract(cls)) classes.push_back({cls, label, name});
      }
    }
  }
  for (const auto& mc : classes) {
    ModelState s = ex.build(mc);
    out.models.emplace(s.key(), std::move(s));
  }
  return out;
}

// The pinned version alone, without the settings.
DjangoVersion detect_version_only(const std::optional<std::string>& configured, const Snapshot& snapshot,
                                  const std::function<std::string(const SnapshotFile&)>& read);

namespace {

std::optional<DjangoVersion> version_in(const std::string& text, const std::string& where) {
  // `Django==4.2.1`, `django>=3.2,<3.3`, `Django~=5.0`, `"django (>=4.2)"`, poetry's `django = "^4.2"`,
  // and lock files' `name = "django"` followed by `version = "4.2.11"`.
  static const std::regex spec(R"((?:^|[\s"'\[,])[Dd]jango\s*(?:\[[^\]]*\])?\s*\(?\s*(?:==|>=|~=|===|\^|~)\s*(\d+)\.(\d+))",
                               std::regex::multiline);
  static const std::regex poetry(R"(^\s*[Dd]jango\s*=\s*["'{][^0-9\n]*(\d+)\.(\d+))", std::regex::multiline);
  static const std::regex lock(R"(name\s*=\s*"django"\s*\n\s*version\s*=\s*"(\d+)\.(\d+))", std::regex::icase);
  static const std::regex pipfile_lock(R"("django"\s*:\s*\{[^}]*"version"\s*:\s*"==(\d+)\.(\d+))", std::regex::icase);
  std::smatch m;
  for (const auto* re : {&spec, &poetry, &lock, &pipfile_lock})
    if (std::regex_search(text, m, *re)) {
      DjangoVersion v;
      v.major = std::stoi(m[1]);
      v.minor = std::stoi(m[2]);
      v.source = "pinned in " + where;
      return v;
    }
  return std::nullopt;
}

}  // namespace

DjangoVersion detect_django_version(const std::optional<std::string>& configured, const Snapshot& snapshot,
                                    const std::function<std::string(const SnapshotFile&)>& read) {
  DjangoVersion found = detect_version_only(configured, snapshot, read);
  // settings.AUTH_USER_MODEL, from the project's settings modules.
  static const std::regex user_model(R"(^AUTH_USER_MODEL\s*=\s*["']([\w]+\.[\w]+)["'])", std::regex::multiline);
  for (const SnapshotFile& file : snapshot) {
    std::string_view path = file.path;
    std::string_view name = path.substr(path.rfind('/') + 1);
    if (!path.ends_with(".py") || (name.find("settings") == std::string::npos && path.find("/settings/") == std::string::npos)) continue;
    std::string text = read(file);
    std::smatch m;
    if (std::regex_search(text, m, user_model)) {
      std::string label = m[1];
      label = lowercase(label);
      found.auth_user_model = label;
      break;
    }
  }
  return found;
}

DjangoVersion detect_version_only(const std::optional<std::string>& configured, const Snapshot& snapshot,
                                  const std::function<std::string(const SnapshotFile&)>& read) {
  if (configured) {
    DjangoVersion v;
    auto dot = configured->find('.');
    try {
      v.major = std::stoi(configured->substr(0, dot));
      v.minor = dot == std::string::npos ? 0 : std::stoi(configured->substr(dot + 1));
      v.source = "configured: django_version";
      return v;
    } catch (...) {
    }
  }
  // Lock files say what is installed; requirements and pyproject.toml what is asked for.
  std::vector<const SnapshotFile*> candidates;
  for (const SnapshotFile& file : snapshot) {
    std::string_view path = file.path;
    std::string_view name = path.substr(path.rfind('/') + 1);
    bool top = path.find('/') == std::string::npos || path.starts_with("requirements/");
    if (!top) continue;
    if (name == "poetry.lock" || name == "uv.lock" || name == "Pipfile.lock") candidates.insert(candidates.begin(), &file);
    else if ((name.starts_with("requirements") && name.ends_with(".txt")) || name == "pyproject.toml" || name == "setup.cfg" ||
             name == "Pipfile" || (name.ends_with(".in") && name.starts_with("requirements")))
      candidates.push_back(&file);
  }
  for (const SnapshotFile* f : candidates)
    if (auto v = version_in(read(*f), std::string(f->path))) return *v;
  return DjangoVersion{};
}

}  // namespace hc
