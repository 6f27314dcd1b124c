/* The C API from an installed pyasm: assemble, then disassemble. */
#include <pyasm/pyasm.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  static const char text[] = ".python 3.12\n    RESUME 0\n    RETURN_CONST None\n";
  pyasm_result* pyc = pyasm_assemble(text, strlen(text), NULL);
  size_t size = 0;
  const char* bytes = pyasm_result_data(pyc, &size);
  if (!bytes) {
    fputs(pyasm_result_rendered(pyc), stderr);
    return 1;
  }
  pyasm_result* back = pyasm_disassemble(bytes, size, NULL);
  const char* again = pyasm_result_data(back, NULL);
  int ok = again && strstr(again, "RETURN_CONST") != NULL;
  printf("c api %s, pyasm %s\n", ok ? "ok" : "FAILED", pyasm_version());
  pyasm_result_free(back);
  pyasm_result_free(pyc);
  return ok ? 0 : 1;
}
