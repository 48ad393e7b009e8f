#include "core/process_memory.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace hc {

void prefer_large_pages() {
#if defined(__SANITIZE_ADDRESS__)
  return;
#else
  constexpr std::size_t kHugePage = std::size_t{2} << 20;
  constexpr std::size_t kReserve = std::size_t{256} << 20;
  // Grow the heap in one step and keep it: the madvise below covers only the
  // mapping that exists when it is made. Big buffers (the index, packs read
  // whole) come from the heap too, rather than from their own mmap.
  mallopt(M_TOP_PAD, static_cast<int>(kReserve));
  mallopt(M_TRIM_THRESHOLD, static_cast<int>(2 * kReserve));
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  // Past what static initialisers left free; volatile, or the pair is elided.
  void* volatile first = std::malloc(kHugePage);
  struct mallinfo2 info = mallinfo2();
  auto top = reinterpret_cast<std::uintptr_t>(sbrk(0));
  std::uintptr_t begin = top - info.arena;
  std::uintptr_t from = (begin + kHugePage - 1) & ~(kHugePage - 1);
  std::uintptr_t to = top & ~(kHugePage - 1);
  // Advice only: where the kernel says no, pages stay small.
  if (info.arena > 0 && to > from) madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);
  std::free(first);
#endif
}

}  // namespace hc
