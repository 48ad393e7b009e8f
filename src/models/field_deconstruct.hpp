// Field.deconstruct() without Python: a field call as written becomes the
// keyword arguments Django's autodetector compares, following each Django
// field class's __init__ and deconstruct() (read from Django's source) for
// the project's Django version.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/model_state.hpp"

namespace hc {

struct FieldCall {
  std::string name;
  std::string path;         // the class's import path, as deconstruct() would write it
  std::string django_base;  // the nearest Django field class: "CharField"; empty when not known
  bool own_init = false;    // a repository class that overrides __init__ or deconstruct
  std::map<std::string, ModelValue> implied;  // what its __init__ sets when not given (kwargs.setdefault)
  std::map<std::string, std::optional<ModelValue>> dropped;  // what its deconstruct() deletes (when equal to a value)
  std::vector<ModelValue> positional;
  std::vector<std::pair<std::string, ModelValue>> keywords;
  std::string file;
  Span span{};
};

struct FieldOwner {
  std::string app_label;
  std::string model_name;  // as written
  DjangoVersion version;
  std::string default_related_name;  // Meta.default_related_name, which Django < 4.0 put in related_name
};

FieldState deconstruct_field(const FieldCall& call, const FieldOwner& owner);

// "app.Model", "Model", "self", a model class or settings.X -> the label Django compares.
ModelValue normalise_model_reference(const ModelValue& to, const FieldOwner& owner);

// Meta options as ModelState holds them: unique_together as a set of tuples,
// indexes and constraints as sets of their deconstructions, and so on. Options
// the autodetector never reads are dropped.
void normalise_options(std::map<std::string, ModelValue>& options, const DjangoVersion& version);

// The Django field class a path names ("django.db.models.CharField" -> "CharField"); empty if none.
std::string django_field_class(const std::string& path);

}  // namespace hc
