// Shows the server's work-done progress for amlc's own operations as a notification with a Cancel button.
// vscode-languageclient shows every `$/progress` in the status bar, where VS Code offers no Cancel; this takes over
// `window/workDoneProgress/create` and sends `window/workDoneProgress/cancel` when the user cancels.
// Pure (the client and `withProgress` are passed in), so it is unit-tested.

export type Token = string | number;

export interface ProgressValue {
  kind: 'begin' | 'report' | 'end';
  title?: string;
  message?: string;
  percentage?: number;
  cancellable?: boolean;
}

export interface ProgressClient {
  onProgress(token: Token, handler: (value: ProgressValue) => void): { dispose(): void };
  sendCancel(token: Token): void;
}

export interface ProgressReporter {
  report(value: { message?: string; increment?: number }): void;
}

export interface CancelToken {
  onCancellationRequested(listener: () => void): { dispose(): void };
}

/** `location` is 'notification' for amlc's own operations, 'window' (the status bar) for anything else. */
export type WithProgress = (
  options: { location: 'notification' | 'window'; title?: string; cancellable: boolean },
  task: (progress: ProgressReporter, token: CancelToken) => Promise<void>,
) => void;

/** amlc's server names its tokens `amlc/<command>/<name>/<n>`. */
export function isAmlcToken(token: Token): boolean {
  return typeof token === 'string' && token.startsWith('amlc/');
}

/** Follows one token from `begin` to `end` (or cancel). */
export class ProgressView {
  private subscription: { dispose(): void } | undefined;
  private finish: (() => void) | undefined;
  private reporter: ProgressReporter | undefined;
  private reported = 0;
  private ended = false;

  constructor(
    private readonly client: ProgressClient,
    private readonly token: Token,
    private readonly withProgress: WithProgress,
  ) {
    this.subscription = client.onProgress(token, (value) => this.on(value));
  }

  private on(value: ProgressValue): void {
    if (!value || this.ended) return;
    if (value.kind === 'begin') this.begin(value);
    else if (value.kind === 'report') this.report(value);
    else if (value.kind === 'end') this.end();
  }

  private begin(value: ProgressValue): void {
    const location = isAmlcToken(this.token) ? 'notification' : 'window';
    this.withProgress({ location, title: value.title, cancellable: value.cancellable === true }, (progress, cancel) => {
      if (this.ended) return Promise.resolve();
      this.reporter = progress;
      const sub = cancel.onCancellationRequested(() => {
        this.client.sendCancel(this.token);
        this.end();
      });
      this.report(value);
      return new Promise<void>((resolve) => {
        this.finish = () => {
          sub.dispose();
          resolve();
        };
      });
    });
  }

  private report(value: ProgressValue): void {
    if (!this.reporter) return;
    if (typeof value.percentage === 'number') {
      const pct = Math.max(0, Math.min(100, value.percentage));
      const increment = Math.max(0, pct - this.reported);
      this.reported += increment;
      this.reporter.report({ message: value.message, increment });
    } else if (typeof value.message === 'string') {
      this.reporter.report({ message: value.message });
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.subscription?.dispose();
    this.subscription = undefined;
    this.finish?.();
    this.finish = undefined;
  }
}
