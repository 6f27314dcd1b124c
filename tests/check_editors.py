#!/usr/bin/env python3
"""The editor grammars under editors/ highlight .pyasm as pyasm reads it.

    check_editors.py [--node-dir DIR] [--no-self-check]

Every .pyasm file under testdata/, examples/ and editors/test/, plus a file
made here with every opcode and directive name, is cut into tokens by a port
of grammar/lexer.re, and each token is given the class it must have (EXPECTED
below): statement heads are opcodes or directives (known or unknown), a
`name:` at the start of a line is a label, and an identifier operand's class
depends on the statement (a label after a jump, a comparison word after
COMPARE_OP, a flag after .flags, ...). Then:

  TextMate  editors/pyasm.tmLanguage.json is run by vscode-textmate with
            vscode-oniguruma (VS Code's own tokeniser, from npm, installed
            into DIR, default build/editors-node) through
            editors/test/tokenize.js. Every line must tokenise, and every
            UTF-16 unit of every token must carry a scope that fully matches
            the class's scope (the scope names in editors/gen_grammar.py's
            CLASSES). Every non-blank character is in some token, so no
            character is left with only source.pyasm and meta.* scopes. After
            an unterminated string the rest of the line must be invalid.
  Vim       editors/vim is put on 'runtimepath' of a headless vim; each file
            must get filetype pyasm from ftdetect, and the first and last
            character of every token must have the class's syntax group
            (or one named after it) in synstack(). Vim is slow, so this half
            reads the smaller files (vim_sample) and the names file.
  Current   the committed grammars equal what editors/gen_grammar.py
            generates from the opcode tables now.
  Fails     the checks are able to fail: copies of the grammars with an opcode
            dropped, comments or labels unrecognised, must each be rejected.

Exit status: 0 all passed, 1 a check failed, 77 nothing failed but a half was
skipped (node/npm or vim not available; the message says which).
Standard library only.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EDITORS = os.path.join(ROOT, "editors")
sys.path.insert(0, EDITORS)
import gen_grammar  # noqa: E402

NPM_PACKAGES = ["vscode-textmate@9.3.2", "vscode-oniguruma@2.0.1"]

# --- The lexer (grammar/lexer.re), one line at a time -----------------------
# re2c takes the longest match, the earlier rule on a tie; each regex here is
# written so that Python's first-alternative match is that rule's longest.
IDENT = r"(?:[a-zA-Z_]|[^\x00-\x7f])(?:[a-zA-Z0-9_]|[^\x00-\x7f])*"
ANGLE = r"<[a-zA-Z_][a-zA-Z0-9_]*>"
DIGITPART = r"[0-9](?:_?[0-9])*"
INTEGER = r"0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|" + DIGITPART
POINTFLOAT = r"(?:%s)?\.%s|%s\." % (DIGITPART, DIGITPART, DIGITPART)
FLOATNUM = r"(?:%s)(?:[eE][+-]?%s)?|%s[eE][+-]?%s" % (POINTFLOAT, DIGITPART, DIGITPART, DIGITPART)
QUOTED = r"""'(?:[^'\\\n\x00]|\\[^\n\x00])*'|"(?:[^"\\\n\x00]|\\[^\n\x00])*\""""
RULES = [(kind, re.compile(rx)) for kind, rx in [
    ("space", r"[ \t\f\r]+"),
    ("comment", r"#[^\n\x00]*"),
    ("string", r"(?:[uU]|[rR])?(?:%s)" % QUOTED),
    ("bytes", r"(?:[bB][rR]|[rR][bB]|[bB])(?:%s)" % QUOTED),
    ("unterminated", r"(?:[bB][rR]|[rR][bB]|[uU]|[rR]|[bB])?['\"]"),
    ("directive", r"\." + IDENT),
    ("ident", r"\.\.\."),
    ("ident", r"%s|%s" % (IDENT, ANGLE)),
    ("code-ref", r"@(?:%s|%s)" % (IDENT, ANGLE)),
    ("raw", r"\$(?:%s)" % INTEGER),
    ("complex", r"(?:%s|%s)[jJ]" % (FLOATNUM, DIGITPART)),
    ("float", FLOATNUM),
    ("int", INTEGER),
    ("span", r"[0-9]+:[0-9]+-[0-9]+(?::[0-9]+)?"),
    ("comma", ","), ("colon", ":"), ("paren", r"[()]"), ("brace", r"[{}]"),
    ("operator", r"[+|-]"), ("operator", r"[<>=!*/%@&^~|+-]+"),
    ("bad-char", r"."),
]]


