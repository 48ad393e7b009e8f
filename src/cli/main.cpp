#include "cli/commands.hpp"
#include "core/process_memory.hpp"

int main(int argc, char** argv) {
  hc::prefer_large_pages();
  return hc::hook_check_main(argc, argv);
}
