// The "Azure ML Compute" Explorer view: fetches `amlc/listComputes`, renders the pure tree model, keeps the
// status bar and welcome-view context in step, and refreshes itself while operations run.

import * as vscode from 'vscode';

import { NO_LIMITS } from './choices';
import type { Limits, ListComputesResult, WorkspaceInfo } from './lsp_ext';
import { buildTree, currentComputes, findCompute, type ComputeNode, type TreeModel, type TreeNode } from './model';
import { FAST_POLL_MS, nextPollDelay, startWatch, type Watch } from './poll';
import type { ServerManager } from './server';


export type ViewState = 'loading' | 'noWorkspace' | 'ready' | 'serverDown';

export class ComputeTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private model: TreeModel = { roots: [], busy: false };
  private last: ListComputesResult | undefined;
  private view: vscode.TreeView<TreeNode> | undefined;
  private readonly status: vscode.StatusBarItem;
  private timer: NodeJS.Timeout | undefined;
  private watching: Watch | undefined;
  private inflight: Promise<void> | undefined;
  private again = false;

  constructor(private readonly server: ServerManager) {
    this.status = vscode.window.createStatusBarItem('amlc.workspace', vscode.StatusBarAlignment.Left, 50);
    this.status.name = 'Azure ML workspace';
    this.status.command = 'amlc.workspace.select';
    this.setState('loading');
  }

  attach(view: vscode.TreeView<TreeNode>): void {
    this.view = view;
  }

  get workspace(): WorkspaceInfo | null {
    return this.last?.workspace ?? null;
  }

  /** The input limits the server sent with the last list. */
  get limits(): Limits {
    return this.last?.limits ?? NO_LIMITS;
  }

  findCompute(name: string): ComputeNode | undefined {
    return findCompute(this.model, name);
  }

  /** The current workspace's computes, by name. */
  computes(): ComputeNode[] {
    return currentComputes(this.model);
  }

  private setState(state: ViewState): void {
    void vscode.commands.executeCommand('setContext', 'amlc.state', state);
  }

  private updateStatus(ws: WorkspaceInfo | null, serverDown = false): void {
    if (serverDown) {
      this.status.text = '$(azure) Azure ML: server not running';
      this.status.tooltip = 'The amlc language server is not running; see the "Azure ML Compute (amlc)" output';
    } else if (ws) {
      this.status.text = `$(azure) ${ws.workspaceName}`;
      this.status.tooltip = `Azure ML workspace ${ws.workspaceName} (${ws.resourceGroup})${ws.armEndpoint ? `\n${ws.armEndpoint}` : ''}\nClick to select another workspace`;
    } else {
      this.status.text = '$(azure) Azure ML: no workspace';
      this.status.tooltip = 'Select an Azure ML workspace';
    }
    this.status.show();
  }

  /** Re-fetches the list; calls made while one is in flight collapse into one more fetch. */
  refresh(): Promise<void> {
    if (this.inflight) {
      this.again = true;
      return this.inflight;
    }
    this.inflight = this.load().finally(() => {
      this.inflight = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.inflight;
  }

  private async load(): Promise<void> {
    if (!this.server.running) {
      this.model = { roots: [], busy: false };
      this.setState('serverDown');
      if (this.view) this.view.message = undefined;
      this.updateStatus(null, true);
      this.emitter.fire(undefined);
      return;
    }
    try {
      this.last = await this.server.listComputes();
      const onlyMine = vscode.workspace.getConfiguration('amlc').get<boolean>('tree.onlyMine', false);
      this.model = buildTree(this.last, { onlyMine });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.server.output.appendLine(`[extension] amlc/listComputes failed: ${msg}`);
      // Keep the previous tree so one failed refresh does not blank the view.
      if (this.view) this.view.message = `Could not list compute: ${msg}`;
      if (!this.last) {
        this.status.text = '$(warning) Azure ML';
        this.status.tooltip = `Could not list compute: ${msg}`;
        this.status.show();
      }
      this.schedule();
      return;
    }
    // A view message hides the welcome content, and with no workspace the welcome says it all (with its buttons);
    // the server's reason goes to the log instead.
    if (this.view) this.view.message = this.model.roots.length ? this.model.message : undefined;
    if (!this.model.roots.length && this.model.message) this.server.output.appendLine(`[extension] no workspace: ${this.model.message}`);
    this.setState(this.model.roots.length ? 'ready' : 'noWorkspace');
    this.updateStatus(this.last.workspace);
    this.emitter.fire(undefined);
    this.schedule();
  }

  /** Polls fast for a while after an action (the state may not have moved yet), then while anything is transient. */
  watch(): void {
    this.watching = startWatch(Date.now());
    this.schedule(FAST_POLL_MS);
  }

  private schedule(delay?: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = nextPollDelay(Date.now(), this.watching, this.model.busy);
    if (next === undefined) {
      this.watching = undefined;
      return;
    }
    this.timer = setTimeout(() => void this.refresh(), delay ?? next);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const hasChildren = (node.kind === 'workspace' || node.kind === 'group') && node.children.length > 0;
    const item = new vscode.TreeItem(
      node.label,
      hasChildren ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.key;
    item.contextValue = node.contextValue;
    item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
    if (node.kind !== 'error') item.description = node.description;
    if (node.kind !== 'group') item.tooltip = node.tooltip;
    if (node.kind === 'compute') {
      item.accessibilityInformation = { label: node.accessibilityLabel };
    }
    return item;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) return this.model.roots;
    if (node.kind === 'workspace' || node.kind === 'group') return node.children;
    return [];
  }

  getParent(node: TreeNode): TreeNode | undefined {
    const stack: [TreeNode, TreeNode | undefined][] = this.model.roots.map((r) => [r, undefined]);
    while (stack.length) {
      const [n, parent] = stack.pop() as [TreeNode, TreeNode | undefined];
      if (n.key === node.key) return parent;
      if (n.kind === 'workspace' || n.kind === 'group') for (const c of n.children) stack.push([c, n]);
    }
    return undefined;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.status.dispose();
    this.emitter.dispose();
  }
}
