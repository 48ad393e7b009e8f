// How the process asks the kernel for memory.
#pragma once

namespace hc {

// Backs the malloc heap with transparent huge pages where the kernel allows
// them on request (`madvise` mode, Debian's default). A hook run touches 20-30
// MB of fresh heap; at 4 KiB a page that was 5,000 page faults, a quarter of
// the hook's time. Call first thing in main, before threads start. Does
// nothing under sanitizers, whose allocators own the heap.
void prefer_large_pages();

}  // namespace hc
