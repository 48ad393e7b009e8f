// The pre-commit hook: checks the staged state against the base branch.
#include "cli/commands.hpp"
#include "core/process_memory.hpp"

int main(int argc, char** argv) {
  hc::prefer_large_pages();
  return hc::pre_commit_main(argc, argv);
}
