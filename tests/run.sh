#!/usr/bin/env bash
# Builds and runs the test suite: `tests/run.sh` (the build install.sh made)
# or `tests/run.sh --sanitize` (a separate AddressSanitizer + UBSan build).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$here/build"
flags=(-DCMAKE_BUILD_TYPE=Release)
if [[ "${1:-}" == "--sanitize" ]]; then
  build_dir="$here/build-sanitize"
  flags=(-DCMAKE_BUILD_TYPE=Debug -DHOOK_CHECK_SANITIZE=ON)
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0"
  export LSAN_OPTIONS="suppressions=$here/tests/sanitizer/lsan.supp:fast_unwind_on_malloc=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  # Django's verdicts are checked case by case in the plain run; here a
  # fifth of them exercise the same paths for memory errors.
  export HOOK_CHECK_CASE_STRIDE=5
fi
cmake -S "$here" -B "$build_dir" "${flags[@]}" >/dev/null
cmake --build "$build_dir" -j"$(nproc)" >/dev/null
ctest --test-dir "$build_dir" --output-on-failure -j"$(nproc)"
