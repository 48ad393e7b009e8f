// A value in a models or migration module as Django would compare it: the
// result of evaluating the expression statically, with a canonical form in
// which two values are equal exactly when Python's `==` on their
// deconstructions would say so. What cannot be known statically is Unknown,
// with the reason, so a difference that rests on it is a "could not tell".
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace hc {

struct ModelValue {
  enum class Kind {
    Unknown,
    None,
    Bool,
    Number,   // int, float and Decimal compare by value in Python
    Str,      // str and lazy translations
    List,
    Tuple,
    Set,
    Dict,     // items: key, value, key, value...
    Ref,      // a class, function or constant by its import path: django.db.models.CASCADE
    Model,    // a model: "app_label.modelname", lower case
    Setting,  // settings.NAME: "AUTH_USER_MODEL"
    Call,     // a deconstructible instance: path(args, kwargs)
  };
  Kind kind = Kind::Unknown;
  std::string text;  // Number: canonical digits; Str: value; Ref/Call: path; Model: label; Setting: name; Unknown: why
  bool boolean = false;
  std::vector<ModelValue> items;                             // sequences, dict pairs, call positionals
  std::vector<std::pair<std::string, ModelValue>> keywords;  // Call keywords, sorted by name
  std::string source;                                        // the expression as written, for messages

  static ModelValue unknown(std::string why, std::string source = {});
  static ModelValue none();
  static ModelValue boolean_value(bool b);
  static ModelValue number(std::string canonical);
  static ModelValue str(std::string s);
  static ModelValue ref(std::string path);
  static ModelValue model(std::string label);
  static ModelValue sequence(Kind kind, std::vector<ModelValue> items);
  static ModelValue call(std::string path, std::vector<ModelValue> args, std::vector<std::pair<std::string, ModelValue>> kwargs);

  bool known() const;                // no Unknown anywhere inside
  std::string unknown_reason() const;  // the first Unknown's reason
  // Equal canonical forms <=> equal to Django.
  std::string canonical() const;
  // A short Python-like rendering for messages.
  std::string display() const;
  const ModelValue* keyword(std::string_view name) const;
};

bool operator==(const ModelValue& a, const ModelValue& b);

// ASCII lower case: model names and labels compare so in Django.
std::string lowercase(std::string s);

// Canonical digits for a Python number literal (ints, floats, underscores,
// hex/octal/binary); empty when it is not one.
std::string canonical_number(std::string_view literal);

}  // namespace hc
