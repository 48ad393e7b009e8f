#include "models/migration_replay.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "core/sha1.hpp"
#include "models/field_deconstruct.hpp"
#include "models/model_extractor.hpp"

namespace hc {
namespace {

using K = ModelValue::Kind;

// An operation's argument as Python binds it.
const ModelValue* arg(const ModelValue& op, std::size_t position, std::string_view keyword) {
  if (position < op.items.size()) return &op.items[position];
  return op.keyword(keyword);
}

std::string str_arg(const ModelValue& op, std::size_t position, std::string_view keyword) {
  const ModelValue* v = arg(op, position, keyword);
  return v && v->kind == K::Str ? v->text : std::string();
}

const std::set<std::string>& alter_option_keys() {
  static const std::set<std::string> k = {"base_manager_name", "default_manager_name", "default_related_name", "get_latest_by",
                                          "managed", "ordering", "permissions", "default_permissions", "select_on_save",
                                          "verbose_name", "verbose_name_plural"};
  return k;
}

struct EvaluatedOperations {
  enum Outcome { Listed, None, NoClass, RunTime } outcome = None;
  ModelValue list;
};

// The value of the Migration class's `operations`, watched: index.strayed()
// then says whether it read more than the module itself.
EvaluatedOperations evaluate_operations(ModuleIndex& index, const PyModule& m) {
  EvaluatedOperations out;
  auto cls = m.classes.find("Migration");
  if (cls == m.classes.end()) return {EvaluatedOperations::NoClass, {}};
  Binding b;
  b.kind = Binding::Kind::Class;
  b.module = &m;
  b.node = cls->second;
  b.dotted = m.dotted + ".Migration";
  index.watch(m.path);
  auto ops = index.class_attribute(b, "operations");
  if (!ops) return out;
  out.list = index.value_of(*ops);
  out.outcome = out.list.kind == K::List || out.list.kind == K::Tuple ? EvaluatedOperations::Listed : EvaluatedOperations::RunTime;
  return out;
}

class Replayer {
 public:
  Replayer(ModuleIndex& index, const DjangoVersion& version, ProjectModels& state, OperationsMemo* memo)
      : index_(index), version_(version), state_(state), memo_(memo) {}

  // Whether the memo has the migration's operations (it then needs no parse).
  bool remembered(const PlannedMigration& pm) {
    if (!memo_) return false;
    auto ops = memo_->find(pm.blob);
    if (ops) remembered_[pm.path] = std::move(*ops);
    return ops.has_value();
  }

  // Watched: whether the app's state depends on another module of the
  // repository (then it is not kept between runs).
  void migration(const PlannedMigration& pm) {
    index_.watch(pm.path);
    apply_migration(pm);
    if (index_.strayed()) strayed_.insert(pm.app_label);
  }

  std::set<std::string> strayed_;  // apps whose replay read another module
  std::set<std::string> renamed_;  // apps that renamed a model (repointing other apps' relations)

 private:
  void apply_migration(const PlannedMigration& pm) {
    if (state_.uncertain_apps.count(pm.app_label)) return;
    path_ = pm.path;
    if (auto it = remembered_.find(pm.path); it != remembered_.end()) {
      ModelValue list = std::move(it->second);
      remembered_.erase(it);
      for (const auto& op : list.items)
        if (!apply(pm.app_label, op)) return;
      return;
    }
    const PyModule* m = index_.module_at(pm.path);
    if (!m || m->parse_error) return unknown(pm.app_label, pm.path + " is not valid Python");
    EvaluatedOperations ops = evaluate_operations(index_, *m);
    if (ops.outcome == EvaluatedOperations::NoClass) return unknown(pm.app_label, pm.path + " has no Migration class");
    if (ops.outcome == EvaluatedOperations::None) return;  // no operations: nothing to apply
    if (ops.outcome == EvaluatedOperations::RunTime)
      return unknown(pm.app_label, "the operations of " + pm.path + " are built at run time");
    if (memo_ && !index_.strayed()) memo_->add(pm.blob, ops.list);
    for (const auto& op : ops.list.items)
      if (!apply(pm.app_label, op)) return;
  }

  ModuleIndex& index_;
  const DjangoVersion& version_;
  ProjectModels& state_;
  OperationsMemo* memo_;
  std::map<std::string, ModelValue> remembered_;  // this batch's operations found in the memo, by path
  std::string path_;

  void unknown(const std::string& label, const std::string& why) { state_.uncertain_apps.emplace(label, why); }

