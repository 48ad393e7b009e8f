#include "git/commit_writer.hpp"
#include "git/git_handles.hpp"

#include <vector>

namespace hc {
namespace {


struct DirNode {
  std::map<std::string, std::string> files;  // name -> content
  std::map<std::string, DirNode> dirs;
};

git_oid write_tree(git_repository* repo, const DirNode& dir) {
  git_treebuilder* raw = nullptr;
  git_check(git_treebuilder_new(&raw, repo, nullptr), "git_treebuilder_new");
  TreeBuilderHandle builder(raw);
  for (const auto& [name, content] : dir.files) {
    git_oid blob;
    git_check(git_blob_create_from_buffer(&blob, repo, content.data(), content.size()), "git_blob_create_from_buffer");
    git_check(git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &blob, GIT_FILEMODE_BLOB), "git_treebuilder_insert");
  }
  for (const auto& [name, sub] : dir.dirs) {
    git_oid tree = write_tree(repo, sub);
    git_check(git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &tree, GIT_FILEMODE_TREE), "git_treebuilder_insert");
  }
  git_oid out;
  git_check(git_treebuilder_write(&out, builder.get()), "git_treebuilder_write");
  return out;
}

}  // namespace

ObjectId commit_files(const Repository& repo, const std::string& branch, const std::optional<ObjectId>& parent,
                      const std::map<std::string, std::string>& files, const std::string& message) {
  DirNode root;
  for (const auto& [path, content] : files) {
    DirNode* node = &root;
    std::size_t start = 0, slash;
    while ((slash = path.find('/', start)) != std::string::npos) {
      node = &node->dirs[path.substr(start, slash - start)];
      start = slash + 1;
    }
    node->files[path.substr(start)] = content;
  }
  git_oid tree_id = write_tree(repo.raw(), root);
  git_tree* traw = nullptr;
  git_check(git_tree_lookup(&traw, repo.raw(), &tree_id), "git_tree_lookup");
  GitTreeHandle tree(traw);

  git_signature* sraw = nullptr;
  // A fixed time keeps demo commits reproducible.
  git_check(git_signature_new(&sraw, "hook-check demo", "demo@example.invalid", 1700000000, 0), "git_signature_new");
  SignatureHandle sig(sraw);

  CommitHandle parent_commit;
  if (parent) {
    git_oid pid = to_git_oid(*parent);
    git_commit* craw = nullptr;
    git_check(git_commit_lookup(&craw, repo.raw(), &pid), "git_commit_lookup");
    parent_commit.reset(craw);
  }
  const git_commit* parents[1] = {parent_commit.get()};
  git_oid commit_id;
  git_check(git_commit_create(&commit_id, repo.raw(), nullptr, sig.get(), sig.get(), nullptr, message.c_str(), tree.get(),
                              parent ? 1 : 0, parents),
            "git_commit_create");
  git_reference* rraw = nullptr;
  std::string ref = "refs/heads/" + branch;
  git_check(git_reference_create(&rraw, repo.raw(), ref.c_str(), &commit_id, 1, "hook-check demo"), "git_reference_create");
  ReferenceHandle keep(rraw);
  return from_git_oid(commit_id);
}

void checkout_branch(const Repository& repo, const std::string& branch) {
  std::string ref = "refs/heads/" + branch;
  git_check(git_repository_set_head(repo.raw(), ref.c_str()), "git_repository_set_head");
  git_checkout_options opts = GIT_CHECKOUT_OPTIONS_INIT;
  opts.checkout_strategy = GIT_CHECKOUT_FORCE;
  git_check(git_checkout_head(repo.raw(), &opts), "git_checkout_head");
}

}  // namespace hc
