// Entry points of the command-line front ends. Each returns the exit code and
// never lets an exception escape: failures print one line and return 2.
#pragma once

namespace hc {

int hook_check_main(int argc, char** argv);
int pre_commit_main(int argc, char** argv);
int pre_push_main(int argc, char** argv);

}  // namespace hc
