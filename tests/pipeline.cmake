# The command line's pipeline features (docs/cli.md), beyond tests/cli_test.sh:
#   cli-pipeline  headers against py_compile, opcodes against dis.opmap and
#                 `pyasm run`, on every installed interpreter; colours on a pty
#   cli-docs      docs/cli.md, docs/pyasm.1 and editors/completion/ list the
#                 options `pyasm COMMAND --help` lists
# Included from tests/CMakeLists.txt.
find_program(PYASM_TEST_PYTHON NAMES python3)
if(PYASM_TEST_PYTHON)
  add_test(NAME cli-pipeline
           COMMAND ${PYASM_TEST_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_cli_pipeline.py
                   $<TARGET_FILE:pyasm>)
  # 77: none of the interpreters is installed here.
  set_tests_properties(cli-pipeline PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
  add_test(NAME cli-docs
           COMMAND ${PYASM_TEST_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_cli_docs.py
                   $<TARGET_FILE:pyasm>)
endif()
