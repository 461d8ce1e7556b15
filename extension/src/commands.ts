// The extension's commands: each collects what the user wants (node, confirmation, quick pick) and hands the
// work to the server with `workspace/executeCommand`. No Azure logic lives here.

import * as vscode from 'vscode';

import { idleChoices, parseIdleMinutes, parseScale, sshDestination, sshTerminal } from './choices';
import { startEmulator, type EmulatorProcess } from './emulator';
import {
  ServerCommand,
  type CopyCommandResult,
  type CreateResult,
  type NameResult,
  type ShowResult,
  type SpecOfResult,
  type SshCommandResult,
  type WorkspaceRef,
} from './lsp_ext';
import { allowedActions, appKey, groupOf, openableApplications, type ComputeNode } from './model';
import { pickWorkspace, type PickerUi } from './pick';
import type { ServerManager } from './server';
import type { ComputeTree } from './tree';

export const DETAILS_SCHEME = 'amlc-compute';

/** The templates of "New Compute Spec" (files in `templates/`, checked by the Rust tests), one per compute type. */
export const SPEC_TEMPLATES = [
  { type: 'computeinstance', label: 'Compute instance', detail: 'One VM for one user, stopped when idle' },
  { type: 'amlcompute', label: 'Compute cluster', detail: 'Nodes that scale with jobs, nothing billed while idle' },
  { type: 'kubernetes', label: 'Kubernetes (attach)', detail: 'An AKS or Arc cluster with the Azure ML extension' },
  { type: 'virtualmachine', label: 'Virtual machine (attach)', detail: 'A Linux VM you own, reached over SSH' },
  { type: 'synapsespark', label: 'Synapse Spark pool (attach)', detail: 'A Spark pool of a Synapse workspace' },
] as const;

