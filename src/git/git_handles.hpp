// Owning handles for the libgit2 objects this project uses.
#pragma once
#include <git2.h>

#include "core/handle.hpp"

namespace hc {

using BlobHandle = Handle<git_blob, git_blob_free>;
using CommitHandle = Handle<git_commit, git_commit_free>;
using ConfigHandle = Handle<git_config, git_config_free>;
using DiffHandle = Handle<git_diff, git_diff_free>;
using IndexHandle = Handle<git_index, git_index_free>;
using ObjectHandle = Handle<git_object, git_object_free>;
using ReferenceHandle = Handle<git_reference, git_reference_free>;
using SignatureHandle = Handle<git_signature, git_signature_free>;
using StatusListHandle = Handle<git_status_list, git_status_list_free>;
using TreeBuilderHandle = Handle<git_treebuilder, git_treebuilder_free>;
using GitTreeHandle = Handle<git_tree, git_tree_free>;

}  // namespace hc
