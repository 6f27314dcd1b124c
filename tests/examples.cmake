# examples/ and the manual (included from tests/CMakeLists.txt):
#
#   docs-getting-started, docs-cookbook
#                       tests/check_docs.py over docs/getting-started.md and
#                       docs/cookbook.md, as for the other docs: every .pyasm
#                       example assembles, and prints what the page says
#   docs-index          docs/README.md names every page of docs/, and its links
#                       lead to files that exist
#   examples-package    examples/package's Makefile on a copy: the program's
#                       output, no-op rebuilds, exactly the includers of
#                       common.pyasm rebuilt when it changes, make -j4 clean all
#   examples-getting-started, examples-cookbook
#                       the shell sessions of those pages, run for real
#                       (tests/check_examples.py says how they are marked)
#
# 77 = skipped: make, bash or CPython 3.11 (the examples' version) is missing.
find_program(PYASM_TEST_PYTHON NAMES python3)
if(PYASM_TEST_PYTHON)
  foreach(doc getting-started cookbook)
    add_test(NAME docs-${doc}
             COMMAND ${PYASM_TEST_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_docs.py
                     $<TARGET_FILE:pyasm> ${PROJECT_SOURCE_DIR}/docs/${doc}.md)
    set_tests_properties(docs-${doc} PROPERTIES SKIP_RETURN_CODE 77)
  endforeach()

  add_test(NAME docs-index
           COMMAND ${PYASM_TEST_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_examples.py
                   index ${PROJECT_SOURCE_DIR}/docs/README.md)

  add_test(NAME examples-package
           COMMAND ${PYASM_TEST_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_examples.py
                   --pyasm $<TARGET_FILE:pyasm> package)
  set_tests_properties(examples-package PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)

  # The cookbook's Python-module session needs libpyasm.so; a sanitized one
  # cannot be loaded by an uninstrumented Python without LD_PRELOAD (see
  # tests/api.cmake), so there it is skipped.
  set(examples_library)
  if(TARGET pyasm_shared AND NOT PYASM_SANITIZE)
    set(examples_library --library $<TARGET_FILE:pyasm_shared>)
  endif()
  foreach(doc getting-started cookbook)
    add_test(NAME examples-${doc}
             COMMAND ${PYASM_TEST_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_examples.py
                     --pyasm $<TARGET_FILE:pyasm> ${examples_library}
                     session ${PROJECT_SOURCE_DIR}/docs/${doc}.md)
    set_tests_properties(examples-${doc} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
  endforeach()
endif()
