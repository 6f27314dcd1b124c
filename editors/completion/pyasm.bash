# bash completion for pyasm (docs/cli.md). Source it, or install it as
# share/bash-completion/completions/pyasm. The option lists are checked
# against `pyasm COMMAND --help` by tests/check_cli_docs.py.

_pyasm_commands="build check disasm run opcodes version"
_pyasm_diag_opts="-q --quiet --color --error-limit"
_pyasm_opts_build="-h --help -o --output -d --output-dir --python -I --include-dir -j --jobs --no-verify --invalidation-mode --source -MD -MF -MP $_pyasm_diag_opts"
_pyasm_opts_check="-h --help --python -I --include-dir -j --jobs $_pyasm_diag_opts"
_pyasm_opts_disasm="-h --help -o --output -d --output-dir -j --jobs --stats $_pyasm_diag_opts"
_pyasm_opts_run="-h --help --python --interpreter -I --include-dir --no-verify $_pyasm_diag_opts"
_pyasm_opts_opcodes="-h --help --python"
_pyasm_opts_version="-h --help"

_pyasm() {
  local cur prev cmd i
  COMPREPLY=()
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD - 1]}
  cmd=
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      build | check | disasm | run | opcodes | version) cmd=${COMP_WORDS[i]}; break ;;
    esac
  done
  if [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W "$_pyasm_commands -h --help --version" -- "$cur"))
    return
  fi
  # After `run FILE --` the words are the program's: complete files.
  for ((i = i + 1; i < COMP_CWORD; i++)); do
    if [[ $cmd == run && ${COMP_WORDS[i]} == -- ]]; then
      COMPREPLY=($(compgen -f -- "$cur"))
      return
    fi
  done
  case $prev in
    --python) COMPREPLY=($(compgen -W "3.6 3.7 3.8 3.9 3.10 3.11 3.12 3.13" -- "$cur")); return ;;
    --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    --invalidation-mode)
      COMPREPLY=($(compgen -W "timestamp checked-hash unchecked-hash" -- "$cur")); return ;;
    -d | --output-dir | -I | --include-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    -o | --output | -MF | --interpreter) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --source) COMPREPLY=($(compgen -f -X '!*.py' -- "$cur") $(compgen -d -- "$cur")); return ;;
    -j | --jobs | --error-limit) return ;;
  esac
  if [[ $cur == -* ]]; then
    local opts=_pyasm_opts_$cmd
    COMPREPLY=($(compgen -W "${!opts}" -- "$cur"))
    return
  fi
  case $cmd in
    build | check | run)
      COMPREPLY=($(compgen -f -X '!*.pyasm' -- "$cur") $(compgen -d -- "$cur")) ;;
    disasm)
      COMPREPLY=($(compgen -f -X '!*.pyc' -- "$cur") $(compgen -d -- "$cur")) ;;
    opcodes)
      # The names of the python3 on PATH's version (or --python's).
      local version=() w
      for ((i = 1; i < COMP_CWORD - 1; i++)); do
        [[ ${COMP_WORDS[i]} == --python ]] && version=(--python "${COMP_WORDS[i + 1]}")
      done
      w=$("${COMP_WORDS[0]}" opcodes "${version[@]}" 2>/dev/null |
        awk '$1 ~ /^[0-9]+$/ { print $2 }')
      COMPREPLY=($(compgen -W "$w" -- "$cur")) ;;
  esac
}

complete -o filenames -F _pyasm pyasm
