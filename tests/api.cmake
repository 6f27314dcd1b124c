# The C API and the Python module (docs/api.md). Included from
# tests/CMakeLists.txt.
#
#   capi             tests/capi_test.c, compiled as C, against libpyasm.so
#   python-api-3.X   tests/python_api_test.py run by each pyenv interpreter
#                    (77 = skipped: that version is not installed)
add_executable(capi_test ${CMAKE_CURRENT_LIST_DIR}/capi_test.c)
set_target_properties(capi_test PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
find_package(Threads REQUIRED)
target_link_libraries(capi_test PRIVATE pyasm::pyasm Threads::Threads)
target_compile_options(capi_test PRIVATE -Wall -Wextra -pedantic)
add_test(NAME capi COMMAND capi_test)

find_program(PYASM_TEST_PYTHON NAMES python3)
if(PYASM_TEST_PYTHON)
  # Python is not built with the sanitizers: their runtime must be loaded
  # first (LD_PRELOAD) for it to load an instrumented libpyasm.so.
  set(api_env PYASM_LIBRARY=$<TARGET_FILE:pyasm_shared>)
  if(PYASM_SANITIZE)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      set(asan_runtime libasan.so)
    else()
      set(asan_runtime libclang_rt.asan-${CMAKE_SYSTEM_PROCESSOR}.so)
    endif()
    execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=${asan_runtime}
                    OUTPUT_VARIABLE asan_path OUTPUT_STRIP_TRAILING_WHITESPACE)
    # CPython's own allocations are not leaks worth reporting here.
    list(APPEND api_env LD_PRELOAD=${asan_path} ASAN_OPTIONS=detect_leaks=0)
  endif()
  foreach(ver 3.6 3.7 3.8 3.9 3.10 3.11 3.12 3.13)
    add_test(NAME python-api-${ver}
             COMMAND ${PYASM_TEST_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/python_api_test.py
                     --version ${ver} --module-dir ${PROJECT_SOURCE_DIR}/python)
    set_tests_properties(python-api-${ver} PROPERTIES
      SKIP_RETURN_CODE 77 TIMEOUT 120 ENVIRONMENT "${api_env}")
  endforeach()
endif()
