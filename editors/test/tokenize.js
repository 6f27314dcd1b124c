// Tokenises files with a TextMate grammar, as VS Code does (vscode-textmate
// and its Oniguruma build), for tests/check_editors.py.
//
// Usage: NODE_PATH=DIR/node_modules node tokenize.js GRAMMAR.json FILE...
// Prints one JSON object: {"scopes": [stack, ...], "files": {FILE: lines}},
// where lines[i] is line i+1's tokens as [start, end, stack index], offsets
// in UTF-16 code units, and each stack is a list of scope names, outermost
// first. A grammar that does not load, or a line that does not tokenise
// (Oniguruma rejects a regex, or the tokeniser stops early), exits 1.
'use strict';
const fs = require('fs');
const path = require('path');
const oniguruma = require('vscode-oniguruma');
const vsctm = require('vscode-textmate');

async function main() {
  const [grammarPath, ...files] = process.argv.slice(2);
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')),
                                         'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () =>
      vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath),
  });
  const grammar = await registry.loadGrammar('source.pyasm');
  if (!grammar) throw new Error(`${grammarPath}: no grammar for source.pyasm`);

  const stacks = new Map();
  const out = {scopes: [], files: {}};
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    let state = vsctm.INITIAL;
    out.files[file] = lines.map((line, i) => {
      // A 1 s limit per line: a runaway regex shows up as stoppedEarly.
      const r = grammar.tokenizeLine(line, state, 1000);
      if (r.stoppedEarly) throw new Error(`${file}:${i + 1}: tokenising stopped early`);
      state = r.ruleStack;
      return r.tokens.map((t) => {
        const key = t.scopes.join(' ');
        if (!stacks.has(key)) {
          stacks.set(key, out.scopes.length);
          out.scopes.push(t.scopes);
        }
        return [t.startIndex, t.endIndex, stacks.get(key)];
      });
    });
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(`tokenize.js: ${e.stack || e}\n`);
  process.exit(1);
});