def lex(line):
    """[(kind, start, end)] of one line, without spaces; offsets in code points."""
    out, pos = [], 0
    while pos < len(line):
        best = None
        for kind, rx in RULES:
            m = rx.match(line, pos)
            if m and m.end() > pos and (best is None or m.end() > best[2]):
                best = (kind, pos, m.end())
        if best[0] != "space":
            out.append(best)
        pos = best[2]
    return out


# --- What each token must be ------------------------------------------------

def int_base(text):
    return {"x": "hexadecimal", "o": "octal", "b": "binary"}.get(text[1:2].lower(), "decimal") \
        if text[:1] == "0" else "decimal"


def classify(line, tables):
    """[(start, end, class, variant)] for the tokens of one line.

    A line is [NAME ':'] [HEAD operand...]: HEAD an identifier (an opcode, or
    unknown-opcode) or a directive (known or unknown-directive). Operands:
    literals, punctuation and operators by their token kind; a directive is
    misplaced; an identifier is a constant (None True False Ellipsis ...), a
    builtin when a '(' follows (frozenset float complex bool), one of the
    statement group's words (gen_grammar.GROUP_WORDS and the tables), or what
    the group makes other identifiers: a label after a jump or in .except/.try,
    .code's name then parameters, else a name. Tokens before any head (a line
    that starts with an operand) are operands of the default group.
    """
    toks = lex(line)
    out, i, group = [], 0, "default"
    if len(toks) >= 2 and toks[0][0] == "ident" and toks[1][0] == "colon" \
            and toks[0][2] - toks[0][1] > 0 and line[toks[0][1]] != ".":
        out += [(toks[0][1], toks[0][2], "label-def", None),
                (toks[1][1], toks[1][2], "label-colon", None)]
        i = 2
    if i < len(toks) and toks[i][0] in ("ident", "directive"):
        kind, s, e = toks[i]
        word = line[s:e]
        if kind == "directive":
            group = tables["directives"].get(word[1:])
            out.append((s, e, "directive" if group else "unknown-directive", None))
            group = group or "default"
        else:
            group = tables["opcodes"].get(word)
            out.append((s, e, "opcode" if group else "unknown-opcode", None))
            group = group or "default"
        i += 1
    words = {w: cls for cls, ws in tables["words"].get(group, []) for w in ws}
    seen_ident = False
    for j in range(i, len(toks)):
        kind, s, e = toks[j]
        text = line[s:e]
        if kind == "unterminated":
            out.append((s, len(line.rstrip()), "unterminated", None))
            break
        if kind == "directive":
            out.append((s, e, "misplaced-directive", None))
        elif kind == "ident":
            nxt = toks[j + 1][0] if j + 1 < len(toks) else None
            if group == "code":
                cls = "parameter" if seen_ident else "code-name"
            elif text in gen_grammar.CONSTANT_WORDS or text == "...":
                cls = "constant"
            elif nxt == "paren" and line[toks[j + 1][1]] == "(" \
                    and text in gen_grammar.BUILTIN_CALLS:
                cls = "builtin"
            else:
                cls = words.get(text, gen_grammar.GROUP_IDENT.get(group, "name"))
            seen_ident = True
            out.append((s, e, cls, None))
        elif kind in ("string", "bytes"):
            q = text.lstrip("uUrRbB")[0]
            out.append((s, e, kind, "single" if q == "'" else "double"))
        elif kind == "int":
            out.append((s, e, "int", int_base(text)))
        else:
            out.append((s, e, kind, None))
    return out


# --- TextMate ---------------------------------------------------------------

def tm_pattern(cls, variant):
    return re.compile(re.escape(gen_grammar.scope(cls, variant)))


