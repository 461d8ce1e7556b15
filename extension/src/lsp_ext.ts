// The TypeScript mirror of amlc's LSP extensions (docs/lsp-extensions.md, server/lsp/src/lsp_ext.rs).
// Both sides must change together. This file has no `vscode` import so unit tests can load it.

export const LIST_COMPUTES = 'amlc/listComputes';
export const COMPUTES_CHANGED = 'amlc/computesChanged';
export const GET_TOKEN = 'amlc/getToken';
/** Support method (server/lsp/src/lsp_ext.rs): the server's view of an open document, including whether it is a spec. */
export const DOCUMENT_STATE = 'amlc/documentState';
/** The workspace picker's lists (server/lsp/src/handlers/workspace.rs). */
export const LIST_SUBSCRIPTIONS = 'amlc/listSubscriptions';
export const LIST_WORKSPACES = 'amlc/listWorkspaces';
/**
 * The choice: `{subscriptionId, resourceGroup, workspaceName, armEndpoint?}` → the `workspace` object. A request,
 * not a server command: the client registers server commands as editor commands, and "amlc.workspace.select" is ours.
 */
export const SELECT_WORKSPACE = 'amlc/selectWorkspace';

export interface SubscriptionInfo {
  subscriptionId: string;
  displayName?: string;
  state?: string;
  tenantId?: string | null;
}

export interface ListSubscriptionsResult {
  subscriptions: SubscriptionInfo[];
}

export interface ListWorkspacesParams {
  subscriptionId: string;
}

export interface WorkspaceListing {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
  location?: string;
  id?: string;
}

export interface ListWorkspacesResult {
  workspaces: WorkspaceListing[];
}

export interface DocumentStateResult {
  uri: string;
  version: number;
  text: string;
  isComputeSpec: boolean;
  positionEncoding: 'utf-8' | 'utf-16';
}

/** Server commands run through `workspace/executeCommand`; each takes one argument object. */
export const ServerCommand = {
  create: 'amlc.compute.create',
  attach: 'amlc.compute.attach',
  start: 'amlc.compute.start',
  stop: 'amlc.compute.stop',
  restart: 'amlc.compute.restart',
  delete: 'amlc.compute.delete',
  detach: 'amlc.compute.detach',
  setIdleShutdown: 'amlc.compute.setIdleShutdown',
  updateScale: 'amlc.compute.updateScale',
  sshCommand: 'amlc.compute.sshCommand',
  show: 'amlc.compute.show',
  copyCommand: 'amlc.compute.copyCommand',
  specOf: 'amlc.compute.specOf',
  enableSso: 'amlc.compute.enableSso',
} as const;

/** `amlc.compute.specOf`: the live compute as a CLI v2 spec. */
export interface SpecOfResult {
  name: string;
  yaml: string;
}

/**
 * The context key that says the running server implements a command (`amlc.has.stop`, `amlc.has.create`, …):
 * menus show only what the server advertised in `executeCommandProvider.commands`, never a dead entry.
 */
export function capabilityKey(serverCommand: string): string {
  const last = serverCommand.split('.').pop() ?? serverCommand;
  return `amlc.has.${last}`;
}

export type AuthMode = 'auto' | 'vscode' | 'azureCli' | 'environment' | 'managedIdentity' | 'none';

export interface WorkspaceRef {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
}

export interface WorkspaceInfo extends WorkspaceRef {
  location?: string | null;
  source?: 'settings' | 'config' | 'emulator' | string;
  armEndpoint?: string | null;
}

export interface InitializationOptions {
  specGlobs: string[];
  workspace?: WorkspaceRef | null;
  armEndpoint?: string;
  auth: AuthMode;
}

export type ComputeGroup = 'instances' | 'clusters' | 'kubernetes' | 'attached';

export type ComputeAction =
  | 'start'
  | 'stop'
  | 'restart'
  | 'delete'
  | 'detach'
  | 'ssh'
  | 'setIdleShutdown'
  | 'updateScale';

