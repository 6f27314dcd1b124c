" pyasm: CPython bytecode assembly.
au BufRead,BufNewFile *.pyasm setfiletype pyasm
