#!/usr/bin/env python3
"""Generate pyasm's editor grammars from the opcode tables and the directive list.

Usage: editors/gen_grammar.py [--check]

Writes
  editors/pyasm.tmLanguage.json                  TextMate grammar (JSON)
  editors/vscode/syntaxes/pyasm.tmLanguage.json  the same, inside the VS Code extension
  editors/sublime/pyasm.tmLanguage               the same as a plist (Sublime Text)
  editors/vim/syntax/pyasm.vim                   Vim syntax file
from src/opcodes/opcodes_3_*.inc (opcode names and argument kinds, comparison
words, intrinsics) and src/directives.cpp (directive and code-flag names), so a
new opcode or directive reaches the editors by rerunning this script. With
--check nothing is written and the exit status says whether the committed files
are up to date (tests/check_editors.py runs it).

Highlighting follows the lexer (grammar/lexer.re) token for token; what an
identifier operand is depends on the statement it is in, as in the resolver:
a label after a jump, a comparison word after COMPARE_OP, and so on (GROUPS).
Standard library only.
"""
import argparse
import glob
import json
import os
import plistlib
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# --- What the sources say ---------------------------------------------------

# Operand groups: how an opcode's argument kinds (ArgKind in
# include/pyasm/opcodes.hpp) decide what its identifier operands are.
KIND_GROUP = {
    "JumpRel": "label", "JumpBack": "label", "JumpAbs": "label",
    "Const": "const", "Compare": "compare", "BinaryOp": "binary",
    "Intrinsic1": "intrinsic", "Intrinsic2": "intrinsic",
    "FunctionFlags": "funcflags", "FormatValue": "format", "ConvertValue": "format",
    "GlobalNull": "nameflag", "AttrMethod": "nameflag", "SuperAttr": "nameflag",
}
# Directives whose operands are not plain names; the rest are "default".
DIRECTIVE_GROUP = {
    "code": "code", "consts": "const", "except": "except", "try": "except",
    "flags": "coflags", "pyc": "pyc", "stacksize": "stacksize", "line": "line",
}
# Words each group gives a meaning, as (class, words). Kept here rather than
# parsed out of C++: src/operands.cpp (function flags, conversions, NULL|self,
# two_arg), src/directives*.cpp (depth/lasti, .pyc, unchecked, none),
# src/constants.cpp (inf, nan).
GROUP_WORDS = {
    "const": [("float", ["inf", "nan"])],
    "funcflags": [("flag", ["defaults", "kwdefaults", "annotations", "closure"])],
    "format": [("conversion", ["str", "repr", "ascii", "with", "format"])],
    "nameflag": [("special-name", ["NULL", "self"]), ("flag", ["two_arg"])],
    "except": [("keyword", ["depth", "lasti"])],
    "pyc": [("keyword", ["timestamp", "checked", "unchecked", "hash", "flags"])],
    "stacksize": [("keyword", ["unchecked"])],
    "line": [("constant", ["none"])],
}
CONSTANT_WORDS = ["None", "True", "False", "Ellipsis"]
BUILTIN_CALLS = ["frozenset", "float", "complex", "bool"]
# What an identifier not in the group's words is.
GROUP_IDENT = {"label": "label-ref", "except": "label-ref", "code": "parameter"}


