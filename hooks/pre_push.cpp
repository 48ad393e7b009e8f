// The pre-push hook: checks each pushed tip against the base branch.
#include "cli/commands.hpp"
#include "core/process_memory.hpp"

int main(int argc, char** argv) {
  hc::prefer_large_pages();
  return hc::pre_push_main(argc, argv);
}
