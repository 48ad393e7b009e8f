#!/usr/bin/env bash
# Sets migration-hooks up on a Debian machine: packages, the pinned
# tree-sitter-python grammar, the build, and the install of hook-check and
# its hook executables. Safe to re-run.
#
#   ./install.sh [--prefix DIR] [--build-dir DIR] [--no-packages]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="${PREFIX:-/usr/local}"
build_dir="$here/build"
install_packages=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    --no-packages) install_packages=0; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

# Tools are looked up as commands (npm may come with a Node.js that is not
# Debian's); libraries, and what the tests use of Debian's Python, as packages.
tools=(g++:g++ cmake:cmake make:make pkg-config:pkg-config git:git npm:npm)
libraries=(
  libgit2-dev libtree-sitter-dev nlohmann-json3-dev libcli11-dev libtomlplusplus-dev
  googletest libgtest-dev
  python3 python3-jsonschema python3-django pre-commit graphviz
)

if [[ $install_packages == 1 ]]; then
  missing=()
  for t in "${tools[@]}"; do
    command -v "${t%%:*}" >/dev/null 2>&1 || missing+=("${t##*:}")
  done
  for p in "${libraries[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "install.sh: installing Debian packages: ${missing[*]}"
    sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

echo "install.sh: fetching the pinned tree-sitter-python grammar"
"$here/grammars/fetch-grammar.sh" >/dev/null

echo "install.sh: building in $build_dir"
cmake -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir" -j"$(nproc)" >/dev/null

echo "install.sh: installing into $prefix/bin"
if [[ -w "$prefix" || ! -e "$prefix" && $(id -u) -eq 0 ]]; then
  cmake --install "$build_dir" --prefix "$prefix" >/dev/null
else
  sudo cmake --install "$build_dir" --prefix "$prefix" >/dev/null
fi
echo "install.sh: done: $("$prefix/bin/hook-check" --version)"
