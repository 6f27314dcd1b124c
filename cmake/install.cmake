# `cmake --install`: the command, the libraries, the headers, the Python
# module, the man page (when docs/pyasm.1 exists), a CMake package
# (find_package(pyasm): cmake/pyasmConfig.cmake.in) and a pkg-config file.
# docs/install.md describes the installed tree. Included from the top-level
# CMakeLists.txt after cmake/shared_library.cmake.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(PYASM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/pyasm)
# Beside the library's folder: python/pyasm.py finds libpyasm.so at ../../.
set(PYASM_INSTALL_PYTHONDIR ${CMAKE_INSTALL_LIBDIR}/pyasm/python)

# The exported names, and the static library's usage requirements as an
# installed target needs them (its include folder relative to the prefix;
# C++20, which the headers use). pyasm_lib's other interface include
# folders, if it ever gets any, must be added here too.
set_target_properties(pyasm_shared PROPERTIES EXPORT_NAME pyasm)
set_target_properties(pyasm_lib PROPERTIES EXPORT_NAME pyasm_static)
set_target_properties(pyasm PROPERTIES EXPORT_NAME pyasm_cli)
set_property(TARGET pyasm_lib PROPERTY INTERFACE_INCLUDE_DIRECTORIES
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_compile_features(pyasm_lib INTERFACE cxx_std_20)

install(TARGETS pyasm pyasm_shared pyasm_lib EXPORT pyasmTargets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
file(GLOB PYASM_PUBLIC_HEADERS CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/include/pyasm/*.h ${PROJECT_SOURCE_DIR}/include/pyasm/*.hpp)
install(FILES ${PYASM_PUBLIC_HEADERS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/pyasm)
install(FILES ${PROJECT_SOURCE_DIR}/python/pyasm.py DESTINATION ${PYASM_INSTALL_PYTHONDIR})
# OPTIONAL rather than if(EXISTS): asked at install time, so a page added
# after the last configure is installed too.
install(FILES ${PROJECT_SOURCE_DIR}/docs/pyasm.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 OPTIONAL)

# find_package(pyasm): the targets, pyasm_add_pyc() and PYASM_PYTHON_DIR.
install(EXPORT pyasmTargets NAMESPACE pyasm:: DESTINATION ${PYASM_INSTALL_CMAKEDIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/pyasmConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/pyasmConfig.cmake
  INSTALL_DESTINATION ${PYASM_INSTALL_CMAKEDIR}
  PATH_VARS PYASM_INSTALL_PYTHONDIR)
# 0.x: a new minor version may break what the old one offered.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/pyasmConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/pyasmConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/pyasmConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/pyasm_add_pyc.cmake
        DESTINATION ${PYASM_INSTALL_CMAKEDIR})

# pkg-config: the prefix is found from the .pc file's own place
# (${pcfiledir}), so `cmake --install --prefix DIR` needs no reconfigure.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(PYASM_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH PYASM_PC_UP /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
  set(PYASM_PC_PREFIX "\${pcfiledir}/${PYASM_PC_UP}")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/pyasm.pc.in ${CMAKE_CURRENT_BINARY_DIR}/pyasm.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/pyasm.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
