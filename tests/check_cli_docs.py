#!/usr/bin/env python3
"""docs/cli.md, docs/pyasm.1 and the shell completions against `pyasm --help`.

For every command, the options `pyasm COMMAND --help` lists must be the
options each of these documents for it (no more, no fewer):
  - docs/cli.md: the first cell of the option tables under `## pyasm COMMAND`,
    plus those of `## Diagnostics options` for the commands it names;
  - docs/pyasm.1: the tags (.TP) under `.SS "pyasm COMMAND ..."`, plus those
    of `.SH COMMON OPTIONS` for the commands it names;
  - editors/completion/pyasm.bash: `_pyasm_opts_COMMAND`;
  - editors/completion/_pyasm: the specs of `_pyasm_COMMAND`.
An option mentioned anywhere in a command's section must exist too. Then a
few completions are run through bash.

Usage: check_cli_docs.py PYASM
"""
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMMANDS = ['build', 'check', 'disasm', 'run', 'opcodes', 'version']
HELP = {'-h', '--help'}
OPTION = re.compile(r'^--?[A-Za-z][A-Za-z-]*$')

failures = []


def check(name, ok, detail=''):
    print(('ok   ' if ok else 'FAIL ') + name + ('' if ok else ': ' + detail))
    if not ok:
        failures.append(name)


def compare(what, documented, helped):
    missing = sorted(helped - documented)
    extra = sorted(documented - helped)
    detail = ''
    if missing:
        detail += 'not documented: ' + ' '.join(missing) + '. '
    if extra:
        detail += 'not in --help: ' + ' '.join(extra)
    check(what, not missing and not extra, detail)


