// The small decisions behind the extension's prompts: idle-shutdown choices, scale input checks, token expiry,
// turning the server's SSH argv into a terminal. Pure (no `vscode` import), so it is unit-tested.

/** The service accepts 15 minutes … 3 days for idle shutdown (facts §2, swagger IdleShutdownSetting). */
export const IDLE_MIN_MINUTES = 15;
export const IDLE_MAX_MINUTES = 3 * 24 * 60;

export interface IdleChoice {
  label: string;
  minutes: number;
}

export const IDLE_CHOICES: readonly IdleChoice[] = [
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

/**
 * Parses a custom idle time: a bare number of minutes, or a number with m/min, h/hours or d/days.
 * Returns the minutes, or an error message that says what is accepted.
 */
export function parseIdleMinutes(input: string): { minutes: number } | { error: string } {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(m|min|mins|minutes?|h|hr|hrs|hours?|d|days?)?\s*$/i.exec(input);
  const help = `Enter a duration from ${IDLE_MIN_MINUTES} minutes to 3 days, e.g. 90, 90m, 2h or 1d.`;
  if (!m) return { error: help };
  const value = Number(m[1]);
  const unit = (m[2] ?? 'm').toLowerCase()[0];
  const minutes = unit === 'd' ? value * 1440 : unit === 'h' ? value * 60 : value;
  if (!Number.isFinite(minutes) || !Number.isInteger(minutes)) return { error: `Use whole minutes. ${help}` };
  if (minutes < IDLE_MIN_MINUTES || minutes > IDLE_MAX_MINUTES) return { error: `${minutes} minutes is out of range. ${help}` };
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

/** Checks the Update scale inputs; an empty idle value leaves the cluster's setting alone. */
export function parseScale(min: string, max: string, idle: string): { args: ScaleArgs } | { error: string } {
  const minInstances = parseCount(min);
  if (minInstances === undefined) return { error: 'Minimum instances must be a whole number (0 or more).' };
  const maxInstances = parseCount(max);
  if (maxInstances === undefined || maxInstances < 1) return { error: 'Maximum instances must be a whole number, 1 or more.' };
  if (maxInstances < minInstances) return { error: `Maximum instances (${maxInstances}) is below minimum instances (${minInstances}).` };
  const args: ScaleArgs = { minInstances, maxInstances };
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
