#include "rules/reversibility/runpython_direct_model_import.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "rules/reversibility/data_functions.hpp"

namespace hc {
namespace {

std::vector<std::string> split_dots(const std::string& dotted) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    std::size_t dot = dotted.find('.', start);
    parts.push_back(dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

bool starts_upper(const std::string& s) { return !s.empty() && std::isupper(static_cast<unsigned char>(s[0])); }

// `Order`, not `ORDER_STATUSES` or `get_total`: how Python spells a class.
bool is_class_name(const std::string& s) {
  if (!starts_upper(s)) return false;
  for (char c : s)
    if (std::islower(static_cast<unsigned char>(c))) return true;
  return false;
}

struct ModelReference {
  std::string model;    // "Order"
  std::string package;  // the app's package: "shop", "django.contrib.auth"; "" when the import is relative
  std::string member;   // what the use reads of the class: "objects", "DoesNotExist"; "" for the class itself
};

// Whether a resolved name such as `shop.models.Order.objects` uses a class of
// a models module. `django.db.models` holds fields, not models, and
// `Order.Status.PAID` or `Order.PAID` reads a constant, which is harmless.
std::optional<ModelReference> model_use(const std::string& resolved) {
  auto parts = split_dots(resolved);
  std::size_t models = 0;
  while (models < parts.size() && !(parts[models] == "models" && !(models > 0 && parts[models - 1] == "db"))) ++models;
  if (models == parts.size()) return std::nullopt;
  std::size_t cls = models + 1;
  while (cls < parts.size() && !parts[cls].empty() && std::islower(static_cast<unsigned char>(parts[cls][0]))) ++cls;
  if (cls >= parts.size() || !is_class_name(parts[cls])) return std::nullopt;
  ModelReference reference{parts[cls], "", cls + 1 < parts.size() ? parts[cls + 1] : ""};
  static const std::set<std::string, std::less<>> kChoicesMembers{"choices", "labels", "values", "names"};
  if (starts_upper(reference.member) && reference.member != "DoesNotExist" && reference.member != "MultipleObjectsReturned")
    return std::nullopt;
  if (kChoicesMembers.count(reference.member)) return std::nullopt;
  for (std::size_t i = 0; i < models; ++i) reference.package += (i ? "." : "") + parts[i];
  if (reference.package.find_first_not_of('.') == std::string::npos) reference.package.clear();
  return reference;
}

// The label of the project's app whose package is `package` (`wagtail` is
// labelled `wagtailcore`); nullopt for packages outside the project.
std::optional<std::string> project_app_label(const ProjectLayout& layout, const std::string& package) {
  std::string directory = package;
  std::replace(directory.begin(), directory.end(), '.', '/');
  for (const auto& app : layout.apps)
    if (app.directory == directory || app.directory.ends_with("/" + directory)) return app.label;
  return std::nullopt;
}

// Only what a model class has: third-party models modules also hold options,
// mixins and managers (`mptt.models.MPTTOptions`), so there the use must show it.
bool reads_model_member(const std::string& member) {
  static const std::set<std::string, std::less<>> kModelMembers{
      "objects", "_default_manager", "_base_manager", "_meta", "DoesNotExist", "MultipleObjectsReturned"};
  return kModelMembers.count(member) > 0;
}

}  // namespace

void RunPythonDirectModelImport::check(const CheckContext& ctx, Findings& out) const {
  for_each_data_function(ctx, [&](const Migration& m, const FunctionFacts& function) {
    std::set<std::string> reported;  // one finding per model and function
    for (const NameUse& use : function.names) {
      // Imports in the body bind local names too, and win over the module's.
      const ImportFact* import = nullptr;
      for (const auto& local : function.imports)
        if (local.name == use.name) import = &local;
      if (!import) {
        if (function.binds_locally(use.name)) continue;
        import = m.facts->code->import(use.name);
      }
      if (!import || import->name == "*") continue;
      std::string resolved = import->target + dotted_prefix(use.chain).substr(use.name.size());
      auto model = model_use(resolved);
      if (!model) continue;
      // A relative import reaches the migration's own app.
      auto label = model->package.empty() ? std::optional<std::string>(m.label)
                                          : project_app_label(ctx.target.layout, model->package);
      bool models_of_django_or_project = label || model->package.starts_with("django.contrib.");
      if (!models_of_django_or_project && !reads_model_member(model->member)) continue;
      if (!label) label = model->package.substr(model->package.rfind('.') + 1);  // Django's default label
      if (!reported.insert(model->model).second) continue;

      std::string apps = function.parameters.empty() ? "apps" : function.parameters.front();
      out.report(kInfo, m.path, use.span,
                 "`" + function.name + "` uses the model `" + model->model + "` imported directly (`" +
                     import->statement + "`) instead of `" + apps + ".get_model`",
                 "load the historical model in the function: `" + model->model + " = " + apps + ".get_model(\"" +
                     *label + "\", \"" + model->model +
                     "\")`; the imported class follows today's models.py, not the schema this migration runs on");
    }
  });
}

}  // namespace hc
