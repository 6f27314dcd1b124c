#!/usr/bin/env python3
"""Output files are written atomically: after an error, a failed write or a
SIGKILL in the middle of writing, the previous output is intact and nothing
else is left in its folder (no partial file, no temporary file).

One window is left, and allowed here: replacing an existing output needs a
named temporary file (Linux cannot rename an unnamed one over a file), so a
SIGKILL in the microseconds between naming it and the rename leaves that
temporary file, complete, beside the intact output. Where no output exists
yet, pyasm names the finished file the output directly, and no moment
leaves anything else.

    check_atomic_write.py PYASM

The kill: `pyasm build` of a generated 9 MB .pyasm (an 8 MB pyc) is watched
through /proc/PID/fd and killed with SIGKILL the moment it holds a file open
in the output folder, i.e. while it writes; then at spread-out moments of
the run. Each time the output must be the old file or the complete new one.
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

OLD = b"previous output\n"
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def big_text(n=60000):
    lines = [".python 3.11", "    RESUME 0"]
    for i in range(n):
        lines += ["    LOAD_CONST %r" % (("s%d" % i) * 20), "    POP_TOP"]
    return "\n".join(lines + ["    LOAD_CONST None", "    RETURN_VALUE", ""])


def listing(d):
    return sorted(os.listdir(d))


def kill_while_open(pyasm, src, out, outdir):
    """Starts a build and kills it when it holds a file in `outdir` open.
    True if it was caught in the act."""
    p = subprocess.Popen([pyasm, "build", src, "-o", out], stderr=subprocess.DEVNULL)
    fd_dir = "/proc/%d/fd" % p.pid
    caught = False
    while p.poll() is None:
        try:
            for fd in os.listdir(fd_dir):
                target = os.readlink(os.path.join(fd_dir, fd))
                if target.startswith(outdir + "/"):
                    p.send_signal(signal.SIGKILL)
                    caught = True
                    break
        except OSError:
            pass  # it exited (or closed the fd) while we looked
        if caught:
            break
    p.wait()
    return caught and p.returncode == -signal.SIGKILL


def main():
    pyasm = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        src_dir = os.path.join(tmp, "src")
        outdir = os.path.join(tmp, "out")
        os.mkdir(src_dir)
        os.mkdir(outdir)
        big = os.path.join(src_dir, "big.pyasm")
        with open(big, "w") as f:
            f.write(big_text())
        bad = os.path.join(src_dir, "bad.pyasm")
        with open(bad, "w") as f:
            f.write(".python 3.11\n    RESUME 0\n    NOT_AN_OPCODE\n")
        badpyc = os.path.join(src_dir, "bad.pyc")
        with open(badpyc, "wb") as f:
            f.write(b"\xa7\r\r\n" + b"\0" * 12 + b"N")
        out = os.path.join(outdir, "out.pyc")
        ref = os.path.join(src_dir, "ref.pyc")
        start = time.monotonic()
        subprocess.run([pyasm, "build", big, "-o", ref], check=True)
        run_time = time.monotonic() - start
        new = open(ref, "rb").read()

        def reset():
            for n in os.listdir(outdir):
                p = os.path.join(outdir, n)
                os.rmdir(p) if os.path.isdir(p) else os.unlink(p)
            with open(out, "wb") as f:
                f.write(OLD)

        leftovers = []

        def others(killed):
            """The folder's names but the output; after a SIGKILL, a complete
            temporary file of the new output (the window above) is counted
            and removed."""
            rest = [n for n in listing(outdir) if n != "out.pyc"]
            for n in list(rest):
                p = os.path.join(outdir, n)
                if (killed and n.startswith("out.pyc.tmp") and os.path.isfile(p)
                        and open(p, "rb").read() == new):
                    leftovers.append(n)
                    os.unlink(p)
                    rest.remove(n)
            return rest

        def intact(what, allow_new=False, killed=False):
            data = open(out, "rb").read()
            check(data == OLD or (allow_new and data == new),
                  what + ": the output is the previous file" + (" or the new one" if allow_new
                                                                 else ""))
            rest = others(killed)
            check(not rest, what + ": nothing else in the folder (%s)" % ", ".join(rest))

        reset()
        r = subprocess.run([pyasm, "build", bad, "-o", out], stderr=subprocess.DEVNULL)
        check(r.returncode == 1, "build with errors exits 1")
        intact("build with errors")
        r = subprocess.run([pyasm, "disasm", badpyc, "-o", out], stderr=subprocess.DEVNULL)
        check(r.returncode == 1, "disasm of a bad pyc exits 1")
        intact("disasm of a bad pyc")

        # A write that fails at the rename: the output path is a folder.
        reset()
        os.mkdir(os.path.join(outdir, "sub"))
        r = subprocess.run([pyasm, "build", big, "-o", os.path.join(outdir, "sub")],
                           stderr=subprocess.DEVNULL)
        check(r.returncode == 1, "build onto a folder exits 1")
        check(listing(outdir) == ["out.pyc", "sub"] and not os.listdir(os.path.join(outdir, "sub")),
              "build onto a folder leaves no temporary file (%s)" % ", ".join(listing(outdir)))

        caught = 0
        for _ in range(5):
            reset()
            if kill_while_open(pyasm, big, out, outdir):
                caught += 1
                intact("SIGKILL while the output is open", killed=True)
        check(caught > 0, "caught pyasm with its output open and killed it (%d of 5 tries)"
              % caught)

        for i in range(1, 6):
            reset()
            p = subprocess.Popen([pyasm, "build", big, "-o", out], stderr=subprocess.DEVNULL)
            time.sleep(run_time * i / 5)
            p.send_signal(signal.SIGKILL)
            p.wait()
            intact("SIGKILL after %d%% of a run" % (i * 20), allow_new=True, killed=True)

        # No output yet: the finished file is linked in under the output's
        # name at once, so a kill at any moment leaves nothing or the output.
        for i in range(1, 6):
            reset()
            os.unlink(out)
            p = subprocess.Popen([pyasm, "build", big, "-o", out], stderr=subprocess.DEVNULL)
            time.sleep(run_time * i / 5)
            p.send_signal(signal.SIGKILL)
            p.wait()
            names = listing(outdir)
            check(names == [] or (names == ["out.pyc"] and open(out, "rb").read() == new),
                  "SIGKILL after %d%% of a run with no output yet: nothing, or the complete "
                  "output (%s)" % (i * 20, ", ".join(names)))
        reset()
        os.unlink(out)
        subprocess.run([pyasm, "build", big, "-o", out], check=True)
        check(listing(outdir) == ["out.pyc"] and open(out, "rb").read() == new,
              "a build with no output yet writes it, and nothing else")

        if leftovers:
            print("note: %d kill(s) landed between naming the temporary file and the rename "
                  "(%s), each a complete copy of the new output" % (len(leftovers),
                                                                    ", ".join(leftovers)))
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
