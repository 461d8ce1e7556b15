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
  let specTimer: NodeJS.Timeout | undefined;
  // The editor-title spec actions show only on documents the server calls compute specs.
  const updateEditorIsSpec = async (retry = true): Promise<void> => {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'yaml' || doc.uri.scheme !== 'file') {
      await vscode.commands.executeCommand('setContext', 'amlc.editorIsSpec', false);
      return;
    }
    const isSpec = await srv.isComputeSpec(doc.uri.toString());
    if (isSpec === undefined && retry) {
      // The didOpen may still be on its way to the server.
      setTimeout(() => void updateEditorIsSpec(false), 500);
    }
    await vscode.commands.executeCommand('setContext', 'amlc.editorIsSpec', isSpec ?? true);
  };
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(() => void updateEditorIsSpec()),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document !== vscode.window.activeTextEditor?.document) return;
      // Typing can turn a file into a spec (or not); ask once the edits settle.
      if (specTimer) clearTimeout(specTimer);
      specTimer = setTimeout(() => void updateEditorIsSpec(false), 400);
    }),
    { dispose: () => specTimer && clearTimeout(specTimer) },
    srv.onRunningChanged(() => void updateEditorIsSpec()),
  );
  await srv.start();
  await tree.refresh();
  void updateEditorIsSpec();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
}
