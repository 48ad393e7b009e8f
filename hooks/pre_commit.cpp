// The pre-commit hook: checks the staged state against the base branch.
#include "cli/commands.hpp"

int main(int argc, char** argv) { return hc::pre_commit_main(argc, argv); }
