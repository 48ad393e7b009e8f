// The operations memo's encoding: every ModelValue comes back equal, with
// its source text, and damaged bytes are nullopt, never a crash.
#include <gtest/gtest.h>

#include "models/model_value_codec.hpp"

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
