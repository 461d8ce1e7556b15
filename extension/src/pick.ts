// The "Select workspace" flow: subscription → workspace pickers fed by the server's `amlc/listSubscriptions` and
// `amlc/listWorkspaces`. Pure (the UI and the server are passed in, no `vscode` import), so it is unit-tested.

import type { SubscriptionInfo, WorkspaceListing, WorkspaceRef } from './lsp_ext';

export interface PickItem {
  label: string;
  description?: string;
  detail?: string;
}

export interface SubscriptionItem extends PickItem {
  subscriptionId?: string;
  /** The "enter the IDs by hand" entry. */
  manual?: true;
}

export interface WorkspaceItem extends PickItem {
  workspace: WorkspaceRef;
}

export interface PickerUi {
  pick<T extends PickItem>(items: T[], options: { title: string; placeHolder: string }): Promise<T | undefined>;
  /** Says the listing failed; resolves true when the user wants to type the IDs instead. */
  failed(message: string): Promise<boolean>;
}

export interface PickerServer {
  listSubscriptions(): Promise<SubscriptionInfo[]>;
  listWorkspaces(subscriptionId: string): Promise<WorkspaceListing[]>;
}

export type PickOutcome = { kind: 'picked'; workspace: WorkspaceRef } | { kind: 'manual' } | { kind: 'cancelled' };

export const MANUAL_LABEL = '$(edit) Enter the IDs by hand…';

const same = (a: string | undefined, b: string | undefined) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

/** One item per subscription (current one first), then the manual entry. Disabled subscriptions say so. */
export function subscriptionItems(subs: SubscriptionInfo[], current?: Partial<WorkspaceRef> | null): SubscriptionItem[] {
  const items: SubscriptionItem[] = subs
    .filter((s) => s && typeof s.subscriptionId === 'string' && s.subscriptionId)
    .map((s) => {
      const isCurrent = same(s.subscriptionId, current?.subscriptionId);
      const state = s.state && s.state !== 'Enabled' ? ` · ${s.state}` : '';
      return {
        label: s.displayName || s.subscriptionId,
        description: `${s.subscriptionId}${state}${isCurrent ? ' · current' : ''}`,
        subscriptionId: s.subscriptionId,
      };
    });
  items.sort((a, b) => Number(b.description?.endsWith('current')) - Number(a.description?.endsWith('current')));
  items.push({ label: MANUAL_LABEL, manual: true });
  return items;
}

/** One item per workspace: its name, then location and resource group; the current one marked and first. */
export function workspaceItems(wss: WorkspaceListing[], current?: Partial<WorkspaceRef> | null): WorkspaceItem[] {
  const items = wss
    .filter((w) => w && w.workspaceName && w.resourceGroup && w.subscriptionId)
    .map((w) => {
      const isCurrent =
        same(w.subscriptionId, current?.subscriptionId) &&
        same(w.resourceGroup, current?.resourceGroup) &&
        same(w.workspaceName, current?.workspaceName);
      return {
        label: w.workspaceName,
        description: [w.location, w.resourceGroup, isCurrent ? 'current' : ''].filter((s) => s).join(' · '),
        workspace: { subscriptionId: w.subscriptionId, resourceGroup: w.resourceGroup, workspaceName: w.workspaceName },
        current: isCurrent,
      };
    });
  items.sort((a, b) => Number(b.current) - Number(a.current));
  return items.map(({ current: _current, ...item }) => item);
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Asks for a subscription (skipped when there is exactly one), then a workspace in it. A failed listing offers the
 * manual entry; an empty subscription says so and asks again.
 */
export async function pickWorkspace(server: PickerServer, ui: PickerUi, current?: Partial<WorkspaceRef> | null): Promise<PickOutcome> {
  let subs: SubscriptionInfo[];
  try {
    subs = await server.listSubscriptions();
  } catch (e) {
    return (await ui.failed(`Could not list subscriptions: ${message(e)}`)) ? { kind: 'manual' } : { kind: 'cancelled' };
  }
  const subItems = subscriptionItems(subs, current);
  for (;;) {
    let sub: SubscriptionItem | undefined;
    if (subItems.length === 2) {
      sub = subItems[0];
    } else {
      sub = await ui.pick(subItems, {
        title: 'Select Azure ML workspace (1/2): subscription',
        placeHolder: subItems.length > 1 ? 'Which subscription holds the workspace?' : 'No subscription is visible to this account',
      });
    }
    if (!sub) return { kind: 'cancelled' };
    if (sub.manual || !sub.subscriptionId) return { kind: 'manual' };
    let wss: WorkspaceListing[];
    try {
      wss = await server.listWorkspaces(sub.subscriptionId);
    } catch (e) {
      return (await ui.failed(`Could not list the workspaces of ${sub.label}: ${message(e)}`)) ? { kind: 'manual' } : { kind: 'cancelled' };
    }
    const items = workspaceItems(wss, current);
    if (items.length === 0) {
      if (subItems.length === 2) {
        return (await ui.failed(`There is no Azure ML workspace in ${sub.label}.`)) ? { kind: 'manual' } : { kind: 'cancelled' };
      }
      if (!(await ui.failed(`There is no Azure ML workspace in ${sub.label}; pick another subscription.`))) return { kind: 'cancelled' };
      continue;
    }
    const ws = await ui.pick(items, {
      title: `Select Azure ML workspace (2/2): workspace in ${sub.label}`,
      placeHolder: 'Workspace (location · resource group)',
    });
    if (!ws) return { kind: 'cancelled' };
    return { kind: 'picked', workspace: ws.workspace };
  }
}