  ModelState* model(const std::string& label, const std::string& name) {
    auto it = state_.models.find(lowercase(label + "." + name));
    return it == state_.models.end() ? nullptr : &it->second;
  }

  FieldState field(const ModelState& m, const std::string& name, const ModelValue& call) {
    FieldOwner owner{m.app_label, m.name, version_, {}};
    if (auto it = m.options.find("default_related_name"); it != m.options.end() && it->second.kind == K::Str)
      owner.default_related_name = it->second.text;
    return field_from_call(name, call, index_, owner);
  }

  bool apply_list(const std::string& label, const ModelValue* ops) {
    if (!ops || ops->kind == K::None) return true;
    if (ops->kind != K::List && ops->kind != K::Tuple) {
      unknown(label, "state operations in " + path_ + " are built at run time");
      return false;
    }
    for (const auto& op : ops->items)
      if (!apply(label, op)) return false;
    return true;
  }

  bool apply(const std::string& label, const ModelValue& op) {
    if (op.kind != K::Call) {
      unknown(label, "an operation of " + path_ + " is built at run time");
      return false;
    }
    const std::string& path = op.text;
    std::string kind = path.substr(path.rfind('.') + 1);
    bool django = path.starts_with("django.db.migrations") || path.starts_with("django.contrib.postgres.operations");
    if (!django) {
      unknown(label, "the custom operation `" + kind + "` in " + path_);
      return false;
    }
    if (kind == "RunPython") return true;
    if (kind == "RunSQL") return apply_list(label, op.keyword("state_operations"));
    if (kind == "SeparateDatabaseAndState") return apply_list(label, arg(op, 1, "state_operations"));
    if (kind == "CreateModel") return create_model(label, op);
    std::string model_name = str_arg(op, 0, kind.find("Field") != std::string::npos || kind.find("Index") != std::string::npos ||
                                                        kind.find("Constraint") != std::string::npos
                                                    ? "model_name"
                                                    : (kind == "RenameModel" ? "old_name" : "name"));
    ModelState* m = model(label, model_name);
    bool touches_model = kind.find("Field") != std::string::npos || kind.find("Index") != std::string::npos ||
                         kind.find("Constraint") != std::string::npos || kind.starts_with("Alter") || kind == "DeleteModel" ||
                         kind == "RenameModel";
    if (!touches_model) return true;  // CreateExtension, TrigramExtension, ...: no model state
    if (!m) {
      unknown(label, kind + " in " + path_ + " names a model its migrations never created");
      return false;
    }
    if (kind == "DeleteModel") {
      state_.models.erase(m->key());
    } else if (kind == "RenameModel") {
      renamed_.insert(label);
      std::string new_name = str_arg(op, 1, "new_name");
      ModelState moved = *m;
      std::string old_label = m->key();
      state_.models.erase(old_label);
      moved.name = new_name;
      std::string new_label = moved.key();
      state_.models.emplace(new_label, std::move(moved));
      for (auto& [k, other] : state_.models)
        for (auto& f : other.fields)
          for (const char* rel : {"to", "through"})
            if (auto it = f.kwargs.find(rel); it != f.kwargs.end() && it->second.kind == K::Model && it->second.text == old_label)
              it->second = ModelValue::model(new_label);
    } else if (kind == "AddField" || kind == "AlterField") {
      std::string name = str_arg(op, 1, "name");
      const ModelValue* call = arg(op, 2, "field");
      if (!call || call->kind != K::Call) {
        unknown(label, "a field in " + path_ + " is built at run time");
        return false;
      }
      FieldState f = field(*m, name, *call);
      f.path = m->path;
      const ModelValue* keep = arg(op, 3, "preserve_default");
      if (keep && keep->kind == K::Bool && !keep->boolean) f.kwargs.erase("default");
      auto it = std::find_if(m->fields.begin(), m->fields.end(), [&](const FieldState& x) { return x.name == name; });
      if (it != m->fields.end()) *it = std::move(f);
      else m->fields.push_back(std::move(f));
    } else if (kind == "RemoveField") {
      std::string name = str_arg(op, 1, "name");
      std::erase_if(m->fields, [&](const FieldState& x) { return x.name == name; });
    } else if (kind == "RenameField") {
      std::string from = str_arg(op, 1, "old_name"), to = str_arg(op, 2, "new_name");
      for (auto& f : m->fields)
        if (f.name == from) f.name = to;
      for (const char* together : {"unique_together", "index_together"})
        if (auto it = m->options.find(together); it != m->options.end())
          rename_in_together(it->second, from, to);
      if (auto it = m->options.find("order_with_respect_to"); it != m->options.end() && it->second.kind == K::Str && it->second.text == from)
        it->second = ModelValue::str(to);
    } else if (kind == "AlterModelOptions") {
      const ModelValue* options = arg(op, 1, "options");
      std::map<std::string, ModelValue> given = options ? dict(*options) : std::map<std::string, ModelValue>{};
      for (auto& [k, v] : given) m->options[k] = v;
      for (const auto& key : alter_option_keys())
        if (!given.count(key)) m->options.erase(key);
    } else if (kind == "AlterModelTable") {
      set_option(*m, "db_table", arg(op, 1, "table"));
    } else if (kind == "AlterModelTableComment") {
      set_option(*m, "db_table_comment", arg(op, 1, "table_comment"));
    } else if (kind == "AlterUniqueTogether") {
      set_option(*m, "unique_together", arg(op, 1, "unique_together"));
    } else if (kind == "AlterIndexTogether") {
      set_option(*m, "index_together", arg(op, 1, "index_together"));
    } else if (kind == "AlterOrderWithRespectTo") {
      set_option(*m, "order_with_respect_to", arg(op, 1, "order_with_respect_to"));
    } else if (kind == "AlterModelManagers") {
      m->managers = managers(arg(op, 1, "managers"));
    } else if (kind == "AddIndex" || kind == "AddIndexConcurrently") {
      append(*m, "indexes", arg(op, 1, "index"));
    } else if (kind == "AddConstraint" || kind == "AddConstraintNotValid") {
      append(*m, "constraints", arg(op, 1, "constraint"));
    } else if (kind == "RemoveIndex" || kind == "RemoveIndexConcurrently") {
      remove_named(*m, "indexes", str_arg(op, 1, "name"));
    } else if (kind == "RemoveConstraint") {
      remove_named(*m, "constraints", str_arg(op, 1, "name"));
    } else if (kind == "AlterConstraint") {
      remove_named(*m, "constraints", str_arg(op, 1, "name"));
      append(*m, "constraints", arg(op, 2, "constraint"));
    } else if (kind == "RenameIndex") {
      std::string new_name = str_arg(op, 1, "new_name"), old_name = str_arg(op, 2, "old_name");
      const ModelValue* old_fields = arg(op, 3, "old_fields");
      if (!old_name.empty()) {
        if (auto it = m->options.find("indexes"); it != m->options.end())
          for (auto& idx : it->second.items)
            if (const ModelValue* n = idx.keyword("name"); n && n->kind == K::Str && n->text == old_name) {
              auto kws = idx.keywords;
              for (auto& [k, v] : kws)
                if (k == "name") v = ModelValue::str(new_name);
              idx = ModelValue::call(idx.text, idx.items, kws);
            }
      } else if (old_fields) {
        if (auto it = m->options.find("index_together"); it != m->options.end())
          std::erase_if(it->second.items, [&](const ModelValue& g) {
            return ModelValue::sequence(K::Tuple, g.items).canonical() == ModelValue::sequence(K::Tuple, old_fields->items).canonical();
          });
        ModelValue idx = ModelValue::call("django.db.models.Index", {},
                                          {{"fields", ModelValue::sequence(K::List, old_fields->items)}, {"name", ModelValue::str(new_name)}});
        append(*m, "indexes", &idx);
      }
    } else {
      unknown(label, "the operation `" + kind + "` in " + path_ + " is not one hook-check replays");
      return false;
    }
    return true;
  }

