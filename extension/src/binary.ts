// Finds the `amlc` server binary (setting, then the copy bundled in the .vsix, then PATH) and checks that its
// version fits this extension. Pure apart from the injected file check, so it is unit-tested.

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
}): Candidate[] {
  const exe = opts.platform === 'win32' ? 'amlc.exe' : 'amlc';
  const out: Candidate[] = [];
  const setting = (opts.settingPath ?? '').trim();
  if (setting) {
    const expanded = setting.replace(/^~(?=$|[\\/])/, process.env.HOME ?? '~');
    const abs =
      path.isAbsolute(expanded) || !opts.workspaceFolder ? expanded : path.join(opts.workspaceFolder, expanded);
    // An explicit setting is the only candidate: silently falling back would hide a typo.
    return [{ path: abs, source: 'setting' }];
  }
  out.push({ path: path.join(opts.extensionDir, 'server', exe), source: 'bundled' });
  const sep = opts.platform === 'win32' ? ';' : ':';
  for (const dir of (opts.pathEnv ?? '').split(sep)) {
    if (dir) out.push({ path: path.join(dir, exe), source: 'PATH' });
  }
  return out;
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
