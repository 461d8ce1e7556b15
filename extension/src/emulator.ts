// Starts `amlc emulator --seed` on a free loopback port for "Use the local emulator" and waits for its
// "listening on" line, so the extension can point the server at it.

import * as cp from 'node:child_process';
import * as net from 'node:net';

export interface EmulatorProcess {
  url: string;
  stop(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Matches the emulator's banner: `amlc emulator listening on http://127.0.0.1:PORT`. */
export const LISTENING = /listening on (https?:\/\/\S+)/;

export async function startEmulator(binary: string, log: (line: string) => void): Promise<EmulatorProcess> {
  const port = await freePort();
  const child = cp.spawn(binary, ['emulator', '--listen', `127.0.0.1:${port}`, '--seed'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => finish(new Error('no "listening on" line within 15 s')), 15_000);
    const finish = (err?: Error, url?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        child.kill();
        reject(err);
      } else {
        resolve({ url: url as string, stop: () => child.kill() });
      }
    };
    const onData = (buf: Buffer) => {
      for (const line of buf.toString('utf8').split(/\r?\n/)) {
        if (!line) continue;
        log(line);
        const m = LISTENING.exec(line);
        if (m) finish(undefined, m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (e) => finish(e));
    child.once('exit', (code) => finish(new Error(`the emulator exited with code ${code}`)));
  });
}
