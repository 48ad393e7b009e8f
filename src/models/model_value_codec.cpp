#include "models/model_value_codec.hpp"

namespace hc {
namespace {

constexpr int kMaxDepth = 200;  // deeper than any value the evaluator builds
constexpr auto kLastKind = static_cast<unsigned>(ModelValue::Kind::Call);

}  // namespace

void put_size(std::string& out, std::size_t n) {
  // LEB128: most strings and lists are short.
  do {
    unsigned char b = n & 0x7f;
    n >>= 7;
    out.push_back(static_cast<char>(b | (n ? 0x80 : 0)));
  } while (n);
}

void put_string(std::string& out, const std::string& s) {
  put_size(out, s.size());
  out += s;
}

void put_model_value(std::string& out, const ModelValue& v) {
  out.push_back(static_cast<char>(v.kind));
  out.push_back(static_cast<char>(v.boolean));
  put_string(out, v.text);
  put_string(out, v.source);
  put_size(out, v.items.size());
  for (const auto& item : v.items) put_model_value(out, item);
  put_size(out, v.keywords.size());
  for (const auto& [name, value] : v.keywords) {
    put_string(out, name);
    put_model_value(out, value);
  }
}

std::size_t CodecReader::size() {
  std::size_t n = 0;
  for (int shift = 0; ok; shift += 7) {
    if (in.empty() || shift > 56) return ok = false, 0;
    auto b = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    n |= static_cast<std::size_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
  }
  return ok ? n : 0;
}

std::string CodecReader::string() {
  std::size_t n = size();
  if (!ok || n > in.size()) return ok = false, std::string();
  std::string s(in.substr(0, n));
  in.remove_prefix(n);
  return s;
}

unsigned char CodecReader::byte() {
  if (in.empty()) return ok = false, 0;
  auto b = static_cast<unsigned char>(in.front());
  in.remove_prefix(1);
  return b;
}

std::size_t CodecReader::count(std::size_t min_bytes) {
  std::size_t n = size();
  if (n > in.size() / min_bytes + 1) ok = false;
  return ok ? n : 0;
}

ModelValue CodecReader::value(int depth) {
  ModelValue v;
  unsigned kind = byte();
  if (!ok || kind > kLastKind || depth > kMaxDepth) return ok = false, v;
  v.kind = static_cast<ModelValue::Kind>(kind);
  v.boolean = byte() != 0;
  v.text = string();
  v.source = string();
  std::size_t items = count();
  v.items.reserve(items);
  for (std::size_t i = 0; ok && i < items; ++i) v.items.push_back(value(depth + 1));
  std::size_t keywords = count();
  v.keywords.reserve(keywords);
  for (std::size_t i = 0; ok && i < keywords; ++i) {
    std::string name = string();
    v.keywords.emplace_back(std::move(name), value(depth + 1));
  }
  return v;
}

std::string encode_model_value(const ModelValue& value) {
  std::string out;
  put_model_value(out, value);
  return out;
}

std::optional<ModelValue> decode_model_value(std::string_view bytes) {
  CodecReader r{bytes};
  ModelValue v = r.value(0);
  if (!r.ok || !r.in.empty()) return std::nullopt;
  return v;
}

}  // namespace hc