def read_tables(root=ROOT):
    """Opcode groups, word lists and directive names from the C++ sources."""
    ops, cmp_words, intrinsics = {}, set(), set()
    files = sorted(glob.glob(os.path.join(root, "src", "opcodes", "opcodes_3_*.inc")))
    if not files:
        sys.exit("gen_grammar: no src/opcodes/opcodes_3_*.inc under " + root)
    for path in files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = re.match(r'PYASM_(OP|NOT_IN_PYC)\((\w+), *(\w+)(?:, *(\w+))?', line)
                if m:
                    kind = m.group(4) if m.group(1) == "OP" else None
                    ops.setdefault(m.group(2), set()).add(KIND_GROUP.get(kind, "default"))
                m = re.match(r'PYASM_CMP_OP\("([^"]*)"\)', line)
                if m and re.match(r"\w", m.group(1)):
                    cmp_words.update(m.group(1).split())
                m = re.match(r'PYASM_INTRINSIC[12]\("(\w+)"\)', line)
                if m:
                    intrinsics.add(m.group(1))
    groups = {}
    for name, gs in ops.items():
        special = gs - {"default"}
        if len(special) > 1:
            sys.exit("gen_grammar: %s has operands of kinds %s in different versions"
                     % (name, sorted(special)))
        groups[name] = special.pop() if special else "default"
    with open(os.path.join(root, "src", "directives.cpp"), encoding="utf-8") as f:
        src = f.read()
    m = re.search(r"directive_names\(\) \{\s*return \{([^}]*)\}", src)
    if not m:
        sys.exit("gen_grammar: directive_names() not found in src/directives.cpp")
    directives = re.findall(r'"(\w+)"', m.group(1))
    m = re.search(r"flags_directive\(.*?kNames\[\] = \{(.*?)\};", src, re.S)
    if not m:
        sys.exit("gen_grammar: the .flags names not found in src/directives.cpp")
    co_flags = re.findall(r'\{"(\w+)", k\w+\}', m.group(1))
    words = {g: [(c, list(w)) for c, w in ws] for g, ws in GROUP_WORDS.items()}
    words["compare"] = [("cmp-word", sorted(cmp_words))]
    words["intrinsic"] = [("intrinsic", sorted(intrinsics))]
    words["coflags"] = [("flag", co_flags)]
    dir_groups = {d: DIRECTIVE_GROUP.get(d, "default") for d in directives}
    return {"opcodes": groups, "directives": dir_groups, "words": words}


# --- Token classes: TextMate scope and Vim group of each ---------------------

CLASSES = {
    "comment": ("comment.line.number-sign.pyasm", "pyasmComment", "Comment"),
    "opcode": ("keyword.other.opcode.pyasm", "pyasmOpcode", "Statement"),
    "unknown-opcode": ("invalid.illegal.unknown-opcode.pyasm", "pyasmUnknownOpcode", "Error"),
    "directive": ("keyword.control.directive.pyasm", "pyasmDirective", "PreProc"),
    "unknown-directive": ("invalid.illegal.unknown-directive.pyasm", "pyasmUnknownDirective",
                          "Error"),
    "misplaced-directive": ("invalid.illegal.misplaced-directive.pyasm",
                            "pyasmMisplacedDirective", "Error"),
    "label-def": ("entity.name.label.pyasm", "pyasmLabelDef", "Label"),
    "label-colon": ("punctuation.separator.label.pyasm", "pyasmLabelColon", "Label"),
    "label-ref": ("variable.other.label.pyasm", "pyasmLabelRef", "Identifier"),
    "string": ("string.quoted.%s.pyasm", "pyasmString", "String"),
    "bytes": ("string.quoted.%s.bytes.pyasm", "pyasmBytes", "String"),
    "escape": ("constant.character.escape.pyasm", "pyasmEscape", "SpecialChar"),
    "unterminated": ("invalid.illegal.unterminated-string.pyasm", "pyasmUnterminated", "Error"),
    "bad-char": ("invalid.illegal.character.pyasm", "pyasmBadChar", "Error"),
    "int": ("constant.numeric.integer.%s.pyasm", "pyasmInt", "Number"),
    "float": ("constant.numeric.float.pyasm", "pyasmFloat", "Float"),
    "complex": ("constant.numeric.complex.pyasm", "pyasmComplex", "Number"),
    "span": ("constant.numeric.span.pyasm", "pyasmSpan", "Number"),
    "raw": ("constant.other.raw-oparg.pyasm", "pyasmRaw", "Special"),
    "code-ref": ("entity.name.function.code-ref.pyasm", "pyasmCodeRef", "Function"),
    "code-name": ("entity.name.function.code.pyasm", "pyasmCodeName", "Function"),
    "parameter": ("variable.parameter.pyasm", "pyasmParameter", "Identifier"),
    "comma": ("punctuation.separator.comma.pyasm", "pyasmComma", "Delimiter"),
    "colon": ("punctuation.separator.colon.pyasm", "pyasmColon", "Delimiter"),
    "paren": ("punctuation.parenthesis.pyasm", "pyasmParen", "Delimiter"),
    "brace": ("punctuation.brace.pyasm", "pyasmBrace", "Delimiter"),
    "operator": ("keyword.operator.pyasm", "pyasmOperator", "Operator"),
    "cmp-word": ("keyword.operator.word.pyasm", "pyasmCmpWord", "Operator"),
    "constant": ("constant.language.pyasm", "pyasmConstant", "Constant"),
    "builtin": ("support.function.builtin.pyasm", "pyasmBuiltin", "Function"),
    "flag": ("support.constant.flag.pyasm", "pyasmFlag", "Constant"),
    "intrinsic": ("support.constant.intrinsic.pyasm", "pyasmIntrinsic", "Constant"),
    "conversion": ("support.constant.conversion.pyasm", "pyasmConversion", "Constant"),
    "keyword": ("keyword.other.pyasm", "pyasmKeyword", "Keyword"),
    "special-name": ("variable.language.pyasm", "pyasmSpecialName", "Special"),
    "name": ("variable.other.pyasm", "pyasmName", None),
}


