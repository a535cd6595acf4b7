// The client in extension.js, run against a stand-in for the `vscode`
// module: what the user is told when the server cannot be started, and how
// `muster.server.path` is resolved. (Starting a real server needs VS Code.)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import { root } from './tokenize.mjs';

const require = createRequire(import.meta.url);

/** A `vscode` with just what extension.js and vscode-languageclient touch
 * on the way to the point where the server is started. */
function fakeVscode({ settings, folder }) {
  const calls = { errors: [], output: [], commands: [], clients: 0 };
  const disposable = { dispose() {} };
  const vscode = {
    workspace: {
      workspaceFolders: folder ? [{ uri: { scheme: 'file', fsPath: folder } }] : undefined,
      getConfiguration: (section) => ({ get: (key) => settings[`${section}.${key}`] }),
      createFileSystemWatcher: () => disposable,
      onDidChangeConfiguration: () => disposable,
    },
    window: {
      createOutputChannel: () => ({
        appendLine: (line) => calls.output.push(line),
        show() {},
        dispose() {},
      }),
      showErrorMessage: async (message, ...items) => {
        calls.errors.push({ message, items });
        return undefined;
      },
    },
    commands: {
      registerCommand: (name) => {
        calls.commands.push(name);
        return disposable;
      },
      executeCommand: async () => undefined,
    },
  };
  // vscode-languageclient extends these classes when it loads.
  for (const name of [
    'CompletionItem',
    'CodeLens',
    'DocumentLink',
    'CodeAction',
    'Diagnostic',
    'CallHierarchyItem',
    'TypeHierarchyItem',
    'SymbolInformation',
    'InlayHint',
    'CancellationError',
  ]) {
    vscode[name] = class {};
  }
  return { vscode, calls };
}

/** extension.js, loaded afresh against `vscode`. */
function loadExtension(vscode) {
  const file = path.join(root, 'extension.js');
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request === 'vscode' ? vscode : load.call(this, request, ...rest);
  };
  try {
    delete require.cache[require.resolve(file)];
    return require(file);
  } finally {
    Module._load = load;
  }
}

async function activate(settings, folder) {
  const { vscode, calls } = fakeVscode({ settings, folder });
  const extension = loadExtension(vscode);
  await extension.activate({ subscriptions: [] });
  // Let the error message's promise settle.
  await new Promise((resolve) => setImmediate(resolve));
  await extension.deactivate();
  return calls;
}

test('a server that cannot be found is reported with what to do', async () => {
  const calls = await activate({
    'muster.server.path': '/nonexistent/bin/muster',
    'muster.server.extraArgs': [],
  });
  assert.equal(calls.errors.length, 1, JSON.stringify(calls.errors));
  const [{ message, items }] = calls.errors;
  assert.match(message, /`\/nonexistent\/bin\/muster lsp`/);
  assert.match(message, /cargo install --locked --path \./);
  assert.match(message, /muster\.server\.path/);
  assert.deepEqual(items, ['Open Settings', 'Show Log']);
  assert.ok(calls.output.some((line) => line.includes('not found')), calls.output.join('\n'));
  assert.deepEqual(calls.commands, ['muster.restartServer']);
});

test('a bare name is looked up on PATH', async () => {
  const saved = process.env.PATH;
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'muster-empty-path-'));
  process.env.PATH = empty;
  try {
    const calls = await activate({ 'muster.server.path': 'muster', 'muster.server.extraArgs': [] });
    assert.equal(calls.errors.length, 1);
    assert.match(calls.errors[0].message, /`muster lsp`/);
  } finally {
    process.env.PATH = saved;
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test('a relative path is taken from the workspace folder, with extraArgs after lsp', async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'muster-workspace-'));
  let calls;
  try {
    calls = await activate(
      { 'muster.server.path': 'target/release/muster', 'muster.server.extraArgs': ['--x', 'y'] },
      folder,
    );
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
  assert.ok(
    calls.output.includes(`Starting ${path.join(folder, 'target/release/muster')} lsp --x y`),
    calls.output.join('\n'),
  );
  assert.equal(calls.errors.length, 1);
});
