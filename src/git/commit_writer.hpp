// Writes commits from in-memory file maps, with no working tree involved:
// used by `hook-check demo` to build its throw-away repository.
#pragma once
#include <map>
#include <optional>
#include <string>

#include "git/repository.hpp"

namespace hc {

// Commits exactly `files` (path -> content) on `branch`, with `parent` as
// its parent, and moves the branch to the new commit.
ObjectId commit_files(const Repository& repo, const std::string& branch, const std::optional<ObjectId>& parent,
                      const std::map<std::string, std::string>& files, const std::string& message);

// Points HEAD at `branch` and makes the working tree and index match it.
void checkout_branch(const Repository& repo, const std::string& branch);

}  // namespace hc
