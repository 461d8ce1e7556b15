// Checks the "Select workspace" flow against a fake server and fake pickers: what each picker offers, the skip of a
// lone subscription, the manual fallback when listing fails, and an empty subscription.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import type { SubscriptionInfo, WorkspaceListing } from '../src/lsp_ext';
import { MANUAL_LABEL, pickWorkspace, subscriptionItems, workspaceItems, type PickItem, type PickerServer, type PickerUi } from '../src/pick';

const SUBS: SubscriptionInfo[] = [
  { subscriptionId: 'sub-a', displayName: 'Team A', state: 'Enabled' },
  { subscriptionId: 'sub-b', displayName: 'Team B', state: 'Disabled' },
];
const WSS: Record<string, WorkspaceListing[]> = {
  'sub-a': [
    { subscriptionId: 'sub-a', resourceGroup: 'rg1', workspaceName: 'ws-one', location: 'eastus' },
    { subscriptionId: 'sub-a', resourceGroup: 'rg2', workspaceName: 'ws-two', location: 'westeurope' },
  ],
  'sub-b': [],
};

function fakeServer(subs = SUBS, wss = WSS, fail?: 'subs' | 'wss'): PickerServer & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    listSubscriptions: async () => {
      if (fail === 'subs') throw new Error('AuthorizationFailed: no access');
      return subs;
    },
    listWorkspaces: async (sub: string) => {
      asked.push(sub);
      if (fail === 'wss') throw new Error('boom');
      return wss[sub] ?? [];
    },
  };
}

/** Answers each picker with the item whose label matches the next script entry; records what was shown. */
function fakeUi(script: (string | undefined)[], manualOnFailure = false) {
  const shown: { title: string; labels: string[]; descriptions: (string | undefined)[] }[] = [];
  const failures: string[] = [];
  const ui: PickerUi = {
    pick: async <T extends PickItem>(items: T[], options: { title: string }) => {
      shown.push({ title: options.title, labels: items.map((i) => i.label), descriptions: items.map((i) => i.description) });
      const want = script.shift();
      return want === undefined ? undefined : items.find((i) => i.label === want);
    },
    failed: async (message) => {
      failures.push(message);
      return manualOnFailure;
    },
  };
  return { ui, shown, failures };
}

test('subscription items: name, id, state when not enabled, current first, then the manual entry', () => {
  const items = subscriptionItems(SUBS, { subscriptionId: 'SUB-B' });
  assert.deepEqual(items.map((i) => i.label), ['Team B', 'Team A', MANUAL_LABEL]);
  assert.equal(items[0].description, 'sub-b · Disabled · current');
  assert.equal(items[1].description, 'sub-a');
  assert.equal(items[2].manual, true);
  // A nameless subscription is labelled with its id; junk entries are dropped.
  const odd = subscriptionItems([{ subscriptionId: 'x' }, { subscriptionId: '' } as SubscriptionInfo]);
  assert.deepEqual(odd.map((i) => i.label), ['x', MANUAL_LABEL]);
});

test('workspace items show location and resource group, the current one marked and first', () => {
  const items = workspaceItems(WSS['sub-a'], { subscriptionId: 'sub-a', resourceGroup: 'RG2', workspaceName: 'ws-two' });
  assert.deepEqual(items.map((i) => [i.label, i.description]), [
    ['ws-two', 'westeurope · rg2 · current'],
    ['ws-one', 'eastus · rg1'],
  ]);
  assert.deepEqual(items[1].workspace, { subscriptionId: 'sub-a', resourceGroup: 'rg1', workspaceName: 'ws-one' });
  assert.equal('current' in items[0], false);
});

test('subscription then workspace: the picked workspace comes back', async () => {
  const server = fakeServer();
  const { ui, shown } = fakeUi(['Team A', 'ws-two']);
  const out = await pickWorkspace(server, ui, null);
  assert.deepEqual(out, { kind: 'picked', workspace: { subscriptionId: 'sub-a', resourceGroup: 'rg2', workspaceName: 'ws-two' } });
  assert.deepEqual(server.asked, ['sub-a']);
  assert.equal(shown.length, 2);
  assert.match(shown[0].title, /subscription/);
  assert.match(shown[1].title, /workspace in Team A/);
  assert.deepEqual(shown[1].descriptions, ['eastus · rg1', 'westeurope · rg2']);
});

test('a lone subscription is not asked for', async () => {
  const server = fakeServer([SUBS[0]]);
  const { ui, shown } = fakeUi(['ws-one']);
  const out = await pickWorkspace(server, ui);
  assert.equal(out.kind, 'picked');
  assert.equal(shown.length, 1);
  assert.match(shown[0].title, /2\/2/);
});

test('escape at either step cancels; the manual entry asks for IDs', async () => {
  assert.deepEqual(await pickWorkspace(fakeServer(), fakeUi([undefined]).ui), { kind: 'cancelled' });
  assert.deepEqual(await pickWorkspace(fakeServer(), fakeUi(['Team A', undefined]).ui), { kind: 'cancelled' });
  assert.deepEqual(await pickWorkspace(fakeServer(), fakeUi([MANUAL_LABEL]).ui), { kind: 'manual' });
});

test('a failed listing says why and offers the manual entry', async () => {
  const a = fakeUi([], true);
  assert.deepEqual(await pickWorkspace(fakeServer(SUBS, WSS, 'subs'), a.ui), { kind: 'manual' });
  assert.match(a.failures[0], /Could not list subscriptions: AuthorizationFailed/);
  const b = fakeUi(['Team A'], false);
  assert.deepEqual(await pickWorkspace(fakeServer(SUBS, WSS, 'wss'), b.ui), { kind: 'cancelled' });
  assert.match(b.failures[0], /workspaces of Team A: boom/);
});

test('a subscription without workspaces asks for another one', async () => {
  const { ui, shown, failures } = fakeUi(['Team B', 'Team A', 'ws-one'], true);
  const out = await pickWorkspace(fakeServer(), ui);
  assert.equal(out.kind, 'picked');
  assert.match(failures[0], /no Azure ML workspace in Team B/);
  assert.equal(shown.length, 3);
});
