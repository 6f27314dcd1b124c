# `cmake --install` of this build into a temporary prefix, then a project
# that uses it (tests/install/consumer: find_package, pyasm_add_pyc, the C
# and C++ APIs) and a compile through pkg-config (tests/install/run.cmake;
# docs/install.md). Included from tests/CMakeLists.txt; needs everything
# built (`cmake --build`), as `cmake --install` does.
find_program(PYASM_TEST_PYTHON NAMES python3)
add_test(NAME install
         COMMAND ${CMAKE_COMMAND}
                 -DBUILD_DIR=${CMAKE_BINARY_DIR}
                 -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
                 -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/install-test
                 -DPYTHON=${PYASM_TEST_PYTHON}
                 -DC_COMPILER=${CMAKE_C_COMPILER}
                 -DCXX_COMPILER=${CMAKE_CXX_COMPILER}
                 -DVERSION=${PROJECT_VERSION}
                 -DSANITIZE=${PYASM_SANITIZE}
                 -P ${CMAKE_CURRENT_LIST_DIR}/install/run.cmake)
set_tests_properties(install PROPERTIES TIMEOUT 180)
