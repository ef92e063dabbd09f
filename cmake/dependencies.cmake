# Every dependency is a Debian 12 package installed by scripts/install-deps.
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS system)
find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(tomlplusplus 3 REQUIRED)
find_package(CLI11 2 REQUIRED)
find_package(PkgConfig REQUIRED)

# qpid-proton: Debian's .pc files point at a missing include dir and no CMake
# package is shipped (see shared/specs/integration.md), so find it by hand.
# Link the split core library by soname so the C++ binding and the C driver
# share one copy of proton-core.
find_path(PROTON_INCLUDE_DIR proton/connection_driver.h REQUIRED)
find_library(PROTON_CORE_LIBRARY NAMES qpid-proton-core libqpid-proton-core.so.10 REQUIRED)
find_library(PROTON_CPP_LIBRARY NAMES qpid-proton-cpp REQUIRED)
add_library(Proton::core SHARED IMPORTED)
set_target_properties(Proton::core PROPERTIES
  IMPORTED_LOCATION ${PROTON_CORE_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${PROTON_INCLUDE_DIR})
add_library(Proton::cpp SHARED IMPORTED)
set_target_properties(Proton::cpp PROPERTIES
  IMPORTED_LOCATION ${PROTON_CPP_LIBRARY}
  INTERFACE_LINK_LIBRARIES Proton::core)

# ISA-L: the record body CRC (zlib's CRC-32, computed with PCLMUL).
pkg_check_modules(ISAL REQUIRED IMPORTED_TARGET libisal)
pkg_check_modules(LWS REQUIRED IMPORTED_TARGET libwebsockets)
pkg_check_modules(MOSQUITTO REQUIRED IMPORTED_TARGET libmosquitto)

# mimalloc: gantryd's allocator (docs/decisions/0011-gantryd-allocates-with-mimalloc.md).
if(GANTRY_MIMALLOC)
  find_package(mimalloc 2 REQUIRED)
endif()

if(GANTRY_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(GANTRY_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
