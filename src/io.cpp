#include "pyasm/io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>

namespace pyasm {

std::optional<std::string> read_input(const std::string& path, std::string& error) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  auto fail = [&](int err) {
    error = path + ": " + std::strerror(err);
    return std::nullopt;
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(errno);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return fail(err);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    error = path + ": is a directory";
    return std::nullopt;
  }
  // One read of the size fstat gives (and one more to see the end); a pipe
  // or a file that grows is read on until its end.
  std::string data;
  size_t want = S_ISREG(st.st_mode) ? static_cast<size_t>(st.st_size) + 1 : 65536;
  data.resize(want);
  size_t done = 0;
  for (;;) {
    if (done == data.size()) data.resize(data.size() * 2);
    ssize_t n = ::read(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return fail(err);
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  data.resize(done);
  return data;
}

namespace {

bool write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t w = ::write(fd, data.data() + done, data.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    done += static_cast<size_t>(w);
  }
  return true;
}

// A file in the output's folder with no name (Linux O_TMPFILE): a kill while
// it is written leaves nothing behind. It gets a name only once it is
// complete: the output's own where no file has it (one linkat, nothing to
// clean up at any moment), else a temporary one just before the rename
// (linkat cannot replace a file; a SIGKILL between the two leaves that
// complete temporary file). -1 where the file system cannot do it.
int open_unnamed(const std::string& path) {
#ifdef O_TMPFILE
  auto slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  return ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
#else
  (void)path;
  return -1;
#endif
}

// Writes `data` into an unnamed file and names it `path` if nothing has
// that name (2: done), else `tmp` (path + a unique suffix; 1: done, the
// caller renames it). 0: failed, errno set; -1: not possible here (no
// O_TMPFILE, no /proc), nothing written.
int write_unnamed(const std::string& path, const std::string& data, std::string& tmp) {
  int fd = open_unnamed(path);
  if (fd < 0) return -1;
  if (!write_all(fd, data)) {
    int err = errno;
    ::close(fd);
    errno = err;
    return 0;
  }
  std::string proc = "/proc/self/fd/" + std::to_string(fd);
  int linked = -1;
  if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW) == 0) {
    tmp = path;
    linked = 2;
  }
  for (int i = 0; i < 100 && linked < 0 && errno == EEXIST; ++i) {
    tmp = path + ".tmp" + std::to_string(::getpid()) + "-" + std::to_string(i);
    if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, tmp.c_str(), AT_SYMLINK_FOLLOW) == 0)
      linked = 1;
    else if (errno != EEXIST)
      break;
  }
  int err = errno;
  if (::close(fd) != 0 && linked > 0) {
    err = errno;
    ::unlink(tmp.c_str());
    linked = 0;
  }
  errno = err;
  return linked;
}

// The same with mkstemp: a kill while it writes leaves the temporary file.
bool write_named(const std::string& path, const std::string& data, std::string& tmp) {
  tmp = path + ".tmpXXXXXX";
  int fd = mkstemp(tmp.data());
  if (fd < 0) return false;
  // mkstemp makes the file 0600; give it the usual mode for new files.
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  bool ok = write_all(fd, data);
  int err = errno;
  if (::close(fd) != 0 && ok) ok = false, err = errno;
  if (!ok) ::unlink(tmp.c_str());
  errno = err;
  return ok;
}

}  // namespace

bool write_output(const std::string& path, const std::string& data, std::string& error) {
  if (path == "-") {
    if (write_all(STDOUT_FILENO, data)) return true;
    error = std::string("standard output: ") + std::strerror(errno);
    return false;
  }
  std::string tmp;
  int done = write_unnamed(path, data, tmp);
  if (done == 2) return true;
  if (done < 0) done = write_named(path, data, tmp);
  if (done == 1) {
    if (std::rename(tmp.c_str(), path.c_str()) == 0) return true;
    int err = errno;
    ::unlink(tmp.c_str());
    errno = err;
  }
  error = path + ": " + std::strerror(errno ? errno : EIO);
  return false;
}

std::optional<Version> host_python_version() {
  FILE* p = popen("python3 -c 'import sys; print(\"%d.%d\" % sys.version_info[:2])' 2>/dev/null",
                  "r");
  if (!p) return std::nullopt;
  char buf[32] = {};
  size_t n = fread(buf, 1, sizeof buf - 1, p);
  int status = pclose(p);
  if (status != 0 || n == 0) return std::nullopt;
  std::string s(buf, n);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return parse_version(s);
}

}  // namespace pyasm
