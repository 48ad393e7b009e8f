// Models as Django's migration state holds them (ModelState): fields
// deconstructed, the Meta options the autodetector reads, and the managers
// it keeps. Built from a repository's models modules (model_extractor) or
// by replaying migrations (migration_replay); compared by model_changes.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "models/model_value.hpp"

namespace hc {

struct DjangoVersion {
  int major = 5;
  int minor = 2;
  std::string source = "assumed: the newest LTS";  // where the version came from
  // A setting the autodetector's verdicts depend on: settings.AUTH_USER_MODEL, lower case.
  std::string auth_user_model = "auth.user";
  bool at_least(int ma, int mi) const { return major > ma || (major == ma && minor >= mi); }
  std::string text() const { return std::to_string(major) + "." + std::to_string(minor); }
};

struct FieldState {
  std::string name;
  std::string cls;                           // deconstructed path: "django.db.models.CharField"
  std::vector<ModelValue> args;              // positionals Django keeps as such (rare)
  std::map<std::string, ModelValue> kwargs;  // after deconstruct(): defaults dropped
  bool semantics_known = true;               // false for field classes whose __init__ we cannot see
  std::set<std::string> read_defaults;       // keywords whose defaults were read from such a class's source
  std::string path;                          // where it is declared, for messages
  Span span{};
  bool many_to_many = false;
};

struct ModelState {
  std::string app_label;
  std::string name;       // as written: "IceProduct"
  std::string qualified;  // "inventory.models.products.IceProduct"
  bool abstract = false;
  bool proxy = false;
  bool managed = true;
  std::string unknown_bases;  // non-empty: a base outside the repository whose fields cannot be seen
  std::vector<FieldState> fields;
  std::map<std::string, ModelValue> options;  // Meta, as ModelState.options holds them
  std::map<std::string, Span> option_spans;   // where each option is written
  std::string meta_path;
  std::vector<std::pair<std::string, ModelValue>> managers;
  std::string path;
  Span span{};

  const FieldState* field(const std::string& name) const;
  std::string key() const;  // "app_label.modelname", lower case
};

struct ProjectModels {
  DjangoVersion version;
  std::map<std::string, ModelState> models;  // by key()
  std::vector<std::string> unreadable;       // models modules that did not parse: nothing is said about their apps
  std::set<std::string> unreadable_apps;
  std::map<std::string, std::string> uncertain_apps;  // label -> why its state is not known (a custom operation, ...)
  // What may define models hook-check does not see, by app label: classes of
  // the app's other modules, and class attributes built by a library
  // (simple_history's HistoricalRecords() makes a model at run time).
  std::map<std::string, std::set<std::string>> classes_elsewhere;
  std::map<std::string, std::string> model_factories;
  // Where the project replaces Field.deconstruct (netbox drops verbose_name
  // and the like from it): what Django compares is then the project's own.
  std::string deconstruct_replaced_in;
  std::string option_keys_changed_in;  // ... or AlterModelOptions.ALTER_OPTION_KEYS
};

}  // namespace hc
