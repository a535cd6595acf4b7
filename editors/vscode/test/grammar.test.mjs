// The extension's TextMate grammar, tokenized as VS Code does it:
// - every fixture (test/fixtures/*.muster) against its committed token dump
//   (test/snapshots/NAME.scopes.txt); `UPDATE=1 npm test` rewrites them;
// - a few facts asserted directly;
// - every valid Muster text of the repository (the examples, the valid UI
//   fixtures, the reference's examples) without an `invalid` scope;
// - the manifest: what package.json names exists, the JSON files parse, and
//   the grammar is the one syntaxes/build.mjs builds.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { dump, grammarPath, root, tokenize } from './tokenize.mjs';
import { text as builtGrammar } from '../syntaxes/build.mjs';

const fixtures = path.join(root, 'test', 'fixtures');
const snapshots = path.join(root, 'test', 'snapshots');
const repo = path.resolve(root, '..', '..');
const update = process.env.UPDATE === '1';

/** The tokens of `text` whose text is `word`, in order. */
async function find(text, word) {
  return (await tokenize(text)).filter((t) => t.text === word);
}

function hasScope(token, prefix) {
  return token.scopes.some((s) => s === prefix || s.startsWith(`${prefix}.`));
}

/** A readable account of where two dumps part. */
function firstDifference(expected, actual) {
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      const context = (lines) => lines.slice(Math.max(0, i - 2), i + 3).join('\n    ');
      return `first difference at dump line ${i + 1}:\n  expected:\n    ${context(a)}\n  actual:\n    ${context(b)}`;
    }
  }
  return 'no difference';
}

// ------------------------------------------------------------- snapshots

const fixtureNames = fs
  .readdirSync(fixtures)
  .filter((f) => f.endsWith('.muster'))
  .map((f) => f.slice(0, -'.muster'.length))
  .sort();

test('there are fixtures', () => {
  assert.ok(fixtureNames.length >= 4, `only ${fixtureNames.length} fixtures in ${fixtures}`);
});

for (const name of fixtureNames) {
  test(`snapshot: ${name}`, async () => {
    const text = fs.readFileSync(path.join(fixtures, `${name}.muster`), 'utf8');
    const actual = dump(await tokenize(text));
    const file = path.join(snapshots, `${name}.scopes.txt`);
    if (update) {
      fs.mkdirSync(snapshots, { recursive: true });
      fs.writeFileSync(file, actual);
      return;
    }
    assert.ok(fs.existsSync(file), `no snapshot ${path.relative(root, file)}: run \`UPDATE=1 npm test\``);
    const expected = fs.readFileSync(file, 'utf8');
    if (expected !== actual) {
      assert.fail(
        `${path.relative(root, file)} differs from the tokens of ${name}.muster ` +
          `(\`UPDATE=1 npm test\` rewrites it, then review the diff):\n${firstDifference(expected, actual)}`,
      );
    }
  });
}

test('every snapshot has its fixture', () => {
  if (update) {
    for (const file of fs.readdirSync(snapshots)) {
      if (!fixtureNames.includes(file.replace(/\.scopes\.txt$/, ''))) {
        fs.rmSync(path.join(snapshots, file));
      }
    }
  }
  const orphans = fs
    .readdirSync(snapshots)
    .filter((f) => !f.endsWith('.scopes.txt') || !fixtureNames.includes(f.slice(0, -'.scopes.txt'.length)));
  assert.deepEqual(orphans, [], 'snapshots without a fixture');
});

// ------------------------------------------------------ asserted directly

test('a /// line above a declaration is a doc comment', async () => {
  const tokens = await tokenize('/// Mutual assistance.\nhandbook "H" {}\n');
  const line1 = tokens.filter((t) => t.line === 1);
  assert.ok(line1.length > 0);
  for (const t of line1) {
    assert.ok(hasScope(t, 'comment.line.documentation.muster'), `${t.text}: ${t.scopes}`);
  }
  const [slashes] = line1;
  assert.equal(slashes.text, '///');
  assert.ok(hasScope(slashes, 'punctuation.definition.comment'));
});

test('//// , /// after code and /// inside /* */ are ordinary comments', async () => {
  const text = [
    '//// four slashes',
    'fact a: bool /// after code',
    '/* a block',
    '/// inside it */',
    'procedure p {',
    '  lead hrvp /// after an attribute',
    '}',
  ].join('\n');
  const tokens = await tokenize(text);
  for (const t of tokens.filter((t) => hasScope(t, 'comment'))) {
    assert.ok(!hasScope(t, 'comment.line.documentation'), `line ${t.line} "${t.text}": ${t.scopes}`);
  }
  assert.ok(tokens.some((t) => t.line === 4 && hasScope(t, 'comment.block.muster')));
});

test('`procedure art42_7` names a procedure', async () => {
  const text = fs.readFileSync(path.join(fixtures, 'art42_7.muster'), 'utf8');
  const [name] = await find(text, 'art42_7');
  assert.ok(hasScope(name, 'entity.name.function.procedure.muster'), name.scopes.join(' '));
  const [keyword] = await find(text, 'procedure');
  assert.ok(hasScope(keyword, 'storage.type.procedure.muster'), keyword.scopes.join(' '));
});

