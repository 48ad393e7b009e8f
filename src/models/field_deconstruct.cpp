#include "models/field_deconstruct.hpp"

#include <algorithm>
#include <set>

namespace hc {
namespace {

using K = ModelValue::Kind;

const std::set<std::string>& django_fields() {
  static const std::set<std::string> f = {
      "AutoField", "BigAutoField", "SmallAutoField", "BigIntegerField", "BinaryField", "BooleanField", "CharField",
      "CommaSeparatedIntegerField", "DateField", "DateTimeField", "DecimalField", "DurationField", "EmailField", "Field",
      "FilePathField", "FloatField", "GenericIPAddressField", "IPAddressField", "IntegerField", "JSONField",
      "NullBooleanField", "PositiveBigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "SlugField",
      "SmallIntegerField", "TextField", "TimeField", "URLField", "UUIDField", "FileField", "ImageField", "ForeignKey",
      "ForeignObject", "OneToOneField", "ManyToManyField", "GeneratedField", "ArrayField", "HStoreField",
      "IntegerRangeField", "BigIntegerRangeField", "DecimalRangeField", "DateTimeRangeField", "DateRangeField",
      "CICharField", "CIEmailField", "CITextField", "PointField", "PolygonField", "MultiPolygonField", "LineStringField",
      "GeometryField", "MultiPointField", "MultiLineStringField", "GeometryCollectionField", "RasterField"};
  return f;
}

bool is_related(const std::string& base) {
  return base == "ForeignKey" || base == "OneToOneField" || base == "ManyToManyField" || base == "ForeignObject";
}

std::vector<std::string> positional_names(const std::string& base) {
  if (base == "ForeignKey" || base == "OneToOneField")
    return {"to", "on_delete", "related_name", "related_query_name", "limit_choices_to", "parent_link", "to_field", "db_constraint"};
  if (base == "ManyToManyField")
    return {"to", "related_name", "related_query_name", "limit_choices_to", "symmetrical", "through", "through_fields", "db_constraint", "db_table"};
  if (base == "ForeignObject") return {"to", "on_delete", "from_fields", "to_fields"};
  if (base == "DecimalField") return {"verbose_name", "name", "max_digits", "decimal_places"};
  if (base == "FileField") return {"verbose_name", "name", "upload_to", "storage"};
  if (base == "ImageField") return {"verbose_name", "name", "width_field", "height_field"};
  if (base == "DateField" || base == "DateTimeField" || base == "TimeField") return {"verbose_name", "name", "auto_now", "auto_now_add"};
  if (base == "FilePathField") return {"verbose_name", "name", "path", "match", "recursive", "allow_files", "allow_folders"};
  if (base == "GenericIPAddressField") return {"verbose_name", "name", "protocol", "unpack_ipv4"};
  if (base == "JSONField") return {"verbose_name", "name", "encoder", "decoder"};
  if (base == "ArrayField") return {"base_field", "size"};
  if (base.empty()) return {};
  return {"verbose_name", "name"};
}

bool is_false(const ModelValue& v) { return v.kind == K::Bool && !v.boolean; }
bool is_true(const ModelValue& v) { return v.kind == K::Bool && v.boolean; }

// Django drops a keyword equal to Field's default (compared with `is`, so
// only the very default: False, True, None, '').
bool equals_field_default(const std::string& name, const ModelValue& v, const DjangoVersion& version) {
  static const std::set<std::string> false_defaults = {"primary_key", "unique", "blank", "null", "db_index", "auto_created"};
  static const std::set<std::string> none_defaults = {"verbose_name", "max_length", "unique_for_date", "unique_for_month",
                                                      "unique_for_year", "choices", "db_column", "db_tablespace",
                                                      "error_messages", "db_collation"};
  if (false_defaults.count(name)) return is_false(v);
  if (none_defaults.count(name)) return v.kind == K::None;
  if (name == "db_comment" && version.at_least(4, 2)) return v.kind == K::None;
  if (name == "editable" || name == "serialize") return is_true(v);
  if (name == "help_text") return v.kind == K::Str && v.text.empty();
  if (name == "validators") return (v.kind == K::List || v.kind == K::Tuple) && v.items.empty();
  return false;
}

ModelValue as_list(const ModelValue& v) {
  if (v.kind == K::Tuple || v.kind == K::List) return ModelValue::sequence(K::List, v.items);
  return v;
}

ModelValue as_tuple(const ModelValue& v) {
  if (v.kind == K::Tuple || v.kind == K::List) return ModelValue::sequence(K::Tuple, v.items);
  return v;
}

// Django 5.0's normalize_choices: a mapping or nested sequences become lists of pairs.
ModelValue normalise_choices(const ModelValue& v, const DjangoVersion& version, int depth = 0) {
  if (v.kind == K::Ref && !v.items.empty() && version.at_least(5, 0)) return ModelValue::sequence(K::List, v.items);
  if (!version.at_least(5, 0)) return depth == 0 ? as_list(v) : v;
  std::vector<ModelValue> pairs;
  if (v.kind == K::Dict && depth < 2) {
    for (std::size_t i = 0; i + 1 < v.items.size(); i += 2)
      pairs.push_back(ModelValue::sequence(K::Tuple, {v.items[i], normalise_choices(v.items[i + 1], version, depth + 1)}));
    return ModelValue::sequence(K::List, pairs);
  }
  if ((v.kind == K::List || v.kind == K::Tuple) && depth < 2) {
    for (const auto& item : v.items) {
      if (item.kind == K::Str) return v;  // a flat sequence of strings stays as written
      if ((item.kind != K::List && item.kind != K::Tuple) || item.items.size() != 2) return depth == 0 ? as_list(v) : v;
      pairs.push_back(ModelValue::sequence(K::Tuple, {item.items[0], normalise_choices(item.items[1], version, depth + 1)}));
    }
    return ModelValue::sequence(K::List, pairs);
  }
  return v;
}

}  // namespace

std::string django_field_class(const std::string& path) {
  static const std::vector<std::string> packages = {"django.db.models.", "django.contrib.postgres.fields.",
                                                    "django.contrib.gis.db.models."};
  for (const auto& p : packages)
    if (path.starts_with(p)) {
      std::string last = path.substr(p.size());
      if (django_fields().count(last)) return last;
    }
  return {};
}

ModelValue normalise_model_reference(const ModelValue& to, const FieldOwner& owner) {
  // SettingsReference is a str: settings.AUTH_USER_MODEL equals the label it names.
  if (to.kind == K::Setting && to.text == "AUTH_USER_MODEL") return ModelValue::model(owner.version.auth_user_model);
  if (to.kind == K::Model || to.kind == K::Setting) return to;
  if (to.kind == K::Str) {
    if (to.text == "self") return ModelValue::model(owner.app_label + "." + owner.model_name);
    if (to.text.find('.') == std::string::npos) return ModelValue::model(owner.app_label + "." + to.text);
    return ModelValue::model(to.text);
  }
  if (to.kind == K::Ref && to.text.starts_with("django.contrib.")) {
    // A contrib model: django.contrib.auth.models.User -> auth.user.
    const std::string& p = to.text;
    auto models_at = p.rfind(".models.");
    if (models_at != std::string::npos) {
      std::string pkg = p.substr(0, models_at);
      std::string label = pkg.substr(pkg.rfind('.') + 1);
      return ModelValue::model(label + "." + p.substr(p.rfind('.') + 1));
    }
  }
  return to;
}

FieldState deconstruct_field(const FieldCall& call, const FieldOwner& owner) {
  const DjangoVersion& v = owner.version;
  FieldState f;
  f.name = call.name;
  f.cls = call.path;
  f.path = call.file;
  f.span = call.span;
  const std::string& base = call.django_base;
  f.semantics_known = !base.empty() && !call.own_init;
  f.many_to_many = base == "ManyToManyField";
  std::map<std::string, ModelValue> kw;
  auto names = positional_names(base);
  for (std::size_t i = 0; i < call.positional.size(); ++i) {
    if (i < names.size()) kw[names[i]] = call.positional[i];
    else f.args.push_back(call.positional[i]);
  }
  for (const auto& [k, val] : call.keywords) kw[k] = val;
  kw.erase("name");
  for (const auto& [k, val] : call.implied)
    if (!kw.count(k)) kw[k] = val;

  // __init__: what each class sets when not given.
  auto absent = [&](const char* k) { return !kw.count(k); };
  if (base == "EmailField" && absent("max_length")) kw["max_length"] = ModelValue::number("254");
  if (base == "SlugField" && absent("db_index")) kw["db_index"] = ModelValue::boolean_value(true);
  if ((base == "ForeignKey" || base == "OneToOneField") && absent("db_index")) kw["db_index"] = ModelValue::boolean_value(true);
  if (base == "BinaryField" && absent("editable")) kw["editable"] = ModelValue::boolean_value(false);
  if (base == "OneToOneField") kw["unique"] = ModelValue::boolean_value(true);
  bool auto_time = (base == "DateField" || base == "DateTimeField" || base == "TimeField") &&
                   ((kw.count("auto_now") && is_true(kw["auto_now"])) || (kw.count("auto_now_add") && is_true(kw["auto_now_add"])));

  auto drop_if = [&](const char* k, const char* canonical) {
    if (kw.count(k) && kw[k].canonical() == canonical) kw.erase(k);
  };
  // deconstruct(): what each class leaves out.
  // Classes with another default for a Field keyword handle it themselves below.
  const bool own_db_index = base == "ForeignKey" || base == "OneToOneField" || base == "SlugField";
  for (auto it = kw.begin(); it != kw.end();) {
    bool own = (own_db_index && it->first == "db_index") || (base == "BinaryField" && it->first == "editable");
    it = !own && equals_field_default(it->first, it->second, v) ? kw.erase(it) : std::next(it);
  }

  if (base == "URLField") drop_if("max_length", "200");
  if (base == "SlugField") {
    drop_if("max_length", "50");
    drop_if("db_index", "1");  // True is SlugField's default: kept only when False
    drop_if("allow_unicode", "0");
  }
  if (base == "FileField" || base == "ImageField") {
    drop_if("max_length", "100");
    if (absent("upload_to")) kw["upload_to"] = ModelValue::str("");
    drop_if("width_field", "None");
    drop_if("height_field", "None");
  }
  if (base == "FilePathField") {
    drop_if("max_length", "100");
    drop_if("path", "''");
    drop_if("match", "None");
    drop_if("recursive", "0");
    drop_if("allow_files", "1");
    drop_if("allow_folders", "0");
  }
  if (base == "GenericIPAddressField") {
    drop_if("max_length", "39");
    drop_if("unpack_ipv4", "0");
    drop_if("protocol", "'both'");
  }
  if (base == "UUIDField") kw.erase("max_length");
  if (base == "BinaryField") drop_if("editable", "0");
  if (base == "DecimalField") {
    drop_if("max_digits", "None");
    drop_if("decimal_places", "None");
  }
  if (auto_time) {
    kw.erase("editable");
    kw.erase("blank");
  }
  if (base == "DateField" || base == "DateTimeField" || base == "TimeField") {
    drop_if("auto_now", "0");
    drop_if("auto_now_add", "0");
  }
  if (base == "AutoField" || base == "BigAutoField" || base == "SmallAutoField") {
    kw.erase("blank");
    kw["primary_key"] = ModelValue::boolean_value(true);
  }
  if (base == "NullBooleanField") {
    kw.erase("null");
    kw.erase("blank");
  }
  if (base == "ArrayField") {
    // deconstruct() always writes size, and base_field as the inner field deconstructs.
    if (absent("size")) kw["size"] = ModelValue::none();
    if (kw.count("base_field") && kw["base_field"].kind == K::Call && !django_field_class(kw["base_field"].text).empty()) {
      const ModelValue& inner = kw["base_field"];
      FieldCall nested;
      nested.path = inner.text;
      nested.django_base = django_field_class(inner.text);
      nested.positional = inner.items;
      nested.keywords = inner.keywords;
      FieldState f2 = deconstruct_field(nested, owner);
      std::vector<std::pair<std::string, ModelValue>> kws(f2.kwargs.begin(), f2.kwargs.end());
      kw["base_field"] = ModelValue::call(inner.text, f2.args, kws);
    }
  }
  if (base == "JSONField") {
    drop_if("encoder", "None");
    drop_if("decoder", "None");
  }
  if (is_related(base)) {
    if (kw.count("to")) kw["to"] = normalise_model_reference(kw["to"], owner);
    if (base == "ForeignKey" || base == "OneToOneField") drop_if("db_index", "1");
    kw.erase("to_fields");
    kw.erase("from_fields");
    kw.erase("swappable");
    drop_if("db_constraint", "1");
    drop_if("parent_link", "0");
    drop_if("related_name", "None");
    drop_if("related_query_name", "None");
    if (kw.count("limit_choices_to")) {
      const ModelValue& l = kw["limit_choices_to"];
      if (l.kind == K::None || ((l.kind == K::Dict || l.kind == K::List || l.kind == K::Tuple) && l.items.empty()))
        kw.erase("limit_choices_to");
    }
    if (kw.count("to_field") && (kw["to_field"].canonical() == "'id'" || kw["to_field"].kind == K::None)) kw.erase("to_field");
    if (base == "OneToOneField") kw.erase("unique");
    if (base == "ManyToManyField") {
      drop_if("db_table", "None");
      kw.erase("symmetrical");
      kw.erase("through_fields");
      if (kw.count("through")) kw["through"] = normalise_model_reference(kw["through"], owner);
    }
    // Before Django 4.0 a related_name's placeholders were filled in with the
    // model, and Meta.default_related_name stood in for a missing one.
    if (!v.at_least(4, 0) && !kw.count("related_name") && !owner.default_related_name.empty() && base != "ManyToManyField")
      kw["related_name"] = ModelValue::str(owner.default_related_name);
    if (!v.at_least(4, 0))
      for (const char* key : {"related_name", "related_query_name"})
        if (kw.count(key) && kw[key].kind == K::Str) {
          std::string s = kw[key].text;
          auto replace = [&](const std::string& from, const std::string& to) {
            for (std::size_t at; (at = s.find(from)) != std::string::npos;) s.replace(at, from.size(), to);
          };
          replace("%(class)s", lowercase(owner.model_name));
          replace("%(model_name)s", lowercase(owner.model_name));
          replace("%(app_label)s", lowercase(owner.app_label));
          kw[key] = ModelValue::str(s);
        }
  }
  for (const auto& [k, v] : call.implied) f.read_defaults.insert(k);
  for (const auto& [k, v] : call.dropped) f.read_defaults.insert(k);
  for (const auto& [k, when] : call.dropped)
    if (kw.count(k) && (!when || kw[k].canonical() == when->canonical())) kw.erase(k);
  // Options.setup_pk(): the primary key is never serialised.
  if (kw.count("primary_key") && is_true(kw["primary_key"])) kw["serialize"] = ModelValue::boolean_value(false);
  if (kw.count("choices")) kw["choices"] = normalise_choices(kw["choices"], v);
  if (kw.count("validators")) kw["validators"] = as_list(kw["validators"]);
  f.kwargs = std::move(kw);
  return f;
}

void normalise_options(std::map<std::string, ModelValue>& options, const DjangoVersion& version) {
  static const std::set<std::string> read = {
      "base_manager_name", "default_manager_name", "default_related_name", "get_latest_by", "managed", "ordering",
      "permissions", "default_permissions", "select_on_save", "verbose_name", "verbose_name_plural", "db_table",
      "unique_together", "index_together", "indexes", "constraints", "order_with_respect_to", "db_table_comment"};
  for (auto it = options.begin(); it != options.end();) {
    bool keep = read.count(it->first) > 0;
    if (it->first == "index_together" && version.at_least(5, 1)) keep = false;
    if (it->first == "db_table_comment" && !version.at_least(4, 2)) keep = false;
    it = keep ? std::next(it) : options.erase(it);
  }
  for (const char* key : {"unique_together", "index_together"}) {
    auto it = options.find(key);
    if (it == options.end()) continue;
    ModelValue& v = it->second;
    if ((v.kind == K::List || v.kind == K::Tuple) && !v.items.empty() && v.items[0].kind != K::List && v.items[0].kind != K::Tuple)
      v = ModelValue::sequence(K::Tuple, {v});
    if (v.kind == K::List || v.kind == K::Tuple) {
      std::vector<ModelValue> groups;
      for (const auto& g : v.items) groups.push_back(as_tuple(g));
      v = ModelValue::sequence(K::Set, std::move(groups));
    }
    if ((v.kind == K::Set && v.items.empty()) || v.kind == K::None) options.erase(it);
  }
  for (const char* key : {"indexes", "constraints"}) {
    auto it = options.find(key);
    if (it == options.end()) continue;
    ModelValue& v = it->second;
    if (v.kind != K::List && v.kind != K::Tuple) continue;
    std::vector<ModelValue> items;
    for (ModelValue item : v.items) {
      if (item.kind == K::Call) {
        for (auto& [k, val] : item.keywords) {
          if (k == "fields") val = std::string(key) == "indexes" ? as_list(val) : as_tuple(val);
          if (k == "include" || k == "opclasses") val = as_tuple(val);
        }
        // Django 5.1 renamed CheckConstraint(check=) to condition=; both mean the same.
        if (version.at_least(5, 1) && item.text == "django.db.models.CheckConstraint")
          for (auto& kwpair : item.keywords)
            if (kwpair.first == "check") kwpair.first = "condition";
        item = ModelValue::call(item.text, item.items, item.keywords);
      }
      items.push_back(std::move(item));
    }
    v = ModelValue::sequence(K::Set, std::move(items));
    if (v.items.empty()) options.erase(it);
  }
}

}  // namespace hc