def scope(cls, variant=None):
    s = CLASSES[cls][0]
    return s % variant if variant else s


# --- Regular expressions shared by both grammars (Oniguruma syntax) ----------

IDENT = r"(?:[A-Za-z_]|[^\x00-\x7F])(?:[A-Za-z0-9_]|[^\x00-\x7F])*"
NAME = r"(?:%s|<[A-Za-z_][A-Za-z0-9_]*>)" % IDENT
NOT_IDC = r"(?![A-Za-z0-9_]|[^\x00-\x7F])"
DIGITS = r"[0-9](?:_?[0-9])*"
FLOATNUM = r"(?:(?:(?:%s)?\.%s|%s\.)(?:[eE][+-]?%s)?|%s[eE][+-]?%s)" % ((DIGITS,) * 6)
INTS = [("hexadecimal", r"0[xX](?:_?[0-9a-fA-F])+"), ("octal", r"0[oO](?:_?[0-7])+"),
        ("binary", r"0[bB](?:_?[01])+"), ("decimal", DIGITS)]
SPAN = r"[0-9]+:[0-9]+-[0-9]+(?::[0-9]+)?"
OPCHARS = r"[<>=!*/%@&^~|+\-]"
ESCAPE = (r"\\(?:[\\'\"abfnrtv]|[0-7]{1,3}|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}"
          r"|N\{[^}\n]*\})")
STRING_KINDS = [("string", "[uU]?", True), ("string", "[rR]", False),
                ("bytes", "[bB]", True), ("bytes", "[bB][rR]|[rR][bB]", False)]
# A statement starts a line or follows its label.
HEAD = r"(?:^|(?<=:))\s*"


def alternation(words):
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


# --- TextMate ---------------------------------------------------------------

def tm_match(regex, cls, variant=None):
    return {"match": regex, "name": scope(cls, variant)}


def tm_common():
    """Operand tokens whose meaning does not depend on the statement."""
    pats = [{"include": "#comment"}]
    for cls, prefix, escapes in STRING_KINDS:
        for quote, which in (("'", "single"), ('"', "double")):
            body = r"(?:[^%s\\\n]|\\.)*" % quote
            inner = [{"match": ESCAPE, "name": scope("escape")}] if escapes else []
            pats.append({
                "begin": "(%s)(%s)(?=%s%s)" % (prefix, quote, body, quote),
                "beginCaptures": {"1": {"name": "storage.type.string.pyasm"},
                                  "2": {"name": "punctuation.definition.string.begin.pyasm"}},
                "end": quote,
                "endCaptures": {"0": {"name": "punctuation.definition.string.end.pyasm"}},
                "name": scope(cls, which),
                "patterns": inner + [{"match": r"\\."}],
            })
    pats += [
        tm_match(r"(?:[uUrR]|[bB]|[bB][rR]|[rR][bB])?['\"].*", "unterminated"),
        tm_match(r"\$(?:%s)" % "|".join(r for _, r in INTS), "raw"),
        tm_match("@" + NAME, "code-ref"),
        tm_match(SPAN, "span"),
        tm_match(r"(?:%s|%s)[jJ]" % (FLOATNUM, DIGITS), "complex"),
        tm_match(FLOATNUM, "float"),
    ] + [tm_match(r, "int", base) for base, r in INTS] + [
        tm_match(r"(?:%s)%s|\.\.\." % (alternation(CONSTANT_WORDS), NOT_IDC), "constant"),
        tm_match(r"(?:%s)(?=\s*\()" % alternation(BUILTIN_CALLS), "builtin"),
        tm_match(r"\." + IDENT, "misplaced-directive"),
        tm_match(",", "comma"), tm_match(":", "colon"),
        tm_match(r"[()]", "paren"), tm_match(r"[{}]", "brace"),
        tm_match(r"(?!<[A-Za-z_][A-Za-z0-9_]*>)%s+" % OPCHARS, "operator"),
    ]
    return pats


