# pyasm_add_pyc(<target> [ALL] <source.pyasm>...
#               [PYTHON <3.X>] [NO_VERIFY] [OUTPUT_DIRECTORY <dir>]
#               [DEPFILE | NO_DEPFILE] [OUTPUTS <variable>])
#
# A custom target <target> that runs `pyasm build` on each source:
# <dir>/<source minus .pyasm>.pyc, <dir> being OUTPUT_DIRECTORY (default the
# current binary folder), the source's path relative to the current source
# folder kept under it (a source outside it: its file name alone). The
# source is passed by its absolute path, as CMake passes sources to a
# compiler: a module without `.filename` gets it as co_filename, as
# py_compile would; the depfile names absolute paths too.
#
#   ALL         build it with the default target
#   PYTHON      --python: the version of sources without a `.python` directive
#               (one that disagrees is an error)
#   NO_VERIFY   --no-verify: skip the bytecode verifier
#   DEPFILE     pass -MD -MF <pyc>.d and give CMake the depfile, so a change
#               to an `.include`d file rebuilds the pyc (needs a pyasm whose
#               `build --help` lists -MD). The default: on when it does.
#   NO_DEPFILE  never
#   OUTPUTS     set <variable> to the list of .pyc paths
#
# The command is the imported target pyasm::pyasm_cli (find_package(pyasm)),
# else PYASM_EXECUTABLE, else `pyasm` on PATH. docs/install.md has an example.
include_guard(GLOBAL)

# Whether `pyasm build` takes -MD: asked once per executable and configure.
function(_pyasm_cli_has_depfile exe out_var)
  string(MAKE_C_IDENTIFIER "${exe}" key)
  get_property(known GLOBAL PROPERTY _pyasm_depfile_${key} SET)
  if(NOT known)
    set(has FALSE)
    if(EXISTS "${exe}")
      execute_process(COMMAND "${exe}" build --help OUTPUT_VARIABLE help ERROR_QUIET
                      RESULT_VARIABLE rc TIMEOUT 30)
      if(rc EQUAL 0 AND help MATCHES "-MD")
        set(has TRUE)
      endif()
    endif()
    set_property(GLOBAL PROPERTY _pyasm_depfile_${key} ${has})
  endif()
  get_property(has GLOBAL PROPERTY _pyasm_depfile_${key})
  set(${out_var} ${has} PARENT_SCOPE)
endfunction()

# The command to run and the file to ask -MD of ("" when not built yet).
function(_pyasm_cli command_var file_var)
  if(TARGET pyasm::pyasm_cli)
    set(${command_var} pyasm::pyasm_cli PARENT_SCOPE)
    get_target_property(imported pyasm::pyasm_cli IMPORTED)
    set(file "")
    if(imported)
      get_target_property(file pyasm::pyasm_cli LOCATION)
    endif()
    set(${file_var} "${file}" PARENT_SCOPE)
    return()
  endif()
  if(NOT PYASM_EXECUTABLE)
    find_program(PYASM_EXECUTABLE pyasm)
  endif()
  if(NOT PYASM_EXECUTABLE)
    message(FATAL_ERROR "pyasm_add_pyc: no pyasm command: find_package(pyasm) or set PYASM_EXECUTABLE")
  endif()
  set(${command_var} "${PYASM_EXECUTABLE}" PARENT_SCOPE)
  set(${file_var} "${PYASM_EXECUTABLE}" PARENT_SCOPE)
endfunction()

function(pyasm_add_pyc target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "ALL;NO_VERIFY;DEPFILE;NO_DEPFILE"
                        "PYTHON;OUTPUT_DIRECTORY;OUTPUTS" "")
  if(NOT arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "pyasm_add_pyc(${target}): no .pyasm sources")
  endif()
  if(arg_DEPFILE AND arg_NO_DEPFILE)
    message(FATAL_ERROR "pyasm_add_pyc(${target}): DEPFILE and NO_DEPFILE")
  endif()
  if(NOT arg_OUTPUT_DIRECTORY)
    set(arg_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  _pyasm_cli(command exe)
  set(depfile FALSE)
  if(arg_DEPFILE)
    set(depfile TRUE)
  elseif(NOT arg_NO_DEPFILE AND exe)
    _pyasm_cli_has_depfile("${exe}" depfile)
  endif()
  set(options "")
  if(arg_PYTHON)
    list(APPEND options --python ${arg_PYTHON})
  endif()
  if(arg_NO_VERIFY)
    list(APPEND options --no-verify)
  endif()

  set(outputs "")
  foreach(source IN LISTS arg_UNPARSED_ARGUMENTS)
    cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
               OUTPUT_VARIABLE abs)
    cmake_path(IS_PREFIX CMAKE_CURRENT_SOURCE_DIR "${abs}" NORMALIZE inside)
    if(inside)
      cmake_path(RELATIVE_PATH abs BASE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
                 OUTPUT_VARIABLE rel)
    else()
      cmake_path(GET abs FILENAME rel)
    endif()
    string(REGEX REPLACE "\\.pyasm$" "" rel "${rel}")
    set(out ${arg_OUTPUT_DIRECTORY}/${rel}.pyc)
    cmake_path(GET out PARENT_PATH out_dir)
    set(dep_args "")
    set(dep_option "")
    if(depfile)
      set(dep_args -MD -MF ${out}.d)
      set(dep_option DEPFILE ${out}.d)
    endif()
    add_custom_command(
      OUTPUT ${out}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
      COMMAND ${command} build ${options} ${dep_args} ${abs} -o ${out}
      DEPENDS ${abs} ${command}
      ${dep_option}
      COMMENT "pyasm build ${source}"
      VERBATIM)
    list(APPEND outputs ${out})
  endforeach()

  set(all "")
  if(arg_ALL)
    set(all ALL)
  endif()
  add_custom_target(${target} ${all} DEPENDS ${outputs})
  if(arg_OUTPUTS)
    set(${arg_OUTPUTS} ${outputs} PARENT_SCOPE)
  endif()
endfunction()
