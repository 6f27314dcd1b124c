// pyasm run: assemble into a temporary pyc and run it with the matching
// interpreter; the program's exit status is pyasm's.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

#include "assemble_input.hpp"
#include "common.hpp"
#include "pyasm/io.hpp"

extern char** environ;

namespace pyasm::cli {

namespace {

struct RunArgs {
  std::string input, python, interpreter;
  std::vector<std::string> args;
  std::vector<std::string> include_dirs;
  bool no_verify = false;
  DiagOptions diag;
};

// A private folder for the pyc, removed with it.
class TempDir {
 public:
  bool create() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/pyasm-run-XXXXXX";
    if (!::mkdtemp(pattern.data())) return false;
    path_ = pattern;
    return true;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs argv[0] (searched on PATH) and waits. Like system(), pyasm ignores
// SIGINT and SIGQUIT meanwhile, so ^C reaches the program and pyasm still
// cleans up. The program's exit status, 128 + N when signal N ended it;
// 127 (not found) or 126 (cannot be run) like env(1).
int spawn_and_wait(const std::vector<std::string>& argv, bool hint, bool color) {
  std::vector<char*> cargv;
  for (const std::string& s : argv) cargv.push_back(const_cast<char*>(s.c_str()));
  cargv.push_back(nullptr);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGQUIT);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  struct sigaction ignore {}, old_int {}, old_quit {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGINT, &ignore, &old_int);
  sigaction(SIGQUIT, &ignore, &old_quit);
  pid_t pid;
  int err = posix_spawnp(&pid, cargv[0], nullptr, &attr, cargv.data(), environ);
  posix_spawnattr_destroy(&attr);
  int status = 0;
  if (err == 0)
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGQUIT, &old_quit, nullptr);
  if (err != 0) {
    std::cerr << message(Severity::kError,
                         "cannot run " + argv[0] + ": " + std::strerror(err) +
                             (err == ENOENT && hint ? " (name one with --interpreter)" : ""),
                         color);
    return err == ENOENT ? 127 : 126;
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

int run(const RunArgs& a) {
  bool color = a.diag.use_color();
  auto v = parse_python_option(a.python, color);
  if (!v.ok) return kUsage;
  AssembleSettings settings;
  settings.version = v.version;
  settings.verify = !a.no_verify;
  settings.include_dirs = a.include_dirs;
  settings.diag = a.diag;
  Assembled built = assemble_input(a.input, settings);
  std::cerr << built.messages;
  if (!built.pyc) return kInputError;
  TempDir dir;
  if (!dir.create()) {
    std::cerr << message(Severity::kError,
                         std::string("a temporary folder: ") + std::strerror(errno), color);
    return kInputError;
  }
  // Named after the input, so the program's __file__ and argv[0] say what it is.
  std::string stem = a.input == "-" ? "stdin" : std::filesystem::path(a.input).stem().string();
  std::string pyc = dir.path() + "/" + stem + ".pyc";
  std::string err;
  if (!write_output(pyc, *built.pyc, err)) {
    std::cerr << message(Severity::kError, err, color);
    return kInputError;
  }
  std::string python = a.interpreter;
  if (python.empty()) python = "python" + pyc_version(*built.pyc)->str();
  std::vector<std::string> argv{python, pyc};
  argv.insert(argv.end(), a.args.begin(), a.args.end());
  return spawn_and_wait(argv, a.interpreter.empty(), color);
}

}  // namespace

Command add_run_command(CLI::App& app) {
  auto a = std::make_shared<RunArgs>();
  CLI::App* r = app.add_subcommand(
      "run", "Assemble a .pyasm file and run it with its CPython; exit with the program's status");
  r->add_option("input", a->input, "Input .pyasm file ('-' for standard input)")
      ->required()
      ->type_name("FILE");
  r->add_option("args", a->args, "Arguments for the program (after --)")->type_name("ARG");
  r->add_option("--python", a->python, "Target CPython version, e.g. 3.11")->type_name("3.X");
  r->add_option("--interpreter", a->interpreter,
                "The Python to run (default: python3.X on PATH for the target 3.X)")
      ->type_name("PATH");
  r->add_option("-I,--include-dir", a->include_dirs,
                "Search DIR for .include files (after the including file's folder)")
      ->type_name("DIR")
      ->allow_extra_args(false);
  r->add_flag("--no-verify", a->no_verify,
              "Skip the bytecode verifier (docs/verifier.md): the program may crash CPython");
  add_diag_options(r, a->diag);
  r->footer(R"(
Examples:
  pyasm run hello.pyasm                   assemble, run with python3.X (X: the target)
  pyasm run prog.pyasm -- -v input.txt    the program's sys.argv[1:] is ['-v', 'input.txt']
  pyasm run --interpreter ~/.pyenv/versions/3.8.18/bin/python3 prog.pyasm

The pyc is written to a temporary folder ($TMPDIR, else /tmp) named after the
input, and removed after the run. Exit status: the program's (128 + N when
signal N ended it); 1 errors in the input, 2 usage errors, 126/127 when the
interpreter cannot be run or is not found.
)");
  return {r, [a] { return run(*a); }};
}

}  // namespace pyasm::cli
