// Owning handles for C resources (libgit2, tree-sitter): freed on every path.
#pragma once
#include <memory>

namespace hc {

template <auto F>
struct FreeFn {
  template <class T>
  void operator()(T* p) const noexcept {
    if (p) F(p);
  }
};

template <class T, auto F>
using Handle = std::unique_ptr<T, FreeFn<F>>;

}  // namespace hc