/** Read-only YAML of a live compute, fetched from the server each time the document opens. */
export class DetailsProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly server: ServerManager) {}
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const name = decodeURIComponent(uri.path.replace(/^\//, '').replace(/\.ya?ml$/, ''));
    try {
      const r = await this.server.execute<ShowResult>(ServerCommand.show, { name });
      return r?.yaml ?? '';
    } catch (e) {
      return `# Could not read compute "${name}": ${errorText(e)}\n`;
    }
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A tree node, a `{ name }` object or a plain name: commands accept all three (tests and keybindings pass names). */
function computeName(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && 'name' in arg && typeof (arg as { name: unknown }).name === 'string') {
    return (arg as { name: string }).name;
  }
  return undefined;
}

export function registerCommands(
  context: vscode.ExtensionContext,
  server: ServerManager,
  tree: ComputeTree,
): void {
  let emulator: EmulatorProcess | undefined;
  context.subscriptions.push({ dispose: () => emulator?.stop() });

  /**
   * The compute a command acts on: the tree item (or name) it was given, else, from the Command Palette, one the
   * user picks among the current workspace's computes that allow `action` now.
   */
  const chooseName = async (arg: unknown, verb: string, allows?: (n: ComputeNode) => boolean): Promise<string | undefined> => {
    const given = computeName(arg);
    if (given) return given;
    const candidates = tree.computes().filter((n) => !allows || allows(n));
    if (!candidates.length) {
      void vscode.window.showInformationMessage(`No compute in the current workspace can ${verb.toLowerCase()} now.`);
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      candidates.map((n) => ({ label: n.name, description: n.description })),
      { title: `${verb}: which compute?`, matchOnDescription: true },
    );
    return pick?.label;
  };
  const can = (action: string) => (n: ComputeNode) => allowedActions(n.compute).includes(action);
  const isInstance = (n: ComputeNode) => groupOf(n.compute) === 'instances';

  /** Runs a server command, reports failures with a "Show log" button, and refreshes the view afterwards. */
  const run = async <T>(command: string, arg: object): Promise<T | undefined> => {
    try {
      const result = await server.execute<T>(command, arg);
      tree.watch();
      void tree.refresh();
      return result;
    } catch (e) {
      const choice = await vscode.window.showErrorMessage(`amlc: ${errorText(e)}`, 'Show log');
      if (choice === 'Show log') server.output.show(true);
      void tree.refresh();
      return undefined;
    }
  };

  const reg = (id: string, fn: (...args: unknown[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  reg('amlc.refresh', () => tree.refresh());
  // The studio's "my computes" filter: the tree follows the setting (a configuration change refreshes it).
  const setOnlyMine = (on: boolean) => () =>
    vscode.workspace.getConfiguration('amlc').update('tree.onlyMine', on, vscode.ConfigurationTarget.Global);
  reg('amlc.tree.showOnlyMine', setOnlyMine(true));
  reg('amlc.tree.showAll', setOnlyMine(false));
  reg('amlc.showLog', () => server.output.show(true));
  reg('amlc.server.restart', async () => {
    await server.restart();
    await tree.refresh();
  });
  reg('amlc.signIn', () => server.signIn());

  const simple = (id: string, serverCommand: string, verb: string, action: string) =>
    reg(id, async (arg) => {
      const name = await chooseName(arg, verb, can(action));
      if (!name) return;
      const r = await run<NameResult>(serverCommand, { name });
      // The server's words: "accepted", or why nothing had to be sent.
      if (r) vscode.window.setStatusBarMessage(`$(check) ${r.outcome?.message ?? `${verb} ${name}: accepted`}`, 5000);
    });
  simple('amlc.tree.start', ServerCommand.start, 'Start', 'start');
  simple('amlc.tree.stop', ServerCommand.stop, 'Stop', 'stop');
  simple('amlc.tree.restart', ServerCommand.restart, 'Restart', 'restart');

  reg('amlc.tree.delete', async (arg) => {
    const name = await chooseName(arg, 'Delete', can('delete'));
    if (!name) return;
    const ws = tree.workspace?.workspaceName ?? 'the workspace';
    const ok = await vscode.window.showWarningMessage(
      `Delete compute "${name}"?`,
      { modal: true, detail: `This deletes "${name}" from ${ws}, including its disks and any work on them. It cannot be undone.` },
      'Delete',
    );
    if (ok !== 'Delete') return;
    const r = await run<NameResult>(ServerCommand.delete, { name });
    if (r) vscode.window.setStatusBarMessage(`$(trash) Deleting ${name}`, 5000);
  });

  reg('amlc.tree.detach', async (arg) => {
    const name = await chooseName(arg, 'Detach', can('detach'));
    if (!name) return;
    const ws = tree.workspace?.workspaceName ?? 'the workspace';
    const ok = await vscode.window.showWarningMessage(
      `Detach compute "${name}" from ${ws}?`,
      { modal: true, detail: 'The underlying resource is kept; only its link to the workspace is removed.' },
      'Detach',
    );
    if (ok !== 'Detach') return;
    await run<NameResult>(ServerCommand.detach, { name });
  });

  reg('amlc.tree.setIdleShutdown', async (arg) => {
    const name = await chooseName(arg, 'Set idle shutdown', can('setIdleShutdown'));
    if (!name) return;
    const custom = { label: 'Custom…', minutes: 0 };
    const limits = tree.limits;
    const pick = await vscode.window.showQuickPick([...idleChoices(limits), custom], {
      title: `Idle shutdown for ${name}`,
      placeHolder: 'Shut the instance down after it has been idle for…',
    });
    if (!pick) return;
    let minutes = pick.minutes;
    if (pick === custom) {
      const input = await vscode.window.showInputBox({
        title: `Idle shutdown for ${name}`,
        prompt: `Minutes (or 2h, 1d): ${limits.idleShutdownMinutes.min} to ${limits.idleShutdownMinutes.max ?? 'any'} minutes`,
        validateInput: (v) => {
          const r = parseIdleMinutes(v, limits);
          return 'error' in r ? r.error : undefined;
        },
      });
      if (input === undefined) return;
      const r = parseIdleMinutes(input, limits);
      if ('error' in r) return;
      minutes = r.minutes;
    }
    const r = await run<NameResult>(ServerCommand.setIdleShutdown, { name, minutes });
    if (r) vscode.window.setStatusBarMessage(`$(check) Idle shutdown of ${name} set to ${minutes} minutes`, 5000);
  });

  reg('amlc.tree.updateScale', async (arg) => {
    const name = await chooseName(arg, 'Update scale', can('updateScale'));
    if (!name) return;
    const nodes = tree.findCompute(name)?.compute.nodes;
    const ask = (prompt: string, value: string) => vscode.window.showInputBox({ title: `Scale ${name}`, prompt, value });
    const min = await ask('Minimum number of nodes', String(nodes?.min ?? 0));
    if (min === undefined) return;
    const max = await ask('Maximum number of nodes', String(nodes?.max ?? 1));
    if (max === undefined) return;
    const idle = await ask('Idle seconds before scale down (empty: keep the current setting)', '');
    if (idle === undefined) return;
    const parsed = parseScale(min, max, idle, tree.limits);
    if ('error' in parsed) {
      void vscode.window.showErrorMessage(parsed.error);
      return;
    }
    await run<NameResult>(ServerCommand.updateScale, { name, ...parsed.args });
  });

  reg('amlc.tree.ssh', async (arg) => {
    const name = await chooseName(arg, 'Connect via SSH', can('ssh'));
    if (!name) return;
    let r = await run<SshCommandResult>(ServerCommand.sshCommand, { name });
    if (!r) return;
    // A cluster has several nodes: the server picked one; let the user choose another before connecting.
    if (r.nodes && r.nodes.length > 1) {
      const items = r.nodes.map((n) => ({
        label: n.nodeId,
        description: [n.state, n.publicIpAddress ?? n.privateIpAddress].filter(Boolean).join(' · '),
        picked: n.nodeId === r?.node,
      }));
      const chosen = await vscode.window.showQuickPick(items, { title: `Connect to a node of ${name}` });
      if (!chosen) return;
      if (chosen.label !== r.node) {
        r = await run<SshCommandResult>(ServerCommand.sshCommand, { name, node: chosen.label });
        if (!r) return;
      }
    }
    const term = sshTerminal(name, r.command);
    if (!term) {
      void vscode.window.showErrorMessage(`amlc returned no usable SSH command for ${name}.`);
      return;
    }
    const dest = sshDestination(term.shellArgs.length ? [term.shellPath, ...term.shellArgs] : []);
    const remoteSsh = vscode.extensions.getExtension('ms-vscode-remote.remote-ssh');
    if (remoteSsh && dest && (dest.port === undefined || dest.port === 22)) {
      const how = await vscode.window.showQuickPick(['Integrated terminal', 'New Remote-SSH window'], { title: `Connect to ${name}` });
      if (!how) return;
      if (how === 'New Remote-SSH window') {
        await vscode.commands.executeCommand('vscode.newWindow', { remoteAuthority: `ssh-remote+${dest.host}` });
        return;
      }
    }
    vscode.window.createTerminal(term).show();
  });

  const hasApps = (n: ComputeNode) => openableApplications(n.compute).length > 0;
  const openApp = (key: string) => async (arg: unknown) => {
    const name = await chooseName(arg, 'Open an application', hasApps);
    const n = name ? tree.findCompute(name) : undefined;
    if (!n) return;
    const app = openableApplications(n.compute).find((a) => appKey(a.displayName) === key);
    if (app) await vscode.env.openExternal(vscode.Uri.parse(app.endpointUri, true));
  };
  reg('amlc.tree.openJupyterLab', openApp('jupyterlab'));
  reg('amlc.tree.openJupyter', openApp('jupyter'));
  reg('amlc.tree.openRStudio', openApp('rstudio'));
  reg('amlc.tree.openVSCodeWeb', openApp('vscode'));
  reg('amlc.tree.openApplication', async (arg) => {
    const name = await chooseName(arg, 'Open an application', hasApps);
    const n = name ? tree.findCompute(name) : undefined;
    if (!n) return;
    const apps = openableApplications(n.compute);
    const pick = await vscode.window.showQuickPick(
      apps.map((a) => ({ label: a.displayName, detail: a.endpointUri })),
      { title: `Open an application on ${n.name}` },
    );
    if (pick) await vscode.env.openExternal(vscode.Uri.parse(pick.detail, true));
  });

  reg('amlc.tree.show', async (arg) => {
    const name = await chooseName(arg, 'Show details');
    if (!name) return;
    const uri = vscode.Uri.from({ scheme: DETAILS_SCHEME, path: `/${encodeURIComponent(name)}.yaml` });
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
  });

  // "Open as Spec": the live compute as the CLI v2 spec that describes it, in a new editor to edit and save.
  reg('amlc.tree.openAsSpec', async (arg) => {
    const name = await chooseName(arg, 'Open as spec');
    if (!name) return;
    const r = await run<SpecOfResult>(ServerCommand.specOf, { name });
    if (!r) return;
    const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: r.yaml });
    await vscode.window.showTextDocument(doc);
  });

  reg('amlc.tree.setSso', async (arg) => {
    const name = await chooseName(arg, 'Set single sign-on', isInstance);
    if (!name) return;
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'Enable single sign-on', enable: true },
        { label: 'Disable single sign-on', enable: false },
      ],
      { title: `Single sign-on for ${name}` },
    );
    if (!pick) return;
    const r = await run<NameResult>(ServerCommand.enableSso, { name, enable: pick.enable });
    if (r) vscode.window.setStatusBarMessage(`$(check) Single sign-on of ${name} ${pick.enable ? 'enabled' : 'disabled'}`, 5000);
  });

  const copy = (flavor: 'amlc' | 'az') => async (arg: unknown) => {
    const name = await chooseName(arg, `Copy as ${flavor} command`);
    if (!name) return;
    const n = tree.findCompute(name);
    const actions = ['show', ...(n ? allowedActions(n.compute) : [])];
    const action = actions.length === 1 ? actions[0] : await vscode.window.showQuickPick(actions, { title: `Copy which ${flavor} command for ${name}?` });
    if (!action) return;
    try {
      const r = await server.execute<CopyCommandResult>(ServerCommand.copyCommand, { name, action, flavor });
      await vscode.env.clipboard.writeText(r.command);
      vscode.window.setStatusBarMessage(`$(clippy) Copied: ${r.command}`, 5000);
    } catch (e) {
      void vscode.window.showErrorMessage(`amlc: ${errorText(e)}`);
    }
  };
  reg('amlc.tree.copyAmlcCommand', copy('amlc'));
  reg('amlc.tree.copyAzCommand', copy('az'));

  const specUri = async (arg: unknown): Promise<vscode.Uri | undefined> => {
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showErrorMessage('Open a compute spec (YAML) first, or right-click one in the Explorer.');
      return undefined;
    }
    // The server reads the spec from disk when it is not open; save so both agree.
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open?.isDirty) await open.save();
    return uri;
  };
  // "New Compute Spec": a template per compute type, opened as an untitled YAML document the server checks at once.
  reg('amlc.spec.new', async (type?: unknown) => {
    const chosen =
      typeof type === 'string' && SPEC_TEMPLATES.some((t) => t.type === type)
        ? type
        : (await vscode.window.showQuickPick(
            SPEC_TEMPLATES.map((t) => ({ label: t.label, description: t.type, detail: t.detail, type: t.type })),
            { title: 'New compute spec', placeHolder: 'Which kind of compute?' },
          ))?.type;
    if (!chosen) return;
    const file = vscode.Uri.joinPath(context.extensionUri, 'templates', `${chosen}.yml`);
    const content = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content });
    await vscode.window.showTextDocument(doc);
  });

  reg('amlc.spec.create', async (arg) => {
    const uri = await specUri(arg);
    if (!uri) return;
    const r = await run<CreateResult>(ServerCommand.create, { uri: uri.toString() });
    if (r) void vscode.window.showInformationMessage(`Compute "${r.name}": ${r.operation === 'update' ? 'update' : 'creation'} accepted.`);
  });
  reg('amlc.spec.attach', async (arg) => {
    const uri = await specUri(arg);
    if (!uri) return;
    const r = await run<NameResult>(ServerCommand.attach, { uri: uri.toString() });
    if (r) void vscode.window.showInformationMessage(`Compute "${r.name}": attach accepted.`);
  });

  const target = () =>
    vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;

  /** Types the three IDs by hand (no listing permission, or an older server). */
  const enterWorkspace = async (cur: Partial<WorkspaceRef>): Promise<WorkspaceRef | undefined> => {
    const ask = (prompt: string, value: string | undefined) =>
      vscode.window.showInputBox({
        title: 'Select Azure ML workspace',
        prompt,
        value,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : 'Required'),
      });
    const subscriptionId = await ask('Subscription ID', cur.subscriptionId);
    if (!subscriptionId) return undefined;
    const resourceGroup = await ask('Resource group', cur.resourceGroup);
    if (!resourceGroup) return undefined;
    const workspaceName = await ask('Workspace name', cur.workspaceName);
    if (!workspaceName) return undefined;
    return { subscriptionId: subscriptionId.trim(), resourceGroup: resourceGroup.trim(), workspaceName: workspaceName.trim() };
  };

  const pickerUi: PickerUi = {
    pick: (items, options) => Promise.resolve(vscode.window.showQuickPick(items, { ...options, matchOnDescription: true, ignoreFocusOut: true })),
    failed: async (message) => (await vscode.window.showWarningMessage(message, 'Enter IDs by hand')) === 'Enter IDs by hand',
  };

  /** Switches the server to a workspace (it checks the workspace exists first), remembers it, reloads the tree. */
  const applyWorkspace = async (ref: WorkspaceRef): Promise<void> => {
    const cfg = vscode.workspace.getConfiguration('amlc');
    // A refusal leaves everything as it was.
    if (server.running) {
      try {
        const ws = await server.selectWorkspace(ref, cfg.get<string>('armEndpoint'));
        if (ws) vscode.window.setStatusBarMessage(`$(azure) Workspace ${ws.workspaceName}${ws.location ? ` (${ws.location})` : ''}`, 5000);
      } catch (e) {
        const choice = await vscode.window.showErrorMessage(`amlc: ${errorText(e)}`, 'Show log');
        if (choice === 'Show log') server.output.show(true);
        return;
      }
    }
    // Remembered for the next session; it also reaches the server through didChangeConfiguration.
    await cfg.update('workspace', ref, target());
    await tree.refresh();
  };

  reg('amlc.workspace.select', async () => {
    const cfg = vscode.workspace.getConfiguration('amlc');
    const cur: Partial<WorkspaceRef> = tree.workspace ?? cfg.get<WorkspaceRef | null>('workspace') ?? {};
    let ref: WorkspaceRef | undefined;
    if (server.running) {
      const outcome = await pickWorkspace(server, pickerUi, cur);
      if (outcome.kind === 'cancelled') return;
      ref = outcome.kind === 'picked' ? outcome.workspace : await enterWorkspace(cur);
    } else {
      ref = await enterWorkspace(cur);
    }
    if (ref) await applyWorkspace(ref);
  });

  /** "Make This the Current Workspace" on another folder's workspace node. */
  reg('amlc.workspace.switchTo', async (arg) => {
    const ws = arg && typeof arg === 'object' && 'workspace' in arg ? (arg as { workspace?: WorkspaceRef }).workspace : undefined;
    if (!ws?.subscriptionId || !ws.resourceGroup || !ws.workspaceName) return;
    await applyWorkspace({ subscriptionId: ws.subscriptionId, resourceGroup: ws.resourceGroup, workspaceName: ws.workspaceName });
  });

  reg('amlc.workspace.useEmulator', async () => {
    const cfg = vscode.workspace.getConfiguration('amlc');
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'Start a local emulator', description: 'amlc emulator --seed, for this window', id: 'start' },
        { label: 'Connect to a running emulator…', description: 'http://127.0.0.1:PORT', id: 'url' },
      ],
      { title: 'Use the local Azure ML emulator' },
    );
    if (!pick) return;
    let url: string | undefined;
    if (pick.id === 'start') {
      if (!server.binary) {
        void vscode.window.showErrorMessage('The amlc binary was not found, so the emulator cannot start.');
        return;
      }
      emulator?.stop();
      try {
        emulator = await startEmulator(server.binary.path, (line) => server.output.appendLine(`[emulator] ${line}`));
      } catch (e) {
        void server.showError(`The amlc emulator could not start: ${errorText(e)}`);
        return;
      }
      url = emulator.url;
    } else {
      url = await vscode.window.showInputBox({
        title: 'Emulator URL',
        value: 'http://127.0.0.1:',
        validateInput: (v) => (/^https?:\/\/[^\s/]+/.test(v.trim()) ? undefined : 'An http(s) URL, e.g. http://127.0.0.1:7070'),
      });
      if (!url) return;
    }
    await cfg.update('armEndpoint', url.trim(), target());
    await cfg.update('auth', 'none', target());
    // The workspace comes from the emulator itself; a stale explicit one would point elsewhere.
    await cfg.update('workspace', undefined, target());
    vscode.window.setStatusBarMessage(`$(azure) Using the emulator at ${url}`, 5000);
  });
}
