// Checks the tree built from an `amlc/listComputes` result: grouping, labels, icons, tooltips, errors, polling.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import type { ListComputesResult } from '../src/lsp_ext';
import { buildTree, currentComputes, findCompute, type ComputeNode, type GroupNode, type TreeNode, type WorkspaceNode } from '../src/model';
import { readJson } from './paths';

const fixture = (): ListComputesResult => readJson<ListComputesResult>('test/fixtures/listComputes.json');

function groups(result: ListComputesResult): GroupNode[] {
  const root = buildTree(result).roots[0] as WorkspaceNode;
  return root.children.filter((c): c is GroupNode => c.kind === 'group');
}

test('the workspace node carries name, resource group and location', () => {
  const model = buildTree(fixture());
  assert.equal(model.roots.length, 1);
  const ws = model.roots[0] as WorkspaceNode;
  assert.equal(ws.kind, 'workspace');
  assert.equal(ws.label, 'ws-dev');
  assert.equal(ws.description, 'rg-ml · eastus');
  assert.match(ws.tooltip, /Subscription: 00000000-0000-0000-0000-000000000001/);
  assert.match(ws.tooltip, /ARM endpoint: http:\/\/127\.0\.0\.1:7070/);
});

test('computes land in their group, sorted by name, with the count as description', () => {
  const expected: Record<string, string[]> = {
    'Compute instances': ['broken-ci', 'ci-nossh', 'ci-running', 'ci-starting', 'ci-stopped'],
    'Compute clusters': ['cpu-cluster', 'gpu-cluster'],
    Kubernetes: ['k8s'],
    Attached: ['dsvm', 'old-hdi'],
  };
  const gs = groups(fixture());
  assert.deepEqual(gs.map((g) => g.label), Object.keys(expected));
  for (const g of gs) {
    assert.deepEqual(g.children.map((c) => c.label), expected[g.label], g.label);
    assert.equal(g.description, String(expected[g.label].length));
  }
});

test('an unknown group falls back to Attached rather than disappearing', () => {
  const r = fixture();
  r.computes = [{ name: 'mystery', computeType: 'Databricks', group: 'something-new' }];
  const attached = groups(r).find((g) => g.group === 'attached');
  assert.deepEqual(attached?.children.map((c) => c.label), ['mystery']);
});

const item = (name: string): ComputeNode => {
  const n = findCompute(buildTree(fixture()), name);
  assert.ok(n, `no node for ${name}`);
  return n;
};

test('descriptions and icons follow type and state', () => {
  const cases: [string, string, string, string | undefined][] = [
    ['ci-running', 'Running · STANDARD_DS3_V2', 'vm-running', 'charts.green'],
    ['ci-stopped', 'Stopped · STANDARD_E4S_V3', 'vm-outline', 'disabledForeground'],
    ['ci-starting', 'Starting · STANDARD_DS3_V2', 'sync~spin', undefined],
    ['broken-ci', 'CreateFailed · STANDARD_DS3_V2', 'error', 'errorForeground'],
    ['cpu-cluster', 'STANDARD_DS3_V2 · 2/4 nodes', 'server-environment', 'charts.green'],
    ['gpu-cluster', 'STANDARD_NC6S_V3 · 0/2 nodes → 2', 'sync~spin', undefined],
    ['k8s', 'Kubernetes', 'symbol-namespace', undefined],
    ['dsvm', 'VirtualMachine', 'plug', undefined],
    ['old-hdi', 'HDInsight · read-only', 'lock', undefined],
  ];
  for (const [name, description, icon, color] of cases) {
    const n = item(name);
    assert.equal(n.description, description, name);
    assert.equal(n.icon.id, icon, name);
    assert.equal(n.icon.color, color, name);
    assert.equal(n.accessibilityLabel, `${name}, ${description}`);
  }
});

test('the tooltip lists the details a user asks about', () => {
  const t = item('cpu-cluster').tooltip.split('\n');
  assert.deepEqual(t, [
    'cpu-cluster',
    'Type: AmlCompute',
    'Provisioning: Succeeded',
    'Size: STANDARD_DS3_V2',
    'Location: eastus',
    'Nodes: 2 current, 2 target, min 0, max 4',
    'Node states: 1 idle, 1 running',
  ]);
  const ci = item('ci-stopped').tooltip;
  assert.match(ci, /^State: Stopped$/m);
  assert.match(ci, /^SSH: enabled$/m);
  assert.match(ci, /Stopped by idle shutdown$/);
  assert.match(item('ci-running').tooltip, /^Applications: Jupyter, JupyterLab, RStudio, VS Code$/m);
  assert.match(item('old-hdi').tooltip, /^Read-only:/m);
});

test('the tree keeps polling only while something is transient', () => {
  assert.equal(buildTree(fixture()).busy, true);
  const r = fixture();
  r.computes = r.computes.filter((c) => c.name !== 'ci-starting' && c.name !== 'gpu-cluster');
  assert.equal(buildTree(r).busy, false);
  // The server says which states end by themselves; the tree only follows `busy`.
  r.computes[0].busy = true;
  assert.equal(buildTree(r).busy, true);
});

test('no workspace gives no roots (the welcome view) and the reason as a message', () => {
  assert.deepEqual(buildTree({ workspace: null, computes: [], error: null }), { roots: [], busy: false, message: undefined });
  const m = buildTree({ workspace: null, computes: [], error: { code: 'noWorkspace', message: 'No .azureml/config.json found.' } });
  assert.equal(m.roots.length, 0);
  assert.equal(m.message, 'No .azureml/config.json found.');
  assert.deepEqual(buildTree(null).roots, []);
});

