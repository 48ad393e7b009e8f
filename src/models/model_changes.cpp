#include "models/model_changes.hpp"

#include <algorithm>
#include <set>

namespace hc {
namespace {

using K = ModelValue::Kind;

const std::vector<std::string>& option_keys() {
  // AlterModelOptions.ALTER_OPTION_KEYS, then the options with operations of their own.
  static const std::vector<std::string> keys = {
      "base_manager_name", "default_manager_name", "default_related_name", "get_latest_by", "managed", "ordering",
      "permissions", "default_permissions", "select_on_save", "verbose_name", "verbose_name_plural", "db_table",
      "unique_together", "index_together", "indexes", "constraints", "order_with_respect_to", "db_table_comment"};
  return keys;
}

// The same value as built, so the same canonical form, without building it
// (the audit compares every field of every model; nearly all are alike).
bool identical(const ModelValue& a, const ModelValue& b) {
  if (a.kind != b.kind || a.boolean != b.boolean || a.text != b.text || a.items.size() != b.items.size() ||
      a.keywords.size() != b.keywords.size() || (a.kind == ModelValue::Kind::Unknown && a.source != b.source))
    return false;
  for (std::size_t i = 0; i < a.items.size(); ++i)
    if (!identical(a.items[i], b.items[i])) return false;
  for (std::size_t i = 0; i < a.keywords.size(); ++i)
    if (a.keywords[i].first != b.keywords[i].first || !identical(a.keywords[i].second, b.keywords[i].second)) return false;
  return true;
}

bool identical(const FieldState& a, const FieldState& b) {
  if (a.cls != b.cls || a.args.size() != b.args.size() || a.kwargs.size() != b.kwargs.size()) return false;
  for (std::size_t i = 0; i < a.args.size(); ++i)
    if (!identical(a.args[i], b.args[i])) return false;
  for (auto x = a.kwargs.begin(), y = b.kwargs.begin(); x != a.kwargs.end(); ++x, ++y)
    if (x->first != y->first || !identical(x->second, y->second)) return false;
  return true;
}

std::string field_signature(const FieldState& f) {
  std::string s = f.cls + "(";
  for (const auto& a : f.args) s += a.canonical() + ",";
  for (const auto& [k, v] : f.kwargs) s += k + "=" + v.canonical() + ",";
  return s + ")";
}

// The field without its name-dependent db_column, as Django's rename detection compares it.
std::string rename_signature(const FieldState& f) {
  FieldState copy = f;
  copy.kwargs.erase("db_column");
  return field_signature(copy);
}

std::string model_fields_signature(const ModelState& m) {
  std::vector<std::string> parts;
  for (const auto& f : m.fields) parts.push_back(f.name + ":" + field_signature(f));
  std::sort(parts.begin(), parts.end());
  std::string s;
  for (const auto& p : parts) s += p + ";";
  return s;
}

ModelChange make_change(ModelChange::Kind kind, const std::string& app_label, const std::string& model) {
  ModelChange c;
  c.kind = kind;
  c.app_label = app_label;
  c.model = model;
  return c;
}

std::string shorten(std::string s) {
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

void add_reason(std::string& into, const std::string& why) {
  if (into.empty()) into = why;
}

bool is_auto_pk(const FieldState& f) {
  if (f.cls == "<DEFAULT_AUTO_FIELD>") return true;
  auto flag = [&](const char* k) {
    auto it = f.kwargs.find(k);
    return it != f.kwargs.end() && it->second.kind == K::Bool && it->second.boolean;
  };
  return flag("auto_created") && flag("primary_key") && f.cls.ends_with("AutoField") && f.cls.starts_with("django.db.models.");
}

// Fields Django adds itself (the implicit primary key, a parent link) are
// compared by what they point at: their spelling depends on settings and version.
bool same_auto_field(const FieldState& a, const FieldState& b) {
  if (is_auto_pk(a) && is_auto_pk(b)) return true;
  auto auto_created = [](const FieldState& f) {
    auto it = f.kwargs.find("auto_created");
    return it != f.kwargs.end() && it->second.kind == K::Bool && it->second.boolean;
  };
  if (auto_created(a) && auto_created(b)) {
    auto ta = a.kwargs.find("to"), tb = b.kwargs.find("to");
    return ta != a.kwargs.end() && tb != b.kwargs.end() && ta->second.canonical() == tb->second.canonical();
  }
  return false;
}

void diff_fields(const ModelState& a, const ModelState& b, bool audit, std::vector<ModelChange>& out) {
  std::vector<const FieldState*> removed, added;
  for (const auto& f : a.fields)
    if (!b.field(f.name)) removed.push_back(&f);
  for (const auto& f : b.fields)
    if (!a.field(f.name)) added.push_back(&f);
  // Renames: a removed and an added field that deconstruct the same.
  for (auto it = added.begin(); it != added.end();) {
    auto match = std::find_if(removed.begin(), removed.end(), [&](const FieldState* r) { return rename_signature(*r) == rename_signature(**it); });
    if (match == removed.end()) {
      ++it;
      continue;
    }
    ModelChange c = make_change(ModelChange::Kind::RenameField, b.app_label, b.name);
    c.field = (*it)->name;
    c.old_field = (*match)->name;
    c.detail = "renamed from " + c.old_field;
    c.path = (*it)->path;
    c.span = (*it)->span;
    out.push_back(c);
    removed.erase(match);
    it = added.erase(it);
  }
  for (const FieldState* f : added) {
    ModelChange c = make_change(ModelChange::Kind::AddField, b.app_label, b.name);
    c.field = f->name;
    c.detail = "new field";
    c.path = f->path;
    c.span = f->span;
    if (f->cls == "<DEFAULT_AUTO_FIELD>") c.uncertain = "the implicit primary key depends on DEFAULT_AUTO_FIELD";
    out.push_back(c);
  }
  for (const FieldState* f : removed) {
    ModelChange c = make_change(ModelChange::Kind::RemoveField, b.app_label, b.name);
    c.field = f->name;
    c.detail = "removed";
    c.path = b.path;
    c.span = b.span;
    if (f->cls == "<DEFAULT_AUTO_FIELD>") c.uncertain = "the implicit primary key depends on DEFAULT_AUTO_FIELD";
    if (audit && !b.unknown_bases.empty()) c.uncertain = "it may come from `" + b.unknown_bases + "`, outside the repository";
    out.push_back(c);
  }
  for (const auto& nf : b.fields) {
    const FieldState* of = a.field(nf.name);
    if (!of || identical(*of, nf) || field_signature(*of) == field_signature(nf) || same_auto_field(*of, nf)) continue;
    ModelChange c = make_change(ModelChange::Kind::AlterField, b.app_label, b.name);
    c.field = nf.name;
    c.path = nf.path;
    c.span = nf.span;
    std::vector<std::string> parts;
    if (of->cls != nf.cls) {
      auto last = [](const std::string& p) { return p.substr(p.rfind('.') + 1); };
      parts.push_back(last(of->cls) + " → " + last(nf.cls));
      if (of->cls == "<DEFAULT_AUTO_FIELD>" || nf.cls == "<DEFAULT_AUTO_FIELD>")
        add_reason(c.uncertain, "the implicit primary key depends on DEFAULT_AUTO_FIELD");
    }
    std::set<std::string> keys;
    for (const auto& [k, v] : of->kwargs) keys.insert(k);
    for (const auto& [k, v] : nf.kwargs) keys.insert(k);
    bool only_presence = true;
    bool presence_understood = true;  // every keyword that appears or goes has defaults hook-check read
    for (const auto& k : keys) {
      auto ov = of->kwargs.find(k);
      auto nv = nf.kwargs.find(k);
      bool o = ov != of->kwargs.end(), n = nv != nf.kwargs.end();
      if (o && n && ov->second.canonical() == nv->second.canonical()) continue;
      if (o && n) only_presence = false;
      else if (!of->read_defaults.count(k) || !nf.read_defaults.count(k)) presence_understood = false;
      std::string before = o ? shorten(ov->second.display()) : "(unset)";
      std::string after = n ? shorten(nv->second.display()) : "(unset)";
      parts.push_back(k + " " + before + " → " + after);
      // An unknown value on one side only matters if it might be the very
      // default deconstruct() drops; `default` is never dropped.
      bool droppable = k != "default" && k != "db_default" && k != "to" && k != "on_delete";
      for (auto* side : {n ? &nv->second : nullptr, o ? &ov->second : nullptr})
        if (side && !side->known() && ((o && n) || droppable)) add_reason(c.uncertain, "`" + k + "`: " + side->unknown_reason());
      if (k == "to" || k == "through")
        for (auto* side : {o ? &ov->second : nullptr, n ? &nv->second : nullptr}) {
          if (side && side->kind == K::Model) c.referenced_models.push_back(side->text);
          // A class hook-check does not know as a model: its label is a guess.
          if (side && side->kind == K::Ref) add_reason(c.uncertain, "`" + side->text + "` is a model hook-check cannot label");
        }
    }
    if (of->args.size() != nf.args.size() || [&] {
          for (std::size_t i = 0; i < of->args.size(); ++i)
            if (of->args[i].canonical() != nf.args[i].canonical()) return true;
          return false;
        }())
      parts.push_back("positional arguments changed");
    for (const auto* side : {of, &nf})
      for (const auto& a : side->args)
        if (!a.known()) add_reason(c.uncertain, "a positional argument: " + a.unknown_reason());
    // A field class whose __init__ hook-check cannot read may fill in what was left out.
    // Against a migration, a field class with its own deconstruct() may write another path.
    if (audit && of->cls != nf.cls && (!of->semantics_known || !nf.semantics_known))
      add_reason(c.uncertain, "`" + nf.cls + "` deconstructs in ways hook-check cannot read");
    if (only_presence && !presence_understood && of->cls == nf.cls && (!of->semantics_known || !nf.semantics_known))
      add_reason(c.uncertain, "`" + nf.cls + "` may set defaults of its own, which hook-check cannot read");
    std::string detail;
    for (std::size_t i = 0; i < parts.size(); ++i) detail += (i ? ", " : "") + parts[i];
    c.detail = detail;
    out.push_back(c);
  }
}

// Indexes match by deconstruction; an unnamed one also matches the same index
// under the name Django gave it (set_name_with_model), which a migration spells out.
bool same_indexes(const ModelValue& a, const ModelValue& b) {
  std::vector<std::string> left, right;
  auto nameless = [](const ModelValue& idx) {
    std::vector<std::pair<std::string, ModelValue>> kw;
    for (const auto& [k, v] : idx.keywords)
      if (k != "name") kw.emplace_back(k, v);
    return ModelValue::call(idx.text, idx.items, kw).canonical();
  };
  std::vector<const ModelValue*> ra, rb;
  for (const auto& i : a.items) ra.push_back(&i);
  for (const auto& i : b.items) rb.push_back(&i);
  for (auto it = ra.begin(); it != ra.end();) {
    auto m = std::find_if(rb.begin(), rb.end(), [&](const ModelValue* x) { return x->canonical() == (*it)->canonical(); });
    if (m == rb.end()) {
      ++it;
      continue;
    }
    rb.erase(m);
    it = ra.erase(it);
  }
  for (auto it = ra.begin(); it != ra.end();) {
    auto m = std::find_if(rb.begin(), rb.end(), [&](const ModelValue* x) {
      bool one_unnamed = !x->keyword("name") || !(*it)->keyword("name");
      return one_unnamed && nameless(*x) == nameless(**it);
    });
    if (m == rb.end()) return false;
    rb.erase(m);
    it = ra.erase(it);
  }
  return rb.empty();
}

void diff_options(const ModelState& a, const ModelState& b, bool audit, std::vector<ModelChange>& out) {
  for (const auto& key : option_keys()) {
    auto ov = a.options.find(key);
    auto nv = b.options.find(key);
    bool o = ov != a.options.end(), n = nv != b.options.end();
    if (!o && !n) continue;
    if (key == "db_table" || key == "order_with_respect_to" || key == "db_table_comment") {
      // Compared as options.get(): absent and None are the same.
      bool on = !o || ov->second.kind == K::None, nn = !n || nv->second.kind == K::None;
      if (on && nn) continue;
    }
    if (o && n && ov->second.canonical() == nv->second.canonical()) continue;
    if (key == "indexes" && same_indexes(o ? ov->second : ModelValue::sequence(K::Set, {}), n ? nv->second : ModelValue::sequence(K::Set, {})))
      continue;
    ModelChange c = make_change(ModelChange::Kind::AlterOption, b.app_label, b.name);
    c.option = key;
    c.path = b.path;
    c.span = b.span;
    if (auto sp = b.option_spans.find(key); sp != b.option_spans.end() && !b.meta_path.empty()) {
      c.path = b.meta_path;
      c.span = sp->second;
    }
    c.detail = (o ? shorten(ov->second.display()) : std::string("(unset)")) + " → " + (n ? shorten(nv->second.display()) : std::string("(unset)"));
    for (auto* side : {o ? &ov->second : nullptr, n ? &nv->second : nullptr})
      if (side && !side->known()) add_reason(c.uncertain, "`Meta." + key + "`: " + side->unknown_reason());
    if (audit && !b.unknown_bases.empty()) add_reason(c.uncertain, "its Meta may come from `" + b.unknown_bases + "`");
    out.push_back(c);
  }
}

std::string managers_signature(const ModelState& m) {
  std::string s;
  for (const auto& [name, v] : m.managers) s += name + "=" + v.canonical() + ";";
  return s;
}

}  // namespace

std::vector<ModelChange> diff_models(const ProjectModels& before, const ProjectModels& after, bool audit) {
  std::vector<ModelChange> out;
  auto skip = [&](const std::string& label) { return before.unreadable_apps.count(label) || after.unreadable_apps.count(label); };
  std::vector<const ModelState*> removed, added;
  for (const auto& [key, m] : before.models)
    if (!after.models.count(key) && !skip(m.app_label)) removed.push_back(&m);
  for (const auto& [key, m] : after.models)
    if (!before.models.count(key) && !skip(m.app_label)) added.push_back(&m);
  for (const ModelState* m : added) {
    auto match = std::find_if(removed.begin(), removed.end(), [&](const ModelState* r) {
      return r->app_label == m->app_label && !m->fields.empty() && model_fields_signature(*r) == model_fields_signature(*m);
    });
    ModelChange c = make_change(match != removed.end() ? ModelChange::Kind::RenameModel : ModelChange::Kind::CreateModel, m->app_label, m->name);
    c.path = m->path;
    c.span = m->span;
    c.detail = "new model";
    if (match != removed.end()) {
      c.old_model = (*match)->name;
      c.detail = "renamed from " + c.old_model;
      removed.erase(match);
    }
    if (!m->unknown_bases.empty()) c.uncertain = "it inherits from `" + m->unknown_bases + "`, outside the repository";
    out.push_back(c);
  }
  for (const ModelState* m : removed) {
    ModelChange c = make_change(ModelChange::Kind::DeleteModel, m->app_label, m->name);
    c.detail = "deleted";
    if (auto it = after.classes_elsewhere.find(m->app_label); it != after.classes_elsewhere.end() && it->second.count(m->name))
      c.uncertain = "a class `" + m->name + "` is defined in a module of the app that hook-check does not read as models";
    if (auto it = after.model_factories.find(m->app_label); audit && it != after.model_factories.end() && c.uncertain.empty())
      c.uncertain = "`" + it->second + "()` in the app's models may create it at run time";
    c.path = m->path;
    c.span = m->span;
    if (!m->unknown_bases.empty()) c.uncertain = "it inherits from `" + m->unknown_bases + "`, outside the repository";
    out.push_back(c);
  }
  for (const auto& [key, b] : after.models) {
    auto it = before.models.find(key);
    if (it == before.models.end() || skip(b.app_label)) continue;
    const ModelState& a = it->second;
    if (a.proxy != b.proxy) {
      ModelChange c = make_change(ModelChange::Kind::CreateModel, b.app_label, b.name);
      c.detail = b.proxy ? "now a proxy model" : "no longer a proxy model";
      c.path = b.path;
      c.span = b.span;
      out.push_back(c);
      continue;
    }
    // The autodetector compares fields of managed concrete models only.
    if (!b.proxy && a.managed && b.managed) diff_fields(a, b, audit, out);
    diff_options(a, b, audit, out);
    if (managers_signature(a) != managers_signature(b)) {
      ModelChange c = make_change(ModelChange::Kind::AlterManagers, b.app_label, b.name);
      auto list = [](const ModelState& m) {
        std::string s = "[";
        for (const auto& [name, v] : m.managers) s += (s.size() > 1 ? ", " : "") + name + "=" + shorten(v.display());
        return s + "]";
      };
      c.detail = "managers " + list(a) + " → " + list(b);
      c.path = b.path;
      c.span = b.span;
      for (const auto* m : {&a, &b})
        for (const auto& [name, v] : m->managers)
          if (!v.known()) add_reason(c.uncertain, "manager `" + name + "`: " + v.unknown_reason());
      if (audit && !b.unknown_bases.empty()) add_reason(c.uncertain, "its managers may come from `" + b.unknown_bases + "`");
      out.push_back(c);
    }
  }
  for (auto& c : out)
    for (const auto* side : {&before, &after})
    {
      if (c.kind == ModelChange::Kind::AlterField && !side->deconstruct_replaced_in.empty() && c.uncertain.empty())
        c.uncertain = "Field.deconstruct is replaced in " + side->deconstruct_replaced_in;
      if (c.kind == ModelChange::Kind::AlterOption && !side->option_keys_changed_in.empty() && c.uncertain.empty())
        c.uncertain = "AlterModelOptions.ALTER_OPTION_KEYS is changed in " + side->option_keys_changed_in;
    }
  // An app whose state could not be followed: nothing about it is certain.
  for (auto& c : out)
    for (const auto* side : {&before, &after})
      if (auto it = side->uncertain_apps.find(c.app_label); it != side->uncertain_apps.end() && c.uncertain.empty())
        c.uncertain = it->second;
  return out;
}

std::string describe(const ModelChange& c) {
  switch (c.kind) {
    case ModelChange::Kind::CreateModel:
    case ModelChange::Kind::DeleteModel:
    case ModelChange::Kind::RenameModel:
    case ModelChange::Kind::AlterManagers:
      return c.model + ": " + c.detail;
    case ModelChange::Kind::AlterOption:
      return c.model + ".Meta." + c.option + ": " + c.detail;
    default:
      return c.model + "." + c.field + ": " + c.detail;
  }
}

}  // namespace hc