test('every declaration names its entity', async () => {
  const text = [
    'actor a { kind office }',
    'resource r { provider a }',
    'fact f: bool',
    'procedure p { trigger t { when f } step s {} }',
    'scenario sc { incident i {} inject j { at 1d } }',
  ].join('\n');
  const expected = {
    a: 'entity.name.type.actor.muster',
    r: 'entity.name.type.resource.muster',
    f: 'entity.name.variable.fact.muster',
    p: 'entity.name.function.procedure.muster',
    t: 'entity.name.function.trigger.muster',
    s: 'entity.name.function.step.muster',
    sc: 'entity.name.function.scenario.muster',
    i: 'entity.name.variable.incident.muster',
    j: 'entity.name.function.inject.muster',
  };
  for (const [word, scope] of Object.entries(expected)) {
    const [token] = await find(text, word);
    assert.ok(token && hasScope(token, scope), `${word}: ${token?.scopes}`);
  }
});

test('ranged durations are durations', async () => {
  const text = 'procedure p { step s { takes 1d..3d } step t { takes 1d..2d..5d  within 2w3d } }';
  const tokens = await tokenize(text);
  for (const word of ['1d', '3d', '2d', '5d', '2w3d']) {
    const token = tokens.find((t) => t.text === word);
    assert.ok(token && hasScope(token, 'constant.numeric.duration.muster'), `${word}: ${token?.scopes}`);
  }
  const dots = tokens.filter((t) => t.text === '..');
  assert.equal(dots.length, 3);
  for (const t of dots) {
    assert.ok(hasScope(t, 'keyword.operator.range.muster'), t.scopes.join(' '));
    assert.ok(hasScope(t, 'meta.range.duration.muster'), t.scopes.join(' '));
  }
  // Units out of order (E0002) are not a duration.
  const [bad] = await find('procedure p { step s { within 12h1d } }', '12h1d');
  assert.ok(hasScope(bad, 'invalid.illegal'), bad.scopes.join(' '));
});

test('integers take underscores between digits only', async () => {
  const [good] = await find('resource r { provider a  capacity 1_000 officers }', '1_000');
  assert.ok(hasScope(good, 'constant.numeric.integer.muster'), good.scopes.join(' '));
  const [bad] = await find('resource r { provider a  capacity 1__000 officers }', '1__000');
  assert.ok(hasScope(bad, 'invalid.illegal'), bad.scopes.join(' '));
});

test('escapes: valid ones are constants, others invalid', async () => {
  const text = 'actor a { kind office  note "\\q \\\\ \\" \\n \\t \\u{2014} \\u{D800} \\u{110000} \\u00e9" }';
  const tokens = await tokenize(text);
  const scopeOf = (word) => {
    const token = tokens.find((t) => t.text === word);
    assert.ok(token, `no token ${word}`);
    assert.ok(hasScope(token, 'string.quoted.double.muster'), `${word}: ${token.scopes}`);
    return token;
  };
  for (const escape of ['\\\\', '\\"', '\\n', '\\t', '\\u{2014}']) {
    assert.ok(hasScope(scopeOf(escape), 'constant.character.escape.muster'), escape);
  }
  for (const escape of ['\\q', '\\u{D800}', '\\u{110000}', '\\u']) {
    assert.ok(hasScope(scopeOf(escape), 'invalid.illegal'), escape);
  }
});

test('keywords inside strings and comments are not keywords', async () => {
  const text = [
    'actor a "actor and step true" { kind office  note "procedure when lead in" }',
    '// actor and step procedure true when lead',
    '/* trigger scenario use fact */',
    '/// handbook resource not or',
  ].join('\n');
  const tokens = await tokenize(text);
  const inside = tokens.filter((t) => hasScope(t, 'string') || hasScope(t, 'comment'));
  assert.ok(inside.length >= 4);
  for (const t of inside) {
    for (const kind of ['keyword', 'storage', 'constant.language', 'entity', 'variable']) {
      assert.ok(!hasScope(t, kind), `"${t.text}" at ${t.line}:${t.col} has ${t.scopes}`);
    }
  }
});

test('attribute names used as names are names', async () => {
  const text = 'actor lead { kind role }\nprocedure p { lead lead  trigger t { when when } }';
  const leads = await find(text, 'lead');
  assert.deepEqual(
    leads.map((t) => t.scopes.at(-1)),
    ['entity.name.type.actor.muster', 'keyword.other.attribute.muster', 'variable.other.actor.muster'],
  );
  const whens = await find(text, 'when');
  assert.deepEqual(
    whens.map((t) => t.scopes.at(-1)),
    ['keyword.other.attribute.muster', 'variable.other.muster'],
  );
});

test('a reserved word as a name is invalid', async () => {
  const [and] = await find('actor and { kind office }', 'and');
  assert.ok(hasScope(and, 'invalid.illegal'), and.scopes.join(' '));
});

