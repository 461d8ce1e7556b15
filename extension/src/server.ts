// Runs `amlc lsp` through vscode-languageclient: finds the binary, checks its version, restarts it after a crash,
// answers the server's `amlc/getToken` with VS Code's Microsoft sign-in, and says clearly when it cannot start.

import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  ResponseError,
  State,
  WorkDoneProgress,
  WorkDoneProgressCancelNotification,
  WorkDoneProgressCreateRequest,
  type ClientCapabilities,
  type LanguageClientOptions,
  type ServerOptions,
  type StaticFeature,
} from 'vscode-languageclient/node';

import { ARM_SCOPE, answerGetToken } from './auth';
import {
  describeSearch,
  findServer,
  missingServerMessage,
  parseVersion,
  serverCandidates,
  versionCompatible,
  type Candidate,
} from './binary';
import {
  COMPUTES_CHANGED,
  DOCUMENT_STATE,
  GET_TOKEN,
  type DocumentStateResult,
  LIST_COMPUTES,
  LIST_SUBSCRIPTIONS,
  LIST_WORKSPACES,
  SELECT_WORKSPACE,
  ServerCommand,
  capabilityKey,
  type AuthMode,
  type ComputesChangedParams,
  type GetTokenParams,
  type GetTokenResult,
  type InitializationOptions,
  type ListComputesResult,
  type ListSubscriptionsResult,
  type ListWorkspacesResult,
  type SubscriptionInfo,
  type WorkspaceInfo,
  type WorkspaceListing,
  type WorkspaceRef,
} from './lsp_ext';
import { ProgressView, type ProgressValue, type WithProgress } from './progress';
import { RestartPolicy } from './restart';

export function readOptions(): InitializationOptions {
  const cfg = vscode.workspace.getConfiguration('amlc');
  const ws = cfg.get<WorkspaceRef | null>('workspace') ?? null;
  const complete = ws && ws.subscriptionId && ws.resourceGroup && ws.workspaceName ? ws : null;
  return {
    specGlobs: cfg.get<string[]>('specGlobs') ?? [],
    workspace: complete,
    armEndpoint: cfg.get<string>('armEndpoint') || undefined,
    auth: (cfg.get<string>('auth') as AuthMode) || 'auto',
  };
}

/** Advertises `experimental.amlcGetToken`, so the server may ask the editor for a token. */
class GetTokenCapability implements StaticFeature {
  fillClientCapabilities(capabilities: ClientCapabilities): void {
    capabilities.experimental = { ...(capabilities.experimental ?? {}), amlcGetToken: true };
  }
  initialize(): void {}
  getState(): { kind: 'static' } {
    return { kind: 'static' };
  }
  clear(): void {}
}

