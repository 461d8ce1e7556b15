// Entry point of the amlc VS Code extension: starts the language server, the Explorer view and the commands.
// The server owns all Azure knowledge; this layer only shows it and forwards the user's choices.

import * as vscode from 'vscode';

import { DETAILS_SCHEME, DetailsProvider, registerCommands } from './commands';
import { ServerManager } from './server';
import { ComputeTree } from './tree';

let server: ServerManager | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  server = new ServerManager(context);
  const tree = new ComputeTree(server);
  const view = vscode.window.createTreeView('amlc.computes', { treeDataProvider: tree, showCollapseAll: true });
  tree.attach(view);
  context.subscriptions.push(server, tree, view);
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(DETAILS_SCHEME, new DetailsProvider(server)));
  registerCommands(context, server, tree);

  const srv = server;
  context.subscriptions.push(
    srv.onComputesChanged(() => void tree.refresh()),
    srv.onRunningChanged((up) => {
      void vscode.commands.executeCommand('setContext', 'amlc.serverRunning', up);
      void tree.refresh();
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration('amlc')) return;
      if (e.affectsConfiguration('amlc.server.path')) {
        await srv.restart();
      } else {
        await srv.configurationChanged();
      }
      await tree.refresh();
    }),
  );
  await srv.start();
  await tree.refresh();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
}
