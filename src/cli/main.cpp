#include "cli/commands.hpp"

int main(int argc, char** argv) { return hc::hook_check_main(argc, argv); }
