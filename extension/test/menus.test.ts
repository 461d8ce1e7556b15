// Checks which right-click entries each compute shows, by evaluating package.json's real `when` clauses
// against the contextValue the tree model gives each item.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import { ServerCommand, capabilityKey, type ComputeSummary, type ListComputesResult } from '../src/lsp_ext';
import { buildTree, computeContextValue, findCompute } from '../src/model';
import { readJson } from './paths';
import { evaluateWhen } from './when';

interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}
interface Manifest {
  contributes: {
    commands: { command: string; title: string }[];
    menus: Record<string, MenuEntry[]>;
  };
}

const manifest = readJson<Manifest>('package.json');
const titles = new Map(manifest.contributes.commands.map((c) => [c.command, c.title]));

/** Context keys for a server that implements the given contract commands (default: all of them). */
function serverKeys(commands: string[] = Object.values(ServerCommand)): Record<string, boolean> {
  return Object.fromEntries(Object.values(ServerCommand).map((c) => [capabilityKey(c), commands.includes(c)]));
}

function menuFor(viewItem: string, has = serverKeys()): string[] {
  return manifest.contributes.menus['view/item/context']
    .filter((m) => m.group !== 'inline' && evaluateWhen(m.when, { view: 'amlc.computes', viewItem, ...has }))
    .map((m) => titles.get(m.command) ?? m.command);
}

const fixture = readJson<ListComputesResult>('test/fixtures/listComputes.json');
const model = buildTree(fixture);
const menuOf = (name: string): string[] => {
  const n = findCompute(model, name);
  assert.ok(n, name);
  return menuFor(n.contextValue);
};

const ALWAYS = ['Show Details', 'Open as Spec', 'Copy as amlc Command', 'Copy as az ml Command'];

test('menus per type and state', () => {
  const expected: Record<string, string[]> = {
    'ci-running': ['Stop', 'Restart', 'Connect via SSH', 'Open JupyterLab', 'Open Jupyter', 'Open RStudio', 'Open VS Code (Web)', 'Open Application…', 'Set Idle Shutdown…', 'Set Single Sign-On…', ...ALWAYS, 'Delete…'],
    'ci-stopped': ['Start', 'Set Idle Shutdown…', 'Set Single Sign-On…', ...ALWAYS, 'Delete…'],
    'ci-starting': ['Set Single Sign-On…', ...ALWAYS, 'Delete…'],
    'ci-nossh': ['Stop', 'Restart', 'Set Idle Shutdown…', 'Set Single Sign-On…', ...ALWAYS, 'Delete…'],
    'broken-ci': ['Set Single Sign-On…', ...ALWAYS, 'Delete…'],
    'cpu-cluster': ['Update Scale…', ...ALWAYS, 'Delete…'],
    k8s: [...ALWAYS, 'Detach…'],
    dsvm: [...ALWAYS, 'Detach…'],
    'old-hdi': ALWAYS,
  };
  for (const [name, menu] of Object.entries(expected)) {
    assert.deepEqual(menuOf(name), menu, name);
  }
});

test('Start shows only on a stopped instance; Stop and Restart only on a running one', () => {
  for (const c of fixture.computes) {
    const m = menuOf(c.name);
    assert.equal(m.includes('Start'), c.state === 'Stopped', `${c.name} Start`);
    assert.equal(m.includes('Stop'), c.state === 'Running', `${c.name} Stop`);
    assert.equal(m.includes('Restart'), c.state === 'Running', `${c.name} Restart`);
  }
});

test('application entries follow the applications the server lists, by known endpoint name', () => {
  const base: ComputeSummary = {
    name: 'x', computeType: 'ComputeInstance', group: 'instances', state: 'Running', actions: [],
    applications: [{ displayName: 'Custom app', endpointUri: 'https://x/custom' }],
  };
  assert.deepEqual(menuFor(computeContextValue(base)).slice(0, 1), ['Open Application…']);
  // The server lists applications only while they can be reached (a stopped instance gets none).
  assert.ok(!menuFor(computeContextValue({ ...base, state: 'Stopped', applications: [] })).includes('Open Application…'));
  assert.ok(!menuFor(computeContextValue({ ...base, applications: [{ displayName: 'JupyterLab', endpointUri: '' }] })).includes('Open JupyterLab'));
});

