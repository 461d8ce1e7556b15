// Turns an `amlc/listComputes` result into the nodes of the "Azure ML Compute" tree: labels, icons,
// tooltips and the contextValue that the menus' `when` clauses read. Pure (no `vscode` import), so it is unit-tested.

import type { ComputeGroup, ComputeSummary, ListComputesResult, OtherWorkspace, ServerError, WorkspaceInfo } from './lsp_ext';

export const GROUPS: readonly { id: ComputeGroup; label: string }[] = [
  { id: 'instances', label: 'Compute instances' },
  { id: 'clusters', label: 'Compute clusters' },
  { id: 'kubernetes', label: 'Kubernetes' },
  { id: 'attached', label: 'Attached' },
];

/** A codicon id plus an optional theme colour id; the vscode layer turns it into a ThemeIcon. */
export interface IconSpec {
  id: string;
  color?: string;
}

export interface WorkspaceNode {
  kind: 'workspace';
  key: string;
  /** The workspace, when known; `current` is false for another folder's workspace (shown read-only). */
  workspace?: WorkspaceInfo;
  current: boolean;
  label: string;
  description: string;
  tooltip: string;
  contextValue: string;
  icon: IconSpec;
  children: (GroupNode | ErrorNode)[];
}

export interface GroupNode {
  kind: 'group';
  key: string;
  group: ComputeGroup;
  label: string;
  description: string;
  contextValue: string;
  icon: IconSpec;
  children: (ComputeNode | ErrorNode)[];
}

export interface ComputeNode {
  kind: 'compute';
  key: string;
  name: string;
  label: string;
  description: string;
  tooltip: string;
  accessibilityLabel: string;
  contextValue: string;
  icon: IconSpec;
  compute: ComputeSummary;
}

export interface ErrorNode {
  kind: 'error';
  key: string;
  label: string;
  tooltip: string;
  contextValue: string;
  icon: IconSpec;
}

export type TreeNode = WorkspaceNode | GroupNode | ComputeNode | ErrorNode;

export interface TreeModel {
  /** Top-level nodes; empty means "show the welcome view". */
  roots: TreeNode[];
  /** A message shown above the tree (for example why there is no workspace), or undefined. */
  message?: string;
  /** True while some compute is in a transient state, so the view keeps polling. */
  busy: boolean;
}

const FAILED_STATES = new Set(['createfailed', 'setupfailed', 'usersetupfailed', 'unusable']);
const RUNNING_STATES = new Set(['running', 'jobrunning']);

