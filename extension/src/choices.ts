// The small decisions behind the extension's prompts: idle-shutdown choices and scale inputs within the limits the
// server sends, token expiry, turning the server's SSH argv into a terminal. Pure (no `vscode` import), so it is unit-tested.

import type { Limits } from './lsp_ext';

/**
 * The limits when the server sent none (an older server): the inputs then accept any whole number and the
 * server's refusal says what is wrong. The real limits come from `amlc/listComputes` (`limits`).
 */
export const NO_LIMITS: Limits = { idleShutdownMinutes: { min: 0, max: null }, nodes: { min: 0, max: null } };

export interface IdleChoice {
  label: string;
  minutes: number;
}

const IDLE_PRESETS: readonly IdleChoice[] = [
  { label: '15 minutes', minutes: 15 },
  { label: '30 minutes', minutes: 30 },
  { label: '1 hour', minutes: 60 },
  { label: '2 hours', minutes: 120 },
  { label: '4 hours', minutes: 240 },
  { label: '8 hours', minutes: 480 },
  { label: '12 hours', minutes: 720 },
  { label: '1 day', minutes: 1440 },
  { label: '2 days', minutes: 2880 },
  { label: '3 days', minutes: 4320 },
];

/** The preset durations inside the server's idle-shutdown range. */
export function idleChoices(limits: Limits): IdleChoice[] {
  const { min, max } = limits.idleShutdownMinutes;
  return IDLE_PRESETS.filter((c) => c.minutes >= min && (max === null || c.minutes <= max));
}

function minutesText(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} day${minutes === 1440 ? '' : 's'}`;
  if (minutes % 60 === 0) return `${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
  return `${minutes} minutes`;
}

/**
 * Parses a custom idle time: a bare number of minutes, or a number with m/min, h/hours or d/days, within the
 * server's range. Returns the minutes, or an error message that says what is accepted.
 */
export function parseIdleMinutes(input: string, limits: Limits): { minutes: number } | { error: string } {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(m|min|mins|minutes?|h|hr|hrs|hours?|d|days?)?\s*$/i.exec(input);
  const { min, max } = limits.idleShutdownMinutes;
  const range = max === null ? `at least ${minutesText(min)}` : `from ${minutesText(min)} to ${minutesText(max)}`;
  const help = `Enter a duration ${range}, e.g. 90, 90m, 2h or 1d.`;
  if (!m) return { error: help };
  const value = Number(m[1]);
  const unit = (m[2] ?? 'm').toLowerCase()[0];
  const minutes = unit === 'd' ? value * 1440 : unit === 'h' ? value * 60 : value;
  if (!Number.isFinite(minutes) || !Number.isInteger(minutes)) return { error: `Use whole minutes. ${help}` };
  if (minutes < min || (max !== null && minutes > max)) return { error: `${minutes} minutes is out of range. ${help}` };
  return { minutes };
}

function parseCount(s: string): number | undefined {
  return /^\s*\d+\s*$/.test(s) ? Number(s.trim()) : undefined;
}

export interface ScaleArgs {
  minInstances: number;
  maxInstances: number;
  idleSecondsBeforeScaleDown?: number;
}

/**
 * Reads the Update scale inputs: whole numbers within the server's node bounds. How the two counts relate is the
 * server's rule (it refuses with its own words), so it is not repeated here. An empty idle value keeps the setting.
 */
export function parseScale(min: string, max: string, idle: string, limits: Limits): { args: ScaleArgs } | { error: string } {
  const { min: low, max: high } = limits.nodes;
  const inBounds = (n: number | undefined) => n !== undefined && n >= low && (high === null || n <= high);
  const bounds = high === null ? `${low} or more` : `${low} to ${high}`;
  const minInstances = parseCount(min);
  if (!inBounds(minInstances)) return { error: `Minimum instances must be a whole number, ${bounds}.` };
  const maxInstances = parseCount(max);
  if (!inBounds(maxInstances)) return { error: `Maximum instances must be a whole number, ${bounds}.` };
  const args: ScaleArgs = { minInstances: minInstances as number, maxInstances: maxInstances as number };
  if (idle.trim() !== '') {
    const idleSeconds = parseCount(idle);
    if (idleSeconds === undefined) return { error: 'Idle seconds before scale down must be a whole number of seconds.' };
    args.idleSecondsBeforeScaleDown = idleSeconds;
  }
  return { args };
}

/**
 * When a bearer token expires: the JWT `exp` claim when it can be read, otherwise a conservative
 * 50 minutes from now (Microsoft access tokens live at least an hour). The token itself is never logged.
 */
export function tokenExpiry(token: string, nowSeconds: number): number {
  const fallback = nowSeconds + 50 * 60;
  const parts = token.split('.');
  if (parts.length !== 3) return fallback;
  try {
    const json = Buffer.from(parts[1].replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) && exp > nowSeconds ? Math.floor(exp) : fallback;
  } catch {
    return fallback;
  }
}

/** The terminal to open for the server's SSH argv (`["ssh", "-p", "50000", "azureuser@1.2.3.4"]`). */
export function sshTerminal(name: string, argv: unknown): { name: string; shellPath: string; shellArgs: string[] } | undefined {
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string') || argv[0] === '') return undefined;
  return { name: `SSH: ${name}`, shellPath: argv[0], shellArgs: argv.slice(1) };
}

/** The `ssh` destination (`user@host`) and port in an argv, for handing over to Remote-SSH. */
export function sshDestination(argv: string[]): { host: string; port?: number } | undefined {
  if (argv.length === 0 || !/(^|\/)ssh$/.test(argv[0])) return undefined;
  let port: number | undefined;
  let host: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      // The end of ssh's options: the destination, then a remote command if any.
      if (host !== undefined || i + 1 >= argv.length) return undefined;
      if (i + 2 < argv.length) return undefined; // a remote command follows: not a plain login
      host = argv[i + 1];
      break;
    }
    if (a === '-p' && i + 1 < argv.length) {
      port = Number(argv[++i]);
    } else if (/^-[bcDEeFIiJLlmOoQRSWw]$/.test(a)) {
      i++; // options with a value we do not need
    } else if (!a.startsWith('-')) {
      if (host !== undefined) return undefined; // a remote command follows: not a plain login
      host = a;
    }
  }
  if (!host) return undefined;
  return port !== undefined && Number.isInteger(port) ? { host, port } : { host };
}