def utf16_offsets(line):
    """offsets[i]: the UTF-16 offset of code point i (and of the end)."""
    offs, n = [], 0
    for ch in line:
        offs.append(n)
        n += 2 if ord(ch) > 0xFFFF else 1
    offs.append(n)
    return offs


def node_env(node_dir):
    """(env for node, None) with the npm packages in node_dir, or (None, why not)."""
    if not shutil.which("node"):
        return None, "node is not installed"
    modules = os.path.join(node_dir, "node_modules")
    wanted = {p.rsplit("@", 1)[0]: p.rsplit("@", 1)[1] for p in NPM_PACKAGES}

    def installed():
        for name, version in wanted.items():
            try:
                with open(os.path.join(modules, name, "package.json")) as f:
                    if json.load(f).get("version") != version:
                        return False
            except (OSError, ValueError):
                return False
        return True

    if not installed():
        if not shutil.which("npm"):
            return None, "npm is not installed"
        os.makedirs(node_dir, exist_ok=True)
        p = subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund",
                            "--prefix", node_dir] + NPM_PACKAGES,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=300)
        if p.returncode != 0 or not installed():
            return None, "npm install %s failed (registry unreachable?):\n%s" % (
                " ".join(NPM_PACKAGES), p.stdout[-2000:])
    return dict(os.environ, NODE_PATH=modules), None


def tm_tokenize(grammar, files, env):
    p = subprocess.run(["node", os.path.join(EDITORS, "test", "tokenize.js"), grammar] + files,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    if p.returncode != 0:
        return None, p.stderr.strip()
    return json.loads(p.stdout), None


def check_textmate(grammar, files, env, tables):
    """Failure messages, one per token that lacks its scope."""
    data, err = tm_tokenize(grammar, files, env)
    if data is None:
        return [err]
    stacks = [set(s) for s in data["scopes"]]
    failures = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        tokens = data["files"][path]
        for n, tm in enumerate(tokens):
            line = lines[n]
            offs = utf16_offsets(line)
            cover = [None] * offs[-1]
            for s, e, k in tm:
                for u in range(s, min(e, len(cover))):
                    cover[u] = stacks[k]
            for s, e, cls, variant in classify(line, tables):
                want = tm_pattern(cls, variant)
                bad = [u for u in range(offs[s], offs[e])
                       if not line[_cp(offs, u)].isspace()
                       and not any(want.fullmatch(sc) for sc in (cover[u] or ()))]
                if bad:
                    got = sorted(cover[bad[0]] or ()) or ["(no token)"]
                    failures.append("%s:%d:%d: %r should be %s, has %s" % (
                        os.path.relpath(path, ROOT), n + 1, s + 1, line[s:e],
                        want.pattern.replace("\\", ""), " ".join(got)))
    return failures


def _cp(offs, u):
    """The code point index holding UTF-16 unit u."""
    lo, hi = 0, len(offs) - 1
    while lo < hi - 1:
        mid = (lo + hi) // 2
        if offs[mid] <= u:
            lo = mid
        else:
            hi = mid
    return lo


# --- Vim --------------------------------------------------------------------

VIM_SCRIPT = r"""
let s:out = []
for s:entry in readfile(g:queries)
  if s:entry =~# '^F '
    execute 'edit! ' . fnameescape(s:entry[2:])
    call add(s:out, 'F ' . &filetype)
    continue
  endif
  let [s:l, s:c] = split(s:entry)
  call add(s:out, join(map(synstack(str2nr(s:l), str2nr(s:c)), 'synIDattr(v:val, "name")')))
endfor
call writefile(s:out, g:results)
qall!
"""


def check_vim(vim_dir, files, tables):
    """Failure messages for the Vim syntax under vim_dir."""
    tmp = tempfile.mkdtemp(prefix="check_editors_vim_")
    try:
        queries, expected = [], []
        for path in files:
            queries.append("F " + path)
            expected.append((path, None, None, None))
            with open(path, encoding="utf-8") as f:
                lines = f.read().split("\n")
            for n, line in enumerate(lines):
                for s, e, cls, _ in classify(line, tables):
                    last = len(line[:e].rstrip()) - 1
                    for cp in sorted({s, last}):
                        col = len(line[:cp].encode("utf-8")) + 1
                        queries.append("%d %d" % (n + 1, col))
                        expected.append((path, n + 1, line[s:e], cls))
        qfile, rfile, script = (os.path.join(tmp, x) for x in ("q", "r", "check.vim"))
        with open(qfile, "w", encoding="utf-8") as f:
            f.write("\n".join(queries) + "\n")
        with open(script, "w") as f:
            f.write(VIM_SCRIPT)
        cmd = ["vim", "-Es", "-N", "-u", "NONE", "-i", "NONE", "--noplugin",
               "--cmd", "set rtp^=" + vim_dir.replace(",", r"\,"),
               "--cmd", "filetype on", "--cmd", "syntax on",
               "--cmd", "let g:queries = '%s' | let g:results = '%s'" % (qfile, rfile),
               "-S", script]
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=600)
        if not os.path.exists(rfile):
            return ["vim wrote no results (exit %d): %s" % (p.returncode, p.stdout[-2000:])]
        with open(rfile, encoding="utf-8") as f:
            results = f.read().split("\n")
        failures = []
        for (path, lnum, text, cls), got in zip(expected, results):
            rel = os.path.relpath(path, ROOT)
            if lnum is None:
                if got != "F pyasm":
                    failures.append("%s: filetype is %r, not pyasm" % (rel, got[2:]))
                continue
            want = gen_grammar.CLASSES[cls][1]
            names = got.split()
            if not any(n == want or re.fullmatch(re.escape(want) + r"[A-Z]\w*", n)
                       for n in names):
                failures.append("%s:%d: %r should be %s, has %s" % (
                    rel, lnum, text, want, " ".join(names) or "(nothing)"))
        if len(results) < len(expected):
            failures.append("vim answered %d of %d queries" % (len(results), len(expected)))
        return failures
    finally:
        shutil.rmtree(tmp)