def help_options(pyasm, command):
    argv = [pyasm] + ([command] if command else []) + ['--help']
    out = subprocess.run(argv, stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
    opts = set()
    section = None
    for line in out.splitlines():
        if re.match(r'^\S.*:$', line):
            section = line
            continue
        m = re.match(r'^  (-\S+)', line)
        if section == 'Options:' and m:
            opts.update(m.group(1).split(','))
    return opts


def named_commands(text):
    """The commands a 'For build, check, disasm and run:' line names."""
    m = re.search(r'For ([a-z, ]+?):', text)
    return set(re.findall(r'[a-z]+', m.group(1))) - {'and'} if m else set()


# --- docs/cli.md ---------------------------------------------------------------

def md_sections(text):
    parts = re.split(r'^## (.+)$', text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def md_table_options(body):
    opts = set()
    for line in body.splitlines():
        if not line.startswith('| `'):
            continue
        first = line.split('|')[1]
        for span in re.findall(r'`([^`]+)`', first):
            word = span.split()[0]
            if OPTION.match(word):
                opts.add(word)
    return opts


def md_mentions(body):
    """Options in inline code and code blocks, in the parts that are pyasm's
    command lines (not `python3 -c ...` or `cc -MD -o x.o`)."""
    words = set()
    spans = re.findall(r'`([^`\n]+)`', body) + re.findall(r'^```\n(.*?)^```', body, re.M | re.S)
    for span in spans:
        for seg in re.split(r'&&|\||;|#|\n', span):
            seg = re.split(r'[\s=]+', seg.strip().lstrip('$ '))
            if seg and (seg[0] == 'pyasm' or OPTION.match(seg[0])):
                words.update(w for w in seg if OPTION.match(w))
    return words


def check_sections(doc, heading, sections, common, tags, mentions, helps):
    """Each command's section of `doc` lists exactly the options its --help
    does (with the `common` section's, for the commands that one names) and
    mentions no other; `tags` reads a section's listed options, `mentions`
    every option it names anywhere."""
    common_cmds, common_opts = named_commands(common), tags(common)
    for cmd in [None] + COMMANDS:
        title = 'pyasm' + (' ' + cmd if cmd else '')
        body = sections.get(title)
        if body is None:
            check(doc + ' has ' + heading + ' ' + title, False, 'no such section')
            continue
        documented = tags(body) | (common_opts if cmd in common_cmds else set())
        compare(doc + ': ' + title, documented, helps[cmd] - HELP)
        unknown = sorted(mentions(body) - helps[cmd] - {'--'})
        check(doc + ': ' + title + ' mentions only its options', not unknown, ' '.join(unknown))


def check_markdown(helps):
    with open(os.path.join(ROOT, 'docs', 'cli.md')) as f:
        text = f.read()
    sections = md_sections(text)
    check_sections('cli.md', '##', sections, sections.get('Diagnostics options', ''),
                   md_table_options, md_mentions, helps)
    check('cli.md mentions --help', '--help' in text)


# --- docs/pyasm.1 ----------------------------------------------------------------

def roff_words(line):
    return [w.replace('\\-', '-') for w in re.findall(r'\\fB(.*?)\\f[RPI]', line)]


def roff_sections(text):
    """{'pyasm build': body, ..., 'COMMON OPTIONS': body}"""
    out = {}
    name = None
    for line in text.splitlines():
        m = re.match(r'^\.S[SH] "?(.*?)"?$', line)
        if m:
            title = m.group(1).replace('\\-', '-')
            words = title.split()
            name = title if not title.startswith('pyasm') else ' '.join(
                w for w in words[:2] if not w.startswith('[') and not w.startswith('-'))
            out[name] = ''
        elif name:
            out[name] += line + '\n'
    return out


def roff_tags(body):
    opts = set()
    lines = body.splitlines()
    for i, line in enumerate(lines[:-1]):
        if line == '.TP':
            opts.update(w for w in roff_words(lines[i + 1]) if OPTION.match(w))
    return opts


def check_man(helps):
    with open(os.path.join(ROOT, 'docs', 'pyasm.1')) as f:
        text = f.read()
    sections = roff_sections(text)

    def mentioned(body):
        return {w for line in body.splitlines() for w in roff_words(line) if OPTION.match(w)}
    check_sections('pyasm.1', '.SS', sections, sections.get('COMMON OPTIONS', ''),
                   roff_tags, mentioned, helps)
    if shutil.which('man'):
        r = subprocess.run(['man', '--warnings', '-l', os.path.join(ROOT, 'docs', 'pyasm.1')],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, universal_newlines=True,
                           env=dict(os.environ, MANWIDTH='80', MANPAGER='cat', PAGER='cat'))
        check('pyasm.1 formats without warnings', r.returncode == 0 and not r.stderr.strip(), r.stderr)


# --- completions ------------------------------------------------------------------

def check_bash(helps, pyasm):
    path = os.path.join(ROOT, 'editors', 'completion', 'pyasm.bash')
    with open(path) as f:
        text = f.read()
    variables = dict(re.findall(r'^(_pyasm_\w+)="([^"]*)"', text, re.M))
    for cmd in COMMANDS:
        words = variables.get('_pyasm_opts_' + cmd, '')
        words = re.sub(r'\$(\w+)', lambda m: variables.get(m.group(1), ''), words)
        compare('pyasm.bash: ' + cmd, set(words.split()), helps[cmd])
    compare('pyasm.bash: commands', set(variables.get('_pyasm_commands', '').split()), set(COMMANDS))
    cases = [
        (['pyasm', 'bu'], 'build'),
        (['pyasm', 'build', '--inv'], '--invalidation-mode'),
        (['pyasm', 'build', '--invalidation-mode', 'che'], 'checked-hash'),
        (['pyasm', 'build', '-M'], '-MD -MF -MP'),
        (['pyasm', 'check', '--color', 'n'], 'never'),
        (['pyasm', 'opcodes', '--python', '3.12', 'LOAD_FAST_A'], 'LOAD_FAST_AND_CLEAR'),
    ]
    script = 'source %s\n' % path
    for words, _ in cases:
        script += ('COMP_WORDS=(%s); COMP_CWORD=%d; _pyasm; echo "${COMPREPLY[*]}"\n'
                   % (' '.join(words), len(words) - 1))
    env = dict(os.environ, PATH=os.path.dirname(pyasm) + os.pathsep + os.environ.get('PATH', ''))
    r = subprocess.run(['bash', '-c', script], stdout=subprocess.PIPE, universal_newlines=True, env=env)
    got = r.stdout.splitlines()
    for (words, want), line in zip(cases, got + [''] * len(cases)):
        check('bash completes %r' % ' '.join(words), line == want, repr(line))


def check_zsh(helps):
    path = os.path.join(ROOT, 'editors', 'completion', '_pyasm')
    with open(path) as f:
        text = f.read()
    m = re.search(r'^_pyasm_diag=\((.*?)^\)', text, re.M | re.S)
    diag = zsh_options(m.group(1)) if m else set()
    for cmd in COMMANDS:
        body = re.search(r'^_pyasm_%s\(\) \{(.*?)^\}' % cmd, text, re.M | re.S)
        if not body:
            check('_pyasm: ' + cmd, False, 'no _pyasm_%s function' % cmd)
            continue
        opts = zsh_options(body.group(1)) | (diag if '$_pyasm_diag' in body.group(1) else set())
        compare('_pyasm: ' + cmd, opts, helps[cmd])
    if shutil.which('zsh'):
        r = subprocess.run(['zsh', '-n', path], stderr=subprocess.PIPE, universal_newlines=True)
        check('_pyasm parses (zsh -n)', r.returncode == 0, r.stderr)


def zsh_options(spec):
    opts = set()
    for group in re.findall(r"\}?\{(-[^{}]*)\}'\[", spec):  # {-o,--output}'[...]
        opts.update(group.split(','))
    for name in re.findall(r"'(?:\([^)]*\))?(--?[A-Za-z][\w-]*)=?\[", spec):  # '--python=[...]
        opts.add(name)
    return opts


def main():
    pyasm = os.path.abspath(sys.argv[1])
    helps = {cmd: help_options(pyasm, cmd) for cmd in [None] + COMMANDS}
    check_markdown(helps)
    check_man(helps)
    check_bash(helps, pyasm)
    check_zsh(helps)
    print('%d failed' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