test('a missing } does not swallow the next declaration', async () => {
  const tokens = await tokenize('procedure p {\n  step s {\n    takes 1d\n\nactor a { kind office }\n');
  const actor = tokens.find((t) => t.text === 'actor');
  assert.deepEqual(actor.scopes, ['meta.declaration.actor.muster', 'storage.type.actor.muster']);
});

// ------------------------------------- every valid text of the repository

/** `.muster` files below `dir`, recursively. */
function musterFiles(dir) {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return musterFiles(file);
    }
    return entry.name.endsWith('.muster') ? [file] : [];
  });
}

test('no valid Muster text of the repository has an invalid scope', async () => {
  // tests/ui/syntax holds the syntax errors: everything else parses.
  const texts = ['examples', 'tests/ui/check', 'tests/ui/fmt', 'tests/ui/scenario', 'tests/ui/test', 'tests/ui/use']
    .flatMap((dir) => musterFiles(path.join(repo, dir)))
    .map((file) => [path.relative(repo, file), fs.readFileSync(file, 'utf8')]);
  assert.ok(texts.length > 50, `only ${texts.length} .muster files found below ${repo}`);
  // "Every example is valid Muster text."
  const reference = fs.readFileSync(path.join(repo, 'docs', 'reference.md'), 'utf8');
  let n = 0;
  for (const [, body] of reference.matchAll(/^```muster\n([\s\S]*?)^```/gm)) {
    texts.push([`docs/reference.md, muster example ${++n}`, body]);
  }
  assert.ok(n > 20, `only ${n} muster examples in docs/reference.md`);
  const problems = [];
  for (const [name, text] of texts) {
    for (const t of await tokenize(text)) {
      if (t.scopes.some((s) => s.startsWith('invalid.'))) {
        problems.push(`${name}:${t.line}:${t.col} "${t.text}" ${t.scopes.join(' ')}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

// --------------------------------------------------------------- manifest

const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

test('the paths package.json names exist', () => {
  const paths = [manifest.main];
  for (const language of manifest.contributes.languages) {
    paths.push(language.configuration);
  }
  for (const grammar of manifest.contributes.grammars) {
    paths.push(grammar.path);
  }
  for (const p of paths) {
    assert.ok(p, 'an empty path in package.json');
    assert.ok(fs.existsSync(path.join(root, p)), `package.json names ${p}, which does not exist`);
  }
});

test('the manifest declares the muster language, grammar and settings', () => {
  const [language] = manifest.contributes.languages;
  assert.equal(language.id, 'muster');
  assert.deepEqual(language.extensions, ['.muster']);
  const [grammar] = manifest.contributes.grammars;
  assert.equal(grammar.language, 'muster');
  assert.equal(grammar.scopeName, 'source.muster');
  assert.deepEqual(manifest.activationEvents, ['onLanguage:muster']);
  const settings = manifest.contributes.configuration.properties;
  assert.equal(settings['muster.server.path'].default, 'muster');
  assert.deepEqual(settings['muster.server.extraArgs'].default, []);
  assert.match(manifest.dependencies['vscode-languageclient'], /^\^9\./);
  // A workspace that is not trusted cannot choose the executable.
  assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.sort(), [
    'muster.server.extraArgs',
    'muster.server.path',
  ]);
  for (const command of manifest.contributes.commands ?? []) {
    const source = fs.readFileSync(path.join(root, manifest.main), 'utf8');
    assert.ok(source.includes(`'${command.command}'`), `${command.command} is not registered`);
  }
});

test('the grammar and the language configuration parse', () => {
  const grammar = JSON.parse(fs.readFileSync(grammarPath, 'utf8'));
  assert.equal(grammar.scopeName, manifest.contributes.grammars[0].scopeName);
  assert.ok(Object.keys(grammar.repository).length > 0);
  // Every include names a rule of the repository.
  const names = new Set(Object.keys(grammar.repository));
  const walk = (node) => {
    if (Array.isArray(node)) {
      node.forEach(walk);
    } else if (node && typeof node === 'object') {
      if (typeof node.include === 'string' && node.include.startsWith('#')) {
        assert.ok(names.has(node.include.slice(1)), `include ${node.include} names no rule`);
      }
      Object.values(node).forEach(walk);
    }
  };
  walk(grammar);
  const configuration = JSON.parse(
    fs.readFileSync(path.join(root, manifest.contributes.languages[0].configuration), 'utf8'),
  );
  assert.equal(configuration.comments.lineComment, '//');
  assert.deepEqual(configuration.comments.blockComment, ['/*', '*/']);
  const word = new RegExp(`^(?:${configuration.wordPattern})$`);
  for (const w of ['art42_7', '_draft', 'PSC', '1d12h', '1_000']) {
    assert.match(w, word);
  }
});

test('the committed grammar is the one syntaxes/build.mjs builds', () => {
  const committed = fs.readFileSync(grammarPath, 'utf8');
  assert.ok(committed === builtGrammar, 'syntaxes/muster.tmLanguage.json is stale: run `npm run build-grammar`');
});

test('extension.js is valid JavaScript', () => {
  execFileSync(process.execPath, ['--check', path.join(root, manifest.main)]);
});
