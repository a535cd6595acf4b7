// The Muster extension: starts `muster lsp` over stdio for .muster files.
// Highlighting comes from syntaxes/muster.tmLanguage.json and works without
// the server.
'use strict';

const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

const INSTALL_HINT =
  'Install muster with `cargo install --locked --path .` in a clone of the Muster ' +
  'repository, or set `muster.server.path` to the muster executable.';

/** @type {LanguageClient | undefined} */
let client;
/** @type {vscode.OutputChannel | undefined} */
let output;
/** @type {vscode.FileSystemWatcher | undefined} */
let watcher;

/** The configured command, resolved: absolute, or relative to the first
 * workspace folder when it names a path (`target/release/muster`), or a bare
 * name looked up on PATH. */
function serverCommand() {
  const config = vscode.workspace.getConfiguration('muster.server');
  const configured = (config.get('path') || 'muster').trim() || 'muster';
  const extraArgs = config.get('extraArgs') || [];
  let command = configured;
  if (command.startsWith('~/') || command === '~') {
    command = path.join(require('os').homedir(), command.slice(1));
  }
  if (!path.isAbsolute(command) && /[\\/]/.test(command)) {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder && folder.uri.scheme === 'file') {
      command = path.join(folder.uri.fsPath, command);
    }
  }
  return { configured, command, args: ['lsp', ...extraArgs.map(String)] };
}

function isExecutable(file) {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      return false;
    }
    if (process.platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/** Whether `command` can be started: an existing executable file, or a bare
 * name found on PATH (with PATHEXT on Windows). */
function canStart(command) {
  if (path.isAbsolute(command) || /[\\/]/.test(command)) {
    return isExecutable(command);
  }
  const exts =
    process.platform === 'win32'
      ? ['', ...(process.env.PATHEXT || '.EXE;.CMD;.BAT;.COM').split(';')]
      : [''];
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) {
      continue;
    }
    for (const ext of exts) {
      if (isExecutable(path.join(dir, command + ext))) {
        return true;
      }
    }
  }
  return false;
}

async function reportStartFailure(configured, detail) {
  const message =
    `Muster: the language server could not be started with \`${configured} lsp\`` +
    (detail ? ` (${detail})` : '') +
    `. ${INSTALL_HINT} Syntax highlighting works without it.`;
  const choice = await vscode.window.showErrorMessage(message, 'Open Settings', 'Show Log');
  if (choice === 'Open Settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'muster.server');
  } else if (choice === 'Show Log') {
    output?.show(true);
  }
}

async function startClient() {
  const { configured, command, args } = serverCommand();
  output?.appendLine(`Starting ${command} ${args.join(' ')}`);
  if (!canStart(command)) {
    output?.appendLine(`${command}: not found or not executable`);
    void reportStartFailure(configured, 'not found or not executable');
    return;
  }
  const executable = { command, args, transport: TransportKind.stdio };
  client = new LanguageClient(
    'muster',
    'Muster',
    { run: executable, debug: executable },
    {
      documentSelector: [
        { scheme: 'file', language: 'muster' },
        { scheme: 'untitled', language: 'muster' },
      ],
      outputChannel: output,
      synchronize: watcher ? { fileEvents: watcher } : undefined,
    },
  );
  try {
    await client.start();
  } catch (error) {
    const failed = client;
    client = undefined;
    try {
      await failed.dispose();
    } catch {
      // The server never ran: nothing to stop.
    }
    void reportStartFailure(
      configured,
      `${error && error.message ? error.message : error}; is it a muster with the \`lsp\` command?`,
    );
  }
}

async function stopClient() {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch {
      // Already stopped.
    }
  }
}

async function restartClient() {
  await stopClient();
  await startClient();
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  output = vscode.window.createOutputChannel('Muster');
  // One watcher for the whole session: the server hears of .muster files and
  // muster.toml changing on disk (a file that a `use` names, say).
  watcher = vscode.workspace.createFileSystemWatcher('**/{*.muster,muster.toml}');
  context.subscriptions.push(
    output,
    watcher,
    vscode.commands.registerCommand('muster.restartServer', restartClient),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('muster.server')) {
        void restartClient();
      }
    }),
  );
  await startClient();
}

function deactivate() {
  return stopClient();
}

module.exports = { activate, deactivate };
