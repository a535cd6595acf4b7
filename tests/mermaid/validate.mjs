// Parses each Mermaid file named on the command line with the real Mermaid
// parser (the one GitHub's renderer uses), in Node with a jsdom window.
// Prints `ok FILE (type)` or `FAIL FILE: reason`; exits 1 on any failure.
import { JSDOM } from 'jsdom';
import { readFileSync } from 'node:fs';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const name of ['DOMParser', 'Element', 'HTMLElement', 'SVGElement', 'Node']) {
  globalThis[name] = dom.window[name];
}
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

let failed = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  try {
    const result = await mermaid.parse(text);
    console.log(`ok ${file} (${result.diagramType})`);
  } catch (error) {
    failed++;
    const reason = String(error?.message ?? error).split('\n').slice(0, 4).join(' | ');
    console.log(`FAIL ${file}: ${reason}`);
  }
}
process.exit(failed ? 1 : 0);