test('a failed list call shows one error node and keeps the groups', () => {
  const r = fixture();
  r.computes = [];
  r.error = { code: 'AuthorizationFailed', message: 'The client has no access to the workspace; ask for the Reader role.' };
  const ws = buildTree(r).roots[0] as WorkspaceNode;
  assert.equal(ws.children[0].kind, 'error');
  assert.equal(ws.children[0].label, r.error.message);
  assert.equal(ws.children[0].tooltip, `AuthorizationFailed: ${r.error.message}`);
  assert.deepEqual(ws.children.slice(1).map((c) => c.kind), ['group', 'group', 'group', 'group']);
});

test('an error for one group shows in that group only; the rest of the tree stays', () => {
  const r = fixture();
  r.groupErrors = { kubernetes: { code: 'Timeout', message: 'Listing Kubernetes compute timed out; refresh to retry.' } };
  const gs = groups(r);
  const k8s = gs.find((g) => g.group === 'kubernetes') as GroupNode;
  assert.equal(k8s.children[0].kind, 'error');
  assert.equal(k8s.description, 'error');
  assert.deepEqual(k8s.children.slice(1).map((c) => c.label), ['k8s']);
  for (const g of gs.filter((g) => g.group !== 'kubernetes')) {
    assert.ok(g.children.every((c) => c.kind === 'compute'), g.label);
  }
});

test('malformed entries are skipped instead of breaking the tree', () => {
  const r = fixture();
  (r.computes as unknown[]).push(null, { computeType: 'AmlCompute' }, 42);
  const total = groups(r).reduce((n, g) => n + g.children.length, 0);
  assert.equal(total, fixture().computes.length);
});

test("other folders' workspaces become read-only roots; a failing one shows its own error and the rest stays", () => {
  const r = fixture();
  const two = { subscriptionId: 's', resourceGroup: 'rg2', workspaceName: 'ws-two', location: 'westeurope', source: 'config' };
  r.others = [
    {
      folder: 'file:///w/two',
      workspace: two,
      computes: [{ name: 'cpu-cluster', computeType: 'AmlCompute', group: 'clusters', readOnly: true, actions: [], size: 'STANDARD_DS3_V2' }],
      error: null,
    },
    {
      folder: 'file:///w/gone',
      workspace: { ...two, workspaceName: 'ws-gone' },
      computes: [],
      error: { code: 'azure', message: 'The workspace ws-gone was not found.' },
    },
    { folder: 'file:///w/broken%20cfg/', workspace: null, computes: [], error: { code: 'config', message: 'config.json is not JSON' } },
  ];
  const model = buildTree(r);
  assert.deepEqual(model.roots.map((n) => n.label), ['ws-dev', 'ws-two', 'ws-gone', 'broken cfg']);
  const [main, ok, gone, broken] = model.roots as WorkspaceNode[];
  assert.deepEqual([main.current, ok.current, gone.current, broken.current], [true, false, false, false]);
  assert.equal(main.contextValue, 'amlc.workspace');
  assert.equal(ok.contextValue, 'amlc.workspace.other');
  assert.equal(ok.description, 'rg2 · westeurope · other folder');

  // The current workspace keeps every group and compute, with no error.
  assert.ok(main.children.every((c) => c.kind === 'group'));
  // The healthy other workspace lists its compute without any compute menu.
  const okClusters = ok.children.find((c): c is GroupNode => c.kind === 'group' && c.group === 'clusters');
  const cluster = okClusters?.children[0] as ComputeNode;
  assert.equal(cluster.name, 'cpu-cluster');
  assert.equal(cluster.contextValue, 'amlc.otherCompute type:clusters');
  assert.match(cluster.tooltip, /In workspace ws-two: make it the current workspace/);
  // The failing one: an error node first, its groups empty; the broken config: only its error.
  assert.equal(gone.children[0].kind, 'error');
  assert.equal(gone.children[0].label, 'The workspace ws-gone was not found.');
  assert.deepEqual(broken.children.map((c) => [c.kind, c.label]), [['error', 'config.json is not JSON']]);

  // Every node key is unique (VS Code requires unique TreeItem ids), and palette lookups stay in the current workspace.
  const keys: string[] = [];
  const walk = (n: TreeNode) => {
    keys.push(n.key);
    if (n.kind === 'workspace' || n.kind === 'group') n.children.forEach(walk);
  };
  model.roots.forEach(walk);
  assert.equal(new Set(keys).size, keys.length);
  const found = findCompute(model, 'cpu-cluster');
  assert.equal(found?.key, findCompute(buildTree(fixture()), 'cpu-cluster')?.key);
  assert.ok(found?.contextValue.startsWith('amlc.compute'));
});

test('only my computes: the ones the server marks mine, and those it could not tell', () => {
  const result = fixture();
  result.computes = result.computes.map((c, i) => ({ ...c, mine: i === 0 ? true : i === 1 ? null : false }));
  const names = (onlyMine: boolean) =>
    currentComputes(buildTree(result, { onlyMine })).map((n) => n.name).sort();
  assert.deepEqual(names(true), [result.computes[0].name, result.computes[1].name].sort());
  assert.equal(names(false).length, result.computes.length);
});