  static std::map<std::string, ModelValue> dict(const ModelValue& d) {
    std::map<std::string, ModelValue> out;
    if (d.kind != K::Dict) return out;
    for (std::size_t i = 0; i + 1 < d.items.size(); i += 2)
      if (d.items[i].kind == K::Str) out[d.items[i].text] = d.items[i + 1];
    return out;
  }

  static void set_option(ModelState& m, const std::string& key, const ModelValue* v) {
    if (!v || v->kind == K::None) m.options.erase(key);
    else m.options[key] = *v;
  }

  static void append(ModelState& m, const std::string& key, const ModelValue* v) {
    if (!v) return;
    ModelValue& list = m.options[key];
    if (list.kind != K::List) list = ModelValue::sequence(K::List, list.kind == K::Tuple || list.kind == K::Set ? list.items : std::vector<ModelValue>{});
    list.items.push_back(*v);
  }

  static void remove_named(ModelState& m, const std::string& key, const std::string& name) {
    auto it = m.options.find(key);
    if (it == m.options.end()) return;
    std::erase_if(it->second.items, [&](const ModelValue& x) {
      const ModelValue* n = x.keyword("name");
      return n && n->kind == K::Str && n->text == name;
    });
  }

  static void rename_in_together(ModelValue& together, const std::string& from, const std::string& to) {
    std::function<void(ModelValue&)> walk = [&](ModelValue& v) {
      if (v.kind == K::Str && v.text == from) v.text = to;
      for (auto& i : v.items) walk(i);
    };
    walk(together);
  }