# --- Inputs -----------------------------------------------------------------

def vim_sample(files, max_lines=200, max_width=300):
    """Vim's syntax engine costs about a millisecond a line here, and on a long
    line time grows with the square of its length (bad-nesting.pyasm's 2,300
    characters take a minute), so the Vim half reads the files of at most
    max_lines lines none longer than max_width: the examples, the error cases,
    the smaller programs of every version, editors/test and the names file."""
    def small(path):
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        return len(lines) <= max_lines and max(map(len, lines)) <= max_width
    return [f for f in files if small(f) or f.startswith(EDITORS)]


def corpus():
    files = []
    for top in ("testdata", "examples", os.path.join("editors", "test")):
        for dirpath, _, names in os.walk(os.path.join(ROOT, top)):
            files += [os.path.join(dirpath, n) for n in names if n.endswith(".pyasm")]
    return sorted(files)


def names_file(tables, tmp):
    """Every opcode and directive name as a statement head, every group word
    after a head of its group, and near misses that must not be opcodes."""
    lines = ["    " + op for op in sorted(tables["opcodes"])]
    lines += ["." + d for d in sorted(tables["directives"])]
    heads = {}
    for name, g in sorted(tables["opcodes"].items()):
        heads.setdefault(g, name)
    for name, g in sorted(tables["directives"].items()):
        heads.setdefault(g, "." + name)
    for g, ws in tables["words"].items():
        for _, words in ws:
            lines += ["%s %s" % (heads[g], w) for w in words]
    lines += ["    " + op + "X" for op in sorted(tables["opcodes"])[:20]]
    lines += ["    " + op.lower() for op in sorted(tables["opcodes"])[:20]]
    path = os.path.join(tmp, "all_names.pyasm")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


# --- Broken copies that must fail -------------------------------------------