export class ServerManager implements vscode.Disposable {
  readonly output: vscode.LogOutputChannel;
  private client: LanguageClient | undefined;
  private readonly restarts = new RestartPolicy();
  private readonly changed = new vscode.EventEmitter<ComputesChangedParams>();
  private readonly stateChanged = new vscode.EventEmitter<boolean>();
  /** Fires when the server says computes changed. */
  readonly onComputesChanged = this.changed.event;
  /** Fires with `true` when the server is up and `false` when it stopped. */
  readonly onRunningChanged = this.stateChanged.event;
  binary: Candidate | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Azure ML Compute (amlc)', { log: true });
  }

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  private log(line: string): void {
    this.output.appendLine(`[extension] ${line}`);
  }

  private candidates(): Candidate[] {
    const cfg = vscode.workspace.getConfiguration('amlc');
    return serverCandidates({
      settingPath: cfg.get<string>('server.path'),
      extensionDir: this.context.extensionPath,
      pathEnv: process.env.PATH,
      platform: process.platform,
      workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      home: os.homedir(),
    });
  }

  private locate(candidates: Candidate[]): Candidate | undefined {
    return findServer(candidates, (p) => {
      try {
        fs.accessSync(p, fs.constants.X_OK);
        return fs.statSync(p).isFile();
      } catch {
        return false;
      }
    });
  }

  /** Runs `amlc --version`; warns (but still starts) when the version does not match this extension. */
  private checkVersion(bin: Candidate): void {
    const run = cp.spawnSync(bin.path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    const out = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim();
    const server = parseVersion(out);
    const ext = parseVersion(String(this.context.extension.packageJSON.version ?? ''));
    this.log(`server binary ${bin.path} (${bin.source}): ${out || run.error?.message || 'no version output'}`);
    if (server && ext && !versionCompatible(server, ext)) {
      void this.showError(
        `amlc ${server.join('.')} at ${bin.path} does not match this extension (${ext.join('.')}); some features may fail. ` +
          'Install a matching amlc or set amlc.server.path.',
      );
    } else if (!server) {
      this.log(`could not read a version from ${bin.path} --version`);
    }
  }

  async showError(message: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(message, 'Show log', 'Open settings');
    if (choice === 'Show log') this.output.show(true);
    if (choice === 'Open settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'amlc.server.path');
  }

  async start(): Promise<void> {
    const candidates = this.candidates();
    const bin = this.locate(candidates);
    this.binary = bin;
    if (!bin) {
      const setting = vscode.workspace.getConfiguration('amlc').get<string>('server.path');
      this.log(`no amlc binary found at ${describeSearch(candidates) || 'any place (empty PATH)'} on ${process.platform}`);
      this.stateChanged.fire(false);
      void this.showError(missingServerMessage(process.platform, setting));
      return;
    }
    this.checkVersion(bin);
    const serverOptions: ServerOptions = {
      command: bin.path,
      // No `transport`: TransportKind.stdio would append `--stdio`, which `amlc lsp` does not take; stdio is the default.
      args: ['lsp'],
      options: { env: { ...process.env } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file', language: 'yaml' }],
      outputChannel: this.output,
      // A function, so a restart after a crash starts the server with the settings of now (e.g. a picked workspace).
      initializationOptions: () => readOptions(),
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue }),
        closed: () => this.onClosed(),
      },
    };
    const client = new LanguageClient('amlc', 'amlc language server', serverOptions, clientOptions);
    client.registerFeature(new GetTokenCapability());
    client.onDidChangeState((e) => {
      // Also after a crash-restart: the new process may advertise other commands, and the client's own progress
      // handler has been installed again.
      if (e.newState === State.Running) this.takeOverProgress(client);
      void this.publishCapabilities();
      this.stateChanged.fire(e.newState === State.Running);
    });
    this.client = client;
    try {
      await client.start();
    } catch (e) {
      this.log(`start failed: ${e instanceof Error ? e.message : String(e)}`);
      this.stateChanged.fire(false);
      void this.showError(`The amlc language server (${bin.path}) could not start: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.takeOverProgress(client);
    client.onNotification(COMPUTES_CHANGED, (p: ComputesChangedParams) => this.changed.fire(p ?? { names: [] }));
    client.onRequest(GET_TOKEN, (p: GetTokenParams) => this.getToken(p));
    this.stateChanged.fire(true);
  }

  /**
   * Shows amlc's operations as notifications with Cancel (progress.ts): vscode-languageclient would show them in the
   * status bar, where VS Code has no Cancel. Replaces the client's `window/workDoneProgress/create` handler.
   */
  private takeOverProgress(client: LanguageClient): void {
    const withProgress: WithProgress = (options, task) => {
      const location = options.location === 'notification' ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
      void vscode.window.withProgress({ location, title: options.title, cancellable: options.cancellable }, task);
    };
    const adapter = {
      onProgress: (token: string | number, handler: (v: ProgressValue) => void) =>
        client.onProgress(WorkDoneProgress.type, token, (v) => handler(v as ProgressValue)),
      sendCancel: (token: string | number) => void client.sendNotification(WorkDoneProgressCancelNotification.type, { token }),
    };
    client.onRequest(WorkDoneProgressCreateRequest.type, (params) => {
      new ProgressView(adapter, params.token, withProgress);
    });
  }

  /** Restarts after a crash, a few times in a window (restart.ts); then says so and stops trying. */
  private onClosed(): { action: CloseAction; handled: boolean; message?: string } {
    const decision = this.restarts.onExit(Date.now());
    this.log(decision.message);
    if (decision.restart) return { action: CloseAction.Restart, handled: true };
    void this.showError(decision.message);
    return { action: CloseAction.DoNotRestart, handled: true };
  }

  private async getToken(p: GetTokenParams): Promise<GetTokenResult | ResponseError<void>> {
    const answer = await answerGetToken(
      p,
      readOptions().auth,
      (provider, scopes, options) => Promise.resolve(vscode.authentication.getSession(provider, scopes, options)),
      (line) => this.log(line),
      Math.floor(Date.now() / 1000),
    );
    return 'result' in answer ? answer.result : new ResponseError(1, answer.error);
  }

  /** The server commands this server advertised (`executeCommandProvider.commands`). */
  supports(command: string): boolean {
    const cmds = this.client?.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
    return this.running && cmds.includes(command);
  }

  /** Sets one `amlc.has.*` context key per contract command, so menus follow what the server implements. */
  private async publishCapabilities(): Promise<void> {
    for (const command of Object.values(ServerCommand)) {
      await vscode.commands.executeCommand('setContext', capabilityKey(command), this.supports(command));
    }
  }

  async signIn(): Promise<void> {
    const session = await vscode.authentication.getSession('microsoft', [ARM_SCOPE], { createIfNone: true });
    void vscode.window.showInformationMessage(`Signed in to Azure as ${session.account.label}.`);
    this.changed.fire({ names: [] });
  }

  async listComputes(): Promise<ListComputesResult> {
    if (!this.client || !this.running) throw new Error('The amlc language server is not running.');
    return this.client.sendRequest<ListComputesResult>(LIST_COMPUTES, {});
  }

  async listSubscriptions(): Promise<SubscriptionInfo[]> {
    if (!this.client || !this.running) throw new Error('The amlc language server is not running.');
    const r = await this.client.sendRequest<ListSubscriptionsResult>(LIST_SUBSCRIPTIONS, {});
    return Array.isArray(r?.subscriptions) ? r.subscriptions : [];
  }

  async listWorkspaces(subscriptionId: string): Promise<WorkspaceListing[]> {
    if (!this.client || !this.running) throw new Error('The amlc language server is not running.');
    const r = await this.client.sendRequest<ListWorkspacesResult>(LIST_WORKSPACES, { subscriptionId });
    return Array.isArray(r?.workspaces) ? r.workspaces : [];
  }

  /**
   * Makes a workspace the server's (it checks that the workspace exists first). `undefined` from a server without
   * `amlc/selectWorkspace`: the setting alone then carries the choice.
   */
  async selectWorkspace(ref: WorkspaceRef, armEndpoint?: string): Promise<WorkspaceInfo | undefined> {
    if (!this.client || !this.running) throw new Error('The amlc language server is not running.');
    try {
      return await this.client.sendRequest<WorkspaceInfo>(SELECT_WORKSPACE, { ...ref, ...(armEndpoint ? { armEndpoint } : {}) });
    } catch (e) {
      if (e instanceof ResponseError && e.code === -32601) return undefined;
      throw e;
    }
  }

  /** Runs a server command (`workspace/executeCommand`); progress and cancel are the server's `$/progress`. */
  async execute<T>(command: string, arg: object): Promise<T> {
    if (!this.client || !this.running) throw new Error('The amlc language server is not running.');
    return (await this.client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [arg] })) as T;
  }

  /**
   * Whether the server treats an open document as a compute spec; undefined when it cannot say (not running,
   * document not open yet, older server), in which case callers fall back to "any YAML".
   */
  async isComputeSpec(uri: string): Promise<boolean | undefined> {
    if (!this.client || !this.running) return undefined;
    try {
      const r = await this.client.sendRequest<DocumentStateResult>(DOCUMENT_STATE, { textDocument: { uri } });
      return typeof r?.isComputeSpec === 'boolean' ? r.isComputeSpec : undefined;
    } catch {
      return undefined;
    }
  }

  async configurationChanged(): Promise<void> {
    if (!this.client || !this.running) return;
    await this.client.sendNotification('workspace/didChangeConfiguration', { settings: { amlc: readOptions() } });
  }

  async restart(): Promise<void> {
    this.restarts.reset();
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) {
      try {
        await c.stop(5000);
      } catch (e) {
        this.log(`stop: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    this.stateChanged.fire(false);
    await this.publishCapabilities();
  }

  dispose(): void {
    void this.stop();
    this.changed.dispose();
    this.stateChanged.dispose();
    this.output.dispose();
  }
}