test('entries for commands the server does not implement stay hidden', () => {
  const running = findCompute(model, 'ci-running');
  assert.ok(running);
  const partial = serverKeys([ServerCommand.start, ServerCommand.stop, ServerCommand.restart, ServerCommand.delete]);
  assert.deepEqual(menuFor(running.contextValue, partial), [
    'Stop', 'Restart', 'Open JupyterLab', 'Open Jupyter', 'Open RStudio', 'Open VS Code (Web)', 'Open Application…', 'Delete…',
  ]);
  assert.deepEqual(menuFor(running.contextValue, serverKeys([])).filter((t) => !t.startsWith('Open ')), []);
  const explorer = manifest.contributes.menus['explorer/context'];
  const shown = (has: Record<string, boolean>) =>
    explorer.filter((m) => evaluateWhen(m.when, { resourceExtname: '.yml', ...has })).map((m) => m.command);
  assert.deepEqual(shown(serverKeys([ServerCommand.create])), ['amlc.spec.create']);
  assert.deepEqual(shown(serverKeys([])), []);
});

test('capability keys are distinct per contract command', () => {
  const keys = Object.values(ServerCommand).map(capabilityKey);
  assert.equal(new Set(keys).size, keys.length);
  assert.equal(capabilityKey(ServerCommand.copyCommand), 'amlc.has.copyCommand');
});

test("server commands never reuse the extension's own command ids", () => {
  // vscode-languageclient registers every server command as an editor command; a shared id makes the start fail
  // ("command 'amlc.workspace.select' already exists"), which is why the workspace choice is a request.
  const ours = new Set(manifest.contributes.commands.map((c) => c.command));
  for (const c of Object.values(ServerCommand)) assert.ok(!ours.has(c), c);
  assert.ok(ours.has('amlc.workspace.select'));
});

test('non-compute nodes get no compute actions', () => {
  assert.deepEqual(menuFor('amlc.workspace'), []);
  assert.deepEqual(menuFor('amlc.group group:instances'), []);
  assert.deepEqual(menuFor('amlc.error'), []);
});

test('every command in a menu is declared, and item commands reach the palette (with a compute picker)', () => {
  const palette = new Map(manifest.contributes.menus.commandPalette.map((m) => [m.command, m.when]));
  for (const [menu, entries] of Object.entries(manifest.contributes.menus)) {
    for (const e of entries) assert.ok(titles.has(e.command), `${menu}: ${e.command} is not declared`);
  }
  for (const e of manifest.contributes.menus['view/item/context']) {
    if (e.command.startsWith('amlc.tree.')) assert.equal(palette.get(e.command), 'amlc.serverRunning', e.command);
  }
});

test('the spec commands show on YAML files in the explorer and the editor title', () => {
  const explorer = manifest.contributes.menus['explorer/context'];
  const visible = (ext: string) =>
    explorer.filter((m) => evaluateWhen(m.when, { resourceExtname: ext, ...serverKeys() })).map((m) => m.command);
  assert.deepEqual(visible('.yml'), ['amlc.spec.create', 'amlc.spec.attach']);
  assert.deepEqual(visible('.YAML'), ['amlc.spec.create', 'amlc.spec.attach']);
  assert.deepEqual(visible('.json'), []);
  const title = manifest.contributes.menus['editor/title'];
  const onTitle = (ctx: Record<string, string | boolean>) =>
    title.filter((m) => evaluateWhen(m.when, { ...serverKeys(), ...ctx })).length;
  assert.equal(onTitle({ resourceLangId: 'yaml', 'amlc.serverRunning': true, 'amlc.editorIsSpec': true }), 2);
  // A YAML file the server says is not a compute spec (a pipeline, a GitHub workflow) gets no spec actions.
  assert.equal(onTitle({ resourceLangId: 'yaml', 'amlc.serverRunning': true, 'amlc.editorIsSpec': false }), 0);
  assert.equal(onTitle({ resourceLangId: 'json', 'amlc.serverRunning': true, 'amlc.editorIsSpec': true }), 0);
});

test('the when-clause evaluator itself handles the operators used', () => {
  assert.equal(evaluateWhen('a == b && !c', { a: 'b', c: false }), true);
  assert.equal(evaluateWhen('a != b || c', { a: 'b', c: true }), true);
  assert.equal(evaluateWhen('v =~ /^x\\/y$/i', { v: 'X/Y' }), true);
  assert.equal(evaluateWhen('(a || b) && c', { a: true, c: false }), false);
});

test("another folder's workspace offers only to become current; its computes offer nothing", () => {
  assert.deepEqual(menuFor('amlc.workspace.other'), ['Make This the Current Workspace']);
  assert.deepEqual(menuFor('amlc.otherCompute type:instances'), []);
  assert.deepEqual(menuFor('amlc.workspace.broken'), []);
});