def broken_textmate(grammar_path, tmp):
    with open(grammar_path) as f:
        text = f.read()
    g = json.loads(text)
    mutants = {}
    # An opcode missing from the alternation (it becomes an unknown opcode).
    mutants["no LOAD_CONST"] = text.replace("LOAD_CONST|", "", 1)
    g2 = json.loads(text)
    g2["repository"]["comment"]["name"] = "comment.block.pyasm"
    mutants["comments with another scope"] = json.dumps(g2)
    g3 = json.loads(text)
    g3["patterns"] = [p for p in g["patterns"] if p != {"include": "#label-definition"}]
    mutants["no label definitions"] = json.dumps(g3)
    paths = {}
    for name, t in mutants.items():
        if t == text:
            sys.exit("self-check: the mutation %r changed nothing" % name)
        paths[name] = os.path.join(tmp, "broken-%d.tmLanguage.json" % len(paths))
        with open(paths[name], "w") as f:
            f.write(t)
    return paths


def broken_vim(vim_dir, tmp):
    with open(os.path.join(vim_dir, "syntax", "pyasm.vim")) as f:
        text = f.read()
    mutants = {"no LOAD_CONST": re.sub(r"(syn keyword pyasmOpcode\w+.*) LOAD_CONST ", r"\1 ",
                                       text, count=1),
               "no comments": text.replace("syn match pyasmComment /#.*/", "")}
    dirs = {}
    for name, t in mutants.items():
        if t == text:
            sys.exit("self-check: the mutation %r changed nothing" % name)
        d = os.path.join(tmp, "vim-%d" % len(dirs))
        shutil.copytree(vim_dir, d)
        with open(os.path.join(d, "syntax", "pyasm.vim"), "w") as f:
            f.write(t)
        dirs[name] = d
    return dirs


# --- Main -------------------------------------------------------------------

def report(title, failures, limit=20):
    for msg in failures[:limit]:
        print("  " + msg)
    if len(failures) > limit:
        print("  ... and %d more" % (len(failures) - limit))
    print("%s: %s" % (title, "FAIL (%d)" % len(failures) if failures else "ok"))
    return not failures


def self_check(title, run, mutants, sample):
    ok = True
    for name, target in mutants.items():
        failures = run(target, sample)
        print("  self-check %s, %s: %s" % (
            title, name, "rejected (%d failures), first: %s" % (len(failures), failures[0])
            if failures else "NOT rejected"))
        ok &= bool(failures)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--node-dir", default=os.path.join(ROOT, "build", "editors-node"),
                    help="where to install the npm packages (default: build/editors-node)")
    ap.add_argument("--no-self-check", action="store_true",
                    help="skip the broken-grammar runs")
    args = ap.parse_args()
    start = time.monotonic()
    tables = gen_grammar.read_tables()
    ok, skipped = True, []

    stale = [rel for rel, text in gen_grammar.outputs(tables).items()
             if not os.path.exists(os.path.join(ROOT, rel))
             or open(os.path.join(ROOT, rel), encoding="utf-8").read() != text]
    ok &= report("generated files current",
                 ["%s differs from editors/gen_grammar.py's output" % r for r in stale])

    tmp = tempfile.mkdtemp(prefix="check_editors_")
    try:
        names = names_file(tables, tmp)
        files = corpus() + [names]
        sample = [os.path.join(EDITORS, "test", "tokens.pyasm"), names]
        grammar = os.path.join(EDITORS, "pyasm.tmLanguage.json")
        env, why = node_env(os.path.abspath(args.node_dir))
        if env is None:
            skipped.append("TextMate (%s)" % why)
        else:
            ok &= report("TextMate, %d files" % len(files),
                         check_textmate(grammar, files, env, tables))
            if not args.no_self_check:
                ok &= self_check("TextMate",
                                 lambda g, fs: check_textmate(g, fs, env, tables),
                                 broken_textmate(grammar, tmp), sample)
        vim_dir = os.path.join(EDITORS, "vim")
        if not shutil.which("vim"):
            skipped.append("Vim (vim is not installed; apt-get install vim-nox)")
        else:
            some = vim_sample(files[:-1]) + [names]
            ok &= report("Vim, %d files" % len(some), check_vim(vim_dir, some, tables))
            if not args.no_self_check:
                ok &= self_check("Vim", lambda d, fs: check_vim(d, fs, tables),
                                 broken_vim(vim_dir, tmp), sample)
    finally:
        shutil.rmtree(tmp)
    for s in skipped:
        print("SKIPPED: " + s)
    print("%.1fs" % (time.monotonic() - start))
    if not ok:
        return 1
    return 77 if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
