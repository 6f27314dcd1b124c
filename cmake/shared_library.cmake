# libpyasm.so: the C API (include/pyasm/pyasm.h, src/capi.cpp; docs/api.md).
# Included from the top-level CMakeLists.txt after pyasm_lib is defined.
#
# The static pyasm_lib is compiled position-independent and with hidden
# visibility, so the shared library is src/capi.cpp linked against it: the
# linker takes only the objects the C API needs, nothing is compiled twice,
# and only the pyasm_* functions are exported (PYASM_API marks them; the
# version script also hides what libstdc++'s headers would export).
include(GNUInstallDirs)

set_target_properties(pyasm_lib PROPERTIES
  POSITION_INDEPENDENT_CODE ON
  C_VISIBILITY_PRESET hidden
  CXX_VISIBILITY_PRESET hidden
  VISIBILITY_INLINES_HIDDEN ON)

add_library(pyasm_shared SHARED ${PROJECT_SOURCE_DIR}/src/capi.cpp)
target_link_libraries(pyasm_shared PRIVATE pyasm_lib)
target_include_directories(pyasm_shared PUBLIC
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_compile_options(pyasm_shared PRIVATE -Wall -Wextra)
target_compile_definitions(pyasm_shared PRIVATE PYASM_VERSION_STRING="${PROJECT_VERSION}")
set(PYASM_VERSION_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/libpyasm.map)
target_link_options(pyasm_shared PRIVATE "LINKER:--version-script=${PYASM_VERSION_SCRIPT}")
# Every symbol resolved at link time; not under the sanitizers, whose
# runtime (clang's) is linked into the executable that loads the library.
if(NOT PYASM_SANITIZE)
  target_link_options(pyasm_shared PRIVATE "LINKER:--no-undefined")
endif()
# The SONAME carries major.minor while the version is 0.x (a new minor may
# change the ABI), e.g. libpyasm.so.0.1; PYASM_ABI_VERSION in pyasm.h with it.
set_target_properties(pyasm_shared PROPERTIES
  OUTPUT_NAME pyasm
  VERSION ${PROJECT_VERSION}
  SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}
  CXX_VISIBILITY_PRESET hidden
  VISIBILITY_INLINES_HIDDEN ON
  LINK_DEPENDS ${PYASM_VERSION_SCRIPT})

# The names the installed package gives them (cmake/install.cmake), usable
# in this tree too: pyasm::pyasm (the C API), pyasm::pyasm_static (the C++
# library), pyasm::pyasm_cli (the command, for pyasm_add_pyc).
add_library(pyasm::pyasm ALIAS pyasm_shared)
add_library(pyasm::pyasm_static ALIAS pyasm_lib)
add_executable(pyasm::pyasm_cli ALIAS pyasm)
