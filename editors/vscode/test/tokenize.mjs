// Tokenizes Muster text with the extension's TextMate grammar, as VS Code
// does (vscode-textmate on the Oniguruma engine), and dumps the tokens one
// per line. Run directly to see a file's tokens:
//   node test/tokenize.mjs FILE.muster
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import vsctm from 'vscode-textmate';
import oniguruma from 'vscode-oniguruma';

const require = createRequire(import.meta.url);
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const grammarPath = path.join(root, 'syntaxes', 'muster.tmLanguage.json');

let loaded;

/** The grammar, loaded once. */
export function loadGrammar() {
  loaded ??= (async () => {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
        createOnigString: (text) => new oniguruma.OnigString(text),
      }),
      loadGrammar: async (scopeName) =>
        scopeName === 'source.muster'
          ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath)
          : null,
    });
    return registry.loadGrammar('source.muster');
  })();
  return loaded;
}

/** Every token of `text`: { line, col (both from 1), text, scopes } with
 * the root scope `source.muster` left out. Lines end with LF or CRLF. */
export async function tokenize(text) {
  const grammar = await loadGrammar();
  const tokens = [];
  let stack = vsctm.INITIAL;
  text.split(/\r?\n/).forEach((line, i) => {
    const result = grammar.tokenizeLine(line, stack);
    for (const token of result.tokens) {
      const end = Math.min(token.endIndex, line.length);
      if (end <= token.startIndex) {
        continue;
      }
      tokens.push({
        line: i + 1,
        col: token.startIndex + 1,
        text: line.slice(token.startIndex, end),
        scopes: token.scopes.filter((s) => s !== 'source.muster'),
      });
    }
    stack = result.ruleStack;
  });
  return tokens;
}

/** One line per token, `LINE:COL "TEXT" SCOPE SCOPE ...`, leaving out the
 * whitespace between tokens (but not inside strings and comments). */
export function dump(tokens) {
  return tokens
    .filter((t) => t.text.trim() !== '' || t.scopes.some((s) => /^(string|comment)\./.test(s)))
    .map((t) => [`${t.line}:${t.col}`, JSON.stringify(t.text), ...t.scopes].join(' '))
    .join('\n')
    .concat('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const file of process.argv.slice(2)) {
    process.stdout.write(dump(await tokenize(fs.readFileSync(file, 'utf8'))));
  }
}
