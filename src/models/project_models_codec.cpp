#include "models/project_models_codec.hpp"

#include <algorithm>
#include <set>
#include <vector>

#include "models/model_value_codec.hpp"

namespace hc {
namespace {

void put_flag(std::string& out, bool b) { out.push_back(b ? 1 : 0); }

void put_span(std::string& out, const Span& s) {
  for (int n : {s.start.line, s.start.column, s.end.line, s.end.column}) put_size(out, static_cast<std::size_t>(n < 0 ? 0 : n));
}

template <class Strings>
void put_strings(std::string& out, const Strings& strings) {
  put_size(out, strings.size());
  for (const auto& s : strings) put_string(out, s);
}

void put_string_map(std::string& out, const std::map<std::string, std::string>& m) {
  put_size(out, m.size());
  for (const auto& [k, v] : m) {
    put_string(out, k);
    put_string(out, v);
  }
}

void put_field(std::string& out, const FieldState& f) {
  put_string(out, f.name);
  put_string(out, f.cls);
  put_size(out, f.args.size());
  for (const auto& a : f.args) put_model_value(out, a);
  put_size(out, f.kwargs.size());
  for (const auto& [k, v] : f.kwargs) {
    put_string(out, k);
    put_model_value(out, v);
  }
  put_flag(out, f.semantics_known);
  put_strings(out, f.read_defaults);
  put_string(out, f.path);
  put_span(out, f.span);
  put_flag(out, f.many_to_many);
}

void put_model(std::string& out, const ModelState& m) {
  put_string(out, m.app_label);
  put_string(out, m.name);
  put_string(out, m.qualified);
  put_flag(out, m.abstract);
  put_flag(out, m.proxy);
  put_flag(out, m.managed);
  put_string(out, m.unknown_bases);
  put_size(out, m.fields.size());
  for (const auto& f : m.fields) put_field(out, f);
  put_size(out, m.options.size());
  for (const auto& [k, v] : m.options) {
    put_string(out, k);
    put_model_value(out, v);
  }
  put_size(out, m.option_spans.size());
  for (const auto& [k, s] : m.option_spans) {
    put_string(out, k);
    put_span(out, s);
  }
  put_string(out, m.meta_path);
  put_size(out, m.managers.size());
  for (const auto& [k, v] : m.managers) {
    put_string(out, k);
    put_model_value(out, v);
  }
  put_string(out, m.path);
  put_span(out, m.span);
}

struct Reader : CodecReader {
  bool flag() { return byte() != 0; }
  int number() { return static_cast<int>(size()); }
  Span span() {
    Span s;
    s.start.line = number();
    s.start.column = number();
    s.end.line = number();
    s.end.column = number();
    return s;
  }
  std::map<std::string, std::string> string_map() {
    std::map<std::string, std::string> m;
    for (std::size_t n = count(2); ok && n > 0; --n) {
      std::string k = string();
      m[std::move(k)] = string();
    }
    return m;
  }
  std::map<std::string, ModelValue> value_map() {
    std::map<std::string, ModelValue> m;
    for (std::size_t n = count(7); ok && n > 0; --n) {
      std::string k = string();
      m[std::move(k)] = value();
    }
    return m;
  }
  FieldState field() {
    FieldState f;
    f.name = string();
    f.cls = string();
    for (std::size_t n = count(); ok && n > 0; --n) f.args.push_back(value());
    f.kwargs = value_map();
    f.semantics_known = flag();
    for (std::size_t n = count(1); ok && n > 0; --n) f.read_defaults.insert(string());
    f.path = string();
    f.span = span();
    f.many_to_many = flag();
    return f;
  }
  ModelState model() {
    ModelState m;
    m.app_label = string();
    m.name = string();
    m.qualified = string();
    m.abstract = flag();
    m.proxy = flag();
    m.managed = flag();
    m.unknown_bases = string();
    for (std::size_t n = count(10); ok && n > 0; --n) m.fields.push_back(field());
    m.options = value_map();
    for (std::size_t n = count(5); ok && n > 0; --n) {
      std::string k = string();
      m.option_spans[std::move(k)] = span();
    }
    m.meta_path = string();
    for (std::size_t n = count(7); ok && n > 0; --n) {
      std::string k = string();
      m.managers.emplace_back(std::move(k), value());
    }
    m.path = string();
    m.span = span();
    return m;
  }
};

}  // namespace

namespace {

// One app's part (`only_app`), or the whole project's (null).
std::string encode_models(const ProjectModels& p, const std::map<std::string, std::string>& model_labels,
                          const std::string* only_app) {
  std::string out;
  put_size(out, static_cast<std::size_t>(p.version.major));
  put_size(out, static_cast<std::size_t>(p.version.minor));
  put_string(out, p.version.source);
  put_string(out, p.version.auth_user_model);
  auto ours = [&](const ModelState& m) { return !only_app || m.app_label == *only_app; };
  put_size(out, static_cast<std::size_t>(std::count_if(p.models.begin(), p.models.end(), [&](const auto& e) { return ours(e.second); })));
  for (const auto& [key, m] : p.models) {
    if (!ours(m)) continue;
    put_string(out, key);
    put_model(out, m);
  }
  if (only_app) {
    std::map<std::string, std::string> uncertain;
    if (auto it = p.uncertain_apps.find(*only_app); it != p.uncertain_apps.end()) uncertain.insert(*it);
    put_strings(out, std::vector<std::string>{});
    put_strings(out, std::set<std::string>{});
    put_string_map(out, uncertain);
    put_size(out, 0);
    put_string_map(out, {});
    put_string(out, "");
    put_string(out, "");
    put_string_map(out, {});
    return out;
  }
  put_strings(out, p.unreadable);
  put_strings(out, p.unreadable_apps);
  put_string_map(out, p.uncertain_apps);
  put_size(out, p.classes_elsewhere.size());
  for (const auto& [label, classes] : p.classes_elsewhere) {
    put_string(out, label);
    put_strings(out, classes);
  }
  put_string_map(out, p.model_factories);
  put_string(out, p.deconstruct_replaced_in);
  put_string(out, p.option_keys_changed_in);
  put_string_map(out, model_labels);
  return out;
}

}  // namespace

std::string encode_extracted_models(const ProjectModels& p, const std::map<std::string, std::string>& model_labels) {
  return encode_models(p, model_labels, nullptr);
}

std::string encode_app_models(const ProjectModels& p, const std::string& label) { return encode_models(p, {}, &label); }

std::optional<ExtractedModels> decode_extracted_models(std::string_view bytes) {
  Reader r{{bytes}};
  ExtractedModels e;
  ProjectModels& p = e.models;
  p.version.major = r.number();
  p.version.minor = r.number();
  p.version.source = r.string();
  p.version.auth_user_model = r.string();
  for (std::size_t n = r.count(20); r.ok && n > 0; --n) {
    std::string key = r.string();
    p.models[std::move(key)] = r.model();
  }
  for (std::size_t n = r.count(1); r.ok && n > 0; --n) p.unreadable.push_back(r.string());
  for (std::size_t n = r.count(1); r.ok && n > 0; --n) p.unreadable_apps.insert(r.string());
  p.uncertain_apps = r.string_map();
  for (std::size_t n = r.count(2); r.ok && n > 0; --n) {
    std::string label = r.string();
    auto& classes = p.classes_elsewhere[label];
    for (std::size_t k = r.count(1); r.ok && k > 0; --k) classes.insert(r.string());
  }
  p.model_factories = r.string_map();
  p.deconstruct_replaced_in = r.string();
  p.option_keys_changed_in = r.string();
  e.model_labels = r.string_map();
  if (!r.ok || !r.in.empty()) return std::nullopt;
  return e;
}

}  // namespace hc
