// Finds the `amlc` server binary (setting, then the copy bundled in this platform's .vsix, then PATH), says what to
// do when there is none, and checks that its version fits this extension. Pure apart from the injected file check,
// so it is unit-tested.

import * as path from 'node:path';

export interface Candidate {
  path: string;
  source: 'setting' | 'bundled' | 'PATH';
}

/** Every place the binary may be, in the order they are tried. */
export function serverCandidates(opts: {
  settingPath: string | undefined;
  extensionDir: string;
  pathEnv: string | undefined;
  platform: string;
  workspaceFolder?: string;
  /** What `~` in the setting means (`os.homedir()`: %USERPROFILE% on Windows, $HOME elsewhere). */
  home?: string;
}): Candidate[] {
  const exe = serverFileName(opts.platform);
  // The platform's own path rules (backslashes and drive letters on Windows), so Windows is testable anywhere.
  const paths = opts.platform === 'win32' ? path.win32 : path.posix;
  const out: Candidate[] = [];
  const setting = (opts.settingPath ?? '').trim();
  if (setting) {
    const expanded = opts.home ? setting.replace(/^~(?=$|[\\/])/, opts.home) : setting;
    const abs =
      paths.isAbsolute(expanded) || !opts.workspaceFolder ? expanded : paths.join(opts.workspaceFolder, expanded);
    // An explicit setting is the only candidate: silently falling back would hide a typo.
    return [{ path: abs, source: 'setting' }];
  }
  out.push({ path: paths.join(opts.extensionDir, 'server', exe), source: 'bundled' });
  const sep = opts.platform === 'win32' ? ';' : ':';
  for (const dir of (opts.pathEnv ?? '').split(sep)) {
    // Windows allows quoted PATH entries ("C:\Program Files\x").
    const clean = dir.replace(/^"(.*)"$/, '$1');
    if (clean) out.push({ path: paths.join(clean, exe), source: 'PATH' });
  }
  return out;
}

/** The file name of the server on a platform (`process.platform`). */
export function serverFileName(platform: string): string {
  return platform === 'win32' ? 'amlc.exe' : 'amlc';
}

/**
 * The one message shown when no server was found. The platform packages bundle a server for Windows and Linux;
 * macOS has none (it cannot be linked where the packages are built), so a macOS user is told how to get one.
 */
export function missingServerMessage(platform: string, settingPath: string | undefined): string {
  const setting = (settingPath ?? '').trim();
  if (setting) {
    return `The amlc language server was not found at "${setting}" (amlc.server.path). Fix the setting or clear it to use the bundled server.`;
  }
  if (platform === 'darwin') {
    return (
      'amlc has no prebuilt server for macOS: build one with `cargo install --locked --path server/amlc` in a clone of ' +
      'the amlc repository (it lands in ~/.cargo/bin, on PATH), or set amlc.server.path to an amlc binary, then restart the server.'
    );
  }
  return `The amlc language server was not found: this package has no bundled server/${serverFileName(platform)} and there is no amlc on PATH. Install the package for your platform or set amlc.server.path.`;
}

/** For the log: every place that was tried, in order. */
export function describeSearch(candidates: Candidate[]): string {
  return candidates.map((c) => `${c.path} (${c.source})`).join(', ');
}

export function findServer(candidates: Candidate[], isExecutable: (p: string) => boolean): Candidate | undefined {
  return candidates.find((c) => isExecutable(c.path));
}

/** Reads `amlc 0.1.0` (clap's `--version` output) into [major, minor, patch]. */
export function parseVersion(output: string): [number, number, number] | undefined {
  const m = /\b(\d+)\.(\d+)\.(\d+)/.exec(output);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/**
 * Whether a server version speaks this extension's protocol: same major, and for 0.x the same minor
 * (semver's rule for pre-1.0 releases).
 */
export function versionCompatible(server: [number, number, number], extension: [number, number, number]): boolean {
  if (server[0] !== extension[0]) return false;
  return server[0] !== 0 || server[1] === extension[1];
}