  static std::vector<std::pair<std::string, ModelValue>> managers(const ModelValue* list) {
    std::vector<std::pair<std::string, ModelValue>> out;
    if (!list) return out;
    for (const auto& pair : list->items)
      if ((pair.kind == K::Tuple || pair.kind == K::List) && pair.items.size() == 2 && pair.items[0].kind == K::Str)
        out.emplace_back(pair.items[0].text, pair.items[1]);
    return out;
  }

  bool create_model(const std::string& label, const ModelValue& op) {
    ModelState m;
    m.app_label = label;
    m.name = str_arg(op, 0, "name");
    m.path = path_;
    m.span = {{1, 1}, {1, 1}};
    if (const ModelValue* options = arg(op, 2, "options")) m.options = dict(*options);
    if (const ModelValue* fields = arg(op, 1, "fields")) {
      if (fields->kind != K::List && fields->kind != K::Tuple) {
        unknown(label, "the fields of " + m.name + " in " + path_ + " are built at run time");
        return false;
      }
      for (const auto& pair : fields->items) {
        if ((pair.kind != K::Tuple && pair.kind != K::List) || pair.items.size() != 2 || pair.items[0].kind != K::Str ||
            pair.items[1].kind != K::Call) {
          unknown(label, "a field of " + m.name + " in " + path_ + " is built at run time");
          return false;
        }
        FieldState f = field(m, pair.items[0].text, pair.items[1]);
        f.path = path_;
        m.fields.push_back(std::move(f));
      }
    }
    m.managers = managers(arg(op, 4, "managers"));
    auto flag = [&](const char* k, bool dflt) {
      auto it = m.options.find(k);
      return it == m.options.end() || it->second.kind != K::Bool ? dflt : it->second.boolean;
    };
    m.proxy = flag("proxy", false);
    m.managed = flag("managed", true);
    std::string key = m.key();
    state_.models[key] = std::move(m);
    return true;
  }
};

}  // namespace

FieldState field_from_call(const std::string& name, const ModelValue& call, const ModuleIndex& index, const FieldOwner& owner) {
  FieldCall fc;
  fc.name = name;
  fc.path = call.text;
  fc.django_base = django_field_class(call.text);
  if (fc.django_base.empty()) {
    if (auto cls = field_class_of(index.resolve_dotted(call.text), index)) {
      fc.django_base = cls->django_base;
      fc.own_init = cls->own_init;
      fc.implied = cls->implied;
      fc.dropped = cls->dropped;
    } else {
      fc.own_init = true;
    }
  }
  fc.positional = call.items;
  fc.keywords = call.keywords;
  return deconstruct_field(fc, owner);
}

StandaloneOperations::StandaloneOperations(const Snapshot& snapshot, const PythonParser& parser)
    : index_(snapshot, reader_, parser) {}

std::optional<ModelValue> StandaloneOperations::evaluate(const std::string& path, SyntaxTree tree) {
  reader_.asked = false;
  const PyModule* m = index_.adopt(path, std::move(tree));
  std::optional<ModelValue> out;
  if (!m->parse_error) {
    EvaluatedOperations ops = evaluate_operations(index_, *m);
    if (ops.outcome == EvaluatedOperations::Listed && !index_.strayed() && !reader_.asked) out = std::move(ops.list);
  }
  index_.stop_watching();
  index_.forget(path);
  return out;
}

namespace {

// Which apps `states` answers for, and the keys of the others (to keep what
// their replay builds); empty keys when the memo cannot be used at all.
struct KeptStates {
  std::map<std::string, ObjectId> keys;        // by label: apps kept, or to keep
  std::map<std::string, ProjectModels> found;  // by label: states the memo had
};

KeptStates find_kept_states(const std::vector<PlannedMigration>& plan, const ModuleIndex& index, const DjangoVersion& version,
                            OperationsMemo* memo, AppStatesMemo& states) {
  KeptStates out;
  // Apps whose operations reach others are replayed on every run, and their
  // migrations are part of every key; their states must not depend on
  // anything a key does not name, so each of their operations must be ones
  // the memo holds (read from the migration alone).
  std::set<std::string> reaching;
  for (const auto& pm : plan)
    if (pm.reaches_other_apps) reaching.insert(pm.app_label);
  for (const auto& pm : plan)
    if (reaching.count(pm.app_label) && (!memo || !memo->contains(pm.blob))) return out;
  Sha1 base;
  base.field(states.salt()).field(std::to_string(version.major)).field(std::to_string(version.minor));
  base.field(version.source).field(version.auth_user_model).field(index.namespace_signature());
  const ObjectId salt = base.finish();
  ObjectId reaching_so_far;  // a running hash of the reaching apps' migrations
  std::map<std::string, Sha1> hashers;
  std::pair<const std::string, Sha1>* last = nullptr;
  for (const auto& pm : plan) {
    if (reaching.count(pm.app_label)) {
      reaching_so_far = Sha1().id(reaching_so_far).field(pm.app_label).field(pm.path).id(pm.blob).finish();
      continue;
    }
    if (!last || last->first != pm.app_label) {
      auto [it, fresh] = hashers.try_emplace(pm.app_label);
      if (fresh) it->second.id(salt).field(pm.app_label);
      last = &*it;
    }
    last->second.id(reaching_so_far).field(pm.path).id(pm.blob);
  }
  for (auto& [label, hasher] : hashers) {
    ObjectId key = hasher.id(reaching_so_far).finish();
    if (auto kept = states.find(key)) out.found.emplace(label, std::move(*kept));
    out.keys.emplace(label, key);
  }
  return out;
}

ProjectModels replay_plan(const std::vector<const PlannedMigration*>& plan, ModuleIndex& index, const DjangoVersion& version,
                          OperationsMemo* memo, std::set<std::string>* strayed, std::set<std::string>* renamed) {
  ProjectModels state;
  state.version = version;
  Replayer replayer(index, version, state, memo);
  // In batches parsed on every core, each migration's tree dropped once
  // replayed; what the memo has is not parsed at all.
  constexpr std::size_t kBatch = 128;
  for (std::size_t start = 0; start < plan.size(); start += kBatch) {
    std::vector<std::string> paths;
    for (std::size_t i = start; i < std::min(plan.size(), start + kBatch); ++i)
      if (!replayer.remembered(*plan[i])) paths.push_back(plan[i]->path);
    index.preload(paths);
    for (std::size_t i = start; i < std::min(plan.size(), start + kBatch); ++i) {
      replayer.migration(*plan[i]);
      index.forget(plan[i]->path);
    }
  }
  index.stop_watching();
  for (auto& [key, m] : state.models) normalise_options(m.options, version);
  if (strayed) *strayed = std::move(replayer.strayed_);
  if (renamed) *renamed = std::move(replayer.renamed_);
  return state;
}

}  // namespace

ProjectModels replay_migrations(const std::vector<PlannedMigration>& plan, ModuleIndex& index, const DjangoVersion& version,
                                OperationsMemo* memo, AppStatesMemo* states) {
  std::vector<const PlannedMigration*> all;
  all.reserve(plan.size());
  for (const auto& pm : plan) all.push_back(&pm);
  KeptStates kept;
  if (states) kept = find_kept_states(plan, index, version, memo, *states);
  if (kept.keys.empty()) return replay_plan(all, index, version, memo, nullptr, nullptr);

  std::vector<const PlannedMigration*> rest;
  for (const auto* pm : all)
    if (!kept.found.count(pm->app_label)) rest.push_back(pm);
  std::set<std::string> strayed, renamed;
  ProjectModels state = replay_plan(rest, index, version, memo, &strayed, &renamed);
  // An app the facts said renames nothing did: what was kept may miss its
  // renames, so everything is replayed.
  for (const auto& label : renamed)
    if (kept.keys.count(label)) return replay_plan(all, index, version, memo, nullptr, nullptr);
  for (const auto& [label, key] : kept.keys)
    if (!kept.found.count(label) && !strayed.count(label)) states->add(key, state, label);
  for (auto& [label, app] : kept.found) {
    state.models.merge(app.models);
    state.uncertain_apps.merge(app.uncertain_apps);
  }
  return state;
}

}  // namespace hc
