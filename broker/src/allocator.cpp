#include "allocator.hpp"

#include <fmt/format.h>

#ifdef GANTRY_MIMALLOC
#include <mimalloc.h>
#endif

namespace gantry::broker {

std::string allocator_in_use() {
#ifdef GANTRY_MIMALLOC
    // Asking mimalloc for its version also keeps the library linked where
    // the linker drops unreferenced ones (--as-needed): linked, it replaces
    // malloc and operator new for the whole process.
    const int version = mi_version();
    return fmt::format("mimalloc {}.{}.{}", version / 100, version / 10 % 10, version % 10);
#else
    return "the C library's malloc";
#endif
}

} // namespace gantry::broker
