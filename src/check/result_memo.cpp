#include "check/result_memo.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "check/facts_store.hpp"
#include "check/memo_files.hpp"
#include "core/sha1.hpp"
#include "git/repository.hpp"
#include "git/snapshot.hpp"

#ifndef HOOK_CHECK_SOURCES_HASH
#define HOOK_CHECK_SOURCES_HASH "unknown"
#endif

namespace hc {
namespace {

constexpr int kResultsFormat = 1;
constexpr std::size_t kKept = 8;  // a few trees (branches, rebases) answered at once

void put(std::string& out, std::string_view s) {
  out += s;
  out.push_back('\0');
}

nlohmann::json span_json(const Span& s) { return {s.start.line, s.start.column, s.end.line, s.end.column}; }

Span span_of(const nlohmann::json& j) {
  Span s;
  s.start = {j.at(0).get<int>(), j.at(1).get<int>()};
  s.end = {j.at(2).get<int>(), j.at(3).get<int>()};
  return s;
}

}  // namespace

ObjectId audit_key(const AuditInputs& in) {
  std::string bytes;
  put(bytes, FactsStore::build_key());
  put(bytes, HOOK_CHECK_SOURCES_HASH);
  const CheckOptions& o = *in.options;
  put(bytes, std::to_string(static_cast<int>(o.target)));
  put(bytes, in.target_name);
  put(bytes, o.all ? "all" : "changed");
  put(bytes, o.verbose ? "verbose" : "quiet");
  for (const auto* list : {&o.select, &o.ignore}) {
    put(bytes, std::to_string(list->size()));
    for (const auto& code : *list) put(bytes, code);
  }
  put(bytes, in.base_name);
  for (const auto* id : {&in.base_tip, &in.fork, &in.tip}) put(bytes, *id ? (*id)->hex() : "-");
  for (const SnapshotFile& f : *in.target) {
    put(bytes, f.path);
    bytes.append(reinterpret_cast<const char*>(f.id.bytes.data()), f.id.bytes.size());
  }
  return sha1_of(bytes);
}

std::string encode_check_result(const CheckResult& r) {
  nlohmann::json j;
  j["format"] = kResultsFormat;
  if (r.base) j["base"] = {r.base->ref, r.base->commit, r.base->merge_base};
  j["target"] = r.target;
  j["notes"] = r.notes;
  j["files_checked"] = r.files_checked;
  j["migrations_parsed"] = r.migrations_parsed;
  nlohmann::json& ds = j["diagnostics"] = nlohmann::json::array();
  for (const Diagnostic& d : r.diagnostics) {
    nlohmann::json related = nlohmann::json::array();
    for (const auto& rel : d.related) related.push_back({rel.path, span_json(rel.span), rel.message});
    ds.push_back({{"code", d.code}, {"rule", d.rule}, {"severity", to_string(d.severity)}, {"path", d.path},
                  {"span", span_json(d.span)}, {"message", d.message}, {"help", d.help}, {"related", related},
                  {"verbose_only", d.verbose_only}});
  }
  return j.dump();
}

std::optional<CheckResult> decode_check_result(std::string_view text) {
  try {
    nlohmann::json j = nlohmann::json::parse(text);
    if (j.at("format").get<int>() != kResultsFormat) return std::nullopt;
    CheckResult r;
    if (j.contains("base")) r.base = BaseInfo{j["base"].at(0), j["base"].at(1), j["base"].at(2)};
    r.target = j.at("target").get<std::string>();
    r.notes = j.at("notes").get<std::vector<std::string>>();
    r.files_checked = j.at("files_checked").get<std::size_t>();
    r.migrations_parsed = j.at("migrations_parsed").get<std::size_t>();
    for (const auto& d : j.at("diagnostics")) {
      Diagnostic out;
      out.code = d.at("code").get<std::string>();
      out.rule = d.at("rule").get<std::string>();
      auto severity = parse_severity(d.at("severity").get<std::string>());
      if (!severity) return std::nullopt;
      out.severity = *severity;
      out.path = d.at("path").get<std::string>();
      out.span = span_of(d.at("span"));
      out.message = d.at("message").get<std::string>();
      out.help = d.at("help").get<std::string>();
      for (const auto& rel : d.at("related"))
        out.related.push_back({rel.at(0).get<std::string>(), span_of(rel.at(1)), rel.at(2).get<std::string>()});
      out.verbose_only = d.at("verbose_only").get<bool>();
      r.diagnostics.push_back(std::move(out));
    }
    return r;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // damaged: a miss
  }
}

std::string ResultMemo::dir_for(const std::string& git_common_dir) {
  return (std::filesystem::path(git_common_dir) / "hook-check" / ("results-v" + std::to_string(kResultsFormat))).string();
}

std::optional<CheckResult> ResultMemo::find(const ObjectId& key) const {
  auto text = read_memo_file(dir_ + "/" + key.hex() + ".json");
  if (!text) return std::nullopt;
  return decode_check_result(*text);
}

void ResultMemo::add(const ObjectId& key, const CheckResult& result) const {
  std::string encoded;
  try {
    encoded = encode_check_result(result);
  } catch (const std::exception&) {
    return;  // a path or message that is not UTF-8 (git paths are bytes): not memoised
  }
  write_memo_file(dir_, key.hex() + ".json", encoded, kKept, ".json");
}

}  // namespace hc
