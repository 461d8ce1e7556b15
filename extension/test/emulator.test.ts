// Checks that the extension reads the emulator's "listening on" banner, and that it starts a real child process
// (a stand-in script on loopback) and stops it again.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { LISTENING, startEmulator } from '../src/emulator';

test('the banner regex takes the URL', () => {
  assert.equal(LISTENING.exec('amlc emulator listening on http://127.0.0.1:40123')?.[1], 'http://127.0.0.1:40123');
  assert.equal(LISTENING.exec('amlc emulator starting'), null);
});

function script(body: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amlc-emu-test-'));
  const file = path.join(dir, 'amlc');
  fs.writeFileSync(file, `#!${process.execPath}\n${body}\n`, { mode: 0o755 });
  return file;
}

test('startEmulator passes --listen on a free loopback port and resolves with the printed URL', async () => {
  const bin = script(`
const a = process.argv.slice(2);
if (a[0] !== 'emulator' || a[1] !== '--listen' || a[3] !== '--seed') { console.error('bad args ' + a.join(' ')); process.exit(3); }
const [host, port] = a[2].split(':');
require('http').createServer((q, r) => r.end('{}')).listen(Number(port), host, () => console.log('amlc emulator listening on http://' + a[2]));
`);
  const lines: string[] = [];
  const emu = await startEmulator(bin, (l) => lines.push(l));
  try {
    assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await fetch(emu.url);
    assert.equal(r.status, 200);
    assert.ok(lines.some((l) => l.includes('listening on')));
  } finally {
    emu.stop();
  }
});

test('startEmulator rejects when the process exits without the banner', async () => {
  const bin = script(`console.error('port in use'); process.exit(1);`);
  await assert.rejects(startEmulator(bin, () => {}), /exited with code 1/);
});
