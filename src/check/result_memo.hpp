// Whole audits (`check --all`) kept by what they read: the same inputs give
// the same findings, so an audit of a tree no file of which has changed
// since the last one is answered without parsing or replaying anything.
// The key (audit_key) hashes every input a check reads: each tracked file's
// path and blob id in the target, the commits of the base and merge-base,
// the options, and this build's sources (rules included). Entries live in
// `hook-check/results-v<N>/` as JSON, written atomically; a damaged or
// unreadable one is a miss, and only the newest few are kept.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check/check_run.hpp"
#include "core/object_id.hpp"

namespace hc {

class Snapshot;

struct AuditInputs {
  const CheckOptions* options = nullptr;
  std::string target_name;
  const Snapshot* target = nullptr;
  std::string base_name;         // empty without a base
  std::optional<ObjectId> base_tip, fork, tip;
};

// SHA-1 of everything in `inputs`, with the build's identity.
ObjectId audit_key(const AuditInputs& inputs);

// Throws nlohmann::json::type_error for text that is not UTF-8.
std::string encode_check_result(const CheckResult& result);
std::optional<CheckResult> decode_check_result(std::string_view json);

class ResultMemo {
 public:
  explicit ResultMemo(std::string dir) : dir_(std::move(dir)) {}
  static std::string dir_for(const std::string& git_common_dir);
  std::optional<CheckResult> find(const ObjectId& key) const;
  // Never fails: an unwritable place only means no memo.
  void add(const ObjectId& key, const CheckResult& result) const;

 private:
  std::string dir_;
};

}  // namespace hc