def tm_operands(group, words):
    pats = [tm_match("(?:%s)%s" % (alternation(ws), NOT_IDC), cls)
            for cls, ws in words.get(group, [])]
    pats.append({"include": "#operand-common"})
    pats.append(tm_match(NAME, GROUP_IDENT.get(group, "name")))
    pats.append({"include": "#bad-character"})
    return pats


def tm_statement(head_regex, captures, group, meta):
    return {"begin": HEAD + head_regex, "end": "$", "name": meta,
            "beginCaptures": {str(i + 1): {"name": s} for i, s in enumerate(captures)},
            "patterns": [{"include": "#operands-" + group}]}


def textmate(t):
    groups = sorted(set(t["opcodes"].values()) | set(t["directives"].values()))
    statements = []
    for g in groups:
        ds = [d for d, dg in t["directives"].items() if dg == g]
        if g == "code":
            statements.append(tm_statement(r"(\.code)%s\s*(%s)?" % (NOT_IDC, NAME),
                                           [scope("directive"), scope("code-name")],
                                           g, "meta.directive.pyasm"))
        elif ds:
            statements.append(tm_statement(r"(\.(?:%s))%s" % (alternation(ds), NOT_IDC),
                                           [scope("directive")], g, "meta.directive.pyasm"))
    statements.append(tm_statement(r"(\.%s)" % IDENT, [scope("unknown-directive")], "default",
                                   "meta.directive.pyasm"))
    for g in groups:
        ops = [o for o, og in t["opcodes"].items() if og == g]
        if g != "default" and ops:
            statements.append(tm_statement(r"(%s)%s" % (alternation(ops), NOT_IDC),
                                           [scope("opcode")], g, "meta.instruction.pyasm"))
    ops = [o for o, og in t["opcodes"].items() if og == "default"]
    statements.append(tm_statement(r"(?:(%s)%s|(%s|\.\.\.))" % (alternation(ops), NOT_IDC, NAME),
                                   [scope("opcode"), scope("unknown-opcode")], "default",
                                   "meta.instruction.pyasm"))
    repo = {
        "comment": {"match": "(#).*", "name": scope("comment"),
                    "captures": {"1": {"name": "punctuation.definition.comment.pyasm"}}},
        "label-definition": {"match": r"^\s*(%s)\s*(:)" % NAME,
                             "captures": {"1": {"name": scope("label-def")},
                                          "2": {"name": scope("label-colon")}}},
        "statement": {"patterns": statements},
        "operand-common": {"patterns": tm_common()},
        "bad-character": tm_match(r"\S", "bad-char"),
    }
    for g in groups:
        repo["operands-" + g] = {"patterns": tm_operands(g, t["words"])}
    return {
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
        "name": "pyasm",
        "scopeName": "source.pyasm",
        "fileTypes": ["pyasm"],
        "comment": "CPython bytecode assembly (.pyasm). Generated by editors/gen_grammar.py "
                   "from src/opcodes/*.inc and src/directives.cpp; do not edit.",
        "patterns": [{"include": "#comment"}, {"include": "#label-definition"},
                     {"include": "#statement"}, {"include": "#operands-default"}],
        "repository": repo,
    }


# --- Vim --------------------------------------------------------------------

def vim_re(onig):
    """A regex above in Vim's very-magic syntax (only groups differ for these)."""
    return onig.replace("(?:", "%(")


VIM_ESCAPE = (r"""\\%([\\'"abfnrtv]|[0-7]{1,3}|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}"""
              r"|N\{[^}]*\})")
