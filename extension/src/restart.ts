// When to restart the language server after it exits by itself: up to MAX_RESTARTS times within a sliding window,
// then stop and say so. Pure (no `vscode` import) so the policy is unit-tested; server.ts maps it to the client's
// CloseAction.

export const RESTART_WINDOW_MS = 3 * 60 * 1000;
export const MAX_RESTARTS = 5;

export interface RestartDecision {
  restart: boolean;
  /** Exits counted in the window, this one included. */
  count: number;
  /** For the log; the user-facing error when `restart` is false. */
  message: string;
}

export class RestartPolicy {
  private exits: number[] = [];

  constructor(
    private readonly max = MAX_RESTARTS,
    private readonly windowMs = RESTART_WINDOW_MS,
  ) {}

  /** Records an unexpected exit at `now` (ms) and decides. */
  onExit(now: number): RestartDecision {
    this.exits = this.exits.filter((t) => now - t < this.windowMs);
    this.exits.push(now);
    const count = this.exits.length;
    if (count <= this.max) {
      return { restart: true, count, message: `the server exited; restarting it (${count}/${this.max})` };
    }
    const minutes = Math.round(this.windowMs / 60000);
    return {
      restart: false,
      count,
      message:
        `The amlc language server crashed ${count} times in ${minutes} minutes and was not restarted. ` +
        'Use "Azure ML: Restart Language Server" after fixing the cause (see "Show log").',
    };
  }

  /** A restart the user asked for starts a fresh count. */
  reset(): void {
    this.exits = [];
  }
}
