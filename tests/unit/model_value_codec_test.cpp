// The operations memo's encoding: every ModelValue comes back equal, with
// its source text, and damaged bytes are nullopt, never a crash.
#include <gtest/gtest.h>

#include "models/model_value_codec.hpp"
#include "models/project_models_codec.hpp"

namespace hc::test {
namespace {

ModelValue sample() {
  ModelValue field = ModelValue::call("django.db.models.CharField", {ModelValue::str("Reference")},
                                      {{"default", ModelValue::none()}, {"max_length", ModelValue::number("12")}});
  field.source = "models.CharField(\"Reference\", max_length=12, default=None)";
  ModelValue choices = ModelValue::sequence(ModelValue::Kind::Tuple, {ModelValue::str("a"), ModelValue::boolean_value(true)});
  ModelValue op = ModelValue::call("django.db.migrations.AddField", {},
                                   {{"field", field},
                                    {"model_name", ModelValue::str("order")},
                                    {"name", ModelValue::str(std::string(300, 'x'))},
                                    {"to", ModelValue::model("orders.order")},
                                    {"why", ModelValue::unknown("known only at run time", "f()")},
                                    {"choices", choices},
                                    {"on_delete", ModelValue::ref("django.db.models.CASCADE")}});
  return ModelValue::sequence(ModelValue::Kind::List, {op, ModelValue::none()});
}

TEST(ModelValueCodec, RoundTripsEveryKindWithItsSource) {
  ModelValue v = sample();
  auto back = decode_model_value(encode_model_value(v));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, v);
  EXPECT_EQ(back->canonical(), v.canonical());
  EXPECT_EQ(back->items[0].keyword("field")->source, "models.CharField(\"Reference\", max_length=12, default=None)");
  EXPECT_EQ(back->items[0].keyword("why")->unknown_reason(), v.items[0].keyword("why")->unknown_reason());
  EXPECT_EQ(encode_model_value(*back), encode_model_value(v));
}

TEST(ModelValueCodec, DamagedOrTruncatedBytesAreNullopt) {
  const std::string bytes = encode_model_value(sample());
  for (std::size_t n = 0; n < bytes.size(); ++n) EXPECT_FALSE(decode_model_value(bytes.substr(0, n)).has_value()) << n;
  EXPECT_FALSE(decode_model_value(bytes + "x").has_value());
  std::string bad_kind = bytes;
  bad_kind[0] = static_cast<char>(0x7f);
  EXPECT_FALSE(decode_model_value(bad_kind).has_value());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0xff);
    (void)decode_model_value(damaged);  // may decode to something else; must not crash or hang
  }
}

}  // namespace
}  // namespace hc::test

// The models memo's encoding, of a project with every part filled.
namespace hc::test {
namespace {

ExtractedModels sample_models() {
  ExtractedModels e;
  ProjectModels& p = e.models;
  p.version = {4, 2, "requirements.txt pins Django==4.2.21", "accounts.user"};
  ModelState m;
  m.app_label = "orders";
  m.name = "Order";
  m.qualified = "orders.models.Order";
  m.proxy = true;
  m.managed = false;
  m.unknown_bases = "vendor.Base";
  FieldState f;
  f.name = "reference";
  f.cls = "django.db.models.CharField";
  f.args = {ModelValue::str("Reference")};
  f.kwargs = {{"max_length", ModelValue::number("12")}};
  f.semantics_known = false;
  f.read_defaults = {"blank", "null"};
  f.path = "orders/models.py";
  f.span = {{5, 5}, {5, 48}};
  f.many_to_many = true;
  m.fields = {f, FieldState{}};
  m.options = {{"ordering", sample()}};
  m.option_spans = {{"ordering", {{9, 9}, {9, 30}}}};
  m.meta_path = "orders/models.py";
  m.managers = {{"objects", ModelValue::call("orders.managers.OrderManager", {}, {})}};
  m.path = "orders/models.py";
  m.span = {{4, 1}, {9, 30}};
  p.models[m.key()] = m;
  p.unreadable = {"broken/models.py"};
  p.unreadable_apps = {"broken"};
  p.uncertain_apps = {{"legacy", "a custom operation"}};
  p.classes_elsewhere = {{"orders", {"Draft", "Archive"}}};
  p.model_factories = {{"orders.Order.history", "simple_history"}};
  p.deconstruct_replaced_in = "utils/fields.py";
  p.option_keys_changed_in = "utils/options.py";
  e.model_labels = {{"orders.models.Order", "orders.Order"}};
  return e;
}

TEST(ProjectModelsCodec, RoundTripsEveryPart) {
  ExtractedModels e = sample_models();
  const std::string bytes = encode_extracted_models(e.models, e.model_labels);
  auto back = decode_extracted_models(bytes);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(encode_extracted_models(back->models, back->model_labels), bytes);
  const ModelState& m = back->models.models.at("orders.order");
  EXPECT_EQ(m.fields.size(), 2u);
  EXPECT_EQ(m.fields[0].kwargs.at("max_length"), ModelValue::number("12"));
  EXPECT_EQ(m.fields[0].read_defaults, (std::set<std::string>{"blank", "null"}));
  EXPECT_EQ(m.fields[0].span, (Span{{5, 5}, {5, 48}}));
  EXPECT_TRUE(m.fields[0].many_to_many);
  EXPECT_FALSE(m.fields[0].semantics_known);
  EXPECT_EQ(m.options.at("ordering"), sample());
  EXPECT_EQ(back->models.version.auth_user_model, "accounts.user");
  EXPECT_EQ(back->models.classes_elsewhere.at("orders"), (std::set<std::string>{"Archive", "Draft"}));
  EXPECT_EQ(back->model_labels.at("orders.models.Order"), "orders.Order");
}

TEST(ProjectModelsCodec, TruncatedBytesAreNullopt) {
  const std::string bytes = encode_extracted_models(sample_models().models, sample_models().model_labels);
  for (std::size_t n = 0; n < bytes.size(); ++n) EXPECT_FALSE(decode_extracted_models(bytes.substr(0, n)).has_value()) << n;
  EXPECT_FALSE(decode_extracted_models(bytes + "x").has_value());
}

}  // namespace
}  // namespace hc::test
