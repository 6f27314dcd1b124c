# The install test (tests/install.cmake runs it: cmake -P, with -D BUILD_DIR,
# SOURCE_DIR, WORK_DIR, PYTHON, C_COMPILER, CXX_COMPILER, VERSION, SANITIZE).
#  1. cmake --install BUILD_DIR into WORK_DIR/prefix; the files are there,
#     libpyasm.so exports only pyasm_* and has its SONAME;
#  2. tests/install/consumer configured against it (find_package(pyasm)) and
#     built: a C program on pyasm::pyasm, a C++ one on pyasm::pyasm_static,
#     two .pyc by pyasm_add_pyc, which python3.11 runs (when installed);
#  3. the C program compiled again with `pkg-config --cflags --libs pyasm`
#     (skipped without pkg-config);
#  4. the installed Python module finds the installed library by itself.
cmake_minimum_required(VERSION 3.20)
set(prefix ${WORK_DIR}/prefix)
set(consumer ${WORK_DIR}/consumer-build)
string(REGEX MATCH "^[0-9]+\\.[0-9]+" soversion "${VERSION}")
if(SANITIZE)
  # What the library was built with, the programs that load it need too.
  set(san_flags "-fsanitize=address,undefined")
endif()

# Runs a command; fails the test, with its output, unless it exits 0.
# The output is left in `out`.
function(must)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "install test: `${cmd}` failed (${rc}):\n${o}${e}")
  endif()
  set(out "${o}" PARENT_SCOPE)
endfunction()

function(expect what got want)
  if(NOT got STREQUAL want)
    message(FATAL_ERROR "install test: ${what}: got '${got}', expected '${want}'")
  endif()
  message(STATUS "ok: ${what}")
endfunction()

# 1. The installed tree.
file(REMOVE_RECURSE ${WORK_DIR})
must(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
set(files bin/pyasm lib/libpyasm.so lib/libpyasm.so.${soversion} lib/libpyasm.so.${VERSION}
    lib/libpyasm.a include/pyasm/pyasm.h include/pyasm/assembler.hpp
    lib/cmake/pyasm/pyasmConfig.cmake lib/cmake/pyasm/pyasmConfigVersion.cmake
    lib/cmake/pyasm/pyasmTargets.cmake lib/cmake/pyasm/pyasm_add_pyc.cmake
    lib/pkgconfig/pyasm.pc lib/pyasm/python/pyasm.py)
if(EXISTS ${SOURCE_DIR}/docs/pyasm.1)
  list(APPEND files share/man/man1/pyasm.1)
endif()
foreach(f IN LISTS files)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "install test: ${f} was not installed")
  endif()
endforeach()
message(STATUS "ok: ${prefix}: every file installed")

find_program(NM nm)
if(NM)
  must(${NM} -D --defined-only ${prefix}/lib/libpyasm.so)
  string(REGEX MATCHALL "[^\n]+" lines "${out}")
  set(others "")
  foreach(line IN LISTS lines)
    if(NOT line MATCHES " pyasm_[a-z_]+$")
      list(APPEND others "${line}")
    endif()
  endforeach()
  expect("libpyasm.so exports only pyasm_*" "${others}" "")
endif()
find_program(READELF readelf)
if(READELF)
  must(${READELF} -d ${prefix}/lib/libpyasm.so)
  string(REGEX MATCH "soname: \\[[^]]*\\]" soname "${out}")
  expect("SONAME" "${soname}" "soname: [libpyasm.so.${soversion}]")
endif()

# 2. A project using it.
must(${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR}/consumer -B ${consumer}
     -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release
     -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
     "-DCMAKE_C_FLAGS=${san_flags}" "-DCMAKE_CXX_FLAGS=${san_flags}")
must(${CMAKE_COMMAND} --build ${consumer} --parallel 2)
must(${consumer}/use_c_api)
expect("C API through find_package" "${out}" "c api ok, pyasm ${VERSION}\n")
must(${consumer}/use_cxx_api)
expect("C++ API through find_package" "${out}" "c++ api ok\n")
file(READ ${consumer}/outputs.txt outputs)
expect("pyasm_add_pyc OUTPUTS" "${outputs}"
       "${consumer}/hello.pyc;${consumer}/greet/greet.pyc")
file(READ ${consumer}/python_dir.txt python_dir)
expect("PYASM_PYTHON_DIR" "${python_dir}" "${prefix}/lib/pyasm/python")
must(${prefix}/bin/pyasm build --help)
if(out MATCHES "-MD")
  file(READ ${consumer}/hello.pyc.d depfile)
  expect("pyasm_add_pyc's depfile" "${depfile}"
         "${consumer}/hello.pyc: ${CMAKE_CURRENT_LIST_DIR}/consumer/hello.pyasm\n")
endif()
if(PYTHON)
  # (No ';' in a -c program: must() would split the argument there.)
  must(${PYTHON} -c "import sys\nsys.path.insert(0, sys.argv[1])\n\
from interpreters import find_interpreter\nprint(find_interpreter('3.11') or '')"
       ${SOURCE_DIR}/tools)
  string(STRIP "${out}" python311)
endif()
if(python311)
  must(${python311} ${consumer}/hello.pyc)
  expect("python3.11 hello.pyc" "${out}" "hello from pyasm_add_pyc\n")
  must(${python311} ${consumer}/greet/greet.pyc)
  expect("python3.11 greet/greet.pyc" "${out}" "greetings\n")
else()
  message(STATUS "skipped: running the pycs (no python3.11)")
endif()

# 3. pkg-config.
find_program(PKG_CONFIG pkg-config)
if(PKG_CONFIG)
  set(pc_env ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${prefix}/lib/pkgconfig)
  must(${pc_env} ${PKG_CONFIG} --modversion pyasm)
  expect("pkg-config --modversion pyasm" "${out}" "${VERSION}\n")
  must(${pc_env} ${PKG_CONFIG} --cflags --libs pyasm)
  separate_arguments(pc_flags UNIX_COMMAND "${out}")
  separate_arguments(san UNIX_COMMAND "${san_flags}")
  must(${C_COMPILER} ${san} ${CMAKE_CURRENT_LIST_DIR}/consumer/main.c ${pc_flags}
       -Wl,-rpath,${prefix}/lib -o ${WORK_DIR}/use_c_api_pkgconfig)
  must(${WORK_DIR}/use_c_api_pkgconfig)
  expect("C API through pkg-config" "${out}" "c api ok, pyasm ${VERSION}\n")
else()
  message(STATUS "skipped: pkg-config (not installed)")
endif()

# 4. The installed Python module, with no PYASM_LIBRARY to help it (not
# under the sanitizers: python3 would need their runtime preloaded).
if(PYTHON AND NOT SANITIZE)
  must(${CMAKE_COMMAND} -E env --unset=PYASM_LIBRARY ${PYTHON} -c
       "import sys\nsys.path.insert(0, sys.argv[1])\nimport pyasm\n\
print(pyasm.library_version(), pyasm.disassemble(pyasm.assemble_pyc('RESUME 0\\nRETURN_CONST 1', python='3.12')).count('RETURN_CONST'))"
       ${prefix}/lib/pyasm/python)
  expect("the installed pyasm.py" "${out}" "${VERSION} 1\n")
endif()
message(STATUS "install test: passed")