export interface NodeCounts {
  current?: number | null;
  target?: number | null;
  min?: number | null;
  max?: number | null;
  idle?: number | null;
  running?: number | null;
  preparing?: number | null;
  unusable?: number | null;
  leaving?: number | null;
  preempted?: number | null;
}

export interface Application {
  displayName: string;
  endpointUri: string;
}

/** A bound pair; `max` null means no upper bound. */
export interface Range {
  min: number;
  max: number | null;
}

/** The service's limits for the editor's inputs (server/azure/src/workflow/table.rs `Limits`): the extension keeps no copy. */
export interface Limits {
  idleShutdownMinutes: Range;
  nodes: Range;
}

/** Stable codes of the workflow: an outcome (`done`, `unchanged`, `accepted`) or a refusal. */
export type OutcomeCode = 'done' | 'unchanged' | 'accepted';
export type RefusalCode =
  | 'invalidArgument'
  | 'notFound'
  | 'wrongType'
  | 'wrongState'
  | 'attached'
  | 'notAttached'
  | 'sshUnavailable'
  | 'preflight'
  | 'spec'
  | 'azure'
  | 'transport'
  | 'timeout'
  | 'cancelled'
  | 'outcomeUnknown'
  | 'credential'
  | 'noWorkspace'
  | 'config';

/** The `data` of an error answering an `amlc.compute.*` command: the server's words and code. */
export interface Refusal {
  code: RefusalCode;
  message: string;
  hint?: string;
}

export interface Outcome {
  code: OutcomeCode;
  message: string;
}

/** How an action ended, in `amlc/computesChanged`. */
export interface OutcomeReport {
  name: string;
  action: string;
  ok: boolean;
  code: OutcomeCode | RefusalCode;
  message: string;
  hint?: string;
}

export interface ComputeSummary {
  name: string;
  id?: string;
  computeType: string;
  group: ComputeGroup | string;
  readOnly?: boolean;
  provisioningState?: string | null;
  state?: string | null;
  size?: string | null;
  location?: string | null;
  nodes?: NodeCounts | null;
  sshEnabled?: boolean;
  applications?: Application[] | null;
  actions?: string[] | null;
  /** True while the compute is in a state that ends by itself (starting, scaling, …): the tree keeps polling. */
  busy?: boolean;
  description?: string | null;
  /** Created by or assigned to the signed-in user; null when the sign-in names no user. */
  mine?: boolean | null;
}

export interface ServerError {
  code: string;
  message: string;
}

export interface ListComputesResult {
  workspace: WorkspaceInfo | null;
  computes: ComputeSummary[];
  error: ServerError | null;
  /** Optional, per group: one failed call for a group shows an error node for that group only. */
  groupErrors?: Partial<Record<ComputeGroup, ServerError>> | null;
  /**
   * The workspaces other folders' `.azureml/config.json` name, each listed on its own: one that fails carries its
   * own `error` and the rest of the tree stays. Their computes are read-only (actions go to `workspace`).
   */
  others?: OtherWorkspace[] | null;
  /** The limits of the scale and idle-shutdown inputs. */
  limits?: Limits | null;
}

export interface OtherWorkspace {
  /** The workspace folder whose config named it. */
  folder: string;
  /** null when the folder's config could not be read. */
  workspace: WorkspaceInfo | null;
  computes: ComputeSummary[];
  error: ServerError | null;
}

export interface ComputesChangedParams {
  names: string[];
  outcome?: OutcomeReport;
}

export interface GetTokenParams {
  scopes: string[];
}

export interface GetTokenResult {
  token: string;
  expiresOnUnixSeconds: number;
}

export interface NameResult {
  name: string;
  outcome?: Outcome;
}
export interface CreateResult extends NameResult {
  operation: 'create' | 'update' | 'none';
}
export interface SshCommandResult {
  command: string[];
  /** Clusters: the node the command connects to, and every node that can be chosen instead. */
  node?: string;
  nodes?: ClusterNode[];
}
export interface ClusterNode {
  nodeId: string;
  state?: string;
  publicIpAddress?: string | null;
  privateIpAddress?: string | null;
}
export interface ShowResult {
  yaml: string;
}
export interface CopyCommandResult {
  command: string;
}