const norm = (s: string | null | undefined): string => (s ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');

export function groupOf(c: ComputeSummary): ComputeGroup {
  const g = GROUPS.find((x) => x.id === c.group);
  return g ? g.id : 'attached';
}

/** Whether the compute is in a state that ends by itself: the server decides (`busy`), the tree only polls. */
export function isTransient(c: ComputeSummary): boolean {
  return c.busy === true;
}

/** The well-known application endpoints get their own menu entries; the key is what `when` clauses match. */
export function appKey(displayName: string): string | undefined {
  const n = norm(displayName);
  if (n === 'jupyterlab') return 'jupyterlab';
  if (n === 'jupyter' || n === 'jupyternotebook' || n === 'notebook') return 'jupyter';
  if (n === 'rstudio' || n === 'rstudioserver') return 'rstudio';
  if (n === 'vscode' || n === 'vscodeweb' || n === 'visualstudiocode' || n === 'vscodeforweb') return 'vscode';
  return undefined;
}

/** The applications the server lists (it lists them only while they can be reached). */
export function openableApplications(c: ComputeSummary): { displayName: string; endpointUri: string }[] {
  if (c.readOnly) return [];
  return (c.applications ?? []).filter((a) => typeof a?.endpointUri === 'string' && a.endpointUri.length > 0);
}

const KNOWN_ACTIONS = new Set(['start', 'stop', 'restart', 'delete', 'detach', 'ssh', 'setIdleShutdown', 'updateScale']);

/**
 * The actions this compute's menu offers: the server's list (its workflow decides by type and state), limited to
 * the actions this extension has a menu entry for.
 */
export function allowedActions(c: ComputeSummary): string[] {
  if (c.readOnly) return [];
  const out: string[] = [];
  for (const a of c.actions ?? []) {
    if (KNOWN_ACTIONS.has(a) && !out.includes(a)) out.push(a);
  }
  return out;
}

/**
 * The contextValue: space-separated tokens. `when` clauses match them with `viewItem =~ /(^| )can:stop( |$)/`,
 * so the menu follows the type and state the server reported.
 */
export function computeContextValue(c: ComputeSummary): string {
  const tokens = ['amlc.compute', `type:${groupOf(c)}`];
  if (c.state) tokens.push(`state:${norm(c.state)}`);
  if (c.readOnly) tokens.push('readonly');
  for (const a of allowedActions(c)) tokens.push(`can:${a}`);
  const apps = openableApplications(c);
  const keys = new Set<string>();
  for (const a of apps) {
    const k = appKey(a.displayName);
    if (k) keys.add(k);
  }
  for (const k of [...keys].sort()) tokens.push(`app:${k}`);
  if (apps.length > 0) tokens.push('app:any');
  return tokens.join(' ');
}

export function computeIcon(c: ComputeSummary): IconSpec {
  if (isTransient(c)) return { id: 'sync~spin' };
  const state = norm(c.state);
  const prov = norm(c.provisioningState);
  if (FAILED_STATES.has(state) || prov === 'failed') return { id: 'error', color: 'errorForeground' };
  if (c.readOnly) return { id: 'lock' };
  switch (groupOf(c)) {
    case 'instances':
      if (RUNNING_STATES.has(state)) return { id: 'vm-running', color: 'charts.green' };
      if (state === 'stopped') return { id: 'vm-outline', color: 'disabledForeground' };
      if (state === 'unknown' || state === '') return { id: 'question' };
      return { id: 'vm' };
    case 'clusters':
      return { id: 'server-environment', color: (c.nodes?.current ?? 0) > 0 ? 'charts.green' : undefined };
    case 'kubernetes':
      return { id: 'symbol-namespace' };
    default:
      return { id: 'plug' };
  }
}

function nodeSummary(c: ComputeSummary): string | undefined {
  const n = c.nodes;
  if (!n) return undefined;
  const cur = n.current ?? 0;
  let s = `${cur}`;
  if (typeof n.max === 'number') s += `/${n.max}`;
  s += ' nodes';
  if (typeof n.target === 'number' && n.target !== cur) s += ` → ${n.target}`;
  return s;
}

export function computeDescription(c: ComputeSummary): string {
  const parts: string[] = [];
  const g = groupOf(c);
  if (g === 'instances') {
    if (c.state) parts.push(c.state);
    if (c.size) parts.push(c.size);
  } else if (g === 'clusters') {
    if (c.size) parts.push(c.size);
    const ns = nodeSummary(c);
    if (ns) parts.push(ns);
    if (c.provisioningState && norm(c.provisioningState) !== 'succeeded') parts.push(c.provisioningState);
  } else {
    parts.push(c.computeType);
    if (c.provisioningState && norm(c.provisioningState) !== 'succeeded') parts.push(c.provisioningState);
    if (c.readOnly) parts.push('read-only');
  }
  return parts.join(' · ');
}

export function computeTooltip(c: ComputeSummary, otherWorkspace?: string): string {
  const lines: string[] = [c.name, `Type: ${c.computeType}`];
  if (c.state) lines.push(`State: ${c.state}`);
  if (c.provisioningState) lines.push(`Provisioning: ${c.provisioningState}`);
  if (c.size) lines.push(`Size: ${c.size}`);
  if (c.location) lines.push(`Location: ${c.location}`);
  const n = c.nodes;
  if (n) {
    lines.push(`Nodes: ${n.current ?? 0} current, ${n.target ?? 0} target, min ${n.min ?? 0}, max ${n.max ?? 0}`);
    const busy = (['idle', 'running', 'preparing', 'unusable', 'leaving', 'preempted'] as const)
      .filter((k) => typeof n[k] === 'number' && (n[k] as number) > 0)
      .map((k) => `${n[k]} ${k}`);
    if (busy.length) lines.push(`Node states: ${busy.join(', ')}`);
  }
  if (c.sshEnabled !== undefined && groupOf(c) === 'instances') lines.push(`SSH: ${c.sshEnabled ? 'enabled' : 'disabled'}`);
  const apps = c.applications ?? [];
  if (apps.length) lines.push(`Applications: ${apps.map((a) => a.displayName).join(', ')}`);
  if (otherWorkspace) lines.push(`In workspace ${otherWorkspace}: make it the current workspace to act on this compute.`);
  else if (c.readOnly) lines.push('Read-only: amlc lists this legacy compute type but offers no actions on it.');
  if (c.description) lines.push('', c.description);
  return lines.join('\n');
}

function errorNode(key: string, err: ServerError): ErrorNode {
  return {
    kind: 'error',
    key,
    label: err.message,
    tooltip: `${err.code}: ${err.message}`,
    contextValue: 'amlc.error',
    icon: { id: 'error', color: 'errorForeground' },
  };
}

export function computeNode(c: ComputeSummary, otherWorkspace?: string, keyPrefix = ''): ComputeNode {
  const description = computeDescription(c);
  return {
    kind: 'compute',
    key: `${keyPrefix}compute:${c.id ?? c.name}`,
    name: c.name,
    label: c.name,
    description,
    tooltip: computeTooltip(c, otherWorkspace),
    accessibilityLabel: [c.name, description].filter((s) => s).join(', '),
    // Another workspace's compute gets none of the compute menus: they would act on the current workspace.
    contextValue: otherWorkspace ? `amlc.otherCompute type:${groupOf(c)}` : computeContextValue(c),
    icon: computeIcon(c),
    compute: c,
  };
}

export function workspaceLabel(ws: WorkspaceInfo): string {
  return ws.workspaceName;
}

interface RootInput {
  ws: WorkspaceInfo;
  computes: ComputeSummary[];
  error: ServerError | null | undefined;
  groupErrors: Partial<Record<ComputeGroup, ServerError>>;
  /** Keys of the current workspace's nodes stay short; another workspace's are prefixed to stay unique. */
  prefix: string;
  current: boolean;
}

function validComputes(list: unknown): ComputeSummary[] {
  return Array.isArray(list) ? list.filter((c): c is ComputeSummary => !!c && typeof c.name === 'string') : [];
}

function workspaceRoot({ ws, computes, error, groupErrors, prefix, current }: RootInput): WorkspaceNode {
  const other = current ? undefined : ws.workspaceName;
  const groups: GroupNode[] = GROUPS.map(({ id, label }) => {
    const items = computes
      .filter((c) => groupOf(c) === id)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((c) => computeNode(c, other, prefix));
    const children: (ComputeNode | ErrorNode)[] = [...items];
    const gErr = groupErrors[id];
    if (gErr) children.unshift(errorNode(`${prefix}error:${id}`, gErr));
    return {
      kind: 'group',
      key: `${prefix}group:${id}`,
      group: id,
      label,
      description: gErr ? 'error' : `${items.length}`,
      contextValue: `amlc.group group:${id}`,
      icon: { id: gErr ? 'warning' : 'folder' },
      children,
    };
  });
  const children: (GroupNode | ErrorNode)[] = [];
  // A failure of the whole list call shows once under the workspace; groups stay so the shape is stable.
  if (error) children.push(errorNode(`${prefix}error:workspace`, error));
  children.push(...groups);
  const where = [ws.resourceGroup, ws.location, current ? '' : 'other folder'].filter((s) => s).join(' · ');
  const tooltipLines = [
    `Workspace: ${ws.workspaceName}`,
    `Resource group: ${ws.resourceGroup}`,
    `Subscription: ${ws.subscriptionId}`,
  ];
  if (ws.location) tooltipLines.push(`Location: ${ws.location}`);
  if (ws.source) tooltipLines.push(`From: ${ws.source}`);
  if (ws.armEndpoint) tooltipLines.push(`ARM endpoint: ${ws.armEndpoint}`);
  if (!current) tooltipLines.push('Another folder\'s workspace: make it the current one to act on its computes.');
  return {
    kind: 'workspace',
    key: `workspace:${ws.subscriptionId}/${ws.resourceGroup}/${ws.workspaceName}`,
    workspace: ws,
    current,
    label: workspaceLabel(ws),
    description: where,
    tooltip: tooltipLines.join('\n'),
    contextValue: current ? 'amlc.workspace' : 'amlc.workspace.other',
    icon: { id: current ? 'azure' : 'cloud' },
    children,
  };
}

/** The folder's last path segment, for a folder whose config could not be read. */
function folderName(uri: string): string {
  const parts = uri.replace(/\/+$/, '').split('/');
  return decodeURIComponent(parts[parts.length - 1] || uri);
}

function otherRoot(o: OtherWorkspace, index: number): WorkspaceNode | undefined {
  if (!o || typeof o !== 'object') return undefined;
  const prefix = `other${index}:`;
  if (o.workspace && typeof o.workspace.workspaceName === 'string') {
    return workspaceRoot({ ws: o.workspace, computes: validComputes(o.computes), error: o.error, groupErrors: {}, prefix, current: false });
  }
  // No workspace (the folder's config.json could not be read): only the error, under the folder's name.
  const err = o.error ?? { code: 'config', message: 'could not read this folder\'s .azureml/config.json' };
  return {
    kind: 'workspace',
    key: `folder:${o.folder}`,
    current: false,
    label: folderName(String(o.folder ?? '')),
    description: 'workspace config',
    tooltip: `${o.folder}\n${err.message}`,
    contextValue: 'amlc.workspace.broken',
    icon: { id: 'warning' },
    children: [errorNode(`${prefix}error:workspace`, err)],
  };
}

export interface TreeOptions {
  /** Only the computes created by or assigned to the signed-in user (those the server could not tell stay). */
  onlyMine?: boolean;
}

export function buildTree(result: ListComputesResult | null | undefined, options: TreeOptions = {}): TreeModel {
  if (!result) return { roots: [], busy: false };
  const ws = result.workspace;
  if (!ws) {
    return { roots: [], busy: false, message: result.error ? result.error.message : undefined };
  }
  const computes = validComputes(result.computes).filter((c) => !options.onlyMine || c.mine !== false);
  const root = workspaceRoot({ ws, computes, error: result.error, groupErrors: result.groupErrors ?? {}, prefix: '', current: true });
  const roots: WorkspaceNode[] = [root];
  const others = Array.isArray(result.others) ? result.others : [];
  others.forEach((o, i) => {
    const r = otherRoot(o, i);
    if (r && !roots.some((x) => x.key === r.key)) roots.push(r);
  });
  const busy = computes.some(isTransient) || others.some((o) => validComputes(o?.computes).some(isTransient));
  return { roots, busy };
}

/**
 * Finds a compute by name in the current workspace (commands invoked from the palette pass a name, not a node; every
 * action goes to the current workspace, so another folder's workspace is never searched).
 */
export function findCompute(model: TreeModel, name: string): ComputeNode | undefined {
  const current = model.roots.find((r) => r.kind === 'workspace' && r.current);
  const stack: TreeNode[] = current ? [current] : [];
  while (stack.length) {
    const n = stack.pop() as TreeNode;
    if (n.kind === 'compute' && n.name === name) return n;
    if (n.kind === 'workspace' || n.kind === 'group') stack.push(...n.children);
  }
  return undefined;
}

/** Every compute of the current workspace, for the Command Palette's compute picker. */
export function currentComputes(model: TreeModel): ComputeNode[] {
  const current = model.roots.find((r) => r.kind === 'workspace' && r.current);
  const out: ComputeNode[] = [];
  const stack: TreeNode[] = current ? [current] : [];
  while (stack.length) {
    const n = stack.pop() as TreeNode;
    if (n.kind === 'compute') out.push(n);
    if (n.kind === 'workspace' || n.kind === 'group') stack.push(...n.children);
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