VIM_IDENT = r"%(\h|[^\x01-\x7f])%(\w|[^\x01-\x7f])*"
VIM_NAME = r"%%(%s|\<\h\w*\>)" % VIM_IDENT


def vim_keywords(group, words, extra=""):
    out, line = [], "syn keyword %s" % group
    for w in words:
        if len(line) + len(w) > 90:
            out.append(line + extra)
            line = "syn keyword %s" % group
        line += " " + w
    out.append(line + extra)
    return out


def vim_cap(group):
    return "".join(p.capitalize() for p in group.split("-"))


def vim(t):
    v = {cls: CLASSES[cls][1] for cls in CLASSES}
    ident, name = VIM_IDENT, VIM_NAME
    groups = sorted(set(t["opcodes"].values()) | set(t["directives"].values()))
    ints = [(v["int"] + base.capitalize()[:3], vim_re(r)) for base, r in INTS]
    strings = [(v[cls] + ("" if esc else "Raw"), prefix, esc) for cls, prefix, esc in STRING_KINDS]
    L = ['" Vim syntax file for pyasm, CPython bytecode assembly (.pyasm).',
         '" Generated by editors/gen_grammar.py from src/opcodes/*.inc and src/directives.cpp;',
         '" do not edit. The token classes are those of editors/pyasm.tmLanguage.json.',
         'if exists("b:current_syntax")', "  finish", "endif",
         "let s:cpo_save = &cpo", "set cpo&vim", "syn case match",
         "syn iskeyword @,48-57,_,128-255", "",
         '" Tokens that mean the same in every statement. Of two items that start at',
         '" the same column the one defined later wins, so longer forms come later',
         '" and identifiers come before the literals they prefix (b\'\').',
         r"syn match %s /\S/" % v["bad-char"],
         r"syn match %s /\v%%(\<\h\w*\>)@!%s+/" % (v["operator"], OPCHARS.replace(r"\-", "-")),
         "syn match %s /[{}]/" % v["brace"], "syn match %s /[()]/" % v["paren"],
         "syn match %s /:/" % v["colon"], "syn match %s /,/" % v["comma"]]
    L += ["", '" Identifier-like operands, in the statements that include them.',
          r"syn match %s /\v\.%s/ contained" % (v["misplaced-directive"], ident)]
    L += [r"syn match %s /\v%s/ contained" % (v[c], name)
          for c in ("name", "label-ref", "parameter")]
    L += [r"syn match %s /\v%s/" % (grp, r) for grp, r in reversed(ints)]
    L += [r"syn match %s /\v%s/" % (v["float"], vim_re(FLOATNUM)),
          r"syn match %s /\v%%(%s|%s)[jJ]/" % (v["complex"], vim_re(FLOATNUM), vim_re(DIGITS)),
          r"syn match %s /\v%s/" % (v["span"], vim_re(SPAN)),
          r"syn match %s /\v\@%s/" % (v["code-ref"], name),
          r"syn match %s /\v\$%%(%s)/" % (v["raw"], "|".join(r for _, r in ints)),
          r"""syn match %s /\v%%([uUrR]|[bB]|[bB][rR]|[rR][bB])?['"].*/""" % v["unterminated"],
          r"syn match %s /\v%s/ contained" % (v["escape"], VIM_ESCAPE)]
    for grp, prefix, esc in strings:
        for q in ("'", '"'):
            L.append(r"syn match %s /\v%%(%s)%s%%([^%s\\]|\\.)*%s/%s"
                     % (grp, prefix, q, q, q, " contains=" + v["escape"] if esc else ""))
    L += [r"syn match %s /\v%%(%s)\ze\s*\(/ contained" % (v["builtin"], "|".join(BUILTIN_CALLS)),
          r"syn match %sEllipsis /\V.../ contained" % v["constant"],
          r"syn match %s /#.*/" % v["comment"]]
    L += vim_keywords(v["constant"], CONSTANT_WORDS, " contained")
    operand = [v[c] for c in ("bad-char", "operator", "brace", "paren", "colon", "comma")]
    operand += [grp for grp, _ in ints] + [v[c] for c in ("float", "complex", "span", "code-ref",
                                                          "raw", "unterminated")]
    operand += [grp for grp, _, _ in strings] + [v["comment"], v["misplaced-directive"],
                                                 v["constant"], v["constant"] + "Ellipsis",
                                                 v["builtin"]]
    L += ["syn cluster pyasmOperand contains=" + ",".join(operand), "",
          "\" Operands by statement: a statement's head is followed by its group's operands."]
    for g in groups:
        items = []
        for cls, ws in t["words"].get(g, []):
            items.append(v[cls] + vim_cap(g))
            L += vim_keywords(items[-1], ws, " contained")
        items.append(v[GROUP_IDENT.get(g, "name")])
        L.append(r"syn match pyasmArgs%s /.*/ contained contains=@pyasmOperand,%s"
                 % (vim_cap(g), ",".join(items)))
    L += ["", '" Statement heads. Keywords (the opcodes) win over matches.',
          r"syn match %s /\v%s|\.\.\./ nextgroup=pyasmArgsDefault skipwhite"
          % (v["unknown-opcode"], name),
          r"syn match %s /\v\.%s/ nextgroup=pyasmArgsDefault skipwhite"
          % (v["unknown-directive"], ident)]
    for g in groups:
        ds = sorted(d for d, dg in t["directives"].items() if dg == g)
        if g == "code":
            L += [r"syn match %sCode /\v\.code>/ nextgroup=%s skipwhite"
                  % (v["directive"], v["code-name"]),
                  r"syn match %s /\v%s/ contained nextgroup=pyasmArgsCode skipwhite"
                  % (v["code-name"], name)]
        elif ds:
            L.append(r"syn match %s%s /\v\.%%(%s)>/ nextgroup=pyasmArgs%s skipwhite"
                     % (v["directive"], vim_cap(g), "|".join(ds), vim_cap(g)))
    L += [r"syn match %s /\v%s\ze\s*:/ nextgroup=%s skipwhite"
          % (v["label-def"], name, v["label-colon"]),
          "syn match %s /:/ contained" % v["label-colon"]]
    for g in groups:
        ops = sorted(o for o, og in t["opcodes"].items() if og == g)
        if ops:
            L += vim_keywords(v["opcode"] + vim_cap(g), ops,
                              " nextgroup=pyasmArgs%s skipwhite" % vim_cap(g))
    links = {grp: hl for _, grp, hl in CLASSES.values() if hl}
    for g in groups:
        if g in t["opcodes"].values():
            links[v["opcode"] + vim_cap(g)] = v["opcode"]
        if g in t["directives"].values() and g != "code":
            links[v["directive"] + vim_cap(g)] = v["directive"]
        for cls, _ in t["words"].get(g, []):
            links[v[cls] + vim_cap(g)] = v[cls]
    links[v["directive"] + "Code"] = v["directive"]
    links.update({grp: v["int"] for grp, _ in ints})
    links.update({grp: v[cls] for (grp, _, esc), (cls, _, _) in zip(strings, STRING_KINDS)
                  if not esc})
    links[v["constant"] + "Ellipsis"] = v["constant"]
    L += ["", '" Colours.'] + ["hi def link %s %s" % (g, links[g]) for g in sorted(links)]
    L += ["", 'let b:current_syntax = "pyasm"', "let &cpo = s:cpo_save", "unlet s:cpo_save", ""]
    return "\n".join(L)


# --- Outputs ----------------------------------------------------------------

def outputs(t):
    grammar = textmate(t)
    text = json.dumps(grammar, indent=2, ensure_ascii=False) + "\n"
    plist = plistlib.dumps(grammar).decode("utf-8")
    return {
        "editors/pyasm.tmLanguage.json": text,
        "editors/vscode/syntaxes/pyasm.tmLanguage.json": text,
        "editors/sublime/pyasm.tmLanguage": plist,
        "editors/vim/syntax/pyasm.vim": vim(t),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 if a committed file is out of date")
    args = ap.parse_args()
    stale = []
    for rel, text in outputs(read_tables()).items():
        path = os.path.join(ROOT, rel)
        try:
            with open(path, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = None
        if current == text:
            continue
        stale.append(rel)
        if not args.check:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    if args.check and stale:
        print("out of date (run editors/gen_grammar.py): " + ", ".join(stale))
        return 1
    for rel in stale:
        print("wrote " + rel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
