// The pre-push hook: checks each pushed tip against the base branch.
#include "cli/commands.hpp"

int main(int argc, char** argv) { return hc::pre_push_main(argc, argv); }
