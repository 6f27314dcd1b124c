# The editor grammars under editors/ (tests/check_editors.py): the TextMate
# grammar run by VS Code's tokeniser (vscode-textmate from npm, installed into
# the build tree) and the Vim syntax run by a headless vim, over testdata/ and
# examples/. 77 = skipped: node, npm or the registry, or vim, is not there.
# Included from tests/CMakeLists.txt.
find_program(PYASM_TEST_PYTHON NAMES python3)
if(PYASM_TEST_PYTHON)
  add_test(NAME editors
           COMMAND ${PYASM_TEST_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_editors.py
                   --node-dir ${CMAKE_BINARY_DIR}/editors-node)
  set_tests_properties(editors PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)
endif()
